package digest

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

func share(v float64) *float64 { return &v }

// A tier split reads as parts of one whole: 20, 50 and 50 minutes of 120
// are 16.67%, 41.67% and 41.67%, which rounded one by one read 17%, 42%
// and 42%, 101% of the minutes. Whole percents that add up to 100 keep
// a VP from asking where the extra percent came from.
func TestTierPercentsAddUpTo100(t *testing.T) {
	m := metrics.Metrics{Sessions: 3, Minutes: 120,
		TierMinutesShare: metrics.TierShares{Top: share(0.1667), Middle: share(0.4167), Bottom: share(0.4167), None: share(0)},
		TierRepsShare:    metrics.TierShares{Top: share(0.3333), Middle: share(0.3333), Bottom: share(0.3333), None: share(0)}}
	var line string
	for _, l := range tierLines(trend{now: m, part: 1}) {
		line += l.plain.String() + "; "
	}
	minutes, reps := 0, 0
	for _, g := range regexp.MustCompile(`(\d+)% vs (\d+)%`).FindAllStringSubmatch(line, -1) {
		a, _ := strconv.Atoi(g[1])
		b, _ := strconv.Atoi(g[2])
		minutes, reps = minutes+a, reps+b
	}
	if minutes != 100 || reps != 100 {
		t.Errorf("tier shares add up to %d%% of minutes and %d%% of reps, want 100 each: %s", minutes, reps, line)
	}
}

// In the headline of a digest that threads its leaders, a leader with
// nobody below them is named with that, as their section says, not with
// "0 sessions · coverage – · 0 overdue", a tree that stopped coaching.
func TestTheOverviewLineOfALeaderWithNobodyBelow(t *testing.T) {
	week := metrics.Period{}
	lou := overviewLine(metrics.Figures{ID: "ULOU", Name: "Lou", Leader: true}, week, false).plain.String()
	if lou != "Lou · no managers below them in the roster yet" {
		t.Errorf("Lou's overview line reads %q", lou)
	}
	vic := overviewLine(metrics.Figures{ID: "UVIC", Name: "Vic", Leader: true, ManagerIDs: []string{"UMAX"},
		Metrics: metrics.Metrics{Sessions: 2}}, week, false).plain.String()
	if vic != "Vic · 2 sessions · coverage – · 0 overdue" {
		t.Errorf("Vic's overview line reads %q", vic)
	}
}

// The correlation line says why there is no ρ: too few rep-months, or
// enough of them with one side that does not vary (every rep coached the
// same minutes), which "too little data" would misread as a call for more
// months, and which /coach stats and report word as such.
func TestTheCorrelationSaysWhyThereIsNoRho(t *testing.T) {
	rho := 0.4312
	for _, tt := range []struct {
		c    metrics.Correlation
		want string
	}{
		{metrics.Correlation{N: 6}, "ρ: too little data (6 rep-months, 8 needed)"},
		{metrics.Correlation{N: 1}, "ρ: too little data (1 rep-month, 8 needed)"},
		{metrics.Correlation{N: 12}, "ρ: none to read over 12 rep-months, one side does not vary"},
		{metrics.Correlation{N: 12, Rho: &rho}, "ρ 0.43 over 12 rep-months"},
	} {
		if got := correlation(tt.c).plain.String(); got != tt.want {
			t.Errorf("correlation(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

// The chart's bars print the percents the tier line beside it prints:
// thirds of the team read 34%, 33% and 33% in both (rounded one by one,
// the chart read 33% three times), and 30.51% of the minutes reads 30%
// where the column's largest remainders go elsewhere. A week with no
// minutes and no reps has no bars, and the panel says what the line
// says ("no coaching minutes"), where it said "no tiers".
func TestTheChartPrintsTheTierLinesPercents(t *testing.T) {
	for _, m := range []metrics.Metrics{
		{Sessions: 5, Minutes: 295,
			TierMinutesShare: metrics.TierShares{Top: share(0.3051), Middle: share(0.4576), Bottom: share(0.2373), None: share(0)},
			TierRepsShare:    metrics.TierShares{Top: share(0.3333), Middle: share(0.3333), Bottom: share(0.3333), None: share(0)}},
		{Sessions: 3, Minutes: 250,
			TierMinutesShare: metrics.TierShares{Top: share(0.004), Middle: share(0.996), Bottom: share(0), None: share(0)},
			TierRepsShare:    metrics.TierShares{Top: share(0.5), Middle: share(0.5), Bottom: share(0), None: share(0)}},
		{}, // no minutes, no reps
	} {
		var line string
		for _, l := range tierLines(trend{now: m, part: 1}) {
			line += l.plain.String() + "; "
		}
		d := ChartData(&metrics.Report{Org: metrics.Figures{Metrics: m}}, coaching.Week{Year: 2026, Week: 49})
		var bars string
		for _, tier := range d.Tiers {
			bars += tier.Label + " " + tier.MinutesText + " vs " + tier.RepsText + "; "
		}
		if len(d.Tiers) == 0 {
			bars = d.NoTiers + "; "
		}
		if bars != line {
			t.Errorf("the chart's bars read %q, the tier line %q", bars, line)
		}
	}
}

// The chart draws the tiers the tier line names, and no others: a tier
// with neither reps nor minutes gets no bars, as the line leaves it out,
// whether its shares are 0 or there is nothing to divide.
func TestTheChartLeavesOutATierWithNeitherRepsNorMinutes(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    metrics.Metrics
		want string // label minutes/reps, each drawn tier
	}{
		{"no bottom reps, no bottom minutes", metrics.Metrics{Sessions: 2, Minutes: 90,
			TierMinutesShare: metrics.TierShares{Top: share(0.6667), Middle: share(0.3333), Bottom: share(0), None: share(0)},
			TierRepsShare:    metrics.TierShares{Top: share(0.5), Middle: share(0.5), Bottom: share(0), None: share(0)}},
			"top 67%/50%; middle 33%/50%; "},
		{"one tier", metrics.Metrics{Sessions: 1, Minutes: 30,
			TierMinutesShare: metrics.TierShares{Top: share(0), Middle: share(1), Bottom: share(0), None: share(0)},
			TierRepsShare:    metrics.TierShares{Top: share(0), Middle: share(1), Bottom: share(0), None: share(0)}},
			"middle 100%/100%; "},
		{"minutes to a tier that has no reps now", metrics.Metrics{Sessions: 1, Minutes: 30,
			TierMinutesShare: metrics.TierShares{Top: share(1), Middle: share(0), Bottom: share(0), None: share(0)},
			TierRepsShare:    metrics.TierShares{Top: share(0), Middle: share(0), Bottom: share(1), None: share(0)}},
			"top 100%/0%; bottom 0%/100%; "},
		// No minutes at all: nothing to divide them by, and the tiers
		// without reps are left out all the same.
		{"reps but no minutes", metrics.Metrics{
			TierRepsShare: metrics.TierShares{Top: share(0.5), Middle: share(0), Bottom: share(0.5), None: share(0)}},
			"top –/50%; bottom –/50%; "},
		{"nothing at all", metrics.Metrics{}, ""},
	} {
		d := ChartData(&metrics.Report{Org: metrics.Figures{Metrics: tt.m}}, coaching.Week{Year: 2026, Week: 49})
		got := ""
		for _, tier := range d.Tiers {
			minutes, reps := tier.MinutesText, tier.RepsText
			if !tier.HasMin {
				minutes = "–"
			}
			if !tier.HasRep {
				reps = "–"
			}
			got += tier.Label + " " + minutes + "/" + reps + "; "
		}
		if got != tt.want {
			t.Errorf("%s: the chart draws %q, want %q", tt.name, got, tt.want)
		}
	}
}
