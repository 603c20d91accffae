package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// CheckWritable finds, without creating, migrating or writing anything,
// what would make Open refuse the database at path for writing, with
// the error Open would give: a directory named, a file or directory this
// process may not write, a full disk, a schema newer than this build, a
// PostgreSQL server that does not answer. A command that asks Slack for
// minutes before it opens the database (`coachlog roster import`, whose
// users.list pages through the workspace) calls it first, so that such a
// database is found at once rather than after the wait, and writes
// nothing before its file is checked. Another process holding the write
// lock passes, as at Open. A schema older than this build passes: Open
// migrates it.
func CheckWritable(ctx context.Context, path string, opts Options) error {
	if IsPostgres(path) {
		return checkPostgres(ctx, path, opts)
	}
	if IsMiscasedPostgres(path) {
		return fmt.Errorf("open %s: %w", Redact(path), ErrMiscasedScheme)
	}
	if err := checkFile(ctx, path, opts); err != nil {
		return openError(path, false, err)
	}
	return nil
}

// checkPostgres opens the PostgreSQL database read-only, as a connection
// and a schema check: none yet (an empty database) or an older one is
// what Open creates or migrates.
func checkPostgres(ctx context.Context, path string, opts Options) error {
	opts.ReadOnly = true
	st, err := openPostgres(ctx, path, opts)
	if err == nil {
		return st.Close()
	}
	if _, old := errors.AsType[ErrSchemaOld](err); old || errors.Is(err, ErrNoDatabase) {
		return nil
	}
	// Opened to read, it names a reader's GRANT (USAGE); the import
	// writes, and after USAGE alone would stop at CREATE.
	if u, ok := errors.AsType[unusableSchema](err); ok {
		u.write = true
		return fmt.Errorf("open %s: %w", Redact(path), u)
	}
	return err
}

// checkFile is CheckWritable on a SQLite file.
func checkFile(ctx context.Context, path string, opts Options) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		_, err := openFile(ctx, path, Options{ReadOnly: true}) // says so, as Open does
		return err
	case errors.Is(err, fs.ErrNotExist):
		// Open creates it: made and removed again, the directory is
		// proved writable and nothing is left.
		if err := createPrivate(path); err != nil {
			return fmt.Errorf("open %s: %w", path, err)
		}
		return os.Remove(path)
	}
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = 2 * time.Second
	}
	opts.ReadOnly = false
	// A connection as the writer's, but for journal_mode(WAL), which
	// would be a write to a file in another mode.
	db, err := sql.Open("sqlite", dsn(path, opts, false))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	probe := `DELETE FROM schema_migrations WHERE version < 0`
	switch err := checkSchema(ctx, db, false, SchemaVersion()); {
	case errors.Is(err, errNoSchema):
		// An empty file (touched, or left by a failed start): Open
		// creates the tables, which needs the write lock too.
		probe = `CREATE TABLE coachlog_write_probe (x)`
	case err != nil:
		return err
	}
	return probeWriteOn(ctx, db, probe, opts.BusyTimeout)
}
