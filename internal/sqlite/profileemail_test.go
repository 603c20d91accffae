package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Slack gives an address to one member of a workspace at a time: a
// profile giving the new hire U0NEW the address Sam (U0SAM) is stored
// with takes it from Sam where his is a stale one of Slack's (his own
// profile's, or users.list's read by a roster import), in the same
// write, so that a performance file naming the address names U0NEW
// rather than being refused as two people's. An address a roster file
// gave Sam stands, as the admin's word: both keep it, as before, until a
// roster says whose it is. So does one from a profile of Sam's newer than
// U0NEW's (a late retry of U0NEW's), and nothing moves when U0NEW's
// profile is older than the one stored for them, or gives no address.
func TestASlackProfileTakesItsAddressFromStaleHolders(t *testing.T) {
	t0 := time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
	day := coaching.Date{Year: 2026, Month: 11, Day: 16}
	const addr = "sam@acme.test"
	type step func(ctx context.Context, st *sqlite.Store) error
	profile := func(id, email string, at time.Duration) step {
		return func(ctx context.Context, st *sqlite.Store) error {
			_, err := st.UpsertPerson(ctx, coaching.Person{ID: id, Email: email, Name: id, ResolvedAt: t0.Add(at), ProfileAt: t0.Add(at)})
			return err
		}
	}
	rep := func(id, email string) coaching.Person {
		return coaching.Person{ID: id, Email: email, Roles: []string{"rep"}, Active: true, InRoster: true}
	}
	listed := func(id, email string) coaching.Person { // the cell empty; Slack's address, read by the import
		p := rep(id, email)
		p.EmailFromSlack, p.SlackTZ, p.ProfileAt = true, "Europe/Paris", t0.Add(-2*time.Hour)
		return p
	}
	roster := func(people ...coaching.Person) step {
		return func(ctx context.Context, st *sqlite.Store) error {
			_, err := st.ImportRoster(ctx, people, day)
			return err
		}
	}
	for _, tc := range []struct {
		name      string
		before    []step
		give      string // U0NEW's profile's address, at t0
		sam, nw   string // the addresses stored after
		samActive bool   // Sam on the roster after
	}{
		{"Sam's own older profile, never on the roster", []step{profile("U0SAM", addr, -time.Hour)},
			"Sam@Acme.test", "", addr, false},
		{"Sam on the roster, his empty cell keeping his profile's", []step{roster(rep("U0SAM", "")), profile("U0SAM", addr, -time.Hour)},
			addr, "", addr, true},
		{"Sam on the roster, keeping users.list's", []step{roster(listed("U0SAM", addr))},
			addr, "", addr, true},
		{"Sam left the roster, keeping his profile's", []step{roster(rep("U0SAM", "")), profile("U0SAM", addr, -time.Hour), roster(rep("U0RIA", ""))},
			addr, "", addr, false},
		{"the roster file gives it to Sam", []step{roster(rep("U0SAM", addr))},
			addr, addr, addr, true},
		{"an earlier file gave it, an empty cell kept it", []step{roster(rep("U0SAM", addr)), roster(rep("U0SAM", ""))},
			addr, addr, addr, true},
		{"a file gave it, then Sam's profile gave none (no users:read.email)", []step{roster(rep("U0SAM", addr)), profile("U0SAM", "", -time.Hour)},
			addr, addr, addr, true},
		{"a file gave it, then Sam's profile gave it too", []step{roster(rep("U0SAM", addr)), profile("U0SAM", addr, -time.Hour)},
			addr, "", addr, true},
		{"a file gave it, then users.list gave it too", []step{roster(rep("U0SAM", addr)), roster(listed("U0SAM", addr))},
			addr, "", addr, true},
		{"Sam's profile is newer than U0NEW's", []step{profile("U0SAM", addr, time.Hour)},
			addr, addr, addr, false},
		{"U0NEW's profile is older than theirs stored", []step{profile("U0SAM", addr, -time.Hour), profile("U0NEW", "new@acme.test", time.Hour)},
			addr, addr, "new@acme.test", false},
		{"U0NEW's profile gives no address", []step{profile("U0SAM", addr, -time.Hour)},
			"", addr, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				st := open(t, db, sqlite.Options{})
				for i, s := range tc.before {
					if err := s(ctx, st); err != nil {
						t.Fatalf("step %d: %v", i+1, err)
					}
				}
				if err := profile("U0NEW", tc.give, 0)(ctx, st); err != nil {
					t.Fatal(err)
				}
				for id, want := range map[string]string{"U0SAM": tc.sam, "U0NEW": tc.nw} {
					if p, err := st.Person(ctx, id); err != nil || p.Email != want {
						t.Errorf("%s's email = %q (%v), want %q", id, p.Email, err, want)
					}
				}
				if p, err := st.Person(ctx, "U0SAM"); err != nil || (p.Active && p.InRoster) != tc.samActive {
					t.Errorf("Sam: %+v (%v); want on the roster %v", p, err, tc.samActive)
				}
			})
		})
	}
}

// Addresses stored before migration 0024 never said where they came from:
// a roster person's counts as the file's (taking a file's for a stale
// Slack one would move it, and the figures naming it, to someone else)
// until Slack gives them an address again; someone no roster listed has
// only Slack's, and loses it to a newer profile giving it.
func TestAddressesFromBeforeTheMigrationCountAsTheFilesOnTheRoster(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		t0 := time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
		give := func(id, email string, at time.Duration) {
			t.Helper()
			if _, err := st.UpsertPerson(ctx, coaching.Person{ID: id, Email: email, ResolvedAt: t0.Add(at), ProfileAt: t0.Add(at)}); err != nil {
				t.Fatal(err)
			}
		}
		emails := func(step string, want map[string]string) {
			t.Helper()
			for id, email := range want {
				if p, err := st.Person(ctx, id); err != nil || p.Email != email {
					t.Errorf("%s: %s's email = %q (%v), want %q", step, id, p.Email, err, email)
				}
			}
		}
		// Sam's address is his profile's, kept by an empty cell; Olly's
		// is his profile's, and no roster lists him.
		sam := coaching.Person{ID: "U0SAM", Roles: []string{"rep"}, Active: true, InRoster: true}
		if _, err := st.ImportRoster(ctx, []coaching.Person{sam}, coaching.Date{Year: 2026, Month: 11, Day: 16}); err != nil {
			t.Fatal(err)
		}
		give("U0SAM", "sam@acme.test", -3*time.Hour)
		give("U0OLLY", "olly@acme.test", -3*time.Hour)
		// The database as an older Coachlog left it, migrated again.
		for _, q := range []string{`ALTER TABLE people DROP COLUMN email_by_roster`, `DELETE FROM schema_migrations WHERE version = 24`} {
			if err := st.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		st = open(t, db, sqlite.Options{})

		give("U0NIA", "sam@acme.test", -2*time.Hour)
		give("U0NED", "olly@acme.test", -2*time.Hour)
		emails("after the migration", map[string]string{"U0SAM": "sam@acme.test", "U0NIA": "sam@acme.test", "U0OLLY": "", "U0NED": "olly@acme.test"})
		give("U0SAM", "sam@acme.test", -time.Hour) // Slack gives it Sam again: his is Slack's
		give("U0NIA", "sam@acme.test", 0)
		emails("after Slack gave it Sam, then Nia", map[string]string{"U0SAM": "", "U0NIA": "sam@acme.test"})
	})
}
