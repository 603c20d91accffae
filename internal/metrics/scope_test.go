package metrics_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// scopeFixture is two leaders' trees with people moving between them in
// the weeks the figures read: VP over DIR over M1 and M2, VP over M3, X
// over M4. M4 moved from DIR to X on Saturday 21 November; rep M1-2 moved
// from M1 to M3 on Monday 9 November; M2 coached M4's rep once.
func scopeFixture() *fixture {
	f := newFixture()
	f.add("VP", "", "", coaching.PersonLeader)
	f.add("X", "", "", coaching.PersonLeader)
	f.add("DIR", "VP", "", coaching.PersonLeader)
	m1 := f.team("M1", "DIR", top, middle)
	m2 := f.team("M2", "DIR", top, middle, bottom)
	m3 := f.team("M3", "VP", bottom)
	m4 := f.team("M4", "X", top)
	f.people["M4"].History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "DIR", Active: true},
		{From: day("2026-11-21"), ManagerID: "X", Active: true},
	}
	f.people[m1[1]].ManagerID = "M3"
	f.people[m1[1]].History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "M1", Tier: middle, Active: true},
		{From: day("2026-11-09"), ManagerID: "M3", Tier: top, Active: true},
	}
	for i, on := range []string{"2026-10-20", "2026-10-28", "2026-11-03", "2026-11-12", "2026-11-17", "2026-11-20"} {
		f.oneOnOne("M1", on, 30+i, confirmed(m1[i%2], 1+i%5))
		f.oneOnOne("M2", on, 45, confirmed(m2[i%3], 4))
		f.log("M3", coaching.KindRideAlong, on, 60, coaching.RoleLead, pending(m3[0]))
	}
	f.commitment(f.oneOnOne("M4", "2026-11-18", 20, pending(m4[0])), "2026-11-20")
	f.oneOnOne("M2", "2026-11-19", 25, disputed(m4[0]))
	f.oneOnOne("M2", "2026-11-18", 40, confirmed(m2[2], 3)) // M2's third rating of the week: a mean the trees pool
	f.log("M1", coaching.KindTeamMeeting, "2026-11-05", 90, "", reps(m1[0], m1[1])...)
	f.attainment(m1[0], "2026-10", 90, 60)
	f.attainment(m1[0], "2026-11", 95, 40)
	f.attainment(m3[0], "2026-10", 80, 120)
	f.attainment(m3[0], "2026-11", 85, 180)
	return f
}

// A run scoped to a root gives the root and everyone below them at the
// period's end exactly the figures the whole organisation's run gives
// them, and nobody else's, here on the whole organisation's data (what a
// store loads for a large scope). Who is in each report is worked out by
// hand from the tree on Sunday 22 November.
func TestAScopedRunGivesTheWholeRunsFiguresForItsScope(t *testing.T) {
	f := scopeFixture()
	p := metrics.WeekPeriod(week47)
	full := metrics.Compute(f.data(), p, settings(now))
	for _, c := range []struct {
		root              string
		managers, leaders []string
	}{
		// VP's tree: DIR's M1 and M2, and M3; M4 left for X on the 21st.
		{"VP", []string{"M1", "M2", "M3"}, []string{"DIR", "VP"}},
		{"DIR", []string{"M1", "M2"}, []string{"DIR"}},
		{"X", []string{"M4"}, []string{"X"}},
		{"M1", []string{"M1"}, nil},
		{"M3", []string{"M3"}, nil},
		{"M4", []string{"M4"}, nil},
		{"M1-1", nil, nil}, // a rep: no figures of their own
		{"NOBODY", nil, nil},
	} {
		s := settings(now)
		s.Root = c.root
		scoped := metrics.Compute(f.data(), p, s)
		if got := ids(scoped.Managers); !slices.Equal(got, c.managers) {
			t.Errorf("root %s: managers %v, want %v", c.root, got, c.managers)
		}
		if got := ids(scoped.Leaders); !slices.Equal(got, c.leaders) {
			t.Errorf("root %s: leaders %v, want %v", c.root, got, c.leaders)
		}
		for _, g := range append(slices.Clone(scoped.Managers), scoped.Leaders...) {
			want, ok := full.Manager(g.ID)
			if g.Leader {
				want, ok = full.Leader(g.ID)
			}
			if !ok || !reflect.DeepEqual(g, want) {
				t.Errorf("root %s: %s's figures\n got %+v\nwant %+v", c.root, g.ID, g, want)
			}
		}
	}
	// The fixture is not trivial: the figures compared hold sessions,
	// a team, a rating mean and a correlation's pairs.
	if m := manager(t, full, "M1").Metrics; m.Sessions != 2 || m.Reps != 1 || m.Ratings != 2 {
		t.Errorf("M1's week: %+v; want 2 sessions, 1 rep, 2 ratings", m)
	}
	if l := leader(t, full, "VP"); l.Correlation == nil || l.Correlation.N != 2 || l.Metrics.MeanRating == nil {
		t.Errorf("VP: correlation %+v, mean rating %v; want 2 pairs and a mean", l.Correlation, fmtVal(l.Metrics.MeanRating))
	}
}

// A scoped run's plan carries its root to the store.
func TestPlanCarriesTheRoot(t *testing.T) {
	for _, o := range []metrics.Options{{Root: "U1"}, {Root: "U1", Summary: true}} {
		if q := metrics.Plan(metrics.WeekPeriod(week47), o); q.Root != "U1" {
			t.Errorf("Plan(%+v).Root = %q, want U1", o, q.Root)
		}
	}
}

// The on-demand surfaces read the ISO week so far, in the organisation's
// zone: on Monday 23 November 2026 at 02:00 in Auckland it is already
// Monday there, while in UTC it is still Sunday 22nd, the end of W47.
func TestThisWeekIsTheWeekSoFarInTheOrganisationsZone(t *testing.T) {
	at := time.Date(2026, 11, 22, 13, 0, 0, 0, time.UTC)
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc  *time.Location
		want metrics.Period
	}{
		{time.UTC, metrics.Period{From: day("2026-11-16"), To: day("2026-11-22")}},
		{auckland, metrics.Period{From: day("2026-11-23"), To: day("2026-11-23")}},
	} {
		e := metrics.New(metrics.Config{Location: c.loc, Now: func() time.Time { return at }})
		if got := e.ThisWeek(); got != c.want {
			t.Errorf("%s: ThisWeek = %s, want %s", c.loc, got, c.want)
		}
	}
}
