package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestRosterImportIsTheWholeRoster(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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
		if err != nil || res.Changed != 1 || res.Unchanged != 2 || res.Added != 0 || res.Back != 0 || res.Deactivated != 1 {
			t.Fatalf("second import: %+v %v; want Ann changed, the managers unchanged, Bob deactivated", res, err)
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
		// Bob comes back, Max's cadence changes, a new rep joins: each is
		// counted for what happened to them.
		mgr.CadenceDays = 7
		cy := coaching.Person{ID: "UC", Name: "Cy", Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true}
		res, err = st.ImportRoster(ctx, []coaching.Person{mgr, mgr2, ann, bob, cy}, day2.AddDays(7))
		if err != nil || res.Added != 1 || res.Back != 1 || res.Changed != 1 || res.Unchanged != 2 || res.Deactivated != 0 {
			t.Fatalf("third import: %+v %v; want Cy added, Bob back, Max changed, Mia and Ann unchanged", res, err)
		}
	})
}

// A since the file does not give is the import's day, and the import's
// moment is kept beside it for each clock to read its own day of (a
// manager's nudge, the organisation's figures): set with the default,
// kept while the since is, moved with it when the manager changes, and
// cleared by a since the file gives, a plain date.
func TestASinceTheImportGaveKeepsItsMoment(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		now := time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC)
		st := open(t, db, sqlite.Options{Now: func() time.Time { return now }})
		mgr := coaching.Person{ID: "UM", Name: "Max", Roles: []string{"manager"}, Active: true, InRoster: true}
		mia := coaching.Person{ID: "UM2", Name: "Mia", Roles: []string{"manager"}, Active: true, InRoster: true}
		ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true}
		check := func(step string, since coaching.Date, at time.Time) {
			t.Helper()
			got, err := st.Person(ctx, "UA")
			if err != nil || got.Since != since || !got.SinceAt.Equal(at) {
				t.Errorf("%s: since %s at %s (%v); want %s at %s", step, got.Since, got.SinceAt, err, since, at)
			}
		}
		first := now
		day1 := coaching.DateOf(first, time.UTC)
		if _, err := st.ImportRoster(ctx, []coaching.Person{mgr, mia, ann}, day1); err != nil {
			t.Fatal(err)
		}
		check("first import", day1, first)

		now = now.Add(7 * 24 * time.Hour)
		if _, err := st.ImportRoster(ctx, []coaching.Person{mgr, mia, ann}, coaching.DateOf(now, time.UTC)); err != nil {
			t.Fatal(err)
		}
		check("the same team again", day1, first)

		ann.ManagerID = "UM2"
		moved := now.Add(7 * 24 * time.Hour)
		now = moved
		if _, err := st.ImportRoster(ctx, []coaching.Person{mgr, mia, ann}, coaching.DateOf(now, time.UTC)); err != nil {
			t.Fatal(err)
		}
		check("moved to Mia", coaching.DateOf(moved, time.UTC), moved)

		ann.Since = coaching.Date{Year: 2026, Month: 11, Day: 20}
		now = now.Add(24 * time.Hour)
		if _, err := st.ImportRoster(ctx, []coaching.Person{mgr, mia, ann}, coaching.DateOf(now, time.UTC)); err != nil {
			t.Fatal(err)
		}
		check("a since in the file", ann.Since, time.Time{})
	})
}

// A roster without Slack's time zones keeps each person's as it is when
// the import writes them, not as the import read them: on PostgreSQL a
// profile from Slack (a user_change) can commit in between, and the
// person's nudges and days follow that zone.
func TestARosterImportKeepsASlackZoneChangedMeanwhile(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	st := open(t, db, sqlite.Options{})
	day := coaching.Date{Year: 2026, Month: 11, Day: 2}
	sam := coaching.Person{ID: "US", Name: "Sam", Roles: []string{"rep"}, Active: true, InRoster: true}
	if _, err := st.ImportRoster(ctx, []coaching.Person{sam}, day); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "US", Name: "Sam", SlackTZ: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	// Slack's news of Sam's move to Tokyo is being written, not committed.
	raw, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	profile, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer profile.Rollback()
	if _, err := profile.ExecContext(ctx, `UPDATE people SET slack_tz = 'Asia/Tokyo' WHERE id = 'US'`); err != nil {
		t.Fatal(err)
	}
	imported := make(chan error, 1)
	go func() {
		_, err := st.ImportRoster(ctx, []coaching.Person{sam}, day)
		imported <- err
	}()
	// The import has read Sam (New York) and waits on his row.
	waiting := func() bool {
		var n int
		err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO people%'`).Scan(&n)
		return err == nil && n > 0
	}
	for deadline := time.Now().Add(10 * time.Second); !waiting(); {
		if time.Now().After(deadline) {
			t.Fatal("the import never waited on Sam's row")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := profile.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-imported; err != nil {
		t.Fatal(err)
	}
	got, err := st.Person(ctx, "US")
	if err != nil || got.SlackTZ != "Asia/Tokyo" {
		t.Errorf("Sam's Slack zone = %q, %v; want Asia/Tokyo, the profile committed during the import", got.SlackTZ, err)
	}
}

// A name the roster gives stays the one shown when Slack's profile names
// the person otherwise (README: "or empty: Slack's name is used"); a
// roster row without a name leaves the name to Slack, renames included.
func TestTheRostersNameWinsOverSlacks(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := coaching.Date{Year: 2026, Month: 1, Day: 5}
		max := coaching.Person{ID: "UM", Name: "Max Manager", RosterNamed: true, Roles: []string{"manager"}, Active: true, InRoster: true}
		// Named from Slack by the import (a row with only an email): not the file's.
		ann := coaching.Person{ID: "UA", Name: "ann", Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true}
		if _, err := st.ImportRoster(ctx, []coaching.Person{max, ann}, day); err != nil {
			t.Fatal(err)
		}
		for _, p := range []coaching.Person{{ID: "UM", Name: "X"}, {ID: "UA", Name: "Ann Rep"}} {
			p.ResolvedAt = time.Now()
			if _, err := st.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for id, want := range map[string]string{"UM": "Max Manager", "UA": "Ann Rep"} {
			if p, err := st.Person(ctx, id); err != nil || p.Name != want || p.RosterNamed != (id == "UM") {
				t.Errorf("%s is named %q (roster-named %v, %v), want %q", id, p.Name, p.RosterNamed, err, want)
			}
		}
		// A later roster without Max's name gives it back to Slack.
		max.Name, max.RosterNamed = "", false
		if _, err := st.ImportRoster(ctx, []coaching.Person{max, ann}, day); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UM", Name: "Max M.", ResolvedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if p, _ := st.Person(ctx, "UM"); p.Name != "Max M." {
			t.Errorf("after a roster without his name, Max is named %q, want Slack's %q", p.Name, "Max M.")
		}
	})
}

// An empty email in the roster file is no address, not an order to forget
// one: the email Slack gave (users.info, user_change) stays, and the
// import does not count the person as changed for it (README: Slack's
// email does not count unless the file names it). An email the file gives
// replaces Slack's, and counts.
func TestAnEmptyEmailInTheRosterKeepsSlacks(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := coaching.Date{Year: 2026, Month: 1, Day: 5}
		max := coaching.Person{ID: "UM", Name: "Max", RosterNamed: true, Roles: []string{"manager"}, Active: true, InRoster: true}
		ann := coaching.Person{ID: "UA", Name: "Ann", RosterNamed: true, Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true}
		if _, err := st.ImportRoster(ctx, []coaching.Person{max, ann}, day); err != nil {
			t.Fatal(err)
		}
		// The bot reads both from Slack, emails included.
		for _, p := range []coaching.Person{{ID: "UM", Email: "Max@Acme.test"}, {ID: "UA", Email: "ann@acme.test"}} {
			p.ResolvedAt = time.Now()
			if _, err := st.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name     string
			annEmail string // the file's email cell for Ann
			want     string
			changed  int // people the import counts as changed
		}{
			{"an empty cell keeps Slack's", "", "ann@acme.test", 0},
			{"the file's address replaces Slack's", "Ann.Rep@acme.test", "ann.rep@acme.test", 1},
			{"an empty cell keeps the file's earlier one", "", "ann.rep@acme.test", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := ann
				a.Email = tc.annEmail
				res, err := st.ImportRoster(ctx, []coaching.Person{max, a}, day)
				if err != nil {
					t.Fatal(err)
				}
				if want := (sqlite.ImportResult{Changed: tc.changed, Unchanged: 2 - tc.changed}); !reflect.DeepEqual(res, want) {
					t.Errorf("import = %+v, want %+v", res, want)
				}
				for id, want := range map[string]string{"UM": "max@acme.test", "UA": tc.want} {
					if p, err := st.Person(ctx, id); err != nil || p.Email != want {
						t.Errorf("%s's email = %q (%v), want %q", id, p.Email, err, want)
					}
				}
			})
		}
	})
}

// The import counts as changed exactly the people whose stored fields it
// changes, so an admin re-importing the same file reads "0 changed": an
// empty cadence_days keeps a cadence set with /coach cadence and is no
// change, while a cadence the file gives counts when it differs. A since
// the file gives that pins a since the import had defaulted counts too: it
// was a moment read on each clock, and is now a date.
func TestARosterImportCountsOnlyWhatItChanges(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		now := time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC)
		st := open(t, db, sqlite.Options{Now: func() time.Time { return now }})
		day := coaching.DateOf(now, time.UTC)
		max := coaching.Person{ID: "UM", Name: "Max", RosterNamed: true, Roles: []string{"manager"}, TZ: "America/New_York",
			Active: true, InRoster: true}
		ann := coaching.Person{ID: "UA", Name: "Ann", RosterNamed: true, Roles: []string{"rep"}, ManagerID: "UM",
			Tier: coaching.TierTop, Since: coaching.Date{Year: 2026, Month: 3, Day: 1}, Active: true, InRoster: true}
		bob := coaching.Person{ID: "UB", Email: "bob@acme.test", Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true}
		if res, err := st.ImportRoster(ctx, []coaching.Person{max, ann, bob}, day); err != nil || res.Added != 3 {
			t.Fatalf("first import: %+v %v", res, err)
		}
		// An admin runs /coach cadence @max 7.
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.SetCadence(ctx, "UM", 7) }); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name        string
			edit        func(max, bob *coaching.Person)
			changed     int
			wantCadence int
		}{
			{"the same file after /coach cadence", func(*coaching.Person, *coaching.Person) {}, 0, 7},
			{"the same file again", func(*coaching.Person, *coaching.Person) {}, 0, 7},
			{"the file gives the cadence stored", func(m, _ *coaching.Person) { m.CadenceDays = 7 }, 0, 7},
			{"the file gives another cadence", func(m, _ *coaching.Person) { m.CadenceDays = 14 }, 1, 14},
			{"the file's cadence cell emptied again", func(*coaching.Person, *coaching.Person) {}, 0, 14},
			{"the file pins Bob's defaulted since", func(_, b *coaching.Person) { b.Since = day }, 1, 14},
			{"the pinned since again", func(_, b *coaching.Person) { b.Since = day }, 0, 14},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m, b := max, bob
				tc.edit(&m, &b)
				now = now.Add(24 * time.Hour)
				res, err := st.ImportRoster(ctx, []coaching.Person{m, ann, b}, coaching.DateOf(now, time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				if want := (sqlite.ImportResult{Changed: tc.changed, Unchanged: 3 - tc.changed}); !reflect.DeepEqual(res, want) {
					t.Errorf("import = %+v, want %+v", res, want)
				}
				if got, err := st.Person(ctx, "UM"); err != nil || got.CadenceDays != tc.wantCadence {
					t.Errorf("Max's cadence = %d (%v), want %d", got.CadenceDays, err, tc.wantCadence)
				}
			})
		}
	})
}

// An empty email cell keeps the address Coachlog has, but not one another
// row of the same file gives: the file is the whole roster, and two active
// people with one address would make a performance file naming it
// refused (or, kept by the wrong one, credited to them). The kept address
// is cleared, said in the result, and the person counted as changed;
// Slack's, when the import read one, takes its place.
func TestRosterImportClearsAKeptEmailAnotherRowGives(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day1 := coaching.Date{Year: 2026, Month: 1, Day: 5}
		rep := func(id, email, name string) coaching.Person {
			return coaching.Person{ID: id, Email: email, Name: name, RosterNamed: true, Roles: []string{"rep"}, Active: true, InRoster: true}
		}
		if _, err := st.ImportRoster(ctx, []coaching.Person{
			rep("U0B", "b@x.com", "Bob"), rep("U0C", "c@x.com", "Cat"), rep("U0D", "d@x.com", "Dan"), rep("U0E", "", "Eve"),
		}, day1); err != nil {
			t.Fatal(err)
		}
		dan := rep("U0D", "dan@slack.example", "Dan")
		dan.EmailFromSlack = true // the file's cell is empty; Slack's address, read by the import
		res, err := st.ImportRoster(ctx, []coaching.Person{
			rep("U0B", "", "Bob"), rep("U0C", "b@x.com", "Cat"), dan, rep("U0E", "d@x.com", "Eve"),
		}, day1.AddDays(7))
		if err != nil {
			t.Fatal(err)
		}
		wantGone := []sqlite.EmailCleared{{ID: "U0B", Email: "b@x.com", By: "U0C"}, {ID: "U0D", Email: "d@x.com", By: "U0E"}}
		if res.Changed != 4 || !slices.Equal(res.EmailsCleared, wantGone) {
			t.Errorf("result %+v; want 4 changed, cleared %+v", res, wantGone)
		}
		for id, want := range map[string]string{"U0B": "", "U0C": "b@x.com", "U0D": "dan@slack.example", "U0E": "d@x.com"} {
			if p, err := st.Person(ctx, id); err != nil || p.Email != want {
				t.Errorf("%s's email %q (%v), want %q", id, p.Email, err, want)
			}
		}
	})
}

// Two people of the file who would both keep one address (neither row
// gives it: one was given it since the other left the roster, and the
// other is back) are refused, nothing written: the admin gives it to one
// of them.
func TestRosterImportRefusesTwoPeopleKeepingOneEmail(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day1 := coaching.Date{Year: 2026, Month: 1, Day: 5}
		rep := func(id, email string) coaching.Person {
			return coaching.Person{ID: id, Email: email, Roles: []string{"rep"}, Active: true, InRoster: true}
		}
		for i, people := range [][]coaching.Person{{rep("U0B", "b@x.com")}, {rep("U0C", "b@x.com")}} {
			if _, err := st.ImportRoster(ctx, people, day1.AddDays(i)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := st.ImportRoster(ctx, []coaching.Person{rep("U0B", ""), rep("U0C", "")}, day1.AddDays(7))
		var clash *sqlite.EmailClashError
		want := []sqlite.EmailClash{{Email: "b@x.com", IDs: []string{"U0B", "U0C"}}}
		if !errors.As(err, &clash) || !reflect.DeepEqual(clash.Clashes, want) {
			t.Fatalf("import: %v; want both keeping b@x.com refused", err)
		}
		if p, err := st.Person(ctx, "U0B"); err != nil || p.Active {
			t.Errorf("Bob after a refused import: %+v %v; want him still off the roster", p, err)
		}
	})
}
