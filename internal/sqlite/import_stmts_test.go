package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An import runs a statement per row in one transaction, usually as the
// first write of a command: each must run prepared, or SQLite parses it
// again for every row (a roster of 100,000 spent 9 of its 14 s parsing,
// holding every other write back). A few unprepared statements are
// allowed, however many rows the file has.
func TestImportsRunTheirStatementsPrepared(t *testing.T) {
	const people, few = 300, 10
	// Each import runs on a store opened for it, as by an admin's command:
	// nothing prepared yet. It returns that store.
	for _, tt := range []struct {
		name string
		run  func(ctx context.Context, t *testing.T, fresh func() *sqlite.Store) *sqlite.Store
	}{
		{"roster, first import", func(ctx context.Context, t *testing.T, fresh func() *sqlite.Store) *sqlite.Store {
			st := fresh()
			if _, err := st.ImportRoster(ctx, roster(people, coaching.TierTop), today()); err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"roster, every tier changed and a third dropped", func(ctx context.Context, t *testing.T, fresh func() *sqlite.Store) *sqlite.Store {
			mustImport(ctx, t, fresh(), roster(people, coaching.TierTop), today().AddDays(-1))
			st := fresh()
			if _, err := st.ImportRoster(ctx, roster(2*people/3, coaching.TierBottom), today()); err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"performance", func(ctx context.Context, t *testing.T, fresh func() *sqlite.Store) *sqlite.Store {
			mustImport(ctx, t, fresh(), roster(people, coaching.TierTop), today())
			var recs []coaching.Attainment
			for i := range people - 1 {
				recs = append(recs, coaching.Attainment{RepID: fmt.Sprintf("UR%d", i), Month: coaching.MonthOf(today()), Percent: float64(i)})
			}
			st := fresh()
			if _, err := st.ImportPerformance(ctx, recs); err != nil {
				t.Fatal(err)
			}
			return st
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				fresh := func() *sqlite.Store { return open(t, db, sqlite.Options{}) }
				st := tt.run(context.Background(), t, fresh)
				if n := st.UnpreparedWrites(); n > few {
					t.Errorf("%d statements ran unprepared in the import's transaction, want at most %d", n, few)
				}
			})
		})
	}
}

func mustImport(ctx context.Context, t *testing.T, st *sqlite.Store, people []coaching.Person, day coaching.Date) {
	t.Helper()
	if _, err := st.ImportRoster(ctx, people, day); err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// roster is a manager and n-1 reps of the given tier.
func roster(n int, tier coaching.Tier) []coaching.Person {
	out := []coaching.Person{{ID: "UM", Name: "Max", Roles: []string{"manager"}, Active: true, InRoster: true}}
	for i := range n - 1 {
		out = append(out, coaching.Person{ID: fmt.Sprintf("UR%d", i), Name: fmt.Sprintf("Rep %d", i), Roles: []string{"rep"},
			ManagerID: "UM", Tier: tier, Active: true, InRoster: true})
	}
	return out
}
