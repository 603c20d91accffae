package digest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Options shape a digest beyond its figures.
type Options struct {
	// Narratives are short texts per leader id, shown in the leader's
	// reply when present: the hook for the LLM's narrative of the week's
	// themes. Nil or missing: none.
	Narratives map[string]string
}

// Build words report, the metrics of week with the trend and the insights
// (metrics.DigestOptions), as the digest's messages: one message when
// everything fits in one, else the headline in the channel and, in its
// thread, one reply per leader (more when a leader has more managers than
// one message holds). The chart is added by the Builder.
func Build(r *metrics.Report, week coaching.Week, o Options) *Digest {
	g := groups(r, o)
	head, key := headline(r, week), keyOf(r, week)
	if single, ok := one(head, g, key.legend(false)); ok {
		return &Digest{Week: week, Messages: []Message{single}}
	}
	d := &Digest{Week: week, Messages: []Message{overview(head, g, key.legend(true))}}
	for _, gr := range g {
		d.Messages = append(d.Messages, gr.messages(week)...)
	}
	return d
}

// group is what one reply (or several) says: a leader's tree and the
// managers whose nearest leader they are, or the managers outside any
// leader's tree.
type group struct {
	title    string
	leader   *metrics.Figures // nil for the managers outside any tree
	top      []Block          // the leader's figures, narrative and findings
	managers []*txt
	period   metrics.Period // the leader's figures' period, for their trends
	whole    bool           // the leader's tree is the whole organisation: its figures are the headline's
}

// groups orders the leaders as their tree (each top leader by name, then
// the leaders below them), each with their managers, those who need
// attention first; then the managers outside any leader's tree.
func groups(r *metrics.Report, o Options) []group {
	byLeader := map[string][]metrics.Figures{}
	known := map[string]bool{}
	for _, l := range r.Leaders {
		known[l.ID] = true
	}
	for _, m := range r.Managers {
		id := m.LeaderID
		switch {
		case known[m.ID]:
			id = m.ID // a leader's own team counts in their own tree, and is listed there
		case !known[id]:
			id = ""
		}
		byLeader[id] = append(byLeader[id], m)
	}
	var out []group
	seen := map[string]bool{}
	var visit func(l *metrics.Figures)
	visit = func(l *metrics.Figures) {
		if seen[l.ID] {
			return
		}
		seen[l.ID] = true
		// A leader over the whole organisation with no manager of their
		// own would repeat the headline: their tree is in it.
		whole := wholeOrg(l, r)
		if len(byLeader[l.ID]) > 0 || !whole || o.Narratives[l.ID] != "" {
			var org *metrics.Figures
			if whole {
				org = &r.Org
			}
			out = append(out, leaderGroup(l, org, byLeader[l.ID], o.Narratives[l.ID], r.Period))
		}
		for i := range r.Leaders {
			if r.Leaders[i].LeaderID == l.ID {
				visit(&r.Leaders[i])
			}
		}
	}
	for i := range r.Leaders {
		if l := &r.Leaders[i]; !known[l.LeaderID] {
			visit(l) // the top leaders
		}
	}
	for i := range r.Leaders {
		visit(&r.Leaders[i]) // any a cycle in the reporting lines kept from the top
	}
	if rest := byLeader[""]; len(rest) > 0 {
		title := "Managers outside any leader's tree"
		if len(r.Leaders) == 0 {
			title = "Managers"
		}
		g := group{title: title, managers: items(rest, r.Period)}
		g.top = []Block{block(Header, words(textcut.Cut(title, maxHeader))), block(Context, words(plural(len(rest), "manager", "managers")+attention(len(rest))))}
		out = append(out, g)
	}
	return out
}

// wholeOrg reports whether l's tree is the whole organisation: the same
// managers as the report's. Its figures are then the headline's.
func wholeOrg(l *metrics.Figures, r *metrics.Report) bool {
	if len(l.ManagerIDs) != len(r.Managers) || len(r.Managers) == 0 {
		return false
	}
	in := make(map[string]bool, len(l.ManagerIDs))
	for _, id := range l.ManagerIDs {
		in[id] = true
	}
	for _, m := range r.Managers {
		if !in[m.ID] {
			return false
		}
	}
	return true
}

// leaderGroup is a leader's reply. org is the organisation's figures when
// the leader's tree is all of it (wholeOrg): the headline shows them
// already, so the reply shows only what it adds to them (the leader's
// narrative, a figure or finding the organisation's do not have, such as
// a correlation over their own reps) and then the managers. Shown twice,
// the nine figures read as two scopes to compare, and took a phone's
// screen for nothing.
func leaderGroup(l, org *metrics.Figures, managers []metrics.Figures, narrative string, p metrics.Period) group {
	g := group{title: name(l.Name), leader: l, managers: items(managers, p), period: p, whole: org != nil}
	m := l.Metrics
	if len(l.ManagerIDs) == 0 && len(managers) == 0 && strings.TrimSpace(narrative) == "" {
		// Nobody below yet: a section of zeros and dashes would read as
		// a tree that stopped coaching.
		g.top = append(g.top, block(Header, words(textcut.Cut(name(l.Name), maxHeader))),
			block(Context, words(fmt.Sprintf("No managers below %s in the roster yet: nothing to report.", name(l.Name)))))
		return g
	}
	fields, insights := scopeFields(*l, p), l.Insights
	scope := fmt.Sprintf("Figures over the whole tree below %s: %s, %s not away.", name(l.Name),
		plural(len(l.ManagerIDs), "manager", "managers"), plural(m.Reps, "rep", "reps"))
	if org != nil {
		fields, insights = fieldsBeyond(fields, scopeFields(*org, p)), insightsBeyond(insights, org.Insights)
		scope = fmt.Sprintf("The tree below %s is the whole organisation (%s, %s not away): its figures and findings are the organisation's, above.",
			name(l.Name), plural(len(l.ManagerIDs), "manager", "managers"), plural(m.Reps, "rep", "reps"))
		if len(fields) > 0 {
			scope += " Below, what the tree's own figures add to them."
		}
	}
	g.top = append(g.top, block(Header, words(textcut.Cut(name(l.Name), maxHeader))), block(Context, words(scope+listed(len(managers)))))
	if len(fields) > 0 {
		g.top = append(g.top, fieldsBlock(fields))
	}
	if narrative = strings.TrimSpace(narrative); narrative != "" {
		// The LLM wrote it (only with COACHLOG_LLM_NOTES=on): said so, and
		// escaped like anything Coachlog did not write itself.
		// The room left is counted from the caption, so a narrative cut
		// to fit keeps its closing mark and ellipsis.
		g.top = append(g.top, block(Section, (&txt{}).b("Themes").w(narrativeCaption).
			i(cutEscaped(narrative, maxSectionText-len("*Themes*"+narrativeCaption+"__")))))
	}
	if fs := findings(insights, maxScopeFindings, reportAsk(*l, p)); len(fs) > 0 {
		g.top = append(g.top, block(Section, join("\n", append([]*txt{(&txt{}).b("What stands out")}, fs...)...)))
	}
	if len(managers) > 0 {
		g.top = append(g.top, Block{Type: Divider})
	}
	return g
}

// narrativeCaption says what the narrative is and what its check (llm's
// checkNarrative) keeps out of it: a note's words, the name of anyone
// Coachlog knows (any tree's reps, managers, leaders and admins), a link.
const narrativeCaption = " (written by the LLM from the week's sessions; no note quoted, no one Coachlog knows named, no link): "

// attention says how the managers are ordered, when there are several.
func attention(n int) string {
	if n < 2 {
		return "."
	}
	return ", those who need attention first."
}

// listed says which managers a leader's reply lists.
func listed(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " Below: the manager whose nearest leader this is."
	}
	return " Below: the managers whose nearest leader this is, those who need attention first."
}

// items are the managers' entries, those who need attention first: more
// findings, then more reps overdue, then lower coverage, then by name.
func items(ms []metrics.Figures, p metrics.Period) []*txt {
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b metrics.Figures) int {
		return cmp.Or(cmp.Compare(len(b.Insights), len(a.Insights)), cmp.Compare(b.Metrics.Overdue, a.Metrics.Overdue),
			compareCoverage(a.Metrics.Coverage, b.Metrics.Coverage))
	})
	out := make([]*txt, len(ms))
	for i, m := range ms {
		out[i] = managerItem(m, p)
		if n := utf8.RuneCountInString(out[i].md.String()); n > maxItem {
			out[i] = words(cutEscaped(out[i].plain.String(), maxItem)) // never happens with real figures; never breaks a message either
		}
	}
	return out
}

// compareCoverage orders lower coverage first, and no team last.
func compareCoverage(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// headline is the organisation's part: the week, what was done, the
// figures with their trends, and what stands out.
func headline(r *metrics.Report, week coaching.Week) []Block {
	org := r.Org
	t, m := trendOf(org, r.Period), org.Metrics
	to := week.Sunday().Human()
	if soFar(r, week) {
		to = r.Period.To.Human() + " (so far)"
	}
	title := fmt.Sprintf("Coaching digest · %s · %s to %s", week, week.Monday().Human(), to)
	lead := (&txt{}).b(plural(m.Sessions, "session", "sessions") + " and " + coaching.Count(m.Minutes) + " minutes of coaching").
		w(t.perWeek(m.Sessions, t.weekly.Sessions))
	// Every session counts for a listed manager (metrics: "anyone who
	// logged a session"), so these are the organisation's sessions'
	// authors, out of the managers the digest lists.
	if by := metrics.CoachedBy(r.Managers); by != "" {
		lead.w(" " + by)
	}
	lead.w(" for " + plural(m.Reps, "rep", "reps") + " not away")
	if len(r.Leaders) > 0 {
		lead.w(", under " + plural(len(r.Leaders), "leader", "leaders"))
	}
	lead.w(".")
	out := []Block{block(Header, words(textcut.Cut(title, maxHeader))), block(Section, lead), fieldsBlock(scopeFields(org, r.Period))}
	if fs := findings(org.Insights, maxScopeFindings, reportAsk(org, r.Period)); len(fs) > 0 {
		out = append(out, block(Section, join("\n", append([]*txt{(&txt{}).b("What stands out")}, fs...)...)))
	}
	return out
}

// soFar reports whether r judges a week not over yet, as of its today.
func soFar(r *metrics.Report, week coaching.Week) bool {
	end := r.Period.To
	return !end.IsZero() && end.Before(week.Sunday())
}

// key is what the legend explains beyond what every digest shows.
type key struct {
	soFar     bool // a week not over yet
	uncounted bool // some trend left out: its 4 weeks began before Coachlog counted
	rho       bool // some correlation shown
}

func keyOf(r *metrics.Report, week coaching.Week) key {
	k := key{soFar: soFar(r, week)}
	for _, f := range slices.Concat([]metrics.Figures{r.Org}, r.Leaders, r.Managers) {
		k.uncounted = k.uncounted || (f.Before != nil && !f.TrendCounted(r.Period))
		k.rho = k.rho || f.Correlation != nil
	}
	return k
}

// legend closes the headline, a line for each figure a VP may not know.
// In a week so far, counts are compared with the weekly average pro-rated
// to the days gone (trend.perWeek), and the legend says so: "against their
// weekly average" alone reads as the whole; consistency's last week is
// judged as of today.
func (k key) legend(threaded bool) Block {
	where := "The chart is in the thread."
	if threaded {
		where = "The chart and each leader's tree and managers are in the thread."
	}
	counts := "counts against their weekly average"
	if k.soFar {
		counts += ", pro-rated to the days so far"
	}
	arrows := "↑ ↓ → against the 4 weeks before (" + counts + "; coverage and overdue against the end of the week before)."
	if k.uncounted {
		arrows += " None where those weeks began before Coachlog started counting."
	}
	consistency := "Consistency: the share of the last 4 weeks that ended with coverage at 80% or more"
	if k.soFar {
		consistency += " (this week: as of today)"
	}
	lines := []string{arrows + " Coverage: reps coached within their manager's cadence.",
		consistency + ".",
		"Confirmed: of the requests to confirm, " + metrics.RequestUnit + "."}
	if k.rho {
		lines = append(lines, "ρ: rank correlation, −1 to 1, of a rep's coaching minutes in a month with their change in attainment that month, over the last 12 months (a rep-month: one rep in one month).")
	}
	lines = append(lines, where+" Figures only: nothing anyone wrote, and no rep by name.")
	return block(Context, words(strings.Join(lines, "\n")))
}

// one is the whole digest as one message, if it fits.
func one(head []Block, gs []group, end Block) (Message, bool) {
	msg := Message{Blocks: slices.Clone(head)}
	for _, g := range gs {
		msg.Blocks = append(msg.Blocks, Block{Type: Divider})
		msg.Blocks = append(msg.Blocks, g.top...)
		msg.Blocks = append(msg.Blocks, sections(g.managers)...)
	}
	msg.Blocks = append(msg.Blocks, end)
	msg.Text = headText(head)
	return msg, fits(msg.Blocks)
}

// headText is the headline's notification text: its title, the week and
// its dates, escaped as all text Slack reads as mrkdwn.
func headText(head []Block) string { return literal(head[0].plain) }

// overview is the headline of a digest whose leaders reply in the
// thread: the organisation, then one line per leader while they fit.
func overview(head []Block, gs []group, end Block) Message {
	p := newPacker(headText(head))
	for _, b := range head {
		p.add(b)
	}
	var lines []*txt
	for _, g := range gs {
		if g.leader != nil {
			lines = append(lines, overviewLine(*g.leader, g.period, g.whole))
		}
	}
	if len(lines) > 0 {
		intro := (&txt{}).b("Leaders").w(" (each in the thread)")
		secs, counts := pack(append([]*txt{intro}, lines...), "\n")
		shown := -1 // the intro is no leader
		for i, s := range secs {
			// room for the legend and a line saying how many are left
			if !p.room(s, size(end)+100, 2) {
				p.add(block(Section, words("…and "+plural(len(lines)-max(shown, 0), "more leader", "more leaders")+" in the thread.")))
				break
			}
			p.add(s)
			shown += counts[i]
		}
	}
	p.add(end)
	return p.done()[0]
}

// messages are a group's replies: its figures, then its managers, in as
// many messages as they need, each after the first saying it continues.
// Their text (what a notification and a screen reader give) names the
// leader escaped, as Slack reads it as mrkdwn: a name holding "<!channel>"
// would otherwise ping the whole channel. Parts after the first say which
// they are, so that notifications can be told apart.
func (g group) messages(week coaching.Week) []Message {
	text := literal(g.title + " · coaching digest " + week.String())
	p := newPacker(text)
	for _, b := range g.top {
		p.add(b)
	}
	// Entries share a section (a blank line apart) while it and the
	// message have room; one that does not fit goes to the next.
	var cur *txt
	curLen := 0
	for _, it := range g.managers {
		n := utf8.RuneCountInString(it.md.String())
		if cur != nil {
			if joined := curLen + 2 + n; joined <= maxSectionText && p.roomFor(joined, 1) {
				cur.w("\n\n").t(it)
				curLen = joined
				continue
			}
			p.add(block(Section, cur))
		}
		if !p.roomFor(n, 1) {
			p.next()
			p.add(block(Context, (&txt{}).b(g.title).w(", continued")))
		}
		cur, curLen = (&txt{}).t(it), n
	}
	if cur != nil {
		p.add(block(Section, cur))
	}
	msgs := p.done()
	for i := 1; i < len(msgs); i++ {
		msgs[i].Text = fmt.Sprintf("%s (continued, part %d of %d)", text, i+1, len(msgs))
	}
	return msgs
}
