package digest

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// The first digest after a roster imported on Wednesday 18 November set
// its week beside the 4 weeks before, when Coachlog did not exist yet:
// "4 weeks before: 0 and 0 min a week", "Coverage 100% ↑ 4 weeks
// before: 0%". Those weeks say nothing: no arrow, and the reader is told
// there is nothing to compare with yet.
func TestNoTrendFromWeeksBeforeCoachlogCounted(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	p := metrics.WeekPeriod(week)
	f := metrics.Figures{ID: "UMAX", Name: "Max", CadenceDays: 14, Since: p.From.AddDays(2), Before: &metrics.Metrics{},
		Metrics: metrics.Metrics{Sessions: 5, Minutes: 150, Reps: 4, Covered: 4, Coverage: share(1), Consistency: share(0.25),
			ConsistencyBefore: share(0), Pairs: 6, Confirmed: 1, ConfirmationRate: share(0.1667)}}
	var fields []string
	for _, fl := range scopeFields(f, p) {
		fields = append(fields, fl.text().plain.String())
	}
	item := managerItem(f, p).plain.String()
	all := strings.Join(fields, "\n") + "\n" + item
	if strings.ContainsAny(all, "↑↓→") || strings.Contains(all, "before:") {
		t.Errorf("weeks before Coachlog counted are compared with:\n%s", all)
	}
	if want := "trends start once 4 full weeks are counted: Coachlog started counting on Wed 18 Nov 2026, so from the week of Mon 21 Dec 2026"; !strings.Contains(all, want) {
		t.Errorf("the figures do not say %q:\n%s", want, all)
	}
	r := &metrics.Report{Period: p, Org: f, Managers: []metrics.Figures{f}}
	if l := keyOf(r, week).legend(false).plain; !strings.Contains(l, "None where those weeks began before Coachlog started counting") {
		t.Errorf("the legend does not say why arrows are missing: %s", l)
	}

	// Counted since long before: the trend is back, coverage and overdue
	// labelled for what they are, the state at the end of the week before.
	f.Since = p.From.AddDays(-70)
	var text []string
	for _, fl := range scopeFields(f, p) {
		text = append(text, fl.text().plain.String())
	}
	got := strings.Join(text, "\n")
	for _, want := range []string{"Sessions · minutes: 5 ↑ · 150 min ↑; 4 weeks before: 0 and 0 min a week",
		"Coverage: 100% of 4 reps; end of the week before: –", "Overdue reps: 0 →; end of the week before: 0",
		"Consistency: 25% ↑; 4 weeks before: 0%", "Confirmed by reps: 17% of 6 requests"} {
		if !strings.Contains(got, want) {
			t.Errorf("the figures do not say %q:\n%s", want, got)
		}
	}
	r = &metrics.Report{Period: p, Org: f, Managers: []metrics.Figures{f}}
	if l := keyOf(r, week).legend(false).plain; strings.Contains(l, "None where") {
		t.Errorf("the legend says arrows are missing when none is: %s", l)
	}
}

// "• and 2 more findings" in a channel gave no way to see them: it says
// which /coach report lists them, for the week of the digest, and who may
// run it (managers read the channel, and are refused it).
func TestMoreFindingsSayWhereTheyAre(t *testing.T) {
	p := metrics.WeekPeriod(coaching.Week{Year: 2026, Week: 47})
	var is []metrics.Insight
	for range 5 {
		is = append(is, metrics.Insight{Text: "A finding."})
	}
	f := metrics.Figures{ID: "UMAX", Name: "Max Brandt", Insights: is}
	var got []string
	for _, l := range findings(is, maxManagerFindings, reportAsk(f, p)) {
		got = append(got, l.md.String())
	}
	if want := "• and 2 more findings: `/coach report @Max Brandt 2026-W47` (leaders and admins) lists them"; got[len(got)-1] != want {
		t.Errorf("the last line reads %q, want %q", got[len(got)-1], want)
	}
	if got := reportAsk(metrics.Figures{Name: metrics.OrgName}, p); got != "/coach report 2026-W47" {
		t.Errorf("the organisation's findings are asked for with %q", got)
	}
}

// In a week so far, consistency's last week is judged as of today, not at
// an end it has not reached: the legend says so.
func TestTheLegendSaysConsistencyOfAWeekSoFar(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	r := &metrics.Report{Period: metrics.Period{From: week.Monday(), To: week.Monday()}}
	if l := keyOf(r, week).legend(false).plain; !strings.Contains(l, "Consistency: the share of the last 4 weeks that ended with coverage at 80% or more (this week: as of today).") {
		t.Errorf("the legend of a week so far: %s", l)
	}
}

// A manager the roster named on Wednesday 18 November had their
// consistency of 2026-W47 judged on 4 weeks that all began before
// Coachlog counted them: "consistency 0%" in the digest read as a new
// manager who never kept up, where /coach stats and report say why
// (metrics.Figures.ConsistencyUncounted). The digest says it too, for a
// manager and for a tree's figures.
func TestConsistencyOfWeeksBeforeCoachlogCountedSaysSo(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	p := metrics.WeekPeriod(week)
	for _, c := range []struct {
		since coaching.Date
		want  string
	}{
		{p.From.AddDays(2), "consistency 0% (all 4 weeks began before Coachlog started counting)"},
		{p.From.AddDays(-10), "consistency 0% (2 of the 4 weeks began before Coachlog started counting)"},
		{p.From.AddDays(-70), "consistency 0%"},
	} {
		f := metrics.Figures{ID: "UNEO", Name: "Neo", CadenceDays: 14, Since: c.since, Before: &metrics.Metrics{},
			Metrics: metrics.Metrics{Sessions: 1, Minutes: 30, Reps: 2, Covered: 1, Coverage: share(0.5),
				Consistency: share(0), ConsistencyBefore: share(0)}}
		item := managerItem(f, p).plain.String()
		var fields []string
		for _, fl := range scopeFields(f, p) {
			fields = append(fields, fl.text().plain.String())
		}
		all := item + "\n" + strings.Join(fields, "\n")
		if !strings.Contains(item, c.want) {
			t.Errorf("counted since %s, the manager's line lacks %q:\n%s", c.since, c.want, item)
		}
		if strings.Contains(c.want, "(") != strings.Contains(all, "weeks began before") || !strings.Contains(all, "Consistency: 0%"+strings.TrimPrefix(c.want, "consistency 0%")) {
			t.Errorf("counted since %s, the figures do not say %q:\n%s", c.since, c.want, all)
		}
	}
}
