package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// InsightKind names a finding.
type InsightKind string

// The findings PRODUCT.md lists.
const (
	InsightTierSkew        InsightKind = "tier_skew"
	InsightAlwaysLeads     InsightKind = "always_leads"
	InsightCadenceSlipping InsightKind = "cadence_slipping"
	InsightUnconfirmed     InsightKind = "unconfirmed"
	InsightDoseLow         InsightKind = "dose_low"
	InsightDoseHigh        InsightKind = "dose_high"
	InsightLowRated        InsightKind = "low_rated" // leaders only
)

// The thresholds of the insights, and how much data each needs.
const (
	SkewGap             = 0.15 // a tier's minute share this far from its rep share
	SkewMinSessions     = 5
	LeadShare           = 0.8 // of ride-alongs with the manager in the lead
	LeadMinRideAlongs   = 5
	SlipDrop            = 0.5 // fall in consistency against the 4 weeks before
	UnconfirmedRate     = 0.7 // confirmation rate under this
	UnconfirmedMinPairs = 10
	DoseMinHours        = 3.0 // per rep and month
	DoseMaxHours        = 5.0
	LowRating           = 3.5 // a manager's mean rating under this
	LowRatedMinRatings  = 10
)

// eps absorbs floating-point error at a threshold: 0.35 - 0.2 is
// 0.14999999999999997, which PRODUCT.md means as 0.15.
const eps = 1e-9

// Insight is a short, plain finding, with the number behind it.
type Insight struct {
	Kind    InsightKind
	Subject string  // the tier, or the manager's id, it is about; empty for the scope itself
	Value   float64 // the number behind it: a share, a drop, a count or a mean
	Text    string  // one sentence naming the number, addressed to its reader
	Reps    []RepDose
	public  string // the sentence for a channel, when it differs; see Public
	named   string // the manager's name the sentence starts with (low-rated); see PublicNamed
}

// RepDose is a rep's coaching over the 4 weeks ending with the period.
type RepDose struct {
	ID, Name string
	Minutes  float64 // over the 4 weeks
	Monthly  float64 // hours a month, pro-rated: the figure judged against the limits
}

// daysPerMonth pro-rates a month's dose to 4 weeks.
const daysPerMonth = 365.25 / 12

// managerInsights are a manager's findings over the last 4 weeks.
func (c *computer) managerInsights(mi int) []Insight {
	out := scopeInsights(&c.tallies[pRecent][mi], "", "")
	low, high := c.dose(mi)
	if len(low) > 0 {
		out = append(out, doseInsight(InsightDoseLow, low))
	}
	if len(high) > 0 {
		out = append(out, doseInsight(InsightDoseHigh, high))
	}
	return out
}

// leaderInsights are a leader's findings over the last 4 weeks: the same
// rules on the tree's pooled figures, the dose as counts, and the managers
// whose ratings are low.
func (c *computer) leaderInsights(li int) []Insight {
	who, public := "Managers below you ", "Managers in this tree "
	if li == int(c.orgSlot()) {
		who, public = "Managers ", "Managers "
	}
	out := scopeInsights(&c.leaderT[pRecent][li], who, public)
	var low, high int
	var rated []Insight
	for _, m := range c.inTree[li] {
		mi := int(c.mpos[m])
		lo, hi := c.dose(mi)
		low, high = low+len(lo), high+len(hi)
		t := &c.tallies[pRecent][mi]
		if t.ratings < LowRatedMinRatings {
			continue
		}
		if mean := float64(t.ratingSum) / float64(t.ratings); mean < LowRating-eps {
			// Cut as a dose finding cuts each rep's name, and as the
			// digest shows every name: the leader reads Text itself in
			// /coach stats and the App Home.
			name := textcut.Cut(c.o.name(m), MaxDoseName)
			rated = append(rated, Insight{Kind: InsightLowRated, Subject: c.o.people[m].ID, Value: round(mean, 2), named: name,
				Text: lowRatedText(name, mean, t.ratings)})
		}
	}
	if low > 0 {
		out = append(out, Insight{Kind: InsightDoseLow, Value: float64(low), Text: doseCount(InsightDoseLow, low)})
	}
	if high > 0 {
		out = append(out, Insight{Kind: InsightDoseHigh, Value: float64(high), Text: doseCount(InsightDoseHigh, high)})
	}
	slices.SortFunc(rated, func(a, b Insight) int { return cmp.Compare(a.Value, b.Value) })
	return append(out, rated...)
}

// lowRatedText is the low-rated finding about the manager named name.
func lowRatedText(name string, mean float64, ratings int) string {
	return fmt.Sprintf("%s's sessions are rated %s on average over %s ratings in the last 4 weeks (under %.1f): bad coaching hurts about twice as much as good coaching helps.",
		name, meanUnder(mean), coaching.Count(ratings), LowRating)
}

// scopeInsights are the rules read off one scope's pooled figures. who
// starts a sentence about a leader's managers, addressed to the leader,
// and public the same sentence as a channel reads it; both are empty for
// a manager.
func scopeInsights(t *tally, who, public string) []Insight {
	var out []Insight
	if t.sessions >= SkewMinSessions {
		// Named as the tier line prints them, whole percents adding up to
		// 100 down each column (TierShares.Percents): each share rounded
		// alone would read 3 of 8 reps as 38% here and 37% there.
		minutes, repShares := t.tierShareSets()
		mp, rp := minutes.Percents(), repShares.Percents()
		for _, tier := range Tiers()[:3] {
			ms, rs, ok := t.tierShares(tier)
			if !ok || math.Abs(ms-rs) < SkewGap-eps {
				continue
			}
			out = append(out, Insight{Kind: InsightTierSkew, Subject: string(tier), Value: round(ms-rs, 4),
				Text: fmt.Sprintf("%s performers got %s of coaching minutes over the last 4 weeks while they are %s of the team.",
					upperFirst(string(tier)), WholePercentText(mp.Get(tier)), WholePercentText(rp.Get(tier)))})
		}
	}
	if rides := t.rides[0] + t.rides[1] + t.rides[2]; rides >= LeadMinRideAlongs {
		if s := float64(t.rides[0]) / float64(rides); s >= LeadShare-eps {
			subject, third := "You took", "Took"
			if who != "" {
				subject, third = who+"took", public+"took"
			}
			// Its 4 weeks named, as every finding names them: under the
			// week's "Ride-alongs: lead 1" in the digest, "6 of 6" alone
			// read as that week's count contradicting it.
			const format = "%s the lead on %s of %s ride-alongs over the last 4 weeks (%s): observing shows what a rep does alone."
			out = append(out, Insight{Kind: InsightAlwaysLeads, Value: round(s, 4),
				Text:   fmt.Sprintf(format, subject, coaching.Count(t.rides[0]), coaching.Count(rides), pct(s)),
				public: fmt.Sprintf(format, third, coaching.Count(t.rides[0]), coaching.Count(rides), pct(s))})
		}
	}
	if t.weeks > 0 && t.before > 0 {
		now, before := float64(t.weeksMet)/float64(t.weeks), float64(t.beforeMet)/float64(t.before)
		if drop := before - now; drop >= SlipDrop-eps {
			text := fmt.Sprintf("Cadence is slipping: coverage reached %s at the end of %d of the last %d weeks, against %d of %d in the 4 weeks before.",
				pct(consistencyGoal), t.weeksMet, t.weeks, t.beforeMet, t.before)
			if who != "" { // pooled: each manager's weeks count, 8,000 over 2,000 managers
				text = fmt.Sprintf("Cadence is slipping: coverage reached %s at the end of %s of %s manager-weeks in the last 4 weeks, against %s of %s in the 4 weeks before.",
					pct(consistencyGoal), coaching.Count(t.weeksMet), coaching.Count(t.weeks), coaching.Count(t.beforeMet), coaching.Count(t.before))
			}
			out = append(out, Insight{Kind: InsightCadenceSlipping, Value: round(drop, 4), Text: text})
		}
	}
	if t.pairs >= UnconfirmedMinPairs {
		if r := float64(t.confirmed) / float64(t.pairs); r < UnconfirmedRate-eps {
			text := fmt.Sprintf("Reps confirmed only %s of %s to confirm over the last 4 weeks (%s; %s)", coaching.Count(t.confirmed), Requests(t.pairs), pct(r), RequestUnit)
			out = append(out, Insight{Kind: InsightUnconfirmed, Value: round(r, 4), Text: text + youngAsks(t.young) + "."})
		}
	}
	return out
}

// youngAsks says how many of the unconfirmed finding's requests were sent
// too lately for an answer to be due: PRODUCT.md counts a pending request
// from the moment it is sent, and a rep gets a reminder only after
// coaching.ReminderAfter, so minutes after logging every request counts
// as unconfirmed. Empty when none is that young.
func youngAsks(n int) string {
	days := int(coaching.ReminderAfter.Hours() / 24)
	switch n {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("; 1 of them was sent in the last %d days, before any reminder", days)
	}
	return fmt.Sprintf("; %s of them were sent in the last %d days, before any reminder", coaching.Count(n), days)
}

// dose lists a manager's reps whose coaching over the last 4 weeks,
// pro-rated to a month, is under DoseMinHours or over DoseMaxHours. Only
// reps on the team for the whole 4 weeks, and not away, are judged.
func (c *computer) dose(mi int) (low, high []RepDose) {
	o, per, m := c.o, c.periods[pRecent], c.managers[mi]
	from, end := c.froms[pRecent], c.ends[pRecent]
	days := float64(end - from + 1)
	for _, r := range o.teamsOn(end).of(m) {
		if o.awayOn(r, end) || o.joined(r, m, end).After(per.From) {
			continue
		}
		mins := c.repMinutes[r]
		monthly := mins / days * daysPerMonth
		rd := RepDose{ID: o.people[r].ID, Name: o.name(r), Minutes: round(mins, 2), Monthly: monthly / 60}
		switch {
		case monthly < DoseMinHours*60-eps:
			low = append(low, rd)
		case monthly > DoseMaxHours*60+eps:
			high = append(high, rd)
		}
	}
	return low, high
}

// doseCount is a dose finding as a count of reps, naming none.
func doseCount(kind InsightKind, n int) string {
	if kind == InsightDoseHigh {
		return fmt.Sprintf("%s got over %.0f h of coaching a month over the last 4 weeks, past where more helps.", reps(n), DoseMaxHours)
	}
	return fmt.Sprintf("%s got under %.0f h of coaching a month over the last 4 weeks.", reps(n), DoseMinHours)
}

// Public is the finding as the leaders' channel may read it: about its
// scope rather than to its reader ("Took the lead", not "You took the
// lead"), and a dose finding that names a manager's reps gives their count
// instead (reps' names belong to their manager, not to a channel).
func (i Insight) Public() string {
	switch {
	case len(i.Reps) > 0 && (i.Kind == InsightDoseLow || i.Kind == InsightDoseHigh):
		return doseCount(i.Kind, len(i.Reps))
	case i.public != "":
		return i.public
	}
	return i.Text
}

// PublicNamed is Public with the manager's name it starts with (a
// low-rated finding's) passed through short: a channel that shows long
// names shortened (the digest's) shows them so in its findings too, where
// a roster name of 250 characters would otherwise fill the section.
func (i Insight) PublicNamed(short func(string) string) string {
	s := i.Public()
	if rest, ok := strings.CutPrefix(s, i.named); ok && i.named != "" {
		return short(i.named) + rest
	}
	return s
}

// maxNamed is how many reps a dose insight names before "and N more".
const maxNamed = 10

// MaxDoseName is how much of a rep's name a dose finding shows, and of a
// manager's a low-rated finding, as the digest shows every name: a roster
// name may hold 250 characters, and ten of them would fill the App Home's
// and /coach stats' section (3,000 characters) before "and N more",
// which a cut there then took away.
const MaxDoseName = 60

func doseInsight(kind InsightKind, rs []RepDose) Insight {
	slices.SortFunc(rs, func(a, b RepDose) int { return cmp.Compare(a.Minutes, b.Minutes) })
	limit, verb := DoseMinHours, "under"
	if kind == InsightDoseHigh {
		slices.Reverse(rs)
		limit, verb = DoseMaxHours, "over"
	}
	var names []string
	for i, r := range rs {
		if i == maxNamed {
			names = append(names, "and "+coaching.Count(len(rs)-i)+" more")
			break
		}
		names = append(names, fmt.Sprintf("%s (%s h)", textcut.Cut(r.Name, MaxDoseName), doseHours(r.Monthly, limit, kind == InsightDoseHigh)))
	}
	return Insight{Kind: kind, Value: float64(len(rs)), Reps: rs,
		Text: fmt.Sprintf("%s got %s %.0f h of coaching a month over the last 4 weeks: %s.", reps(len(rs)), verb, limit, strings.Join(names, ", "))}
}

// doseHours is a rep's monthly dose as a dose finding names it: the
// pro-rated figure the finding was decided on (not the 4 weeks' total,
// which is 8% less), to one decimal. Rounded, a dose just past a limit
// would read as the limit itself ("under 3 h: Ann (3.0 h)", 2.99 h a
// month), so such a figure is stepped a tenth to its side of the limit,
// as meanUnder keeps a mean under its threshold.
func doseHours(hours, limit float64, over bool) string {
	tenths := math.Round(hours * 10)
	switch {
	case over && tenths <= limit*10:
		tenths = limit*10 + 1
	case !over && tenths >= limit*10:
		tenths = limit*10 - 1
	}
	return strconv.FormatFloat(tenths/10, 'f', 1, 64)
}

func reps(n int) string {
	if n == 1 {
		return "1 rep"
	}
	return coaching.Count(n) + " reps"
}

// pct is a share in a finding's sentence as every surface prints a share
// alone (PercentText): 1 minute in 250 reads 1%, not 0%. Tier shares are
// named as the tier line prints them instead (TierShares.Percents).
func pct(x float64) string { return PercentText(&x) }

// meanUnder is a mean rating under LowRating as a finding names it: to
// two decimals at most, cut rather than rounded, so that 38 over 11
// (3.4545) reads 3.45, and no mean under the threshold reads as the
// threshold itself ("rated 3.5 ... (under 3.5)").
func meanUnder(mean float64) string {
	return strconv.FormatFloat(math.Floor(mean*100+eps)/100, 'f', -1, 64)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
