package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// writeProbeWait is how long the probe waits for another process's write
// lock: one that holds it proves nothing either way, and a start must not
// wait on it.
const writeProbeWait = 100 * time.Millisecond

// probeWrite proves a writer can write the database: SQLite opens a file
// it may not write read-only without a word, and with no migration due
// nothing at start writes, so a bot on a read-only file started, answered
// /healthz, and failed every write. BEGIN IMMEDIATE does not tell (on a
// read-only file SQLite begins a read transaction instead); a DELETE that
// matches no row asks for the write lock, which a read-only file refuses
// at once, and writes nothing. A lock held by another replica (busy)
// passes: it is no fault of this file. busy is the connection's busy
// timeout, restored after.
func probeWrite(ctx context.Context, s *Store, busy time.Duration) error {
	return probeWriteOn(ctx, s.w, `DELETE FROM schema_migrations WHERE version < 0`, busy)
}

// probeWriteOn is probeWrite on db's connection, with stmt, a statement
// that asks for the write lock, rolled back.
func probeWriteOn(ctx context.Context, db *sql.DB, stmt string, busy time.Duration) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", writeProbeWait.Milliseconds())); err != nil {
		return err
	}
	// Restored even when ctx ends: the pool keeps this connection for
	// the writer.
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", busy.Milliseconds())) //nolint:errcheck // a connection that fails this fails its next statement too
	tx, err := conn.BeginTx(ctx, nil)
	if err == nil {
		_, err = tx.ExecContext(ctx, stmt)
		tx.Rollback() //nolint:errcheck // nothing was written
	}
	if se, ok := errors.AsType[*msqlite.Error](err); ok && se.Code()&0xff == sqlite3.SQLITE_BUSY {
		return nil
	}
	return err
}
