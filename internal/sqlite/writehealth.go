package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/coachlog/coachlog/internal/coaching"
)

// WriteFailure is why a write to the SQLite database failed, for /healthz
// and /metrics: the database's trouble, never the write's own (a domain
// error, a panic).
type WriteFailure string

// Why writes fail.
const (
	WriteBusy     WriteFailure = "busy"      // another process holds the write lock (or the writer was too slow for a deadline)
	WriteDiskFull WriteFailure = "disk_full" // SQLITE_FULL
	WriteReadOnly WriteFailure = "read_only" // SQLITE_READONLY: a read-only file, directory or mount
	WriteIO       WriteFailure = "io"        // SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB
	WriteReplaced WriteFailure = "replaced"  // the file was deleted or replaced under the store (CheckFile)
)

// WriteFailures are every WriteFailure, for a metric to show each from its
// first scrape.
var WriteFailures = [...]WriteFailure{WriteBusy, WriteDiskFull, WriteReadOnly, WriteIO, WriteReplaced}

// Plain says f in words an operator can act on.
func (f WriteFailure) Plain() string {
	switch f {
	case WriteBusy:
		return "timed out waiting for the write lock (another process holding it?)"
	case WriteDiskFull:
		return "the disk is full"
	case WriteReadOnly:
		return "the database is read-only (its file, directory or disk)"
	case WriteIO:
		return "the disk reports I/O errors"
	case WriteReplaced:
		return "the database file was deleted or replaced"
	}
	return string(f)
}

// writeFailure is why err, a write's answer, failed, "" when it did not
// fail for the database (nil, or the write's own error).
func writeFailure(err error) WriteFailure {
	if err == nil {
		return ""
	}
	if _, ok := errors.AsType[*FileReplacedError](err); ok {
		return WriteReplaced
	}
	if se, ok := errors.AsType[*msqlite.Error](err); ok {
		switch se.Code() & 0xff { // the primary code of an extended one (https://sqlite.org/rescode.html)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return WriteBusy
		case sqlite3.SQLITE_FULL:
			return WriteDiskFull
		case sqlite3.SQLITE_READONLY:
			return WriteReadOnly
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return WriteIO
		}
	}
	if coaching.ErrorCode(err) == coaching.EBusy {
		return WriteBusy // gave up waiting: a deadline, which holds no code
	}
	return ""
}

// writeHealth is how the SQLite writes have gone lately: since when they
// have failed or waited without one committing, and why the last failed.
// A probe reads it from memory, never queueing a write of its own.
type writeHealth struct {
	mu sync.Mutex
	// since is when the first of the batches (or lone statements) that
	// have failed since the last commit began; or, with none failed, when
	// the running batch began. Zero while writes go through.
	since time.Time
	why   WriteFailure // the last failure's, "" while none failed since the last commit
	// failed counts the writes that failed, by WriteFailures' index.
	failed [len(WriteFailures)]atomic.Int64

	replaced atomic.Bool  // the file was found deleted or replaced at the last look (CheckFile)
	lookedNS atomic.Int64 // when the writer last looked (the store's clock, unix ns)
}

// batchRun is what start found, for finish.
type batchRun struct{ prev, start time.Time }

// start marks a batch beginning at now: writes wait from now unless they
// have been failing already.
func (h *writeHealth) start(now time.Time) batchRun {
	h.mu.Lock()
	defer h.mu.Unlock()
	run := batchRun{prev: h.since, start: now}
	if h.since.IsZero() {
		h.since = now
	}
	return run
}

// finish records how a batch that start marked ended: committed, or the
// reasons its writes failed for (none: nothing committed and nothing
// failed for the database, which changes nothing).
func (h *writeHealth) finish(run batchRun, committed bool, why []WriteFailure) {
	for _, w := range why {
		h.count(w)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case committed:
		h.since, h.why = time.Time{}, ""
	case len(why) > 0:
		if h.since.IsZero() { // a lone statement committed while the batch waited
			h.since = run.start
		}
		h.why = why[len(why)-1]
	case h.since.Equal(run.start):
		h.since = run.prev
	}
}

// statement records a lone statement run on the writer connection
// outside the writer's batches (ExecContext: leases, outbox marks),
// ended at now with err, having changed rows or not. One that changed
// nothing wrote nothing (a contender's look at a role another holds):
// on a full disk it commits all the same, and proves nothing.
func (h *writeHealth) statement(now time.Time, err error, changed bool) {
	why := writeFailure(err)
	if err != nil && why == "" || err == nil && !changed {
		return
	}
	if why != "" {
		h.count(why)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if why == "" {
		h.since, h.why = time.Time{}, ""
		return
	}
	if h.since.IsZero() {
		h.since = now
	}
	h.why = why
}

func (h *writeHealth) count(w WriteFailure) {
	for i, f := range WriteFailures {
		if f == w {
			h.failed[i].Add(1)
		}
	}
}

// WriteTrouble says since when the SQLite writes have been failing, or
// waiting, without one committing (zero when they go through), and why
// the last one failed ("" when none failed yet: they wait). A commit
// ends it, so writes that each give up at their own deadline (2 s on the
// ack path) behind another process's lock show as one run of trouble,
// however short each wait. PostgreSQL's writes are not followed here:
// zero.
func (s *Store) WriteTrouble() (since time.Time, why WriteFailure) {
	s.wh.mu.Lock()
	defer s.wh.mu.Unlock()
	return s.wh.since, s.wh.why
}

// FailedWrites counts the writes that failed for the database since
// start, by why; every WriteFailure is there. Always 0 on PostgreSQL.
func (s *Store) FailedWrites() map[WriteFailure]int64 {
	n := make(map[WriteFailure]int64, len(WriteFailures))
	for i, f := range WriteFailures {
		n[f] = s.wh.failed[i].Load()
	}
	return n
}

// execW runs a statement on the writer connection, outside the writer's
// batches, and records how it went (writeHealth.statement).
func (s *Store) execW(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := s.wq.ExecContext(ctx, q, args...)
	if !s.pg {
		changed := false
		if err == nil {
			n, _ := res.RowsAffected() // SQLite's count of the statement's changes, kept in memory
			changed = n > 0
		}
		s.wh.statement(s.now(), err, changed)
	}
	return res, err
}
