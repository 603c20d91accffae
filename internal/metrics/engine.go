package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Engine runs metrics against a store: Plan, one load, Compute.
type Engine struct {
	store          Store
	defaultCadence int
	loc            *time.Location
	now            func() time.Time
}

// Config wires an Engine. Location defaults to UTC, Now to time.Now,
// DefaultCadence to 14 days.
type Config struct {
	Store          Store
	DefaultCadence int            // COACHLOG_CADENCE_DAYS
	Location       *time.Location // COACHLOG_TIMEZONE
	Now            func() time.Time
}

// New returns an Engine for c.
func New(c Config) *Engine {
	e := &Engine{store: c.Store, defaultCadence: c.DefaultCadence, loc: c.Location, now: c.Now}
	if e.loc == nil {
		e.loc = time.UTC
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.defaultCadence <= 0 {
		e.defaultCadence = 14
	}
	return e
}

// Run computes every manager's and leader's figures for period p.
func (e *Engine) Run(ctx context.Context, p Period, o Options) (*Report, error) {
	return e.RunAt(ctx, p, o, e.now())
}

// RunAt is Run with the clock at now, for a job that runs as of the time
// it was scheduled ("away" is read as of now).
func (e *Engine) RunAt(ctx context.Context, p Period, o Options, now time.Time) (*Report, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	q := Plan(p, o)
	if o.Insights {
		// The unconfirmed finding says how many of its requests are
		// still young: asked within the reminder's wait.
		q.AskedSince = now.Add(-coaching.ReminderAfter)
	}
	d, err := e.store.MetricsData(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("load metrics data for %s: %w", p, err)
	}
	return Compute(d, p, Settings{DefaultCadence: e.defaultCadence, Now: now, Location: e.loc, Options: o}), nil
}

// Location is the zone the engine's weeks and days are in.
func (e *Engine) Location() *time.Location { return e.loc }

// LastFullWeek is the latest ISO week that has ended at now, in the
// engine's zone: the default period of `coachlog metrics`.
func (e *Engine) LastFullWeek() coaching.Week {
	return coaching.WeekOf(coaching.DateOf(e.now(), e.loc).AddDays(-7))
}

// ThisWeek is the current ISO week up to today, in the engine's zone: the
// period of the surfaces about an organisation or a leader's tree
// (`/coach report`, a leader's stats and App Home), whose trend is then the
// 4 full weeks before it. A manager's own surfaces read their own week
// instead (WeekSoFar of their local today).
func (e *Engine) ThisWeek() Period { return WeekSoFar(e.Today()) }

// Today is today's date in the engine's zone.
func (e *Engine) Today() coaching.Date { return coaching.DateOf(e.now(), e.loc) }
