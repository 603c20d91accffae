// Package schedule runs Coachlog's timed jobs on robfig/cron: one tick every
// minute asks each job what is due now. Who is due is decided by the domain
// from now, each person's time zone and the job ledger, never by a cron
// entry per manager, so zones, daylight saving and restarts need no special
// handling here. It is the only package that imports robfig/cron.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"math/bits"
	"strings"
	"sync"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/robfig/cron/v3"
)

// Jobs are what the scheduler runs.
type Jobs interface {
	// Nudges queues the nudges due at now.
	Nudges(ctx context.Context, now time.Time) error
	// Reminders queues the pending-session reminders due at now.
	Reminders(ctx context.Context, now time.Time) error
	// Digest builds and posts the digest scheduled at scheduledAt; it runs
	// once per week whoever calls it.
	Digest(ctx context.Context, scheduledAt time.Time) error
}

// Config shapes a Scheduler.
type Config struct {
	Tick        string         // cron spec of the tick; default every minute
	DigestSpec  string         // when the digest is due, in Loc; "" for none
	Loc         *time.Location // the organisation's zone, for DigestSpec
	DigestGrace time.Duration  // a digest missed while down runs at start within this; default 48 h
	Now         func() time.Time
	Logger      *slog.Logger
}

// Scheduler ticks until stopped.
type Scheduler struct {
	jobs   Jobs
	cfg    Config
	digest cron.Schedule // nil: no digest
	cron   *cron.Cron
	mu     sync.Mutex // one pass at a time
	ctx    context.Context
	first  chan struct{} // closed when Start's pass has finished; nil before Start

	statsMu sync.Mutex
	runs    map[string]int
}

// ParseDigestSpec checks a digest schedule, for configuration errors at start:
// a spec cron would take but that never fires (31 February), or that names
// its own zone (CRON_TZ=…), where the digest's week and time are
// COACHLOG_TIMEZONE's, would leave the digest silently off or off-hour.
func ParseDigestSpec(spec string) (cron.Schedule, error) {
	return parseDigestSpec(spec, twiceInAWeek)
}

// parseDigestSpec is ParseDigestSpec with its twice-a-week check given,
// so that a test can hold its answers to the full walk's.
func parseDigestSpec(spec string, twice func(cron.Schedule) (time.Time, time.Time, bool)) (cron.Schedule, error) {
	if f := strings.Fields(spec); len(f) > 0 && (strings.HasPrefix(f[0], "CRON_TZ=") || strings.HasPrefix(f[0], "TZ=")) {
		return nil, fmt.Errorf("%q names a time zone: the digest runs on COACHLOG_TIMEZONE's clock; set that and give the schedule alone, such as \"0 8 * * MON\"", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule such as \"0 8 * * MON\": %w", spec, err)
	}
	// "@every 168h" counts from whenever it is asked, not from a day of the
	// week: LastRun, which looks back over the grace, always finds its next
	// run a week ahead, so the digest would never be due; a shorter one
	// runs more than once a week.
	if _, ok := s.(cron.ConstantDelaySchedule); ok {
		return nil, fmt.Errorf("%q runs at intervals counted from whenever Coachlog starts, not on a day and time of the week (a week apart, the digest would never go out); give a day and time, such as \"0 8 * * MON\"", spec)
	}
	// cron looks five years ahead for a match: none means never.
	if s.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("%q never fires (no such day): the digest would never go out", spec)
	}
	if a, b, ok := twice(s); ok {
		return nil, fmt.Errorf("%q runs more than once in a week (%s and %s): the digest goes out once a week, so the first run would claim the week with a digest of the week so far and the full week would never be posted; give one run a week, such as \"0 8 * * MON\"",
			spec, a.Format("Mon 2 Jan 2006 15:04"), b.Format("Mon 2 Jan 2006 15:04"))
	}
	return s, nil
}

// digestCycle is how long walkTwiceInAWeek reads a schedule: 28 years, the
// cycle of weekdays and leap days (within 1901–2099), so that a day of
// the month or of February 29 that falls in a week with another run is
// found whatever year it does.
const digestCycle = 28

// twiceInAWeek returns two runs of sched that report the same week (the
// week of the day before a run, as the job ledger claims it), if any. A
// schedule that provably runs at most once a week, as those people write
// for a weekly digest do, is answered at once: walking its 28 years took
// 4.5 ms at every configuration load, each CLI command and bot start.
func twiceInAWeek(sched cron.Schedule) (time.Time, time.Time, bool) {
	if atMostWeekly(sched) {
		return time.Time{}, time.Time{}, false
	}
	return walkTwiceInAWeek(sched)
}

// atMostWeekly reports whether sched's runs are at least seven days apart,
// on the wall clock without daylight saving that walkTwiceInAWeek reads
// it on, so that no two report the same week: the weeks of the days
// before two runs are seven days or more apart too. False says nothing:
// the walk decides.
func atMostWeekly(sched cron.Schedule) bool {
	s, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return false
	}
	// One second, minute and hour: one run a day at most. One weekday,
	// with the day of the month "*": robfig's day matches both the day of
	// the month and of the week when either is "*" (its star bit), so
	// the runs fall on that weekday only, whatever the months. With both
	// restricted, a day matches EITHER ("0 8 1 * MON" runs on the 1st
	// too), and the walk decides. A schedule in a zone of its own
	// (CRON_TZ=, refused before) could be an hour short of a week apart.
	return s.Location == time.Local &&
		oneBit(s.Second) && oneBit(s.Minute) && oneBit(s.Hour) &&
		s.Dom&cronStarBit != 0 && oneBit(s.Dow)
}

// cronStarBit is robfig/cron's mark, in a field's bits, of a field written
// "*" or "?" (its starBit, unexported).
const cronStarBit = 1 << 63

// oneBit reports whether a field's bits name exactly one value.
func oneBit(field uint64) bool { return bits.OnesCount64(field&^cronStarBit) == 1 }

// walkTwiceInAWeek is twiceInAWeek for any schedule: it reads the runs of
// 28 years in order. It reads the schedule on a wall clock without
// daylight saving, as LastRun does: autumn's repeated hour is one run
// there, as it is when the digest goes out.
func walkTwiceInAWeek(sched cron.Schedule) (time.Time, time.Time, bool) {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	until := from.AddDate(digestCycle, 0, 0)
	// Runs come in order, and so do their weeks: two in one week are
	// next to each other.
	var prev time.Time
	var prevWeek coaching.Week
	for t := sched.Next(from); !t.IsZero() && t.Before(until); t = sched.Next(t) {
		w := coaching.DigestWeek(t, time.UTC)
		if !prev.IsZero() && w == prevWeek {
			return prev, t, true
		}
		prev, prevWeek = t, w
	}
	return time.Time{}, time.Time{}, false
}

// New returns a scheduler for jobs.
func New(jobs Jobs, cfg Config) (*Scheduler, error) {
	if cfg.Tick == "" {
		cfg.Tick = "@every 1m"
	}
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	if cfg.DigestGrace == 0 {
		cfg.DigestGrace = 48 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{jobs: jobs, cfg: cfg, runs: map[string]int{}}
	if cfg.DigestSpec != "" {
		d, err := ParseDigestSpec(cfg.DigestSpec)
		if err != nil {
			return nil, err
		}
		s.digest = d
	}
	s.cron = cron.New(cron.WithLocation(cfg.Loc))
	if _, err := s.cron.AddFunc(cfg.Tick, func() { s.Tick(s.ctx, s.cfg.Now()) }); err != nil {
		return nil, fmt.Errorf("tick %q: %w", cfg.Tick, err)
	}
	return s, nil
}

// Start runs a pass at once, catching up what was missed while the bot was
// down (within each job's grace), then one every tick until Stop. The
// channel it returns is closed when that first pass has finished, so that
// what starts the bot can act after it rather than race it.
func (s *Scheduler) Start(ctx context.Context) <-chan struct{} {
	s.ctx = ctx
	first := make(chan struct{})
	s.first = first
	go func() {
		defer close(first)
		s.Tick(ctx, s.cfg.Now())
		s.waitPass() // a tick's pass that made this one skip does its work
	}()
	s.cron.Start()
	return first
}

// Stop stops ticking and waits for a pass in progress, Start's among
// them even when it has not begun yet: a bot stopping right after its
// start (a failed listen) would otherwise see that pass run after Stop,
// on a closed store.
func (s *Scheduler) Stop() {
	<-s.cron.Stop().Done()
	if s.first != nil {
		<-s.first // ends once a tick's pass that made Start's skip is done
	}
}

// waitPass returns once no pass is running: passes hold mu throughout
// (Tick), so taking it waits for the one in progress.
func (s *Scheduler) waitPass() {
	s.mu.Lock()
	defer s.mu.Unlock()
}

// Runs returns how many passes of each job ran without error, for metrics.
func (s *Scheduler) Runs() map[string]int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := make(map[string]int, len(s.runs))
	for k, v := range s.runs {
		out[k] = v
	}
	return out
}

// Tick runs one pass at now: nudges, reminders, and the digest if one is due.
// A pass still running when the next tick comes makes that tick a no-op.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) {
	if !s.mu.TryLock() {
		s.cfg.Logger.Warn("scheduler pass skipped: the previous one is still running")
		return
	}
	defer s.mu.Unlock()
	s.run(ctx, "nudges", func() error { return s.jobs.Nudges(ctx, now) })
	s.run(ctx, "reminders", func() error { return s.jobs.Reminders(ctx, now) })
	if at, ok := s.DigestDue(now); ok {
		s.run(ctx, "digest", func() error { return s.jobs.Digest(ctx, at) })
	}
}

func (s *Scheduler) run(ctx context.Context, name string, f func() error) {
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	if err := f(); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "scheduled job failed", "job", name, "err", err)
		return
	}
	s.statsMu.Lock()
	s.runs[name]++
	s.statsMu.Unlock()
	s.cfg.Logger.DebugContext(ctx, "scheduled job ran", "job", name, "took_ms", time.Since(start).Milliseconds())
}

// DigestDue returns the latest scheduled digest time at or before now, if it
// is within the grace period: a digest missed while the bot was down runs
// at start if it is no older than that, and not after.
func (s *Scheduler) DigestDue(now time.Time) (time.Time, bool) {
	if s.digest == nil {
		return time.Time{}, false
	}
	return LastRun(s.digest, now.In(s.cfg.Loc), s.cfg.DigestGrace)
}

// NextDigest returns the first scheduled digest time after after, on the
// wall clock of Loc as DigestDue reads the schedule; false with no digest
// or no such time. A wall time the spring change skips is given as the
// first instant after the change, when DigestDue runs it: it is for
// looking ahead at the schedule, not for running it.
func (s *Scheduler) NextDigest(after time.Time) (time.Time, bool) {
	if s.digest == nil {
		return time.Time{}, false
	}
	next := s.digest.Next(wallClock(after.In(s.cfg.Loc), time.UTC))
	if next.IsZero() {
		return time.Time{}, false
	}
	return instantOf(next, s.cfg.Loc), true
}

// LastRun returns the latest time sched fires in (now-grace, now], on the
// wall clock of now's location, as cron itself reads a schedule: a time the
// spring change of daylight saving skips (02:30 on the night clocks go
// from 02:00 to 03:00) fires at the change, the first instant after the
// gap (03:00), where robfig/cron alone finds no such time that night and the week's
// digest would never go out; autumn's repeated hour fires once.
func LastRun(sched cron.Schedule, now time.Time, grace time.Duration) (time.Time, bool) {
	wnow := wallClock(now, time.UTC)
	var last time.Time
	for t := sched.Next(wallClock(now.Add(-grace), time.UTC)); !t.IsZero() && !t.After(wnow); t = sched.Next(t) {
		last = t
	}
	if last.IsZero() {
		return time.Time{}, false
	}
	at := instantOf(last, now.Location())
	if at.After(now) { // autumn's repeated hour, read as its second pass: due now
		at = now
	}
	return at, true
}

// instantOf is the instant wall (a wall clock written in UTC, as
// wallClock gives it) names in loc. A wall time the spring change skips
// names the first instant after the gap, the change itself: time.Date
// alone gives it before the jump in some zones (02:30 in Los Angeles on
// the night of the change is 01:30 PST, 00:30 in Santiago the Saturday
// before) and after it in others (01:30 in London is 02:30 BST), so a
// digest's time would be an hour early or late, and its week the
// Saturday's.
func instantOf(wall time.Time, loc *time.Location) time.Time {
	t := wallClock(wall, loc)
	got := wallClock(t, time.UTC)
	switch {
	case got.Equal(wall):
		return t
	case got.After(wall): // resolved after the jump: the gap ends where t's zone starts
		start, _ := t.ZoneBounds()
		return start
	default: // resolved before the jump: the gap begins where t's zone ends
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
		return t
	}
}

// wallClock is t's wall clock in its location, written in loc: in UTC,
// a clock with no daylight saving on which every minute of the day exists
// once; back in the schedule's zone, the instant that wall time names.
func wallClock(t time.Time, loc *time.Location) time.Time {
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	return time.Date(y, mo, d, h, mi, sec, t.Nanosecond(), loc)
}
