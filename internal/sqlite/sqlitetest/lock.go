package sqlitetest

import (
	"context"
	"database/sql"
	"testing"
)

// HoldWriteLock takes the write lock of the database at path from a
// connection of its own, as another process (a roster import, say) holding
// a long transaction would, and keeps it until release is called.
func HoldWriteLock(tb testing.TB, path string) (release func()) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		conn.Close()
		db.Close()
		tb.Fatal(err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(context.Background(), `ROLLBACK`); err != nil {
			tb.Errorf("release the write lock: %v", err)
		}
		conn.Close()
		db.Close()
	}
	tb.Cleanup(release)
	return release
}
