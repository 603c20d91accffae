package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// PostgreSQL refuses text holding a NUL character, which a Slack name or
// status, a roster file or a pasted note may carry: the store drops NULs
// from every text it is given, so both engines store the same thing and
// neither fails, whichever way the text came (a profile, an import, a
// session written without the service's cleaning). Lookups drop them
// too, and find what was stored.
func TestTextLosesItsNULsOnBothEngines(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		now := time.Now()
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UR1", Name: "Sam\x00 Rep", Email: "sam@acme.test\x00",
			SlackTZ: "Europe/Paris\x00", Status: coaching.SlackStatus{Text: "On\x00 vacation", Emoji: ":palm_tree:\x00"},
			ResolvedAt: now, ProfileAt: now}); err != nil {
			t.Fatalf("a profile with NULs: %v", err)
		}
		max := coaching.Person{ID: "UM1", Name: "Max\x00 Manager", RosterNamed: true, Email: "max\x00@acme.test",
			Roles: []string{"manager"}, Active: true, InRoster: true}
		if _, err := st.ImportRoster(ctx, []coaching.Person{max}, coaching.DateOf(now, time.UTC)); err != nil {
			t.Fatalf("a roster with NULs: %v", err)
		}
		s := oneOnOne("UM1", "UR1", today(), 30)
		s.Notes = "good\x00 discovery"
		insertSessions(t, st, &s)
		err := st.Update(ctx, func(tx coaching.Tx) error {
			return tx.InsertCommitments(ctx, []coaching.Commitment{{SessionID: s.ID, RepID: "UR1", Text: "send\x00 recap",
				Status: coaching.CommitmentOpen, ManagerID: "UM1", CreatedOn: today()}})
		})
		if err != nil {
			t.Fatalf("a commitment with NULs: %v", err)
		}

		sam, err := st.Person(ctx, "UR1\x00")
		if err != nil || sam.Name != "Sam Rep" || sam.Email != "sam@acme.test" || sam.SlackTZ != "Europe/Paris" ||
			sam.Status != (coaching.SlackStatus{Text: "On vacation", Emoji: ":palm_tree:"}) || !sam.Away(today(), now) {
			t.Errorf("Sam = %+v, %v; want his profile without NULs, away", sam, err)
		}
		if got, err := st.Person(ctx, "UM1"); err != nil || got.Name != "Max Manager" || got.Email != "max@acme.test" {
			t.Errorf("Max = %+v, %v; want the roster's name and email without NULs", got, err)
		}
		got, err := st.Session(ctx, s.ID)
		if err != nil || got.Notes != "good discovery" {
			t.Errorf("notes = %q, %v; want them without NULs", got.Notes, err)
		}
		open, err := st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{}, 10)
		if err != nil || len(open) != 1 || open[0].Text != "send recap" {
			t.Errorf("commitments = %+v, %v; want one without NULs", open, err)
		}
	})
}

// A SQLite file written before the store dropped NULs may hold some;
// `coachlog copy` moves it to PostgreSQL all the same, without them.
func TestCopyDropsTheNULsOfAnOlderFile(t *testing.T) {
	pg := sqlitetest.PostgresDB(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "old.db")
	open(t, file, sqlite.Options{}).Close()
	raw, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO people (id, name, status_text, created_at, updated_at)
		VALUES ('UR1', ?, ?, 1, 1)`, "Sam\x00 Rep", "On\x00 vacation"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.CopyToPostgres(ctx, file, pg, sqlite.Options{}, nil); err != nil {
		t.Fatalf("copy of a file with NULs: %v", err)
	}
	st := open(t, pg, sqlite.Options{ReadOnly: true})
	if p, err := st.Person(ctx, "UR1"); err != nil || p.Name != "Sam Rep" || p.Status.Text != "On vacation" {
		t.Errorf("Sam on PostgreSQL = %+v, %v; want his name and status without NULs", p, err)
	}
}
