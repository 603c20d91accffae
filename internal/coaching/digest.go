package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

// ParseWeek reads 2026-W48.
func ParseWeek(s string) (Week, error) {
	var w Week
	if _, err := fmt.Sscanf(s, "%4d-W%2d", &w.Year, &w.Week); err != nil || w.Week < 1 || w.Week > 53 {
		return Week{}, fmt.Errorf("week %q is not YYYY-Www", s)
	}
	if WeekOf(w.Monday()) != w {
		return Week{}, fmt.Errorf("%s has no week %d", fmt.Sprint(w.Year), w.Week)
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

// Digest is the weekly summary posted for leaders.
type Digest struct {
	Week     Week
	Managers []ManagerWeek
}

// ManagerWeek is one manager's coaching in a week.
type ManagerWeek struct {
	ManagerID   string
	Name        string
	Sessions    int
	Minutes     int
	TeamSize    int
	Covered     int // reps with a session in the cadence window ending on Sunday
	Overdue     int // as of Sunday
	CadenceDays int
}

// BuildDigest summarises each team's coaching in week. Teams must hold
// their sessions from at least the week's Monday.
func BuildDigest(teams []Team, week Week, now time.Time, defaultCadence int) Digest {
	d := Digest{Week: week}
	mon, sun := week.Monday(), week.Sunday()
	for _, t := range teams {
		mw := ManagerWeek{ManagerID: t.Manager.ID, Name: t.Manager.DisplayName(), CadenceDays: Cadence(t.Manager, defaultCadence)}
		for _, s := range t.Sessions {
			if !s.On.Before(mon) && !s.On.After(sun) {
				mw.Sessions++
				mw.Minutes += s.Minutes
			}
		}
		for _, r := range t.Reps {
			if !r.Active {
				continue
			}
			mw.TeamSize++
			if !r.LastSession.IsZero() && !r.LastSession.After(sun) && sun.DaysSince(r.LastSession) <= mw.CadenceDays {
				mw.Covered++
			}
		}
		mw.Overdue = len(EvaluateNudge(t, sun, now, defaultCadence).Overdue)
		d.Managers = append(d.Managers, mw)
	}
	slices.SortFunc(d.Managers, func(a, b ManagerWeek) int { return b.Minutes - a.Minutes })
	return d
}

// DigestJob names the weekly digest in the job ledger; the period is the
// ISO week it reports.
const DigestJob = "digest"

// DigestWeek is the week a digest scheduled at t reports: the week of the
// day before, so a Monday-morning digest covers the week just ended and a
// Friday-afternoon one the week ending.
func DigestWeek(t time.Time, loc *time.Location) Week {
	return WeekOf(DateOf(t.Add(-24*time.Hour), loc))
}

// RunDigest builds the digest for week and queues it for channel, once per
// week whoever runs it. It returns whether it was queued.
func (s *Service) RunDigest(ctx context.Context, week Week, channel string, now time.Time, o JobOptions) (Digest, bool, error) {
	if ran, err := s.store.JobRan(ctx, DigestJob, week.String()); err != nil || (ran && !o.DryRun) {
		return Digest{}, false, err
	}
	managers, err := s.store.NudgeManagers(ctx)
	if err != nil || len(managers) == 0 {
		return Digest{}, false, err // no teams yet: nothing to report, and the week stays open
	}
	teams, err := s.store.Teams(ctx, managers, week.Monday())
	if err != nil {
		return Digest{}, false, fmt.Errorf("load teams for the digest: %w", err)
	}
	d := BuildDigest(teams, week, now, o.DefaultCadence)
	if o.DryRun {
		return d, false, nil
	}
	payload, err := json.Marshal(d)
	if err != nil {
		return d, false, err
	}
	queued := false
	err = s.store.Update(ctx, func(tx Tx) error {
		claimed, err := tx.ClaimJob(ctx, DigestJob, week.String(), "channel "+channel, now)
		if err != nil || !claimed {
			return err
		}
		queued = true
		return tx.Enqueue(ctx, Message{Kind: MsgDigest, Op: OpPost, Key: DigestJob + ":" + week.String(), To: channel, Payload: payload})
	})
	return d, queued, err
}
