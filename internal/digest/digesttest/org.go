// Package digesttest builds metrics reports for the digest's tests, through
// metrics.Compute on hand-made data: a small organisation whose managers
// have telling habits, and a large one at its worst for Block Kit's limits.
package digesttest

import (
	"fmt"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Week is the week the reports are for: Monday 16 to Sunday 22 November
// 2026, computed at Now, the Monday after.
var (
	Week = coaching.Week{Year: 2026, Week: 47}
	Now  = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

// builder makes metrics.Data by hand.
type builder struct {
	d    metrics.Data
	next int64
}

func (b *builder) person(id, name, manager string, tier coaching.Tier, roles ...string) {
	b.d.People = append(b.d.People, metrics.Person{Person: coaching.Person{ID: id, Name: name, Roles: roles, ManagerID: manager,
		Tier: tier, Active: true, InRoster: true, Since: day("2026-01-05"), KnownAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}})
}

// rep is one rep's side of a session.
type rep struct {
	id     string
	status coaching.Status
	rating int
}

func (b *builder) session(manager string, kind coaching.Kind, on coaching.Date, minutes int, role coaching.Role, commitments, kept int, reps ...rep) {
	b.next++
	for _, r := range reps {
		b.d.Pairs = append(b.d.Pairs, metrics.Pair{SessionID: b.next, ManagerID: manager, On: on, DurationMin: minutes,
			RideAlong: role, RepID: r.id, Status: r.status, Rating: r.rating})
	}
	for i := range commitments {
		c := metrics.Commitment{SessionID: b.next, ManagerID: manager, MadeOn: on}
		if i < kept {
			c.KeptAt = on.AddDays(5).Time(time.UTC).Add(10 * time.Hour)
		}
		b.d.Commitments = append(b.d.Commitments, c)
	}
}

func (b *builder) compute() *metrics.Report {
	return metrics.Compute(&b.d, metrics.WeekPeriod(Week), metrics.Settings{DefaultCadence: 14, Now: Now, Options: metrics.DigestOptions()})
}

func day(s string) coaching.Date {
	d, err := coaching.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// monday is the Monday of the week n weeks before Week (0: Week itself).
func monday(n int) coaching.Date { return Week.Monday().AddDays(-7 * n) }

func ok(id string, rating int) rep { return rep{id, coaching.StatusConfirmed, rating} }
func pending(id string) rep        { return rep{id, coaching.StatusPending, 0} }

// SmallOrg is a VP over a director, five managers with telling habits and
// their reps, over the 8 weeks to Week:
//   - Max Brandt coaches his top performer and hardly anyone else;
//   - Nina Petrova takes the lead on every ride-along;
//   - Owen Hughes kept up every week until a month ago, then stopped;
//   - Priya Shah coaches everyone, observes on ride-alongs, and her reps
//     confirm and keep their commitments;
//   - Quinn Adams, outside any leader's tree, has a rep never coached.
//
// Vera's reps have two months of attainment, so her tree's correlation
// shows.
func SmallOrg() *metrics.Report {
	b := &builder{}
	b.person("UVERA", "Vera Lopez", "", "", coaching.PersonLeader)
	b.person("UDAN", "Dan Okafor", "UVERA", "", coaching.PersonLeader)
	team := func(id, name, leader string, tiers ...coaching.Tier) []string {
		b.person(id, name, leader, "", coaching.PersonManager)
		var out []string
		for i, t := range tiers {
			rid := fmt.Sprintf("%s%d", id, i+1)
			b.person(rid, fmt.Sprintf("Rep %d of %s", i+1, strings.Fields(name)[0]), id, t, coaching.PersonRep)
			out = append(out, rid)
		}
		return out
	}
	top, mid, bot := coaching.TierTop, coaching.TierMiddle, coaching.TierBottom
	mx := team("UMAX", "Max Brandt", "UVERA", top, mid, mid, bot)
	nn := team("UNINA", "Nina Petrova", "UDAN", top, mid, bot)
	ow := team("UOWEN", "Owen Hughes", "UDAN", top, mid, bot)
	pr := team("UPRIYA", "Priya Shah", "UVERA", top, mid, mid, bot)
	qn := team("UQUINN", "Quinn Adams", "", mid, bot)

	for w := range 8 {
		// Max: his top rep every week, 45 minutes; a middle rep once.
		b.session("UMAX", coaching.KindOneOnOne, monday(w).AddDays(1), 45, "", 1, 1, ok(mx[0], 5))
		if w == 0 {
			b.session("UMAX", coaching.KindDealReview, monday(w).AddDays(3), 60, "", 0, 0, ok(mx[0], 4))
			b.session("UMAX", coaching.KindOneOnOne, monday(w).AddDays(4), 20, "", 0, 0, ok(mx[1], 4))
		}
		// Nina: a ride-along a week in the lead, rotating her reps.
		b.session("UNINA", coaching.KindRideAlong, monday(w).AddDays(2), 60, coaching.RoleLead, 0, 0, ok(nn[w%3], 3))
		if w < 2 {
			b.session("UNINA", coaching.KindRideAlong, monday(w).AddDays(4), 45, coaching.RoleLead, 1, 0, pending(nn[(w+1)%3]))
		}
		// Owen: every rep every week until 4 weeks ago.
		if w >= 4 {
			for _, r := range ow {
				b.session("UOWEN", coaching.KindOneOnOne, monday(w).AddDays(1), 30, "", 0, 0, ok(r, 4))
			}
		}
		// Priya: two reps a week in turn, observing on ride-alongs.
		for i := range 2 {
			r := pr[(2*w+i)%4]
			kind, role := coaching.KindOneOnOne, coaching.Role("")
			if i == 1 {
				kind, role = coaching.KindRideAlong, coaching.RoleObserver
			}
			b.session("UPRIYA", kind, monday(w).AddDays(1+2*i), 50, role, 1, 1, ok(r, 4+i%2))
		}
	}
	b.session("UQUINN", coaching.KindTeamMeeting, monday(0).AddDays(2), 60, "", 0, 0, pending(qn[0]), pending("UPRIYA1"))
	// Attainment of Vera's reps, October to November: Max's and Priya's
	// reps' change follows the minutes they got in November.
	for i, r := range append(append([]string{}, mx...), pr...) {
		b.d.Months = append(b.d.Months,
			metrics.RepMonth{RepID: r, Month: coaching.Month{Year: 2026, Month: 10}, Attainment: 90},
			metrics.RepMonth{RepID: r, Month: coaching.Month{Year: 2026, Month: 11}, Attainment: 85 + 3*float64(i%5)})
	}
	return b.compute()
}

// LargeOrg is managers managers under leaders leaders (a quarter of them
// at the top, the others each under one of those), every one at the
// worst for a message's size: a name as long as the digest shows, with
// characters mrkdwn escapes, ten reps, and every finding a manager can
// have in the last 4 weeks.
func LargeOrg(managers, leaders int) *metrics.Report {
	b := &builder{}
	long := func(kind string, i int) string {
		s := fmt.Sprintf("%s %04d <Ünïcødé> & Söns", kind, i)
		return s + strings.Repeat("é", 80-len([]rune(s)))
	}
	tops := max(leaders/4, 1)
	for l := range leaders {
		manager := ""
		if l >= tops {
			manager = fmt.Sprintf("UL%03d", l%tops)
		}
		b.person(fmt.Sprintf("UL%03d", l), long("Leader", l), manager, "", coaching.PersonLeader)
	}
	tiers := []coaching.Tier{coaching.TierTop, coaching.TierMiddle, coaching.TierMiddle, coaching.TierBottom, ""}
	for m := range managers {
		id := fmt.Sprintf("UM%05d", m)
		b.person(id, long("Manager", m), fmt.Sprintf("UL%03d", m%leaders), "", coaching.PersonManager)
		var reps []string
		for r := range 10 {
			rid := fmt.Sprintf("%s-%02d", id, r)
			b.person(rid, long("Rep", m*10+r), id, tiers[r%len(tiers)], coaching.PersonRep)
			reps = append(reps, rid)
		}
		// In the last 4 weeks: 12 ride-alongs in the lead with the top rep
		// (tier skew, always leads), unconfirmed (unconfirmed), the other
		// reps never coached (dose); before them, every rep every week
		// (cadence slipping).
		for i := range 12 {
			b.session(id, coaching.KindRideAlong, monday(i%4).AddDays(i%5), 60, coaching.RoleLead, 1, 0, pending(reps[0]))
		}
		for w := 4; w < 8; w++ {
			for _, r := range reps {
				b.session(id, coaching.KindOneOnOne, monday(w).AddDays(1), 30, "", 0, 0, ok(r, 2))
			}
		}
	}
	return b.compute()
}

// LowRated is managers managers (names gives each one's roster name) whose
// sessions in the last 4 weeks are rated 2 over 10 ratings, 20 minutes
// each (a dose between the limits: no dose finding takes a place): each is
// a low-rated finding naming them, in the organisation's findings. With a
// leader, they are under a director below a VP who has a manager of their
// own, so the director's findings are a reply of their own too.
func LowRated(managers int, names func(i int) string, leader bool) *metrics.Report {
	b := &builder{}
	boss := ""
	if leader {
		b.person("UVP", "Vera Lopez", "", "", coaching.PersonLeader)
		b.person("UDIR", "Dan Okafor", "UVP", "", coaching.PersonLeader)
		b.person("UOWN", "Olga Nowak", "UVP", "", coaching.PersonManager)
		b.person("UOWN-1", "Rep of Olga", "UOWN", coaching.TierMiddle, coaching.PersonRep)
		b.session("UOWN", coaching.KindOneOnOne, monday(0).AddDays(1), 30, "", 0, 0, ok("UOWN-1", 5))
		boss = "UDIR"
	}
	for m := range managers {
		id := fmt.Sprintf("UM%02d", m)
		b.person(id, names(m), boss, "", coaching.PersonManager)
		rid := id + "-1"
		b.person(rid, "Rep of "+id, id, coaching.TierMiddle, coaching.PersonRep)
		for i := range metrics.LowRatedMinRatings {
			b.session(id, coaching.KindOneOnOne, monday(i%4).AddDays(i%5), 20, "", 0, 0, ok(rid, 2))
		}
	}
	return b.compute()
}

// OneLeader is a VP, Vera Lopez, over four managers and nobody else: her
// tree is the whole organisation. Three of the managers coached in Week,
// Ben Cole logged nothing in it; Ada Marsh takes the lead on every
// ride-along, so the organisation and Vera's tree share a finding.
func OneLeader() *metrics.Report {
	b := &builder{}
	b.person("UVERA", "Vera Lopez", "", "", coaching.PersonLeader)
	tiers := []coaching.Tier{coaching.TierTop, coaching.TierMiddle, coaching.TierBottom}
	for _, m := range []struct{ id, name string }{{"UADA", "Ada Marsh"}, {"UBEN", "Ben Cole"}, {"UCAL", "Cal Dune"}, {"UDEE", "Dee Fox"}} {
		b.person(m.id, m.name, "UVERA", "", coaching.PersonManager)
		for i, t := range tiers {
			b.person(fmt.Sprintf("%s%d", m.id, i+1), fmt.Sprintf("Rep %d of %s", i+1, m.name), m.id, t, coaching.PersonRep)
		}
	}
	for w := range 8 {
		for i := range 3 {
			b.session("UADA", coaching.KindRideAlong, monday(w).AddDays(1+i), 45, coaching.RoleLead, 1, 1, ok(fmt.Sprintf("UADA%d", i+1), 4))
		}
		if w > 0 {
			b.session("UBEN", coaching.KindOneOnOne, monday(w).AddDays(2), 30, "", 0, 0, ok("UBEN1", 4))
		}
		b.session("UCAL", coaching.KindOneOnOne, monday(w).AddDays(3), 30, "", 1, 0, ok("UCAL2", 5))
		b.session("UDEE", coaching.KindDealReview, monday(w).AddDays(4), 60, "", 0, 0, pending("UDEE3"))
	}
	return b.compute()
}
