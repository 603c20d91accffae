package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// newDatabase makes a migrated database holding Ann, closed cleanly (no
// -wal or -shm left), in a directory of its own.
func newDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, Active: true, InRoster: true}
	if _, err := st.ImportRoster(context.Background(), []coaching.Person{ann}, today()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A bot started on a database file it may not write (owned by another
// user, or mode 444) started, answered /healthz and failed every /coach:
// SQLite opens such a file read-only without a word, and with no
// migration due nothing at start wrote. A writer's open now refuses it,
// saying why; a reader's still reads it.
func TestAWriterRefusesADatabaseItCannotWrite(t *testing.T) {
	ctx := context.Background()
	path := newDatabase(t)
	sqlitetest.Unwritable(t, path)
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err == nil {
		st.Close()
		t.Fatal("a writer opened a database it cannot write")
	}
	msg := err.Error()
	for _, want := range []string{path, "the database file cannot be written", "readonly database", "owner and mode"} {
		if !strings.Contains(msg, want) {
			t.Errorf("err %q; want it to say %q", msg, want)
		}
	}
	if strings.Count(msg, path) != 1 {
		t.Errorf("err %q names the file more than once", msg)
	}
	ro := open(t, path, sqlite.Options{ReadOnly: true})
	if p, err := ro.Person(ctx, "UA"); err != nil || p.Name != "Ann" {
		t.Fatalf("a reader of the read-only file: %+v %v", p, err)
	}
}

// A database in a directory this user may not write (one another user
// owns, read from an operator's account) could not be read at all, even
// read-only: SQLite creates a WAL database's -shm file to read it. A
// database closed cleanly, no -wal left, is now read without one; a
// backup of it too.
func TestAReaderReadsADatabaseInADirectoryItCannotWrite(t *testing.T) {
	ctx := context.Background()
	path := newDatabase(t)
	sqlitetest.Unwritable(t, path)
	sqlitetest.Unwritable(t, filepath.Dir(path))
	st, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer st.Close()
	if p, err := st.Person(ctx, "UA"); err != nil || p.Name != "Ann" {
		t.Fatalf("Ann: %+v %v", p, err)
	}
	dest := filepath.Join(t.TempDir(), "bk.db")
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if _, err := os.Stat(path + "-shm"); !os.IsNotExist(err) {
		t.Errorf("a -shm beside the database: %v", err)
	}
}

// A damaged database is refused saying it is damaged and to restore a
// backup, for readers and writers alike, not "create schema_migrations:
// database disk image is malformed", a statement nobody ran.
func TestADamagedDatabaseIsRefusedSayingSo(t *testing.T) {
	for _, tt := range []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string
	}{
		{"truncated", func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, "the database file is damaged"},
		{"its header overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte(strings.Repeat("x", 100)), 0); err != nil {
				t.Fatal(err)
			}
		}, "is not an SQLite database, or its first page is damaged"},
	} {
		for _, readOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, read only %v", tt.name, readOnly), func(t *testing.T) {
				path := newDatabase(t)
				tt.damage(t, path)
				st, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: readOnly})
				if err == nil {
					st.Close()
					t.Fatal("opened a damaged database")
				}
				msg := err.Error()
				for _, want := range []string{"open " + path + ": ", tt.want, "restore it from a backup (README, Backup and restore)"} {
					if !strings.Contains(msg, want) {
						t.Errorf("read only %v: err %q; want it to say %q", readOnly, msg, want)
					}
				}
				if !errors.Is(err, sqlite.ErrDamaged) {
					t.Errorf("err %q is not ErrDamaged", msg)
				}
				if strings.Contains(msg, "schema_migrations") || strings.Contains(msg, "schema version") {
					t.Errorf("err %q names a statement", msg)
				}
			})
		}
	}
}

// A database file this user may not open at all (another user's, created
// -rw------- as Coachlog creates it: a roster imported as root, then the
// bot started as its own user) was refused as "create schema_migrations:
// unable to open database file (14)" (a statement nobody ran) and, by a
// command that reads, "read schema version: …". Both now say the file
// cannot be opened, who is asking, and to check its owner and mode.
func TestADatabaseFileItMayNotOpenIsRefusedSayingSo(t *testing.T) {
	path := os.Getenv("COACHLOG_TEST_DENIED_DB")
	switch {
	case path != "":
		// The run as another user below: the file is root's.
	case os.Geteuid() == 0:
		// No mode stops root: run this test again as nobody.
		path = newDatabase(t)
		for _, d := range []string{filepath.Dir(filepath.Dir(path)), filepath.Dir(path)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		asNobody(t, path)
		return
	default:
		path = newDatabase(t)
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, 0o600) })
	}
	for _, readOnly := range []bool{false, true} {
		st, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: readOnly})
		if err == nil {
			st.Close()
			t.Fatalf("read only %v: opened a file it may not open", readOnly)
		}
		msg := err.Error()
		for _, want := range []string{"open " + path + ": the database file cannot be opened: permission denied", fmt.Sprintf("running as uid %d", os.Geteuid()), "owner and mode"} {
			if !strings.Contains(msg, want) {
				t.Errorf("read only %v: err %q; want it to say %q", readOnly, msg, want)
			}
		}
		if strings.Contains(msg, "schema") {
			t.Errorf("read only %v: err %q names a statement", readOnly, msg)
		}
	}
}

// asNobody runs the calling test again in a copy of the test binary as
// uid and gid 65534, with COACHLOG_TEST_DENIED_DB=path, and fails with
// its output if it fails.
func asNobody(t *testing.T, path string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "sqlite.test")
	if err := os.Chmod(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(filepath.Dir(bin)), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^"+t.Name()+"$", "-test.count", "1")
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(os.Environ(), "COACHLOG_TEST_DENIED_DB="+path, "TMPDIR="+filepath.Dir(bin), "HOME="+filepath.Dir(bin))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the test as uid 65534: %v\n%s", err, out)
	}
}
