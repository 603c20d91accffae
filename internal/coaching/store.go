package coaching

import (
	"context"
	"time"
)

// Reader reads what the domain needs to decide. Lookups of a missing thing
// return an *Error with code ENotFound.
type Reader interface {
	Person(ctx context.Context, id string) (Person, error)
	Session(ctx context.Context, id int64) (Session, error)
	// ManagerSessions lists a manager's sessions that were not undone, newest
	// first; with repID only those with that rep.
	ManagerSessions(ctx context.Context, managerID, repID string, limit int) ([]Session, error)
	// RepSessions lists the sessions a rep is on (not undone, not removed),
	// newest first.
	RepSessions(ctx context.Context, repID string, limit int) ([]Session, error)
	// OpenCommitments lists a rep's open commitments from sessions not undone,
	// oldest first.
	OpenCommitments(ctx context.Context, repID string, limit int) ([]Commitment, error)
	// SubmissionSession returns the session a submission key produced, and
	// whether the key was seen at all.
	SubmissionSession(ctx context.Context, key string) (int64, bool, error)
	// JobRan reports whether a job ran for a period.
	JobRan(ctx context.Context, job, period string) (bool, error)
}

// Tx is a write transaction: everything done through it commits together or
// not at all, which is how a session and the DMs it causes stay in step.
type Tx interface {
	Reader
	// EnsurePerson creates a placeholder for someone not yet known; an
	// existing person is left alone.
	EnsurePerson(ctx context.Context, id string) error
	InsertSession(ctx context.Context, s *Session) error
	// UpdateSession writes the session's own fields and its reps (inserting
	// new reps); commitments are handled by their own methods.
	UpdateSession(ctx context.Context, s Session) error
	InsertCommitments(ctx context.Context, cs []Commitment) error
	DeleteCommitments(ctx context.Context, ids []int64) error
	// CloseCommitments sets the status of open commitments among ids that
	// belong to repIDs, recording the session that closed them; reopened
	// when that session is undone.
	CloseCommitments(ctx context.Context, ids []int64, repIDs []string, status CommitmentStatus, bySession int64, at time.Time) error
	ReopenCommitments(ctx context.Context, closedBySession int64) error
	MarkSubmission(ctx context.Context, key string, sessionID int64, at time.Time) error
	Audit(ctx context.Context, e AuditEntry) error
	Enqueue(ctx context.Context, msgs ...Message) error
	// ClaimJob records that job runs for period; false when it already ran.
	ClaimJob(ctx context.Context, job, period, detail string, at time.Time) (bool, error)
	// SetAway sets the last day someone is away (zero: not away).
	SetAway(ctx context.Context, id string, until Date) error
	// SetSnooze sets the last day someone's nudges are snoozed.
	SetSnooze(ctx context.Context, id string, until Date) error
	// SetCadence sets a manager's cadence in days (0: the default).
	SetCadence(ctx context.Context, id string, days int) error
	// MarkReminded records that a rep was reminded of a pending session.
	MarkReminded(ctx context.Context, sessionID int64, repID string, at time.Time) error
}

// Store is the persistence the domain needs.
type Store interface {
	Reader
	// Update runs fn in one write transaction, committed when fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// UpsertPerson records what Slack says about someone, keeping the
	// roster's own fields.
	UpsertPerson(ctx context.Context, p Person) error
	// NudgeManagers lists active people with active reps reporting to them.
	NudgeManagers(ctx context.Context) ([]Person, error)
	// Teams loads the teams of the given managers with their sessions on
	// or after from.
	Teams(ctx context.Context, managers []Person, from Date) ([]Team, error)
	// PendingReps lists (session, rep) pairs pending since before cutoff,
	// not reminded yet, on sessions still live.
	PendingReps(ctx context.Context, cutoff time.Time) ([]PendingRep, error)
}

// PendingRep is a rep who has not answered a session yet.
type PendingRep struct {
	SessionID int64
	Rep       Person
	Since     time.Time
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	At        time.Time
	ActorID   string
	Action    string
	SessionID int64
	Detail    map[string]any
}

// MessageKind says what an outgoing message shows; the Slack edge renders it
// from the state current when it is delivered.
type MessageKind string

// Message kinds.
const (
	MsgRepDM         MessageKind = "rep_dm"         // the rep's DM about a session
	MsgDisputeNotice MessageKind = "dispute_notice" // tells a manager a rep disputed
	MsgCaptureReply  MessageKind = "capture_reply"  // the manager's ephemeral receipt
	MsgHome          MessageKind = "home"           // someone's App Home tab
	MsgNudge         MessageKind = "nudge"          // a manager's nudge; Payload holds the Nudge
	MsgRepReminder   MessageKind = "rep_reminder"   // a reminder in the thread of a rep's DM
	MsgDigest        MessageKind = "digest"         // the weekly digest; Payload holds it
)

// Op is how a message reaches Slack.
type Op string

// Ops.
const (
	OpPost    Op = "post"    // a new message, remembered by Key for updates
	OpUpdate  Op = "update"  // an update of the message posted under Key
	OpRespond Op = "respond" // a reply through a response_url
	OpPublish Op = "publish" // an App Home publish
)

// Message is a Slack message the domain asks for. It is queued in the
// outbox with the change that caused it.
type Message struct {
	Kind        MessageKind
	Op          Op
	Key         string // identity of a posted message, for later updates
	To          string // a user or channel id
	SessionID   int64
	RepID       string
	ResponseURL string
	Replace     bool   // a response replaces the message it answers
	ThreadKey   string // post as a reply in the thread of the message posted under this key
	Payload     []byte // content decided when queued (a nudge, a digest), as JSON
}

// RepDMKey names the DM a rep gets about a session.
func RepDMKey(sessionID int64, repID string) string {
	return "rep_dm:" + itoa(sessionID) + ":" + repID
}

// DisputeKey names the DM a manager gets when a rep disputes a session.
func DisputeKey(sessionID int64, repID string) string {
	return "dispute:" + itoa(sessionID) + ":" + repID
}

// OutboxItem is a queued message with its delivery state.
type OutboxItem struct {
	ID        int64
	Message   Message
	Attempts  int
	CreatedAt time.Time
}

// Posted is where Slack put a message, so that it can be updated later.
type Posted struct {
	Channel, TS string
}
