package coaching_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A manager is nudged at most once in NudgeApart, whatever local day their
// zone says it is: the ledger holds one nudge per local day, read in the
// zone as it is now, and a zone changed in Slack made a day nudged already
// due again (Auckland's Thursday nudged, then Honolulu's Wednesday five
// minutes later), or the next day's hour come hours after today's (Los
// Angeles' Monday, then Auckland's Tuesday). The manager has no zone in
// the roster; each step gives Slack's, as user_change does.
func TestANudgeComesAtMostOnceInTwelveHoursAcrossZoneChanges(t *testing.T) {
	type step struct {
		zone   string
		at     string // UTC
		anyway bool   // `coachlog nudge`: whatever the hour
	}
	tests := []struct {
		name  string
		steps []step
		want  int
	}{
		{"Auckland, then Honolulu five minutes later", []step{
			{"Pacific/Auckland", "2026-12-02T20:30:00Z", false}, // Thu 09:30 in Auckland
			{"Pacific/Honolulu", "2026-12-02T20:35:00Z", false}, // Wed 10:35 in Honolulu
		}, 1},
		{"Los Angeles, then Auckland 2.5 hours later", []step{
			{"America/Los_Angeles", "2026-12-07T17:30:00Z", false}, // Mon 09:30 in Los Angeles
			{"Pacific/Auckland", "2026-12-07T20:00:00Z", false},    // Tue 09:00 in Auckland
		}, 1},
		{"Honolulu, then Auckland a day on", []step{
			{"Pacific/Honolulu", "2026-12-02T19:30:00Z", false}, // Wed 09:30 in Honolulu
			{"Pacific/Auckland", "2026-12-03T20:00:00Z", false}, // Fri 09:00 in Auckland, 24.5 h on
		}, 2},
		// The ordinary next day is free: a nudge caught up at the grace's
		// last minute, then the next day's at nine, 21 hours on.
		{"the same zone, 11:59 then 09:00 the next day", []step{
			{"UTC", "2026-12-02T11:59:00Z", false},
			{"UTC", "2026-12-03T09:00:00Z", false},
		}, 2},
		// A day found with nothing to act on sent nothing: it does not
		// hold back the next nudge. Monday (14 days since the import) has
		// nobody overdue on a 14-day cadence; Tuesday has.
		{"nothing to act on at 20:00, then nudged at 09:30", []step{
			{"UTC", "2026-11-30T20:00:00Z", true},
			{"UTC", "2026-12-01T09:30:00Z", false},
		}, 1},
		// `coachlog nudge` run in the evening nudged: the next morning's
		// is 13.5 hours on, a day of theirs, and sent.
		{"`coachlog nudge` at 20:00, then 09:30 the next day", []step{
			{"UTC", "2026-12-01T20:00:00Z", true},
			{"UTC", "2026-12-02T09:30:00Z", false},
		}, 2},
		// Run near midnight, it holds the morning's back 12 hours: not
		// at 09:30, at 11:45 (still within the window).
		{"`coachlog nudge` at 23:40, then 09:30 and 11:45 the next day", []step{
			{"UTC", "2026-12-01T23:40:00Z", true},
			{"UTC", "2026-12-02T09:30:00Z", false},
			{"UTC", "2026-12-02T11:45:00Z", false},
		}, 2},
		{"`coachlog nudge` at 23:40, then only 09:30 the next day", []step{
			{"UTC", "2026-12-01T23:40:00Z", true},
			{"UTC", "2026-12-02T09:30:00Z", false},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, clk := newServiceOn(t, db)
				clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC) // a Monday
				people := []coaching.Person{
					{ID: "UM", Name: "UM", Roles: []string{"manager"}, Active: true, InRoster: true},
					{ID: "UA", Name: "UA", TZ: "UTC", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true},
				}
				if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
					t.Fatal(err)
				}
				for _, s := range tt.steps {
					clk.t, _ = time.Parse(time.RFC3339, s.at)
					if err := svc.ProfileChanged(ctx, coaching.Person{ID: "UM", Name: "UM", SlackTZ: s.zone, ProfileAt: clk.t}); err != nil {
						t.Fatal(err)
					}
					if _, err := svc.RunNudges(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, IgnoreWindow: s.anyway}); err != nil {
						t.Fatal(err)
					}
				}
				if got := nudgesIn(t, st)["UM"]; got != tt.want {
					t.Fatalf("UM got %d nudges, want %d", got, tt.want)
				}
			})
		})
	}
}

// A manager held back as away is nudged when the hold ends only if the
// grace after the nudge hour still has it: a :palm_tree: status expiring
// at 22:00, or cleared mid-afternoon, skips that day's nudge rather than
// send it at 22:30 or 15:05.
func TestAHoldEndingLateSkipsTheDaysNudge(t *testing.T) {
	at := func(hhmm string) time.Time {
		t, _ := time.Parse(time.RFC3339, "2026-12-02T"+hhmm+":00Z") // a Wednesday; UM is on UTC
		return t
	}
	tests := []struct {
		name    string
		expires string // the status's expiry, that day; "" none
		cleared string // when the status is cleared, that day; "" never
		run     string // the run after the hold ends
		want    int
	}{
		{"status expiring at 22:00, run at 22:30", "22:00", "", "22:30", 0},
		{"status cleared at 15:00, run at 15:05", "", "15:00", "15:05", 0},
		{"status expiring at 10:30, run at 10:45: the morning still has it", "10:30", "", "10:45", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc, st, clk := newService(t)
			clk.t = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
			org(t, st, clk)
			status := coaching.SlackStatus{Text: "On vacation", Emoji: ":palm_tree:"}
			if tt.expires != "" {
				status.Expires = at(tt.expires)
			}
			clk.t = at("08:00")
			if err := svc.ProfileChanged(ctx, coaching.Person{ID: "UM", Name: "UM", Status: status, ProfileAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}
			clk.t = at("09:30")
			if run, err := svc.RunNudges(ctx, clk.t, o); err != nil || run.Held != 1 {
				t.Fatalf("the run at 09:30 = %+v, %v; want UM held", run, err)
			}
			if tt.cleared != "" {
				clk.t = at(tt.cleared)
				if err := svc.ProfileChanged(ctx, coaching.Person{ID: "UM", Name: "UM", ProfileAt: clk.t}); err != nil {
					t.Fatal(err)
				}
			}
			clk.t = at(tt.run)
			if _, err := svc.RunNudges(ctx, clk.t, o); err != nil {
				t.Fatal(err)
			}
			if got := nudgesIn(t, st)["UM"]; got != tt.want {
				t.Fatalf("UM got %d nudges, want %d", got, tt.want)
			}
		})
	}
}

// A rep is described truly: the clock of one never coached starts when
// Coachlog first knew them (the roster import), which may be long after
// they joined, and a session logged for them before the clock started is
// their last session all the same. "Not coached yet, 15 days in your
// team" said of a rep coached 61 days ago and in the team since 2025 was
// wrong twice.
func TestANudgeSaysTrulyWhatItKnowsOfARepsPast(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // a Tuesday
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	mgr := coaching.Person{ID: "UM", Name: "Max", Roles: []string{"manager"}, Active: true, InRoster: true}
	rep := func(since coaching.Date, sinceAt time.Time, last coaching.Date) coaching.TeamRep {
		return coaching.TeamRep{Person: coaching.Person{ID: "UR", Name: "Ria", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true,
			Since: since, SinceAt: sinceAt, KnownAt: imported}, LastSession: last}
	}
	tests := []struct {
		name       string
		rep        coaching.TeamRep
		days       int
		never      bool
		sinceKnown bool
	}{
		{"in the team since 2025, coached 61 days ago", rep(day("2025-01-01"), time.Time{}, day("2026-10-01")), 61, false, false},
		{"in the team since 2025, no session", rep(day("2025-01-01"), time.Time{}, coaching.Date{}), 15, true, true},
		{"joined at the import", rep(day("2026-11-16"), imported, coaching.Date{}), 15, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := coaching.EvaluateNudge(coaching.Team{Manager: mgr, Reps: []coaching.TeamRep{tt.rep}}, now, time.UTC, 14)
			if len(n.Overdue) != 1 {
				t.Fatalf("overdue = %+v, want Ria", n.Overdue)
			}
			o := n.Overdue[0]
			if o.Never != tt.never || o.Days != tt.days || o.SinceKnown != tt.sinceKnown {
				t.Fatalf("Ria = %+v; want %d days, never coached %v, SinceKnown %v", o, tt.days, tt.never, tt.sinceKnown)
			}
		})
	}
}
