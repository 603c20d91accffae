package metrics_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// A tier's share reads one percent in one reply: the tier skew finding
// names the percents the tier line beside it prints (TierShares.Percents,
// which add up to 100), not each share rounded alone. One top, four
// middle and three bottom reps are 12.5%, 50% and 37.5% of the team:
// the tier line reads 13%, 50% and 37%, where rounding each alone reads
// 38% for the bottom tier.
func TestTierSkewNamesThePercentsTheTierLineShows(t *testing.T) {
	for _, c := range []struct {
		name    string
		minutes [3]int // top, middle, bottom: one 1:1 per rep, per tier
		subject coaching.Tier
		says    []string
	}{
		// Bottom reps get 30 of 460 minutes: 6.5% against 37.5% of the team.
		{"bottom under-coached", [3]int{100, 80, 10}, coaching.TierBottom, []string{"37% of the team"}},
		// Top gets 200 of 380 minutes: 52.6% against 12.5%.
		{"top over-coached", [3]int{200, 40, 20}, coaching.TierTop, []string{"13% of the team"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			r := f.team("M", "", coaching.TierTop, coaching.TierMiddle, coaching.TierMiddle, coaching.TierMiddle, coaching.TierMiddle,
				coaching.TierBottom, coaching.TierBottom, coaching.TierBottom)
			for i, id := range r {
				tier := f.people[id].Tier
				m := c.minutes[map[coaching.Tier]int{coaching.TierTop: 0, coaching.TierMiddle: 1, coaching.TierBottom: 2}[tier]]
				f.oneOnOne("M", day("2026-11-16").AddDays(i%7).String(), m, confirmed(id, 0))
			}
			got := manager(t, f.compute(t), "M")
			var i metrics.Insight
			for _, x := range got.Insights {
				if x.Kind == metrics.InsightTierSkew && x.Subject == string(c.subject) {
					i = x
				}
			}
			if i.Kind == "" {
				t.Fatalf("no tier skew on %s: %+v", c.subject, got.Insights)
			}
			for _, s := range c.says {
				if !strings.Contains(i.Text, s) {
					t.Errorf("%q does not say %q", i.Text, s)
				}
			}
			// The tier line's percents, of this week (the period ends the
			// insights' 4 weeks, so the team is the same): the finding
			// names each of them for its tier.
			minutes, reps := got.Metrics.TierMinutesShare.Percents(), got.Metrics.TierRepsShare.Percents()
			if want := metrics.WholePercentText(reps.Get(c.subject)) + " of the team"; !strings.Contains(i.Text, want) {
				t.Errorf("%q does not name the tier line's %q", i.Text, want)
			}
			if want := "got " + metrics.WholePercentText(minutes.Get(c.subject)) + " of coaching minutes"; !strings.Contains(i.Text, want) {
				t.Errorf("%q does not name the tier line's %q (all sessions in this week: the same minutes)", i.Text, want)
			}
		})
	}
}
