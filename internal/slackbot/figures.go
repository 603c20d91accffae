package slackbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Figures computes the numbers the surfaces show: internal/metrics'
// Engine. The Slack edge renders them and never computes one itself.
type Figures interface {
	Run(ctx context.Context, p metrics.Period, o metrics.Options) (*metrics.Report, error)
	// ThisWeek is the ISO week so far, in the organisation's zone: the
	// week of an organisation's or a leader's figures.
	ThisWeek() metrics.Period
	// Location is the organisation's zone, the clock of its figures.
	Location() *time.Location
}

var _ Figures = (*metrics.Engine)(nil)

// perWeek shows an average per week with at most one decimal, rounded as
// the digest rounds it (metrics.Tenths).
func perWeek(v float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(metrics.Tenths(v))/10), ".0")
}

// plural is "1 rep", "2 reps".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return coaching.Count(n) + " " + many
}

// periodLabel says which days a figure covers: "Mon 23 Nov to Wed 25 Nov".
func periodLabel(p metrics.Period) string {
	if p.From == p.To {
		return p.From.Human()
	}
	return p.From.Human() + " to " + p.To.Human()
}

// cadenceLabel says what "covered" means for a scope: a manager's cadence,
// or each manager's own for a leader's tree.
func cadenceLabel(f metrics.Figures) string {
	if f.Leader {
		return "within their manager's cadence"
	}
	return fmt.Sprintf("within %d days", f.CadenceDays)
}

// figureFields renders a scope's figures for the period as section fields
// (at most 10): each metric of PRODUCT.md, with the 4 weeks before as a
// weekly average where the run computed the trend.
func figureFields(f metrics.Figures, per metrics.Period) []*slack.TextBlockObject {
	m := f.Metrics
	before := f.BeforeWeekly()
	trend := func(v float64) string {
		if f.Before == nil || !f.TrendCounted(per) {
			return "" // figureBlocks says why, when that is why
		}
		return " · 4 weeks before: " + perWeek(v) + "/week"
	}
	fields := []*slack.TextBlockObject{
		mrkdwn(fmt.Sprintf("*Sessions*\n%s%s", coaching.Count(m.Sessions), trend(before.Sessions))),
		mrkdwn(fmt.Sprintf("*Minutes*\n%s%s", coaching.Count(m.Minutes), trend(before.Minutes))),
		mrkdwn(fmt.Sprintf("*Coverage*\n%s of %s %s (%s)", coaching.Count(m.Covered), plural(m.Reps, "rep", "reps"), cadenceLabel(f), metrics.PercentText(m.Coverage))),
		mrkdwn(fmt.Sprintf("*Overdue*\n%s", plural(m.Overdue, "rep", "reps"))),
		mrkdwn("*Time by tier* (minutes · reps)\n" + tierLine(m)),
		mrkdwn("*Ride-alongs*\n" + rideLine(m.RideAlongs)),
		mrkdwn(fmt.Sprintf("*Confirmed by reps* (%s)\n%s of %s (%s) · %s disputed · %s pending", metrics.RequestUnit, coaching.Count(m.Confirmed), metrics.Requests(m.Pairs),
			metrics.PercentText(m.ConfirmationRate), coaching.Count(m.Disputed), coaching.Count(m.Pending))),
		mrkdwn("*Quality*\n" + qualityLine(m, f.Leader)),
	}
	if !f.Leader || m.Consistency != nil || m.ConsistencyBefore != nil {
		fields = append(fields, mrkdwn("*Consistency*\n"+consistencyLine(f, per)))
	}
	if f.Leader && f.Correlation != nil {
		fields = append(fields, mrkdwn("*Coaching and results*\n"+resultsLine(f, per)))
	}
	return fields
}

// consistencyLine is the share of the last 4 weeks at 80%+ coverage at
// their end. In a week so far the last of them has not ended: it is
// judged as of today, and the line says so rather than count it as ended.
// The 4 weeks before show only where Coachlog counted them; weeks of the
// last 4 that began before it started counting count as missed
// (PRODUCT.md), and the line says how many, so that the 0% of a team's
// first days reads as what it is.
func consistencyLine(f metrics.Figures, per metrics.Period) string {
	m := f.Metrics
	line := metrics.PercentText(m.Consistency) + " of the last 4 weeks ended at 80%+ coverage"
	if per.To != coaching.WeekOf(per.To).Sunday() {
		line = metrics.PercentText(m.Consistency) + " of the last 4 weeks at 80%+ coverage at their end, this week as of today"
	}
	switch n := f.ConsistencyUncounted(per); {
	case m.Consistency == nil:
	case n == 4:
		line += " (all 4 began before Coachlog started counting)"
	case n > 0:
		line += fmt.Sprintf(" (%d of those weeks began before Coachlog started counting)", n)
	}
	if f.ConsistencyBeforeCounted(per) {
		line += " (4 weeks before: " + metrics.PercentText(m.ConsistencyBefore) + ")"
	}
	return line
}

// tierLine is each tier's share of the minutes beside its share of the
// team's reps, so that a skew shows. A tier with neither reps nor minutes
// is left out, as the digest leaves it out: "middle 0% · 0%" of a team
// with no middle reps said nothing but took a line. Without a coaching
// minute it is the digest's words (metrics.TierTextWithoutMinutes), not
// a dash for each tier's minutes.
func tierLine(m metrics.Metrics) string {
	if s, ok := metrics.TierTextWithoutMinutes(m); ok {
		return s
	}
	var parts []string
	// Whole percents that add up to 100 down each column (see Percents).
	minutes, reps := m.TierMinutesShare.Percents(), m.TierRepsShare.Percents()
	for _, t := range metrics.Tiers() {
		if m.TierEmpty(t) {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s · %s", metrics.TierLabel(t), metrics.WholePercentText(minutes.Get(t)), metrics.WholePercentText(reps.Get(t))))
	}
	return strings.Join(parts, "\n")
}

func rideLine(r metrics.RoleCounts) string {
	if r.Lead+r.Participant+r.Observer == 0 {
		return "none"
	}
	// The form's own words for each role, so a manager reads back what he picked.
	label := func(n int, role coaching.Role) string { return coaching.Count(n) + " " + strings.ToLower(role.Label()) }
	return label(r.Lead, coaching.RoleLead) + " · " + label(r.Participant, coaching.RoleParticipant) + " · " + label(r.Observer, coaching.RoleObserver)
}

// qualityLine is the mean rating (shown from 3 ratings, never one alone)
// and the commitments.
func qualityLine(m metrics.Metrics, tree bool) string {
	rating := fmt.Sprintf("rating shown from %d ratings (%s so far)", metrics.MinRatings, coaching.Count(m.Ratings))
	switch {
	case tree && m.MeanRating == nil:
		// A tree pools only managers whose own mean shows; the others'
		// ratings are counted apart.
		rating = fmt.Sprintf("rating shown once a manager has %d ratings (%s so far)", metrics.MinRatings, coaching.Count(m.RatingsApart))
	case m.MeanRating != nil:
		rating = fmt.Sprintf("rated %.1f of 5 on average over %s ratings", *m.MeanRating, coaching.Count(m.Ratings))
		if tree && m.RatingsApart > 0 {
			rating += fmt.Sprintf("; %s more left out (managers with under %d)", coaching.Count(m.RatingsApart), metrics.MinRatings)
		}
	}
	return fmt.Sprintf("%s · %s of sessions with commitments · %s of commitments kept", rating, metrics.PercentText(m.WithCommitments), metrics.PercentText(m.CommitmentsKept))
}

// resultsLine is a leader's correlation of coaching with the change in
// attainment, and their reps at quota in the period's last month (for this
// week so far, this month: often not imported yet, and it says so).
func resultsLine(f metrics.Figures, per metrics.Period) string {
	c := f.Correlation
	line := fmt.Sprintf("not enough data yet: %s rep-months, %d needed", coaching.Count(c.N), metrics.MinCorrelationPairs)
	if c.Rho != nil {
		line = fmt.Sprintf("ρ %.2f over %s rep-months (coaching minutes against the change in attainment)", *c.Rho, coaching.Count(c.N))
	} else if c.N >= metrics.MinCorrelationPairs {
		line = fmt.Sprintf("no correlation to read over %s rep-months: one side does not vary", coaching.Count(c.N))
	}
	return line + " · " + metrics.AtQuotaText(f.AtQuotaShare, f.AttainmentReps, per.To)
}

// whatStandsOut is a section's text listing findings, each naming the
// number behind it, under their heading, cut to a section's 3,000
// characters; findings name reps and managers by the names people chose,
// so they are escaped as names (escName): a finding is a plain sentence.
func whatStandsOut(is []metrics.Insight) string {
	lines := []string{"*What stands out* over the last 4 weeks"}
	for _, i := range is {
		lines = append(lines, "• "+escName(i.Text))
	}
	return cutMrkdwn(strings.Join(lines, "\n"), 3000)
}

// scopeLine is one manager's or leader's figures on one line, for lists.
func scopeLine(f metrics.Figures) string {
	m := f.Metrics
	who := mention(f.ID)
	if f.Leader && len(f.ManagerIDs) == 0 {
		// As the digest and their own report say it: zeros ("0/0 reps
		// within cadence") would read as a tree that stopped coaching.
		return who + ": no managers below yet"
	}
	if f.Leader {
		who += fmt.Sprintf(" (%s)", plural(len(f.ManagerIDs), "manager", "managers"))
	}
	line := fmt.Sprintf("%s: %s, %s min · %s/%s reps %s · %s overdue · %s", who,
		plural(m.Sessions, "session", "sessions"), coaching.Count(m.Minutes), coaching.Count(m.Covered), coaching.Count(m.Reps), shortCadence(f), coaching.Count(m.Overdue), confirmedShort(m))
	if m.MeanRating != nil {
		line += fmt.Sprintf(" · rated %.1f", *m.MeanRating)
	}
	return line
}

// confirmedShort is the confirmation rate in a line, over its unit:
// "17% confirmed" beside "5 sessions" read as 17% of the sessions.
func confirmedShort(m metrics.Metrics) string {
	if m.Pairs == 0 {
		return "nothing to confirm"
	}
	return fmt.Sprintf("%s of %s confirmed", metrics.PercentText(m.ConfirmationRate), metrics.Requests(m.Pairs))
}

func shortCadence(f metrics.Figures) string {
	if f.Leader {
		return "within cadence"
	}
	return fmt.Sprintf("within %d d", f.CadenceDays)
}

// lineSections packs lines into section blocks of at most 15 lines and
// 3,000 characters, in at most maxBlocks blocks and about budget
// characters; the lines that do not fit are counted in a last context
// block, more(n) ("…and 12 more").
func lineSections(lines []string, maxBlocks, budget int, more func(n int) string) []slack.Block {
	const perSection = 15
	if maxBlocks < 1 {
		return nil
	}
	var blocks []slack.Block
	var cur []string
	size, used := 0, 0
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(cur, "\n")), nil, nil))
			cur, size = nil, 0
		}
	}
	for i, l := range lines {
		l = cutMrkdwn(l, 1000)
		if len(cur) == perSection || size+len(l)+1 > 3000 {
			flush()
		}
		// This line's section, and room for the note on what is left.
		if len(blocks)+2 > maxBlocks || used+len(l)+1 > budget {
			flush()
			return append(blocks, slack.NewContextBlock("", mrkdwn(more(len(lines)-i))))
		}
		cur = append(cur, l)
		size += len(l) + 1
		used += len(l) + 1
	}
	flush()
	return blocks
}
