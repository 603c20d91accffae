package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// fileLookEvery is how often the writer looks whether its database file
// is still the one at its path (two stats): at most once a second, and
// only while something is written.
const fileLookEvery = time.Second

// FileReplacedError is the database file deleted, or another put in its
// place (mv, a restore), while the store has it open: SQLite goes on
// writing to the file it opened, which the next start never sees, so
// whatever is written is lost.
type FileReplacedError struct{ Path string }

// Unwrap makes it coaching.ErrStoreGone, for the callers that retry.
func (e *FileReplacedError) Unwrap() error { return coaching.ErrStoreGone }

func (e *FileReplacedError) Error() string {
	return fmt.Sprintf("the database file %s was deleted or replaced while Coachlog ran: "+
		"writes go to a file nobody will open again; stop Coachlog and restore the file", e.Path)
}

// CheckFile looks whether the file at the store's path is still the file
// it opened (device and inode on Unix, os.SameFile), and returns a
// *FileReplacedError when it is not, or when nothing is there any more.
// A path it cannot stat for another reason (a permission) is not taken
// for replaced. The writer refuses writes while it is (see runBatch);
// /healthz asks at every probe. Always nil on PostgreSQL and on a
// read-only store.
func (s *Store) CheckFile() error {
	if s.pg || s.dbf == nil {
		return nil
	}
	replaced := s.fileReplaced()
	s.wh.replaced.Store(replaced)
	if replaced {
		return &FileReplacedError{Path: s.path}
	}
	return nil
}

func (s *Store) fileReplaced() bool {
	open, err := s.dbf.Stat()
	if err != nil {
		return false // closing: nothing to tell
	}
	at, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	return err == nil && !os.SameFile(open, at)
}

// refuseReplaced is the writer's look at its file before a batch, at now:
// a *FileReplacedError while the file is known deleted or replaced.
// Writes that would be lost at the next start are refused rather than
// acknowledged (PRODUCT.md: an acknowledged submission is committed). It looks again once
// fileLookEvery has passed on the store's clock; in between it goes by
// the last look, its own or a probe's.
func (s *Store) refuseReplaced(now time.Time) error {
	if s.dbf == nil {
		return nil
	}
	ns := now.UnixNano()
	if last := s.wh.lookedNS.Load(); ns-last >= int64(fileLookEvery) || ns < last {
		s.wh.lookedNS.Store(ns)
		return s.CheckFile()
	}
	if s.wh.replaced.Load() {
		return &FileReplacedError{Path: s.path}
	}
	return nil
}
