package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A database file with garbage in a page of sessions opened, and the bot
// served wrong figures without a word: SQLite checks only what it reads.
// CheckIntegrity finds it, and Integrity keeps the verdict for /healthz;
// a sound file passes.
func TestCheckIntegrityFindsGarbageInAPage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sessions []*coaching.Session
	for range 200 {
		s := oneOnOne("UM", "UR", today(), 30)
		sessions = append(sessions, &s)
	}
	insertSessions(t, st, sessions...)
	if err := st.CheckIntegrity(ctx); err != nil || st.Integrity() != nil {
		t.Fatalf("a sound file: %v, Integrity %v", err, st.Integrity())
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	sqlitetest.Spoil(t, path, "sessions")

	st = open(t, path, sqlite.Options{}) // opens: only a check reads every page
	if st.Integrity() != nil {
		t.Fatalf("Integrity before any check: %v", st.Integrity())
	}
	err = st.CheckIntegrity(ctx)
	if !errors.Is(err, sqlite.ErrDamaged) {
		t.Fatalf("CheckIntegrity = %v, want ErrDamaged", err)
	}
	for _, want := range []string{"the database file " + path + " is damaged", "quick_check: ", "restore it from a backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q; want it to say %q", err, want)
		}
	}
	if got := st.Integrity(); !errors.Is(got, sqlite.ErrDamaged) || got.Error() != err.Error() {
		t.Errorf("Integrity = %v, want the check's verdict", got)
	}
}
