// Package metrics computes Coachlog's numbers exactly as PRODUCT.md's
// "Metrics" section defines them, for a period and a scope: one manager, or
// a leader's whole tree. Every surface reads them from here (the digest,
// `coachlog metrics`, and the reports and App Home built on them), so no
// number is computed twice in two ways.
//
// A run loads everything it needs through Store in a handful of queries and
// computes every manager and every leader in one pass (see Compute). The
// package is domain code: it imports only the standard library and
// internal/coaching, whose nudge rule it reuses for "overdue".
package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Period is a range of occurred_on dates, both ends included.
type Period struct {
	From, To coaching.Date
}

// WeekPeriod is an ISO week, Monday to Sunday.
func WeekPeriod(w coaching.Week) Period { return Period{w.Monday(), w.Sunday()} }

// WeekSoFar is the ISO week holding today, from its Monday up to today.
// The organisation's today gives the week its leaders read; a manager's
// own today gives the week their own surfaces read, so that "today" and
// "overdue" there agree with the nudge rule, which judges on their date.
func WeekSoFar(today coaching.Date) Period { return Period{coaching.WeekOf(today).Monday(), today} }

// Check reports a period that ends before it starts.
func (p Period) Check() error {
	if p.From.IsZero() || p.To.IsZero() {
		return fmt.Errorf("a period needs a first and a last day")
	}
	if p.To.Before(p.From) {
		return fmt.Errorf("the period ends (%s) before it starts (%s)", p.To, p.From)
	}
	return nil
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d coaching.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// Prior is the 4 weeks before the period, against which trends are read.
func (p Period) Prior() Period { return Period{p.From.AddDays(-28), p.From.AddDays(-1)} }

// LastFourWeeks is the 4 weeks ending with the period, over which insights
// are computed.
func (p Period) LastFourWeeks() Period { return Period{p.To.AddDays(-27), p.To} }

// String formats the period as "2026-11-16 to 2026-11-22".
func (p Period) String() string { return p.From.String() + " to " + p.To.String() }

// Metrics are one scope's figures for a period, under the keys of
// `coachlog metrics`. Shares are fractions from 0 to 1; a share or mean with
// nothing to divide is nil (null).
type Metrics struct {
	Sessions          int         `json:"sessions"`
	Minutes           int         `json:"minutes"`
	Reps              int         `json:"reps"`
	Covered           int         `json:"covered"`
	Coverage          *float64    `json:"coverage"`
	Overdue           int         `json:"overdue"`
	TierMinutes       TierMinutes `json:"tier_minutes"`
	TierMinutesShare  TierShares  `json:"tier_minutes_share"`
	TierRepsShare     TierShares  `json:"tier_reps_share"`
	RideAlongs        RoleCounts  `json:"ride_alongs"`
	Pairs             int         `json:"pairs"`
	Confirmed         int         `json:"confirmed"`
	Disputed          int         `json:"disputed"`
	Pending           int         `json:"pending"`
	ConfirmationRate  *float64    `json:"confirmation_rate"`
	Ratings           int         `json:"ratings"`
	MeanRating        *float64    `json:"mean_rating"`
	WithCommitments   *float64    `json:"with_commitments"`
	CommitmentsKept   *float64    `json:"commitments_kept"`
	Consistency       *float64    `json:"consistency"`
	ConsistencyBefore *float64    `json:"consistency_before"`

	// RatingsApart are a tree's ratings left out of Ratings and
	// MeanRating: those of managers with fewer than MinRatings (each
	// shown with their own count), so that a reader told the tree's pool
	// does not take it for every rating given. Not in PRODUCT.md's JSON.
	RatingsApart int `json:"-"`
}

// TierMinutes are coaching minutes by the rep's tier on the session's date;
// a session with several reps splits its minutes evenly among them.
type TierMinutes struct {
	Top    float64 `json:"top"`
	Middle float64 `json:"middle"`
	Bottom float64 `json:"bottom"`
	None   float64 `json:"none"`
}

// Get returns the minutes of tier t.
func (m TierMinutes) Get(t coaching.Tier) float64 {
	return [...]float64{m.Top, m.Middle, m.Bottom, m.None}[tierIndex(t)]
}

// TierShares are fractions by tier.
type TierShares struct {
	Top    *float64 `json:"top"`
	Middle *float64 `json:"middle"`
	Bottom *float64 `json:"bottom"`
	None   *float64 `json:"none"`
}

// Get returns the share of tier t.
func (s TierShares) Get(t coaching.Tier) *float64 {
	return [...]*float64{s.Top, s.Middle, s.Bottom, s.None}[tierIndex(t)]
}

// Percent is a share (0 to 1) as the whole percent a surface shows:
// rounded, except that a share that is neither nothing nor all never reads
// as 0% or 100%. Coverage of 0.996 is a rep left uncovered: "100%" would
// tell a leader the team is done.
func Percent(share float64) int {
	// Halves round up, as a reader does by hand: 5 of 8 is 63%, not the
	// 62% of %.0f's round-half-to-even.
	p := int(math.Round(share * 100))
	if share > 0 && share < 1 {
		return min(max(p, 1), 99)
	}
	return p
}

// Tenths is a weekly average (Figures.BeforeWeekly) in the tenths every
// surface prints it to: coaching.Tenths, the nudge's rule.
func Tenths(perWeek float64) int { return coaching.Tenths(perWeek) }

// PercentText shows a share as the surfaces print it (Percent, "62%"), or
// "–" when there is nothing to divide.
func PercentText(share *float64) string {
	if share == nil {
		return "–"
	}
	return strconv.Itoa(Percent(*share)) + "%"
}

// AtQuotaText is a leader's share of reps at quota in the month of last,
// with the number of reps it is a share of: those with attainment for
// that month (PRODUCT.md), fewer than the tree's when the CRM export left
// some out, so "100% of reps at quota" over 2 of 13 read as everyone's.
// No attainment for the month (a week in a month not imported yet) says so.
func AtQuotaText(share *float64, reps int, last coaching.Date) string {
	month := last.Time(time.UTC).Format("January 2006")
	if share == nil || reps == 0 {
		return "no attainment imported for " + month
	}
	unit := "reps"
	if reps == 1 {
		unit = "rep"
	}
	return fmt.Sprintf("at quota in %s: %s of %s %s with attainment", month, PercentText(share), coaching.Count(reps), unit)
}

// Requests counts the confirmation rate's unit in the words every surface
// uses: a pair (PRODUCT.md) is one request to confirm, one per rep of
// each session, so "17% of 6" printed under "5 sessions" says 6 of what.
func Requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return coaching.Count(n) + " requests"
}

// RequestUnit says what a request is, once on each surface that counts
// them (Requests).
const RequestUnit = "one per rep per session"

// WholePercentText shows a whole percent (TierShares.Percents), or "–"
// when there is nothing to divide.
func WholePercentText(p *int) string {
	if p == nil {
		return "–"
	}
	return strconv.Itoa(*p) + "%"
}

// TierPercents are tier shares as whole percents; nil where the share is.
type TierPercents [nTiers]*int

// Get returns the percent of tier t.
func (p TierPercents) Get(t coaching.Tier) *int { return p[tierIndex(t)] }

// Percents are the shares as whole percents that add up to what the shares
// add up to, 100 for a split of a whole, by largest remainder: 1/6, 5/12
// and 5/12 read 17%, 42% and 41%, where rounding each alone reads 101%,
// and thirds read 34%, 33% and 33%. A share that is exactly nothing stays
// 0%, and only that one: 99.6% and 0.4% read 99% and 1%. Surfaces print
// these beside each other, so a column adds up.
func (s TierShares) Percents() TierPercents {
	var out TierPercents
	var bp [nTiers]int // basis points: shares are rounded to 4 decimals
	total := 0
	for i, v := range [...]*float64{s.Top, s.Middle, s.Bottom, s.None} {
		if v == nil {
			continue
		}
		bp[i] = int(math.Round(*v * 10000))
		total += bp[i]
		whole := bp[i] / 100
		out[i] = &whole
	}
	left := (total+50)/100 - sumPercents(out)
	for left > 0 {
		best := -1
		for i, p := range out {
			if p != nil && bp[i]%100 > 0 && (best < 0 || bp[i]%100 > bp[best]%100) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		*out[best]++
		bp[best] -= bp[best] % 100 // its remainder is spent
		left--
	}
	// As Percent does alone: a tier with some share never reads 0% (nor,
	// then, another 100%); the percent it takes comes from the largest.
	for i, p := range out {
		if p == nil || *p > 0 || bp[i] == 0 {
			continue
		}
		big := -1
		for j, q := range out {
			if q != nil && *q > 1 && (big < 0 || *q > *out[big]) {
				big = j
			}
		}
		if big < 0 {
			break
		}
		*out[big]--
		*p = 1
	}
	return out
}

func sumPercents(p TierPercents) int {
	n := 0
	for _, v := range p {
		if v != nil {
			n += *v
		}
	}
	return n
}

// RoleCounts count ride-alongs by the manager's role.
type RoleCounts struct {
	Lead        int `json:"lead"`
	Participant int `json:"participant"`
	Observer    int `json:"observer"`
}

// Correlation is Spearman's rank correlation between the coaching minutes a
// rep received in a month and the change in their attainment that month.
// Rho is nil when N < MinCorrelationPairs, or when either side does not
// vary.
type Correlation struct {
	Rho *float64 `json:"rho"`
	N   int      `json:"n"`
}

// MinCorrelationPairs is the fewest (rep, month) pairs a correlation is
// reported for.
const MinCorrelationPairs = 8

// Tiers in the order figures list them; TierNone is a rep without one.
func Tiers() []coaching.Tier {
	return []coaching.Tier{coaching.TierTop, coaching.TierMiddle, coaching.TierBottom, coaching.TierNone}
}

// TierName is a tier as the metrics keys spell it ("none" for no tier).
func TierName(t coaching.Tier) string {
	if t == coaching.TierNone {
		return "none"
	}
	return string(t)
}

// TierLabel is a tier as the surfaces name it beside its shares: "no
// tier" for reps without one.
func TierLabel(t coaching.Tier) string {
	if t == coaching.TierNone {
		return "no tier"
	}
	return TierName(t)
}

// TierEmpty reports whether tier t has neither minutes nor reps in m:
// every surface (the digest's line and chart, /coach stats and report)
// leaves such a tier out, as "middle 0% · 0%" says nothing.
func (m Metrics) TierEmpty(t coaching.Tier) bool {
	ms, rs := m.TierMinutesShare.Get(t), m.TierRepsShare.Get(t)
	return (ms == nil || *ms == 0) && (rs == nil || *rs == 0)
}

// TierTextWithoutMinutes words the tier split of figures without a
// coaching minute, in the words every surface uses: "no coaching minutes;
// reps top 50% · bottom 50%" (the tiers with reps, in whole percents that
// add up as Percents'), or "no coaching minutes" with no reps either.
// With minutes, ok is false: each surface sets minutes beside reps in its
// own layout. One wording, so that the digest and /coach stats and report
// say one thing of one team ("top – · 50%" read as a figure missing).
func TierTextWithoutMinutes(m Metrics) (text string, ok bool) {
	if m.Minutes != 0 {
		return "", false
	}
	reps := m.TierRepsShare.Percents()
	var parts []string
	for _, t := range Tiers() {
		if rs := m.TierRepsShare.Get(t); rs != nil && *rs > 0 {
			parts = append(parts, TierLabel(t)+" "+WholePercentText(reps.Get(t)))
		}
	}
	if len(parts) == 0 {
		return "no coaching minutes", true
	}
	return "no coaching minutes; reps " + strings.Join(parts, " · "), true
}

const nTiers = 4

func tierIndex(t coaching.Tier) int {
	switch t {
	case coaching.TierTop:
		return 0
	case coaching.TierMiddle:
		return 1
	case coaching.TierBottom:
		return 2
	}
	return 3
}

// Output precision: shares and correlations to 4 decimals, minutes and
// means to 2. Insights are decided on the exact figures, before rounding.
func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func share(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := round(float64(num)/float64(den), 4)
	return &v
}

func shareF(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	v := round(num/den, 4)
	return &v
}
