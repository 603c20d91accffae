package outbox_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// clock is a test's clock: the test advances it, and the worker's waits
// (Sleep) advance it too, so hours of pacing run in seconds and every wait
// is exact.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// sender fails as scripted, then succeeds, recording what it sent.
type sender struct {
	mu      sync.Mutex
	script  []error
	sent    []coaching.Message
	priors  []*coaching.Posted
	attempt int
}

func (s *sender) Send(_ context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempt++
	if len(s.script) > 0 {
		err := s.script[0]
		s.script = s.script[1:]
		if err != nil {
			return nil, err
		}
	}
	s.sent = append(s.sent, m)
	s.priors = append(s.priors, prior)
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

// migratedDB is a new SQLite path holding a copy of a migrated database
// (sqlitetest.Migrated): these tests are of the worker, not of the
// database's creation, and the 27 migrations a new file needs were most
// of this package's test time.
func migratedDB(t testing.TB) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "c.db")
	sqlitetest.Migrated(t, db)
	return db
}

func setup(t *testing.T, script ...error) (*outbox.Worker, *sqlite.Store, *sender, *clock) {
	t.Helper()
	return setupOn(t, migratedDB(t), script...)
}

// setupOn is setup on db, a SQLite path or a PostgreSQL URL.
func setupOn(t *testing.T, db string, script ...error) (*outbox.Worker, *sqlite.Store, *sender, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &sender{script: script}
	w := outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	return w, st, s, clk
}

func enqueue(t *testing.T, st *sqlite.Store, msgs ...coaching.Message) {
	t.Helper()
	if err := st.Update(context.Background(), func(tx coaching.Tx) error { return tx.Enqueue(context.Background(), msgs...) }); err != nil {
		t.Fatal(err)
	}
}

func post(key, to string) coaching.Message {
	return coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: key, To: to}
}

// drainFor drains, advancing the clock a second at a time, for up to d.
func drainFor(t *testing.T, w *outbox.Worker, clk *clock, d time.Duration) {
	t.Helper()
	for end := clk.Now().Add(d); clk.Now().Before(end); clk.Advance(time.Second) {
		if err := w.Drain(context.Background()); err != nil && w.Stopped() == nil {
			t.Fatal(err)
		}
	}
}

func TestRateLimitedTwiceThenDeliveredOnce(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		rl := &outbox.Error{Class: outbox.RateLimited, Method: "chat.postMessage", RetryAfter: 30 * time.Second, Err: errors.New("429")}
		w, st, s, clk := setupOn(t, db, rl, rl)
		enqueue(t, st, post("k1", "U1"))
		drainFor(t, w, clk, 29*time.Second)
		if s.attempt != 1 {
			t.Fatalf("attempts within Retry-After = %d, want 1 (it must wait)", s.attempt)
		}
		drainFor(t, w, clk, 2*time.Minute)
		if len(s.sent) != 1 || s.attempt != 3 {
			t.Fatalf("sent %d after %d attempts, want 1 after 3", len(s.sent), s.attempt)
		}
	})
}

func TestServerErrorsAreRetriedWithBackoff(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		e5 := &outbox.Error{Class: outbox.Retry, Err: errors.New("500")}
		w, st, s, clk := setupOn(t, db, e5, e5, e5)
		enqueue(t, st, post("k1", "U1"))
		drainFor(t, w, clk, time.Minute)
		if len(s.sent) != 1 || s.attempt != 4 {
			t.Fatalf("sent %d after %d attempts", len(s.sent), s.attempt)
		}
	})
}

func TestPermanentErrorsFailAtOnceAndVisibly(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, s, clk := setupOn(t, db, &outbox.Error{Class: outbox.Permanent, Err: errors.New("channel_not_found")})
		enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
		drainFor(t, w, clk, time.Minute)
		stats, err := st.OutboxStats(context.Background(), time.Time{})
		if err != nil || stats.Failed != 1 || stats.Pending != 0 || len(s.sent) != 1 || w.Stats().Failed != 1 {
			t.Fatalf("stats %+v, sent %d, worker %+v, err %v", stats, len(s.sent), w.Stats(), err)
		}
	})
}

func TestRevokedTokenStopsTheWorkerAndKeepsTheMessage(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, s, clk := setupOn(t, db, &outbox.Error{Class: outbox.Fatal, Err: errors.New("token_revoked")})
		enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
		drainFor(t, w, clk, 10*time.Second)
		if w.Stopped() == nil || s.attempt != 1 {
			t.Fatalf("stopped = %v after %d attempts", w.Stopped(), s.attempt)
		}
		stats, _ := st.OutboxStats(context.Background(), time.Time{})
		if stats.Pending != 2 {
			t.Fatalf("pending = %d, want both kept for when the token is fixed", stats.Pending)
		}
	})
}

// Updates queued after their post was rendered (here while its second
// attempt was, the first having failed) wait for it, and go as one.
func TestAnUpdateWaitsForItsPostAndUpdatesCoalesce(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		_, st, _, clk := setupOn(t, db)
		upd := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}
		s := &editing{sender: sender{script: []error{&outbox.Error{Class: outbox.Retry, Err: errors.New("timeout")}}}, at: 2,
			during: func() { enqueue(t, st, upd, upd, upd) }}
		w := outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		enqueue(t, st, post("k1", "U1"))
		drainFor(t, w, clk, time.Minute)
		if len(s.sent) != 2 || s.sent[0].Op != coaching.OpPost || s.sent[1].Op != coaching.OpUpdate {
			t.Fatalf("sent %+v, want the post then one update", s.sent)
		}
		if p := s.priors[1]; p == nil || p.Channel != "DU1" || p.TS != "1.0" {
			t.Fatalf("update got prior %+v, want the post's channel and ts", p)
		}
	})
}

func TestAThreadReplyWaitsForItsParentPost(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, s, clk := setupOn(t, db, &outbox.Error{Class: outbox.Retry, Err: errors.New("timeout")})
		reply := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:1:U1", To: "U1", ThreadKey: "k1"}
		enqueue(t, st, post("k1", "U1"), reply)
		drainFor(t, w, clk, 30*time.Second)
		if len(s.sent) != 2 || s.sent[1].Key != "reminder:1:U1" || s.priors[1] == nil || s.priors[1].TS != "1.0" {
			t.Fatalf("sent %+v with priors %+v, want the reply after its parent, threaded on it", s.sent, s.priors)
		}
	})
}

// An update of a post that failed for good has no message to change:
// it is dropped, quietly, and the post's failure is the one counted and
// logged. It failed too, and one incident (a rep Slack would not DM) was
// counted twice, more with every later edit.
func TestAnUpdateOfAFailedPostIsDroppedQuietly(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, s, clk := setupOn(t, db, &outbox.Error{Class: outbox.Permanent, Err: errors.New("user_not_found")})
		upd := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}
		enqueue(t, st, post("k1", "U1"), upd)
		drainFor(t, w, clk, 10*time.Second)
		enqueue(t, st, upd) // a later edit
		drainFor(t, w, clk, 10*time.Second)
		stats, err := st.OutboxStats(context.Background(), time.Time{})
		if err != nil || stats.Failed != 1 || stats.Pending != 0 {
			t.Fatalf("stats = %+v, %v; want the post alone failed, nothing left waiting", stats, err)
		}
		if w.Stats().Failed != 1 || s.attempt != 1 {
			t.Fatalf("worker %+v after %d sends, want one failure, the updates never sent", w.Stats(), s.attempt)
		}
	})
}

// A rep's three-day reminder that failed for good, then updated in place
// when the rep answers, is one failure of a scheduled message on
// /healthz, not two.
func TestAFailedReminderIsOneFailureOfItsKind(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, s, clk := setupOn(t, db, nil, &outbox.Error{Class: outbox.Permanent, Err: errors.New("msg_too_long")})
		key := coaching.ReminderKey(1, "U1", 0)
		reminder := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: key, To: "U1", ThreadKey: "k1"}
		start := clk.Now()
		enqueue(t, st, post("k1", "U1"), reminder)
		drainFor(t, w, clk, 10*time.Second)
		enqueue(t, st, coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpUpdate, Key: key, To: "U1"})
		drainFor(t, w, clk, 10*time.Second)
		got, err := st.RecentFailures(context.Background(), coaching.ScheduledKinds, start.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := (sqlite.KindFailures{Kind: coaching.MsgRepReminder, Failed: 1, Failing: true}); len(got) != 1 || got[0] != want {
			t.Fatalf("RecentFailures = %+v, want %+v", got, want)
		}
		if s.attempt != 2 {
			t.Fatalf("%d sends, want the DM and the reminder's post, not its update", s.attempt)
		}
	})
}

// A worker that stops with messages claimed gives them back, so the next
// one (after a restart) sends them at once rather than after the lease.
func TestAStoppedWorkerReleasesWhatItClaimed(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w, st, _, clk := setupOn(t, db)
		enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
		items, err := st.ClaimOutbox(context.Background(), "someone-else", clk.Now(), time.Hour, 10, nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("claim: %v %v", items, err)
		}
		if err := st.ReleaseLeases(context.Background(), "someone-else"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // Run stops at once, and releases what it holds
		_ = w.Run(ctx)
		again, err := st.ClaimOutbox(context.Background(), "next", clk.Now(), time.Hour, 10, nil)
		if err != nil || len(again) != 2 {
			t.Fatalf("after release, the next worker claimed %d, want 2 (%v)", len(again), err)
		}
	})
}

// withholding has nothing to show for the messages withhold names, as the
// bot has nothing for a rep's DM withdrawn before it went: it sends nothing
// and returns no post.
type withholding struct {
	sender
	withhold func(coaching.Message) bool
}

func (h *withholding) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	if h.withhold(m) {
		h.mu.Lock()
		h.attempt++
		h.mu.Unlock()
		return nil, nil
	}
	return h.sender.Send(ctx, m, prior)
}

// A post the sender withheld was seen by nobody: an update of it comes as
// that post (and may be withheld again), later updates change what it
// posted, and a reply in its thread is dropped. Before, each of them failed
// as "never posted", and a message withdrawn before it went still reached
// its rep, as the news of its withdrawal.
func TestAnUpdateOfAWithheldPostComesAsThePost(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		_, st, _, clk := setupOn(t, db)
		var shown atomic.Bool // what the sender has for k1: nothing until the rep is put back
		h := &withholding{withhold: func(m coaching.Message) bool { return m.Key == "k1" && !shown.Load() }}
		w := outbox.NewWorker(st, h, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		upd := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}
		reply := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:1:U1", To: "U1", ThreadKey: "k1"}
		enqueue(t, st, post("k1", "U1"), upd, reply)
		drainFor(t, w, clk, 30*time.Second)
		if len(h.sent) != 0 || h.attempt != 2 {
			t.Fatalf("sent %+v after %d attempts, want the post and its update both withheld, the reply not tried", h.sent, h.attempt)
		}
		if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Failed != 0 || stats.Pending != 0 {
			t.Fatalf("stats = %+v, %v; want nothing failed and nothing left", stats, err)
		}

		shown.Store(true)
		enqueue(t, st, upd)
		drainFor(t, w, clk, 10*time.Second)
		enqueue(t, st, upd)
		drainFor(t, w, clk, 10*time.Second)
		if len(h.sent) != 2 || h.sent[0].Op != coaching.OpPost || h.priors[0] != nil || h.sent[1].Op != coaching.OpUpdate {
			t.Fatalf("sent %+v, want the first update as the post, the second as an update", h.sent)
		}
		if p := h.priors[1]; p == nil || p.Channel != "DU1" || p.TS != "1.0" {
			t.Fatalf("the second update got prior %+v, want where the first one posted", p)
		}
		if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Failed != 0 || stats.Pending != 0 {
			t.Fatalf("stats = %+v, %v; want nothing failed and nothing left", stats, err)
		}
	})
}

// Managers' receipts, a deferred kind nobody waits on the way a rep waits
// on their click, go fewer at once: a burst of logged forms queues one
// each, and a hundred in flight cost peak memory for nothing anyone sees.
func TestReceiptsGoFewerAtOnceThanClicks(t *testing.T) {
	_, st, _, clk := setup(t)
	// One more than the bound never comes together: the guard lets them go.
	b := &barrier{want: outbox.DeferredRepliesAtOnce + 1, guard: time.Second, all: make(chan struct{})}
	w := outbox.NewWorker(st, b, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	var msgs []coaching.Message
	for i := range outbox.RepliesAtOnce {
		msgs = append(msgs, receiptResponse(fmt.Sprintf("UM%d", i), clk.Now()))
	}
	enqueue(t, st, msgs...)
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(b.sent) != len(msgs) || b.most.Load() != outbox.DeferredRepliesAtOnce {
		t.Fatalf("sent %d, at most %d at once; want all %d, %d at once", len(b.sent), b.most.Load(), len(msgs), outbox.DeferredRepliesAtOnce)
	}
}

// editing runs during as the at-th attempt at a post (the first, unless
// set) is being rendered: an edit committed in that instant.
type editing struct {
	sender
	during func()
	at     int
	posts  int
}

func (e *editing) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	if m.Op == coaching.OpPost {
		if e.posts++; e.posts == max(e.at, 1) {
			e.during()
		}
	}
	return e.sender.Send(ctx, m, prior)
}

// An update queued while its post still waited (an edit before a Monday
// backlog let the rep's DM go) is shown by the post, which renders the
// message as it stands when it goes: the update is superseded with it,
// not sent to add news of a change from a version nobody saw. One queued
// while the post was being rendered may not be in it, and goes.
func TestAPostShowsTheUpdatesQueuedBeforeIt(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		_, st, _, clk := setupOn(t, db)
		update := func(key string) coaching.Message {
			return coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: key, To: "U1"}
		}
		e := &editing{during: func() {}}
		w := outbox.NewWorker(st, e, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		enqueue(t, st, post("k1", "U1"), update("k1"), update("k1"))
		drainFor(t, w, clk, 10*time.Second)
		if len(e.sent) != 1 || e.sent[0].Op != coaching.OpPost {
			t.Fatalf("sent %+v, want the post alone: it showed both updates", e.sent)
		}

		e = &editing{during: func() { enqueue(t, st, update("k2")) }}
		w = outbox.NewWorker(st, e, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		enqueue(t, st, post("k2", "U1"), update("k2"))
		drainFor(t, w, clk, 10*time.Second)
		if len(e.sent) != 2 || e.sent[0].Op != coaching.OpPost || e.sent[1].Op != coaching.OpUpdate {
			t.Fatalf("sent %+v, want the post, then the update queued while it was rendered", e.sent)
		}
		if p := e.priors[1]; p == nil || p.Channel != "DU1" || p.TS != "1.0" {
			t.Fatalf("the update got prior %+v, want where the post went", p)
		}
		if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Failed != 0 || stats.Pending != 0 {
			t.Fatalf("stats = %+v, %v; want nothing failed and nothing left", stats, err)
		}
	})
}

// panicky panics while sending the message with key bad, as a renderer
// with a bug would, and sends the others.
type panicky struct {
	sender
	bad string
}

func (p *panicky) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	if m.Key == p.bad {
		var notes []string
		_ = notes[len(m.Key)] // index out of range
	}
	return p.sender.Send(ctx, m, prior)
}

// A message whose rendering panics fails alone, with a clear reason, and
// the worker delivers the rest: left unguarded it took the process down,
// at every start again.
func TestAPanickingSendFailsThatMessageAndTheRestGoOut(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		_, st, _, clk := setupOn(t, db)
		p := &panicky{bad: "k2"}
		w := outbox.NewWorker(st, p, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		enqueue(t, st, post("k1", "U1"), post("k2", "U2"), post("k3", "U3"))
		drainFor(t, w, clk, 10*time.Second)
		if len(p.sent) != 2 || p.sent[0].Key != "k1" || p.sent[1].Key != "k3" {
			t.Fatalf("sent %+v, want k1 and k3", p.sent)
		}
		status, err := st.OutboxStatus(context.Background(), []string{"k1", "k2", "k3"})
		if err != nil || status["k2"] != "failed" || status["k1"] != "sent" || status["k3"] != "sent" {
			t.Fatalf("status = %v, %v", status, err)
		}
		if s := w.Stats(); s.Panics != 1 || s.Failed != 1 || s.Sent != 2 {
			t.Fatalf("stats = %+v, want one panic counted as one failure", s)
		}
		reasons := sqlitetest.OutboxErrors(t, st.Path())
		if len(reasons) != 1 || !strings.Contains(reasons[0], "panicked") || !strings.Contains(reasons[0], "index out of range") {
			t.Fatalf("last_error = %q, want the panic named", reasons)
		}
	})
}

// lockedQueue is the store, with a hook on each MarkSent and ExtendLease
// result, so a test can hold another connection's write lock for exactly
// as long as it needs.
type lockedQueue struct {
	*sqlite.Store
	mu         sync.Mutex
	markFails  int
	extends    int
	onMarkFail func(n int)
	onExtend   func(n int)
}

func (q *lockedQueue) MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error) {
	held, err := q.Store.MarkSent(ctx, id, owner, key, posted, covered...)
	if err != nil {
		q.mu.Lock()
		q.markFails++
		n := q.markFails
		q.mu.Unlock()
		q.onMarkFail(n)
	}
	return held, err
}

func (q *lockedQueue) ExtendLease(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	held, err := q.Store.ExtendLease(ctx, id, owner, until)
	q.mu.Lock()
	q.extends++
	n := q.extends
	q.mu.Unlock()
	q.onExtend(n)
	return held, err
}

// holdWriteLock takes SQLite's write lock from another store on the same
// file, as a roster import in another process would, until free is called
// (at the latest when the test ends).
func holdWriteLock(t *testing.T, path string, release <-chan struct{}, free func()) (locked <-chan struct{}, done <-chan error) {
	t.Helper()
	other, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	t.Cleanup(free) // runs first: the write must end before the store closes
	l, d := make(chan struct{}), make(chan error, 1)
	go func() {
		d <- other.Update(context.Background(), func(coaching.Tx) error {
			close(l)
			<-release
			return nil
		})
	}()
	return l, d
}

// A DM Slack accepted is not posted again when marking it sent fails for
// longer than the database's write deadline: the worker keeps the lease,
// extends it when half is gone, and retries until the lock is free.
func TestADeliveredDMIsRecordedDespiteALongWriteLock(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	path := migratedDB(t)
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	enqueue(t, st, post("dm", "U1"))

	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	var locked <-chan struct{}
	var lockDone <-chan error
	q := &lockedQueue{Store: st}
	q.onMarkFail = func(n int) {
		if n == 1 { // half the lease goes by while the lock is held
			clk.Advance(outbox.DefaultPolicy().Lease * 3 / 4)
		}
	}
	q.onExtend = func(n int) {
		if n == 1 { // the extension waited on the lock too; now let go
			free()
		}
	}
	s := &lockingSender{hold: func() { locked, lockDone = holdWriteLock(t, path, release, free); <-locked }}
	w := outbox.NewWorker(q, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	if err := w.Drain(context.Background()); err != nil {
		t.Errorf("drain while another process held the lock: %v", err)
	}
	free()
	if err := <-lockDone; err != nil {
		t.Fatalf("the other process's write: %v", err)
	}
	// Whatever happens later (the lease would have run out long ago), the
	// DM is not sent again.
	clk.Advance(time.Hour)
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.attempt != 1 {
		t.Fatalf("the DM was posted %d times, want once", s.attempt)
	}
	if q.markFails == 0 || q.extends == 0 {
		t.Fatalf("mark sent failed %d times, lease extended %d times: the lock was not held long enough to test anything", q.markFails, q.extends)
	}
	if status, err := st.OutboxStatus(context.Background(), []string{"dm"}); err != nil || status["dm"] != "sent" {
		t.Fatalf("status = %v, %v", status, err)
	}
}

// lockingSender has the message accepted by "Slack", then has another
// process take the write lock before the worker records it.
type lockingSender struct {
	sender
	hold func()
}

func (s *lockingSender) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	p, err := s.sender.Send(ctx, m, prior)
	if s.attempt == 1 {
		s.hold()
	}
	return p, err
}

// A reply to a person's own click goes out at once, even while the worker
// is pacing a backlog of posts under chat.postMessage's limit: a rep's
// Confirm does not wait behind the morning's nudges.
func TestARepliesLaneDoesNotWaitBehindPacedPosts(t *testing.T) {
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &sender{}
	// A post every 3 s: 40 posts take two minutes, and a reply that waited
	// for the posts' next slot would wait up to 3 s. The margin below that
	// keeps the test steady on a loaded machine under -race.
	pace := outbox.NewPacer(outbox.Limits{Method: map[string]outbox.Limit{"chat.postMessage": {Every: 3 * time.Second, Burst: 1}}}, time.Now)
	w := outbox.NewWorker(st, s, outbox.Options{Pacer: pace})
	var posts []coaching.Message
	for i := range 2*outbox.RepliesAtOnce + 5 {
		posts = append(posts, post(fmt.Sprintf("p%d", i), fmt.Sprintf("U%d", i)))
	}
	enqueue(t, st, posts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// The worker is now paced: wait for its first posts.
	sentOf := func(kind coaching.MessageKind) int {
		s.mu.Lock()
		defer s.mu.Unlock()
		n := 0
		for _, m := range s.sent {
			if m.Kind == kind {
				n++
			}
		}
		return n
	}
	waitUntil(t, 10*time.Second, func() bool { return sentOf(coaching.MsgRepDM) >= 2 })
	queued := time.Now()
	enqueue(t, st, coaching.Message{Kind: coaching.MsgReply, Op: coaching.OpRespond, Key: "r1", To: "UREP",
		ResponseURL: "https://hooks.slack.com/actions/T/1/x", ResponseAt: queued, Replace: true})
	w.Notify()
	waitUntil(t, 5*time.Second, func() bool { return sentOf(coaching.MsgReply) == 1 })
	if took := time.Since(queued); took > 2*time.Second {
		t.Errorf("the reply went out %v after it was queued, behind paced posts", took)
	}
	if n := sentOf(coaching.MsgRepDM); n > 3 {
		t.Fatalf("%d posts went out before the reply: it waited for their pacing", n)
	}
}

// waitUntil polls cond until it holds, failing the test after d.
func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("condition not met in time")
		}
	}
}

// barrier holds every reply it is asked to send until want of them are in
// flight together, as Slack's round trips would overlap.
type barrier struct {
	sender
	want     int
	guard    time.Duration // how long a send waits for want at most; 5 s unless set
	inflight atomic.Int32
	most     atomic.Int32
	all      chan struct{}
	once     sync.Once
}

func (b *barrier) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	n := b.inflight.Add(1)
	defer b.inflight.Add(-1)
	for cur := b.most.Load(); n > cur && !b.most.CompareAndSwap(cur, n); cur = b.most.Load() {
	}
	if int(n) == b.want {
		b.once.Do(func() { close(b.all) })
	}
	select {
	case <-b.all:
	case <-time.After(cmp.Or(b.guard, 5*time.Second)): // a guard: one at a time, the rest never come
		b.once.Do(func() { close(b.all) })
	}
	return b.sender.Send(ctx, m, prior)
}

// Replies through response_url (a rep's click answered in their DM) go
// several at once: each is a round trip to Slack, and one at a time, the
// last of 200 reps pressing Confirm together waited for all the others.
func TestRepliesToClicksGoSeveralAtOnce(t *testing.T) {
	_, st, _, clk := setup(t)
	b := &barrier{want: outbox.RepliesAtOnce, all: make(chan struct{})}
	w := outbox.NewWorker(st, b, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	var msgs []coaching.Message
	for i := range 2*outbox.RepliesAtOnce + 5 {
		msgs = append(msgs, dmResponse(fmt.Sprintf("k%d", i), fmt.Sprintf("U%d", i), clk.Now()))
	}
	enqueue(t, st, msgs...)
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(b.sent) != len(msgs) || b.most.Load() != outbox.RepliesAtOnce {
		t.Fatalf("sent %d, at most %d at once; want all %d, %d at once", len(b.sent), b.most.Load(), len(msgs), outbox.RepliesAtOnce)
	}
	if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Pending != 0 || stats.Failed != 0 {
		t.Fatalf("stats = %+v, %v; want every reply sent", stats, err)
	}
}

// outageQueue is the store while the database cannot be reached (a
// PostgreSQL failover): bookkeeping and lease extensions fail until the
// outage ends; each failed record lets a minute go by.
type outageQueue struct {
	*sqlite.Store
	clk  *clock
	ends time.Time
}

func (q *outageQueue) down() bool { return q.clk.Now().Before(q.ends) }

func (q *outageQueue) MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error) {
	if q.down() {
		q.clk.Advance(61 * time.Second)
		return false, errors.New("dial tcp: connection refused")
	}
	return q.Store.MarkSent(ctx, id, owner, key, posted, covered...)
}

func (q *outageQueue) ExtendLease(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	if q.down() {
		return false, errors.New("dial tcp: connection refused")
	}
	return q.Store.ExtendLease(ctx, id, owner, until)
}

// outageAfterSend has Slack take the post, then the database go out of
// reach for three minutes, longer than the lease.
type outageAfterSend struct {
	*sender
	q *outageQueue
}

func (o *outageAfterSend) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	p, err := o.sender.Send(ctx, m, prior)
	if o.sender.attempt == 1 {
		o.q.ends = o.q.clk.Now().Add(3 * time.Minute)
	}
	return p, err
}

// A DM Slack took is recorded once the database is back, however long past
// the lease it was out of reach: it is not claimed and posted again.
func TestADeliveryIsRecordedAfterAnOutageLongerThanTheLease(t *testing.T) {
	_, st, s, clk := setup(t)
	enqueue(t, st, post("dm", "U1"))
	q := &outageQueue{Store: st, clk: clk}
	w := outbox.NewWorker(q, &outageAfterSend{sender: s, q: q}, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.attempt != 1 {
		t.Fatalf("the DM was posted %d times with no crash, want once", s.attempt)
	}
	if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Pending != 0 {
		t.Errorf("outbox = %+v, %v; want the DM recorded sent", stats, err)
	}
}

// postedMeanwhile is the queue of a worker that another worker beats to a
// post: right after this one first finds no post under key, sendIt
// sends it.
type postedMeanwhile struct {
	*sqlite.Store
	key    string
	sendIt func()
	once   sync.Once
}

func (q *postedMeanwhile) PostedMessage(ctx context.Context, key string) (coaching.Posted, bool, error) {
	p, ok, err := q.Store.PostedMessage(ctx, key)
	if key == q.key && !ok {
		q.once.Do(q.sendIt)
	}
	return p, ok, err
}

// A reply whose post another worker sent between this one's look for the
// post and its look at the post's status (a sender handing over) goes in
// the post's thread. It was taken for a reply to a withheld post, marked
// sent and never sent: a rep's reminder lost without a trace.
func TestAReplyWhosePostWentMeanwhileIsSent(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		other, st, _, clk := setupOn(t, db)
		reply := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:1:U1", To: "U1", ThreadKey: "k1"}
		enqueue(t, st, post("k1", "U1"), reply)
		q := &postedMeanwhile{Store: st, key: "k1", sendIt: func() {
			if failed, err := other.Deliver(context.Background(), []string{"k1"}); err != nil || len(failed) > 0 {
				t.Errorf("the other worker's post: failed %v, %v", failed, err)
			}
		}}
		s := &sender{}
		w := outbox.NewWorker(q, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		if failed, err := w.Deliver(context.Background(), []string{reply.Key}); err != nil || len(failed) > 0 {
			t.Fatalf("the reply: failed %v, %v", failed, err)
		}
		if len(s.sent) != 1 || s.sent[0].Key != reply.Key || s.priors[0] == nil || s.priors[0].Channel != "DU1" {
			t.Fatalf("sent %+v with priors %+v; want the reply, in the thread of the post the other worker sent", s.sent, s.priors)
		}
	})
}

// A reply in the thread of a post Slack refused (a digest's chart and
// groups under its first message, refused with not_in_channel) fails with
// it, so that once the cause is mended the post and its thread are taken
// back together (RequeueFailed, the digest run again) and all go.
// Dropped as superseded, the thread was lost on that rerun.
func TestAThreadUnderARefusedPostGoesWhenItIsRequeued(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		w, st, s, clk := setupOn(t, db, &outbox.Error{Class: outbox.Permanent, Err: errors.New("not_in_channel")})
		chart := coaching.Message{Kind: coaching.MsgDigestChart, Op: coaching.OpPost, Key: "digest:W:1", To: "C1", ThreadKey: "digest:W"}
		enqueue(t, st, coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: "digest:W", To: "C1"}, chart)
		drainFor(t, w, clk, 10*time.Second)
		keys, err := st.RequeueFailed(ctx, "digest:W", "")
		if err != nil || len(keys) != 2 {
			t.Fatalf("requeued %v, %v; want the digest and its chart", keys, err)
		}
		drainFor(t, w, clk, 10*time.Second)
		if len(s.sent) != 2 || s.sent[1].Key != chart.Key || s.priors[1] == nil {
			t.Fatalf("sent %+v with priors %+v; want the digest, then its chart in its thread", s.sent, s.priors)
		}
	})
}

// goneQueue is the store once its database file was deleted under it:
// every write is refused, and no retry mends that.
type goneQueue struct {
	*sqlite.Store
	marks int
}

func (q *goneQueue) MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error) {
	q.marks++
	return false, fmt.Errorf("mark sent: %w", coaching.ErrStoreGone)
}

// Marking a message sent in a database that is gone is not retried: the
// row and its lease are in a file no start opens again, and the retries,
// extending the lease all the while, held a stopping bot for minutes.
func TestBookkeepingInADatabaseThatIsGoneIsNotRetried(t *testing.T) {
	_, st, s, clk := setup(t)
	enqueue(t, st, post("dm", "U1"))
	q := &goneQueue{Store: st}
	w := outbox.NewWorker(q, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	done := make(chan error, 1)
	go func() { done <- w.Drain(context.Background()) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the drain is still retrying the bookkeeping after 5 s")
	}
	if q.marks != 1 || s.attempt != 1 {
		t.Fatalf("marked sent %d times after %d sends, want once after one", q.marks, s.attempt)
	}
}

// Slack refusing the install or the workspace (a scope removed, an
// Enterprise migration for hours) holds the message, however long it
// lasts, without counting attempts: retried as a passing error, it failed
// for good after MaxAttempts, about an hour, and was lost. Holds says why
// meanwhile, and nothing once a send goes through.
func TestAMessageHeldByTheInstallWaitsWithoutFailing(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		held := &outbox.Error{Class: outbox.Held, Method: "chat.postMessage", Err: errors.New("org_login_required")}
		script := make([]error, 40)
		for i := range script {
			script[i] = held
		}
		w, st, s, clk := setupOn(t, db, script...)
		enqueue(t, st, post("k1", "U1"))
		drainFor(t, w, clk, 10*time.Minute)
		if hs := w.Holds(); len(hs) != 1 || hs[0].Method != "chat.postMessage" || !errors.Is(hs[0].Err, held.Err) {
			t.Fatalf("holds = %+v, want chat.postMessage held for org_login_required", hs)
		}
		stats, _ := st.OutboxStats(context.Background(), time.Time{})
		if stats.Pending != 1 || stats.Failed != 0 {
			t.Fatalf("after 10 minutes held: %+v, want the message pending", stats)
		}
		if s.attempt > 12 {
			t.Fatalf("%d sends in 10 minutes held, want one every %s at most", s.attempt, outbox.HoldRetry)
		}
		drainFor(t, w, clk, 2*time.Hour)
		stats, _ = st.OutboxStats(context.Background(), time.Time{})
		if len(s.sent) != 1 || stats.Failed != 0 || stats.Pending != 0 || w.Stats().Failed != 0 {
			t.Fatalf("after the hold: sent %d, %+v, worker %+v; want it sent once, nothing failed", len(s.sent), stats, w.Stats())
		}
		if hs := w.Holds(); len(hs) != 0 {
			t.Fatalf("holds after a send went through = %+v, want none", hs)
		}
	})
}

// A hold says messages are being held: lifted only by a send that went
// through, it outlived a held message that was never sent after all
// (superseded, here by another worker's claim, as a DM's update replaced
// by a newer one or the rep's click), and /healthz stayed red until a
// restart. Renewed by each retry Slack answers alike, it lasts while a
// message is held, and lapses a few retries after the last one.
func TestAHoldLastsAsLongAsAMessageIsHeld(t *testing.T) {
	for _, tt := range []struct {
		name       string
		supersede  bool
		wantHolds  int
		afterWards time.Duration
	}{
		{"the held message superseded", true, 0, 5 * time.Minute},
		{"the message still held", false, 1, 30 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			held := &outbox.Error{Class: outbox.Held, Method: "chat.update", Err: errors.New("org_login_required")}
			script := []error{nil} // the post goes; its update is held
			for range 100 {
				script = append(script, held)
			}
			w, st, _, clk := setup(t, script...)
			update := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}
			enqueue(t, st, post("k1", "U1"))
			drainFor(t, w, clk, 2*time.Second)
			enqueue(t, st, update) // queued with the post, the post showed it
			drainFor(t, w, clk, 10*time.Second)
			if hs := w.Holds(); len(hs) != 1 || hs[0].Method != "chat.update" {
				t.Fatalf("holds = %+v, want chat.update held", hs)
			}
			if tt.supersede {
				clk.Advance(outbox.HoldRetry)
				ctx := context.Background()
				items, err := st.ClaimOutboxLanes(ctx, "another", clk.Now(), time.Minute, map[coaching.Op]int{coaching.OpUpdate: 10}, nil)
				if err != nil || len(items) != 1 {
					t.Fatalf("claim the held update: %+v, %v", items, err)
				}
				if ok, err := st.MarkSuperseded(ctx, items[0].ID, "another"); !ok || err != nil {
					t.Fatalf("supersede the held update: %v, %v", ok, err)
				}
			}
			drainFor(t, w, clk, tt.afterWards)
			if hs := w.Holds(); len(hs) != tt.wantHolds {
				t.Fatalf("holds %s later = %+v, want %d", tt.afterWards, hs, tt.wantHolds)
			}
			stats, _ := st.OutboxStats(context.Background(), time.Time{})
			if stats.Failed != 0 {
				t.Fatalf("outbox %+v, want nothing failed", stats)
			}
		})
	}
}

// watchedSender is a Sender behind a watch that sees Slack's answer before
// the Sender returns it (slackbot.WatchToken), or an event arriving while
// the send is on its way: seen calls it first.
type watchedSender struct {
	*sender
	seen func()
}

func (s watchedSender) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	if s.seen != nil {
		s.seen()
	}
	return s.sender.Send(ctx, m, prior)
}

// One refused token stops delivery once: the transport's watch stops it
// on the answer before the send returns it, and the outbox's own stop,
// set apart, logged it a second time and replaced the cause found first
// (an app_uninstalled event's, which /healthz words with what to do). A
// worker without the watch still stops on its own.
func TestARefusedTokenStopsDeliveryOnce(t *testing.T) {
	refused := &outbox.Error{Class: outbox.Fatal, Method: "chat.postMessage", Err: errors.New("token_revoked")}
	for _, tt := range []struct {
		name  string
		first error // what stops delivery while the send is on its way; nil: nothing
	}{
		{"the transport saw the answer", &outbox.Error{Class: outbox.Fatal, Method: "chat.postMessage", Err: errors.New("token_revoked")}},
		{"an event said the app is gone", &outbox.Error{Class: outbox.Fatal, Method: "app_uninstalled", Err: errors.New("app_uninstalled")}},
		{"no watch", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
			st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var logs bytes.Buffer
			var w *outbox.Worker
			s := watchedSender{sender: &sender{script: []error{refused}}}
			if tt.first != nil {
				s.seen = func() { w.Stop(tt.first) }
			}
			w = outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
			drainFor(t, w, clk, 10*time.Second)
			if n := strings.Count(logs.String(), "outbox stopped"); n != 1 {
				t.Fatalf("the stop logged %d times, want once:\n%s", n, logs.String())
			}
			want := cmp.Or(tt.first, error(refused))
			if got := w.Stopped(); got != want || s.attempt != 1 {
				t.Fatalf("stopped by %v after %d sends, want by the first, %v, after one", got, s.attempt, want)
			}
			if stats, _ := st.OutboxStats(context.Background(), time.Time{}); stats.Pending != 2 {
				t.Fatalf("outbox %+v, want both messages kept", stats)
			}
		})
	}
}

// The worker keeps the last send that failed, for /healthz to name
// Slack's answer beside a stuck outbox, until a send goes through.
func TestTheLastFailedSendIsKeptUntilOneGoesThrough(t *testing.T) {
	e5 := &outbox.Error{Class: outbox.Retry, Method: "chat.postMessage", Err: errors.New("fatal_error")}
	w, st, _, clk := setup(t, e5)
	if err := w.LastFailure(); err != nil {
		t.Fatalf("LastFailure at start = %v", err)
	}
	enqueue(t, st, post("k1", "U1"))
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.LastFailure(); !errors.Is(err, e5.Err) {
		t.Fatalf("LastFailure after a failed send = %v, want %v", err, e5)
	}
	drainFor(t, w, clk, time.Minute)
	if err := w.LastFailure(); err != nil {
		t.Errorf("LastFailure after a send went through = %v, want nil", err)
	}
}
