package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A backup is on disk before it is named and its name is on disk before
// Backup returns: the copy is flushed while still a partial copy beside
// dest, and the directory after it takes dest's name. Neither was, and a
// power cut after "Backed up" could leave no backup, or an empty one.
func TestABackupIsFlushedBeforeAndAfterItIsNamed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, filepath.Join(dir, "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dest := filepath.Join(t.TempDir(), "bk.db")
	var synced []string
	st.fsync = func(f *os.File) error {
		name := f.Name()
		if strings.HasPrefix(name, dest+".partial-") {
			name = "the partial copy"
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("the copy was flushed after it was named %s", dest)
			}
		}
		if name == filepath.Dir(dest) {
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("the directory was flushed before the copy was named: %v", err)
			}
		}
		synced = append(synced, name)
		return f.Sync()
	}
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if want := []string{"the partial copy", filepath.Dir(dest)}; !slices.Equal(synced, want) {
		t.Fatalf("flushed %q, want %q", synced, want)
	}
}

// backupSource opens a database with one person in it, for a backup to copy
// and a test to find again in the copy.
func backupSource(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ann := coaching.Person{ID: "UA", Name: "Ann", Roles: []string{"rep"}, Active: true, InRoster: true}
	if _, err := st.ImportRoster(ctx, []coaching.Person{ann}, coaching.DateOf(time.Now(), time.UTC)); err != nil {
		t.Fatal(err)
	}
	return st
}

// isBackup fails t unless path is a backup that passes its check and
// holds backupSource's person.
func isBackup(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	if err := checkCopy(ctx, path); err != nil {
		t.Fatalf("the file at %s: %v", path, err)
	}
	copied, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if p, err := copied.Person(ctx, "UA"); err != nil || p.Name != "Ann" {
		t.Fatalf("Ann in the backup: %+v %v", p, err)
	}
}

// filesIn lists the names in dir, sorted.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Two backups to one file at once (two cron jobs, or an operator's beside
// cron's) make one backup, and the other says the file is there: both
// wrote dest.partial, each removing the other's, and one failed with "no
// such file or directory", or both renamed theirs over dest in turn. The
// race is in the file system, so one store serves as two processes would.
func TestTwoBackupsToOneFileAtOnceMakeOne(t *testing.T) {
	ctx := context.Background()
	st := backupSource(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "bk.db")
	// Both backups have looked at dest and made their copy before either
	// puts it in place: each waits at its copy's flush for the other.
	var arrived atomic.Int32
	both := make(chan struct{})
	st.fsync = func(f *os.File) error {
		if strings.HasPrefix(f.Name(), dest+".partial") {
			if arrived.Add(1) == 2 {
				close(both)
			}
			select {
			case <-both:
			case <-time.After(10 * time.Second): // the other failed before its flush
			}
		}
		return f.Sync()
	}
	var errs [2]error
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = st.Backup(ctx, dest) })
	}
	wg.Wait()
	if arrived.Load() != 2 {
		t.Errorf("%d of the backups flushed a copy, want both (%v)", arrived.Load(), errs)
	}
	var made, refused int
	for _, err := range errs {
		switch {
		case err == nil:
			made++
		case strings.Contains(err.Error(), dest+" already exists; give the path of a file that does not exist yet"):
			refused++
		default:
			t.Errorf("a backup failed: %v; want it made, or refused as the file is there", err)
		}
	}
	if made != 1 || refused != 1 {
		t.Fatalf("%d backups made and %d refused (%v); want one of each", made, refused, errs)
	}
	isBackup(t, dest)
	if got := filesIn(t, dir); !slices.Equal(got, []string{"bk.db"}) {
		t.Errorf("files in the directory: %q, want the backup alone", got)
	}
}

// A file that appears at dest after the backup looked (another backup's,
// an operator's) is never written over: the look and the rename were two
// steps, and the rename replaced whatever came between them. Where the
// file system has no hard links the backup renames, after looking again.
func TestABackupNeverOverwritesAFileThatAppearsMeanwhile(t *testing.T) {
	noLinks := func(oldname, newname string) error {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	for _, tt := range []struct {
		name    string
		link    func(oldname, newname string) error
		appears bool // a file appears at dest while the copy is made
	}{
		{"hard links", nil, true},
		{"no hard links", noLinks, true},
		{"no hard links, nothing there", noLinks, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := backupSource(t)
			st.link = tt.link
			dir := t.TempDir()
			dest := filepath.Join(dir, "bk.db")
			st.fsync = func(f *os.File) error {
				if tt.appears && strings.HasPrefix(f.Name(), dest+".partial") {
					if err := os.WriteFile(dest, []byte("theirs"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				return f.Sync()
			}
			err := st.Backup(ctx, dest)
			if got := filesIn(t, dir); !slices.Equal(got, []string{"bk.db"}) {
				t.Errorf("files in the directory: %q, want %s alone", got, dest)
			}
			if !tt.appears {
				if err != nil {
					t.Fatalf("backup: %v", err)
				}
				isBackup(t, dest)
				return
			}
			if err == nil || !strings.Contains(err.Error(), dest+" already exists; give the path of a file that does not exist yet") {
				t.Errorf("backup over a file that appeared: %v; want it refused as already there", err)
			}
			if b, err := os.ReadFile(dest); err != nil || string(b) != "theirs" {
				t.Errorf("the file that appeared: %.20q… %v; want it untouched", b, err)
			}
		})
	}
}

// A backup removes only what it made: a partial copy beside dest may be
// another backup's, still being written (an older Coachlog's, which named
// its own dest.partial), and removing it failed that backup. One left by
// a killed backup does not stand in the way of the next either.
func TestABackupLeavesOtherPartialCopiesAlone(t *testing.T) {
	ctx := context.Background()
	st := backupSource(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "bk.db")
	others := []string{"bk.db.partial", "bk.db.partial-123456789"}
	for _, name := range others {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("theirs"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatalf("backup beside other partial copies: %v", err)
	}
	isBackup(t, dest)
	for _, name := range others {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != "theirs" {
			t.Errorf("%s: %.20q… %v; want it untouched", name, b, err)
		}
	}
	if got, want := filesIn(t, dir), append([]string{"bk.db"}, others...); !slices.Equal(got, want) {
		t.Errorf("files in the directory: %q, want %q", got, want)
	}
}
