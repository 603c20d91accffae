package metrics_test

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// The first digests after a roster import set the week beside weeks
// before Coachlog existed: zeros, with every figure "up". A scope says
// when Coachlog started counting it (the day it first knew the manager,
// the day a never-coached rep's clock starts), a tree from its earliest
// manager, so that the surfaces read no trend from weeks it did not count.
func TestFiguresSayWhenCoachlogStartedCounting(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	f.team("M", "L", coaching.TierTop)
	f.team("N", "L", coaching.TierTop)
	// The roster was imported on Wednesday 18 November, at 23:30 UTC:
	// Thursday already on the clock of a run in Berlin.
	imported := time.Date(2026, 11, 18, 23, 30, 0, 0, time.UTC)
	for _, id := range f.ids {
		f.people[id].KnownAt = imported
	}
	f.people["N"].KnownAt = imported.Add(7 * 24 * time.Hour) // added a week later
	s := settings(now)
	p := metrics.WeekPeriod(week47)
	r := metrics.Compute(f.data(), p, s)
	m, n, l := manager(t, r, "M"), manager(t, r, "N"), leader(t, r, "L")
	if m.Since != day("2026-11-18") || n.Since != day("2026-11-25") || l.Since != day("2026-11-18") || r.Org.Since != day("2026-11-18") {
		t.Errorf("since: M %s, N %s, L %s, org %s; want the 18th, the 25th, the 18th, the 18th", m.Since, n.Since, l.Since, r.Org.Since)
	}
	if m.TrendCounted(p) || m.ConsistencyBeforeCounted(p) {
		t.Errorf("the 4 weeks before W47 began before the import, yet they read as counted")
	}
	// Five weeks on, the 4 weeks before begin on the Monday after the
	// import day's week: counted; consistency's 4 weeks before reach further back.
	later := metrics.WeekPeriod(coaching.Week{Year: 2026, Week: 52})
	if !m.TrendCounted(later) || m.ConsistencyBeforeCounted(later) {
		t.Errorf("W52: trend counted %v (want true), consistency before counted %v (want false)", m.TrendCounted(later), m.ConsistencyBeforeCounted(later))
	}
	s.Location = time.FixedZone("Berlin", 3600)
	if got := manager(t, metrics.Compute(f.data(), p, s), "M").Since; got != day("2026-11-19") {
		t.Errorf("since on Berlin's clock: %s, want the 19th", got)
	}
	// Nobody known (a scope never imported): nothing says the weeks before
	// were not counted.
	if !(metrics.Figures{}).TrendCounted(p) {
		t.Errorf("a scope with no known start reads as not counted")
	}
}

// "No earlier weeks to compare yet" three weeks after the import read as
// if Coachlog had counted nothing: the words say which week the trend
// starts with, by the rule TrendCounted applies.
func TestTrendsStartWithTheFirstWeekOfFourCountedBefore(t *testing.T) {
	for _, c := range []struct {
		since, starts string
	}{
		{"2026-11-18", "2026-12-21"}, // a Wednesday: its week counted only in part
		{"2026-11-16", "2026-12-14"}, // a Monday: its week counted in full
		{"2026-11-22", "2026-12-21"}, // a Sunday
		{"2026-12-28", "2027-01-25"}, // across the year
	} {
		since := day(c.since)
		got := metrics.TrendStarts(since)
		if got != day(c.starts) {
			t.Errorf("since %s: trends start %s, want %s", c.since, got, c.starts)
		}
		f := metrics.Figures{Since: since}
		first := metrics.WeekPeriod(coaching.WeekOf(got))
		if !f.TrendCounted(first) {
			t.Errorf("since %s: the week of %s reads as not counted", c.since, got)
		}
		if prev := metrics.WeekPeriod(coaching.WeekOf(got.AddDays(-7))); f.TrendCounted(prev) {
			t.Errorf("since %s: the week before %s reads as counted already", c.since, got)
		}
		// A week so far (the on-demand surfaces) starts on the same Monday.
		if !f.TrendCounted(metrics.WeekSoFar(got)) || f.TrendCounted(metrics.WeekSoFar(got.AddDays(-1))) {
			t.Errorf("since %s: a week so far disagrees on %s", c.since, got)
		}
	}
	if got, want := metrics.TrendWait(day("2026-11-18")),
		"trends start once 4 full weeks are counted: Coachlog started counting on Wed 18 Nov 2026, so from the week of Mon 21 Dec 2026"; got != want {
		t.Errorf("TrendWait: %q, want %q", got, want)
	}
	if metrics.TrendWait(coaching.Date{}) != "" || !metrics.TrendStarts(coaching.Date{}).IsZero() {
		t.Errorf("a scope with no known start waits for something")
	}
}

// Consistency counts the weeks before Coachlog counted as missed
// (PRODUCT.md), so from day one it reads 0%: the surfaces say how many of
// its 4 weeks began before Coachlog started counting, by the rule
// ConsistencyBeforeCounted applies to the 4 weeks before them.
func TestConsistencyCountsItsWeeksBeforeCoachlogCounted(t *testing.T) {
	w48 := metrics.Period{From: day("2026-11-23"), To: day("2026-11-25")} // a week so far: weeks of 2, 9, 16 and 23 November
	for _, c := range []struct {
		since string
		p     metrics.Period
		want  int
	}{
		{"2026-11-18", w48, 3}, // the weeks of 2, 9 and 16 November began before the Wednesday
		{"2026-11-16", w48, 2}, // a Monday: its week is counted
		{"2026-11-24", w48, 4},
		{"2026-11-02", w48, 0},
		{"2026-10-01", w48, 0},
		{"2026-11-18", metrics.WeekPeriod(coaching.Week{Year: 2026, Week: 50}), 1}, // weeks of 16 Nov to 7 Dec
		{"", w48, 0}, // not known
	} {
		f := metrics.Figures{}
		if c.since != "" {
			f.Since = day(c.since)
		}
		if got := f.ConsistencyUncounted(c.p); got != c.want {
			t.Errorf("since %q, period %s: %d weeks uncounted, want %d", c.since, c.p, got, c.want)
		}
	}
}
