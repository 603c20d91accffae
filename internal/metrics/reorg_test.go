package metrics_test

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// A tree's trend compares its own managers, those in it at the period's
// end, with what they did in the 4 weeks before, as its consistency (and
// its "4 weeks before") already does. Rolled up by the tree as it was
// then, a reorg read as coaching: M4, moved from DIR to X on Wednesday
// 18 November, made X's tree, whose only manager M4 is, read "4 weeks
// before: 0 sessions" under M4's own line of 2, and DIR's tree counted M4's
// sessions of then against the managers it has now.
func TestATreesTrendComparesTheManagersInItNow(t *testing.T) {
	f := newFixture()
	f.add("VP", "", "", coaching.PersonLeader)
	f.add("X", "VP", "", coaching.PersonLeader)
	f.add("DIR", "VP", "", coaching.PersonLeader)
	m1 := f.team("M1", "DIR", top)
	m4 := f.team("M4", "X", top, middle)
	f.people["M4"].History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "DIR", Active: true},
		{From: day("2026-11-18"), ManagerID: "X", Active: true},
	}
	// The 4 weeks before (19 October to 15 November): M1 once, M4 twice.
	f.oneOnOne("M1", "2026-11-03", 30, pending(m1[0]))
	f.oneOnOne("M4", "2026-11-02", 20, pending(m4[0]))
	f.oneOnOne("M4", "2026-11-09", 40, pending(m4[1]))
	// The week: M1 once, M4 once.
	f.oneOnOne("M1", "2026-11-17", 30, pending(m1[0]))
	f.oneOnOne("M4", "2026-11-19", 30, pending(m4[0]))
	r := f.compute(t)

	for _, c := range []struct {
		leader, manager string
		sessions, mins  int
		reps, covered   int
	}{
		// X's tree is M4 alone: the same before as M4's own, whose 2 reps
		// were both coached in the 14 days to Sunday 15 November.
		{"X", "M4", 2, 60, 2, 2},
		// DIR's tree is M1 alone now: M4's sessions of then are not its.
		{"DIR", "M1", 1, 30, 1, 1},
	} {
		l, m := leader(t, r, c.leader), manager(t, r, c.manager)
		if l.Before == nil || m.Before == nil {
			t.Fatalf("no trend for %s or %s", c.leader, c.manager)
		}
		lb, mb := *l.Before, *m.Before
		if lb.Sessions != c.sessions || lb.Minutes != c.mins || lb.Reps != c.reps || lb.Covered != c.covered {
			t.Errorf("%s's tree 4 weeks before: %d sessions, %d min, %d of %d reps covered; want %d, %d, %d of %d (its manager %s: %d, %d, %d of %d)",
				c.leader, lb.Sessions, lb.Minutes, lb.Covered, lb.Reps, c.sessions, c.mins, c.covered, c.reps,
				c.manager, mb.Sessions, mb.Minutes, mb.Covered, mb.Reps)
		}
	}
	// The organisation and the VP's tree hold every manager either way.
	if b := leader(t, r, "VP").Before; b == nil || b.Sessions != 3 || b.Minutes != 90 {
		t.Errorf("VP's tree 4 weeks before: %+v, want 3 sessions, 90 min", b)
	}
}
