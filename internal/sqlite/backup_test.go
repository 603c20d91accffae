package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A database and its backup are the files named, whatever characters the
// names hold: SQLite reads a file: URI's ? and # as the end of the name
// and %HH as an escape, so unescaped they opened (and created) another,
// empty file, and the backup's check passed on that one. A relative
// name that starts with file: is a URI to VACUUM INTO: `coachlog backup
// file:b.db` wrote its copy to b.db.partial, readable by anyone, and
// named the empty file it had made beforehand the backup.
func TestDatabaseAndBackupPathsAreTheFilesNamed(t *testing.T) {
	for _, tt := range []struct {
		name, db, backup string
		relative         bool // the paths as given from the directory, not under it
	}{
		{"plain", "coachlog.db", "backup.db", false},
		{"a hash in the backup's name", "coachlog.db", "backup#2.db", false},
		{"a hash in both", "team#1.db", "backup#2.db", false},
		{"a question mark", "what?.db", "backup?mode=memory.db", false},
		{"a percent escape", "50%41.db", "backup%2Fx.db", false},
		{"relative", "coachlog.db", "backup.db", true},
		{"relative, starting file:", "file:team.db", "file:backup.db", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, dest := filepath.Join(dir, tt.db), filepath.Join(dir, tt.backup)
			if tt.relative {
				t.Chdir(dir)
				db, dest = tt.db, tt.backup
			}
			st := open(t, db, sqlite.Options{})
			ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, Active: true, InRoster: true}
			if _, err := st.ImportRoster(ctx, []coaching.Person{ann}, today()); err != nil {
				t.Fatal(err)
			}
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

// A backup never writes over anything, and says what is in the way and
// what it wants instead: `coachlog backup /tmp` said "/tmp already
// exists", as if a file were there, not that it takes a file's path.
func TestABackupOverSomethingSaysWhatIsThereAndWhatItWants(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, filepath.Join(dir, "coachlog.db"), sqlite.Options{Now: func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }})
	file := filepath.Join(dir, "taken.db")
	if err := os.WriteFile(file, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, dest string
		want, not  []string
		prep       func(t *testing.T) // makes what is in the way
	}{
		{"a directory", dir, []string{dir + " is a directory", "a file that does not exist yet", filepath.Join(dir, "coachlog-2026-11-30.db")}, []string{"already exists"}, nil},
		{"a file", file, []string{file + " already exists", "a file that does not exist yet"}, []string{"directory"}, nil},
		// "no such file or directory" answered a path given, as asked, of
		// a file that does not exist yet: the directory is what is not.
		{"a directory not there", filepath.Join(dir, "gone", "b.db"), []string{"the directory " + filepath.Join(dir, "gone") + " does not exist"},
			[]string{"no such file"}, nil},
		// "permission denied" alone named neither the directory nor
		// the user who may not write it.
		{"a directory it may not write", filepath.Join(dir, "theirs", "b.db"), []string{"the directory " + filepath.Join(dir, "theirs") + " may not be written",
			"running as uid", "check its owner and mode"}, nil, func(t *testing.T) {
			theirs := filepath.Join(dir, "theirs")
			if err := os.Mkdir(theirs, 0o700); err != nil {
				t.Fatal(err)
			}
			sqlitetest.Unwritable(t, theirs)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prep != nil {
				tt.prep(t)
			}
			err := st.Backup(ctx, tt.dest)
			if err == nil {
				t.Fatalf("backup to %s worked", tt.dest)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("%q says %q", err, n)
				}
			}
		})
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "theirs" {
		t.Errorf("the file in the way: %q %v; want it untouched", b, err)
	}
}
