package metrics

import (
	"github.com/coachlog/coachlog/internal/coaching"
)

// the three periods a run computes: the period, the 4 weeks before (the
// trend) and the 4 weeks ending with it (insights).
const (
	pMain = iota
	pPrior
	pRecent
	nPeriods
)

func periodsOf(p Period) [nPeriods]Period {
	return [nPeriods]Period{pMain: p, pPrior: p.Prior(), pRecent: p.LastFourWeeks()}
}

// Plan returns the query a run for period p needs. The metrics reach back
// for consistency's 8 Sundays (the latest session before the window comes
// with each person), for commitments made in the 4 weeks before, and for
// 13 months of attainment; the options reach further: the 4 weeks before
// (and their own consistency and commitments), the 4 weeks ending with the
// period, and the chart's 8 weeks.
func Plan(p Period, o Options) Query {
	if o.summary() {
		// Coverage and overdue at the period's end need each rep's latest
		// session, which people carry from before the window.
		q := Query{From: p.From, To: p.To, PairsFrom: p.From, OpenCommitments: o.Teams, Root: o.Root}
		if chart := sundayOf(p.To).AddDays(-8*7 + 1); o.Weeks && chart.Before(p.From) {
			q.From, q.SessionsFrom = chart, chart
		}
		return q
	}
	q := Query{From: p.To, To: p.To, PairsFrom: p.From, CommitmentsFrom: p.From.AddDays(-28), OpenCommitments: o.Teams, Root: o.Root}
	last := coaching.MonthOf(p.To)
	q.FirstMonth, q.LastMonth = last.Add(-12), last
	reach := func(per Period) {
		// the day after the earliest Sunday consistency looks at
		q.From = minDate(q.From, per.From, sundayOf(per.To).AddDays(-7*7+1))
		q.PairsFrom = minDate(q.PairsFrom, per.From)
	}
	reach(p)
	q.From = minDate(q.From, last.First()) // the last month's minutes, for the correlation
	if o.Trend {
		reach(p.Prior())
		q.CommitmentsFrom = minDate(q.CommitmentsFrom, p.Prior().From.AddDays(-28))
	}
	if o.Insights {
		reach(p.LastFourWeeks())
	}
	if chart := sundayOf(p.To).AddDays(-8*7 + 1); o.Weeks && chart.Before(q.PairsFrom) {
		q.SessionsFrom = chart
		q.From = minDate(q.From, chart)
	}
	return q
}

func minDate(ds ...coaching.Date) coaching.Date {
	m := ds[0]
	for _, d := range ds[1:] {
		if d.Before(m) {
			m = d
		}
	}
	return m
}

// sundayOf is the last day of d's ISO week.
func sundayOf(d coaching.Date) coaching.Date { return d.AddDays(6 - (int(d.Weekday())+6)%7) }

// sundayOfDay is the last day of day n's ISO week (1970-01-01 was a
// Thursday).
func sundayOfDay(n day) day { return n + 6 - ((n%7 + 7 + 3) % 7) }
