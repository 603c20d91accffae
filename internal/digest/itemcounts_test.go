package digest

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// A manager's item in the leaders' channel writes each of its counts as
// the digest writes every other: the reps covered beside the overdue.
func TestAManagersItemGroupsThousands(t *testing.T) {
	p := metrics.WeekPeriod(coaching.Week{Year: 2026, Week: 47})
	f := metrics.Figures{ID: "UMAX", Name: "Max", CadenceDays: 14,
		Metrics: metrics.Metrics{Sessions: 1300, Minutes: 39000, Reps: 1500, Covered: 1100, Coverage: share(0.7333), Overdue: 400}}
	item := managerItem(f, p).plain.String()
	for _, want := range []string{"1,300 sessions", "39,000 min", "coverage 73% (1,100 of 1,500)", "400 overdue"} {
		if !strings.Contains(item, want) {
			t.Errorf("the item lacks %q:\n%s", want, item)
		}
	}
}
