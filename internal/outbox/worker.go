package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Policy bounds retries.
type Policy struct {
	BaseDelay   time.Duration // first retry delay; doubled each attempt
	MaxDelay    time.Duration
	MaxAttempts int           // then the message is failed, visibly
	WaitForPost time.Duration // how often an update re-checks for its post
	ResponseTTL time.Duration // a response_url works this long after it was issued
	Lease       time.Duration // how long a claimed message is this worker's alone
}

// DefaultPolicy retries for about an hour before giving up.
func DefaultPolicy() Policy {
	return Policy{BaseDelay: time.Second, MaxDelay: 5 * time.Minute, MaxAttempts: 15,
		WaitForPost: 500 * time.Millisecond, ResponseTTL: 30 * time.Minute, Lease: 2 * time.Minute}
}

// Stats counts what the worker did, for metrics.
type Stats struct {
	Sent, Retried, Failed, RateLimited int64
}

// Worker delivers the outbox until its context ends or a fatal error stops it.
type Worker struct {
	q      Queue
	send   Sender
	pace   *Pacer
	policy Policy
	now    func() time.Time
	log    *slog.Logger
	owner  string // this worker's name on the leases it takes

	wake chan struct{}

	mu      sync.Mutex
	stats   Stats
	stopped error // the fatal error that stopped delivery
}

// Options configure a Worker.
type Options struct {
	Policy Policy
	Pacer  *Pacer // nil: Slack's usual limits
	Now    func() time.Time
	Logger *slog.Logger
}

// NewWorker returns a worker delivering q through s.
func NewWorker(q Queue, s Sender, o Options) *Worker {
	w := &Worker{q: q, send: s, pace: o.Pacer, policy: o.Policy, now: o.Now, log: o.Logger, wake: make(chan struct{}, 1),
		owner: fmt.Sprintf("w%d-%x", os.Getpid(), rand.Uint64())}
	if w.policy == (Policy{}) {
		w.policy = DefaultPolicy()
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.pace == nil {
		w.pace = NewPacer(SlackLimits(), w.now)
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w
}

// Notify wakes the worker: something was queued.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stopped returns the fatal error that stopped delivery, if any.
func (w *Worker) Stopped() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped
}

// Stats returns counts so far.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// Run delivers until ctx ends. It returns the fatal error that stopped it,
// or nil when ctx ended.
func (w *Worker) Run(ctx context.Context) error {
	defer w.release()
	for {
		if err := w.drain(ctx, nil); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if w.Stopped() != nil {
				return err
			}
			w.log.ErrorContext(ctx, "outbox pass failed", "err", err)
		}
		wait := time.Second
		if next, ok, err := w.q.NextOutboxAt(ctx, nil); err == nil && ok {
			wait = min(max(next.Sub(w.now()), 5*time.Millisecond), time.Second)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Drain delivers everything due now, returning when nothing due is left (or
// only messages waiting for a later time): the last act of a shutdown.
func (w *Worker) Drain(ctx context.Context) error { return w.drain(ctx, nil) }

// Deliver delivers the messages queued under keys, waiting out retries and
// rate limits, until none is pending or ctx ends. It returns the keys whose
// message failed. Commands that post call it before they exit.
func (w *Worker) Deliver(ctx context.Context, keys []string) (failed []string, err error) {
	if len(keys) == 0 {
		return nil, nil
	}
	defer w.release()
	for {
		if err := w.drain(ctx, keys); err != nil {
			return nil, err
		}
		next, pending, err := w.q.NextOutboxAt(ctx, keys)
		if err != nil {
			return nil, err
		}
		if !pending {
			break
		}
		t := time.NewTimer(min(max(next.Sub(w.now()), 5*time.Millisecond), time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	status, err := w.q.OutboxStatus(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if status[k] == "failed" {
			failed = append(failed, k)
		}
	}
	return failed, nil
}

func (w *Worker) drain(ctx context.Context, keys []string) error {
	for {
		if err := w.Stopped(); err != nil {
			return err
		}
		items, err := w.q.ClaimOutbox(ctx, w.owner, w.now(), w.policy.Lease, 100, keys)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		send, superseded := coalesce(items)
		for _, it := range superseded {
			if err := w.q.MarkSuperseded(ctx, it.ID); err != nil {
				return err
			}
		}
		for _, it := range send {
			if err := ctx.Err(); err != nil {
				return err // stop between messages; release() gives back the rest
			}
			if err := w.deliver(ctx, it); err != nil {
				return err
			}
		}
	}
}

// release gives back the messages this worker claimed but did not finish,
// when it stops (a shutdown, a revoked token, a command's deadline), so
// that the next worker takes them at once instead of after the lease.
func (w *Worker) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := w.q.ReleaseLeases(ctx, w.owner); err != nil {
		w.log.Warn("could not release outbox leases; they expire on their own", "err", err)
	}
}

// coalesce keeps only the last of several pending updates of the same
// message (or publishes of the same home): each renders the state current at
// delivery, so the earlier ones would show nothing new.
func coalesce(items []coaching.OutboxItem) (send, superseded []coaching.OutboxItem) {
	last := map[string]int{}
	for i, it := range items {
		if k := coalesceKey(it.Message); k != "" {
			last[k] = i
		}
	}
	for i, it := range items {
		if k := coalesceKey(it.Message); k != "" && last[k] != i {
			superseded = append(superseded, it)
		} else {
			send = append(send, it)
		}
	}
	return send, superseded
}

func coalesceKey(m coaching.Message) string {
	switch m.Op {
	case coaching.OpUpdate:
		return "u:" + m.Key
	case coaching.OpPublish:
		return "p:" + m.To
	}
	return ""
}

func (w *Worker) deliver(ctx context.Context, it coaching.OutboxItem) error {
	m := it.Message
	if m.Op == coaching.OpRespond && w.now().Sub(it.CreatedAt) > w.policy.ResponseTTL {
		return w.fail(ctx, it, "response_url expired before delivery")
	}
	var prior *coaching.Posted
	if key := priorKey(m); key != "" {
		p, ready, err := w.priorPost(ctx, it, key)
		if err != nil || !ready {
			return err
		}
		prior = p
	}
	if err := w.paced(ctx, it); err != nil {
		if errors.Is(err, errLater) {
			return nil
		}
		return err
	}
	// A send once started is finished and recorded even if the worker is
	// told to stop meanwhile: cutting it short could leave a message Slack
	// accepted unmarked, to be posted again by the next worker.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	posted, err := w.send.Send(sctx, m, prior)
	if err == nil {
		w.count(func(s *Stats) { s.Sent++ })
		return w.q.MarkSent(sctx, it.ID, m.Key, posted)
	}
	return w.handleFailure(sctx, it, classify(err))
}

// sendTimeout bounds one send and its bookkeeping.
const sendTimeout = 30 * time.Second

// maxInlineWait is the longest pacing wait spent in process; longer waits
// (a channel's one post a second, a 429's hold) go back to the queue so
// other channels carry on meanwhile.
const maxInlineWait = 250 * time.Millisecond

var errLater = errors.New("postponed")

// paced takes a slot under the rate limits for it, waiting briefly in
// process or postponing it (errLater) when the wait is long.
func (w *Worker) paced(ctx context.Context, it coaching.OutboxItem) error {
	for {
		wait := w.pace.Reserve(method(it.Message), it.Message.To)
		if wait == 0 {
			return nil
		}
		if wait > maxInlineWait {
			if err := w.q.Postpone(ctx, it.ID, w.now().Add(wait)); err != nil {
				return err
			}
			return errLater
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// priorKey names the posted message a message needs first: the one an
// update changes, or the one a reply threads under.
func priorKey(m coaching.Message) string {
	switch {
	case m.Op == coaching.OpUpdate:
		return m.Key
	case m.Op == coaching.OpPost && m.ThreadKey != "":
		return m.ThreadKey
	}
	return ""
}

// priorPost finds the post a message depends on. It waits while that post
// is still queued and fails when the post failed.
func (w *Worker) priorPost(ctx context.Context, it coaching.OutboxItem, key string) (*coaching.Posted, bool, error) {
	p, ok, err := w.q.PostedMessage(ctx, key)
	if err != nil || ok {
		return &p, ok, err
	}
	status, err := w.q.PostStatus(ctx, key)
	if err != nil {
		return nil, false, err
	}
	if status == "pending" {
		return nil, false, w.q.Postpone(ctx, it.ID, w.now().Add(w.policy.WaitForPost))
	}
	return nil, false, w.fail(ctx, it, "the message to update was never posted ("+orNone(status)+")")
}

func (w *Worker) handleFailure(ctx context.Context, it coaching.OutboxItem, e *Error) error {
	attrs := []any{"outbox_id", it.ID, "kind", string(it.Message.Kind), "op", string(it.Message.Op), "attempt", it.Attempts + 1, "err", e.Err}
	switch e.Class {
	case Fatal:
		w.mu.Lock()
		w.stopped = e
		w.mu.Unlock()
		w.log.ErrorContext(ctx, "outbox stopped: Slack rejected the bot token", attrs...)
		if err := w.q.MarkRetry(ctx, it.ID, w.now(), e.Error()); err != nil {
			return errors.Join(e, err)
		}
		return e
	case Permanent:
		return w.fail(ctx, it, e.Error())
	case RateLimited:
		if e.RetryAfter <= 0 {
			e.RetryAfter = time.Second
		}
		w.count(func(s *Stats) { s.RateLimited++ })
		w.pace.Hold(e.Method, e.RetryAfter)
		w.log.WarnContext(ctx, "outbox rate limited", append(attrs, "retry_after", e.RetryAfter)...)
		// A 429 is Slack pacing us, not the message failing: it does not
		// count towards giving up.
		return w.q.Postpone(ctx, it.ID, w.now().Add(e.RetryAfter))
	}
	if it.Attempts+1 >= w.policy.MaxAttempts {
		return w.fail(ctx, it, e.Error())
	}
	delay := backoff(w.policy, it.Attempts)
	w.count(func(s *Stats) { s.Retried++ })
	w.log.WarnContext(ctx, "outbox send failed; will retry", append(attrs, "retry_in", delay)...)
	return w.q.MarkRetry(ctx, it.ID, w.now().Add(delay), e.Error())
}

func (w *Worker) fail(ctx context.Context, it coaching.OutboxItem, reason string) error {
	w.count(func(s *Stats) { s.Failed++ })
	w.log.ErrorContext(ctx, "outbox message failed for good", "outbox_id", it.ID, "kind", string(it.Message.Kind),
		"op", string(it.Message.Op), "to", it.Message.To, "reason", reason)
	return w.q.MarkFailed(ctx, it.ID, reason)
}

func (w *Worker) count(f func(*Stats)) {
	w.mu.Lock()
	f(&w.stats)
	w.mu.Unlock()
}

// backoff is exponential with full jitter: spreading retries keeps a burst
// of failures from coming back as a burst.
func backoff(p Policy, attempts int) time.Duration {
	d := p.BaseDelay << min(attempts, 20)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// method names the Slack method a message uses, for pacing.
func method(m coaching.Message) string {
	switch m.Op {
	case coaching.OpPost:
		return "chat.postMessage"
	case coaching.OpUpdate:
		return "chat.update"
	case coaching.OpPublish:
		return "views.publish"
	}
	return "response_url"
}

func orNone(s string) string {
	if s == "" {
		return "none queued"
	}
	return s
}
