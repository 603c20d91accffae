package sqlite_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestRosterImportIsTheWholeRoster(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day1, day2 := coaching.Date{Year: 2026, Month: 1, Day: 5}, coaching.Date{Year: 2026, Month: 3, Day: 2}
		mgr := coaching.Person{ID: "UM", Name: "Max", Roles: []string{"manager"}, Active: true, InRoster: true}
		mgr2 := coaching.Person{ID: "UM2", Name: "Mia", Roles: []string{"manager"}, Active: true, InRoster: true}
		ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, ManagerID: "UM", Tier: coaching.TierTop, Active: true, InRoster: true}
		bob := coaching.Person{ID: "UB", Name: "Bob", Roles: []string{"rep"}, ManagerID: "UM", Tier: coaching.TierBottom, Active: true, InRoster: true}

		res, err := st.ImportRoster(ctx, []coaching.Person{mgr, mgr2, ann, bob}, day1)
		if err != nil || res.Added != 4 {
			t.Fatalf("first import: %+v %v", res, err)
		}
		// Later: Bob left, Ann moved to Mia and became middle tier.
		ann.ManagerID, ann.Tier = "UM2", coaching.TierMiddle
		res, err = st.ImportRoster(ctx, []coaching.Person{mgr, mgr2, ann}, day2)
		if err != nil || res.Updated != 3 || res.Deactivated != 1 {
			t.Fatalf("second import: %+v %v", res, err)
		}
		gotBob, err := st.Person(ctx, "UB")
		if err != nil || gotBob.Active {
			t.Fatalf("Bob after leaving the roster: %+v %v", gotBob, err)
		}
		gotAnn, _ := st.Person(ctx, "UA")
		if gotAnn.ManagerID != "UM2" || gotAnn.Since != day2 || gotAnn.Tier != coaching.TierMiddle {
			t.Fatalf("Ann after moving: %+v", gotAnn)
		}
		gotMax, _ := st.Person(ctx, "UM")
		if gotMax.Since != day1 {
			t.Fatalf("Max's since moved on a re-import without changes: %s", gotMax.Since)
		}
		hist, err := st.ReportingHistory(ctx, "UA")
		if err != nil || len(hist) != 2 || hist[0].Tier != coaching.TierTop || hist[1].ManagerID != "UM2" || hist[1].ValidFrom != day2 {
			t.Fatalf("Ann's reporting history = %+v %v", hist, err)
		}
	})
}
