package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

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

func setup(t *testing.T, script ...error) (*outbox.Worker, *sqlite.Store, *sender, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clk.Now})
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
	rl := &outbox.Error{Class: outbox.RateLimited, Method: "chat.postMessage", RetryAfter: 30 * time.Second, Err: errors.New("429")}
	w, st, s, clk := setup(t, rl, rl)
	enqueue(t, st, post("k1", "U1"))
	drainFor(t, w, clk, 29*time.Second)
	if s.attempt != 1 {
		t.Fatalf("attempts within Retry-After = %d, want 1 (it must wait)", s.attempt)
	}
	drainFor(t, w, clk, 2*time.Minute)
	if len(s.sent) != 1 || s.attempt != 3 {
		t.Fatalf("sent %d after %d attempts, want 1 after 3", len(s.sent), s.attempt)
	}
}

func TestServerErrorsAreRetriedWithBackoff(t *testing.T) {
	e5 := &outbox.Error{Class: outbox.Retry, Err: errors.New("500")}
	w, st, s, clk := setup(t, e5, e5, e5)
	enqueue(t, st, post("k1", "U1"))
	drainFor(t, w, clk, time.Minute)
	if len(s.sent) != 1 || s.attempt != 4 {
		t.Fatalf("sent %d after %d attempts", len(s.sent), s.attempt)
	}
}

func TestPermanentErrorsFailAtOnceAndVisibly(t *testing.T) {
	w, st, s, clk := setup(t, &outbox.Error{Class: outbox.Permanent, Err: errors.New("channel_not_found")})
	enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
	drainFor(t, w, clk, time.Minute)
	stats, err := st.OutboxStats(context.Background())
	if err != nil || stats.Failed != 1 || stats.Pending != 0 || len(s.sent) != 1 || w.Stats().Failed != 1 {
		t.Fatalf("stats %+v, sent %d, worker %+v, err %v", stats, len(s.sent), w.Stats(), err)
	}
}

func TestRevokedTokenStopsTheWorkerAndKeepsTheMessage(t *testing.T) {
	w, st, s, clk := setup(t, &outbox.Error{Class: outbox.Fatal, Err: errors.New("token_revoked")})
	enqueue(t, st, post("k1", "U1"), post("k2", "U2"))
	drainFor(t, w, clk, 10*time.Second)
	if w.Stopped() == nil || s.attempt != 1 {
		t.Fatalf("stopped = %v after %d attempts", w.Stopped(), s.attempt)
	}
	stats, _ := st.OutboxStats(context.Background())
	if stats.Pending != 2 {
		t.Fatalf("pending = %d, want both kept for when the token is fixed", stats.Pending)
	}
}

func TestAnUpdateWaitsForItsPostAndUpdatesCoalesce(t *testing.T) {
	w, st, s, clk := setup(t, &outbox.Error{Class: outbox.Retry, Err: errors.New("timeout")})
	upd := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}
	enqueue(t, st, post("k1", "U1"), upd, upd, upd)
	drainFor(t, w, clk, time.Minute)
	if len(s.sent) != 2 || s.sent[0].Op != coaching.OpPost || s.sent[1].Op != coaching.OpUpdate {
		t.Fatalf("sent %+v, want the post then one update", s.sent)
	}
	if p := s.priors[1]; p == nil || p.Channel != "DU1" || p.TS != "1.0" {
		t.Fatalf("update got prior %+v, want the post's channel and ts", p)
	}
}

func TestAThreadReplyWaitsForItsParentPost(t *testing.T) {
	w, st, s, clk := setup(t, &outbox.Error{Class: outbox.Retry, Err: errors.New("timeout")})
	reply := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:1:U1", To: "U1", ThreadKey: "k1"}
	enqueue(t, st, post("k1", "U1"), reply)
	drainFor(t, w, clk, 30*time.Second)
	if len(s.sent) != 2 || s.sent[1].Key != "reminder:1:U1" || s.priors[1] == nil || s.priors[1].TS != "1.0" {
		t.Fatalf("sent %+v with priors %+v, want the reply after its parent, threaded on it", s.sent, s.priors)
	}
}

func TestAnUpdateOfAFailedPostFailsToo(t *testing.T) {
	w, st, _, clk := setup(t, &outbox.Error{Class: outbox.Permanent, Err: errors.New("user_not_found")})
	enqueue(t, st, post("k1", "U1"), coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"})
	drainFor(t, w, clk, 10*time.Second)
	stats, err := st.OutboxStats(context.Background())
	if err != nil || stats.Failed != 2 || stats.Pending != 0 {
		t.Fatalf("stats = %+v, %v; want the post and its update failed, nothing left waiting", stats, err)
	}
}

// A worker that stops with messages claimed gives them back, so the next
// one (after a restart) sends them at once rather than after the lease.
func TestAStoppedWorkerReleasesWhatItClaimed(t *testing.T) {
	w, st, _, clk := setup(t)
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
}
