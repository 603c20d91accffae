package metrics_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// The organisation pools every listed manager, those outside any leader's
// tree included, as a leader's figures pool their tree.
func TestOrgPoolsEveryManager(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	m1 := f.team("M1", "L", top, middle)
	m2 := f.team("M2", "", bottom) // outside any leader's tree
	f.oneOnOne("M1", "2026-11-17", 30, confirmed(m1[0], 5))
	f.log("M1", coaching.KindRideAlong, "2026-11-18", 60, coaching.RoleLead, pending(m1[1]))
	f.oneOnOne("M2", "2026-11-19", 90, disputed(m2[0]))
	f.oneOnOne("M2", "2026-11-02", 40, confirmed(m2[0], 0)) // W45: the 4 weeks before
	r := f.compute(t)

	// Sessions 3, minutes 30 + 60 + 90 = 180; 3 reps, all coached this
	// week: covered 3, coverage 1, none overdue. Minutes by tier 30, 60,
	// 90 of 180: 0.1667, 0.3333, 0.5; one rep per tier: 0.3333 each.
	// Pairs 3: 1 confirmed, 1 disputed, 1 pending: rate 0.3333. M1's one
	// rating, too few for a mean of M1's own, is not pooled (addToTree):
	// no ratings, no mean. One ride-along, in the lead.
	org := r.Org
	m := org.Metrics
	if org.Name != metrics.OrgName || org.ID != "" || !org.Leader {
		t.Errorf("org is named %q (id %q, leader %v)", org.Name, org.ID, org.Leader)
	}
	if m.Sessions != 3 || m.Minutes != 180 || m.Reps != 3 || m.Covered != 3 || m.Overdue != 0 || m.Pairs != 3 ||
		m.Confirmed != 1 || m.Disputed != 1 || m.Pending != 1 || m.Ratings != 0 || m.RideAlongs.Lead != 1 {
		t.Errorf("org metrics = %+v", m)
	}
	checkFigure(t, "coverage", m.Coverage, 1)
	checkFigure(t, "confirmation_rate", m.ConfirmationRate, 0.3333)
	checkFigure(t, "mean_rating", m.MeanRating, null)
	for _, c := range []struct {
		tier          coaching.Tier
		minutes, reps float64
	}{{top, 0.1667, 0.3333}, {middle, 0.3333, 0.3333}, {bottom, 0.5, 0.3333}, {coaching.TierNone, 0, 0}} {
		checkFigure(t, "minutes share "+string(c.tier), m.TierMinutesShare.Get(c.tier), c.minutes)
		checkFigure(t, "reps share "+string(c.tier), m.TierRepsShare.Get(c.tier), c.reps)
	}
	got := slices.Clone(org.ManagerIDs)
	slices.Sort(got)
	if !slices.Equal(got, []string{"M1", "M2"}) {
		t.Errorf("org managers = %v, want M1 and M2", got)
	}
	// The leader's tree is M1 alone: 2 sessions, 90 minutes.
	if l := leader(t, r, "L").Metrics; l.Sessions != 2 || l.Minutes != 90 {
		t.Errorf("L: %d sessions, %d minutes; want 2 and 90", l.Sessions, l.Minutes)
	}
	// The trend: the 4 weeks before hold M2's session of the 2nd: 1
	// session, 0.25 a week, against 3 this week.
	if org.Before == nil || org.Before.Sessions != 1 || org.BeforeWeekly().Sessions != 0.25 {
		t.Fatalf("org before = %+v", org.Before)
	}
	if w := org.BeforeWeekly(); w.RideAlongs != 0 || w.RideAlongsBy != [3]float64{} {
		t.Errorf("before weekly ride-alongs = %v %v, want none", w.RideAlongs, w.RideAlongsBy)
	}
	if c := metrics.Compare(float64(m.Sessions), org.BeforeWeekly().Sessions); c != metrics.Up {
		t.Errorf("sessions trend = %v, want up", c)
	}
	// The chart's 8 weeks: W45's session and W47's three.
	if org.WeeksSessions() != 4 || org.Weeks[7].Sessions != 3 || org.Weeks[5].Sessions != 1 {
		t.Errorf("org weeks = %+v (total %d), want 1 in W45 and 3 in W47", org.Weeks, org.WeeksSessions())
	}
	if n := manager(t, r, "M1").WeeksSessions(); n != 2 {
		t.Errorf("M1's 8 weeks: %d sessions, want 2", n)
	}
}

// The organisation's correlation reads every active rep, those of
// managers outside any leader's tree too.
func TestOrgCorrelationReadsEveryRep(t *testing.T) {
	f := newFixture()
	rs := f.team("M", "", top, top, top, top, top, top, top, top) // no leader at all
	// October to November change: +1, +3 .. +15 for minutes 10, 20 .. 80:
	// the same order, rho = 1. November attainment 91, 93 .. 105: 101,
	// 103 and 105 are at quota: 3 of 8.
	for i, id := range rs {
		f.attainment(id, "2026-10", 90, 0)
		f.attainment(id, "2026-11", float64(91+2*i), 0)
		f.oneOnOne("M", "2026-11-18", 10*(i+1), pending(id))
	}
	r := f.compute(t)
	if len(r.Leaders) != 0 {
		t.Fatalf("leaders = %v, want none", ids(r.Leaders))
	}
	c := r.Org.Correlation
	if c == nil || c.N != 8 {
		t.Fatalf("org correlation = %+v, want n = 8", c)
	}
	checkFigure(t, "org rho", c.Rho, 1)
	checkFigure(t, "org at_quota_share", r.Org.AtQuotaShare, 0.375)
}

func TestCompare(t *testing.T) {
	half, third := 0.5, 0.3333
	for _, c := range []struct {
		now, before *float64
		want        metrics.Change
	}{
		{&half, &third, metrics.Up},
		{&third, &half, metrics.Down},
		{&half, &half, metrics.Same},
		{nil, &half, metrics.Unknown},
		{&half, nil, metrics.Unknown},
	} {
		if got := metrics.CompareShares(c.now, c.before); got != c.want {
			t.Errorf("CompareShares(%v, %v) = %v, want %v", fmtVal(c.now), fmtVal(c.before), got, c.want)
		}
	}
	// 0.35 - 0.2 is 0.15 on the page.
	if got := metrics.Compare(0.35-0.2, 0.15); got != metrics.Same {
		t.Errorf("Compare(0.35-0.2, 0.15) = %v, want same", got)
	}
}

// A manager's dose finding names their reps; its public form, for the
// leaders' channel, counts them.
func TestDoseInsightInAChannelCountsReps(t *testing.T) {
	m := manager(t, doseFixture().compute(t), "M")
	low, ok := insight(m.Insights, metrics.InsightDoseLow)
	if !ok {
		t.Fatalf("no dose_low insight: %v", kinds(m.Insights))
	}
	if !strings.Contains(low.Text, "M-1") {
		t.Fatalf("the manager's own finding does not name the rep: %q", low.Text)
	}
	if got, want := low.Public(), "1 rep got under 3 h of coaching a month over the last 4 weeks."; got != want {
		t.Errorf("public = %q, want %q", got, want)
	}
	if skew := (metrics.Insight{Kind: metrics.InsightTierSkew, Text: "Top performers got..."}); skew.Public() != skew.Text {
		t.Errorf("a finding naming no rep changed in public: %q", skew.Public())
	}
}

// Findings addressed to their reader ("You took the lead") read about
// their scope in a channel. Like every finding, it names its 4 weeks: in
// the digest it sits under the week's "Ride-alongs: lead 1", and "took
// the lead on 6 of 6" read as a count of that week contradicting it.
func TestAlwaysLeadsInAChannel(t *testing.T) {
	f := rideAlongs(5, 5)
	f.add("L", "", "", coaching.PersonLeader)
	f.people["M"].ManagerID = "L"
	r := f.compute(t)
	for _, c := range []struct {
		who          string
		fig          metrics.Figures
		text, public string
	}{
		{"manager", manager(t, r, "M"), "You took the lead", "Took the lead"},
		{"leader", leader(t, r, "L"), "Managers below you took the lead", "Managers in this tree took the lead"},
		{"organisation", r.Org, "Managers took the lead", "Managers took the lead"},
	} {
		in, ok := insight(c.fig.Insights, metrics.InsightAlwaysLeads)
		if !ok {
			t.Fatalf("%s: no always_leads insight: %v", c.who, kinds(c.fig.Insights))
		}
		rest := " on 5 of 5 ride-alongs over the last 4 weeks (100%): observing shows what a rep does alone."
		if in.Text != c.text+rest || in.Public() != c.public+rest {
			t.Errorf("%s: text %q, public %q; want %q and %q", c.who, in.Text, in.Public(), c.text+rest, c.public+rest)
		}
	}
}

// Ranks need the values in order, negatives first, ties kept in place.
func TestOrderSortsValues(t *testing.T) {
	v := []float64{3.5, -2, 0, 1e-6, -1e9, 3.5, -0.000001, 42, math.Inf(1), -2}
	got := metrics.Order(v)
	want := []int32{4, 1, 9, 6, 2, 3, 0, 5, 7, 8}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}
