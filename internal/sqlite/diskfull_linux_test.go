package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// smallDisk mounts a file system of size bytes for the test: root only,
// skipped elsewhere.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a small file system (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	return dir
}

// fill writes into dir until its file system is full.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			return
		}
	}
}

// A start on a full disk said "create schema_migrations: disk I/O error
// (4874)": SQLite fails there growing the -shm file
// (SQLITE_IOERR_SHMSIZE), not with SQLITE_FULL. It now says the disk is
// full, as the file system tells.
func TestAStartOnAFullDiskSaysTheDiskIsFull(t *testing.T) {
	dir, path := databaseOnASmallDisk(t)
	fill(t, dir)
	for _, readOnly := range []bool{false, true} {
		st, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: readOnly})
		if err == nil {
			st.Close()
			t.Fatalf("read only %v: opened on a full disk", readOnly)
		}
		for _, want := range []string{"open " + path + ": the disk holding it is full", "free some space"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("read only %v: err %q; want it to say %q", readOnly, err, want)
			}
		}
		os.Remove(path + "-shm")
		os.Remove(path + "-wal")
	}
}

// A backup that fails, here on a full disk, leaves no file behind: its
// .partial was removed but SQLite's journal of it, .partial-journal,
// stayed. SQLite journals the copy once it outgrows the page cache (2 MB
// by default), so the database here is larger than that.
func TestABackupThatFailsLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, newDatabase(t), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Exec(ctx, `CREATE TABLE ballast (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 4000)
		INSERT INTO ballast SELECT randomblob(1000) FROM n`); err != nil {
		t.Fatal(err)
	}
	dir := smallDisk(t, "1m")
	if err := st.Backup(ctx, filepath.Join(dir, "bk.db")); err == nil {
		t.Fatal("a backup larger than the disk worked")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

// CheckWritable, which `coachlog roster import` runs before it asks Slack,
// finds a full disk as Open finds it, in the same words.
func TestCheckWritableFindsAFullDiskAsOpenDoes(t *testing.T) {
	dir, path := databaseOnASmallDisk(t)
	if err := sqlite.CheckWritable(context.Background(), path, sqlite.Options{}); err != nil {
		t.Fatalf("a database with room: %v", err)
	}
	fill(t, dir)
	err := sqlite.CheckWritable(context.Background(), path, sqlite.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "open "+path+": the disk holding it is full") {
		t.Errorf("err %v; want it to say the disk is full, as Open does", err)
	}
	os.Remove(path + "-shm")
	os.Remove(path + "-wal")
}

// databaseOnASmallDisk copies a new database onto a 1 MB file system of
// its own, to be filled (fill): the folder and the file's path.
func databaseOnASmallDisk(t *testing.T) (dir, path string) {
	t.Helper()
	b, err := os.ReadFile(newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	dir = smallDisk(t, "1m")
	path = filepath.Join(dir, "c.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}
