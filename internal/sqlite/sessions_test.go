package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// The week's sessions come from sessions_recent since migration 0014
// dropped the plain date index, whose order the list used to take: they
// must still come oldest day first and by id within a day, the undone and
// those outside the window left out. sessions_recent orders a day by
// manager and duration, so the sessions below are logged with those
// against their ids.
func TestWeekSessionsSeekRecentAndKeepTheirOrder(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := func(d int) coaching.Date { return date(2026, time.November, d) }
		logged := []struct {
			manager string
			day     int
			minutes int
		}{
			{"UM3", 3, 90}, {"UM2", 3, 60}, {"UM1", 3, 30}, // one day, index order against id order
			{"UM1", 2, 45},                  // the day before, logged later
			{"UM1", 3, 15},                  // undone below
			{"UM1", 1, 30}, {"UM1", 10, 30}, // outside the window
		}
		var ids []int64
		for _, l := range logged {
			s := oneOnOne(l.manager, "UR1", day(l.day), l.minutes)
			insertSessions(t, st, &s)
			ids = append(ids, s.ID)
		}
		if err := st.Exec(ctx, `UPDATE sessions SET deleted_at = 1 WHERE id = ?`, ids[4]); err != nil {
			t.Fatal(err)
		}
		if !st.IsPostgres() {
			plan, err := st.QueryPlan(ctx, sqlite.WeekSessionsQuery, day(2).String(), day(8).String())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(plan, "USING INDEX sessions_recent") {
				t.Errorf("the week's sessions are not sought in sessions_recent: %s", plan)
			}
		}
		got, err := st.WeekSessions(ctx, day(2), day(8))
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, s := range got {
			gotIDs = append(gotIDs, s.ID)
		}
		if want := []int64{ids[3], ids[0], ids[1], ids[2]}; !slices.Equal(gotIDs, want) {
			t.Errorf("week's sessions %v, want %v (November 2nd's, then the 3rd's by id)", gotIDs, want)
		}
	})
}
