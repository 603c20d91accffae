package ops

import (
	"context"
	"log/slog"
	"time"

	"github.com/coachlog/coachlog/internal/failrun"
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
	failDatabase = failing{slog.LevelError, "health: the database does not answer", "health: the database answers again"}
	failOutbox   = failing{slog.LevelError, "health: cannot read the outbox", "health: the outbox can be read again"}
	failFailures = failing{slog.LevelError, "health: cannot read failed messages", "health: failed messages can be read again"}
	failScrape   = failing{slog.LevelError, "metrics: scrape failed", "metrics: scrapes work again"}
	// The file replaced is a state, not a read that fails now and then:
	// its line, which says what to do, is written once.
	failDBFile = failing{slog.LevelError, "health: the database file was deleted or replaced; what is written now is lost at the next start",
		"health: the database file is back where it was"}
	failDamaged = failing{slog.LevelError, "health: the database file is damaged; restore it from a backup",
		"health: the database file checks out"}
	failOutboxFigures = failing{slog.LevelWarn,
		"metrics: the outbox could not be read; coachlog_outbox_pending and coachlog_outbox_failed read -1",
		"metrics: the outbox can be read again"}
	failScheduledFigures = failing{slog.LevelWarn,
		"metrics: the failed scheduled messages could not be read; coachlog_scheduled_failed reads -1",
		"metrics: the failed scheduled messages can be read again"}
)

// failLog logs what probes and scrapes find failing the way an operator
// can read it: the first failure at once, then at most once a minute
// while it goes on, with how many failures that line stands for, and
// once when the read works again. A load balancer probes /healthz every
// second or so: a database unreadable for an hour would otherwise write
// 3,600 identical errors for each check. Probes run concurrently; the
// runs lock.
type failLog struct {
	log  *slog.Logger
	now  func() time.Time
	runs failrun.Runs // by failing.msg
}

func newFailLog(log *slog.Logger, now func() time.Time) *failLog {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &failLog{log: log, now: now, runs: failrun.Runs{Every: failLogEvery}}
}

// fail records that f failed with err, and logs it unless it was logged
// less than failLogEvery ago.
func (l *failLog) fail(ctx context.Context, f failing, err error) {
	now := l.now()
	switch r, log := l.runs.Fail(f.msg, now); {
	case !log:
	case r.Failures == 1:
		l.log.Log(ctx, f.level, f.msg, "err", err)
	default:
		l.log.Log(ctx, f.level, f.msg+"; still failing", "failures", r.Failures, "suppressed", r.Unlogged,
			"failing_for", now.Sub(r.Since).Round(time.Second).String(), "err", err)
	}
}

// failOnce records that f failed with err, and logs it when it first
// does: for a state that does not mend by itself, whose line says what to
// do, no reminder every minute. ok logs its end.
func (l *failLog) failOnce(ctx context.Context, f failing, err error) {
	if r, _ := l.runs.Fail(f.msg, l.now()); r.Failures == 1 {
		l.log.Log(ctx, f.level, f.msg, "err", err)
	}
}

// ok records that f worked, and logs the end of a run of failures.
func (l *failLog) ok(ctx context.Context, f failing) {
	if r, ended := l.runs.OK(f.msg); ended {
		l.log.InfoContext(ctx, f.recovered, "failures", r.Failures, "failing_for", l.now().Sub(r.Since).Round(time.Second).String())
	}
}
