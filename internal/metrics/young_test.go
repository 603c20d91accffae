package metrics_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// "Reps confirmed only 0 of 17 requests to confirm … (0%)" minutes after
// the manager logged them read as blame: a rep is reminded only after 3
// days. The finding keeps PRODUCT.md's rule and figure, and says how many
// of the requests are that young (Data.Asked: pending, asked lately).
func TestUnconfirmedSaysHowManyRequestsAreYoung(t *testing.T) {
	for _, c := range []struct {
		name        string
		ok, n       int
		young       int // the last young of the pending requests were asked lately
		says, never string
	}{
		{"all sent lately", 0, 17, 17, "(0%; one per rep per session); 17 of them were sent in the last 3 days, before any reminder.", ""},
		{"some sent lately", 4, 12, 1, "(33%; one per rep per session); 1 of them was sent in the last 3 days, before any reminder.", ""},
		{"none sent lately", 6, 10, 0, "(60%; one per rep per session).", "last 3 days"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := confirmations(c.ok, c.n)
			d := f.data()
			for _, p := range d.Pairs[len(d.Pairs)-c.young:] {
				d.Asked = append(d.Asked, metrics.Asked{SessionID: p.SessionID, RepID: p.RepID})
			}
			// A request asked lately that is no pair of the period, and a
			// confirmed one asked lately, count for nothing.
			d.Asked = append(d.Asked, metrics.Asked{SessionID: 999, RepID: "M-1"}, metrics.Asked{SessionID: d.Pairs[0].SessionID, RepID: "M-1"})
			r := metrics.Compute(d, metrics.WeekPeriod(week47), settings(now))
			i, ok := insight(manager(t, r, "M").Insights, metrics.InsightUnconfirmed)
			if !ok {
				t.Fatalf("no unconfirmed finding: %+v", manager(t, r, "M").Insights)
			}
			if !strings.Contains(i.Text, c.says) || (c.never != "" && strings.Contains(i.Text, c.never)) {
				t.Errorf("%q, want it to say %q", i.Text, c.says)
			}
		})
	}
	// A leader's is pooled from their managers'.
	f := confirmations(0, 10)
	f.add("L", "", "", coaching.PersonLeader)
	f.people["M"].ManagerID = "L"
	d := f.data()
	for _, p := range d.Pairs[:4] {
		d.Asked = append(d.Asked, metrics.Asked{SessionID: p.SessionID, RepID: p.RepID})
	}
	i, ok := insight(leader(t, metrics.Compute(d, metrics.WeekPeriod(week47), settings(now)), "L").Insights, metrics.InsightUnconfirmed)
	if !ok || !strings.Contains(i.Text, "; 4 of them were sent in the last 3 days") {
		t.Errorf("the leader's finding: %q (fired %v)", i.Text, ok)
	}
}
