package metrics

import (
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Options say what a run computes beside the metrics of the table, for
// the surfaces that show them. Each reaches further back or reads more, so
// a run asks only for what it shows.
type Options struct {
	Trend    bool // Figures.Before: the 4 weeks before the period, as one period
	Insights bool // Figures.Insights, over the 4 weeks ending with the period
	Weeks    bool // Figures.Weeks: 8 weeks of sessions, for a chart
	// Teams adds Figures.Team: each manager's reps. It reads every open
	// commitment there is, so it suits a run for a manager's own view
	// rather than the whole organisation's digest.
	Teams bool
	// Summary leaves out the metrics that reach beyond the period's own
	// sessions and teams, which are most of a run's reading: consistency,
	// with_commitments, commitments_kept, and the leaders' correlation and
	// at_quota_share stay null. For a quick look such as /coach team or a
	// leader's App Home. Ignored with Trend or Insights.
	Summary bool
	// Root narrows the run to one person and everyone below them: the
	// report lists Root (as a manager, a leader, or both) and the managers
	// and leaders below Root at the period's end, each with exactly the
	// figures the whole organisation's run gives them, while the store
	// loads only what those figures read (see Query.Root). A manager's own
	// view, or a report on one subtree, then costs what that part of the
	// organisation costs. Empty: the whole organisation.
	Root string
	// Zone is the clock the period's dates are on, on which the instants
	// the figures turn into days are read: a commitment marked kept, and
	// "today". Nil: the organisation's (Settings.Location,
	// COACHLOG_TIMEZONE), the clock of the digest, `coachlog metrics`,
	// /coach report and a leader's tree. A manager's own surfaces read
	// their own week on their own clock, the one their nudge uses, and
	// pass it here. The roster import that starts a never-coached rep's
	// clock (the nudge rule's "overdue") is read on the rep's manager's
	// clock whatever Zone says, so every run calls overdue whom the nudge
	// does.
	Zone *time.Location
}

// summary reports whether o asks for the summary alone.
func (o Options) summary() bool { return o.Summary && !o.Trend && !o.Insights }

// DigestOptions ask for what the weekly digest shows: the trend, the insights
// and the chart.
func DigestOptions() Options { return Options{Trend: true, Insights: true, Weeks: true} }

// All asks for everything.
func All() Options { return Options{Trend: true, Insights: true, Weeks: true, Teams: true} }

// Settings are what a computation needs besides the data.
type Settings struct {
	DefaultCadence int            // COACHLOG_CADENCE_DAYS, for managers without their own
	Now            time.Time      // the run's clock: "away" is read as of now
	Location       *time.Location // COACHLOG_TIMEZONE: weeks and today, unless Options.Zone says otherwise
	Options                       // what to compute beside the metrics; as given to Plan
}

// location is the run's clock: the period's own (Options.Zone), else the
// organisation's, else UTC.
func (s Settings) location() *time.Location {
	switch {
	case s.Zone != nil:
		return s.Zone
	case s.Location != nil:
		return s.Location
	}
	return time.UTC
}

// Report is every manager's and every leader's figures for a period.
type Report struct {
	Period   Period
	Managers []Figures // by name, then id
	Leaders  []Figures // by name, then id
	// Org is the whole organisation, pooled as a leader's tree is: every
	// listed manager, and for the correlation and at_quota_share every
	// active rep. Its ID is empty and its LeaderID too.
	Org Figures
}

// OrgName names the organisation's figures.
const OrgName = "Organisation"

// Manager returns a manager's figures.
func (r *Report) Manager(id string) (Figures, bool) { return find(r.Managers, id) }

// Leader returns a leader's figures.
func (r *Report) Leader(id string) (Figures, bool) { return find(r.Leaders, id) }

// ManagerIndex is a report's managers' figures by id.
type ManagerIndex map[string]Figures

// ManagerIndex indexes r's managers by id: one pass over them, then one
// over a leader's ManagerIDs, which can be most of the report. A run that
// looks up every leader's managers (the digest's narratives) builds it
// once, not once per leader.
func (r *Report) ManagerIndex() ManagerIndex {
	byID := make(ManagerIndex, len(r.Managers))
	for _, f := range r.Managers {
		byID[f.ID] = f
	}
	return byID
}

// Figures returns the figures of the managers ids names, in their order,
// leaving out any the index does not hold.
func (ix ManagerIndex) Figures(ids []string) []Figures {
	var out []Figures
	for _, id := range ids {
		if f, ok := ix[id]; ok {
			out = append(out, f)
		}
	}
	return out
}

// CountCoaching counts the managers among ms who logged a session in the
// period: "by 4 managers" read as four coaching when one of them logged
// nothing (CoachedBy words it).
func CountCoaching(ms []Figures) int {
	n := 0
	for _, m := range ms {
		if m.Metrics.Sessions > 0 {
			n++
		}
	}
	return n
}

// CoachedBy says who logged the period's sessions among ms, the managers
// a surface lists: "by 3 of 4 managers", "by all 4 managers", "by both
// managers", "by the only manager"; "" when none did. "by 3 managers"
// above a list of four read as a count of the list, with one missing
// (the digest's headline, a leader's App Home). Its counts are written
// as every surface writes one (Count): "by 1,500 of 2,000 managers".
func CoachedBy(ms []Figures) string {
	n, all := CountCoaching(ms), len(ms)
	switch {
	case n == 0:
		return ""
	case n < all:
		return "by " + coaching.Count(n) + " of " + coaching.Count(all) + " managers"
	case all == 1:
		return "by the only manager"
	case all == 2:
		return "by both managers"
	}
	return "by all " + coaching.Count(all) + " managers"
}

func find(fs []Figures, id string) (Figures, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return Figures{}, false
}

// Figures are one scope's numbers for a period and what the surfaces show
// beside them.
type Figures struct {
	ID, Name string
	// LeaderID is the nearest leader above them at the period's end; empty
	// at the top or outside the roster's tree.
	LeaderID    string
	Leader      bool // a leader's tree rather than one manager
	CadenceDays int  // a manager's cadence
	Metrics     Metrics
	// Leaders only: the correlation of coaching with results, the share of
	// their reps at quota in the period's last month, and the managers
	// their figures sum.
	Correlation  *Correlation
	AtQuotaShare *float64
	// AttainmentReps is how many reps AtQuotaShare is a share of: those
	// with attainment for the period's last month, which a partial CRM
	// export makes fewer than the tree's reps. The surfaces print it
	// beside the share, so that "100% at quota" over 2 reps of 13 does
	// not read as the whole organisation's.
	AttainmentReps int
	ManagerIDs     []string
	// Before is the same figures over the 4 weeks before the period, as one
	// period: the trend (Options.Trend). BeforeWeekly gives its counts per
	// week.
	Before *Metrics
	// Since is the day Coachlog started counting this scope, on the run's
	// clock: the day it first knew the manager (coaching.Person.KnownAt,
	// the first roster import that listed them, the day a nudge's clock
	// starts for a rep never coached), for a tree the earliest of its
	// managers'. Zero: not known. Weeks before it hold no coaching
	// anyone logged, so no trend is read from them (TrendCounted).
	Since coaching.Date
	// Insights are computed over the 4 weeks ending with the period
	// (Options.Insights).
	Insights []Insight
	// Weeks are the 8 ISO weeks ending with the period's last week, oldest
	// first, the last one cut at the period's end (Options.Weeks).
	Weeks []WeekCount
	// Team is a manager's reps at the period's end (Options.Teams).
	Team []TeamRep
}

// Weekly are counts averaged per week.
type Weekly struct {
	Sessions, Minutes, Pairs, RideAlongs float64
	// RideAlongsBy are the ride-alongs by the manager's role: lead,
	// participant, observer.
	RideAlongsBy [3]float64
}

// BeforeWeekly is the 4 weeks before the period as averages per week, to
// set beside a week's counts; zero without Options.Trend.
func (f Figures) BeforeWeekly() Weekly {
	if f.Before == nil {
		return Weekly{}
	}
	b := f.Before
	return Weekly{
		Sessions:   float64(b.Sessions) / 4,
		Minutes:    float64(b.Minutes) / 4,
		Pairs:      float64(b.Pairs) / 4,
		RideAlongs: float64(b.RideAlongs.Lead+b.RideAlongs.Participant+b.RideAlongs.Observer) / 4,
		RideAlongsBy: [3]float64{float64(b.RideAlongs.Lead) / 4, float64(b.RideAlongs.Participant) / 4,
			float64(b.RideAlongs.Observer) / 4},
	}
}

// TrendCounted reports whether Coachlog counted all of the 4 weeks before
// p for f (Before): the first digests after a roster import would
// otherwise set the week beside weeks of zeros from before Coachlog
// existed and show every figure going up.
func (f Figures) TrendCounted(p Period) bool {
	return f.Since.IsZero() || !p.Prior().From.Before(f.Since)
}

// TrendStarts is the Monday of the first ISO week whose trend Coachlog
// counted in full, for a scope it started counting on since: the week
// whose 4 weeks before all begin on or after since (TrendCounted). A week
// 4 weeks on from since is not enough when since is not a Monday, as its
// own week was counted only in part. Zero when since is.
func TrendStarts(since coaching.Date) coaching.Date {
	if since.IsZero() {
		return since
	}
	first := since.AddDays(28) // the earliest period start whose Prior begins on or after since
	monday := coaching.WeekOf(first).Monday()
	if monday.Before(first) {
		monday = monday.AddDays(7)
	}
	return monday
}

// TrendWait says why a scope's figures show no trend, and from which week
// they will: every surface that leaves a trend out because its 4 weeks
// began before since (TrendCounted) says it in these words. Empty when
// since is zero.
func TrendWait(since coaching.Date) string {
	if since.IsZero() {
		return ""
	}
	return "trends start once 4 full weeks are counted: Coachlog started counting on " + since.Human() +
		", so from the week of " + TrendStarts(since).Human()
}

// ConsistencyBeforeCounted reports whether Coachlog counted all of the 4
// weeks consistency_before judges (those before the 4 ending with p's last
// week), as TrendCounted does for the trend.
func (f Figures) ConsistencyBeforeCounted(p Period) bool {
	return f.Since.IsZero() || !sundayOf(p.To).AddDays(-8*7+1).Before(f.Since)
}

// ConsistencyUncounted is how many of the 4 ISO weeks consistency judges
// for p (those ending with p's last week) began before Coachlog started
// counting f: PRODUCT.md counts them, as weeks when coverage fell short
// (nobody logged coaching in Coachlog then), so a surface says so beside
// the figure. A week counts as begun before when its Monday is before
// Since, as ConsistencyBeforeCounted and TrendCounted read weeks.
func (f Figures) ConsistencyUncounted(p Period) int {
	if f.Since.IsZero() {
		return 0
	}
	n := 0
	for monday := sundayOf(p.To).AddDays(-4*7 + 1); monday.Before(f.Since) && n < 4; monday = monday.AddDays(7) {
		n++
	}
	return n
}

// WeeksSessions is the sessions of the 8 weeks in Weeks: how much a scope
// coached over the chart's span.
func (f Figures) WeeksSessions() int {
	n := 0
	for _, w := range f.Weeks {
		n += w.Sessions
	}
	return n
}

// Change is how a figure moved against the 4 weeks before.
type Change int8

// The ways a figure moves.
const (
	Unknown Change = iota // nothing to compare with (a null on either side)
	Same
	Up
	Down
)

// Compare says how now moved against before. Figures come rounded as
// published, so equal on the page is Same.
func Compare(now, before float64) Change {
	switch {
	case now > before+eps:
		return Up
	case now < before-eps:
		return Down
	}
	return Same
}

// CompareShares is Compare for nullable figures: Unknown when either is
// null.
func CompareShares(now, before *float64) Change {
	if now == nil || before == nil {
		return Unknown
	}
	return Compare(*now, *before)
}

// WeekCount is a week's coaching by a scope.
type WeekCount struct {
	Week     coaching.Week
	Sessions int
	Minutes  int
}

// TeamRep is one rep of a manager's team as of the period's end.
type TeamRep struct {
	ID, Name        string
	Tier            coaching.Tier // on the period's last day
	LastSession     coaching.Date // by anyone, on or before the period's end; zero: never
	DaysSince       int           // since LastSession; 0 when never
	Overdue         bool          // by the nudge rule
	OverdueDays     int           // days behind the rule counts: since the last session, or since the clock started when never coached
	Never           bool          // never coached, by anyone
	Away            bool          // or deactivated: not counted as overdue either way
	Deactivated     bool          // in Slack
	OpenCommitments int           // open commitments from this manager's sessions
	// For a rep Never coached, as the nudge says it (coaching.OverdueFrom):
	// the clock started when Coachlog first knew them, not when they joined.
	SinceKnown bool
}
