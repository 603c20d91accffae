package outbox

import (
	"context"
	"log/slog"
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
