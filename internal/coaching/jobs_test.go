package coaching_test

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// org imports a roster on the clock's day: UM manages UA and UB, UN
// manages UC, UP (who snoozed) manages UD.
func org(t *testing.T, st *sqlite.Store, clk *clock) { orgWithout(t, st, clk, "") }

// orgWithout imports org's roster on clk's day, leaving left out of it.
func orgWithout(t *testing.T, st *sqlite.Store, clk *clock, left string) {
	t.Helper()
	p := func(id, mgr, role string) coaching.Person {
		return coaching.Person{ID: id, Name: id, TZ: "UTC", ManagerID: mgr, Roles: []string{role}, Active: true, InRoster: true}
	}
	var people []coaching.Person
	for _, x := range []coaching.Person{p("UM", "", "manager"), p("UN", "", "manager"), p("UP", "", "manager"),
		p("UA", "UM", "rep"), p("UB", "UM", "rep"), p("UC", "UN", "rep"), p("UD", "UP", "rep")} {
		if x.ID != left {
			people = append(people, x)
		}
	}
	if _, err := st.ImportRoster(context.Background(), people, coaching.DateOf(clk.t, time.UTC)); err != nil {
		t.Fatal(err)
	}
}

func nudgesIn(t *testing.T, st *sqlite.Store) map[string]int {
	t.Helper()
	items, err := st.ClaimOutbox(context.Background(), "peek", time.Now().Add(24*365*time.Hour), time.Nanosecond, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range items {
		if it.Message.Kind == coaching.MsgNudge {
			out[it.Message.To]++
		}
	}
	return out
}

func TestRunNudgesOncePerManagerPerDay(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC) // imported on a Monday
		org(t, st, clk)
		clk.t = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) // 16 days later, a Wednesday, 9:30
		if err := svc.Snooze(ctx, "UP", coaching.DateOf(clk.t, time.UTC)); err != nil {
			t.Fatal(err)
		}
		d := coaching.Draft{RepIDs: []string{"UC"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-12-01"), DurationMin: 30}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UN", Draft: d, Key: "k"}); err != nil {
			t.Fatal(err)
		}
		o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}

		dry, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, DryRun: true})
		if err != nil || len(dry.Nudges) != 1 || dry.Nudges[0].ManagerID != "UM" || len(dry.Nudges[0].Overdue) != 2 ||
			dry.Evaluated != 2 || dry.Claimed != 0 || dry.Held != 1 {
			t.Fatalf("dry run = %+v, %v; want UM with UA and UB overdue, of 2 due, UP held (snoozed)", dry, err)
		}
		if ran, _ := st.JobRan(ctx, coaching.NudgeJob("UM"), "2026-12-02"); ran {
			t.Fatal("a dry run claimed the day")
		}
		for i := 0; i < 2; i++ {
			run, err := svc.RunNudges(ctx, clk.t, o)
			if err != nil {
				t.Fatal(err)
			}
			// The second run says why nobody is due: UM's and UN's days
			// are claimed (UN's with nothing to act on), UP is snoozed.
			if i == 1 && (run.Evaluated != 0 || run.Claimed != 2 || run.Held != 1) {
				t.Fatalf("the day's second run = %+v; want none due, 2 claimed, 1 held", run)
			}
		}
		if got := nudgesIn(t, st); len(got) != 1 || got["UM"] != 1 {
			t.Fatalf("nudges queued = %v, want one for UM (UN's rep is covered, UP snoozed)", got)
		}
		if ran, _ := st.JobRan(ctx, coaching.NudgeJob("UN"), "2026-12-02"); !ran {
			t.Fatal("UN's day was not claimed: they would be evaluated again all day")
		}
		clk.t = clk.t.Add(24 * time.Hour) // Thursday: still overdue, a new day
		if _, err := svc.RunNudges(ctx, clk.t, o); err != nil {
			t.Fatal(err)
		}
		if got := nudgesIn(t, st); got["UM"] != 2 || got["UP"] != 1 {
			t.Fatalf("nudges after Thursday = %v, want UM's second and UP's first (the snooze was through Wednesday)", got)
		}
	})
}

func TestAManagerDeactivatedInSlackIsNotNudged(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
		org(t, st, clk)
		// Slack says UM's account is gone; the roster still lists them.
		if err := svc.ProfileChanged(ctx, coaching.Person{ID: "UM", Name: "UM", Deleted: true}); err != nil {
			t.Fatal(err)
		}
		clk.t = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) // 16 days on: every rep overdue
		if _, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}); err != nil {
			t.Fatal(err)
		}
		if got := nudgesIn(t, st); got["UM"] != 0 || got["UN"] != 1 {
			t.Fatalf("nudges queued = %v, want none for UM (deactivated) and one for UN", got)
		}
	})
}

func TestRunRemindersOnceAfterThreeDaysInWorkingHours(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		org(t, st, clk)
		d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
			t.Fatal(err)
		}
		o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
		for _, tt := range []struct {
			at   time.Time
			want int
		}{
			{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), 0},  // 71 hours: not yet
			{time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), 0}, // three days, but evening for the rep
			{time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC), 1},  // Friday morning
			{time.Date(2026, 12, 4, 9, 10, 0, 0, time.UTC), 0}, // only once
		} {
			n, err := svc.RunReminders(ctx, tt.at, o)
			if err != nil || n != tt.want {
				t.Fatalf("reminders at %v = %d, %v; want %d", tt.at, n, err, tt.want)
			}
		}
	})
}

// A rep who left the roster after their session was logged (deactivated:
// "no longer nudged or counted", PRODUCT.md) gets no reminder, as a rep
// deactivated in Slack gets none: a review's six weeks found one reminded
// two days after the import that dropped him.
func TestARepWhoLeftIsNotReminded(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		org(t, st, clk)
		for i, rep := range []string{"UA", "UB"} {
			d := coaching.Draft{RepIDs: []string{rep}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
			if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: fmt.Sprint("k", i)}); err != nil {
				t.Fatal(err)
			}
		}
		// Tuesday's import lists everyone but UA.
		clk.t = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		orgWithout(t, st, clk, "UA")
		n, err := svc.RunReminders(ctx, time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC), coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14})
		if err != nil || n != 1 {
			t.Fatalf("reminders on Friday = %d, %v; want 1, UB's only (UA left the roster)", n, err)
		}
	})
}

// A reminder queued before its rep was deactivated in Slack, or taken off
// the roster, is not sent when its turn comes (a Monday backlog, Slack's
// 429s): they are "no longer nudged or counted", as at queue time. A rep
// still active keeps theirs.
func TestAReminderQueuedBeforeItsRepLeftDoesNotGo(t *testing.T) {
	for _, tt := range []struct {
		name  string
		leave func(t *testing.T, svc *coaching.Service, st *sqlite.Store, clk *clock)
		want  bool
	}{
		{"still active", func(*testing.T, *coaching.Service, *sqlite.Store, *clock) {}, true},
		{"deactivated in Slack", func(t *testing.T, svc *coaching.Service, _ *sqlite.Store, _ *clock) {
			if err := svc.ProfileChanged(context.Background(), coaching.Person{ID: "UA", Name: "UA", Deleted: true}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"taken off the roster", func(t *testing.T, _ *coaching.Service, st *sqlite.Store, clk *clock) {
			orgWithout(t, st, clk, "UA")
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
				org(t, st, clk)
				d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
				if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
					t.Fatal(err)
				}
				clk.t = time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC)
				if n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}); err != nil || n != 1 {
					t.Fatalf("reminders = %d, %v; want UA's", n, err)
				}
				items, err := st.ClaimOutbox(ctx, "peek", clk.t.Add(time.Hour), time.Nanosecond, 1000, nil)
				if err != nil {
					t.Fatal(err)
				}
				var m coaching.Message
				for _, it := range items {
					if it.Message.Kind == coaching.MsgRepReminder {
						m = it.Message
					}
				}
				if m.Kind == "" {
					t.Fatal("no reminder queued")
				}
				clk.t = clk.t.Add(time.Minute) // the rep leaves while it waits its turn
				tt.leave(t, svc, st, clk)
				sess, err := svc.Session(ctx, m.SessionID)
				if err != nil {
					t.Fatal(err)
				}
				if got, _, err := svc.ReminderGoes(ctx, sess, m); err != nil || got != tt.want {
					t.Errorf("ReminderGoes = %v, %v; want %v", got, err, tt.want)
				}
			})
		})
	}
}

// A nudge hour set for the evening (or the small hours) still lets the
// reminder out during the rep's working day: the window from the nudge
// hour to 18:00 was empty from 18 on, and the pending session's one
// reminder never went out; from 3, it went out at night.
func TestRemindersKeepToTheWorkingDayWhateverTheNudgeHour(t *testing.T) {
	for _, tt := range []struct {
		hour int
		at   time.Time // Friday, the session pending since Monday
		want int
	}{
		{20, time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC), 1},
		{20, time.Date(2026, 12, 4, 20, 30, 0, 0, time.UTC), 0},
		{18, time.Date(2026, 12, 4, 17, 30, 0, 0, time.UTC), 1},
		{3, time.Date(2026, 12, 4, 3, 30, 0, 0, time.UTC), 0},
		{3, time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC), 1},
		{7, time.Date(2026, 12, 4, 7, 15, 0, 0, time.UTC), 1},
		{11, time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC), 0},
	} {
		t.Run(fmt.Sprintf("%02d:00 nudges, reminder at %s", tt.hour, tt.at.Format("15:04")), func(t *testing.T) {
			ctx := context.Background()
			svc, st, clk := newServiceOn(t, migratedDB(t))
			clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
			org(t, st, clk)
			d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
			if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
				t.Fatal(err)
			}
			n, err := svc.RunReminders(ctx, tt.at, coaching.JobOptions{NudgeHour: tt.hour, DefaultCadence: 14})
			if err != nil || n != tt.want {
				t.Fatalf("reminders at %v with nudges at %d:00 = %d, %v; want %d", tt.at, tt.hour, n, err, tt.want)
			}
		})
	}
}

// A session waits three days on the rep's own clock before its reminder,
// not 72 hours: across the spring change a rep in Los Angeles asked on
// Friday at 17:30 was due on Monday only at 18:30, past the working day,
// and reminded on Tuesday; across the autumn one, an hour early.
func TestRemindersComeThreeDaysOnTheRepsClock(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		asked, due time.Time
	}{
		{"spring: 71 hours", time.Date(2027, 3, 12, 17, 30, 0, 0, la), time.Date(2027, 3, 15, 17, 30, 0, 0, la)},
		{"autumn: 73 hours", time.Date(2026, 10, 30, 17, 30, 0, 0, la), time.Date(2026, 11, 2, 17, 30, 0, 0, la)},
		{"no change: 72 hours", time.Date(2026, 11, 27, 17, 30, 0, 0, la), time.Date(2026, 11, 30, 17, 30, 0, 0, la)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = tt.asked
				people := []coaching.Person{
					{ID: "UM", Name: "UM", TZ: "America/Los_Angeles", Roles: []string{"manager"}, Active: true, InRoster: true},
					{ID: "UA", Name: "UA", TZ: "America/Los_Angeles", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true},
				}
				if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, la)); err != nil {
					t.Fatal(err)
				}
				d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.DateOf(tt.asked, la), DurationMin: 30}
				if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
					t.Fatal(err)
				}
				o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
				for _, at := range []struct {
					at   time.Time
					want int
				}{
					{tt.due.Add(-time.Minute), 0},
					{tt.due.Add(time.Minute), 1}, // the next minute's pass
				} {
					n, err := svc.RunReminders(ctx, at.at, o)
					if err != nil || n != at.want {
						t.Fatalf("asked %s, reminders at %s = %d, %v; want %d", tt.asked.Format("Mon 2 Jan 15:04 MST"),
							at.at.In(la).Format("Mon 2 Jan 15:04 MST"), n, err, at.want)
					}
				}
			})
		})
	}
}

// TestNudgesComeAtNineOnTheManagersSlackClock: a roster naming everyone by
// slack_id and giving no zone asks Slack nothing; the nudge run reads a
// manager's zone from Slack before it decides their nine o'clock.
func TestNudgesComeAtNineOnTheManagersSlackClock(t *testing.T) {
	ctx := context.Background()
	dir := &directory{people: map[string]coaching.Person{
		"ULA": {Name: "Lam", SlackTZ: "America/Los_Angeles"},
		"UPA": {Name: "Pia", SlackTZ: "Europe/Paris"},
		// UXX: Slack does not know them; nudged on the organisation's
		// clock once reads have failed for an hour.
		// UKN: the import read their zone (an email-only row): not read again.
	}}
	svc, st, clk := newServiceWithDirectory(t, dir)
	clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	var people []coaching.Person
	for _, m := range []string{"ULA", "UPA", "UXX", "UKN"} {
		mgr := coaching.Person{ID: m, Name: m, Roles: []string{"manager"}, Active: true, InRoster: true}
		if m == "UKN" {
			mgr.SlackTZ = "Europe/Paris"
		}
		people = append(people, mgr,
			coaching.Person{ID: m + "R", Name: m + "R", ManagerID: m, Roles: []string{"rep"}, Active: true, InRoster: true})
	}
	if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
		t.Fatal(err)
	}
	o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
	for _, step := range []struct {
		at   time.Time
		want map[string]int
	}{
		// Wednesday 10:00 UTC: 11:00 in Paris, 02:00 in Los Angeles; UXX's
		// first read fails: not nudged on a guess.
		{time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), map[string]int{"UPA": 1, "UKN": 1}},
		// 10:05: UXX is not asked again yet, nor nudged.
		{time.Date(2026, 12, 2, 10, 5, 0, 0, time.UTC), map[string]int{"UPA": 1, "UKN": 1}},
		// 11:05 UTC: UXX's reads have failed for an hour: nudged on the
		// organisation's clock, within the grace after nine.
		{time.Date(2026, 12, 2, 11, 5, 0, 0, time.UTC), map[string]int{"UPA": 1, "UKN": 1, "UXX": 1}},
		// 17:30 UTC: 09:30 in Los Angeles.
		{time.Date(2026, 12, 2, 17, 30, 0, 0, time.UTC), map[string]int{"UPA": 1, "UKN": 1, "UXX": 1, "ULA": 1}},
	} {
		clk.t = step.at
		if _, err := svc.RunNudges(ctx, clk.t, o); err != nil {
			t.Fatal(err)
		}
		if got := nudgesIn(t, st); !maps.Equal(got, step.want) {
			t.Fatalf("at %s: nudges queued = %v, want %v", step.at.Format(time.Kitchen), got, step.want)
		}
	}
	if p, _ := st.Person(ctx, "ULA"); p.SlackTZ != "America/Los_Angeles" {
		t.Errorf("ULA's Slack zone stored as %q", p.SlackTZ)
	}
	// ULA and UPA once each, UXX at 10:00, 11:05 and 17:30 (not at 10:05);
	// never UKN.
	if _, calls := dir.stats(); calls != 5 {
		t.Errorf("%d profile reads, want 5", calls)
	}
}

// TestANudgeRunReadsAFewZonesAtATime: a first start with many managers of
// unknown zones reads 20 a run; the others wait for a later run, not for
// a guess.
func TestANudgeRunReadsAFewZonesAtATime(t *testing.T) {
	ctx := context.Background()
	dir := &directory{people: map[string]coaching.Person{}}
	svc, st, clk := newServiceWithDirectory(t, dir)
	clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	var people []coaching.Person
	for i := range 25 {
		m := fmt.Sprintf("UM%02d", i)
		dir.people[m] = coaching.Person{Name: m, SlackTZ: "Europe/Paris"}
		people = append(people, coaching.Person{ID: m, Name: m, Roles: []string{"manager"}, Active: true, InRoster: true},
			coaching.Person{ID: m + "R", Name: m + "R", ManagerID: m, Roles: []string{"rep"}, Active: true, InRoster: true})
	}
	if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
		t.Fatal(err)
	}
	o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
	clk.t = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for run, want := range []int{20, 25} {
		if _, err := svc.RunNudges(ctx, clk.t, o); err != nil {
			t.Fatal(err)
		}
		if _, calls := dir.stats(); len(nudgesIn(t, st)) != want || calls != want {
			t.Fatalf("after run %d: %d managers nudged, %d profiles read; want %d of each", run+1, len(nudgesIn(t, st)), calls, want)
		}
		clk.t = clk.t.Add(time.Minute)
	}
}

// TestAProfileSeenBeforeTheImportDoesNotStartTheClock: Sam's row was made
// by a profile event weeks before the roster listed him with a `since`
// months back; the first nudge after the import must not call him
// overdue (the clock starts at the import), as it does not Ria, whom
// Coachlog had never seen.
func TestAProfileSeenBeforeTheImportDoesNotStartTheClock(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
		if err := svc.ProfileChanged(ctx, coaching.Person{ID: "USAM", Name: "Sam", Status: coaching.SlackStatus{Text: "lunch"}}); err != nil {
			t.Fatal(err)
		}
		clk.t = time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) // a Thursday
		since := day("2026-09-01")
		people := []coaching.Person{
			{ID: "UM", Name: "Max", TZ: "UTC", Roles: []string{"manager"}, Active: true, InRoster: true},
			{ID: "USAM", Name: "Sam", TZ: "UTC", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true, Since: since},
			{ID: "URIA", Name: "Ria", TZ: "UTC", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true, Since: since},
		}
		if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(2 * time.Hour)
		run, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range run.Nudges {
			for _, o := range n.Overdue {
				t.Errorf("%s is overdue (%d days) right after the import", o.RepID, o.Days)
			}
		}
	})
}

// TestANewRepsClockStartsOnTheManagersDayOfTheImport: the first import's
// moment is read on the manager's clock, the one their nudge uses, not as
// a UTC date or the organisation's (UTC here, COACHLOG_TIMEZONE's
// default). Sam is never coached; with a 14-day cadence he is due on the
// 15th local day after the import (after more than the cadence), whether
// the roster says he has been on the team since September (the import
// starts his clock) or says nothing (his `since` is the import's day: the
// same moment, on the same clock).
//
// In Tonga (UTC+13) an import at 20:00 UTC on Tuesday 17 November is
// 09:00 on Wednesday 18th: on Max's Wednesday 2 December Sam has waited 14
// days, not 15 (read in UTC, he was nudged a day early), and on Thursday
// 3rd he is due. In Los Angeles (UTC−8) an import at 03:00 UTC on
// Wednesday 18th is 19:00 on Tuesday 17th: on Max's Wednesday 2 December
// Sam is due (read in UTC, a day late).
func TestANewRepsClockStartsOnTheManagersDayOfTheImport(t *testing.T) {
	tonga := map[time.Time]int{ // a nudge run at 10:00 local -> Sam's overdue days; 0: not overdue
		time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC): 0,  // Wed 2 Dec, 10:00 in Tonga
		time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC): 15, // Thu 3 Dec
	}
	la := map[time.Time]int{
		time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC): 0,  // Tue 1 Dec, 10:00 in Los Angeles
		time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC): 15, // Wed 2 Dec
	}
	for _, tt := range []struct {
		name, tz string
		since    coaching.Date
		imported time.Time
		runs     map[time.Time]int
	}{
		{"Tonga, on the team since September", "Pacific/Tongatapu", day("2026-09-01"), time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC), tonga},
		{"Tonga, since the import", "Pacific/Tongatapu", coaching.Date{}, time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC), tonga},
		{"Los Angeles, on the team since September", "America/Los_Angeles", day("2026-09-01"), time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC), la},
		{"Los Angeles, since the import", "America/Los_Angeles", coaching.Date{}, time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC), la},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = tt.imported
				people := []coaching.Person{
					{ID: "UM", Name: "Max", TZ: tt.tz, Roles: []string{"manager"}, Active: true, InRoster: true},
					{ID: "USAM", Name: "Sam", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true, Since: tt.since},
				}
				// The organisation's day of the import: UTC's, as COACHLOG_TIMEZONE's default.
				if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
					t.Fatal(err)
				}
				for at, want := range tt.runs {
					clk.t = at
					run, err := svc.RunNudges(ctx, at, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, DryRun: true})
					if err != nil {
						t.Fatal(err)
					}
					got := 0
					for _, n := range run.Nudges {
						for _, o := range n.Overdue {
							got = o.Days
						}
					}
					if run.Evaluated != 1 || got != want {
						t.Errorf("at %s (%s there): %d evaluated, Sam overdue %d days; want 1 evaluated and %d days (0: not overdue)",
							at.Format(time.RFC3339), at.In(zone(t, tt.tz)).Format("Mon 2 Jan 15:04"), run.Evaluated, got, want)
					}
				}
			})
		})
	}
}

// The nudge goes to exactly the people IsManager calls managers: Max has a
// rep and no manager role, Vera a rep and the leader role, Olly the
// manager role and nobody, Dan the manager role and a rep the roster
// dropped; Ria, on Vera's team, reports to her as a rep.
func TestTheNudgeGoesToWhomIsManagerSays(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		p := func(id, mgr, role string) coaching.Person {
			return coaching.Person{ID: id, Name: id, TZ: "UTC", ManagerID: mgr, Roles: []string{role}, Active: true, InRoster: true}
		}
		gone := p("UGONE", "UDAN", "rep")
		people := []coaching.Person{p("UMAX", "", "rep"), p("USAM", "UMAX", "rep"), p("UVERA", "", "leader"), p("URIA", "UVERA", "rep"),
			p("UOLLY", "UVERA", "manager"), p("UDAN", "", "manager"), gone}
		if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportRoster(ctx, people[:len(people)-1], coaching.DateOf(clk.t, time.UTC)); err != nil { // drops UGONE
			t.Fatal(err)
		}
		clk.t = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) // a Wednesday, 23 days on
		run, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		nudged := map[string]bool{}
		for _, n := range run.Nudges {
			nudged[n.ManagerID] = true
		}
		for _, id := range []string{"UMAX", "USAM", "UVERA", "URIA", "UOLLY", "UDAN"} {
			who, err := svc.Person(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			manager, err := svc.IsManager(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			want := id == "UMAX" || id == "UVERA"
			if manager != want || nudged[id] != want {
				t.Errorf("%s: IsManager %v, nudged %v; want both %v", id, manager, nudged[id], want)
			}
		}
	})
}

// fixedDigest is a digest source that always has one post.
type fixedDigest struct{}

func (fixedDigest) WeekDigest(_ context.Context, w coaching.Week, _ time.Time) (coaching.Digest, error) {
	return coaching.Digest{Week: w, Posts: []coaching.DigestPost{{Kind: coaching.MsgDigest, Payload: []byte(`{}`)}}}, nil
}

// The first start after a deploy and a roster import catches up no digest
// of a week that ended before Coachlog knew any team: it would tell the
// leaders' channel that nobody was coached (coverage 0% of every rep) in a
// week before the product ran. A week in which coaching was logged, or
// that ended after the import, is posted.
func TestNoDigestOfAWeekBeforeAnyTeamWasKnown(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // Tuesday of 2026-W49: the bot deployed, the roster imported
		org(t, st, clk)
		w48 := coaching.Week{Year: 2026, Week: 48}
		run, err := svc.RunDigest(ctx, fixedDigest{}, w48, "C0LEADS", clk.t, coaching.JobOptions{})
		if err != nil || run.Queued || !run.BeforeTeams {
			t.Fatalf("digest of %s, the week before the first import: %+v, %v; want nothing queued, before any team", w48, run, err)
		}
		if ran, _ := st.JobRan(ctx, coaching.DigestJob, w48.String()); ran {
			t.Fatal("the week was claimed")
		}
		// Coaching logged in that week (a manager who used /coach before
		// the roster came) is worth a digest.
		d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-27"), DurationMin: 30}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
			t.Fatal(err)
		}
		if run, err := svc.RunDigest(ctx, fixedDigest{}, w48, "C0LEADS", clk.t, coaching.JobOptions{}); err != nil || !run.Queued {
			t.Fatalf("digest of %s with a session in it: %+v, %v; want it queued", w48, run, err)
		}
		clk.t = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC) // a week on: W49 ended after the import
		w49 := coaching.Week{Year: 2026, Week: 49}
		if run, err := svc.RunDigest(ctx, fixedDigest{}, w49, "C0LEADS", clk.t, coaching.JobOptions{}); err != nil || !run.Queued {
			t.Fatalf("digest of %s, the week of the import: %+v, %v; want it queued", w49, run, err)
		}
	})
}

// A rep's answer updates their reminder when one was queued, and only
// then: a rep never reminded has no reminder to update (an update of it
// would fail, waiting for a post that never comes), and a rating, which
// changes nothing the reminder says, queues none.
func TestAnAnswerUpdatesTheReminderQueued(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		org(t, st, clk)
		logWith := func(rep, on string) coaching.Session {
			d := coaching.Draft{RepIDs: []string{rep}, Kind: coaching.KindOneOnOne, OccurredOn: day(on), DurationMin: 30}
			s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k" + rep})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		reminded := logWith("UA", "2026-11-30")
		clk.t = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		fresh := logWith("UB", "2026-12-03")
		clk.t = time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC)
		if n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}); err != nil || n != 1 {
			t.Fatalf("reminders = %d, %v; want UA's alone", n, err)
		}
		for _, s := range []coaching.Session{reminded, fresh} {
			a := coaching.RepAction{ActorID: s.Reps[0].RepID, SessionID: s.ID, RepID: s.Reps[0].RepID, Version: s.Version}
			if _, err := svc.Confirm(ctx, a); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Rate(ctx, a, 4); err != nil {
				t.Fatal(err)
			}
		}
		for key, want := range map[string]int{coaching.ReminderKey(reminded.ID, "UA", 0): 1, coaching.ReminderKey(fresh.ID, "UB", 0): 0} {
			if got, err := st.PendingUpdates(ctx, key); err != nil || len(got) != want {
				t.Errorf("updates of %s queued = %v, %v; want %d", key, got, err, want)
			}
		}
	})
}

// A manager's change updates a reminder queued when it changes what the
// reminder says: which session it is (kind, date) or where the rep stands
// (asked again, taken off, withdrawn). Other edits, which the DM shows
// and the reminder does not, queue no chat.update of it.
func TestAManagersChangeUpdatesTheReminderWhenItSaysOtherwise(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(d *coaching.Draft) // nil: undo
		want   int
	}{
		{"notes", func(d *coaching.Draft) { d.Notes = "went well" }, 0},
		{"duration", func(d *coaching.Draft) { d.DurationMin = 45 }, 0},
		{"kind", func(d *coaching.Draft) { d.Kind = coaching.KindDealReview }, 1},
		{"date", func(d *coaching.Draft) { d.OccurredOn = day("2026-11-27") }, 1},
		{"rep taken off", func(d *coaching.Draft) { d.RepIDs = []string{"UB"} }, 1},
		{"undo", nil, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc, st, clk := newService(t)
			clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
			org(t, st, clk)
			d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
			s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"})
			if err != nil {
				t.Fatal(err)
			}
			clk.t = time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC)
			if n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}); err != nil || n != 1 {
				t.Fatalf("reminders = %d, %v; want 1", n, err)
			}
			if tt.change == nil {
				_, err = svc.UndoSession(ctx, "UM", s.ID)
			} else {
				tt.change(&d)
				_, err = svc.EditSession(ctx, coaching.EditRequest{ActorID: "UM", SessionID: s.ID, Version: s.Version, Draft: d, Key: "edit"})
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, err := st.PendingUpdates(ctx, coaching.ReminderKey(s.ID, "UA", 0)); err != nil || len(got) != tt.want {
				t.Errorf("updates of the reminder queued = %v, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// A rep asked again by an edit (a dispute answered, or a change of
// substance while they had not answered) gets one reminder of that
// asking too, three days after it rather than after the first log; it
// was one reminder per session and rep, and a rep asked again after a
// dispute was never reminded. The first asking's reminder keeps its key
// from before askings were counted (claimed then, it is not sent again
// after an upgrade), and an answer updates every reminder in the thread.
func TestARepAskedAgainIsRemindedAgain(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reask func(t *testing.T, svc *coaching.Service, s coaching.Session, d coaching.Draft) coaching.Draft
	}{
		{"after a dispute", func(t *testing.T, svc *coaching.Service, s coaching.Session, d coaching.Draft) coaching.Draft {
			a := coaching.RepAction{ActorID: "UA", SessionID: s.ID, RepID: "UA", Version: s.Version}
			if _, err := svc.Dispute(context.Background(), a, "we never talked pricing"); err != nil {
				t.Fatal(err)
			}
			d.Notes = "no pricing after all"
			return d
		}},
		{"still pending, on a change of substance", func(_ *testing.T, _ *coaching.Service, _ coaching.Session, d coaching.Draft) coaching.Draft {
			d.DurationMin = 45
			return d
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) // a Monday
				org(t, st, clk)
				d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
				s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"})
				if err != nil {
					t.Fatal(err)
				}
				o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
				remind := func(at time.Time, want int) {
					t.Helper()
					clk.t = at
					if n, err := svc.RunReminders(ctx, at, o); err != nil || n != want {
						t.Fatalf("reminders at %v = %d, %v; want %d", at, n, err, want)
					}
				}
				remind(time.Date(2026, 12, 3, 10, 5, 0, 0, time.UTC), 1) // Thursday: three days after the log

				clk.t = time.Date(2026, 12, 4, 11, 0, 0, 0, time.UTC) // Friday
				s, err = svc.Session(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				d = tt.reask(t, svc, s, d)
				s, err = svc.Session(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				s, err = svc.EditSession(ctx, coaching.EditRequest{ActorID: "UM", SessionID: s.ID, Version: s.Version, Draft: d, Key: "edit"})
				if err != nil {
					t.Fatal(err)
				}
				if r, _ := s.Rep("UA"); r.Status != coaching.StatusPending || r.Ask != 1 {
					t.Fatalf("after the edit UA is %+v; want pending, at the second asking", r)
				}
				remind(time.Date(2026, 12, 4, 15, 5, 0, 0, time.UTC), 0)  // hours after the re-ask
				remind(time.Date(2026, 12, 7, 10, 5, 0, 0, time.UTC), 0)  // Monday, 71 hours after it
				remind(time.Date(2026, 12, 7, 11, 5, 0, 0, time.UTC), 1)  // three days after it
				remind(time.Date(2026, 12, 7, 11, 10, 0, 0, time.UTC), 0) // once
				remind(time.Date(2026, 12, 10, 11, 5, 0, 0, time.UTC), 0)

				first := "reminder:" + strconv.FormatInt(s.ID, 10) + ":UA"
				if got := coaching.ReminderKey(s.ID, "UA", 0); got != first {
					t.Errorf("the first asking's reminder key = %q; want %q, as before askings were counted", got, first)
				}
				for ask := range 2 {
					if ran, err := st.JobRan(ctx, coaching.ReminderKey(s.ID, "UA", ask), ""); err != nil || !ran {
						t.Errorf("reminder of asking %d queued = %v, %v; want true", ask, ran, err)
					}
				}
				a := coaching.RepAction{ActorID: "UA", SessionID: s.ID, RepID: "UA", Version: s.Version}
				if _, err := svc.Confirm(ctx, a); err != nil {
					t.Fatal(err)
				}
				for ask := range 2 {
					key := coaching.ReminderKey(s.ID, "UA", ask)
					if got, err := st.PendingUpdates(ctx, key); err != nil || len(got) == 0 {
						t.Errorf("updates of %s after the answer = %v, %v; want one", key, got, err)
					}
				}
			})
		})
	}
}

// A nudge is evaluated again when it goes: one that waited its turn under
// Slack's pace (minutes, on a Monday) does not tell a manager of a rep
// they coached meanwhile, and is not sent once nothing is left, or the
// manager snoozed or went away since it was queued.
func TestANudgeIsAsItStandsWhenItGoes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		meanwhile func(t *testing.T, svc *coaching.Service, st *sqlite.Store, clk *clock)
		ok        bool
		overdue   []string
	}{
		{"nothing changed", func(*testing.T, *coaching.Service, *sqlite.Store, *clock) {}, true, []string{"UA", "UB"}},
		{"one rep coached", func(t *testing.T, svc *coaching.Service, _ *sqlite.Store, clk *clock) { coach(t, svc, clk, "UA") }, true, []string{"UB"}},
		{"both reps coached", func(t *testing.T, svc *coaching.Service, _ *sqlite.Store, clk *clock) { coach(t, svc, clk, "UA", "UB") }, false, nil},
		{"the manager snoozed", func(t *testing.T, svc *coaching.Service, _ *sqlite.Store, clk *clock) {
			if err := svc.Snooze(context.Background(), "UM", coaching.DateOf(clk.t, time.UTC)); err != nil {
				t.Fatal(err)
			}
		}, false, nil},
		// Nobody to nudge: deactivated, Absent holds it; off the roster,
		// they manage nobody (Person.Manages) and it is empty.
		{"the manager deactivated in Slack", func(t *testing.T, svc *coaching.Service, _ *sqlite.Store, _ *clock) {
			if err := svc.ProfileChanged(context.Background(), coaching.Person{ID: "UM", Name: "UM", Deleted: true}); err != nil {
				t.Fatal(err)
			}
		}, false, nil},
		{"the manager taken off the roster", func(t *testing.T, _ *coaching.Service, st *sqlite.Store, clk *clock) {
			orgWithout(t, st, clk, "UM")
		}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
				org(t, st, clk)
				clk.t = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) // 16 days on: UA and UB overdue
				run, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, DryRun: true})
				if err != nil {
					t.Fatal(err)
				}
				var queued coaching.Nudge
				for _, n := range run.Nudges {
					if n.ManagerID == "UM" {
						queued = n
					}
				}
				if len(queued.Overdue) != 2 {
					t.Fatalf("UM's nudge = %+v; want UA and UB overdue", queued)
				}
				clk.t = clk.t.Add(5 * time.Minute)
				tc.meanwhile(t, svc, st, clk)
				got, ok, err := svc.NudgeAsSent(ctx, queued)
				if err != nil {
					t.Fatal(err)
				}
				var overdue []string
				for _, o := range got.Overdue {
					overdue = append(overdue, o.RepID)
				}
				if ok != tc.ok || fmt.Sprint(overdue) != fmt.Sprint(tc.overdue) {
					t.Fatalf("as sent: %v, overdue %v; want %v, %v", ok, overdue, tc.ok, tc.overdue)
				}
				if ok && got.Day != queued.Day {
					t.Errorf("sent for %s, queued for %s", got.Day, queued.Day)
				}
			})
		})
	}
}

// coach logs a one-on-one of UM's with each of reps, today.
func coach(t *testing.T, svc *coaching.Service, clk *clock, reps ...string) {
	t.Helper()
	for _, r := range reps {
		d := coaching.Draft{RepIDs: []string{r}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.DateOf(clk.t, time.UTC), DurationMin: 30}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "coach:" + r}); err != nil {
			t.Fatal(err)
		}
	}
}
