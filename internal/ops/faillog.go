package ops

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// failLogEvery is how often a read that keeps failing is logged again.
const failLogEvery = time.Minute

// failing is one read a probe or a scrape makes that can fail: the line
// that says it failed, at its level, and the line that says it works
// again.
type failing struct {
	level     slog.Level
	msg       string
	recovered string
}

// What the probes and scrapes read, each logged on its own.
var (
	failDatabase      = failing{slog.LevelError, "health: the database does not answer", "health: the database answers again"}
	failOutbox        = failing{slog.LevelError, "health: cannot read the outbox", "health: the outbox can be read again"}
	failFailures      = failing{slog.LevelError, "health: cannot read failed messages", "health: failed messages can be read again"}
	failScrape        = failing{slog.LevelError, "metrics: scrape failed", "metrics: scrapes work again"}
	failOutboxFigures = failing{slog.LevelWarn,
		"metrics: the outbox could not be read; coachlog_outbox_pending and coachlog_outbox_failed read -1",
		"metrics: the outbox can be read again"}
)

// failLog logs what probes and scrapes find failing the way an operator
// can read it: the first failure at once, then at most once a minute
// while it goes on, with how many failures that line stands for, and
// once when the read works again. A load balancer probes /healthz every
// second or so: a database unreadable for an hour would otherwise write
// 3,600 identical errors for each check. Probes run concurrently: it
// locks.
type failLog struct {
	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	runs map[string]*failRun // by failing.msg
}

// failRun is a read's failures in a row.
type failRun struct {
	failures   int       // in a row
	suppressed int       // since the last line
	since      time.Time // when the first of them failed
	logged     time.Time // when they were last logged
}

func newFailLog(log *slog.Logger, now func() time.Time) *failLog {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &failLog{log: log, now: now, runs: map[string]*failRun{}}
}

// fail records that f failed with err, and logs it unless it was logged
// less than failLogEvery ago.
func (l *failLog) fail(ctx context.Context, f failing, err error) {
	now := l.now()
	l.mu.Lock()
	r := l.runs[f.msg]
	if r == nil {
		r = &failRun{since: now, logged: now}
		l.runs[f.msg] = r
	}
	r.failures++
	first := r.failures == 1
	again := !first && now.Sub(r.logged) >= failLogEvery
	if !first && !again {
		r.suppressed++
		l.mu.Unlock()
		return
	}
	failures, suppressed, failingFor := r.failures, r.suppressed, now.Sub(r.since).Round(time.Second)
	r.logged, r.suppressed = now, 0
	l.mu.Unlock()

	if first {
		l.log.Log(ctx, f.level, f.msg, "err", err)
		return
	}
	l.log.Log(ctx, f.level, f.msg+"; still failing", "failures", failures, "suppressed", suppressed,
		"failing_for", failingFor, "err", err)
}

// ok records that f worked, and logs the end of a run of failures.
func (l *failLog) ok(ctx context.Context, f failing) {
	l.mu.Lock()
	r := l.runs[f.msg]
	delete(l.runs, f.msg)
	l.mu.Unlock()
	if r == nil {
		return
	}
	l.log.InfoContext(ctx, f.recovered, "failures", r.failures, "failing_for", l.now().Sub(r.since).Round(time.Second))
}
