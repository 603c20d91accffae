package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// integrityErrors bounds what a failed check reports: the first few
// problems say the file is damaged as well as a thousand would.
const integrityErrors = 3

// ErrDamaged marks a database file SQLite's check found damaged.
var ErrDamaged = errors.New("the database file is damaged")

// CheckIntegrity checks the SQLite file's structure (PRAGMA quick_check)
// and keeps the verdict for Integrity. A file with garbage in a page
// opened, served and gave wrong figures without a word: SQLite reads only
// the pages a query needs, and checks none. The check reads every page,
// on a reader connection, in one snapshot, so writes go on meanwhile;
// measured 0.28 s (CPU) for a 96 MB file of 200,000 sessions in the page
// cache, 2 ms for the demo's. quick_check finds pages and cells out of
// order or out of range; a value overwritten within a row is found only
// by integrity_check, ten times slower (3.1 s for that file), and a
// field changed to another valid one by neither. On PostgreSQL it checks
// nothing and returns nil.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	if s.pg {
		return nil
	}
	err := s.quickCheck(ctx)
	if err != nil && ctx.Err() != nil {
		return err // cut short: no verdict on the file
	}
	s.integrity.Store(&integrityVerdict{err})
	return err
}

// quickCheck runs PRAGMA quick_check and says what it found. It runs on a
// reader connection of its own with a small page cache, closed after it
// rather than given back to the pool: the check reads every page, and a
// pooled reader's cache (SQLite's 2 MB a connection) filled by it stayed
// in the bot's idle memory.
func (s *Store) quickCheck(ctx context.Context) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return s.checkFailed(err)
	}
	defer func() {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // closes it, out of the pool
		conn.Close()
	}()
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -256`); err != nil { // KiB
		return s.checkFailed(err)
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`PRAGMA quick_check(%d)`, integrityErrors))
	if err != nil {
		return s.checkFailed(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.checkFailed(err)
		}
		found = append(found, strings.ReplaceAll(line, "\n", "; "))
	}
	if err := rows.Err(); err != nil {
		return s.checkFailed(err)
	}
	if len(found) == 1 && found[0] == "ok" {
		return nil
	}
	return s.damaged("SQLite's quick_check: " + strings.Join(found, "; "))
}

// checkFailed is the check's error err: the file damaged when SQLite
// stopped at a page it could not read.
func (s *Store) checkFailed(err error) error {
	if se, ok := errors.AsType[*msqlite.Error](err); ok && (se.Code()&0xff == sqlite3.SQLITE_CORRUPT || se.Code() == sqlite3.SQLITE_NOTADB) {
		return s.damaged("SQLite: " + strings.TrimSpace(se.Error()))
	}
	return fmt.Errorf("check the database file %s: %w", s.path, err)
}

// damaged says the database file is damaged, found so.
func (s *Store) damaged(found string) error {
	return wrapped{fmt.Sprintf("the database file %s is damaged (%s): restore it from a backup (README, Backup and restore)", s.path, found), ErrDamaged}
}

// integrityVerdict is the last check's outcome, err nil when it passed.
type integrityVerdict struct{ err error }

// Integrity is what the last CheckIntegrity found: nil before any check
// ended, or when the file passed; else an error wrapping ErrDamaged (or
// the error that stopped the check). It is cheap, for /healthz.
func (s *Store) Integrity() error {
	if v := s.integrity.Load(); v != nil {
		return v.err
	}
	return nil
}
