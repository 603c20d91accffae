package coaching

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO week.
type Week struct{ Year, Week int }

// WeekOf returns the ISO week a date falls in.
func WeekOf(d Date) Week {
	y, w := d.Time(time.UTC).ISOWeek()
	return Week{y, w}
}

// String formats the week as 2026-W48.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// weekRE is an ISO week as typed: four digits, -W, two digits, nothing
// else (Sscanf alone took 2026-W475 and 2026-W47junk for W47, 26-W47 for
// the year 26).
var weekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseWeek reads 2026-W48.
func ParseWeek(s string) (Week, error) {
	var w Week
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return Week{}, fmt.Errorf("week %q is not YYYY-Www", s)
	}
	w.Year, _ = strconv.Atoi(m[1])
	w.Week, _ = strconv.Atoi(m[2])
	// Well written, but not a week of that year: say so, and which are.
	if w.Week < 1 || w.Week > 53 || WeekOf(w.Monday()) != w {
		last := WeekOf(Date{w.Year, time.December, 28}) // always in the year's last ISO week
		return Week{}, fmt.Errorf("%d has no week %s: its weeks run from %d-W01 to %s", w.Year, m[2], w.Year, last)
	}
	return w, nil
}

// Monday returns the first day of the week.
func (w Week) Monday() Date {
	jan4 := Date{w.Year, time.January, 4}
	monday := jan4.AddDays(-((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDays(7 * (w.Week - 1))
}

// Sunday returns the last day of the week.
func (w Week) Sunday() Date { return w.Monday().AddDays(6) }

// Digest is a week's digest, ready to queue: the messages that carry it,
// each a payload the Slack edge renders. The first is posted in the
// leaders' channel; the others reply in its thread, in order.
type Digest struct {
	Week  Week
	Posts []DigestPost
}

// DigestPost is one message of a digest.
type DigestPost struct {
	Kind    MessageKind // MsgDigest, or MsgDigestChart for the chart's upload
	Payload []byte
}

// DigestSource builds a week's digest. internal/digest implements it from
// the metrics, so that the digest counts exactly what every other surface
// counts.
type DigestSource interface {
	WeekDigest(ctx context.Context, week Week, now time.Time) (Digest, error)
}

// DigestJob names the weekly digest in the job ledger; the period is the
// ISO week it reports.
const DigestJob = "digest"

// DigestKey names the i-th message of a week's digest in the outbox: the
// first is the one posted in the channel, whose thread the others reply in.
func DigestKey(w Week, i int) string {
	if i == 0 {
		return DigestJob + ":" + w.String()
	}
	return DigestJob + ":" + w.String() + ":" + itoa(int64(i))
}

// RepostsGoneThread reports whether a reply of kind, finding the message
// it threads under gone from Slack (deleted), has that message posted
// again, once, and follows it: a digest's replies under its headline, the
// week's figures a leaders' channel would otherwise lose. A rep's reminder
// under a DM the bot no longer has does not.
func RepostsGoneThread(kind MessageKind) bool { return kind == MsgDigest || kind == MsgDigestChart }

// MaxThreadReposts is how many times a digest's headline found gone is
// posted again by the sender on its own: once. Deleted again, its replies
// fail for good (`coachlog digest --week` posts it again on an admin's
// word): whoever deletes a headline twice means it, and a loop of posts
// and deletions is never possible.
const MaxThreadReposts = 1

// DigestKeyWeek is the week a digest message's key names ("digest:2026-W47",
// "digest:2026-W47:3", as DigestKey writes them), if key is a digest's.
func DigestKeyWeek(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, DigestJob+":")
	if !ok {
		return "", false
	}
	week, _, _ := strings.Cut(rest, ":")
	return week, week != ""
}

// DigestWeek is the week a digest scheduled at t reports: the week of the
// day before, so a Monday-morning digest covers the week just ended and a
// Friday-afternoon one the week ending.
func DigestWeek(t time.Time, loc *time.Location) Week {
	return WeekOf(DateOf(t.Add(-24*time.Hour), loc))
}

// DigestEarlyIn returns, of zones, the one furthest west (the earliest
// wall clock at at) where a digest run at at, on loc's clock, reports a
// week that has ended on loc's clock but not there yet; nil if none. A
// session is dated on its manager's own clock: one logged there in the
// last hours of Sunday falls in a week whose digest is already claimed,
// and no digest counts it. A run that reports the week so far (a Friday's)
// is not early: it says so.
func DigestEarlyIn(at time.Time, loc *time.Location, zones []*time.Location) *time.Location {
	sunday := DigestWeek(at, loc).Sunday()
	if !DateOf(at, loc).After(sunday) {
		return nil
	}
	var west *time.Location
	offset := func(z *time.Location) int { _, off := at.In(z).Zone(); return off }
	for _, z := range zones {
		if DateOf(at, z).After(sunday) {
			continue
		}
		if west == nil || offset(z) < offset(west) {
			west = z
		}
	}
	return west
}

// DigestRun is what RunDigest did.
type DigestRun struct {
	Digest Digest
	// Queued is false when the week's digest ran before (the job ledger
	// says so), or when there is nothing to report yet.
	Queued bool
	// AlreadyRan is true when the week's digest was claimed before, by
	// this or another process.
	AlreadyRan bool
	// BeforeTeams is true when the week ended before Coachlog knew any
	// manager's team and nobody logged coaching in it: nothing to report.
	BeforeTeams bool
	Keys        []string // the outbox keys of the messages queued
}

// RunDigest builds the digest for week from src and queues it for channel,
// once per week whoever runs it: the claim in the job ledger and the
// messages commit together.
func (s *Service) RunDigest(ctx context.Context, src DigestSource, week Week, channel string, now time.Time, o JobOptions) (DigestRun, error) {
	ran, err := s.store.JobRan(ctx, DigestJob, week.String())
	if err != nil {
		return DigestRun{}, err
	}
	if ran && !o.DryRun {
		return DigestRun{AlreadyRan: true}, nil
	}
	managers, err := s.store.NudgeManagers(ctx)
	if err != nil || len(managers) == 0 {
		return DigestRun{}, err // no teams yet: nothing to report, and the week stays open
	}
	if before, err := s.beforeTeams(ctx, managers, week.Monday(), week.Sunday()); err != nil || before {
		return DigestRun{BeforeTeams: before}, err
	}
	d, err := src.WeekDigest(ctx, week, now)
	if err != nil {
		return DigestRun{}, fmt.Errorf("build the digest of %s: %w", week, err)
	}
	run := DigestRun{Digest: d}
	if o.DryRun || len(d.Posts) == 0 {
		return run, nil
	}
	msgs := make([]Message, len(d.Posts))
	keys := make([]string, len(d.Posts))
	for i, p := range d.Posts {
		keys[i] = DigestKey(week, i)
		msgs[i] = Message{Kind: p.Kind, Op: OpPost, Key: keys[i], To: channel, Payload: p.Payload}
		if i > 0 {
			msgs[i].ThreadKey = keys[0]
		}
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		run.Queued, run.Keys, run.AlreadyRan = false, nil, false // a retried write reports its last attempt
		claimed, err := tx.ClaimJob(ctx, DigestJob, week.String(), "channel "+channel, now)
		if err != nil || !claimed {
			run.AlreadyRan = !claimed
			return err
		}
		run.Queued, run.Keys = true, keys
		return tx.Enqueue(ctx, msgs...)
	})
	if err != nil {
		return DigestRun{}, fmt.Errorf("queue the digest of %s: %w", week, err)
	}
	return run, nil
}

// WeekBeforeTeams reports whether week ended before the roster named any
// of today's teams, with nobody coaching in it (beforeTeams): the week
// RunDigest posts no digest of. A dry run and `/coach report` ask it too,
// and say so rather than show that week as one in which nobody coached.
// With no team at all it is false: that is said otherwise.
func (s *Service) WeekBeforeTeams(ctx context.Context, week Week) (bool, error) {
	return s.PeriodBeforeTeams(ctx, week.Monday(), week.Sunday())
}

// PeriodBeforeTeams is WeekBeforeTeams for the dates from to to, both
// included: `coachlog metrics` asks it of any period, so that it lists no
// team in a week the digest says had none.
func (s *Service) PeriodBeforeTeams(ctx context.Context, from, to Date) (bool, error) {
	managers, err := s.store.NudgeManagers(ctx)
	if err != nil {
		return false, fmt.Errorf("load the managers: %w", err)
	}
	if len(managers) == 0 {
		return false, nil
	}
	return s.beforeTeams(ctx, managers, from, to)
}

// beforeTeams reports whether the dates from to to ended, on the
// organisation's clock, before Coachlog knew any of managers as one (the
// first roster import that listed them) with no coaching logged by them
// in them: a first start after a roster import catches up no digest of
// the time before, which would tell the leaders that nobody was coached
// while the product was not running yet.
func (s *Service) beforeTeams(ctx context.Context, managers []Person, from, to Date) (bool, error) {
	for _, m := range managers {
		if m.KnownAt.IsZero() || !m.KnownOn(s.defaultTZ).After(to) {
			return false, nil
		}
	}
	teams, err := s.store.Teams(ctx, managers, from)
	if err != nil {
		return false, fmt.Errorf("load the sessions from %s to %s: %w", from, to, err)
	}
	for _, t := range teams {
		for _, ss := range t.Sessions {
			if !ss.On.After(to) {
				return false, nil
			}
		}
	}
	return true, nil
}
