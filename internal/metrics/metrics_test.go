package metrics_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

const (
	top    = coaching.TierTop
	middle = coaching.TierMiddle
	bottom = coaching.TierBottom
)

func TestTeamMeetingMinutesAreSplitEvenlyAmongItsReps(t *testing.T) {
	f := newFixture()
	r := f.team("M", "", top, middle, bottom) // M-1 top, M-2 middle, M-3 bottom
	f.add("X", "", "")                        // someone outside the roster: no tier
	f.log("M", coaching.KindTeamMeeting, "2026-11-17", 90, "", reps(r...)...)
	f.oneOnOne("M", "2026-11-19", 30, pending(r[0]))
	f.log("M", coaching.KindSkillPractice, "2026-11-20", 45, "", reps(r[1], "X")...)
	m := manager(t, f.compute(t), "M").Metrics

	// 3 sessions, 90 + 30 + 45 = 165 minutes, 3 + 1 + 2 = 6 pairs.
	if m.Sessions != 3 || m.Minutes != 165 || m.Pairs != 6 {
		t.Errorf("sessions, minutes, pairs = %d, %d, %d; want 3, 165, 6", m.Sessions, m.Minutes, m.Pairs)
	}
	// top: 90/3 + 30 = 60; middle: 90/3 + 45/2 = 52.5; bottom: 90/3 = 30;
	// none: 45/2 = 22.5. Together the 165 minutes.
	want := metrics.TierMinutes{Top: 60, Middle: 52.5, Bottom: 30, None: 22.5}
	if m.TierMinutes != want {
		t.Errorf("tier minutes = %+v, want %+v", m.TierMinutes, want)
	}
	// Shares of 165: 60/165 = 0.3636, 52.5/165 = 0.3182, 30/165 = 0.1818, 22.5/165 = 0.1364.
	for _, c := range []struct {
		tier coaching.Tier
		want float64
	}{{top, 0.3636}, {middle, 0.3182}, {bottom, 0.1818}, {coaching.TierNone, 0.1364}} {
		checkFigure(t, "tier_minutes_share."+metrics.TierName(c.tier), m.TierMinutesShare.Get(c.tier), c.want)
	}
	// The team is one rep of each tier: 1/3 each, none 0.
	for _, c := range []struct {
		tier coaching.Tier
		want float64
	}{{top, 0.3333}, {middle, 0.3333}, {bottom, 0.3333}, {coaching.TierNone, 0}} {
		checkFigure(t, "tier_reps_share."+metrics.TierName(c.tier), m.TierRepsShare.Get(c.tier), c.want)
	}
}

func TestTierIsTheOneTheRepHadOnTheSessionDate(t *testing.T) {
	f := newFixture()
	f.add("M", "", "", coaching.PersonManager)
	// R was middle until a roster import on Thursday 19 made them top.
	f.add("R", "M", top, coaching.PersonRep).History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "M", Tier: middle, Active: true},
		{From: day("2026-11-19"), ManagerID: "M", Tier: top, Active: true},
	}
	// Q was first imported on Wednesday 18 as bottom, then made top on
	// Saturday 21: before the first import, the first tier known applies.
	f.add("Q", "M", top, coaching.PersonRep).History = []metrics.Line{
		{From: day("2026-11-18"), ManagerID: "M", Tier: bottom, Active: true},
		{From: day("2026-11-21"), ManagerID: "M", Tier: top, Active: true},
	}
	f.oneOnOne("M", "2026-11-16", 25, pending("Q")) // before Q's first import: bottom
	f.oneOnOne("M", "2026-11-17", 30, pending("R")) // middle
	f.oneOnOne("M", "2026-11-20", 45, pending("R")) // top since the 19th
	f.oneOnOne("M", "2026-11-22", 20, pending("Q")) // top since the 21st
	m := manager(t, f.compute(t), "M").Metrics

	// top 45 + 20 = 65, middle 30, bottom 25.
	want := metrics.TierMinutes{Top: 65, Middle: 30, Bottom: 25}
	if m.TierMinutes != want {
		t.Errorf("tier minutes = %+v, want %+v", m.TierMinutes, want)
	}
	// At the period's end both are top.
	checkFigure(t, "tier_reps_share.top", m.TierRepsShare.Top, 1)
	checkFigure(t, "tier_reps_share.bottom", m.TierRepsShare.Bottom, 0)
}

// coverageFixture is a team of seven reps in every situation coverage
// knows, with a 14-day cadence, as of Sunday 22 November.
func coverageFixture() *fixture {
	f := newFixture()
	f.add("M", "", "", coaching.PersonManager)
	f.add("N", "", "", coaching.PersonManager)
	for _, id := range []string{"A", "B", "C", "D", "E", "F", "H"} {
		f.add(id, "M", middle, coaching.PersonRep)
	}
	f.oneOnOne("M", "2026-11-20", 30, pending("A")) // A: 2 days ago, covered
	f.oneOnOne("M", "2026-10-01", 30, pending("B")) // B: 52 days ago, overdue
	f.people["C"].Since = day("2026-11-01")         // C: never coached, 21 days in the team: overdue
	f.people["D"].AwayUntil = day("2026-11-30")     // D: never coached but away: not counted at all
	f.people["E"].Since = day("2026-11-15")         // E: never coached, 7 days in the team: neither
	f.oneOnOne("M", "2026-11-08", 30, pending("F")) // F: exactly 14 days ago: covered, not overdue
	f.oneOnOne("N", "2026-11-18", 30, pending("H")) // H: coached by another manager: covered
	return f
}

func TestCoverageCountsNeverCoachedRepsAndLeavesOutAwayReps(t *testing.T) {
	m := manager(t, coverageFixture().compute(t), "M").Metrics
	// Reps not away: A, B, C, E, F, H = 6. Covered: A, F, H = 3: 3/6 = 0.5.
	// Overdue: B (52 > 14 days) and C (21 > 14 days in the team) = 2.
	if m.Reps != 6 || m.Covered != 3 || m.Overdue != 2 {
		t.Errorf("reps, covered, overdue = %d, %d, %d; want 6, 3, 2", m.Reps, m.Covered, m.Overdue)
	}
	checkFigure(t, "coverage", m.Coverage, 0.5)
	// The away rep is still on the team for the tier shares: 7 middle reps.
	checkFigure(t, "tier_reps_share.middle", m.TierRepsShare.Middle, 1)
	// Only sessions M logged count for M: 3 of them in the data, 1 in the week.
	if m.Sessions != 1 {
		t.Errorf("sessions = %d, want 1 (the 20th)", m.Sessions)
	}
}

func TestARepDeactivatedInSlackIsCountedAsAway(t *testing.T) {
	f := coverageFixture()
	f.people["B"].Deleted = true // B, 52 days since coached, left: the roster still lists them
	r := f.compute(t)
	m := manager(t, r, "M")
	// As in TestCoverageCountsNeverCoachedRepsAndLeavesOutAwayReps, without
	// B: reps A, C, E, F, H = 5, covered A, F, H, overdue C alone.
	if m.Metrics.Reps != 5 || m.Metrics.Covered != 3 || m.Metrics.Overdue != 1 {
		t.Errorf("reps, covered, overdue = %d, %d, %d; want 5, 3, 1", m.Metrics.Reps, m.Metrics.Covered, m.Metrics.Overdue)
	}
	for _, tr := range m.Team {
		if tr.ID == "B" && (tr.Overdue || !tr.Deactivated) {
			t.Errorf("B in the team view: %+v; want deactivated, not overdue", tr)
		}
	}
}

// A run reads instants on its own clock, the organisation's by default
// (the digest, `coachlog metrics`, /coach report, a leader's tree) or a
// manager's zone for their own surfaces (Options.Zone), save the roster
// import that starts a never-coached rep's clock: that is read on the
// rep's manager's clock, the one their nudge reads it on (the roster's
// zone, else Slack's, else the organisation's), whatever the run's, so
// that the digest calls overdue whom the nudge and /coach team do. R, on
// the team since September, was first imported at 20:00 UTC on Saturday 7
// November: the 7th in UTC and in Los Angeles, Sunday 8th in Tonga. S
// joined with an import at 03:00 UTC on Sunday 8th that gave no since:
// the 8th in UTC and Tonga, Saturday 7th in Los Angeles. Both are never
// coached; on Sunday 22nd more than the 14-day cadence has run from the
// 7th (15 days), not from the 8th (14). A commitment kept at noon UTC on
// the 22nd is kept by the period's end on the run's clock in UTC and Los
// Angeles, on Monday 23rd in Tonga.
func TestARunReadsInstantsOnItsOwnClockAndTheImportOnTheManagers(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	for _, c := range []struct {
		name        string
		tz, slackTZ string         // the manager's zone: the roster's, Slack's
		run         *time.Location // Options.Zone; nil: the organisation's (UTC)
		overdue     []string       // never coached, for 15 days
		kept        float64
	}{
		{"the organisation's run, a manager on its clock", "", "", nil, []string{"R"}, 1},
		{"a manager's own run in Tonga", "Pacific/Tongatapu", "", zone("Pacific/Tongatapu"), nil, 0},
		{"a manager's own run in Los Angeles", "America/Los_Angeles", "", zone("America/Los_Angeles"), []string{"R", "S"}, 1},
		{"the organisation's run, a manager in Tonga", "Pacific/Tongatapu", "", nil, nil, 1},
		{"the organisation's run, a manager in Los Angeles", "America/Los_Angeles", "", nil, []string{"R", "S"}, 1},
		{"the organisation's run, a manager in Los Angeles by Slack", "", "America/Los_Angeles", nil, []string{"R", "S"}, 1},
		{"the roster's zone before Slack's", "Pacific/Tongatapu", "America/Los_Angeles", nil, nil, 1},
		{"a leader's run in Los Angeles, a manager in Tonga", "Pacific/Tongatapu", "", zone("America/Los_Angeles"), nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.team("M", "")
			f.people["M"].TZ, f.people["M"].SlackTZ = c.tz, c.slackTZ
			f.add("R", "M", middle, coaching.PersonRep)
			f.people["R"].Since = day("2026-09-01")
			f.people["R"].KnownAt = time.Date(2026, 11, 7, 20, 0, 0, 0, time.UTC)
			f.add("S", "M", middle, coaching.PersonRep)
			f.people["S"].KnownAt = time.Date(2026, 11, 8, 3, 0, 0, 0, time.UTC)
			f.people["S"].Since, f.people["S"].SinceAt = day("2026-11-08"), f.people["S"].KnownAt
			f.add("Q", "M", middle, coaching.PersonRep) // coached on Tuesday 17th: not overdue on any clock
			s := f.oneOnOne("M", "2026-11-17", 30, pending("Q"))
			f.commitment(s, "2026-11-22")
			set := settings(now)
			set.Zone = c.run
			m := manager(t, metrics.Compute(f.data(), metrics.WeekPeriod(week47), set), "M")
			var got []string
			for _, tr := range m.Team {
				if tr.Overdue {
					got = append(got, tr.ID)
					if !tr.Never || tr.OverdueDays != 15 {
						t.Errorf("%s: %+v; want never coached, 15 days in the team", tr.ID, tr)
					}
				}
			}
			if !slices.Equal(got, c.overdue) || m.Metrics.Overdue != len(c.overdue) {
				t.Errorf("overdue %v (%d); want %v", got, m.Metrics.Overdue, c.overdue)
			}
			checkFigure(t, "commitments_kept", m.Metrics.CommitmentsKept, c.kept)
		})
	}
}

func TestAwayIsOnlyReadForPeriodsEndingInTheLastWeek(t *testing.T) {
	f := coverageFixture()
	// A month later, D's away date and Slack status say nothing about 22
	// November: D counts, never coached since 1 January, so overdue.
	late := metrics.Compute(f.data(), metrics.WeekPeriod(week47), settings(now.AddDate(0, 1, 0)))
	m := manager(t, late, "M").Metrics
	if m.Reps != 7 || m.Covered != 3 || m.Overdue != 3 {
		t.Errorf("reps, covered, overdue = %d, %d, %d; want 7, 3, 3", m.Reps, m.Covered, m.Overdue)
	}
}

func TestRideAlongRoleMix(t *testing.T) {
	f := newFixture()
	r := f.team("M", "", top)
	for _, c := range []struct {
		on   string
		role coaching.Role
	}{{"2026-11-16", coaching.RoleLead}, {"2026-11-17", coaching.RoleLead}, {"2026-11-18", coaching.RoleLead},
		{"2026-11-18", coaching.RoleParticipant}, {"2026-11-19", coaching.RoleObserver}, {"2026-11-22", coaching.RoleObserver},
		{"2026-11-15", coaching.RoleLead}, // the week before: not counted
	} {
		f.log("M", coaching.KindRideAlong, c.on, 60, c.role, pending(r[0]))
	}
	f.oneOnOne("M", "2026-11-20", 30, pending(r[0])) // not a ride-along
	fig := manager(t, f.compute(t), "M")
	m := fig.Metrics
	if want := (metrics.RoleCounts{Lead: 3, Participant: 1, Observer: 2}); m.RideAlongs != want {
		t.Errorf("ride_alongs = %+v, want %+v", m.RideAlongs, want)
	}
	// The 4 weeks before hold the lead ride-along of the 15th: 0.25 a week.
	if w := fig.BeforeWeekly(); w.RideAlongsBy != [3]float64{0.25, 0, 0} || w.RideAlongs != 0.25 {
		t.Errorf("ride-alongs a week before = %v (%v), want 0.25 in the lead", w.RideAlongsBy, w.RideAlongs)
	}
}

func TestConfirmationCountsEachRepsStatus(t *testing.T) {
	f := newFixture()
	r := f.team("M", "", top, middle, bottom)
	f.log("M", coaching.KindTeamMeeting, "2026-11-17", 60, "", confirmed(r[0], 0), disputed(r[1]), pending(r[2]))
	f.oneOnOne("M", "2026-11-18", 30, confirmed(r[0], 5))
	f.oneOnOne("M", "2026-11-19", 30, confirmed(r[1], 0))
	f.oneOnOne("M", "2026-11-20", 30, pending(r[2]))
	m := manager(t, f.compute(t), "M").Metrics
	// 6 pairs: confirmed 3, disputed 1, pending 2; rate 3/6 = 0.5.
	if m.Pairs != 6 || m.Confirmed != 3 || m.Disputed != 1 || m.Pending != 2 {
		t.Errorf("pairs %d: confirmed %d, disputed %d, pending %d; want 6: 3, 1, 2", m.Pairs, m.Confirmed, m.Disputed, m.Pending)
	}
	checkFigure(t, "confirmation_rate", m.ConfirmationRate, 0.5)
}

func TestMeanRatingIsNullUnderThreeRatings(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	a := f.team("MA", "L", top, top)
	b := f.team("MB", "L", top, top, top)
	f.team("MC", "L", top)
	f.oneOnOne("MA", "2026-11-17", 30, confirmed(a[0], 4))
	f.oneOnOne("MA", "2026-11-18", 30, confirmed(a[1], 5))
	f.oneOnOne("MB", "2026-11-17", 30, confirmed(b[0], 2))
	f.oneOnOne("MB", "2026-11-18", 30, confirmed(b[1], 4))
	f.oneOnOne("MB", "2026-11-19", 30, confirmed(b[2], 5))
	r := f.compute(t)
	for _, c := range []struct {
		id      string
		ratings int
		mean    float64
	}{
		{"MA", 2, null}, // 2 ratings: no mean
		{"MB", 3, 3.67}, // (2 + 4 + 5) / 3 = 3.666...
		{"MC", 0, null}, // none
	} {
		m := manager(t, r, c.id).Metrics
		if m.Ratings != c.ratings {
			t.Errorf("%s: ratings = %d, want %d", c.id, m.Ratings, c.ratings)
		}
		checkFigure(t, c.id+" mean_rating", m.MeanRating, c.mean)
	}
	// The leader pools the managers whose mean shows: MB's 3 ratings. With
	// MA's two pooled too (5 ratings, mean 4), L's sum less MB's would be
	// MA's 4 + 5, a 9 only two ratings of 5 make.
	l := leader(t, r, "L").Metrics
	if l.Ratings != 3 {
		t.Errorf("leader ratings = %d, want 3", l.Ratings)
	}
	checkFigure(t, "leader mean_rating", l.MeanRating, 3.67)
	// MA's two are counted apart, so that the tree's 3 is not read as
	// every rating given below L.
	if l.RatingsApart != 2 {
		t.Errorf("leader ratings left out = %d, want MA's 2", l.RatingsApart)
	}
	if m := manager(t, r, "MA").Metrics; m.RatingsApart != 0 {
		t.Errorf("MA's own ratings left out = %d, want 0 (a manager's own are all shown)", m.RatingsApart)
	}
}

// TestNoRatingCanBeWorkedOutFromATree is the audit's case: a leader who
// is also a manager, with one rating of their own, above a manager with
// three. Nothing shown (the leader's own line, the manager's, the tree, the
// organisation) may let the lone rating be worked out by subtraction.
func TestNoRatingCanBeWorkedOutFromATree(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader, coaching.PersonManager)
	f.add("L-1", "L", top, coaching.PersonRep)
	m := f.team("M", "L", top, top, top)
	f.oneOnOne("L", "2026-11-17", 30, confirmed("L-1", 5))
	for i, id := range m {
		f.oneOnOne("M", fmt.Sprintf("2026-11-1%d", 7+i), 30, confirmed(id, 2))
	}
	r := f.compute(t)
	shown := manager(t, r, "M").Metrics
	for _, tree := range []metrics.Metrics{leader(t, r, "L").Metrics, r.Org.Metrics} {
		if tree.MeanRating == nil {
			continue
		}
		left := tree.Ratings - shown.Ratings
		sum := *tree.MeanRating*float64(tree.Ratings) - *shown.MeanRating*float64(shown.Ratings)
		if left > 0 && left < metrics.MinRatings {
			t.Errorf("a tree of %d ratings at %.2f beside M's %d at %.2f gives away %d rating(s) summing to %.0f",
				tree.Ratings, *tree.MeanRating, shown.Ratings, *shown.MeanRating, left, sum)
		}
	}
}

func TestCommitmentsKeptByThePeriodsEnd(t *testing.T) {
	f := newFixture()
	r := f.team("M", "", top, middle)
	s1 := f.oneOnOne("M", "2026-10-20", 30, pending(r[0])) // 4 weeks before: in the window (from 19 Oct)
	s0 := f.oneOnOne("M", "2026-10-18", 30, pending(r[0])) // before the window
	s2 := f.oneOnOne("M", "2026-11-17", 30, pending(r[0]))
	s3 := f.oneOnOne("M", "2026-11-19", 30, pending(r[1]))
	f.oneOnOne("M", "2026-11-20", 30, pending(r[1]))
	f.oneOnOne("M", "2026-11-21", 30, pending(r[0]))
	f.commitment(s1, "2026-11-17") // kept in the week
	f.commitment(s1, "")           // still open
	f.commitment(s0, "2026-11-17") // made too early to count
	f.commitment(s2, "2026-11-23") // kept the Monday after: not by the period's end
	f.commitment(s3, "2026-11-22") // kept on the last day
	m := manager(t, f.compute(t), "M").Metrics
	// Made from 19 Oct to 22 Nov: 4 (s1 twice, s2, s3); kept by the 22nd: 2.
	checkFigure(t, "commitments_kept", m.CommitmentsKept, 0.5)
	// Sessions in the week with a commitment: s2 and s3 of 4 = 0.5.
	checkFigure(t, "with_commitments", m.WithCommitments, 0.5)
}

// slippingFixture is a 7-day-cadence manager whose five reps were
// covered at the end of 3 of the 4 weeks W40 to W43, and at the end of 1
// of the 4 weeks W44 to W47, that one exactly at 0.8. With drop, the
// later weeks are as good as the earlier ones less drop*4 weeks.
func slippingFixture() *fixture {
	f := newFixture()
	r := f.team("M", "", top, top, middle, middle, bottom)
	f.people["M"].CadenceDays = 7
	// Team meetings on Fridays 2, 9 and 16 October cover everyone at the
	// end of W40 (Sunday 4 Oct), W41 (11th) and W42 (18th); W43 (25th)
	// is 9 days after the last: not covered.
	for _, on := range []string{"2026-10-02", "2026-10-09", "2026-10-16"} {
		f.log("M", coaching.KindTeamMeeting, on, 60, "", reps(r...)...)
	}
	// Thursday 12 November: four of five reps, 4/5 = 0.8 at the end of
	// W46 (Sunday 15th); nothing covers W44 (1 Nov), W45 (8th) or W47
	// (22nd, 10 days later).
	f.log("M", coaching.KindTeamMeeting, "2026-11-12", 60, "", reps(r[:4]...)...)
	return f
}

func TestConsistencyOverEightWeeks(t *testing.T) {
	fig := manager(t, slippingFixture().compute(t), "M")
	m := fig.Metrics
	// W44..W47: only W46 at 0.8 or more: 1/4. W40..W43: 3/4.
	checkFigure(t, "consistency", m.Consistency, 0.25)
	checkFigure(t, "consistency_before", m.ConsistencyBefore, 0.75)
	// The 4 weeks before (W43..W46, ending Sunday 15th) read W43..W46
	// (only W46) and W39..W42 (W39 had no session yet).
	if fig.Before == nil {
		t.Fatal("no trend")
	}
	checkFigure(t, "before: consistency", fig.Before.Consistency, 0.25)
	checkFigure(t, "before: consistency_before", fig.Before.ConsistencyBefore, 0.75)
	// At the end of the 22nd nobody is within 7 days: all 5 overdue.
	if m.Covered != 0 || m.Overdue != 5 {
		t.Errorf("covered %d, overdue %d; want 0, 5", m.Covered, m.Overdue)
	}
}

func TestConsistencyIsNullWithoutATeam(t *testing.T) {
	f := newFixture()
	f.add("M", "", "", coaching.PersonManager)
	m := manager(t, f.compute(t), "M").Metrics
	checkFigure(t, "consistency", m.Consistency, null)
	checkFigure(t, "coverage", m.Coverage, null)
}

// correlationFixture: leader L over manager M and 8 reps with attainment
// for September and October 2026 and their October minutes (a hand-ranked
// set with ties on both sides); leader K over manager N and 7 such pairs.
func correlationFixture() *fixture {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	f.add("K", "", "", coaching.PersonLeader)
	f.add("M", "L", "", coaching.PersonManager)
	f.add("N", "K", "", coaching.PersonManager)
	//           x: Oct minutes   Sep    Oct    y = Oct - Sep
	for _, r := range []struct {
		id       string
		x        float64
		sep, oct float64
	}{
		{"r1", 0, 80, 78},     // -2
		{"r2", 60, 90, 95},    //  5
		{"r3", 60, 100, 100},  //  0
		{"r4", 120, 70, 80},   // 10
		{"r5", 180, 85, 95},   // 10
		{"r6", 240, 110, 112}, //  2
		{"r7", 300, 60, 75},   // 15
		{"r8", 300, 95, 120},  // 25
	} {
		f.add(r.id, "M", top, coaching.PersonRep)
		f.attainment(r.id, "2026-09", r.sep, 0)
		f.attainment(r.id, "2026-10", r.oct, r.x)
	}
	// November attainment alone makes no pair (no October), but counts for
	// at_quota_share: 100 and 150 reach quota, 99.9 and 50 do not.
	for i, pct := range []float64{100, 99.9, 150, 50} {
		id := "q" + string(rune('1'+i))
		f.add(id, "M", top, coaching.PersonRep)
		f.attainment(id, "2026-11", pct, 0)
	}
	for i := range 7 {
		id := "n" + string(rune('1'+i))
		f.add(id, "N", top, coaching.PersonRep)
		f.attainment(id, "2026-09", 90, 0)
		f.attainment(id, "2026-10", float64(90+i), float64(10*i))
	}
	return f
}

func TestCorrelationOfMinutesWithTheChangeInAttainment(t *testing.T) {
	r := correlationFixture().compute(t)
	// Ranks of x (0, 60, 60, 120, 180, 240, 300, 300):
	//   1, 2.5, 2.5, 4, 5, 6, 7.5, 7.5
	// Ranks of y (-2, 5, 0, 10, 10, 2, 15, 25):
	//   1, 4, 2, 5.5, 5.5, 3, 7, 8
	// Both average 4.5. Deviations dx: -3.5 -2 -2 -0.5 0.5 1.5 3 3;
	// dy: -3.5 -0.5 -2.5 1 1 -1.5 2.5 3.5.
	// Σdx·dy = 12.25 + 1 + 5 - 0.5 + 0.5 - 2.25 + 7.5 + 10.5 = 34
	// Σdx² = 41, Σdy² = 41.5; rho = 34 / √(41 × 41.5) = 0.82426.
	l := leader(t, r, "L")
	if l.Correlation == nil || l.Correlation.N != 8 {
		t.Fatalf("correlation = %+v, want n = 8", l.Correlation)
	}
	checkFigure(t, "rho", l.Correlation.Rho, 0.8243)
	// 2 of the 4 reps with November attainment are at 100% or more; the
	// surfaces print the 4 beside the share.
	checkFigure(t, "at_quota_share", l.AtQuotaShare, 0.5)
	if l.AttainmentReps != 4 {
		t.Errorf("at_quota_share is over %d reps, want the 4 with November attainment", l.AttainmentReps)
	}

	// 7 pairs are too few: rho is null, n says why.
	k := leader(t, r, "K")
	if k.Correlation == nil || k.Correlation.N != 7 {
		t.Fatalf("K's correlation = %+v, want n = 7", k.Correlation)
	}
	checkFigure(t, "K's rho", k.Correlation.Rho, null)
	checkFigure(t, "K's at_quota_share", k.AtQuotaShare, null)
	if k.AttainmentReps != 0 {
		t.Errorf("K's at_quota_share is over %d reps, want none", k.AttainmentReps)
	}
}

func TestCorrelationReadsThePeriodsLastMonthUpToItsEnd(t *testing.T) {
	f := newFixture()
	f.add("L", "", "", coaching.PersonLeader)
	rs := f.team("M", "L", top, top, top, top, top, top, top, top)
	// October to November change: +1 .. +8; November minutes from the
	// sessions up to Sunday 22nd (the month's full record would count the
	// rest of November too, which is after the period).
	for i, id := range rs {
		f.attainment(id, "2026-10", 90, 0)
		f.attainment(id, "2026-11", float64(91+i), 999) // 999: the whole month, not to be read
		f.oneOnOne("M", "2026-11-18", 10*(i+1), pending(id))
	}
	l := leader(t, f.compute(t), "L")
	// x = 10, 20, ... 80 and y = 1, 2, ... 8 rank identically: rho = 1.
	if l.Correlation.N != 8 {
		t.Fatalf("n = %d, want 8", l.Correlation.N)
	}
	checkFigure(t, "rho", l.Correlation.Rho, 1)
}

func TestLeaderFiguresSumTheirTreeTwoLevelsDown(t *testing.T) {
	f := newFixture()
	f.add("VP", "", "", coaching.PersonLeader)
	f.add("X", "", "", coaching.PersonLeader)
	f.add("DIR", "VP", "", coaching.PersonLeader)
	m1 := f.team("M1", "DIR", top, middle)
	m2 := f.team("M2", "DIR", top, middle, bottom)
	f.team("M3", "VP", bottom)
	f.team("M4", "X", top)
	// M4 moved from DIR to X on Saturday 21st: at the period's end, X's.
	f.people["M4"].History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "DIR", Active: true},
		{From: day("2026-11-21"), ManagerID: "X", Active: true},
	}
	f.oneOnOne("M1", "2026-11-17", 30, pending(m1[0]))
	f.oneOnOne("M2", "2026-11-18", 45, pending(m2[0]))
	f.oneOnOne("M2", "2026-11-19", 60, pending(m2[1]))
	f.oneOnOne("M4", "2026-11-17", 20, pending("M4-1"))
	r := f.compute(t)

	// DIR: M1 + M2 = 3 sessions, 30 + 45 + 60 = 135 minutes; reps 2 + 3 =
	// 5, covered 1 + 2 = 3: 3/5 = 0.6; overdue (never coached since 1
	// January) 1 + 1 = 2.
	// VP: DIR's tree and M3: reps 6, covered 3: 0.5; overdue 3.
	// X: M4's session, though logged while M4 was under DIR.
	for _, c := range []struct {
		id                                        string
		sessions, minutes, reps, covered, overdue int
		coverage                                  float64
		managers                                  []string
	}{
		{"DIR", 3, 135, 5, 3, 2, 0.6, []string{"M1", "M2"}},
		{"VP", 3, 135, 6, 3, 3, 0.5, []string{"M1", "M2", "M3"}},
		{"X", 1, 20, 1, 1, 0, 1, []string{"M4"}},
	} {
		l := leader(t, r, c.id)
		m := l.Metrics
		if m.Sessions != c.sessions || m.Minutes != c.minutes || m.Reps != c.reps || m.Covered != c.covered || m.Overdue != c.overdue {
			t.Errorf("%s: sessions %d, minutes %d, reps %d, covered %d, overdue %d; want %d, %d, %d, %d, %d", c.id,
				m.Sessions, m.Minutes, m.Reps, m.Covered, m.Overdue, c.sessions, c.minutes, c.reps, c.covered, c.overdue)
		}
		checkFigure(t, c.id+" coverage", m.Coverage, c.coverage)
		got := slices.Clone(l.ManagerIDs)
		slices.Sort(got)
		if !slices.Equal(got, c.managers) {
			t.Errorf("%s's managers = %v, want %v", c.id, got, c.managers)
		}
	}
	for _, c := range []struct{ id, leader string }{{"M1", "DIR"}, {"M3", "VP"}, {"M4", "X"}} {
		if got := manager(t, r, c.id).LeaderID; got != c.leader {
			t.Errorf("%s's leader_id = %q, want %q", c.id, got, c.leader)
		}
	}
	if got := leader(t, r, "DIR").LeaderID; got != "VP" {
		t.Errorf("DIR's leader_id = %q, want VP", got)
	}
}

func TestManagersListed(t *testing.T) {
	f := newFixture()
	f.add("M", "", "", coaching.PersonManager) // the role, no team
	f.team("T", "")                            // a team, no role: made below
	f.people["T"].Roles = nil
	f.add("T-1", "T", top, coaching.PersonRep)
	f.add("P", "", "")                            // not a manager, but logged a session
	f.add("Gone", "", "", coaching.PersonManager) // left the roster
	f.people["Gone"].Active = false
	f.oneOnOne("P", "2026-11-18", 30, pending("T-1"))
	got := ids(f.compute(t).Managers)
	slices.Sort(got)
	if want := []string{"M", "P", "T"}; !slices.Equal(got, want) {
		t.Errorf("managers = %v, want %v", got, want)
	}
}

func TestWeeksAndTrend(t *testing.T) {
	f := newFixture()
	r := f.team("M", "", top)
	f.oneOnOne("M", "2026-09-28", 10, pending(r[0])) // W40's Monday: the chart's first day
	f.oneOnOne("M", "2026-10-26", 20, pending(r[0])) // W44: in the 4 weeks before
	f.oneOnOne("M", "2026-11-15", 30, pending(r[0])) // W46: in the 4 weeks before
	f.oneOnOne("M", "2026-11-22", 40, pending(r[0])) // W47
	fig := manager(t, f.compute(t), "M")
	if len(fig.Weeks) != 8 || fig.Weeks[0].Week != (coaching.Week{Year: 2026, Week: 40}) || fig.Weeks[7].Week != week47 {
		t.Fatalf("weeks = %+v, want W40..W47", fig.Weeks)
	}
	for i, want := range []int{10, 0, 0, 0, 20, 0, 30, 40} {
		if got := fig.Weeks[i].Minutes; got != want {
			t.Errorf("%s minutes = %d, want %d", fig.Weeks[i].Week, got, want)
		}
	}
	// The 4 weeks before (19 Oct to 15 Nov): 2 sessions, 50 minutes: 0.5
	// sessions and 12.5 minutes a week.
	if b := fig.BeforeWeekly(); fig.Before.Sessions != 2 || b.Sessions != 0.5 || b.Minutes != 12.5 {
		t.Errorf("before: %d sessions, weekly %+v; want 2, 0.5 and 12.5", fig.Before.Sessions, b)
	}
}

func TestTeamView(t *testing.T) {
	f := coverageFixture()
	d := f.data()
	d.Open = []metrics.OpenCount{{ManagerID: "M", RepID: "A", Count: 2}, {ManagerID: "N", RepID: "A", Count: 5}}
	r := metrics.Compute(d, metrics.WeekPeriod(week47), settings(now))
	team := manager(t, r, "M").Team
	byID := map[string]metrics.TeamRep{}
	for _, tr := range team {
		byID[tr.ID] = tr
	}
	if len(team) != 7 {
		t.Fatalf("team of %d, want 7", len(team))
	}
	for _, c := range []struct {
		id            string
		last          string
		days          int
		overdue, away bool
		open          int
	}{
		{"A", "2026-11-20", 2, false, false, 2}, // only M's own commitments
		{"B", "2026-10-01", 52, true, false, 0},
		{"C", "", 0, true, false, 0},
		{"D", "", 0, false, true, 0},
		{"F", "2026-11-08", 14, false, false, 0},
	} {
		tr := byID[c.id]
		if tr.LastSession.String() != c.last || tr.DaysSince != c.days || tr.Overdue != c.overdue || tr.Away != c.away || tr.OpenCommitments != c.open {
			t.Errorf("%s: %+v; want last %q, %d days, overdue %v, away %v, %d open", c.id, tr, c.last, c.days, c.overdue, c.away, c.open)
		}
	}
	if c := byID["C"]; !c.Never || c.OverdueDays != 21 {
		t.Errorf("C: never %v for %d days; want never coached, 21 days in the team", c.Never, c.OverdueDays)
	}
}

func TestPlanReachesBackAsFarAsEachFigureNeeds(t *testing.T) {
	week := metrics.WeekPeriod(week47) // 16 to 22 November 2026
	for _, c := range []struct {
		name        string
		o           metrics.Options
		from, commi string
	}{
		// The metrics alone: consistency's 8 Sundays, the earliest W40's 4
		// Oct (the day after: the 5th); commitments of the 4 weeks before
		// (from 19 Oct).
		{"metrics", metrics.Options{}, "2026-10-05", "2026-10-19"},
		// The 4 weeks before (19 Oct to 15 Nov) need their own 8 Sundays,
		// from W39's 27 Sep, and their commitments from 21 Sep.
		{"trend", metrics.Options{Trend: true}, "2026-09-28", "2026-09-21"},
		// The 4 weeks ending with the period: from 26 Oct, within the rest.
		{"insights", metrics.Options{Insights: true}, "2026-10-05", "2026-10-19"},
		// The chart: from W40's Monday, 28 Sep.
		{"weeks", metrics.Options{Weeks: true}, "2026-09-28", "2026-10-19"},
	} {
		q := metrics.Plan(week, c.o)
		if q.From != day(c.from) || q.To != day("2026-11-22") || q.CommitmentsFrom != day(c.commi) {
			t.Errorf("%s: pairs %s to %s, commitments from %s; want %s to 2026-11-22, from %s", c.name, q.From, q.To,
				q.CommitmentsFrom, c.from, c.commi)
		}
		if q.FirstMonth.String() != "2025-11" || q.LastMonth.String() != "2026-11" || q.OpenCommitments != c.o.Teams {
			t.Errorf("%s: months %s to %s, open %v; want 2025-11 to 2026-11", c.name, q.FirstMonth, q.LastMonth, q.OpenCommitments)
		}
	}
	// A one-day period, Thursday 31 December: its week ends on Sunday 3
	// January, so the 8th Sunday back is 15 November.
	q := metrics.Plan(metrics.Period{From: day("2026-12-31"), To: day("2026-12-31")}, metrics.Options{})
	if q.From != day("2026-11-16") {
		t.Errorf("one day: pairs from %s, want 2026-11-16", q.From)
	}
}

func TestSummaryComputesThePeriodsOwnFiguresAlone(t *testing.T) {
	p := metrics.WeekPeriod(week47)
	q := metrics.Plan(p, metrics.Options{Summary: true})
	// Nothing before the week but each rep's latest session, which people
	// carry; no commitments, no attainment.
	if q.From != p.From || q.PairsFrom != p.From || !q.CommitmentsFrom.IsZero() || !q.FirstMonth.IsZero() {
		t.Errorf("summary plan = %+v, want the week alone", q)
	}
	f := coverageFixture()
	full := manager(t, f.compute(t), "M").Metrics
	sum := manager(t, metrics.Compute(f.data(), p, metrics.Settings{DefaultCadence: 14, Now: now,
		Options: metrics.Options{Summary: true}}), "M").Metrics
	if sum.Sessions != full.Sessions || sum.Reps != full.Reps || sum.Covered != full.Covered || sum.Overdue != full.Overdue {
		t.Errorf("summary %+v differs from the full figures %+v", sum, full)
	}
	checkFigure(t, "full consistency", full.Consistency, 0)
	checkFigure(t, "summary consistency", sum.Consistency, null)
	checkFigure(t, "full with_commitments", full.WithCommitments, 0)
	checkFigure(t, "summary with_commitments", sum.WithCommitments, null)
	r := metrics.Compute(correlationFixture().data(), p, metrics.Settings{DefaultCadence: 14, Now: now, Options: metrics.Options{Summary: true}})
	if l := leader(t, r, "L"); l.Correlation != nil || l.AtQuotaShare != nil {
		t.Errorf("summary correlation %+v, at_quota_share %v; want neither", l.Correlation, fmtVal(l.AtQuotaShare))
	}
}

// Someone named as a manager (in a reporting line or a session) but
// unknown gets a placeholder rather than breaking the run.
func TestUnknownPeopleDoNotBreakARun(t *testing.T) {
	f := newFixture()
	f.add("R", "GHOST", top, coaching.PersonRep).History = []metrics.Line{
		{From: day("2026-01-01"), ManagerID: "GHOST", Tier: top, Active: true},
		{From: day("2026-06-01"), ManagerID: "PHANTOM", Tier: top, Active: true},
	}
	f.oneOnOne("STRANGER", "2026-11-18", 30, pending("NOBODY"))
	r := f.compute(t)
	if m := manager(t, r, "STRANGER").Metrics; m.Sessions != 1 || m.TierMinutes.None != 30 {
		t.Errorf("the unknown manager's figures = %+v, want 1 session of 30 minutes with a rep of no tier", m)
	}
}
