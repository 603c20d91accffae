package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
)

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

// writeReq is one Update waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fn   func(coaching.Tx) error
	done chan error
}

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store is closed")

// Update runs fn in a write transaction and returns once it is committed
// (or rolled back when fn fails). Writes that arrive together share one
// commit (group commit): each runs in its own savepoint, so one failing
// rolls back only itself, and the cost of a commit, the WAL write, is paid
// once for all of them. A write whose ctx ended before its turn is not run.
func (s *Store) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	if s.w == nil {
		return errors.New("store is read-only")
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return busy(ctx.Err())
	case <-s.writerDone:
		return ErrClosed
	}
	// Once queued, the outcome is awaited whatever ctx does: the caller
	// must not report a failure for a write that then commits.
	return <-req.done
}

// writer takes queued writes in batches until Close.
func (s *Store) writer() {
	defer close(s.writerDone)
	for {
		var first *writeReq
		select {
		case first = <-s.writes:
		case <-s.stopWriter:
			return
		}
		batch := []*writeReq{first}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.runBatch(batch)
	}
}

func (s *Store) runBatch(batch []*writeReq) {
	results := make([]error, len(batch))
	ctx := context.Background()
	err := s.batchTx(ctx, batch, results)
	for i, r := range batch {
		if err != nil && results[i] == nil {
			results[i] = busy(err)
		}
		r.done <- results[i]
	}
	s.wq.c.prepareWanted(ctx)
}

// batchTx runs the batch in one transaction. It returns an error only for
// what fails them all: begin or commit.
func (s *Store) batchTx(ctx context.Context, batch []*writeReq, results []error) error {
	// The begin waits for another process's write lock up to busy_timeout;
	// callers past their deadline by then are told to try again.
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	q := cachedTx{tx: sqlTx, c: s.wq.c}
	t := &tx{reader: reader{q: q}, q: q, tx: sqlTx, clock: s.now}
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = busy(err)
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT w`); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		if err := runGuarded(r.fn, t); err != nil {
			results[i] = busy(err)
			if _, rerr := sqlTx.ExecContext(ctx, `ROLLBACK TO w`); rerr != nil {
				return fmt.Errorf("roll back a failed write: %w", rerr)
			}
		} else {
			ok++
		}
		if _, err := sqlTx.ExecContext(ctx, `RELEASE w`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	if ok == 0 {
		return nil // nothing to commit; the deferred rollback ends it
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// runGuarded runs one write, turning a panic into its error so that one bad
// write cannot take the writer, and everyone queued behind it, down.
func runGuarded(fn func(coaching.Tx) error, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return fn(t)
}
