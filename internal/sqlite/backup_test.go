package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A database and its backup are the files named, whatever characters the
// names hold: SQLite reads a file: URI's ? and # as the end of the name
// and %HH as an escape, so unescaped they opened (and created) another,
// empty file, and the backup's check passed on that one.
func TestDatabaseAndBackupPathsAreTheFilesNamed(t *testing.T) {
	for _, tt := range []struct{ name, db, backup string }{
		{"plain", "coachlog.db", "backup.db"},
		{"a hash in the backup's name", "coachlog.db", "backup#2.db"},
		{"a hash in both", "team#1.db", "backup#2.db"},
		{"a question mark", "what?.db", "backup?mode=memory.db"},
		{"a percent escape", "50%41.db", "backup%2Fx.db"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st := open(t, filepath.Join(dir, tt.db), sqlite.Options{})
			ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, Active: true, InRoster: true}
			if _, err := st.ImportRoster(ctx, []coaching.Person{ann}, today()); err != nil {
				t.Fatal(err)
			}
			dest := filepath.Join(dir, tt.backup)
			if err := st.Backup(ctx, dest); err != nil {
				t.Fatalf("backup: %v", err)
			}
			st.Close()
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if want := []string{tt.backup, tt.db}; !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(want))) {
				t.Fatalf("files in the directory: %q, want %q", names, want)
			}
			copied := open(t, dest, sqlite.Options{ReadOnly: true})
			if p, err := copied.Person(ctx, "UA"); err != nil || p.Name != "Ann" {
				t.Fatalf("Ann in the backup: %+v %v", p, err)
			}
		})
	}
}

// The database, its log and its backup hold every note and dispute
// reason: each is created readable by its owner alone, whatever the
// umask; a file the operator created owner-only keeps the mode they gave
// it (one others could read is tightened: see filemode_test.go).
func TestDatabaseAndBackupAreCreatedPrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, dest, theirs := filepath.Join(dir, "coachlog.db"), filepath.Join(dir, "backup.db"), filepath.Join(dir, "theirs.db")
	st := open(t, db, sqlite.Options{})
	ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, Active: true, InRoster: true}
	if _, err := st.ImportRoster(ctx, []coaching.Person{ann}, today()); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatalf("backup: %v", err)
	}
	for _, path := range []string{db, db + "-wal", dest} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want -rw-------", filepath.Base(path), got)
		}
	}
	// An owner-only mode of the operator's own stays as they gave it.
	if err := os.WriteFile(theirs, nil, 0o400|0o200); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	open(t, theirs, sqlite.Options{})
	if fi, err := os.Stat(theirs); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("an existing owner-only file's mode: %v %v, want -rwx------", fi.Mode().Perm(), err)
	}
}
