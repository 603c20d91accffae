package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Slack retries a user_change it thinks undelivered, and the retry may
// come after a newer one: a profile older than the one stored changes
// nothing, on both engines, so a manager back from holiday is not made
// away again, nor moved back to their old zone or name. A profile of the
// same second applies (Slack's times are whole seconds).
func TestAnOlderProfileChangesNothing(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		t0 := time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
		profile := func(at time.Duration, name, tz, status string, deleted bool) coaching.Person {
			return coaching.Person{ID: "UM", Name: name, Email: "max@acme.test", SlackTZ: tz, Deleted: deleted,
				Status: coaching.SlackStatus{Text: status}, ResolvedAt: t0.Add(time.Hour), ProfileAt: t0.Add(at)}
		}
		for _, step := range []struct {
			what    string
			p       coaching.Person
			applied bool
			want    coaching.Person // the fields compared
		}{
			{"the newer profile: back at work", profile(20*time.Minute, "Max", "Asia/Tokyo", "", false), true,
				profile(20*time.Minute, "Max", "Asia/Tokyo", "", false)},
			{"a late retry of the older one", profile(10*time.Minute, "Max Old", "Europe/Lisbon", "On vacation", true), false,
				profile(20*time.Minute, "Max", "Asia/Tokyo", "", false)},
			{"another of the same second", profile(20*time.Minute, "Max", "Asia/Tokyo", "In a meeting", false), true,
				profile(20*time.Minute, "Max", "Asia/Tokyo", "In a meeting", false)},
			{"a newer one still", profile(30*time.Minute, "Max M.", "Europe/Paris", "Holiday", false), true,
				profile(30*time.Minute, "Max M.", "Europe/Paris", "Holiday", false)},
		} {
			applied, err := st.UpsertPerson(ctx, step.p)
			if err != nil || applied != step.applied {
				t.Fatalf("%s: applied %v, %v; want %v", step.what, applied, err, step.applied)
			}
			got, err := st.Person(ctx, "UM")
			w := step.want
			if err != nil || got.Name != w.Name || got.SlackTZ != w.SlackTZ || got.Status.Text != w.Status.Text ||
				got.Deleted != w.Deleted || !got.ProfileAt.Equal(w.ProfileAt) {
				t.Fatalf("%s: stored %+v, %v; want name %q, zone %q, status %q, deleted %v, profile of %s",
					step.what, got, err, w.Name, w.SlackTZ, w.Status.Text, w.Deleted, w.ProfileAt)
			}
		}
	})
}

// A roster import reads Slack's member list (users.list), which takes
// minutes on a large workspace, before it writes; meanwhile the bot
// stores user_change events. Slack's zone and name as the list gave them
// do not replace a newer profile stored since, while the file's own name
// always stands; a list newer than what is stored applies, and a profile
// older than that list is then refused.
func TestARosterImportDoesNotUndoANewerProfile(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := coaching.Date{Year: 2026, Month: 11, Day: 16}
		t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
		// Ann's row gives no name: the import names her from Slack. Max's
		// row names him.
		roster := func(read time.Duration, annName, tz string) []coaching.Person {
			return []coaching.Person{
				{ID: "UM", Name: "Max Manager", RosterNamed: true, SlackTZ: tz, Roles: []string{"manager"}, Active: true, InRoster: true, ProfileAt: t0.Add(read)},
				{ID: "UA", Name: annName, SlackTZ: tz, Roles: []string{"rep"}, ManagerID: "UM", Active: true, InRoster: true, ProfileAt: t0.Add(read)},
			}
		}
		if _, err := st.ImportRoster(ctx, roster(0, "ann", "Europe/Paris"), day); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"UM", "UA"} {
			p := coaching.Person{ID: id, Name: "Slack " + id, SlackTZ: "Asia/Tokyo", ResolvedAt: t0, ProfileAt: t0.Add(20 * time.Minute)}
			if applied, err := st.UpsertPerson(ctx, p); err != nil || !applied {
				t.Fatalf("user_change of %s after the first import: applied %v, %v", id, applied, err)
			}
		}
		check := func(when string, wantAnn, wantTZ string, wantAt time.Duration) {
			t.Helper()
			for id, name := range map[string]string{"UM": "Max Manager", "UA": wantAnn} {
				got, err := st.Person(ctx, id)
				if err != nil || got.Name != name || got.SlackTZ != wantTZ || !got.ProfileAt.Equal(t0.Add(wantAt)) {
					t.Errorf("%s: %s is %q in %q, profile of %s (%v); want %q in %q, profile of %s",
						when, id, got.Name, got.SlackTZ, got.ProfileAt, err, name, wantTZ, t0.Add(wantAt))
				}
			}
		}
		// The list was read before the user_change was stored.
		if _, err := st.ImportRoster(ctx, roster(10*time.Minute, "ann", "Europe/Paris"), day); err != nil {
			t.Fatal(err)
		}
		check("an import that read the list before the profile", "Slack UA", "Asia/Tokyo", 20*time.Minute)
		// A list read after it wins, and sets the profile's time.
		if _, err := st.ImportRoster(ctx, roster(30*time.Minute, "Ann Rep", "America/Chicago"), day); err != nil {
			t.Fatal(err)
		}
		check("an import that read the list after the profile", "Ann Rep", "America/Chicago", 30*time.Minute)
		late := coaching.Person{ID: "UA", Name: "Ann Old", SlackTZ: "Asia/Tokyo", ResolvedAt: t0, ProfileAt: t0.Add(25 * time.Minute)}
		if applied, err := st.UpsertPerson(ctx, late); err != nil || applied {
			t.Fatalf("a user_change older than the import's list: applied %v, %v; want refused", applied, err)
		}
		check("a user_change older than the import's list", "Ann Rep", "America/Chicago", 30*time.Minute)
	})
}

// Whether Slack says someone is of another organisation (Slack Connect)
// is kept with their profile on both engines, and a newer profile changes
// it. A profile read before migration 0020, which never said, is stale
// after it: the next session naming that person asks Slack again.
func TestAProfileKeepsWhetherItIsOfAnotherOrganisation(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		t0 := time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
		for _, step := range []struct {
			at       time.Duration
			external bool
		}{{0, true}, {time.Minute, false}, {2 * time.Minute, true}} {
			p := coaching.Person{ID: "UX", Name: "Pat", External: step.external, ResolvedAt: t0, ProfileAt: t0.Add(step.at)}
			if applied, err := st.UpsertPerson(ctx, p); err != nil || !applied {
				t.Fatalf("profile of %s: applied %v, %v", p.ProfileAt, applied, err)
			}
			got, err := st.PeopleByID(ctx, []string{"UX"})
			if err != nil || got["UX"].External != step.external {
				t.Fatalf("after the profile of %s: %+v, %v; want external %v", p.ProfileAt, got["UX"], err, step.external)
			}
		}

		// The people table as it was before 0020, with a profile read then.
		recent := time.Now().Add(-time.Hour)
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UOLD", Name: "Old", ResolvedAt: recent, ProfileAt: recent}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`ALTER TABLE people DROP COLUMN is_external`, `DELETE FROM schema_migrations WHERE version = 20`} {
			if err := st.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		st = open(t, db, sqlite.Options{})
		old, err := st.Person(ctx, "UOLD")
		if err != nil || old.ResolvedAt.IsZero() || time.Since(old.ResolvedAt) < 8*24*time.Hour || old.External {
			t.Errorf("a profile read before 0020 = %+v, %v; want it read once, long ago, not external", old, err)
		}
	})
}

// A workspace migrated into an Enterprise Grid organisation while the bot
// ran: people judged of another organisation then, though homed in the
// app's workspace, are the company's again on both engines, and their
// team is kept with their profile. Others stored so may be of the new
// organisation: they are read again, not cleared, and nobody else changes.
func TestOutsidersOfTheAppsOwnWorkspaceAreJudgedAgain(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		read := time.Now().Add(-time.Hour)
		for _, p := range []coaching.Person{
			{ID: "URIA", Name: "Ria", TeamID: "T0OURS", External: true},
			{ID: "UPAT", Name: "Pat", TeamID: "T0PARTNER", External: true},
			{ID: "UOLD", Name: "Old", External: true}, // read before team ids were kept
			{ID: "USAM", Name: "Sam", TeamID: "T0OURS"},
		} {
			p.ResolvedAt, p.ProfileAt = read, read
			if _, err := st.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.Person(ctx, "UPAT"); err != nil || got.TeamID != "T0PARTNER" {
			t.Fatalf("Pat stored as %+v, %v; want his team kept", got, err)
		}
		n, err := st.RejudgeOutsiders(ctx, "T0OURS")
		if err != nil || n != 1 {
			t.Fatalf("RejudgeOutsiders = %d, %v; want Ria's verdict cleared", n, err)
		}
		got, err := st.PeopleByID(ctx, []string{"URIA", "UPAT", "UOLD", "USAM"})
		if err != nil {
			t.Fatal(err)
		}
		if ria := got["URIA"]; ria.External || !ria.ResolvedAt.Equal(read.Truncate(time.Millisecond)) {
			t.Errorf("Ria = %+v; want of the company, her profile as fresh as it was", ria)
		}
		for _, id := range []string{"UPAT", "UOLD"} {
			if p := got[id]; !p.External || time.Since(p.ResolvedAt) < 8*24*time.Hour {
				t.Errorf("%s = %+v; want still of another organisation, to be read again", id, p)
			}
		}
		if sam := got["USAM"]; sam.External || !sam.ResolvedAt.Equal(read.Truncate(time.Millisecond)) {
			t.Errorf("Sam = %+v; want unchanged", sam)
		}
	})
}
