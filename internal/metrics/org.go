package metrics

import (
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// pid is a person's index in org.people: the computation works on dense
// indices and day numbers, not on ids and dates, because it touches every
// loaded row several times.
type pid = int32

const nobody pid = -1

// day is a date as a number of days since 1970-01-01.
type day = int32

// noDay is "never": before every real day.
const noDay day = -1 << 30

// dayOf turns a date into a day number (Howard Hinnant's days_from_civil).
func dayOf(d coaching.Date) day {
	if d.IsZero() {
		return noDay
	}
	y, m := int32(d.Year), int32(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int32(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOf turns a day number back into a date.
func dateOf(n day) coaching.Date {
	if n == noDay {
		return coaching.Date{}
	}
	return coaching.DateOf(time.Unix(int64(n)*86400, 0), time.UTC)
}

// line is a reporting line from a day on, with the manager as an index.
type line struct {
	from    day
	manager pid
	tier    coaching.Tier
	active  bool
}

// org answers "who reported to whom, with which tier, on a day" from the
// reporting history, and "when was this rep last coached, as of a day" from
// the loaded sessions.
type org struct {
	people []*Person
	index  map[string]pid
	sorted []pid    // everyone by id, so every walk is deterministic
	lines  [][]line // per person, oldest first; one line for a person without history
	isRep  []bool   // holds the rep role (today's roles: the roster keeps no history of them)

	dates      [][]day // per person, the days they were coached in the window, ascending
	lastBefore []day   // per person, their latest session before the window

	defaultCadence int
	now            time.Time
	loc            *time.Location // the run's clock (Settings.location)
	orgLoc         *time.Location // the organisation's (Settings.Location): a manager's zone when they have none
	today          day
	zoneOf         []*time.Location // per person, the zone their nudge reads (managerZone)

	teamMemo map[day]teams // each manager's team on a day, as computed
}

// awayWindow is how far back "away" applies: Coachlog keeps someone's away
// date and Slack status as they are now, with no history, so they say
// nothing about a period that ended weeks ago.
const awayWindow = 7

func newOrg(d *Data, s Settings) *org {
	o := &org{
		index:          make(map[string]pid, len(d.People)),
		defaultCadence: s.DefaultCadence,
		now:            s.Now,
		loc:            s.location(),
		orgLoc:         Settings{Location: s.Location}.location(),
		today:          dayOf(coaching.DateOf(s.Now, s.location())),
		teamMemo:       map[day]teams{},
	}
	for i := range d.People {
		o.add(&d.People[i])
	}
	// People named as a manager, or in a session, but unknown (a race with
	// a write, or data from before the roster) get a placeholder, before
	// anything is sized by the number of people.
	for i := range d.People {
		p := &d.People[i]
		o.pidOrNobody(p.ManagerID)
		for _, l := range p.History {
			o.pidOrNobody(l.ManagerID)
		}
	}
	for _, p := range d.Pairs {
		o.pid(p.RepID)
		o.pid(p.ManagerID)
	}
	for _, c := range d.Coached {
		o.pid(c.RepID)
	}
	for _, l := range d.Logged {
		o.pid(l.ManagerID)
	}
	o.pidOrNobody(s.Root)
	o.sorted = make([]pid, len(o.people))
	for i := range o.sorted {
		o.sorted[i] = pid(i)
	}
	slices.SortFunc(o.sorted, func(a, b pid) int { return strings.Compare(o.people[a].ID, o.people[b].ID) })
	// Read once here, as the correlation reads the org beside the teams.
	var zones coaching.ZoneCache
	o.zoneOf = make([]*time.Location, len(o.people))
	for i, p := range o.people {
		o.zoneOf[i] = zones.LocationOf(p.Person, o.orgLoc)
	}
	o.lines = make([][]line, len(o.people))
	o.isRep = make([]bool, len(o.people))
	for i, p := range o.people {
		o.isRep[i] = p.HasRole(coaching.PersonRep)
		if len(p.History) == 0 {
			o.lines[i] = []line{{from: noDay, manager: o.pidOrNobody(p.ManagerID), tier: p.Tier, active: p.Active}}
			continue
		}
		for _, l := range p.History {
			o.lines[i] = append(o.lines[i], line{from: dayOf(l.From), manager: o.pidOrNobody(l.ManagerID), tier: l.Tier, active: l.Active})
		}
	}
	o.dates = make([][]day, len(o.people))
	o.lastBefore = make([]day, len(o.people))
	for i, p := range o.people {
		o.lastBefore[i] = dayOf(p.LastBefore)
	}
	for _, p := range d.Pairs {
		r := o.index[p.RepID]
		o.dates[r] = append(o.dates[r], dayOf(p.On))
	}
	for _, c := range d.Coached {
		r := o.index[c.RepID]
		o.dates[r] = append(o.dates[r], dayOf(c.On))
	}
	for _, ds := range o.dates {
		slices.Sort(ds)
	}
	return o
}

func (o *org) add(p *Person) pid {
	i := pid(len(o.people))
	o.people = append(o.people, p)
	o.index[p.ID] = i
	return i
}

// pid returns id's index, adding a placeholder for someone unknown.
func (o *org) pid(id string) pid {
	if i, ok := o.index[id]; ok {
		return i
	}
	return o.add(&Person{Person: coaching.Person{ID: id, Active: true}})
}

func (o *org) pidOrNobody(id string) pid {
	if id == "" {
		return nobody
	}
	return o.pid(id)
}

// line returns p's reporting line on day n, and its index in their history
// (-1 for a person without history, who has their current record
// throughout). Before their first import, the first line applies.
func (o *org) line(p pid, n day) (line, int) {
	ls := o.lines[p]
	if len(ls) == 1 {
		if len(o.people[p].History) == 0 {
			return ls[0], -1
		}
		return ls[0], 0
	}
	i, _ := slices.BinarySearchFunc(ls, n, func(l line, n day) int {
		if l.from > n {
			return 1
		}
		return -1
	})
	i = max(i-1, 0) // i is the first line starting after n; the one before applies
	return ls[i], i
}

// tierOn is p's tier on day n.
func (o *org) tierOn(p pid, n day) coaching.Tier {
	l, _ := o.line(p, n)
	return l.tier
}

// activeOn reports whether p is in the roster and active on day n.
func (o *org) activeOn(p pid, n day) bool {
	l, _ := o.line(p, n)
	return o.people[p].InRoster && l.active
}

// managerOn is whom p reports to on day n, when active.
func (o *org) managerOn(p pid, n day) pid {
	l, _ := o.line(p, n)
	if !o.people[p].InRoster || !l.active {
		return nobody
	}
	return l.manager
}

// teams are every manager's team on a day: the reps of manager m are
// reps[start[m]:start[m+1]], in id order. One array for everyone, not a
// slice per person: a run holds the teams of some twenty days.
type teams struct {
	start []int32
	reps  []pid
}

// of is manager m's team.
func (t teams) of(m pid) []pid { return t.reps[t.start[m]:t.start[m+1]] }

// teamsOn gives each manager's team on day n: their active direct reports
// holding the rep role, in id order.
func (o *org) teamsOn(n day) teams {
	if t, ok := o.teamMemo[n]; ok {
		return t
	}
	mgr := make([]pid, len(o.people)) // each rep's manager on n, or nobody
	t := teams{start: make([]int32, len(o.people)+1)}
	for p := range o.people {
		mgr[p] = nobody
		if o.isRep[p] {
			if m := o.managerOn(pid(p), n); m != nobody {
				mgr[p] = m
				t.start[m+1]++
			}
		}
	}
	for m := range o.people {
		t.start[m+1] += t.start[m]
	}
	t.reps = make([]pid, t.start[len(o.people)])
	next := slices.Clone(t.start[:len(o.people)])
	for _, p := range o.sorted {
		if m := mgr[p]; m != nobody {
			t.reps[next[m]] = p
			next[m]++
		}
	}
	o.teamMemo[n] = t
	return t
}

// chain lists the people above p on day n, nearest first. A cycle (which
// roster imports refuse, but histories mixed across imports could form)
// ends the walk rather than looping.
func (o *org) chain(p pid, n day) []pid {
	var out []pid
	for m := o.managerOn(p, n); m != nobody && m != p && !slices.Contains(out, m); m = o.managerOn(m, n) {
		out = append(out, m)
	}
	return out
}

// cadence is a manager's cadence in days.
func (o *org) cadence(m pid) int32 {
	return int32(coaching.Cadence(o.people[m].Person, o.defaultCadence))
}

// lastOn is the latest day on or before n that p was coached, by anyone;
// noDay when never. n must not be before the loaded window's first day
// minus one.
func (o *org) lastOn(p pid, n day) day {
	ds := o.dates[p]
	i, _ := slices.BinarySearch(ds, n+1) // the first day after n
	if i > 0 {
		return ds[i-1]
	}
	return o.lastBefore[p]
}

// awayOn reports whether p is away at the end of day n: only for a day in
// the last week (see awayWindow), by their /coach away date or their Slack
// status now, or gone: deactivated in Slack, which the roster may not say
// yet. Either way nobody could coach them, and the nudge rule (EvaluateNudge)
// does not count them.
func (o *org) awayOn(p pid, n day) bool {
	if n < o.today-awayWindow {
		return false
	}
	return o.people[p].Absent(dateOf(n), o.now)
}

// managerZone is manager m's time zone, the one their nudge reads their
// reps' days on (the roster's, else Slack's, else the organisation's):
// whatever the run's clock, a never-coached rep's clock starts on their
// manager's day, so that the digest, `coachlog metrics`, /coach report
// and /coach team call the same reps overdue.
func (o *org) managerZone(m pid) *time.Location {
	if int(m) < len(o.zoneOf) {
		return o.zoneOf[m]
	}
	return o.orgLoc // someone added after newOrg: unknown, so on no zone of their own
}

// joined is when rep p joined manager m's team, for the stint that holds
// day n, or when Coachlog first knew them if later (days on m's clock,
// as m's nudge reads them: managerZone): a never-coached rep is overdue
// from then (PRODUCT.md, "overdue reps"). For the stint the roster
// describes today, the roster's since column is used, as the nudge uses
// it (coaching.Person.ClockStart).
func (o *org) joined(p, m pid, n day) coaching.Date {
	start := o.stintFrom(p, m, n)
	if known := o.people[p].KnownOn(o.managerZone(m)); known.After(start) {
		start = known
	}
	return start
}

// stintFrom is joined before Coachlog's first knowledge of p bounds it:
// the day the stint began, zero when it began before the first import.
func (o *org) stintFrom(p, m pid, n day) coaching.Date {
	person := o.people[p]
	start := person.JoinedOn(o.managerZone(m))
	if _, i := o.line(p, n); i >= 0 {
		ls := o.lines[p]
		j := i
		for j > 0 && ls[j-1].manager == m && ls[j-1].active {
			j--
		}
		current := person.ManagerID == o.people[m].ID
		for _, l := range ls[i:] {
			current = current && l.manager == m && l.active
		}
		switch {
		case current && !start.IsZero():
			// the stint the roster describes now: its since stands
		case j == 0:
			start = coaching.Date{} // since before the first import: KnownAt bounds it
		default:
			start = dateOf(ls[j].from)
		}
	}
	return start
}

// overdueOn applies the nudge rule to rep p of manager m as of the end of
// day n, with the clock joined starts, and says what the nudge would of a
// rep never coached since (coaching.OverdueFrom).
func (o *org) overdueOn(p, m pid, n day) (coaching.OverdueRep, bool) {
	person := o.people[p].Person
	r := coaching.TeamRep{Person: person, LastSession: dateOf(o.lastOn(p, n))}
	return coaching.OverdueFrom(r, dateOf(n), o.stintFrom(p, m, n), person.KnownOn(o.managerZone(m)), int(o.cadence(m)))
}

// below marks root and everyone ever below them: named, at any depth,
// under root in any reporting line, the roster's now or one of its
// history (Query.Root's "below"). They are the people a run scoped to root
// lists; its report keeps those below root at the period's end.
func (o *org) below(root pid) []bool {
	children := make([][]pid, len(o.people))
	link := func(m, p pid) {
		if m != nobody && m != p && !slices.Contains(children[m], p) {
			children[m] = append(children[m], p)
		}
	}
	for i, ls := range o.lines {
		p := pid(i)
		for _, l := range ls {
			link(l.manager, p)
		}
		if id := o.people[p].ManagerID; id != "" {
			link(o.index[id], p)
		}
	}
	in := make([]bool, len(o.people))
	in[root] = true
	for queue := []pid{root}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			if !in[c] {
				in[c] = true
				queue = append(queue, c)
			}
		}
	}
	return in
}

// name is someone's display name.
func (o *org) name(p pid) string { return o.people[p].DisplayName() }
