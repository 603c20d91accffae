package sqlite_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// scopedWorld is a generated organisation of four leaders (one at the top),
// nine managers of four reps and 1,500 sessions over 120 days, with
// attainment and tier changes, where people moved in the weeks the figures
// read: a rep to another team ten days ago, a manager to another leader
// twenty days ago, a rep deactivated five days ago; and a manager coached
// another team's rep this week.
func scopedWorld(t *testing.T) (*sqlite.Store, func() time.Time) {
	t.Helper()
	return scopedWorldOn(t, migratedDB(t))
}

// scopedWorldOn builds the scoped world in db, a path or a PostgreSQL URL.
func scopedWorldOn(t *testing.T, db string) (*sqlite.Store, func() time.Time) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // a Wednesday
	clock := func() time.Time { return now }
	st := open(t, db, sqlite.Options{Now: clock})
	if err := st.Seed(ctx, sqlite.SeedOptions{Leaders: 4, TopLeaders: 1, Managers: 9, RepsPerManager: 4, Sessions: 1500,
		Days: 120, Now: now, Seed: 7, TierChangeEvery: 3, PerformanceMonths: 14}); err != nil {
		t.Fatal(err)
	}
	today := coaching.DateOf(now, time.UTC)
	move := func(id, manager string, daysAgo, active int) {
		t.Helper()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE people SET manager_id = ?, active = ? WHERE id = ?`, []any{manager, active, id}},
			{`INSERT INTO reporting_history (person_id, valid_from, manager_id, tier, active)
				SELECT id, ?, manager_id, tier, active FROM people WHERE id = ?`, []any{today.AddDays(-daysAgo).String(), id}},
		} {
			if err := st.Exec(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(sqlite.SeedRepID(1), sqlite.SeedManagerID(4), 10, 1)    // UM00000's rep to UM00004
	move(sqlite.SeedManagerID(2), sqlite.SeedLeaderID(1), 20, 1) // from UL00003 to UL00001
	move(sqlite.SeedRepID(7), sqlite.SeedManagerID(1), 5, 0)     // left the roster
	svc := coaching.NewService(coaching.Config{Store: st, Now: clock})
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: sqlite.SeedManagerID(5), Key: "cross",
		Draft: coaching.Draft{RepIDs: []string{sqlite.SeedRepID(0)}, Kind: coaching.KindOneOnOne, OccurredOn: today, DurationMin: 40}}); err != nil {
		t.Fatal(err)
	}
	return st, clock
}

// A run scoped to anyone gives them, and everyone below them at the
// period's end, exactly the figures of the whole organisation's run, from
// a load of only their part of it.
func TestAScopedLoadGivesTheWholeRunsFigures(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		st, clock := scopedWorldOn(t, db)
		ctx := context.Background()
		e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: clock})
		today := e.Today()
		periods := []metrics.Period{
			{From: coaching.WeekOf(today).Monday(), To: today}, // this week so far
			metrics.WeekPeriod(e.LastFullWeek()),
		}
		// Who is below whom now, from the roster as it stands.
		managerOf := map[string]string{}
		for i := range 4 {
			managerOf[sqlite.SeedLeaderID(i)] = ""
		}
		for i := 1; i < 4; i++ {
			managerOf[sqlite.SeedLeaderID(i)] = sqlite.SeedLeaderID(0)
		}
		for m := range 9 {
			managerOf[sqlite.SeedManagerID(m)] = sqlite.SeedLeaderID(1 + m%3)
		}
		managerOf[sqlite.SeedManagerID(2)] = sqlite.SeedLeaderID(1)
		under := func(id, root string) bool {
			for ; id != ""; id = managerOf[id] {
				if id == root {
					return true
				}
			}
			return false
		}
		roots := []string{sqlite.SeedRepID(1), "UNOBODY"}
		for id := range managerOf {
			roots = append(roots, id)
		}
		slices.Sort(roots)
		for _, p := range periods {
			full, err := e.Run(ctx, p, metrics.All())
			if err != nil {
				t.Fatal(err)
			}
			for _, root := range roots {
				o := metrics.All()
				o.Root = root
				scoped, err := e.Run(ctx, p, o)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					got, all []metrics.Figures
				}{{scoped.Managers, full.Managers}, {scoped.Leaders, full.Leaders}} {
					var want []metrics.Figures
					for _, f := range c.all {
						if under(f.ID, root) {
							want = append(want, f)
						}
					}
					if len(c.got) != len(want) {
						t.Errorf("%s, root %s: %v, want %v", p, root, idsOf(c.got), idsOf(want))
						continue
					}
					for i := range want {
						if g, w := asJSON(t, c.got[i]), asJSON(t, want[i]); g != w {
							t.Errorf("%s, root %s: %s's figures\n got %s\nwant %s", p, root, want[i].ID, g, w)
						}
					}
				}
			}
		}
	})
}

// A manager's scoped load reads their team, the people above them and the
// reps of their sessions, not the organisation; and every pair it reads is
// of a session they logged or one with one of their reps.
func TestAScopedLoadReadsOnlyItsPart(t *testing.T) {
	st, clock := scopedWorld(t)
	ctx := context.Background()
	e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: clock})
	o := metrics.All()
	o.Root = sqlite.SeedManagerID(0)
	d, err := st.MetricsData(ctx, metrics.Plan(metrics.WeekPeriod(e.LastFullWeek()), o))
	if err != nil {
		t.Fatal(err)
	}
	var people []string
	for _, p := range d.People {
		people = append(people, p.ID)
	}
	slices.Sort(people)
	// UM00000, their reps UR000000 to UR000003 (UR000001 moved away ten
	// days ago, still read), their leader UL00001 and the top UL00000.
	want := []string{sqlite.SeedLeaderID(0), sqlite.SeedLeaderID(1), sqlite.SeedManagerID(0),
		sqlite.SeedRepID(0), sqlite.SeedRepID(1), sqlite.SeedRepID(2), sqlite.SeedRepID(3)}
	if !slices.Equal(people, want) {
		t.Errorf("people read = %v, want %v", people, want)
	}
	mine := map[string]bool{sqlite.SeedManagerID(0): true}
	for _, id := range want[3:] {
		mine[id] = true
	}
	ours := map[int64]bool{}
	for _, p := range d.Pairs {
		ours[p.SessionID] = ours[p.SessionID] || mine[p.ManagerID] || mine[p.RepID]
	}
	cross := false
	for _, p := range d.Pairs {
		if !ours[p.SessionID] {
			t.Errorf("pair %+v is of a session neither the manager's nor one of their reps'", p)
		}
		cross = cross || p.ManagerID == sqlite.SeedManagerID(5)
	}
	if len(d.Pairs) == 0 || len(d.Coached) == 0 || len(d.Months) == 0 || len(d.Commitments) == 0 {
		t.Errorf("an empty scoped load: %d pairs, %d coached, %d months, %d commitments", len(d.Pairs), len(d.Coached), len(d.Months), len(d.Commitments))
	}
	for _, m := range d.Months {
		if !mine[m.RepID] {
			t.Errorf("attainment of %s read", m.RepID)
		}
	}
	// The week before this one holds no cross-team session; this week's does.
	if cross {
		t.Error("a session of UM00005 read for last week")
	}
	d, err = st.MetricsData(ctx, metrics.Plan(metrics.Period{From: e.Today(), To: e.Today()}, o))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(d.Pairs, func(p metrics.Pair) bool { return p.ManagerID == sqlite.SeedManagerID(5) }) {
		t.Error("UM00005's session with UM00000's rep today is not read")
	}
}

// asJSON shows figures with what their pointers hold.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func idsOf(fs []metrics.Figures) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}
