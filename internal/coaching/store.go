package coaching

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reader reads what the domain needs to decide. Lookups of a missing thing
// return an *Error with code ENotFound.
type Reader interface {
	Person(ctx context.Context, id string) (Person, error)
	// PeopleByID reads the people of ids that are stored, in one query.
	PeopleByID(ctx context.Context, ids []string) (map[string]Person, error)
	// DirectReports lists the people whose manager in the roster is
	// managerID, active or not.
	DirectReports(ctx context.Context, managerID string) ([]Person, error)
	Session(ctx context.Context, id int64) (Session, error)
	// SessionAudit reads a session's audit trail, oldest first; in a
	// write, as that write sees it. An entry whose detail is not JSON is
	// read as Unreadable, not as an error.
	SessionAudit(ctx context.Context, sessionID int64) ([]AuditEntry, error)
	// ManagerSessions lists a manager's sessions that were not undone, newest
	// first; with repID only those with that rep.
	ManagerSessions(ctx context.Context, managerID, repID string, limit int) ([]Session, error)
	// RepSessions lists the sessions a rep is on (not undone, not removed),
	// newest first.
	RepSessions(ctx context.Context, repID string, limit int) ([]Session, error)
	// OpenCommitments lists a rep's open commitments from sessions not undone
	// (and the rep not removed from), oldest first, narrowed by f.
	OpenCommitments(ctx context.Context, repID string, f CommitmentFilter, limit int) ([]Commitment, error)
	// CountOpenCommitments counts what OpenCommitments lists, without
	// a limit.
	CountOpenCommitments(ctx context.Context, repID string, f CommitmentFilter) (int, error)
	// Commitment returns one commitment, of any status.
	Commitment(ctx context.Context, id int64) (Commitment, error)
	// SubmissionSession returns the session a submission key produced, and
	// whether the key was seen at all.
	SubmissionSession(ctx context.Context, key string) (int64, bool, error)
	// JobRan reports whether a job ran for a period.
	JobRan(ctx context.Context, job, period string) (bool, error)
	// JobRanSince reports whether a job ran, for any period, at a time or
	// later, its runs with a given detail left out. In a write it orders
	// the writes that claim the job (a check, then ClaimJob) one after
	// the other.
	JobRanSince(ctx context.Context, job string, since time.Time, except string) (bool, error)
	// PendingCommands lists accepted commands not acted on yet that were
	// received before a time, oldest first.
	PendingCommands(ctx context.Context, before time.Time) ([]Command, error)
	// CommandAnswered reports whether a command was acted on (done).
	CommandAnswered(ctx context.Context, id int64) (bool, error)
	// PostedUnder reports whether the bot posted a message at p (its
	// channel and ts) under a key beginning with prefix, which ends in
	// an ASCII character: where a message of a kind the domain keys was
	// posted, as Slack answered the post, not as a payload says.
	PostedUnder(ctx context.Context, prefix string, p Posted) (bool, error)
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
	// FollowUpCommitments sets the follow-up date of a session's commitments
	// still open (an edit moved it; those closed keep the date they had).
	FollowUpCommitments(ctx context.Context, sessionID int64, on Date) error
	// SessionCommitments reads a session's commitments as this write
	// sees them, oldest first.
	SessionCommitments(ctx context.Context, sessionID int64) ([]Commitment, error)
	// CloseCommitments sets the status of open commitments among ids that
	// belong to repIDs and come from live sessions managerID logged,
	// recording the session that closed them; reopened when that session is
	// undone. bySession 0 closes them outside any session (from /coach
	// history): recorded with none, so no undo reopens them. Other ids
	// change nothing, whatever a form says. It returns how many it closed.
	CloseCommitments(ctx context.Context, managerID string, ids []int64, repIDs []string, status CommitmentStatus, bySession int64, at time.Time) (int64, error)
	ReopenCommitments(ctx context.Context, closedBySession int64) error
	// ReopenClosed reopens commitment id if it was closed as status
	// outside any session (from /coach history) and still counts; false
	// when it was not (a session closed it, it was reopened or closed
	// otherwise since, its session was undone).
	ReopenClosed(ctx context.Context, id int64, status CommitmentStatus) (bool, error)
	MarkSubmission(ctx context.Context, key string, sessionID int64, at time.Time) error
	Audit(ctx context.Context, e AuditEntry) error
	Enqueue(ctx context.Context, msgs ...Message) error
	// HomeOpened records that someone opened their App Home tab at at.
	HomeOpened(ctx context.Context, id string, at time.Time) error
	// HomeOpenedSince reports whether someone opened their App Home tab
	// at since or later.
	HomeOpenedSince(ctx context.Context, id string, since time.Time) (bool, error)
	// ClaimJob records that job runs for period; false when it already ran.
	ClaimJob(ctx context.Context, job, period, detail string, at time.Time) (bool, error)
	// SetAway sets the last day someone is away (zero: not away).
	SetAway(ctx context.Context, id string, until Date) error
	// SetSnooze sets the last day someone's nudges are snoozed.
	SetSnooze(ctx context.Context, id string, until Date) error
	// SetCadence sets a manager's cadence in days (0: the default).
	SetCadence(ctx context.Context, id string, days int) error
	// MarkReminded records that a rep was reminded of a pending session.
	// ask is the asking reminded of (SessionRep.Ask): a rep asked again
	// since keeps the new asking's reminder.
	MarkReminded(ctx context.Context, sessionID int64, repID string, ask int, at time.Time) error
	// InsertCommand stores an accepted command, setting its ID; false when
	// a command with its key is stored already (ID is then that one's).
	InsertCommand(ctx context.Context, c *Command) (bool, error)
	// MarkCommandDone records that a command was acted on; false when it
	// already was (by another replica, or an earlier pass).
	MarkCommandDone(ctx context.Context, id int64, at time.Time) (bool, error)
}

// CommitmentFilter narrows a rep's open commitments. Zero values do not
// narrow.
type CommitmentFilter struct {
	ManagerID  string // only from sessions this manager logged
	SharedOnly bool   // only from sessions whose notes are shared with leaders
	// ExceptSession leaves out one session's commitments: the session
	// being edited, whose form holds its own. Left out before the limit,
	// so that they do not take the place of others.
	ExceptSession int64
}

// Store is the persistence the domain needs.
type Store interface {
	Reader
	// Update runs fn in one write transaction, committed when fn returns nil.
	// A store may run fn more than once (PostgreSQL runs again a transaction
	// it aborted for a deadlock), so fn must set, not accumulate, what it
	// reports outside.
	Update(ctx context.Context, fn func(Tx) error) error
	// UpsertPerson records what Slack says about someone, keeping the
	// roster's own fields. A profile older (ProfileAt) than the one
	// stored changes nothing: false. The address it gives is theirs:
	// others holding it from an older Slack profile lose it, not one a
	// roster file gave them.
	UpsertPerson(ctx context.Context, p Person) (bool, error)
	// RejudgeOutsiders clears the verdict "of another organisation" of
	// everyone stored as homed in the app's workspace teamID, and makes
	// the profiles of the others stored so stale, to be read again: the
	// workspace is in an Enterprise Grid organisation it did not know. It
	// returns how many verdicts it cleared.
	RejudgeOutsiders(ctx context.Context, teamID string) (int64, error)
	// NudgeManagers lists active people with active reps reporting to
	// them: at least everyone IsManager holds for, for the nudge to
	// decide on with InTeam.
	NudgeManagers(ctx context.Context) ([]Person, error)
	// Teams loads the teams of the given managers with their sessions on
	// or after from: one a manager, in their order.
	Teams(ctx context.Context, managers []Person, from Date) ([]Team, error)
	// PendingReps lists (session, rep) pairs pending since before cutoff,
	// not reminded yet of their latest asking, on sessions still live.
	// An edit that asks a rep again (a new SessionRep.Ask) makes them
	// pending since then, and not reminded.
	PendingReps(ctx context.Context, cutoff time.Time) ([]PendingRep, error)
}

// PendingRep is a rep who has not answered a session yet.
type PendingRep struct {
	SessionID int64
	Rep       Person
	Since     time.Time // when the rep was asked: logged, or asked again
	Ask       int       // which asking it is (SessionRep.Ask)
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	At        time.Time
	ActorID   string
	Action    string
	SessionID int64
	Detail    map[string]any
	// Unreadable is an entry whose stored detail is not JSON (a row
	// edited by hand, a copy cut short): read back with no detail, so
	// that the trail's readers fall back as for an entry that does not
	// decode, rather than every write that reads the trail failing.
	Unreadable bool
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
	MsgHomeRefresh   MessageKind = "home_refresh"   // a manager's App Home tab again after a rep's answer (HomeWatched)
	MsgNudge         MessageKind = "nudge"          // a manager's nudge; Payload holds the Nudge
	MsgRepReminder   MessageKind = "rep_reminder"   // a reminder in the thread of a rep's DM
	MsgDigest        MessageKind = "digest"         // a message of the weekly digest; Payload holds it
	MsgDigestChart   MessageKind = "digest_chart"   // the digest's chart, uploaded in its thread; Payload holds the file
	MsgReply         MessageKind = "reply"          // a short answer to a command; Payload holds a Reply
	MsgEditSaved     MessageKind = "edit_saved"     // an edit saved, in the thread of the not-accurate DM it was opened from; Payload holds a Receipt
)

// MessageKinds are every message kind this build sends.
var MessageKinds = []MessageKind{MsgRepDM, MsgDisputeNotice, MsgCaptureReply, MsgHome, MsgHomeRefresh, MsgNudge,
	MsgRepReminder, MsgDigest, MsgDigestChart, MsgReply, MsgEditSaved}

// Known says whether this build knows k: a kind it does not was queued by
// a newer coachlog on the same database (a rolling upgrade), whose sender
// knows how to send it.
func (k MessageKind) Known() bool { return slices.Contains(MessageKinds, k) }

// ScheduledKinds are the messages scheduled jobs queue after claiming their
// run in the job ledger: one that fails for good is not tried again by a
// later run, so its failure must reach the operator.
var ScheduledKinds = []MessageKind{MsgNudge, MsgDigest, MsgDigestChart, MsgRepReminder}

// DeferredKinds are the messages the outbox sends with the room the others
// leave in their op's lane: the scheduled bulk, and managers' receipts, so
// that in a burst of logged forms a rep's own click, answered by
// response_url like the receipts, goes first; and managers' Homes
// refreshed by their reps' answers, so that a rep's own Home click is
// never behind a Monday's worth of them in views.publish's pace.
// Migration 0022's indexes list them in this order.
var DeferredKinds = append(slices.Clip(ScheduledKinds), MsgCaptureReply, MsgHomeRefresh)

// Deferred says whether k is one of DeferredKinds.
func (k MessageKind) Deferred() bool { return slices.Contains(DeferredKinds, k) }

// Op is how a message reaches Slack.
type Op string

// Ops.
const (
	OpPost    Op = "post"    // a new message, remembered by Key for updates
	OpUpdate  Op = "update"  // an update of the message posted under Key
	OpRespond Op = "respond" // a reply through a response_url
	OpPublish Op = "publish" // an App Home publish
)

// ResponseURLLife is how long after Slack issued a response_url
// (Message.ResponseAt) Coachlog still posts to it, wherever its age is
// judged: a minute short of the 30 minutes Slack takes posts for
// (SLACK-NOTES.md), for the post's time in flight and the drift between
// our clock and Slack's, so that a post Slack would refuse as expired is
// not made. (The fake Slack keeps Slack's own 30: it plays Slack, not the
// bot.)
const ResponseURLLife = 29 * time.Minute

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
	ResponseAt  time.Time // when Slack issued ResponseURL: it takes posts for 30 minutes from then
	Replace     bool      // a response replaces the message it answers
	ThreadKey   string    // post as a reply in the thread of the message posted under this key
	ThreadTS    string    // post as a reply in this thread of To: a thread whose ts is known when queued (ThreadKey waits for its post)
	Payload     []byte    // content decided when queued (a nudge, a digest), as JSON
}

// RepostedThread is what queueing a gone post again did. Reposted says the
// post goes again, or went again already (its replies follow the new one);
// Queued that this call queued it. Then Replies counts the replies of its
// thread that follow it (those still queued, those that had gone under the
// gone post, those that failed under it), and Lost those that had gone
// under it and are no longer kept to send again (their text is emptied a
// day after they went).
type RepostedThread struct {
	Reposted, Queued bool
	Replies, Lost    int
}

// Fallback is the route of a message that rides a response_url once Slack
// no longer takes that URL (30 minutes after it was issued, or after five
// posts): a rep's DM is updated with chat.update, and a manager's receipt
// comes as a DM of its own, with the same Edit and Undo. Only responses have
// one.
func (m Message) Fallback() (Message, bool) {
	if m.Op != OpRespond {
		return Message{}, false
	}
	switch {
	case m.Kind == MsgRepDM && m.Key != "":
		return Message{Kind: MsgRepDM, Op: OpUpdate, Key: m.Key, To: m.To, SessionID: m.SessionID, RepID: m.RepID}, true
	case m.Kind == MsgCaptureReply && m.To != "":
		return Message{Kind: MsgCaptureReply, Op: OpPost, To: m.To, SessionID: m.SessionID, Payload: m.Payload}, true
	case m.Kind == MsgReply && m.To != "":
		return Message{Kind: MsgReply, Op: OpPost, To: m.To, Payload: m.Payload}, true
	}
	return Message{}, false
}

// Receipt is the payload of a MsgCaptureReply queued by an edit: the
// receipt then says what the edit changed (ChangeSet.Describe; "" for
// nothing) rather than that the session was logged. A receipt of a new
// session has no payload.
type Receipt struct {
	Edited  bool   `json:"edited"`
	Changes string `json:"changes,omitempty"`
}

// Reply is the text of a MsgReply, decided when it is queued.
type Reply struct {
	Text string `json:"text"`
}

// Reminder is the payload of a rep's reminder: the version of the session
// they had left pending for three days when it came due. An edit that
// asks them again bumps the version; a reminder still queued then would
// press for an answer to a request a moment old, so it is withheld.
// From is the hour the rep's working day started when it was queued
// (reminderFrom of the nudge hour): it goes in that working day, checked
// again when it is sent (Service.ReminderGoes). A reminder queued before
// reminders carried it reads as from 09:00.
type Reminder struct {
	Version int `json:"version"`
	From    int `json:"from,omitempty"`
}

// ReminderStands says whether the reminder m, about to be posted, still
// has a reason to go: its rep has not answered the session as it was when
// the reminder came due, and nothing withdrew the session from them. A
// reminder queued before reminders carried their version (no payload, or
// none readable) is judged by the rep's state alone.
func (s Session) ReminderStands(m Message) bool {
	r, ok := s.Rep(m.RepID)
	if !ok || r.Status != StatusPending || r.Removed || s.Undone() {
		return false
	}
	var due Reminder
	if len(m.Payload) > 0 && json.Unmarshal(m.Payload, &due) == nil && due.Version != 0 {
		return due.Version == s.Version
	}
	return true
}

// RepDMKey names the DM a rep gets about a session.
func RepDMKey(sessionID int64, repID string) string {
	return "rep_dm:" + itoa(sessionID) + ":" + repID
}

// ReminderKey names the one reminder a rep gets each time they are asked
// about a session (ask is SessionRep.Ask): the job that queued it, and
// the message posted, for its updates. The first asking keeps the key it
// had before askings were counted, so that a reminder claimed under it
// before an upgrade is not sent again, and its updates still find it.
func ReminderKey(sessionID int64, repID string, ask int) string {
	k := "reminder:" + itoa(sessionID) + ":" + repID
	if ask > 0 {
		k += ":" + itoa(int64(ask))
	}
	return k
}

// DisputeKey names the DM a manager gets when a rep disputes a session.
func DisputeKey(sessionID int64, repID string) string {
	return "dispute:" + itoa(sessionID) + ":" + repID
}

// DisputeNoticeKey names the notice of the rep's "not accurate" on the
// session at version: one per asking, so that a rep who disputes again,
// after an edit asked them again, gets the manager a notice of its own.
func DisputeNoticeKey(sessionID int64, repID string, version int) string {
	return DisputeKey(sessionID, repID) + ":" + itoa(int64(version))
}

// disputedVersion reads the session version a not-accurate notice was
// queued at back out of its key (DisputeNoticeKey): the message carries it
// nowhere else, and every notice ever queued has it there. false for a key
// of another shape.
func disputedVersion(m Message) (int, bool) {
	rest, ok := strings.CutPrefix(m.Key, DisputeKey(m.SessionID, m.RepID)+":")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(rest)
	return v, err == nil
}

// DisputeStands says whether the not-accurate notice m, about to be
// posted, still has a reason to go: its rep still disputes the session as
// it was when they clicked, and nothing withdrew it from them. An edit
// since has asked them again (a new version) and answered that dispute;
// should they dispute again, the new dispute has its own notice, and this
// one, rendered now with the new reason, would be its double.
func (s Session) DisputeStands(m Message) bool {
	r, ok := s.Rep(m.RepID)
	if !ok || r.Status != StatusDisputed || r.Removed || s.Undone() {
		return false
	}
	v, ok := disputedVersion(m)
	return !ok || v == s.Version
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
