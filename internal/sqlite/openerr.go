package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openError says what an SQLite file that did not open is wrong with,
// and what to do, when SQLite's code tells: "create schema_migrations:
// database disk image is malformed" named a statement the operator never
// ran and sent nobody to the backups, and "disk I/O error (4874)" did not
// say the disk was full. Any other error is returned as it is.
func openError(path string, readOnly bool, err error) error {
	se, ok := errors.AsType[*msqlite.Error](err)
	if !ok {
		return err
	}
	cause := strings.TrimSpace(se.Error())
	var msg string
	switch code := se.Code(); {
	case code&0xff == sqlite3.SQLITE_CORRUPT:
		msg = fmt.Sprintf("the database file is damaged (SQLite: %s): restore it from a backup (README, Backup and restore)", cause)
	case code == sqlite3.SQLITE_NOTADB:
		msg = fmt.Sprintf("the file is not an SQLite database, or its first page is damaged (SQLite: %s): check that it is Coachlog's database, or restore it from a backup (README, Backup and restore)", cause)
	case code&0xff == sqlite3.SQLITE_FULL:
		msg = fmt.Sprintf("the disk holding it is full (SQLite: %s): free some space and start again", cause)
	case code&0xff == sqlite3.SQLITE_IOERR:
		msg = ioErrorMessage(path, code, cause)
	case readOnly && (code == sqlite3.SQLITE_READONLY_DIRECTORY || code == sqlite3.SQLITE_READONLY_CANTINIT):
		// Reading a database in WAL mode takes its -shm file; opened read
		// only (readOnlyFallback), it is read without one only when no
		// -wal file is left, so this one has a log to read.
		msg = fmt.Sprintf("it cannot be read: SQLite must create its -shm file beside its -wal file, in %s, which %s may not write (SQLite: %s): run this as the database's owner, or let it write the directory",
			filepath.Dir(path), whoAmI(), cause)
	case code&0xff == sqlite3.SQLITE_READONLY || code&0xff == sqlite3.SQLITE_PERM:
		msg = fmt.Sprintf("the database file cannot be written (SQLite: %s): %s must be able to write the file, its directory, and its -wal and -shm files if present: check their owner and mode", cause, whoAmI())
	case code&0xff == sqlite3.SQLITE_CANTOPEN && deniedFile(path, readOnly) != "":
		// A file another user created -rw------- (as Coachlog creates
		// it: a roster imported as root, then the bot started as its
		// own user) read "create schema_migrations: unable to open
		// database file (14)", a statement nobody ran, and no word of
		// whose the file is.
		need := "read and write the file, its directory, and its -wal and -shm files if present"
		if readOnly {
			need = "read the file, and its -wal and -shm files if present"
		}
		msg = fmt.Sprintf("%s cannot be opened: permission denied (SQLite: %s): %s must be able to %s: check their owner and mode", deniedFile(path, readOnly), cause, whoAmI(), need)
	default:
		return err
	}
	if code := se.Code(); code&0xff == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB {
		err = errors.Join(ErrDamaged, err)
	}
	return wrapped{"open " + path + ": " + msg, err}
}

// deniedFile names the first of the database file and its -wal and -shm
// files that is there and that this process may not open as the open
// needs (read, or read and write), or "" when there is none.
func deniedFile(path string, readOnly bool) string {
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	for _, f := range []struct{ name, what string }{
		{path, "the database file"},
		{path + "-wal", "its -wal file " + path + "-wal"},
		{path + "-shm", "its -shm file " + path + "-shm"},
	} {
		h, err := os.OpenFile(f.name, flag, 0)
		if err == nil {
			h.Close()
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			return f.what
		}
	}
	return ""
}

// ioErrorMessage words a disk I/O error: a full disk when the file
// system says so, else the failed step by SQLite's extended code. A full
// disk at start fails as SQLITE_IOERR_SHMSIZE, SQLite's growing of the
// -shm file (it writes a byte into each new page of it), not as
// SQLITE_FULL: that alone does not prove the disk full, the free space
// does.
func ioErrorMessage(path string, code int, cause string) string {
	step := "a read or write of the database failed"
	if code == sqlite3.SQLITE_IOERR_SHMSIZE {
		step = "SQLite could not grow the database's -shm file (SQLITE_IOERR_SHMSIZE)"
	} else if name, ok := msqlite.ErrorCodeString[code]; ok {
		step += " " + strings.TrimSpace(name)
	}
	if free, ok := freeSpace(filepath.Dir(path)); ok && free < diskFullBelow {
		return fmt.Sprintf("the disk holding it is full (%d KB free): %s (SQLite: %s): free some space and start again", free>>10, step, cause)
	}
	return fmt.Sprintf("%s (SQLite: %s): check the disk and the file system holding it", step, cause)
}

// diskFullBelow is the free space under which an I/O error is put down
// to a full disk: less than the few pages a write or the -shm needs.
const diskFullBelow = 1 << 20

// whoAmI names the user this process runs as, the one that needs the
// access.
func whoAmI() string {
	return fmt.Sprintf("coachlog, running as uid %d,", os.Geteuid())
}

// wrapped is an error with a message of its own around another, which
// errors.Is and As still reach.
type wrapped struct {
	msg string
	err error
}

func (w wrapped) Error() string { return w.msg }
func (w wrapped) Unwrap() error { return w.err }
