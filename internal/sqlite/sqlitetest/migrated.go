package sqlitetest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// Migrated puts at path, which must not exist, a new database file with
// this build's migrations applied, as a first open to write leaves it once
// closed: owner-only (0600), in WAL mode, no -wal or -shm beside it, no
// row in any table but schema_migrations. An open of it migrates nothing.
//
// A test whose point is not the database's creation starts on one: the
// 27 migrations a new file needs were about a sixth of cmd/bot's test CPU,
// run again for every bot a test started. A test of what a start says or
// does on a missing file, of a migration, of an old schema or of the
// file's mode must open the real missing path instead.
func Migrated(tb testing.TB, path string) {
	tb.Helper()
	b, err := migratedTemplate()
	if err != nil {
		tb.Fatalf("migrated template database: %v", err)
	}
	// O_EXCL: a test that already has a file there is not on a new
	// database, and must not be silently given one.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		tb.Fatalf("copy the migrated database: %v", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		tb.Fatalf("copy the migrated database to %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		tb.Fatalf("copy the migrated database to %s: %v", path, err)
	}
}

// migratedTemplate is the migrated database file's bytes, made once per
// test binary and held in memory: process state on purpose, as sharing it
// between the tests of a binary is the point. It is kept in no file, so
// that no run leaves one in the temp dir and no build reads one another
// build's migrations made.
var migratedTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "coachlog-migrated-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	// Close checkpoints the log into the main file and removes it: only
	// then does the main file alone hold the whole database.
	if err := st.Close(); err != nil {
		return nil, fmt.Errorf("close: %w", err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + side); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s left beside the database after its close (%v): the main file alone is not the database", side, err)
		}
	}
	return os.ReadFile(path)
})
