package metrics

import (
	"cmp"
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Compute computes every manager's and every leader's figures for period p
// from d, which must hold what Plan(p) asks for. It is a pure function of
// its inputs: the same data gives the same report in the digest, the CLI
// and tests.
func Compute(d *Data, p Period, s Settings) *Report {
	c := newComputer(d, p, s)
	c.sessions()
	// The correlation needs only the people and the period's last month of
	// minutes: it runs beside the teams, commitments and roll-up, which
	// touch nothing it reads.
	corr := make(chan []leaderResult, 1)
	if c.s.summary() {
		corr <- nil
	} else {
		go func() { corr <- c.correlations() }()
	}
	c.teams()
	c.commitments()
	c.rollUp()
	return c.report(<-corr)
}

type computer struct {
	o       *org
	d       *Data
	p       Period
	s       Settings
	periods [nPeriods]Period
	on      [nPeriods]bool // the periods computed
	froms   [nPeriods]day
	ends    [nPeriods]day

	pairRep, pairMgr []pid // each loaded pair's rep and manager
	pairDay          []day

	managers []pid   // the listed managers, by id
	mpos     []int32 // each person's position in managers, or -1
	leaders  []pid   // the listed leaders, by id
	lpos     []int32 // each person's position in leaders, or -1
	tallies  [nPeriods][]tally
	// leaderT and inTree have one slot per leader and, last, the
	// organisation's (orgSlot): every listed manager.
	leaderT [nPeriods][]tally
	inTree  [][]pid // each leader's managers at the period's end
	root    pid     // Options.Root; nobody for the whole organisation
	scope   []bool  // with a root: the people ever below it, who may be listed

	weeks      [][]WeekCount             // each manager's 8 weeks; nil when none
	open       map[string]map[string]int // open commitments by manager, then rep (the team view)
	repMinutes []float64                 // each person's coaching minutes over the last 4 weeks (dose)
	monthMins  []float64                 // each person's minutes in the period's last month, up to its end
	covers     map[day][]cover
}

// cover is a manager's coverage at the end of a day.
type cover struct{ reps, covered int }

func newComputer(d *Data, p Period, s Settings) *computer {
	o := newOrg(d, s)
	c := &computer{o: o, d: d, p: p, s: s, periods: periodsOf(p), covers: map[day][]cover{}}
	c.on = [nPeriods]bool{pMain: true, pPrior: s.Trend, pRecent: s.Insights}
	for k, per := range c.periods {
		c.froms[k], c.ends[k] = dayOf(per.From), dayOf(per.To)
	}
	c.pairRep = make([]pid, len(d.Pairs))
	c.pairMgr = make([]pid, len(d.Pairs))
	c.pairDay = make([]day, len(d.Pairs))
	for i, pr := range d.Pairs {
		c.pairRep[i], c.pairMgr[i], c.pairDay[i] = o.index[pr.RepID], o.index[pr.ManagerID], dayOf(pr.On)
	}
	n := len(o.people)
	c.repMinutes, c.monthMins = make([]float64, n), make([]float64, n)
	c.root = o.pidOrNobody(s.Root)
	if c.root != nobody {
		c.scope = o.below(c.root)
	}
	c.list()
	return c
}

// list picks the managers and leaders reported on, as of the period's end.
// Managers: active roster people with the manager role or a team, and
// anyone who logged a session in the period (it counts for them).
// Leaders: active roster people with the leader role. A run scoped to a
// root lists only the managers ever below it, whose figures need nothing
// the store left out; every leader is still listed, so that the nearest
// leader above anyone is known, and report keeps those in the scope.
func (c *computer) list() {
	o, end := c.o, c.ends[pMain]
	teams := o.teamsOn(end)
	listed := make([]bool, len(o.people))
	for _, i := range o.sorted {
		if !o.activeOn(i, end) {
			continue
		}
		p := o.people[i]
		if p.HasRole(coaching.PersonManager) || len(teams.of(i)) > 0 {
			listed[i] = true
		}
		if p.HasRole(coaching.PersonLeader) {
			c.leaders = append(c.leaders, i)
		}
	}
	for i, m := range c.pairMgr {
		if c.pairDay[i] >= c.froms[pMain] && c.pairDay[i] <= end {
			listed[m] = true
		}
	}
	c.mpos, c.lpos = make([]int32, len(o.people)), make([]int32, len(o.people))
	for i := range c.mpos {
		c.mpos[i], c.lpos[i] = -1, -1
	}
	for _, i := range o.sorted {
		if listed[i] && (c.scope == nil || c.scope[i]) {
			c.mpos[i] = int32(len(c.managers))
			c.managers = append(c.managers, i)
		}
	}
	for j, l := range c.leaders {
		c.lpos[l] = int32(j)
	}
	for k := range c.tallies {
		c.tallies[k] = make([]tally, len(c.managers))
		c.leaderT[k] = make([]tally, len(c.leaders)+1)
	}
	c.inTree = make([][]pid, len(c.leaders)+1)
	c.weeks = make([][]WeekCount, len(c.managers))
}

// sessions makes the one pass over the loaded pairs.
func (c *computer) sessions() {
	pairs := c.d.Pairs
	// Each session's number of reps, made negative once its first pair is
	// seen, so the session itself is counted once.
	reps := make(map[int64]int32, len(pairs))
	for _, pr := range pairs {
		reps[pr.SessionID]++
	}
	withCommitment := make(map[int64]bool, len(c.d.Commitments))
	for _, cm := range c.d.Commitments {
		withCommitment[cm.SessionID] = true
	}
	young := make(map[Asked]bool, len(c.d.Asked))
	for _, a := range c.d.Asked {
		young[a] = true
	}
	end := c.ends[pMain]
	firstMonday := sundayOfDay(end) - 8*7 + 1
	lastMonth := coaching.MonthOf(c.p.To)
	monthStart := dayOf(lastMonth.First())
	for i, pr := range pairs {
		n := reps[pr.SessionID]
		first := n > 0
		if first {
			reps[pr.SessionID] = -n
		} else {
			n = -n
		}
		split := float64(pr.DurationMin) / float64(n)
		on, rep := c.pairDay[i], c.pairRep[i]
		if m := c.mpos[c.pairMgr[i]]; m >= 0 {
			tier := tierIndex(c.o.tierOn(rep, on))
			for k := range c.periods {
				if !c.on[k] || on < c.froms[k] || on > c.ends[k] {
					continue
				}
				t := &c.tallies[k][m]
				if first {
					t.sessions++
					t.minutes += pr.DurationMin
					if r := roleIndex(pr.RideAlong); r >= 0 {
						t.rides[r]++
					}
					if withCommitment[pr.SessionID] {
						t.withCommitments++
					}
				}
				t.tierMinutes[tier] += split
				t.pairs++
				switch pr.Status {
				case coaching.StatusConfirmed:
					t.confirmed++
				case coaching.StatusDisputed:
					t.disputed++
				default:
					t.pending++
					if young[Asked{pr.SessionID, pr.RepID}] {
						t.young++
					}
				}
				if pr.Rating > 0 {
					t.ratings++
					t.ratingSum += pr.Rating
				}
			}
			if c.s.Weeks && first && on >= firstMonday && on <= end {
				if c.weeks[m] == nil {
					c.weeks[m] = newWeeks(c.p.To)
				}
				w := &c.weeks[m][(on-firstMonday)/7]
				w.Sessions++
				w.Minutes += pr.DurationMin
			}
		}
		if c.on[pRecent] && on >= c.froms[pRecent] && on <= c.ends[pRecent] {
			c.repMinutes[rep] += split
		}
		if on >= monthStart && on <= end {
			c.monthMins[rep] += split
		}
	}
	for _, cd := range c.d.Coached {
		if on := dayOf(cd.On); on >= monthStart && on <= end {
			c.monthMins[c.o.index[cd.RepID]] += cd.Minutes
		}
	}
	if !c.s.Weeks {
		return
	}
	for _, l := range c.d.Logged {
		on, p := dayOf(l.On), c.o.index[l.ManagerID]
		if m := c.mpos[p]; m >= 0 && on >= firstMonday && on <= end {
			if c.weeks[m] == nil {
				c.weeks[m] = newWeeks(c.p.To)
			}
			w := &c.weeks[m][(on-firstMonday)/7]
			w.Sessions++
			w.Minutes += l.DurationMin
		}
	}
}

func newWeeks(end coaching.Date) []WeekCount {
	first := sundayOf(end).AddDays(-8*7 + 1)
	ws := make([]WeekCount, 8)
	for i := range ws {
		ws[i].Week = coaching.WeekOf(first.AddDays(7 * i))
	}
	return ws
}

// coverOn is every listed manager's coverage at the end of day n: of their
// team not away, those coached (by anyone) within their cadence.
func (c *computer) coverOn(n day) []cover {
	if cv, ok := c.covers[n]; ok {
		return cv
	}
	o := c.o
	teams := o.teamsOn(n)
	cv := make([]cover, len(c.managers))
	for mi, m := range c.managers {
		cadence := o.cadence(m)
		for _, r := range teams.of(m) {
			if o.awayOn(r, n) {
				continue
			}
			cv[mi].reps++
			if last := o.lastOn(r, n); last != noDay && n-last <= cadence {
				cv[mi].covered++
			}
		}
	}
	c.covers[n] = cv
	return cv
}

// consistencyGoal is the coverage a week must end at to count as kept up.
const consistencyGoal = 0.8

// teams fills coverage, overdue, the team's tiers and consistency for each
// period, each as of that period's end.
func (c *computer) teams() {
	o := c.o
	for k := range c.periods {
		if !c.on[k] {
			continue
		}
		end := c.ends[k]
		teams := o.teamsOn(end)
		covers := c.coverOn(end)
		for mi, m := range c.managers {
			t := &c.tallies[k][mi]
			t.reps, t.covered = covers[mi].reps, covers[mi].covered
			for _, r := range teams.of(m) {
				t.teamReps++
				t.tierReps[tierIndex(o.tierOn(r, end))]++
				if o.awayOn(r, end) {
					continue
				}
				if _, late := o.overdueOn(r, m, end); late {
					t.overdue++
				}
			}
		}
		for w := range 8 {
			if c.s.summary() {
				break
			}
			n := min(sundayOfDay(end)-7*int32(w), end)
			cv := c.coverOn(n)
			for mi := range c.managers {
				if cv[mi].reps == 0 {
					continue // no team that week: nothing to judge
				}
				met := b2i(float64(cv[mi].covered) >= consistencyGoal*float64(cv[mi].reps)-eps)
				t := &c.tallies[k][mi]
				if w < 4 {
					t.weeks++
					t.weeksMet += met
				} else {
					t.before++
					t.beforeMet += met
				}
			}
		}
	}
}

// commitments counts, for each period, the commitments made in it and the
// 4 weeks before, and those kept by its end.
func (c *computer) commitments() {
	if c.s.summary() {
		return
	}
	for _, cm := range c.d.Commitments {
		p, ok := c.o.index[cm.ManagerID]
		if !ok || c.mpos[p] < 0 {
			continue
		}
		m := c.mpos[p]
		made, kept := dayOf(cm.MadeOn), noDay
		if !cm.KeptAt.IsZero() {
			kept = dayOf(coaching.DateOf(cm.KeptAt, c.s.location()))
		}
		for k := range c.periods {
			// The insights' 4 weeks use no commitments: not loaded for them.
			if !c.on[k] || k == pRecent || made < c.froms[k]-28 || made > c.ends[k] {
				continue
			}
			t := &c.tallies[k][m]
			t.made++
			if kept != noDay && kept <= c.ends[k] {
				t.kept++
			}
		}
	}
}

// rollUp sums each manager into every leader above them (and a leader who
// is also a manager into their own tree), with the tree as of the
// period's end, and into the organisation; ratings only from managers
// whose own mean shows (addToTree). The trend's 4 weeks before and the
// insights' 4 weeks are rolled up by that same tree: a tree's figures
// are its managers', then as now, as the organisation's are those of the
// managers listed now and a tree's consistency its managers' weeks.
// Rolled up by the tree of then, a reorg read as coaching: a leader
// handed a manager showed "4 weeks before: 0" above that manager's own
// line, and the leader who lost them kept their sessions of then.
func (c *computer) rollUp() {
	org := c.orgSlot()
	for mi, m := range c.managers {
		trees := append(c.leadersOf(m, c.ends[pMain]), org)
		for _, l := range trees {
			c.inTree[l] = append(c.inTree[l], m)
		}
		for k := range c.periods {
			if !c.on[k] {
				continue
			}
			for _, l := range trees {
				c.leaderT[k][l].addToTree(&c.tallies[k][mi])
			}
		}
	}
}

// orgSlot is the organisation's position among the leaders' tallies: it
// pools every listed manager as a leader's tree pools theirs.
func (c *computer) orgSlot() int32 { return int32(len(c.leaders)) }

// leadersOf lists the positions of the leaders whose tree holds p on day n:
// p itself when a leader, and every leader above.
func (c *computer) leadersOf(p pid, n day) []int32 {
	var out []int32
	if l := c.lpos[p]; l >= 0 {
		out = append(out, l)
	}
	for _, a := range c.o.chain(p, n) {
		if l := c.lpos[a]; l >= 0 {
			out = append(out, l)
		}
	}
	return out
}

// leaderAbove is the id of the nearest leader above p at the period's end.
func (c *computer) leaderAbove(p pid) string {
	for _, a := range c.o.chain(p, c.ends[pMain]) {
		if c.lpos[a] >= 0 {
			return c.o.people[a].ID
		}
	}
	return ""
}

// reported reports whether p's figures are in the report: everyone's for
// the whole organisation; with a root, the root's and those of the people
// below it at the period's end.
func (c *computer) reported(p pid) bool {
	return c.root == nobody || p == c.root || slices.Contains(c.o.chain(p, c.ends[pMain]), c.root)
}

func (c *computer) report(corr []leaderResult) *Report {
	o := c.o
	r := &Report{Period: c.p}
	for mi, m := range c.managers {
		if !c.reported(m) {
			continue
		}
		f := Figures{ID: o.people[m].ID, Name: o.name(m), LeaderID: c.leaderAbove(m), CadenceDays: int(o.cadence(m)),
			Metrics: c.metrics(&c.tallies[pMain][mi]), Since: o.people[m].KnownOn(c.s.location())}
		if c.s.Trend {
			b := c.tallies[pPrior][mi].metrics()
			f.Before = &b
		}
		if c.s.Weeks {
			f.Weeks = c.weeks[mi]
			if f.Weeks == nil {
				f.Weeks = newWeeks(c.p.To)
			}
		}
		if c.s.Insights {
			f.Insights = c.managerInsights(mi)
		}
		if c.s.Teams {
			f.Team = c.team(mi)
		}
		r.Managers = append(r.Managers, f)
	}
	for li, l := range c.leaders {
		if !c.reported(l) {
			continue
		}
		f := c.treeFigures(li, corr)
		f.ID, f.Name, f.LeaderID = o.people[l].ID, o.name(l), c.leaderAbove(l)
		r.Leaders = append(r.Leaders, f)
	}
	r.Org = c.treeFigures(int(c.orgSlot()), corr)
	r.Org.Name = OrgName
	byName := func(a, b Figures) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	}
	slices.SortFunc(r.Managers, byName)
	slices.SortFunc(r.Leaders, byName)
	return r
}

// treeFigures are the figures of leader slot li (a leader's tree, or the
// organisation at orgSlot), without the names.
func (c *computer) treeFigures(li int, corr []leaderResult) Figures {
	o := c.o
	f := Figures{Leader: true, Metrics: c.metrics(&c.leaderT[pMain][li])}
	if corr != nil {
		f.Correlation, f.AtQuotaShare, f.AttainmentReps = &corr[li].corr, corr[li].atQuota, corr[li].withAtt
	}
	if c.s.Trend {
		b := c.leaderT[pPrior][li].metrics()
		f.Before = &b
	}
	if c.s.Weeks {
		f.Weeks = newWeeks(c.p.To)
	}
	for _, m := range c.inTree[li] {
		f.ManagerIDs = append(f.ManagerIDs, o.people[m].ID)
		if since := o.people[m].KnownOn(c.s.location()); !since.IsZero() && (f.Since.IsZero() || since.Before(f.Since)) {
			f.Since = since
		}
		for i, w := range c.weeks[c.mpos[m]] {
			f.Weeks[i].Sessions += w.Sessions
			f.Weeks[i].Minutes += w.Minutes
		}
	}
	if c.s.Insights {
		f.Insights = c.leaderInsights(li)
	}
	return f
}

// metrics are a tally's figures; a summary run has no commitments to say
// which sessions had one.
func (c *computer) metrics(t *tally) Metrics {
	m := t.metrics()
	if c.s.summary() {
		m.WithCommitments = nil
	}
	return m
}

// team is a manager's team view at the period's end.
func (c *computer) team(mi int) []TeamRep {
	o, end, m := c.o, c.ends[pMain], c.managers[mi]
	if c.open == nil {
		c.open = map[string]map[string]int{}
		for _, oc := range c.d.Open {
			if c.open[oc.ManagerID] == nil {
				c.open[oc.ManagerID] = map[string]int{}
			}
			c.open[oc.ManagerID][oc.RepID] += oc.Count
		}
	}
	open := c.open[o.people[m].ID]
	var out []TeamRep
	for _, r := range o.teamsOn(end).of(m) {
		p := o.people[r]
		tr := TeamRep{ID: p.ID, Name: p.DisplayName(), Tier: o.tierOn(r, end), LastSession: dateOf(o.lastOn(r, end)),
			Away: o.awayOn(r, end), Deactivated: p.Deleted, OpenCommitments: open[p.ID]}
		if !tr.LastSession.IsZero() {
			tr.DaysSince = int(end - o.lastOn(r, end))
		}
		od, late := o.overdueOn(r, m, end)
		tr.Overdue = late && !tr.Away
		tr.OverdueDays, tr.Never, tr.SinceKnown = od.Days, od.Never, od.SinceKnown
		out = append(out, tr)
	}
	slices.SortFunc(out, func(a, b TeamRep) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
