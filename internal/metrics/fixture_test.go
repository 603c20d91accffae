package metrics_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Most tests report on ISO week 2026-W47: Monday 16 to Sunday 22 November
// 2026, computed on the Monday after.
var (
	week47 = coaching.Week{Year: 2026, Week: 47}
	now    = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

func day(s string) coaching.Date {
	d, err := coaching.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// fixture builds metrics.Data by hand: people, sessions, commitments and
// attainment, exactly as the store would hand them over.
type fixture struct {
	people  map[string]*metrics.Person
	ids     []string
	pairs   []metrics.Pair
	commits []metrics.Commitment
	months  []metrics.RepMonth
	nextID  int64
}

func newFixture() *fixture { return &fixture{people: map[string]*metrics.Person{}} }

// add puts someone in the roster, known and on their team since 1 January
// 2026, reporting to manager.
func (f *fixture) add(id, manager string, tier coaching.Tier, roles ...string) *metrics.Person {
	p := &metrics.Person{Person: coaching.Person{ID: id, Name: id, Roles: roles, ManagerID: manager, Tier: tier,
		Active: true, InRoster: true, Since: day("2026-01-01"), KnownAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	f.people[id] = p
	f.ids = append(f.ids, id)
	return p
}

// team adds a manager and reps of the given tiers named id+"-1", id+"-2"...
func (f *fixture) team(manager, leader string, tiers ...coaching.Tier) []string {
	f.add(manager, leader, "", coaching.PersonManager)
	var reps []string
	for i, t := range tiers {
		id := manager + "-" + string(rune('1'+i))
		f.add(id, manager, t, coaching.PersonRep)
		reps = append(reps, id)
	}
	return reps
}

// rep is one rep's side of a logged session.
type rep struct {
	id     string
	status coaching.Status
	rating int
}

func pending(id string) rep          { return rep{id, coaching.StatusPending, 0} }
func confirmed(id string, r int) rep { return rep{id, coaching.StatusConfirmed, r} }
func disputed(id string) rep         { return rep{id, coaching.StatusDisputed, 0} }
func reps(ids ...string) (out []rep) {
	for _, id := range ids {
		out = append(out, pending(id))
	}
	return out
}

// log records a session and returns its id.
func (f *fixture) log(manager string, kind coaching.Kind, on string, minutes int, role coaching.Role, rs ...rep) int64 {
	f.nextID++
	if kind != coaching.KindRideAlong {
		role = ""
	}
	for _, r := range rs {
		f.pairs = append(f.pairs, metrics.Pair{SessionID: f.nextID, ManagerID: manager, On: day(on),
			DurationMin: minutes, RideAlong: role, RepID: r.id, Status: r.status, Rating: r.rating})
	}
	return f.nextID
}

// oneOnOne logs a 1:1 with one rep.
func (f *fixture) oneOnOne(manager, on string, minutes int, r rep) int64 {
	return f.log(manager, coaching.KindOneOnOne, on, minutes, "", r)
}

// commitment records a commitment made in session id, marked kept at noon
// UTC on keptOn when that is not empty.
func (f *fixture) commitment(id int64, keptOn string) {
	var made metrics.Pair
	for _, p := range f.pairs {
		if p.SessionID == id {
			made = p
		}
	}
	c := metrics.Commitment{SessionID: id, ManagerID: made.ManagerID, MadeOn: made.On}
	if keptOn != "" {
		c.KeptAt = day(keptOn).Time(time.UTC).Add(12 * time.Hour)
	}
	f.commits = append(f.commits, c)
}

// attainment records a rep's attainment and the minutes they received.
func (f *fixture) attainment(repID, month string, pct, minutes float64) {
	m, err := coaching.ParseMonth(month)
	if err != nil {
		panic(err)
	}
	f.months = append(f.months, metrics.RepMonth{RepID: repID, Month: m, Attainment: pct, Minutes: minutes})
}

func (f *fixture) data() *metrics.Data {
	d := &metrics.Data{Pairs: f.pairs, Commitments: f.commits, Months: f.months}
	for _, id := range f.ids {
		d.People = append(d.People, *f.people[id])
	}
	return d
}

// compute runs the computation for week 47 with a 14-day default cadence.
func (f *fixture) compute(t *testing.T) *metrics.Report {
	t.Helper()
	return f.computeFor(t, metrics.WeekPeriod(week47))
}

func (f *fixture) computeFor(t *testing.T, p metrics.Period) *metrics.Report {
	t.Helper()
	// Whatever the window a real load would use, the fixture holds
	// everything, so the store's "latest session before the window" is
	// never needed: check the plan reaches back far enough instead.
	q := metrics.Plan(p, metrics.All())
	for _, pr := range f.pairs {
		if pr.On.Before(q.From) {
			t.Fatalf("the fixture logs a session on %s, before the window %s the plan loads", pr.On, q.From)
		}
	}
	return metrics.Compute(f.data(), p, settings(now))
}

// settings computes everything, with a 14-day default cadence, at clock.
func settings(clock time.Time) metrics.Settings {
	return metrics.Settings{DefaultCadence: 14, Now: clock, Options: metrics.All()}
}

func manager(t *testing.T, r *metrics.Report, id string) metrics.Figures {
	t.Helper()
	f, ok := r.Manager(id)
	if !ok {
		t.Fatalf("no figures for manager %s; managers: %v", id, ids(r.Managers))
	}
	return f
}

func leader(t *testing.T, r *metrics.Report, id string) metrics.Figures {
	t.Helper()
	f, ok := r.Leader(id)
	if !ok {
		t.Fatalf("no figures for leader %s; leaders: %v", id, ids(r.Leaders))
	}
	return f
}

func ids(fs []metrics.Figures) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// val reads a nullable figure for comparison; NaN stands for null.
func val(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

var null = math.NaN()

// same compares figures, null equal to null.
func same(got, want float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) < 1e-9
}

func checkFigure(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if !same(val(got), want) {
		t.Errorf("%s = %v, want %v", name, fmtVal(got), want)
	}
}

func fmtVal(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

func kinds(is []metrics.Insight) []metrics.InsightKind {
	var out []metrics.InsightKind
	for _, i := range is {
		out = append(out, i.Kind)
	}
	return out
}

func insight(is []metrics.Insight, k metrics.InsightKind) (metrics.Insight, bool) {
	i := slices.IndexFunc(is, func(i metrics.Insight) bool { return i.Kind == k })
	if i < 0 {
		return metrics.Insight{}, false
	}
	return is[i], true
}
