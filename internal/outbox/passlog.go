package outbox

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// passLogEvery is how often a pass that keeps failing is logged again.
const passLogEvery = time.Minute

// passLog logs a delivery pass that keeps failing the way an operator can
// read it: the first failure at once, then at most once a minute while
// they go on, with how many failed meanwhile, and once when a pass works
// again. A lane tries again every second, so a database gone for an hour
// would otherwise write 3,600 identical lines a lane. Each lane has its
// own, used from its own goroutine only.
type passLog struct {
	what   string // "outbox pass", "outbox reply pass"
	log    *slog.Logger
	now    func() time.Time
	failed int       // passes failed in a row
	since  time.Time // when the first of them failed
	logged time.Time // when they were last logged
}

// fail records a failed pass, and logs it unless one was logged less than
// passLogEvery ago.
func (p *passLog) fail(ctx context.Context, err error) {
	now := p.now()
	p.failed++
	switch {
	case p.failed == 1:
		p.since, p.logged = now, now
		p.log.ErrorContext(ctx, p.what+" failed; retrying every second, logged again each minute while it fails",
			"err", err, "then", "check the database (COACHLOG_DB) answers; nothing is lost meanwhile, messages wait in the outbox")
	case now.Sub(p.logged) >= passLogEvery:
		p.logged = now
		p.log.ErrorContext(ctx, p.what+" still failing", "failed_passes", p.failed,
			"failing_for", now.Sub(p.since).Round(time.Second), "err", err)
	}
}

// ok records a pass that worked, and logs the end of a run of failures.
func (p *passLog) ok(ctx context.Context) {
	if p.failed == 0 {
		return
	}
	p.log.InfoContext(ctx, p.what+" works again", "failed_passes", p.failed,
		"failing_for", p.now().Sub(p.since).Round(time.Second))
	p.failed = 0
}

// retryLogEvery is how often sends failing the same way are warned of again.
const retryLogEvery = 10 * time.Second

// retryLog thins the warning of a send that will be retried. While Slack
// is down, every message queued fails in each round of its backoff: a
// Monday's 2,000 nudges were 2,000 identical warnings a round. The first
// failure of a kind (the method and the error) is a warning, then at most
// one every retryLogEvery, saying how many failed that way since; each
// failure is still logged, at debug. Sends run concurrently: it locks.
type retryLog struct {
	mu         sync.Mutex
	last       map[string]time.Time // when a kind was last warned of
	suppressed map[string]int       // failures of a kind since
}

// warn reports whether a failure of kind at now is warned of, and how many
// of that kind went unwarned since the last warning.
func (r *retryLog) warn(kind string, now time.Time) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last, r.suppressed = map[string]time.Time{}, map[string]int{}
	}
	if last, ok := r.last[kind]; ok && now.Sub(last) < retryLogEvery {
		r.suppressed[kind]++
		return false, 0
	}
	n := r.suppressed[kind]
	r.last[kind], r.suppressed[kind] = now, 0
	return true, n
}
