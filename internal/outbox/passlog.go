package outbox

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// retryLogEvery is how often sends failing the same way are warned of
// again. While Slack is down, every message queued fails in each round of
// its backoff: a Monday's 2,000 nudges were 2,000 identical warnings a
// round. The kind of a failure is its method and its error; each failure
// is still logged, at debug.
const retryLogEvery = 10 * time.Second

// throttle thins a log line that repeats: the first of a kind is logged,
// then at most one every `every`, saying how many of that kind went
// unlogged since. Each kind has its own clock, so a new way of failing is
// logged at once. The sends that fail use it (Worker.retries); they run
// concurrently, so it locks. A lane's failing passes have passLog.
type throttle struct {
	every      time.Duration
	mu         sync.Mutex
	last       map[string]time.Time // when a kind was last logged
	suppressed map[string]int       // lines of a kind unlogged since
}

// failureKind is an error's text with its numbers taken out: a network
// error names the connection's addresses and local port, so each failed
// send was a kind of its own and Slack resetting connections warned once
// a send.
func failureKind(err error) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '#'
		}
		return r
	}, err.Error())
}

// throttleKinds bounds the kinds a throttle remembers. A kind is a
// method and an error's text, and some texts never repeat (a network
// error names the connection's local port): kept for ever, they grew the
// map by one entry a failed send for as long as the bot ran.
const throttleKinds = 1024

// allow reports whether a line of kind at now is logged, and how many of
// that kind went unlogged since the last that was.
func (t *throttle) allow(kind string, now time.Time) (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last, t.suppressed = map[string]time.Time{}, map[string]int{}
	}
	if last, ok := t.last[kind]; ok && now.Sub(last) < t.every {
		t.suppressed[kind]++
		return false, 0
	}
	n := t.suppressed[kind]
	_, known := t.last[kind]
	if !known && len(t.last) >= throttleKinds {
		t.forget(now)
	}
	if known || len(t.last) < throttleKinds {
		t.last[kind], t.suppressed[kind] = now, 0
	}
	return true, n
}

// forget drops the kinds last logged over `every` ago: their next line
// is logged at once anyway. What went unlogged of them since is lost, a
// count in a log line, not a failure (each is logged at debug).
func (t *throttle) forget(now time.Time) {
	for kind, last := range t.last {
		if now.Sub(last) >= t.every {
			delete(t.last, kind)
			delete(t.suppressed, kind)
		}
	}
}

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

func newPassLog(what string, log *slog.Logger, now func() time.Time) *passLog {
	return &passLog{what: what, log: log, now: now}
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
