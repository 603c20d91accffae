package metrics

import (
	"context"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Store loads what a metrics run needs, in a handful of queries whatever
// the size of the organisation: never a query per manager or per rep.
type Store interface {
	MetricsData(ctx context.Context, q Query) (*Data, error)
}

// Query says how far back a run reaches, and in how much detail: the
// figures of a period need every pair, while the weeks before it only need
// who was coached when (coverage, consistency) and how much each manager
// logged (the chart).
type Query struct {
	// From and To bound the window (occurred_on, both included). People
	// carry their latest session before From.
	From, To coaching.Date
	// PairsFrom is the first day of the (session, rep) pairs loaded in
	// full, up to To. The days from From to the day before are loaded as
	// Coached only.
	PairsFrom coaching.Date
	// SessionsFrom is the first day of the sessions loaded as Logged, up to
	// the day before PairsFrom; zero for none.
	SessionsFrom coaching.Date
	// CommitmentsFrom is the first day of the sessions whose commitments
	// are loaded, up to To; zero for none.
	CommitmentsFrom coaching.Date
	// FirstMonth and LastMonth bound the performance records loaded; zero
	// for none.
	FirstMonth, LastMonth coaching.Month
	// OpenCommitments asks for the count of open commitments per manager
	// and rep (the team view).
	OpenCommitments bool
	// AskedSince, when set, asks for Data.Asked: the requests to confirm
	// still pending and not reminded that were asked at or after it.
	AskedSince time.Time
	// Root, when set, is the person a run is scoped to (Options.Root). The
	// store may then load only what the figures of Root and of the people
	// below them read. Let "below" be Root and everyone named, at any
	// depth, under Root in any reporting line: a person's manager in the
	// roster now or in any line of their history (so a rep who moved
	// teams in the window is still there). Then the store loads:
	//   - people: those below, those ever above Root (for the chain to the
	//     nearest leader), and the reps of the pairs loaded, each with
	//     their history; and
	//   - the pairs of sessions logged by people below and of sessions
	//     with a rep below (every rep's pair: a team meeting's minutes
	//     are split among all its reps); coaching of reps below; sessions
	//     logged, commitments and open commitments of people below;
	//     attainment of reps below.
	// Loading more is never wrong (a store may load everything when the
	// scope is most of the organisation): the figures come out the same.
	Root string
}

// Data is everything a run computes from. Only what counts is in it:
// sessions not undone, and on them the reps not removed.
type Data struct {
	People      []Person  // everyone Coachlog knows, active or not
	Pairs       []Pair    // one per (session, rep) from Query.PairsFrom to Query.To
	Coached     []Coached // one per (session, rep) from Query.From to the day before Query.PairsFrom
	Logged      []Logged  // one per session from Query.SessionsFrom to the day before Query.PairsFrom
	Commitments []Commitment
	Months      []RepMonth // one per performance record in the months asked
	Open        []OpenCount
	// Asked are the pending requests to confirm asked at or after
	// Query.AskedSince and not reminded yet (any date of session: only
	// those among Pairs are read).
	Asked []Asked
}

// Asked is a request to confirm, one session's one rep.
type Asked struct {
	SessionID int64
	RepID     string
}

// Person is someone as the roster has them now, with the history of their
// reporting line and their latest session before the loaded window.
type Person struct {
	coaching.Person
	// History lists their manager, tier and activity from each roster
	// import that changed them, oldest first. Before the first, the first
	// applies; a person with none has their current record throughout.
	History []Line
	// LastBefore is the latest session they were coached in (by anyone)
	// before Query.From; zero when none.
	LastBefore coaching.Date
}

// Line is a person's reporting line from a date on.
type Line struct {
	From      coaching.Date
	ManagerID string
	Tier      coaching.Tier
	Active    bool
}

// Pair is one session and one of its reps, with what the metrics need of
// both.
type Pair struct {
	SessionID   int64
	ManagerID   string // who logged it: the session counts for them
	On          coaching.Date
	DurationMin int
	RideAlong   coaching.Role // the manager's role when the session is a ride-along; empty for other kinds
	RepID       string
	Status      coaching.Status
	Rating      int // 0: not rated
}

// Coached is a rep coached on a day, with their share of the session's
// minutes.
type Coached struct {
	RepID   string
	On      coaching.Date
	Minutes float64
}

// Logged is a session as its manager's count: when and how long.
type Logged struct {
	ManagerID   string
	On          coaching.Date
	DurationMin int
}

// Commitment is a commitment made in a session loaded for
// Query.CommitmentsFrom on.
type Commitment struct {
	SessionID int64
	ManagerID string
	MadeOn    coaching.Date // the session's date
	KeptAt    time.Time     // when it was marked kept; zero while it is not
}

// RepMonth is a rep's attainment in a month and the coaching minutes they
// received in it (their share of each session, by anyone).
type RepMonth struct {
	RepID      string
	Month      coaching.Month
	Attainment float64 // percent
	Minutes    float64
}

// OpenCount is how many open commitments a rep has from a manager's
// sessions.
type OpenCount struct {
	ManagerID, RepID string
	Count            int
}
