package sqlite

import (
	"errors"
	"os"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// readOnlyFallback says whether a read-only open that failed with err
// may read the file as immutable instead. A database in WAL mode is read
// with a -shm file beside it, which SQLite creates when it is not there:
// in a directory this user may not write (a database another user owns,
// read by an operator's account), even a read-only open failed, "attempt
// to write a readonly database". When no -wal file is there either, no
// writer has the database open (SQLite deletes both when the last
// connection closes cleanly) and the file holds every commit: opened
// immutable it is read without the -shm. A -wal left there holds commits
// the file lacks, so the error stands (openError words it). Immutable,
// it takes no lock: a bot that started meanwhile, as a user that may
// write there, could change the file under a long read. A read-only
// command is short, and risks that rather than not reading at all.
func (s *Store) readOnlyFallback(err error) bool {
	se, ok := errors.AsType[*msqlite.Error](err)
	if !ok {
		return false
	}
	// Denied with EACCES (a mode), SQLite says READONLY_DIRECTORY; with
	// EPERM (an immutable directory), CANTOPEN. A file that cannot be
	// opened at all fails the second open too, and says so.
	switch se.Code() {
	case sqlite3.SQLITE_READONLY_DIRECTORY, sqlite3.SQLITE_READONLY_CANTINIT, sqlite3.SQLITE_CANTOPEN:
	default:
		return false
	}
	_, statErr := os.Stat(s.path + "-wal")
	return errors.Is(statErr, os.ErrNotExist)
}
