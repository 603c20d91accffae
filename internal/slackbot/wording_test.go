package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

func fptr(v float64) *float64 { return &v }

// confirmations6 is a week of 5 sessions, one a team meeting with two
// reps: 6 requests to confirm, 1 confirmed.
func confirmations6() metrics.Metrics {
	return metrics.Metrics{Sessions: 5, Minutes: 150, Reps: 4, Covered: 4, Coverage: fptr(1), Pairs: 6, Confirmed: 1, Pending: 5,
		ConfirmationRate: fptr(0.1667)}
}

// "5 sessions … reps confirmed 17% of the sessions logged with them"
// was 1 of 6 requests, one per rep per session: every surface names the
// unit the rate is a share of, the same way.
func TestConfirmationsAreCountedInRequestsEverywhere(t *testing.T) {
	leader := coaching.Person{ID: "UL0", Roles: []string{coaching.PersonLeader}, Active: true, InRoster: true}
	r := bigOrg(3)
	r.Leaders[0].Metrics = confirmations6()
	h := home{person: leader, period: week48, treePeriod: week48, tree: r}
	if text := blocksText(h.blocks()); !strings.Contains(text, "reps confirmed 17% of 6 requests (one per rep per session)") {
		t.Errorf("a leader's Home:\n%s", text)
	}
	f := metrics.Figures{ID: "UM0", CadenceDays: 14, Metrics: confirmations6()}
	text := blocksText(figureBlocks("Your coaching this week", "", week48, f))
	if !strings.Contains(text, "*Confirmed by reps* (one per rep per session)\n1 of 6 requests (17%) · 0 disputed · 5 pending") {
		t.Errorf("/coach stats and report:\n%s", text)
	}
	if line := scopeLine(f); !strings.Contains(line, "· 17% of 6 requests confirmed") {
		t.Errorf("a manager's line in /coach report and the Home: %s", line)
	}
	if line := scopeLine(metrics.Figures{ID: "UM0"}); !strings.Contains(line, "· nothing to confirm") {
		t.Errorf("a manager with nothing to confirm: %s", line)
	}
}

// On a Monday, "50% of the last 4 weeks ended at 80%+" counted the week
// just begun as ended: a week so far says it is judged as of today.
func TestConsistencyOfAWeekSoFarSaysSo(t *testing.T) {
	f := metrics.Figures{ID: "UM0", CadenceDays: 14, Metrics: metrics.Metrics{Consistency: fptr(0.5), ConsistencyBefore: fptr(0.25)}}
	monday := metrics.Period{From: week48.From, To: week48.From}
	if got, want := consistencyLine(f, monday), "50% of the last 4 weeks at 80%+ coverage at their end, this week as of today (4 weeks before: 25%)"; got != want {
		t.Errorf("on a Monday: %q, want %q", got, want)
	}
	whole := metrics.WeekPeriod(coaching.WeekOf(week48.From))
	if got, want := consistencyLine(f, whole), "50% of the last 4 weeks ended at 80%+ coverage (4 weeks before: 25%)"; got != want {
		t.Errorf("a week gone: %q, want %q", got, want)
	}
}

// Consistency reads 0% from day one, its weeks before Coachlog counted
// counted as missed (PRODUCT.md): the line keeps the figure and says how
// many of its weeks began before Coachlog started counting.
func TestConsistencySaysWhichWeeksBeganBeforeCoachlogCounted(t *testing.T) {
	f := metrics.Figures{ID: "UM0", CadenceDays: 14, Metrics: metrics.Metrics{Consistency: fptr(0), ConsistencyBefore: fptr(0)}}
	whole := metrics.WeekPeriod(coaching.WeekOf(week48.From)) // weeks of 2, 9, 16 and 23 November
	for _, c := range []struct {
		since, want string
	}{
		{"2026-11-18", "0% of the last 4 weeks ended at 80%+ coverage (3 of those weeks began before Coachlog started counting)"},
		{"2026-11-09", "0% of the last 4 weeks ended at 80%+ coverage (1 of those weeks began before Coachlog started counting)"},
		{"2026-11-24", "0% of the last 4 weeks ended at 80%+ coverage (all 4 began before Coachlog started counting)"},
		{"2026-11-02", "0% of the last 4 weeks ended at 80%+ coverage"}, // 4 weeks before reach back to October
		{"2026-10-01", "0% of the last 4 weeks ended at 80%+ coverage (4 weeks before: 0%)"},
	} {
		since, err := coaching.ParseDate(c.since)
		if err != nil {
			t.Fatal(err)
		}
		f.Since = since
		if got := consistencyLine(f, whole); got != c.want {
			t.Errorf("counting since %s: %q, want %q", c.since, got, c.want)
		}
	}
	// The figures of /coach stats and report carry it.
	f.Since = week48.From.AddDays(-5)
	if text := blocksText(figureBlocks("Your coaching this week", "", week48, f)); !strings.Contains(text,
		"0% of the last 4 weeks at 80%+ coverage at their end, this week as of today (3 of those weeks began before Coachlog started counting)") {
		t.Errorf("/coach stats:\n%s", text)
	}
}

// A roster imported on a Wednesday: the 4 weeks before hold nothing
// anyone logged, so /coach stats and report compare nothing with them
// and say why.
func TestFiguresOfTheFirstWeeksCompareWithNothing(t *testing.T) {
	f := metrics.Figures{ID: "UM0", CadenceDays: 14, Metrics: confirmations6(), Before: &metrics.Metrics{}, Since: week48.From.AddDays(-5)}
	f.Metrics.Consistency, f.Metrics.ConsistencyBefore = fptr(0.25), fptr(0)
	text := blocksText(figureBlocks("Your coaching this week", "", week48, f))
	if strings.Contains(text, "4 weeks before") {
		t.Errorf("weeks before Coachlog counted are compared with:\n%s", text)
	}
	if !strings.Contains(text, "trends start once 4 full weeks are counted: Coachlog started counting on Wed 18 Nov 2026, so from the week of Mon 21 Dec 2026") {
		t.Errorf("the figures do not say why nothing is compared:\n%s", text)
	}
}

// With no finding, what was looked for is said in plain words, not as
// "no tier skew, lead habit, slipping cadence or unconfirmed sessions".
func TestNothingStandsOutInPlainWords(t *testing.T) {
	f := metrics.Figures{ID: "UM0", CadenceDays: 14, Insights: []metrics.Insight{}}
	text := blocksText(figureBlocks("Your coaching this week", "", week48, f))
	if !strings.Contains(text, "*What stands out* over the last 4 weeks: nothing to flag, or too little coaching logged yet to tell.") {
		t.Errorf("nothing stands out:\n%s", text)
	}
}
