package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// A database file an older Coachlog's `roster import` or `demo` created
// -rw-r--r-- stayed so after the new binary opened and migrated it,
// though it holds every note: an open to write now makes it, and the
// -wal and -shm beside it, owner-only, with one warning per file naming
// it and its old mode and never what it holds.
func TestAWorldReadableDatabaseFileIsMadeOwnerOnlyAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	worldReadable(t, path)
	var logs bytes.Buffer
	st := open(t, path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v after the open, want -rw-------", filepath.Base(p), got)
		}
		if want := fmt.Sprintf("path=%s old_mode=0644", p); !strings.Contains(logs.String(), want) {
			t.Errorf("no warning with %q:\n%s", want, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 3 {
		t.Errorf("%d warnings, want one per file:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "a note") {
		t.Errorf("the warning shows the file's contents:\n%s", logs.String())
	}
	st.Close()

	// Owner-only now: the next open says nothing.
	logs.Reset()
	open(t, path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if logs.Len() != 0 {
		t.Errorf("a second open warned:\n%s", logs.String())
	}
}

// A file this process may not chmod (another user's; here one made
// immutable, which root may not chmod either) is a warning saying it is
// readable by others and how to fix it, and the open goes on.
func TestAWorldReadableDatabaseFileThatCannotBeChmodedIsAWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "theirs.db")
	worldReadable(t, path)
	if os.Geteuid() != 0 {
		t.Skip("needs root, to make the file immutable")
	}
	wal := path + "-wal"
	if out, err := exec.Command("chattr", "+i", wal).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", wal).Run() })
	var logs bytes.Buffer
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err == nil {
		st.Close()
	}
	out := logs.String()
	if !strings.Contains(out, "readable by others") || !strings.Contains(out, "chmod go-rwx") ||
		!strings.Contains(out, "path="+wal) {
		t.Errorf("want a warning that %s is readable by others, saying how to fix it:\n%s", wal, out)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the database file itself was not tightened: %v %v", fi.Mode().Perm(), err)
	}
}

// worldReadable writes, at path, a database file with a note in it and
// its -wal and -shm, all -rw-r--r--, as an older Coachlog left them.
func worldReadable(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	// A connection left open keeps the -wal and -shm there.
	if _, err := db.Exec(`CREATE TABLE t (note TEXT); INSERT INTO t VALUES ('a note')`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
