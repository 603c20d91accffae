// Package coaching is Coachlog's domain: people, coaching sessions, the rules
// for logging, confirming and editing them, and the quick-capture language.
// It imports only the standard library; storage and Slack live at the edges.
package coaching

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is what sort of coaching a session was.
type Kind string

// The kinds of coaching PRODUCT.md names.
const (
	KindRideAlong     Kind = "ride_along"
	KindOneOnOne      Kind = "one_on_one"
	KindDealReview    Kind = "deal_review"
	KindSkillPractice Kind = "skill_practice"
	KindCareer        Kind = "career"
	KindTeamMeeting   Kind = "team_meeting"
)

// Kinds lists every kind in the order forms show them.
func Kinds() []Kind {
	return []Kind{KindRideAlong, KindOneOnOne, KindDealReview, KindSkillPractice, KindCareer, KindTeamMeeting}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Label is the kind as people say it.
func (k Kind) Label() string {
	switch k {
	case KindRideAlong:
		return "Ride-along"
	case KindOneOnOne:
		return "1:1"
	case KindDealReview:
		return "Deal review"
	case KindSkillPractice:
		return "Role-play"
	case KindCareer:
		return "Career conversation"
	case KindTeamMeeting:
		return "Team meeting"
	}
	return string(k)
}

// Noun is the kind as said mid-sentence ("this deal review"): its label
// in lower case ("1:1" has none to lower).
func (k Kind) Noun() string { return strings.ToLower(k.Label()) }

// SingleRep reports whether a session of this kind is with exactly one rep.
func (k Kind) SingleRep() bool { return k == KindOneOnOne || k == KindCareer }

// Role is the part a manager played on a ride-along.
type Role string

// The ride-along roles.
const (
	RoleLead        Role = "lead"
	RoleParticipant Role = "participant"
	RoleObserver    Role = "observer"
)

// Roles lists the ride-along roles.
func Roles() []Role { return []Role{RoleLead, RoleParticipant, RoleObserver} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Label is the role as a form shows it.
func (r Role) Label() string {
	switch r {
	case RoleLead:
		return "Took the lead"
	case RoleParticipant:
		return "Passive participant"
	case RoleObserver:
		return "Silent observer"
	}
	return string(r)
}

// Status is where a rep stands on a session logged with them.
type Status string

// The per-rep statuses.
const (
	StatusPending   Status = "pending"
	StatusConfirmed Status = "confirmed"
	StatusDisputed  Status = "disputed"
)

// Tier is a rep's performance tier.
type Tier string

// The performance tiers; TierNone means not set.
const (
	TierNone   Tier = ""
	TierTop    Tier = "top"
	TierMiddle Tier = "middle"
	TierBottom Tier = "bottom"
)

// Visibility says who may read a session's notes.
type Visibility string

// Note visibilities: the manager and the rep, or also the leaders above.
const (
	VisibilityPrivate Visibility = "private"
	VisibilityShared  Visibility = "shared"
)

// Source is how a session was captured.
type Source string

// Capture sources.
const (
	SourceModal    Source = "modal"
	SourceQuick    Source = "quick"
	SourceShortcut Source = "shortcut"
)

// Known reports whether s is one of the capture sources Coachlog writes.
// A form carries its source in its private_metadata: anything else came
// from a crafted payload, and is not stored, logged or exported as given.
func (s Source) Known() bool {
	return s == SourceModal || s == SourceQuick || s == SourceShortcut
}

// CommitmentStatus tracks a commitment made in a session.
type CommitmentStatus string

// Commitment statuses.
const (
	CommitmentOpen    CommitmentStatus = "open"
	CommitmentKept    CommitmentStatus = "kept"
	CommitmentNotKept CommitmentStatus = "not_kept"
)

// Person role names as the roster spells them.
const (
	PersonRep     = "rep"
	PersonManager = "manager"
	PersonLeader  = "leader"
	PersonAdmin   = "admin"
)

// Person is someone Coachlog knows: from the roster, or created the first
// time they were named in a session.
type Person struct {
	ID          string // Slack user id
	Email       string
	Name        string
	RosterNamed bool // the roster gave Name: Slack's display name does not replace it
	// EmailByRoster says a roster file gave Email (not Slack): Slack's
	// address does not replace it.
	EmailByRoster bool
	TZ            string // roster time zone; wins over SlackTZ
	SlackTZ       string // from the Slack profile
	Roles         []string
	ManagerID     string
	Tier          Tier
	CadenceDays   int // 0: the default cadence
	Since         Date
	// SinceAt is, when the roster gave no `since` and Since is an import's
	// day, that import's moment: the day it falls on depends on whose
	// clock judges (JoinedOn). Zero when the roster gave the date.
	SinceAt    time.Time
	Active     bool
	InRoster   bool
	IsBot      bool
	Deleted    bool
	External   bool      // of another organisation (Slack Connect): not one of the company's people
	TeamID     string    // the workspace Slack homes them in (team_id), as their profile said; "": not said
	ResolvedAt time.Time // last read from Slack; zero for a placeholder
	// ProfileAt is when Slack's fields above (name, email, SlackTZ, IsBot,
	// Deleted, External, TeamID, Status) were as given, on Slack's clock: a
	// user_change's event time, or the `updated` of the user object a
	// read returned. Slack may deliver a retried event after a newer one;
	// the store keeps the newest profile (Store.UpsertPerson). Zero:
	// unknown.
	ProfileAt time.Time
	// KnownAt is when Coachlog first knew them as a member of a team (the
	// first roster import that listed them; never imported, when their row
	// was made): nobody is overdue for the time before. It is an instant,
	// not a date: which day it falls on depends on whose clock judges
	// (KnownOn).
	KnownAt time.Time

	AwayUntil    Date // set with /coach away: last day away
	SnoozedUntil Date // nudges snoozed through this day
	Status       SlackStatus

	// EmailFromSlack says Email is the one users.list gave a roster import
	// whose file left the cell empty: stored only where no address is (one
	// a file or a profile gave stays), and no change of the roster's. Not
	// stored itself.
	EmailFromSlack bool
}

// SlackStatus is someone's Slack status, kept fresh from user_change events.
type SlackStatus struct {
	Text    string
	Emoji   string
	Expires time.Time // zero: no expiry
}

// HasRole reports whether the roster lists role r for p, active or not.
// Rights are decided with Holds.
func (p Person) HasRole(r string) bool { return slices.Contains(p.Roles, r) }

// Holds reports whether p holds role r now: an active person of the current
// roster with that role. Every right a role gives ends when the roster
// drops the person or the role (PRODUCT.md, "Who may do what").
func (p Person) Holds(r string) bool { return p.Active && p.InRoster && p.HasRole(r) }

// Manages reports whether rep reports to p in the roster as it is now: both
// active members of it. A manager's rights over their reps (marking them
// away) end when the roster drops either of them or moves the rep.
func (p Person) Manages(rep Person) bool {
	return p.Active && p.InRoster && rep.Active && rep.InRoster && rep.ManagerID == p.ID && p.ID != ""
}

// JoinedOn is the day p joined their current team on the clock of loc: the
// roster's `since` as it gave it, or, when that defaulted to an import's
// day, the day of that import's moment on loc (an import at 03:00 UTC is
// the evening before for a manager at UTC−8).
func (p Person) JoinedOn(loc *time.Location) Date {
	if p.SinceAt.IsZero() {
		return p.Since
	}
	return DateOf(p.SinceAt, loc)
}

// ClockStart is the first day a never-coached rep's clock counts on the
// clock of loc, in the team the roster gives them now: the later of the
// day they joined it and the day Coachlog first knew them, so that nobody
// is overdue for time before either.
func (p Person) ClockStart(loc *time.Location) Date {
	start := p.JoinedOn(loc)
	if known := p.KnownOn(loc); known.After(start) {
		return known
	}
	return start
}

// KnownOn is the day Coachlog first knew p (KnownAt) on the clock of loc:
// their manager's zone, for the nudge, the manager's own surfaces and the
// organisation's figures alike. Zero when never known.
func (p Person) KnownOn(loc *time.Location) Date {
	if p.KnownAt.IsZero() {
		return Date{}
	}
	return DateOf(p.KnownAt, loc)
}

// Location returns the person's time zone, falling back to def.
func (p Person) Location(def *time.Location) *time.Location {
	return p.locationBy(loadLocation, def)
}

// locationBy is Location with the zones read by load (nil: not a zone):
// the roster's zone, else Slack's, else def.
func (p Person) locationBy(load func(name string) *time.Location, def *time.Location) *time.Location {
	for _, name := range []string{p.TZ, p.SlackTZ} {
		if name == "" {
			continue
		}
		if loc := load(name); loc != nil {
			return loc
		}
	}
	return def
}

// DisplayName is the name to show, falling back to a Slack mention.
func (p Person) DisplayName() string {
	if strings.TrimSpace(p.Name) != "" {
		return p.Name
	}
	return p.ID
}

// Skill is a focus skill with a stable id.
type Skill struct {
	ID    string
	Label string
}

// DefaultSkills are the focus skills used when COACHLOG_SKILLS is not set.
func DefaultSkills() []Skill {
	return []Skill{
		{"prospecting", "Prospecting"},
		{"discovery", "Discovery"},
		{"presentation", "Presentation/demo"},
		{"objection_handling", "Objection handling"},
		{"negotiation", "Negotiation"},
		{"closing", "Closing"},
		{"pipeline", "Pipeline management"},
		{"product", "Product knowledge"},
	}
}

// Session is one coaching session: a manager, one or more reps, and what
// happened.
type Session struct {
	ID          int64
	ManagerID   string
	Reps        []SessionRep
	Kind        Kind
	OccurredOn  Date
	DurationMin int
	Role        Role
	Skills      []string
	Notes       string
	Visibility  Visibility
	Source      Source
	FollowUpOn  Date
	Commitments []Commitment
	Version     int // bumped by changes of substance; older buttons are refused
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeletedAt   time.Time // set by Undo
}

// Undone reports whether the session was undone.
func (s Session) Undone() bool { return !s.DeletedAt.IsZero() }

// Rep returns the session's record for repID.
func (s Session) Rep(repID string) (SessionRep, bool) {
	for _, r := range s.Reps {
		if r.RepID == repID {
			return r, true
		}
	}
	return SessionRep{}, false
}

// ActiveRepIDs lists the reps still on the session.
func (s Session) ActiveRepIDs() []string {
	var ids []string
	for _, r := range s.Reps {
		if !r.Removed {
			ids = append(ids, r.RepID)
		}
	}
	return ids
}

// SessionRep is one rep's side of a session.
type SessionRep struct {
	RepID         string
	Status        Status
	Rating        int // 0: not rated
	Comment       string
	DisputeReason string
	ChangeNote    string // what the last edit asking the rep again changed, and who reads the notes if an edit changed that, shown in the rep's DM (changenote.go)
	Removed       bool   // taken off the session by an edit; their DM is withdrawn
	// Ask counts the times an edit asked the rep again (0: the first
	// asking, when the session was logged). Each asking gets its own
	// reminder (ReminderKey), three days after it.
	Ask int
}

// Commitment is one thing a rep committed to in a session.
type Commitment struct {
	ID         int64
	SessionID  int64
	RepID      string
	Text       string
	Status     CommitmentStatus
	FollowUpOn Date
	CreatedOn  Date
	// ManagerID and Visibility are the session's: who may read and close a
	// commitment follows who logged it and who may read its notes.
	ManagerID  string
	Visibility Visibility
	// ManagerName is ManagerID's display name where a list offers the
	// commitment to someone other than its manager (a leader's log form:
	// CommitmentForm), so that they see whose it is; "" elsewhere.
	ManagerName string
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ExportRow is one (session, rep) pair as exported for BI tools. A team
// meeting with three reps gives three rows sharing the session id.
type ExportRow struct {
	ID            int64
	OccurredOn    Date
	ManagerID     string
	ManagerName   string
	RepID         string
	RepName       string
	Kind          Kind
	Role          Role
	DurationMin   int
	RepCount      int // reps on the session: the rep's share of minutes is DurationMin/RepCount
	Skills        []string
	Status        Status
	Rating        int // 0: not rated
	Source        Source
	Visibility    Visibility
	Commitments   int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Notes         string // only exported on request
	Comment       string // the rep's comment; only with notes
	DisputeReason string // only with notes
}
