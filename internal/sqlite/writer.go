package sqlite

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/panics"
)

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

// writeReq is one Update waiting for the writer.
type writeReq struct {
	ctx    context.Context
	fn     func(coaching.Tx) error
	done   chan error
	state  atomic.Int32 // queued, running or abandoned
	queued int64        // unix nanoseconds it was submitted, for WriteWait
}

const (
	reqQueued int32 = iota
	reqRunning
	reqAbandoned
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store is closed")

// Update runs fn in a write transaction and returns once it is committed
// (or rolled back when fn fails). Writes that arrive together share one
// commit (group commit): each runs in its own savepoint, so one failing
// rolls back only itself (a write alone in its batch needs none), and the
// cost of a commit, the WAL write, is paid once for all of them. A write
// whose ctx ended before its turn is not run.
func (s *Store) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	if s.pg {
		return s.updatePG(ctx, fn)
	}
	if s.w == nil {
		return errors.New("store is read-only")
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), queued: time.Now().UnixNano()}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return busy(ctx.Err())
	case <-s.writerDone:
		return ErrClosed
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// A write still waiting its turn is withdrawn, so the caller's
		// deadline holds even behind a slow batch. One already running
		// is awaited: the caller must not report a failure for a write
		// that then commits.
		if req.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return busy(ctx.Err())
		}
		return <-req.done
	case <-s.writerDone:
		// The writer stopped (Close) with the write still in the queue:
		// the first select may hand it over even once the writer is gone,
		// as a buffered send and a closed channel are both ready. A write
		// the writer ran before stopping has its answer already.
		select {
		case err := <-req.done:
			return err
		default:
			return ErrClosed
		}
	}
}

// writer takes queued writes in batches until Close.
func (s *Store) writer() {
	defer close(s.writerDone)
	var carry []*writeReq
	for {
		select {
		case r := <-s.resetAsk: // between two batches: no transaction is open
			s.reset(r)
		default:
		}
		batch := carry
		if len(batch) == 0 {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			case r := <-s.resetAsk:
				s.reset(r)
				continue
			case <-s.stopWriter:
				return
			}
		}
		batch = s.drainWrites(batch)
		// Where the process has one processor (GOMAXPROCS 1: a one-vCPU
		// machine, a CPU set of one, as `taskset` or `--cpuset-cpus` give),
		// the handlers cannot run, nor queue their writes, while the writer
		// does, and the first write of each burst wakes the writer at once:
		// every write went alone in its commit
		// (TestWritersInFlightShareCommitsOnOneCore: 640 commits for 640
		// writes in flight, 25 with this). So the writer lets the ready
		// ones queue before the batch closes; with nothing else ready it
		// returns at once. On one core, 64 submissions in flight, that
		// took a fifth of the CPU off each (README, Performance). With more
		// processors the handlers queue while the writer works, and holding
		// it back only slowed it. That holds under a CPU quota of one core
		// too (`--cpus 1`, `limits.cpu: 1`), where Go keeps 2 processors:
		// there writes already shared commits (about 17 a commit), and the
		// yield, which doubled that, took no CPU off a submission and no
		// more of them a second (README, "A CPU quota of one core"), so a
		// quota does not turn it on.
		if len(batch) < maxBatch && runtime.GOMAXPROCS(0) == 1 {
			runtime.Gosched()
			batch = s.drainWrites(batch)
		}
		carry = s.runBatch(batch)
	}
}

// drainWrites adds the writes queued now to batch, up to maxBatch.
func (s *Store) drainWrites(batch []*writeReq) []*writeReq {
	for len(batch) < maxBatch {
		select {
		case r := <-s.writes:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// runBatch runs one batch and answers its writes. Writes that could not
// start because the batch gave up waiting for another process's lock on
// someone else's deadline are returned, to run in the next batch.
func (s *Store) runBatch(batch []*writeReq) (carry []*writeReq) {
	live := batch[:0]
	for _, r := range batch {
		if r.state.CompareAndSwap(reqQueued, reqRunning) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return nil
	}
	s.busySince.Store(oldest(live))
	defer s.busySince.Store(0)
	now := s.now()
	run := s.wh.start(now)
	var failed []WriteFailure
	if err := s.refuseReplaced(now); err != nil {
		for range live {
			failed = append(failed, WriteReplaced)
		}
		s.wh.finish(run, false, failed) // before the answers: a caller told may look at once
		for _, r := range live {
			r.done <- err
		}
		return nil
	}
	commits := s.commits.Load()
	bctx, beginOver, cancel := beginContext(earliest(live))
	defer cancel()
	results := make([]error, len(live))
	begun, err := s.batchTx(bctx, beginOver, live, results)
	answer := live[:0]
	for i, r := range live {
		if !begun && bctx.Err() != nil && r.ctx.Err() == nil {
			r.state.Store(reqQueued) // not its deadline: try again
			carry = append(carry, r)
			continue
		}
		if err != nil && results[i] == nil {
			results[i] = busy(err)
		}
		if why := writeFailure(results[i]); why != "" {
			failed = append(failed, why)
		}
		results[len(answer)] = results[i]
		answer = append(answer, r)
	}
	s.wh.finish(run, s.commits.Load() != commits, failed) // before the answers: a caller told may look at once
	for i, r := range answer {
		r.done <- results[i]
	}
	s.wq.c.prepareWanted(context.Background())
	return carry
}

// oldest is when the longest-waiting write of a batch was submitted.
func oldest(reqs []*writeReq) int64 {
	t := reqs[0].queued
	for _, r := range reqs[1:] {
		t = min(t, r.queued)
	}
	return t
}

// WriteWait is how long the oldest write still waiting for the writer has
// waited: zero while the writer is idle. The writer only makes a write wait
// while it runs a batch (a new write is taken at once otherwise), and a
// batch holds its oldest write, so this is an in-memory read that needs no
// query: /healthz can tell that writes are stuck without queueing one.
func (s *Store) WriteWait() time.Duration {
	if s.pg {
		return s.inflight.oldest(time.Now())
	}
	since := s.busySince.Load()
	if since == 0 {
		return 0
	}
	return time.Since(time.Unix(0, since))
}

// earliest is the soonest deadline among writes that have one.
func earliest(reqs []*writeReq) time.Time {
	var t time.Time
	for _, r := range reqs {
		if d, ok := r.ctx.Deadline(); ok && (t.IsZero() || d.Before(t)) {
			t = d
		}
	}
	return t
}

// beginContext is the context a batch's transaction begins with: BEGIN
// waits for another process's write lock no longer than the batch's most
// urgent write may (until deadline; zero for no limit), and once it has
// begun, nothing ends the context before the commit. database/sql rolls a
// transaction back the moment its context is done, so a deadline left on
// it (the most urgent write's) rolled back every other write of the batch
// with it when it passed midway: a roster import or a nudge run batched
// with an ack near its deadline failed for that ack's sake. beginOver,
// called once BEGIN returns, ends the wait's limit; false means the
// limit came first, and the transaction is being rolled back.
func beginContext(deadline time.Time) (ctx context.Context, beginOver func() bool, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(context.Background())
	if deadline.IsZero() {
		return ctx, func() bool { return true }, cancel
	}
	limit := time.AfterFunc(time.Until(deadline), cancel)
	return ctx, func() bool {
		if limit.Stop() {
			return true
		}
		cancel() // done by the timer already, or about to be: ctx has ended when this returns
		return false
	}, cancel
}

// batchTx runs the batch in one transaction begun on bctx (beginContext).
// It returns an error only for what fails them all, begin or commit, and
// whether the transaction began.
func (s *Store) batchTx(bctx context.Context, beginOver func() bool, batch []*writeReq, results []error) (bool, error) {
	sqlTx, err := s.w.BeginTx(bctx, nil)
	if !beginOver() {
		if err == nil {
			sqlTx.Rollback() //nolint:errcheck // already being rolled back by its context
		}
		return false, fmt.Errorf("begin: %w", context.DeadlineExceeded)
	}
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	// Past BEGIN the batch runs to its end on its own context: cancelling
	// a statement midway would interrupt the shared connection.
	ctx := context.WithoutCancel(bctx)
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	// Savepoints run through the prepared statements too: three
	// statements per write, parsed again every time otherwise.
	q := cachedTx{tx: sqlTx, c: s.wq.c, batch: ctx}
	t := &tx{reader: reader{q: q}, q: q, tx: sqlTx, clock: s.now}
	// A write alone in its batch (every write, below a few hundred a
	// second) needs no savepoint: when it fails, the transaction it is
	// alone in is rolled back whole. Two statements fewer on each ack.
	alone := len(batch) == 1
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = busy(err)
			continue
		}
		var err, broken error
		if alone {
			err = runGuarded(r.fn, t)
		} else {
			err, broken = savepointed(ctx, q, t, r.fn)
		}
		if err != nil {
			results[i] = busy(err)
		} else {
			ok++
		}
		if broken != nil {
			return true, broken
		}
	}
	if ok == 0 {
		return true, nil // nothing to commit; the deferred rollback ends it
	}
	if err := sqlTx.Commit(); err != nil {
		return true, fmt.Errorf("commit: %w", err)
	}
	s.commits.Add(1)
	s.committedWrites.Add(int64(ok))
	return true, nil
}

// Batching is what the SQLite writer committed since the store opened.
type Batching struct {
	Commits int64 // transactions committed
	Writes  int64 // the writes they carried: a session logged, an answer recorded, a message marked sent
}

// Batching reports the writer's commits and the writes they carried.
// Writes over commits is how many writes share a commit (one each when
// idle, about 17 under the capture benchmark's load): what lets acks keep
// up under load on one writer, and the first figure to read when they do
// not. Zero on PostgreSQL, where each write commits on its own.
func (s *Store) Batching() Batching {
	return Batching{Commits: s.commits.Load(), Writes: s.committedWrites.Load()}
}

// savepointed runs one write of a batch in its own savepoint, so that
// failing, it rolls back only itself (err). A savepoint statement that
// fails (broken) leaves the batch unable to go on.
func savepointed(ctx context.Context, q cachedTx, t *tx, fn func(coaching.Tx) error) (err, broken error) {
	if _, e := q.ExecContext(ctx, `SAVEPOINT w`); e != nil {
		return nil, fmt.Errorf("savepoint: %w", e)
	}
	if err = runGuarded(fn, t); err != nil {
		if _, e := q.ExecContext(ctx, `ROLLBACK TO w`); e != nil {
			return err, fmt.Errorf("roll back a failed write: %w", e)
		}
	}
	if _, e := q.ExecContext(ctx, `RELEASE w`); e != nil {
		return err, fmt.Errorf("release savepoint: %w", e)
	}
	return err, nil
}

// runGuarded runs one write, turning a panic into its error so that one bad
// write cannot take the writer, and everyone queued behind it, down.
func runGuarded(fn func(coaching.Tx) error, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %s", panics.Text(p)) // its callers log it: no value's data
		}
	}()
	return fn(t)
}
