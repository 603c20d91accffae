package outbox

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/failrun"
)

// retryLogEvery is how often sends failing the same way are warned of
// again. While Slack is down, every message queued fails in each round of
// its backoff: a Monday's 2,000 nudges were 2,000 identical warnings a
// round. The kind of a failure is its method and its error; each failure
// is still logged, at debug.
const retryLogEvery = 10 * time.Second

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

// passLogEvery is how often a pass that keeps failing is logged again.
const passLogEvery = time.Minute

// passLog logs a delivery pass that keeps failing the way an operator can
// read it: the first failure at once, then at most once a minute while
// they go on, with how many failed meanwhile, and once when a pass works
// again. A lane tries again every second, so a database gone for an hour
// would otherwise write 3,600 identical lines a lane. Each lane has its
// own.
type passLog struct {
	what   string // "outbox pass", "outbox reply pass"
	log    *slog.Logger
	now    func() time.Time
	passes failrun.Runs // one run, keyed ""
}

func newPassLog(what string, log *slog.Logger, now func() time.Time) *passLog {
	return &passLog{what: what, log: log, now: now, passes: failrun.Runs{Every: passLogEvery}}
}

// fail records a failed pass, and logs it unless one was logged less than
// passLogEvery ago.
func (p *passLog) fail(ctx context.Context, err error) {
	now := p.now()
	switch run, log := p.passes.Fail("", now); {
	case !log:
	case run.Failures == 1:
		// A pass the database was too busy for (a statement or lock
		// timeout, SQLite's busy wait) is routine under a burst and loses
		// nothing: a Warn, not an Error that pages someone. Still
		// failing a minute on, it is an Error like any other.
		level := slog.LevelError
		if coaching.ErrorCode(err) == coaching.EBusy {
			level = slog.LevelWarn
		}
		p.log.Log(ctx, level, p.what+" failed; retrying every second, logged again each minute while it fails",
			"err", err, "then", "check the database (COACHLOG_DB) answers; nothing is lost meanwhile, messages wait in the outbox")
	default:
		p.log.ErrorContext(ctx, p.what+" still failing", "failed_passes", run.Failures,
			"failing_for", now.Sub(run.Since).Round(time.Second).String(), "err", err)
	}
}

// ok records a pass that worked, and logs the end of a run of failures.
func (p *passLog) ok(ctx context.Context) {
	if run, ended := p.passes.OK(""); ended {
		p.log.InfoContext(ctx, p.what+" works again", "failed_passes", run.Failures,
			"failing_for", p.now().Sub(run.Since).Round(time.Second).String())
	}
}
