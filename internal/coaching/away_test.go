package coaching_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// /coach away reads its date on the today of the manager whose nudge it
// holds back, and refuses a date before it: at 20:00 on Thu 3 Dec in New
// York it is 06:30 on Fri 4 Dec in Kolkata, and Max marking Ria away means
// his Thursday by "dec 3", his Friday by "fri"; so does an admin in
// Kolkata marking Ria.
func TestAwayIsReadOnTheNudgingManagersToday(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		people := []coaching.Person{
			{ID: "UM", Name: "max", TZ: "America/New_York", Roles: []string{"manager"}, Active: true, InRoster: true},
			{ID: "UR", Name: "ria", TZ: "Asia/Kolkata", ManagerID: "UM", Roles: []string{"rep"}, Active: true, InRoster: true},
			{ID: "UA", Name: "ada", TZ: "Asia/Kolkata", Roles: []string{"admin"}, Active: true, InRoster: true},
			{ID: "UP", Name: "pat", TZ: "America/New_York", Roles: []string{"rep"}, Active: true, InRoster: true},
		}
		if _, err := st.ImportRoster(ctx, people, coaching.DateOf(clk.t, time.UTC)); err != nil {
			t.Fatal(err)
		}
		clk.t = time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			actor, person, words string
			want                 string // the away date stored; "" for refused as in the past
		}{
			{"UM", "UR", "fri", "2026-12-04"},
			{"UM", "UR", "dec 3", "2026-12-03"},
			{"UM", "UR", "2026-12-03", "2026-12-03"},
			{"UM", "UR", "today", "2026-12-03"},
			{"UM", "UR", "2026-12-02", ""},
			{"UM", "UR", "yesterday", ""}, // Max's Wednesday: a day, in the past, not "not a date"
			{"UM", "UR", "until yesterday.", ""},
			// Marking oneself reads one's own today, as before.
			{"UR", "UR", "today", "2026-12-04"},
			{"UR", "UR", "2026-12-03", ""},
			// An admin neither marked nor managing reads the day of the
			// manager whose nudge the away holds back: Max's Thursday for
			// his rep Ria, though it is Friday for the admin in Kolkata.
			{"UA", "UR", "today", "2026-12-03"},
			{"UA", "UR", "2026-12-03", "2026-12-03"},
			{"UA", "UM", "today", "2026-12-03"}, // Max's own nudge: his day
			{"UA", "UP", "today", "2026-12-03"}, // no manager: Pat's own day
			{"UA", "UA", "today", "2026-12-04"}, // herself: her own day
		} {
			today := svc.AwayToday(ctx, c.actor, c.person)
			until, err := coaching.ParseUntil(c.words, today)
			if err == nil {
				err = svc.SetAway(ctx, c.actor, c.person, until, today, c.actor == "UA")
			}
			if c.want == "" {
				if coaching.ErrorCode(err) != coaching.EInvalid {
					t.Errorf("%s marking %s away %q: %v; want refused as in the past", c.actor, c.person, c.words, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s marking %s away %q: %v", c.actor, c.person, c.words, err)
				continue
			}
			p, err := st.Person(ctx, c.person)
			if err != nil {
				t.Fatal(err)
			}
			if p.AwayUntil.String() != c.want {
				t.Errorf("%s marking %s away %q stored %s, want %s", c.actor, c.person, c.words, p.AwayUntil, c.want)
			}
		}
	})
}
