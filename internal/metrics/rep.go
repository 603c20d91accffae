package metrics

import (
	"context"
	"fmt"
	"math"

	"github.com/coachlog/coachlog/internal/coaching"
)

// RepStore reads one rep's coaching, for the figures shown about a single
// rep (the /coach prep brief), without loading the whole organisation.
type RepStore interface {
	// RepCoached lists the rep's coaching from from to to, both included:
	// one entry per session they are on (not undone, not taken off), with
	// their share of its minutes, as Coached counts it for every run; and
	// the latest day they were coached on or before to (zero: never).
	RepCoached(ctx context.Context, repID string, from, to coaching.Date) ([]Coached, coaching.Date, error)
}

// RepTrend is a rep's coaching by anyone in the 4 weeks ending on a day and
// in the 4 weeks before: sessions, and minutes as their share of each
// session (a team meeting's minutes split evenly among its reps, as the
// tier allocation and the dose insight count them), rounded to whole
// minutes.
type RepTrend struct {
	Sessions, Minutes         int
	PrevSessions, PrevMinutes int
	LastSession               coaching.Date // zero: never coached
}

// RepTrendOn computes repID's trend for the 4 weeks ending on today.
func RepTrendOn(ctx context.Context, st RepStore, repID string, today coaching.Date) (RepTrend, error) {
	cur := Period{today.AddDays(-27), today}
	prev := cur.Prior()
	cs, last, err := st.RepCoached(ctx, repID, prev.From, today)
	if err != nil {
		return RepTrend{}, fmt.Errorf("read the coaching of %s: %w", repID, err)
	}
	var t RepTrend
	var minutes, prevMinutes float64
	for _, c := range cs {
		switch {
		case cur.Contains(c.On):
			t.Sessions++
			minutes += c.Minutes
		case prev.Contains(c.On):
			t.PrevSessions++
			prevMinutes += c.Minutes
		}
	}
	t.Minutes, t.PrevMinutes = int(math.Round(minutes)), int(math.Round(prevMinutes))
	t.LastSession = last
	return t, nil
}
