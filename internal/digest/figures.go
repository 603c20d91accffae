package digest

import (
	"fmt"
	"math"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// trend is a scope's figures beside the 4 weeks before, when the run
// computed them: counts against their weekly average, shares and states
// against their own value then.
type trend struct {
	now    metrics.Metrics
	before *metrics.Metrics
	weekly metrics.Weekly
	// part is the part of a week the period holds: 1 for a whole week,
	// 3/7 for a week read on its Wednesday.
	part float64
	// since is the day Coachlog started counting, when the 4 weeks before
	// began earlier (metrics.Figures.TrendCounted): then before is nil,
	// as zeros from before Coachlog existed would show every figure up.
	since coaching.Date
	// consistencyBefore is whether consistency_before's weeks were all
	// counted, so that its arrow means something.
	consistencyBefore bool
	// uncountedWeeks is how many of consistency's 4 weeks began before
	// Coachlog counted the scope (metrics.Figures.ConsistencyUncounted).
	uncountedWeeks int
}

// trendOf is f's trend over period p.
func trendOf(f metrics.Figures, p metrics.Period) trend {
	part := min(1, float64(p.To.DaysSince(p.From)+1)/7)
	t := trend{now: f.Metrics, before: f.Before, weekly: f.BeforeWeekly(), part: part}
	if f.Before != nil && !f.TrendCounted(p) {
		t.before, t.weekly, t.since = nil, metrics.Weekly{}, f.Since
	}
	t.consistencyBefore = t.before != nil && f.ConsistencyBeforeCounted(p)
	if f.Metrics.Consistency != nil {
		t.uncountedWeeks = f.ConsistencyUncounted(p)
	}
	return t
}

// consistency is the consistency share with its arrow and, when some of
// its 4 weeks began before Coachlog counted the scope, how many, in the
// words /coach stats and report use: PRODUCT.md judges those weeks as
// missed, and a manager the roster named this week read "consistency 0%"
// with nothing saying why.
func (t trend) consistency() string {
	s := metrics.PercentText(t.now.Consistency) + arrowIf(t.consistencyBefore, metrics.CompareShares(t.now.Consistency, t.now.ConsistencyBefore))
	switch n := t.uncountedWeeks; {
	case n >= 4:
		s += " (all 4 weeks began before Coachlog started counting)"
	case n > 0:
		s += fmt.Sprintf(" (%d of the 4 weeks began before Coachlog started counting)", n)
	}
	return s
}

// uncounted says from which week there is a trend, when its weeks
// beginning before Coachlog counted are why there is none yet, in the
// words every surface uses (metrics.TrendWait).
func (t trend) uncounted() *txt {
	if t.since.IsZero() {
		return nil
	}
	return words(metrics.TrendWait(t.since))
}

// perWeek is a count's arrow against its weekly average before, pro-rated
// to the part of the week the period holds (a week so far would otherwise
// always read as down); none when there was nothing then and is nothing
// now.
func (t trend) perWeek(now int, before float64) string {
	if t.before == nil || (now == 0 && before == 0) {
		return ""
	}
	return arrow(metrics.Compare(float64(now), before*t.part))
}

// share is a share's arrow against its value before.
func (t trend) share(now *float64, before func(metrics.Metrics) *float64) string {
	if t.before == nil {
		return ""
	}
	return arrow(metrics.CompareShares(now, before(*t.before)))
}

// state is a count at the period's end (overdue) against the same count
// at the end of the 4 weeks before.
func (t trend) state(now int, before func(metrics.Metrics) int) string {
	if t.before == nil {
		return ""
	}
	return arrow(metrics.Compare(float64(now), float64(before(*t.before))))
}

// field is one of a section's fields: a bold label over its lines.
type field struct {
	label string
	lines []*txt
}

func (f field) text() *txt {
	out := (&txt{}).b(f.label)
	for i, l := range f.lines {
		out.md.WriteString("\n")
		if i == 0 {
			out.plain.WriteString(": ")
		} else {
			out.plain.WriteString("; ")
		}
		out.t(l)
	}
	return out
}

// scopeFields are a leader's tree's or the organisation's figures, one
// field each, the 4 weeks before under each.
func scopeFields(f metrics.Figures, p metrics.Period) []field {
	t, m := trendOf(f, p), f.Metrics
	before := func(format string, args ...any) *txt {
		if t.before == nil {
			return nil
		}
		return words("4 weeks before: " + fmt.Sprintf(format, args...))
	}
	var out []field
	add := func(label string, lines ...*txt) {
		var kept []*txt
		for _, l := range lines {
			if l != nil && !l.empty() {
				kept = append(kept, l)
			}
		}
		out = append(out, field{label, kept})
	}
	var b metrics.Metrics
	if t.before != nil {
		b = *t.before
	}
	// Coverage and overdue are states: the trend's are those at its last
	// day, the end of the week before the period, and say so.
	weekBefore := func(v string) *txt {
		if t.before == nil {
			return nil
		}
		return words("end of the week before: " + v)
	}
	add("Sessions · minutes",
		words(coaching.Count(m.Sessions)+t.perWeek(m.Sessions, t.weekly.Sessions)+" · "+coaching.Count(m.Minutes)+" min"+t.perWeek(m.Minutes, t.weekly.Minutes)),
		before("%s and %s min a week", dec(t.weekly.Sessions), coaching.Count(int(math.Round(t.weekly.Minutes)))), t.uncounted())
	add("Coverage",
		words(metrics.PercentText(m.Coverage)+" of "+plural(m.Reps, "rep", "reps")+t.share(m.Coverage, func(b metrics.Metrics) *float64 { return b.Coverage })),
		weekBefore(metrics.PercentText(b.Coverage)))
	add("Overdue reps",
		words(coaching.Count(m.Overdue)+t.state(m.Overdue, func(b metrics.Metrics) int { return b.Overdue })),
		weekBefore(coaching.Count(b.Overdue)))
	consistencyBefore := before("%s", metrics.PercentText(m.ConsistencyBefore))
	if !t.consistencyBefore {
		consistencyBefore = nil
	}
	add("Consistency", words(t.consistency()), consistencyBefore)
	add("Coaching minutes vs reps, by tier", tierLines(t)...)
	add("Ride-alongs", rideAlongs(t, " · "), beforeRides(t))
	add("Confirmed by reps",
		confirmed(t),
		before("%s", metrics.PercentText(b.ConfirmationRate)))
	add("Quality", rating(t, true), commitments(t))
	if f.Correlation != nil {
		add("Coaching and results", correlation(*f.Correlation), atQuota(f.AtQuotaShare, f.AttainmentReps, p.To))
	}
	return out
}

func arrowIf(ok bool, c metrics.Change) string {
	if !ok {
		return ""
	}
	return arrow(c)
}

// tierLines set each tier's share of coaching minutes beside its share of
// the team's reps; reps without a tier only when there are some.
func tierLines(t trend) []*txt {
	m := t.now
	// Whole percents that add up to 100 down each column (see Percents).
	minutes, repShares := m.TierMinutesShare.Percents(), m.TierRepsShare.Percents()
	if s, ok := metrics.TierTextWithoutMinutes(m); ok {
		return []*txt{words(s)}
	}
	var out []*txt
	for _, tier := range metrics.Tiers() {
		if m.TierEmpty(tier) {
			continue // a tier with neither reps nor minutes says nothing
		}
		ms := m.TierMinutesShare.Get(tier)
		out = append(out, words(metrics.TierLabel(tier)+" "+metrics.WholePercentText(minutes.Get(tier))+" vs "+metrics.WholePercentText(repShares.Get(tier))+
			t.share(ms, func(b metrics.Metrics) *float64 { return b.TierMinutesShare.Get(tier) })))
	}
	return out
}

// rideAlongs is the role mix: lead, participant, observer.
func rideAlongs(t trend, sep string) *txt {
	r := t.now.RideAlongs
	if r.Lead+r.Participant+r.Observer == 0 {
		return words("no ride-alongs")
	}
	now := [3]int{r.Lead, r.Participant, r.Observer}
	var parts []*txt
	for i, role := range []string{"lead", "participant", "observer"} {
		parts = append(parts, words(role+" "+coaching.Count(now[i])+t.perWeek(now[i], t.weekly.RideAlongsBy[i])))
	}
	return join(sep, parts...)
}

func beforeRides(t trend) *txt {
	if t.before == nil {
		return nil
	}
	w := t.weekly.RideAlongsBy
	return words("4 weeks before: " + dec(w[0]) + " · " + dec(w[1]) + " · " + dec(w[2]) + " a week")
}

// confirmed is the confirmation rate over its unit, requests (one per rep
// per session): "17% of 6" under "5 sessions" said 6 of nothing. Below
// 100% it counts the others, disputed and pending, as /coach report does
// (here only the kinds there are): a rep who said "not accurate" is not
// one who has not answered yet, and only the first says the record may be
// wrong.
func confirmed(t trend) *txt {
	m := t.now
	if m.Pairs == 0 {
		return words("nothing to confirm")
	}
	var others []string
	if m.Disputed > 0 {
		others = append(others, coaching.Count(m.Disputed)+" disputed")
	}
	if m.Pending > 0 {
		others = append(others, coaching.Count(m.Pending)+" pending")
	}
	rest := ""
	if len(others) > 0 {
		rest = " (" + strings.Join(others, ", ") + ")"
	}
	return words(metrics.PercentText(m.ConfirmationRate) + " of " + metrics.Requests(m.Pairs) + rest +
		t.share(m.ConfirmationRate, func(b metrics.Metrics) *float64 { return b.ConfirmationRate }))
}

// rating shows the count of ratings, and their mean only where it is
// defined (at least metrics.MinRatings). A tree (tree) pools only the
// ratings of managers whose own mean shows; those of the others are
// counted apart, so that "over 3 ratings" is not read as every rating the
// tree's reps gave.
func rating(t trend, tree bool) *txt {
	m := t.now
	apart := ""
	if tree && m.RatingsApart > 0 {
		apart = fmt.Sprintf("; %s more left out (managers with under %d)", coaching.Count(m.RatingsApart), metrics.MinRatings)
	}
	switch {
	case m.Ratings == 0 && m.RatingsApart == 0:
		return words("no ratings")
	case m.Ratings == 0 && tree:
		return words(plural(m.RatingsApart, "rating", "ratings") +
			fmt.Sprintf(", no manager with the %d a mean needs yet", metrics.MinRatings))
	case m.MeanRating == nil:
		return words(plural(m.Ratings, "rating", "ratings") + fmt.Sprintf(" (a mean needs %d)", metrics.MinRatings))
	}
	return words(fmt.Sprintf("rated %.1f over %s", *m.MeanRating, plural(m.Ratings, "rating", "ratings")) +
		t.share(m.MeanRating, func(b metrics.Metrics) *float64 { return b.MeanRating }) + apart)
}

// commitments are the share of sessions with one, and the share kept.
func commitments(t trend) *txt {
	m := t.now
	var parts []*txt
	if m.WithCommitments != nil {
		parts = append(parts, words(metrics.PercentText(m.WithCommitments)+" with commitments"+
			t.share(m.WithCommitments, func(b metrics.Metrics) *float64 { return b.WithCommitments })))
	}
	if m.CommitmentsKept != nil {
		parts = append(parts, words(metrics.PercentText(m.CommitmentsKept)+" kept"+
			t.share(m.CommitmentsKept, func(b metrics.Metrics) *float64 { return b.CommitmentsKept })))
	}
	return join(" · ", parts...)
}

// correlation is ρ over its rep-months; without one, why: too few
// rep-months, or (from metrics.MinCorrelationPairs on) one side that does
// not vary, as /coach stats and report say it.
func correlation(c metrics.Correlation) *txt {
	switch {
	case c.Rho == nil && c.N < metrics.MinCorrelationPairs:
		return words(fmt.Sprintf("ρ: too little data (%s, %d needed)", plural(c.N, "rep-month", "rep-months"), metrics.MinCorrelationPairs))
	case c.Rho == nil:
		return words(fmt.Sprintf("ρ: none to read over %s, one side does not vary", plural(c.N, "rep-month", "rep-months")))
	}
	return words(fmt.Sprintf("ρ %.2f over %s", *c.Rho, plural(c.N, "rep-month", "rep-months")))
}

// atQuota is the share of reps at quota in the month of the period's last
// day (PRODUCT.md), named: week 53 of 2026 ends on 3 January, and an
// unnamed "0% at quota" read as December's when it was January's first
// days, as /coach report names it. The reps it is a share of are counted
// (metrics.AtQuotaText).
func atQuota(v *float64, reps int, last coaching.Date) *txt {
	if v == nil {
		return nil
	}
	return words(metrics.AtQuotaText(v, reps, last))
}

// managerItem is one manager in the leaders' channel, in a few lines:
// activity, coverage and overdue on the first, then tiers, role mix,
// confirmation, quality and consistency, each with its trend, and the
// findings as a channel may read them.
func managerItem(f metrics.Figures, p metrics.Period) *txt {
	t, m := trendOf(f, p), f.Metrics
	first := (&txt{}).b(name(f.Name)).w(" · " + plural(m.Sessions, "session", "sessions") + t.perWeek(m.Sessions, t.weekly.Sessions) +
		" · " + coaching.Count(m.Minutes) + " min" + t.perWeek(m.Minutes, t.weekly.Minutes) +
		" · coverage " + metrics.PercentText(m.Coverage) + " (" + coaching.Count(m.Covered) + " of " + coaching.Count(m.Reps) + ")" +
		t.share(m.Coverage, func(b metrics.Metrics) *float64 { return b.Coverage }) +
		" · " + coaching.Count(m.Overdue) + " overdue" + t.state(m.Overdue, func(b metrics.Metrics) int { return b.Overdue }))
	tiers := words("Minutes vs reps: ").t(join(" · ", tierLines(t)...))
	consistency := words("consistency " + t.consistency())
	confirms := words("nothing to confirm")
	if m.Pairs > 0 {
		confirms = words("confirmed ").t(confirmed(t))
	}
	rides := rideAlongs(t, ", ")
	if r := m.RideAlongs; r.Lead+r.Participant+r.Observer > 0 {
		rides = words("Ride-alongs: ").t(rides)
	} else {
		rides = words("No ride-alongs")
	}
	third := join(" · ", rides, confirms, rating(t, false), commitments(t), consistency)
	out := join("\n", first, tiers, third)
	for _, l := range findings(f.Insights, maxManagerFindings, reportAsk(f, p)) {
		out.w("\n").t(l)
	}
	return out
}

// Findings shown per manager and per leader before "and N more".
const (
	maxManagerFindings = 3
	maxScopeFindings   = 8
)

// findings are the insights as bullets, as a channel may read them, a
// manager they name cut as the digest shows every name (see name). Past
// limit, the rest are counted and ask says where they are: "and 2 more"
// alone gives a reader in the channel no way to see them. It says who
// may run it: managers read the channel too, and /coach report refuses
// them (coaching.Service.ReportScope).
func findings(is []metrics.Insight, limit int, ask string) []*txt {
	var out []*txt
	for n, in := range is {
		if n == limit {
			out = append(out, words(fmt.Sprintf("• and %s: ", plural(len(is)-n, "more finding", "more findings"))).c(ask).w(" (leaders and admins) lists them"))
			break
		}
		out = append(out, words("• ").i(in.PublicNamed(name)))
	}
	return out
}

// reportAsk is the /coach report that lists all of f's findings for
// period p's week: the organisation's (f.ID empty) for a reader over all
// of it, else with the manager's or leader's name.
func reportAsk(f metrics.Figures, p metrics.Period) string {
	week := coaching.WeekOf(p.To).String()
	if f.ID == "" {
		return "/coach report " + week
	}
	return "/coach report @" + name(f.Name) + " " + week
}

// overviewLine is a leader in one line, for the headline of a digest
// whose leaders reply in the thread. A leader whose tree is the whole
// organisation (whole) is named without figures: they are the headline's,
// just above the line.
func overviewLine(f metrics.Figures, p metrics.Period, whole bool) *txt {
	if f.Leader && len(f.ManagerIDs) == 0 { // as their section says: not a tree that stopped coaching
		return (&txt{}).b(name(f.Name)).w(" · no managers below them in the roster yet")
	}
	if whole {
		return (&txt{}).b(name(f.Name)).w(" · the whole organisation: the figures above")
	}
	t, m := trendOf(f, p), f.Metrics
	out := (&txt{}).b(name(f.Name)).w(" · " + plural(m.Sessions, "session", "sessions") + t.perWeek(m.Sessions, t.weekly.Sessions) +
		" · coverage " + metrics.PercentText(m.Coverage) + t.share(m.Coverage, func(b metrics.Metrics) *float64 { return b.Coverage }) +
		" · " + coaching.Count(m.Overdue) + " overdue" + t.state(m.Overdue, func(b metrics.Metrics) int { return b.Overdue }))
	if n := len(f.Insights); n > 0 {
		out.w(" · " + plural(n, "finding", "findings"))
	}
	return out
}

// fieldsBeyond are the fields of fs that others does not show alike: what
// a leader's tree adds to the organisation's figures when it is the whole
// organisation (a correlation over its own reps, say).
func fieldsBeyond(fs, others []field) []field {
	shown := map[string]bool{}
	for _, f := range others {
		shown[f.text().md.String()] = true
	}
	var out []field
	for _, f := range fs {
		if !shown[f.text().md.String()] {
			out = append(out, f)
		}
	}
	return out
}

// insightsBeyond are the findings of is that others has not: the same
// finding (kind, subject, number) is worded for its scope ("Managers in
// this tree" against "Managers"), and said once.
func insightsBeyond(is, others []metrics.Insight) []metrics.Insight {
	type id struct {
		kind    metrics.InsightKind
		subject string
		value   float64
	}
	had := map[id]bool{}
	for _, in := range others {
		had[id{in.Kind, in.Subject, in.Value}] = true
	}
	var out []metrics.Insight
	for _, in := range is {
		if !had[id{in.Kind, in.Subject, in.Value}] {
			out = append(out, in)
		}
	}
	return out
}
