package metrics_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Insights are read over the 4 weeks ending with the period: for week 47,
// Monday 26 October to Sunday 22 November 2026.

// skewFixture: one top rep and four middle ones (rep shares 0.2 and 0.8),
// five 1:1s, topMinutes with the top rep and the middle ones' minutes.
func skewFixture(topMinutes int, middleMinutes ...int) *fixture {
	f := newFixture()
	r := f.team("M", "", top, middle, middle, middle, middle)
	f.oneOnOne("M", "2026-10-27", topMinutes, confirmed(r[0], 0))
	for i, m := range middleMinutes {
		f.oneOnOne("M", "2026-11-0"+string(rune('2'+i)), m, confirmed(r[1+i], 0))
	}
	return f
}

// rideAlongs: a manager's ride-alongs in the 4 weeks, lead ones first.
func rideAlongs(lead, total int) *fixture {
	f := newFixture()
	r := f.team("M", "", top)
	for i := range total {
		role := coaching.RoleObserver
		if i < lead {
			role = coaching.RoleLead
		}
		f.log("M", coaching.KindRideAlong, "2026-11-1"+string(rune('0'+i)), 60, role, confirmed(r[0], 0))
	}
	return f
}

// confirmations: n 1:1s in the 4 weeks, the first ok of them confirmed.
func confirmations(ok, n int) *fixture {
	f := newFixture()
	r := f.team("M", "", top)
	for i := range n {
		rp := pending(r[0])
		if i < ok {
			rp = confirmed(r[0], 0)
		}
		f.oneOnOne("M", day("2026-10-26").AddDays(i).String(), 30, rp)
	}
	return f
}

// doseFixture: six reps and their minutes over the 4 weeks; the fifth
// joined the team on 1 November and the sixth is away, so neither is
// judged.
func doseFixture() *fixture { return doseFixtureOf(165, 166, 276, 275) }

// doseFixtureOf is doseFixture with the judged reps' minutes given.
func doseFixtureOf(minutes ...int) *fixture {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	r := f.team("M", "L", top, top, top, top, top, top)
	f.people[r[4]].Since = day("2026-11-01")
	f.people[r[5]].AwayUntil = day("2026-11-30")
	// Pro-rated, 3 h a month is 180 × 28 / 30.4375 = 165.6 minutes in 4
	// weeks, 5 h is 275.98: 165 is under, 166 is not; 276 is over, 275
	// is not.
	for i, m := range minutes {
		f.oneOnOne("M", "2026-11-1"+string(rune('0'+i)), m, confirmed(r[i], 0))
	}
	return f
}

// ratedFixture: leader L over managers each rated in the 4 weeks.
func ratedFixture(ratings map[string][]int) *fixture {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	for _, m := range []string{"MA", "MB", "MC"} {
		r := f.team(m, "L", top)
		for i, rating := range ratings[m] {
			f.oneOnOne(m, day("2026-10-26").AddDays(i).String(), 30, confirmed(r[0], rating))
		}
	}
	return f
}

func TestInsightsFireAtTheirThresholds(t *testing.T) {
	slipping := slippingFixture
	steady := func() *fixture {
		f := slippingFixture()
		// Friday 30 October covers everyone at the end of W44 too: 2 of the
		// last 4 weeks, a fall of 0.75 - 0.5 = 0.25 only.
		f.log("M", coaching.KindTeamMeeting, "2026-10-30", 60, "", reps("M-1", "M-2", "M-3", "M-4", "M-5")...)
		return f
	}
	for _, c := range []struct {
		name    string
		fixture func() *fixture
		scope   string // "M" a manager, "L" a leader
		kind    metrics.InsightKind
		subject string
		fires   bool
		says    []string
	}{
		// Top: 35 of 100 minutes (0.35) against 1 of 5 reps (0.2): 0.15
		// apart (0.14999999999999997 in floating point). Middle: 0.65
		// against 0.8.
		{"tier skew at 0.15", func() *fixture { return skewFixture(35, 15, 15, 15, 20) }, "M", metrics.InsightTierSkew, "top", true,
			[]string{"Top performers got 35% of coaching minutes", "20% of the team"}},
		{"tier skew below, middle", func() *fixture { return skewFixture(35, 15, 15, 15, 20) }, "M", metrics.InsightTierSkew, "middle", true,
			[]string{"65%", "80%"}},
		// 34 of 100: 0.14 apart.
		{"tier skew at 0.14", func() *fixture { return skewFixture(34, 15, 15, 16, 20) }, "M", metrics.InsightTierSkew, "top", false, nil},
		// Top gets everything, but in 4 sessions: not enough to say.
		{"tier skew with 4 sessions", func() *fixture { return skewFixture(60, 0, 0, 0) }, "M", metrics.InsightTierSkew, "top", false, nil},

		{"always leads at 4 of 5", func() *fixture { return rideAlongs(4, 5) }, "M", metrics.InsightAlwaysLeads, "", true,
			[]string{"4 of 5 ride-alongs over the last 4 weeks (80%)"}},
		{"always leads at 3 of 5", func() *fixture { return rideAlongs(3, 5) }, "M", metrics.InsightAlwaysLeads, "", false, nil},
		{"always leads with 4 ride-alongs", func() *fixture { return rideAlongs(4, 4) }, "M", metrics.InsightAlwaysLeads, "", false, nil},

		// Consistency 0.25 against 0.75 before: a fall of exactly 0.5.
		{"cadence slipping by 0.5", slipping, "M", metrics.InsightCadenceSlipping, "", true,
			[]string{"1 of the last 4 weeks", "3 of 4"}},
		{"cadence slipping by 0.25", steady, "M", metrics.InsightCadenceSlipping, "", false, nil},
		{"cadence slipping, pooled for the leader", func() *fixture {
			f := slippingFixture()
			f.add("L", "", "", coaching.PersonLeader)
			f.people["M"].ManagerID = "L"
			return f
		}, "L", metrics.InsightCadenceSlipping, "", true, []string{"1 of 4 manager-weeks in the last 4 weeks", "3 of 4"}},

		{"unconfirmed at 6 of 10", func() *fixture { return confirmations(6, 10) }, "M", metrics.InsightUnconfirmed, "", true,
			[]string{"6 of 10 requests to confirm", "60%", "one per rep per session"}},
		{"unconfirmed at 7 of 10", func() *fixture { return confirmations(7, 10) }, "M", metrics.InsightUnconfirmed, "", false, nil},
		{"unconfirmed with 9 pairs", func() *fixture { return confirmations(0, 9) }, "M", metrics.InsightUnconfirmed, "", false, nil},

		// The figure named is the monthly one the finding was decided on:
		// 165 minutes in 4 weeks is 2.99 h a month (not the 2.75 h of the
		// 4 weeks), which rounded would read as the limit; 276 is 5.0005.
		{"dose under 3 hours", doseFixture, "M", metrics.InsightDoseLow, "", true, []string{"1 rep got under 3 h", "M-1 (2.9 h)"}},
		{"dose over 5 hours", doseFixture, "M", metrics.InsightDoseHigh, "", true, []string{"1 rep got over 5 h", "M-3 (5.1 h)"}},
		// 60 minutes in 4 weeks is 1.09 h a month; 330 is 5.98.
		{"dose named monthly", func() *fixture { return doseFixtureOf(60, 200, 330, 200) }, "M", metrics.InsightDoseLow, "", true, []string{"M-1 (1.1 h)"}},
		{"dose over named monthly", func() *fixture { return doseFixtureOf(60, 200, 330, 200) }, "M", metrics.InsightDoseHigh, "", true, []string{"M-3 (6.0 h)"}},
		{"dose counted for the leader", doseFixture, "L", metrics.InsightDoseLow, "", true, []string{"1 rep got under 3 h"}},

		// MA: 6 fours, 2 threes, 2 twos: 34 / 10 = 3.4. MB: 35 / 10 = 3.5.
		// MC: nine ones, too few to judge.
		{"low-rated at 3.4 over 10", func() *fixture { return ratedFixture(lowRatings()) }, "L", metrics.InsightLowRated, "MA", true,
			[]string{"MA's sessions are rated 3.4", "10 ratings"}},
		{"low-rated at 3.5 over 10", func() *fixture { return ratedFixture(lowRatings()) }, "L", metrics.InsightLowRated, "MB", false, nil},
		{"low-rated over 9", func() *fixture { return ratedFixture(lowRatings()) }, "L", metrics.InsightLowRated, "MC", false, nil},
		// MA: 38 / 11 = 3.4545, under 3.5, which one decimal would print as 3.5.
		{"low-rated at 3.45 over 11", func() *fixture {
			return ratedFixture(map[string][]int{"MA": {4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 2}})
		}, "L", metrics.InsightLowRated, "MA", true, []string{"MA's sessions are rated 3.45 on average over 11 ratings"}},
		// Top: 1 of 250 minutes (0.004) against 1 of 5 reps: a share that
		// is not nothing reads 1%, as the tier line prints it.
		{"tier skew of a sliver", func() *fixture { return skewFixture(1, 60, 60, 60, 69) }, "M", metrics.InsightTierSkew, "top", true,
			[]string{"Top performers got 1% of coaching minutes", "20% of the team"}},
		{"low-rated is for leaders", func() *fixture { return ratedFixture(lowRatings()) }, "MA", metrics.InsightLowRated, "MA", false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.fixture().compute(t)
			var is []metrics.Insight
			if c.scope == "L" {
				is = leader(t, r, "L").Insights
			} else {
				is = manager(t, r, c.scope).Insights
			}
			i := slices.IndexFunc(is, func(i metrics.Insight) bool { return i.Kind == c.kind && i.Subject == c.subject })
			if (i >= 0) != c.fires {
				t.Fatalf("%s %q fired: %v, want %v; insights: %+v", c.kind, c.subject, i >= 0, c.fires, is)
			}
			for _, s := range c.says {
				if !strings.Contains(is[i].Text, s) {
					t.Errorf("%q does not say %q", is[i].Text, s)
				}
			}
		})
	}
}

func lowRatings() map[string][]int {
	return map[string][]int{
		"MA": {4, 4, 4, 4, 4, 4, 3, 3, 2, 2},
		"MB": {4, 4, 4, 4, 4, 3, 3, 3, 3, 3},
		"MC": {1, 1, 1, 1, 1, 1, 1, 1, 1},
	}
}

func TestDoseNamesOnlyRepsJudged(t *testing.T) {
	is := manager(t, doseFixture().compute(t), "M").Insights
	low, ok := insight(is, metrics.InsightDoseLow)
	if !ok {
		t.Fatalf("no dose insight: %v", kinds(is))
	}
	// M-5 joined on 1 November and M-6 is away: neither is named, though
	// neither was coached at all.
	var names []string
	for _, r := range low.Reps {
		names = append(names, r.ID)
	}
	if !slices.Equal(names, []string{"M-1"}) || low.Value != 1 {
		t.Errorf("under-dosed reps = %v (value %v), want [M-1]", names, low.Value)
	}
}

// A dose finding names ten reps, then "and N more": with roster names of
// 250 characters the sentence passed the 3,000 characters of the App
// Home's and /coach stats' section, whose cut took "and N more" away.
// Each name is shown cut to MaxDoseName characters.
func TestDoseNamesLongNamesShortSoTheCountStays(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	r := f.team("M", "L", top, top, top, top, top, top, top, top, top, top, top, top)
	long := strings.Repeat("Bartholomew ", 21)[:250]
	for _, id := range r {
		f.people[id].Name = long
	}
	low, ok := insight(manager(t, f.compute(t), "M").Insights, metrics.InsightDoseLow)
	if !ok {
		t.Fatal("no dose insight")
	}
	short := long[:metrics.MaxDoseName-1] + "…"
	if !strings.HasSuffix(low.Text, "and 2 more.") || strings.Count(low.Text, short+" (") != 10 || strings.Contains(low.Text, long) {
		t.Errorf("dose finding = %q, want ten names cut to %d characters, then and 2 more", low.Text, metrics.MaxDoseName)
	}
	if n := utf8.RuneCountInString(low.Text); n > 1000 {
		t.Errorf("dose finding is %d characters", n)
	}
}

// A low-rated finding names its manager cut to MaxDoseName characters, as
// a dose finding names each rep: the leader's /coach stats and App Home
// showed a roster name of 250 characters whole, where the digest, and
// every other finding, cut it. The channel's wording keeps the cut name.
func TestLowRatedCutsTheManagersName(t *testing.T) {
	f := ratedFixture(lowRatings())
	long := strings.Repeat("Maximilian ", 23)[:250]
	f.people["MA"].Name = long
	low, ok := insight(leader(t, f.compute(t), "L").Insights, metrics.InsightLowRated)
	if !ok {
		t.Fatal("no low-rated insight")
	}
	short := long[:metrics.MaxDoseName-1] + "…"
	for _, text := range []string{low.Text, low.Public(), low.PublicNamed(func(s string) string { return s })} {
		if !strings.HasPrefix(text, short+"'s sessions are rated") || strings.Contains(text, long) {
			t.Errorf("low-rated finding = %q, want the manager's name cut to %d characters", text, metrics.MaxDoseName)
		}
	}
	if got := low.PublicNamed(func(string) string { return "MA" }); !strings.HasPrefix(got, "MA's sessions are rated") {
		t.Errorf("PublicNamed = %q, want the name passed through short", got)
	}
}
