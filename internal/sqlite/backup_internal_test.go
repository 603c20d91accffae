package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A backup is on disk before it is named and its name is on disk before
// Backup returns: the copy is flushed while still dest.partial, and the
// directory after the rename. Neither was, and a power cut after
// "Backed up" could leave no backup, or an empty one.
func TestABackupIsFlushedBeforeAndAfterItsRename(t *testing.T) {
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
		if name == dest+".partial" {
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("the copy was flushed after it was named %s", dest)
			}
		}
		if name == filepath.Dir(dest) {
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("the directory was flushed before the rename: %v", err)
			}
		}
		synced = append(synced, name)
		return f.Sync()
	}
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if want := []string{dest + ".partial", filepath.Dir(dest)}; !slices.Equal(synced, want) {
		t.Fatalf("flushed %q, want %q", synced, want)
	}
}
