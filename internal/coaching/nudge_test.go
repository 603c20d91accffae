package coaching_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNudgeDueOnTheManagersOwnClock(t *testing.T) {
	tests := []struct {
		name string
		zone string
		now  string // UTC
		hour int    // 0: 9
		want bool
	}{
		{"New York, 8:59 local on a Monday", "America/New_York", "2026-11-30T13:59:00Z", 0, false},
		{"New York, 9:00 local on a Monday", "America/New_York", "2026-11-30T14:00:00Z", 0, true},
		{"New York, Saturday", "America/New_York", "2026-11-28T15:00:00Z", 0, false},
		{"New York, Friday 11:59 (Friday in UTC too)", "America/New_York", "2026-12-04T16:59:00Z", 0, true},
		{"Kolkata +05:30, 8:59 local", "Asia/Kolkata", "2026-11-30T03:29:00Z", 0, false},
		{"Kolkata +05:30, 9:00 local", "Asia/Kolkata", "2026-11-30T03:30:00Z", 0, true},
		{"Kathmandu +05:45, 9:00 local", "Asia/Kathmandu", "2026-11-30T03:15:00Z", 0, true},
		{"Kathmandu +05:45, 8:59 local", "Asia/Kathmandu", "2026-11-30T03:14:00Z", 0, false},
		{"Sydney, Monday 9:00 local is Sunday in UTC", "Australia/Sydney", "2026-11-29T22:00:00Z", 0, true},
		// The grace: due until three hours after the hour, then not that day.
		{"New York, 11:59 local, the grace's last minute", "America/New_York", "2026-11-30T16:59:00Z", 0, true},
		{"New York, 12:00 local, past the grace", "America/New_York", "2026-11-30T17:00:00Z", 0, false},
		{"New York, Friday 22:00 is past the grace (Saturday in UTC)", "America/New_York", "2026-12-05T03:00:00Z", 0, false},
		{"New York, 23:50 local, a restart late in the day", "America/New_York", "2026-12-01T04:50:00Z", 0, false},
		{"Kathmandu +05:45, 11:59 local", "Asia/Kathmandu", "2026-11-30T06:14:00Z", 0, true},
		{"Kathmandu +05:45, 12:00 local", "Asia/Kathmandu", "2026-11-30T06:15:00Z", 0, false},
		{"nudges at 22:00: 23:59 is due, the grace ends with the day", "UTC", "2026-11-30T23:59:00Z", 22, true},
		{"nudges at 22:00: 00:30 the next day is not", "UTC", "2026-12-01T00:30:00Z", 22, false},
		// Cairo moves its clocks on weekdays: forward from 00:00 to 01:00 on
		// Friday 30 April 2027, back from 24:00 to 23:00 on Thursday 28
		// October. The hour skipped is due right after the jump.
		{"Cairo, 00:00 skipped: due at 01:00 right after", "Africa/Cairo", "2027-04-29T22:00:00Z", 24, true},
		{"Cairo, the day of the jump, 03:00: past the grace", "Africa/Cairo", "2027-04-30T00:00:00Z", 24, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, tt.now)
			hour := tt.hour
			switch hour {
			case 0:
				hour = 9
			case 24: // midnight
				hour = 0
			}
			if _, got := coaching.NudgeDue(now, zone(t, tt.zone), hour, false); got != tt.want {
				t.Fatalf("NudgeDue at %v = %v, want %v", now.In(zone(t, tt.zone)), got, tt.want)
			}
		})
	}
}

// sim walks a clock in ticks, the way the scheduler does, recording the
// instants a manager's nudge would run: due, and not already in the ledger
// for that local day. down says when the bot was not running.
func sim(loc *time.Location, from, to time.Time, tick time.Duration, down func(time.Time) bool) []time.Time {
	return simAt(loc, 9, from, to, tick, down)
}

// simAt is sim with nudges at hour.
func simAt(loc *time.Location, hour int, from, to time.Time, tick time.Duration, down func(time.Time) bool) []time.Time {
	ledger := map[coaching.Date]bool{}
	var runs []time.Time
	for now := from; now.Before(to); now = now.Add(tick) {
		if down != nil && down(now) {
			continue
		}
		day, due := coaching.NudgeDue(now, loc, hour, false)
		if due && !ledger[day] {
			ledger[day] = true
			runs = append(runs, now)
		}
	}
	return runs
}

func TestNudgesWalkThroughWeeksAndDaylightSavingOncePerWeekdayAtNineLocal(t *testing.T) {
	for _, tt := range []struct {
		zone     string
		from, to string
	}{
		{"America/New_York", "2027-03-08T00:00:00Z", "2027-03-22T00:00:00Z"},    // clocks forward Sun 14 Mar
		{"America/New_York", "2027-11-01T00:00:00Z", "2027-11-15T00:00:00Z"},    // clocks back Sun 7 Nov
		{"Europe/Berlin", "2027-03-22T00:00:00Z", "2027-04-05T00:00:00Z"},       // forward Sun 28 Mar
		{"Asia/Kolkata", "2026-11-23T00:00:00Z", "2026-12-07T00:00:00Z"},        // +05:30, no DST
		{"Australia/Lord_Howe", "2027-03-27T13:00:00Z", "2027-04-10T13:00:00Z"}, // back half an hour Sun 4 Apr
	} {
		t.Run(tt.zone+" "+tt.from[:10], func(t *testing.T) {
			loc := zone(t, tt.zone)
			from, _ := time.Parse(time.RFC3339, tt.from)
			to, _ := time.Parse(time.RFC3339, tt.to)
			runs := sim(loc, from, to, 5*time.Minute, nil)
			if len(runs) != 10 {
				t.Fatalf("%d nudges in two weeks, want 10 (one per weekday): %v", len(runs), runs)
			}
			seen := map[coaching.Date]bool{}
			for _, r := range runs {
				local := r.In(loc)
				if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("nudge on a %s: %v", wd, local)
				}
				if local.Hour() != 9 || local.Minute() >= 5 {
					t.Errorf("nudge at %v local, want within the first tick after 9:00", local.Format("Mon 15:04"))
				}
				d := coaching.DateOf(r, loc)
				if seen[d] {
					t.Errorf("two nudges on %s", d)
				}
				seen[d] = true
			}
		})
	}
}

// A restart that missed the hour catches the nudge up within the grace
// (NudgeGraceHours) of the same local day only: back at 11:30 it goes, back
// at 13:00 or at 23:50 that day's is skipped; a day down is missed for good.
func TestARestartThatMissedTheHourCatchesUpWithinTheGraceOnly(t *testing.T) {
	loc := zone(t, "Europe/Paris")
	from, _ := time.Parse(time.RFC3339, "2026-11-30T00:00:00Z") // Monday
	to := from.Add(48 * time.Hour)
	for _, tt := range []struct {
		name   string
		backAt int // Monday's local hour (and minute, as hhmm) the bot came back at
		want   string
	}{
		{"back at 11:30", 1130, "11:30"},
		{"back at 13:00", 1300, ""},
		{"back at 23:50", 2350, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Down from 7:00 on Monday until backAt, and all of Tuesday until
			// 00:30 Wednesday... which is past the end: Tuesday is missed
			// for good.
			down := func(t time.Time) bool {
				l := t.In(loc)
				return (l.Day() == 30 && l.Hour() >= 7 && l.Hour()*100+l.Minute() < tt.backAt) || l.Day() == 1
			}
			var got []string
			for _, r := range sim(loc, from, to, time.Minute, down) {
				got = append(got, r.In(loc).Format("Mon 15:04"))
			}
			want := []string{}
			if tt.want != "" {
				want = []string{"Mon " + tt.want}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("runs = %v, want %v: Monday's nudge once if the bot came back within the grace, and none for Tuesday", got, want)
			}
		})
	}
}

// An hour the clocks repeat is nudged once, and an hour they skip right
// after the jump, on the day of the change: Cairo changes on weekdays.
func TestNudgesAcrossAWeekdayClockChange(t *testing.T) {
	loc := zone(t, "Africa/Cairo")
	for _, tt := range []struct {
		name     string
		hour     int
		from, to string // UTC
		want     string // local, the one run
	}{
		// Friday 30 April 2027: 00:00 becomes 01:00.
		{"midnight skipped", 0, "2027-04-29T20:00:00Z", "2027-04-30T20:00:00Z", "Fri 01:00"},
		// Thursday 28 October 2027: 24:00 becomes 23:00 again.
		{"23:00 repeated", 23, "2027-10-28T12:00:00Z", "2027-10-28T23:00:00Z", "Thu 23:00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from, _ := time.Parse(time.RFC3339, tt.from)
			to, _ := time.Parse(time.RFC3339, tt.to)
			var got []string
			for _, r := range simAt(loc, tt.hour, from, to, time.Minute, nil) {
				got = append(got, r.In(loc).Format("Mon 15:04"))
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("runs = %v, want one at %s", got, tt.want)
			}
		})
	}
}

// midnight is the first instant of d in UTC.
func midnight(d coaching.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// person is a rep on UM's team in the roster, since since.
func person(id string, since coaching.Date) coaching.Person {
	return coaching.Person{ID: id, Name: id, Active: true, InRoster: true, Roles: []string{"rep"}, ManagerID: "UM",
		Since: since, KnownAt: midnight(since)}
}

func TestEvaluateNudge(t *testing.T) {
	now := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC) // a Wednesday
	long := day("2026-01-05")
	mgr := coaching.Person{ID: "UM", Active: true, InRoster: true}
	rep := func(id string, last string, edit ...func(*coaching.TeamRep)) coaching.TeamRep {
		r := coaching.TeamRep{Person: person(id, long)}
		if last != "" {
			r.LastSession = day(last)
		}
		for _, e := range edit {
			e(&r)
		}
		return r
	}
	team := []coaching.TeamRep{rep("Z", "2026-12-01")}   // coached yesterday: never overdue here
	weekly := func(perWeek int) []coaching.SessionStub { // the four full weeks before this one
		var out []coaching.SessionStub
		for w := 1; w <= 4; w++ {
			for i := 0; i < perWeek; i++ {
				out = append(out, coaching.SessionStub{On: day("2026-11-30").AddDays(-7*w + i%5), Minutes: 30})
			}
		}
		return out
	}
	tests := []struct {
		name        string
		team        coaching.Team
		now         time.Time
		wantOverdue []string
		wantSlow    bool
	}{
		{"coached 14 days ago is within a 14-day cadence", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{rep("A", "2026-11-18")}}, now, nil, false},
		{"coached 15 days ago is overdue", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{rep("A", "2026-11-17")}}, now, []string{"A"}, false},
		{"the manager's own cadence wins", coaching.Team{Manager: coaching.Person{ID: "UM", Active: true, InRoster: true, CadenceDays: 7}, Reps: []coaching.TeamRep{rep("A", "2026-11-24")}}, now, []string{"A"}, false},
		{"never coached, in the team for the cadence", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "", func(r *coaching.TeamRep) { r.Since, r.KnownAt = day("2026-11-18"), midnight(day("2026-11-18")) })}}, now, nil, false},
		{"never coached, in the team for longer than the cadence", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "", func(r *coaching.TeamRep) { r.Since, r.KnownAt = day("2026-11-17"), midnight(day("2026-11-17")) })}}, now, []string{"A"}, false},
		{"first start after import: no time before Coachlog knew them", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "", func(r *coaching.TeamRep) { r.KnownAt = midnight(day("2026-11-30")) })}}, now, nil, false},
		{"a session with the old team does not count in the new one", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-11-25", func(r *coaching.TeamRep) { r.Since = day("2026-11-26") })}}, now, nil, false},
		{"a rep away with /coach away is not overdue", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.AwayUntil = day("2026-12-04") })}}, now, nil, false},
		{"away until yesterday counts again", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.AwayUntil = day("2026-12-01") })}}, now, []string{"A"}, false},
		{"a palm tree status means away", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Status.Emoji = ":palm_tree:" })}}, now, nil, false},
		{"out of office in the text means away", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Status.Text = "Out of Office until Monday" })}}, now, nil, false},
		{"out-of-office, hyphenated, means away", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Status.Text = "Out-of-office" })}}, now, nil, false},
		{"out of the office means away", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Status.Text = "Out of the office this week" })}}, now, nil, false},
		{"out-of-the-office means away", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Status.Text = "out-of-the-office" })}}, now, nil, false},
		{"a rep deactivated in Slack is not overdue", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Deleted = true }), rep("B", "2026-10-01")}}, now, []string{"B"}, false},
		{"an expired status no longer counts", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) {
				r.Status = coaching.SlackStatus{Emoji: ":face_with_thermometer:", Expires: now.Add(-time.Hour)}
			})}}, now, []string{"A"}, false},
		{"most overdue first, never-coached before all", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-11-10"), rep("B", "2026-10-01"),
			rep("C", "", func(r *coaching.TeamRep) { r.Since, r.KnownAt = day("2026-11-01"), midnight(day("2026-11-01")) })}}, now, []string{"C", "B", "A"}, false},
		{"a slow Wednesday: nothing yet against 5 a week", coaching.Team{Manager: mgr, Reps: team, Sessions: weekly(5)}, now, nil, true},
		{"an ordinary Wednesday: 2 against 5 a week", coaching.Team{Manager: mgr, Reps: team, Sessions: append(weekly(5),
			coaching.SessionStub{On: day("2026-11-30")}, coaching.SessionStub{On: day("2026-12-01")})}, now, nil, false},
		{"never a slow week on a Monday", coaching.Team{Manager: mgr, Reps: team, Sessions: weekly(5)}, now.AddDate(0, 0, -2), nil, false},
		{"no average, no slow week", coaching.Team{Manager: mgr, Reps: team}, now, nil, false},
		// Only the reps on the manager's team count (coaching.InTeam), and
		// someone with nobody on it is not a manager: no nudge at all.
		{"nobody on the team: not even a slow week", coaching.Team{Manager: mgr, Sessions: weekly(5)}, now, nil, false},
		{"a rep the roster dropped is not counted", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Active = false }), rep("B", "2026-10-01")}}, now, []string{"B"}, false},
		{"someone without the rep role is not on the team", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.Roles = []string{"manager"} }), rep("B", "2026-10-01")}}, now, []string{"B"}, false},
		{"a rep who moved to another manager is not counted", coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{
			rep("A", "2026-10-01", func(r *coaching.TeamRep) { r.ManagerID = "UN" }), rep("B", "2026-10-01")}}, now, []string{"B"}, false},
		{"the manager role is not needed", coaching.Team{Manager: coaching.Person{ID: "UM", Active: true, InRoster: true, Roles: []string{"rep"}},
			Reps: []coaching.TeamRep{rep("A", "2026-10-01")}}, now, []string{"A"}, false},
		{"a manager the roster dropped has no team", coaching.Team{Manager: coaching.Person{ID: "UM", InRoster: true},
			Reps: []coaching.TeamRep{rep("A", "2026-10-01")}, Sessions: weekly(5)}, now, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := coaching.EvaluateNudge(tt.team, tt.now, time.UTC, 14)
			var got []string
			for _, o := range n.Overdue {
				got = append(got, o.RepID)
			}
			if !slices.Equal(got, tt.wantOverdue) || n.SlowWeek != tt.wantSlow {
				t.Fatalf("overdue %v slow %v (wtd %d avg %.1f), want overdue %v slow %v", got, n.SlowWeek, n.WeekToDate, n.WeeklyAvg, tt.wantOverdue, tt.wantSlow)
			}
			if n.Empty() != (len(tt.wantOverdue) == 0 && !tt.wantSlow) {
				t.Fatalf("Empty() = %v", n.Empty())
			}
		})
	}
}

// A rep is overdue after more than the cadence, coached or not: a rep who
// joined the cadence's number of days ago is no more overdue than one
// coached that long ago. Every surface (nudges, metrics' overdue, /coach
// team, the App Home) reads coaching.OverdueOn.
func TestOverdueAfterMoreThanTheCadenceCoachedOrNot(t *testing.T) {
	today := day("2026-12-02")
	const cadence = 14
	for _, days := range []int{cadence - 1, cadence, cadence + 1} {
		for _, never := range []bool{false, true} {
			start := day("2026-01-05")
			r := coaching.TeamRep{Person: person("A", start)}
			if never {
				start = today.AddDays(-days)
			} else {
				r.LastSession = today.AddDays(-days)
			}
			o, late := coaching.OverdueOn(r, today, start, cadence)
			if want := days > cadence; late != want || o.Days != days || o.Never != never {
				t.Errorf("never coached %v, %d days on a %d-day cadence: overdue %v (%d days, never %v), want %v",
					never, days, cadence, late, o.Days, o.Never, want)
			}
			r.Since, r.KnownAt = start, midnight(start)
			n := coaching.EvaluateNudge(coaching.Team{Manager: coaching.Person{ID: "UM", Active: true, InRoster: true}, Reps: []coaching.TeamRep{r}},
				midnight(today).Add(14*time.Hour), time.UTC, cadence)
			if got, want := len(n.Overdue) == 1, days > cadence; got != want {
				t.Errorf("never coached %v, %d days on a %d-day cadence: nudged as overdue %v, want %v", never, days, cadence, got, want)
			}
		}
	}
}

// A snooze that would end on a weekend, when no nudge comes, covers the
// Monday after it: "Snooze 1 day" on a Friday skips Monday's nudge.
func TestASnoozeCoversAWeekdayNudge(t *testing.T) {
	for _, tt := range []struct {
		today         string
		days          int
		until, resume string
	}{
		{"2026-12-02", 1, "2026-12-03", "2026-12-04"}, // Wednesday: Thursday, back Friday
		{"2026-12-04", 1, "2026-12-07", "2026-12-08"}, // Friday: Monday, back Tuesday
		{"2026-12-05", 1, "2026-12-07", "2026-12-08"}, // Saturday: Monday too
		{"2026-12-04", 7, "2026-12-11", "2026-12-14"}, // a week from Friday: back the Monday after
		{"2026-12-02", 7, "2026-12-09", "2026-12-10"}, // a week from Wednesday
	} {
		until, resume := coaching.SnoozeEnd(day(tt.today), tt.days)
		if until != day(tt.until) || resume != day(tt.resume) {
			t.Errorf("snooze %d from %s: until %s, back %s; want %s, %s", tt.days, tt.today, until, resume, tt.until, tt.resume)
		}
	}
}

// A four-week average is often a quarter: the nudge rounds it as the
// digest and /coach stats do, halves up, so the three never disagree.
func TestNudgeWhyRoundsTheAverageAsTheOtherSurfaces(t *testing.T) {
	for _, tt := range []struct {
		avg  float64
		want string
	}{{0.25, "0.3 a week"}, {0.75, "0.8 a week"}, {1.25, "1.3 a week"}, {2, "2.0 a week"}, {0.5, "0.5 a week"}} {
		for _, n := range []coaching.Nudge{
			{SlowWeek: true, WeeklyAvg: tt.avg},
			{SlowWeek: true, WeeklyAvg: tt.avg, CadenceDays: 14, Overdue: []coaching.OverdueRep{{}}},
		} {
			if got := n.Why(); !strings.Contains(got, tt.want) {
				t.Errorf("average %v: %q, want it to say %q", tt.avg, got, tt.want)
			}
		}
	}
}

// The slow week's count reads as English: "no sessions", "1 session",
// "2 sessions", never "0 session(s)".
func TestNudgeWhyCountsSessionsInWords(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "no sessions so far"}, {1, "1 session so far"}, {2, "2 sessions so far"}} {
		for _, n := range []coaching.Nudge{
			{SlowWeek: true, WeekToDate: tt.n, WeeklyAvg: 3},
			{SlowWeek: true, WeekToDate: tt.n, WeeklyAvg: 3, CadenceDays: 14, Overdue: []coaching.OverdueRep{{}}},
		} {
			if got := n.Why(); !strings.Contains(got, tt.want) || strings.Contains(got, "(s)") {
				t.Errorf("%d this week: %q, want it to say %q", tt.n, got, tt.want)
			}
		}
	}
}

// A manager with a team past a thousand reps reads the count of those
// overdue as /coach team counts the team: 1,200, not 1200.
func TestNudgeWhyGroupsTheOverdueRepsThousands(t *testing.T) {
	for _, tt := range []struct {
		overdue int
		want    string
	}{
		{1, "1 rep is past your 14-day coaching cadence."},
		{999, "999 reps are past your 14-day coaching cadence."},
		{1200, "1,200 reps are past your 14-day coaching cadence."},
	} {
		n := coaching.Nudge{CadenceDays: 14, Overdue: make([]coaching.OverdueRep, tt.overdue)}
		if got := n.Why(); got != tt.want {
			t.Errorf("%d overdue: %q, want %q", tt.overdue, got, tt.want)
		}
	}
}
