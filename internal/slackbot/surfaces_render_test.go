package slackbot

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

var week48 = metrics.Period{From: coaching.Date{Year: 2026, Month: 11, Day: 23}, To: coaching.Date{Year: 2026, Month: 11, Day: 25}}

func share(v float64) *float64 { return &v }

// fullFigures are figures with every field set, long insights included.
func fullFigures(id string, leader bool) metrics.Figures {
	m := metrics.Metrics{Sessions: 12, Minutes: 540, Reps: 9, Covered: 7, Coverage: share(0.7778), Overdue: 2,
		TierMinutes:      metrics.TierMinutes{Top: 300, Middle: 140, Bottom: 100},
		TierMinutesShare: metrics.TierShares{Top: share(0.5556), Middle: share(0.2593), Bottom: share(0.1852), None: share(0)},
		TierRepsShare:    metrics.TierShares{Top: share(0.3333), Middle: share(0.3333), Bottom: share(0.3333), None: share(0)},
		RideAlongs:       metrics.RoleCounts{Lead: 4, Participant: 1}, Pairs: 14, Confirmed: 10, Disputed: 1, Pending: 3,
		ConfirmationRate: share(0.7143), Ratings: 5, MeanRating: share(4.2), WithCommitments: share(0.5), CommitmentsKept: share(0.25),
		Consistency: share(0.75), ConsistencyBefore: share(1)}
	f := metrics.Figures{ID: id, Name: id, Leader: leader, CadenceDays: 14, Metrics: m, Before: &m}
	for i := range 8 {
		f.Insights = append(f.Insights, metrics.Insight{Kind: metrics.InsightDoseLow, Text: strings.Repeat("<Rep & co> ", 60) + fmt.Sprint(i)})
	}
	if leader {
		f.Correlation = &metrics.Correlation{Rho: share(0.42), N: 24}
		f.AtQuotaShare = share(0.6)
	}
	return f
}

func teamOf(n int) []metrics.TeamRep {
	var team []metrics.TeamRep
	for i := range n {
		r := metrics.TeamRep{ID: fmt.Sprintf("UR%04d", i), Name: "Rep", Tier: coaching.TierMiddle, OpenCommitments: i % 3,
			LastSession: week48.To.AddDays(-i), DaysSince: i, Overdue: i%2 == 1, OverdueDays: i, Never: i%4 == 1, Away: i%7 == 0}
		team = append(team, r)
	}
	return team
}

// bigOrg is a leader above n managers, each with a team of 12.
func bigOrg(n int) *metrics.Report {
	r := &metrics.Report{Period: week48}
	l := fullFigures("UL0", true)
	for i := range n {
		m := fullFigures(fmt.Sprintf("UM%04d", i), false)
		m.LeaderID, m.Team = "UL0", teamOf(12)
		r.Managers = append(r.Managers, m)
		l.ManagerIDs = append(l.ManagerIDs, m.ID)
	}
	r.Leaders = []metrics.Figures{l}
	return r
}

// The new surfaces, fed their largest inputs, make messages and views
// Slack takes: 50 blocks in a message, 100 in a Home tab, 10 fields in a
// section, unique action ids in a block, and about 11,000 characters.
func TestTheSurfacesMakeWhatSlackTakes(t *testing.T) {
	org := bigOrg(2000)
	leaderAndManager := bigOrg(300)
	leaderAndManager.Managers = append(leaderAndManager.Managers, func() metrics.Figures {
		f := fullFigures("UL0", false)
		f.Team = teamOf(80)
		return f
	}())
	manager := &metrics.Report{Period: week48, Managers: []metrics.Figures{func() metrics.Figures {
		f := fullFigures("UM0", false)
		f.Team = teamOf(500)
		return f
	}()}}
	person := func(id string, roles ...string) coaching.Person {
		return coaching.Person{ID: id, Roles: roles, Active: true, InRoster: true}
	}
	for name, m := range map[string]message{
		"a manager's stats":                   statsMessage(manager, manager, person("UM0", coaching.PersonManager), true, false),
		"a leader's stats":                    statsMessage(org, org, person("UL0", coaching.PersonLeader), false, false),
		"stats without a team":                statsMessage(&metrics.Report{}, &metrics.Report{}, person("UR0", coaching.PersonRep), false, false),
		"a team of 500":                       teamMessage(manager.Managers[0], week48.To),
		"a report on 2,000 managers":          reportMessage(org, "UL0", testWhen),
		"a report on one manager":             reportMessage(org, "UM0001", testWhen),
		"the whole organisation's report":     reportMessage(org, "", testWhen),
		"a report on someone without figures": reportMessage(org, "UR0001", testWhen),
	} {
		t.Run(name, func(t *testing.T) { checkLimits(t, m) })
	}
	var sessions, pending []coaching.Session
	for i := range 20 {
		s := coaching.Session{ID: int64(i + 1), ManagerID: "UM0", Kind: coaching.KindTeamMeeting, DurationMin: 60, OccurredOn: week48.To}
		for j := range coaching.MaxReps {
			s.Reps = append(s.Reps, coaching.SessionRep{RepID: fmt.Sprintf("UR%02d", j), Status: coaching.StatusPending})
		}
		sessions = append(sessions, s)
		pending = append(pending, s)
	}
	// The rep's part at its longest: ten waiting (each with Confirm and
	// Not accurate) and ten confirmed, not rated (five with the rating
	// buttons, then a count).
	var mixed []coaching.Session
	for i, s := range pending {
		s.Reps = slices.Clone(s.Reps)
		if i%2 == 1 {
			s.Reps[0].Status = coaching.StatusConfirmed
		}
		mixed = append(mixed, s)
	}
	// Every one answered, five then a count in one section: rated, or
	// marked not accurate, each naming three of 49 other reps.
	var answeredAll []coaching.Session
	for i, s := range pending {
		s.Reps = slices.Clone(s.Reps)
		s.Reps[0].Status, s.Reps[0].Rating = coaching.StatusConfirmed, 5
		if i%2 == 1 {
			s.Reps[0].Status, s.Reps[0].Rating = coaching.StatusDisputed, 0
		}
		answeredAll = append(answeredAll, s)
	}
	var open []coaching.Commitment
	for i := range coaching.MaxOpenCommitments {
		open = append(open, coaching.Commitment{ID: int64(i), Text: strings.Repeat("c", coaching.MaxCommitmentLen), CreatedOn: week48.To})
	}
	all := person("UL0", coaching.PersonLeader, coaching.PersonManager, coaching.PersonRep)
	all.ID = "UR00"
	for name, h := range map[string]home{
		"a manager with 500 reps": {notice: strings.Repeat("n", 4000), person: person("UM0", coaching.PersonManager), manager: true, period: week48,
			report: manager, logged: sessions[:5]},
		"a leader of 2,000 managers": {person: person("UL0", coaching.PersonLeader), period: week48, report: org, treePeriod: week48, tree: org},
		"a leader with a team": {person: person("UL0", coaching.PersonLeader, coaching.PersonManager), manager: true, period: week48, report: leaderAndManager,
			treePeriod: week48, tree: leaderAndManager, logged: sessions[:5]},
		"a rep": {person: person("UR00", coaching.PersonRep), received: pending, open: open},
		"every role at once": {notice: "x", person: all, manager: true, period: week48, report: leaderAndManager, treePeriod: week48, tree: leaderAndManager,
			logged: sessions[:5], received: pending, open: open},
		"a rep with sessions to answer and to rate": {person: person("UR00", coaching.PersonRep), received: mixed, open: open},
		"a rep with every session answered":         {person: person("UR00", coaching.PersonRep), received: answeredAll, receivedMore: true, open: open},
		"every role at once, sessions to answer and to rate": {notice: strings.Repeat("n", 4000), person: all, manager: true, period: week48,
			report: leaderAndManager, treePeriod: week48, tree: leaderAndManager, logged: sessions[:5], received: mixed, open: open},
		"someone unknown, numbers failed": {person: coaching.Person{ID: "UX"}},
	} {
		t.Run(name, func(t *testing.T) {
			checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: h.blocks()}})
		})
	}
}

// A team past what one message lists one by one: forty reps with a button
// each, overdue first, the rest counted.
func TestALargeTeamIsListedOverdueFirstThenSummarised(t *testing.T) {
	f := fullFigures("UM0", false)
	f.Team = teamOf(500)
	m := teamMessage(f, week48.To)
	raw, _ := json.Marshal(m.Blocks)
	if got := strings.Count(string(raw), `"action_id":"`+actLogForRp+`"`); got != maxTeamRows {
		t.Errorf("%d Log coaching buttons, want %d", got, maxTeamRows)
	}
	// 250 reps are overdue (the odd ones), the longest first: UR0499.
	first := blocksText(m.Blocks[2:3])
	if !strings.Contains(first, "<@UR0499>") || !strings.Contains(first, "overdue") {
		t.Errorf("first row = %q, want the longest overdue, UR0499", first)
	}
	if !strings.Contains(string(raw), "more reps") || !strings.Contains(m.Text, "500 reps (36 away), 250 overdue") {
		t.Errorf("no count of the rest, or a wrong title %q", m.Text)
	}
}

// The team's title counts the reps away or deactivated beside its size:
// "Your team: 3 reps" beside the App Home's "1 of 1 rep coached" (reps not
// away) read as two teams.
func TestTheTeamsTitleCountsTheRepsAwayApart(t *testing.T) {
	last := coaching.Date{Year: 2026, Month: 11, Day: 20}
	f := fullFigures("UM0", false)
	f.Team = []metrics.TeamRep{
		{ID: "U1", LastSession: last, DaysSince: 5},
		{ID: "U2", LastSession: last, DaysSince: 5, Away: true},
		{ID: "U3", LastSession: last, DaysSince: 5, Away: true, Deactivated: true},
	}
	if got, want := teamMessage(f, week48.To).Text, "Your team: 3 reps (1 away, 1 deactivated), 0 overdue"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	f.Team = f.Team[:1]
	if got, want := teamMessage(f, week48.To).Text, "Your team: 1 rep, 0 overdue"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
}

// A team past a thousand reps is counted as the App Home and the digest
// count it: its title, and the reps past what one message lists.
func TestALargeTeamsCountsGroupThousands(t *testing.T) {
	f := fullFigures("UM0", false)
	for i := range 3600 {
		r := metrics.TeamRep{ID: fmt.Sprintf("UR%04d", i), Tier: coaching.TierMiddle, LastSession: week48.To, DaysSince: 1}
		switch {
		case i < 1300:
			r.Overdue, r.OverdueDays = true, 20
		case i < 2500:
			r.Away = true
		default:
			r.Deactivated = true
		}
		f.Team = append(f.Team, r)
	}
	m := teamMessage(f, week48.To)
	checkLimits(t, m)
	if want := "Your team: 3,600 reps (1,200 away, 1,100 deactivated), 1,300 overdue"; m.Text != want {
		t.Errorf("title = %q, want %q", m.Text, want)
	}
	if text := blocksText(m.Blocks); !regexp.MustCompile(`…and \d{1,3}(,\d{3})+ more reps\.`).MatchString(text) {
		t.Errorf("the reps left out are not counted in thousands:\n%s", text)
	}
}

// A team line says why a rep is not overdue: away, or deactivated in
// Slack.
func TestATeamLineSaysWhyARepIsNotOverdue(t *testing.T) {
	last := coaching.Date{Year: 2026, Month: 10, Day: 1}
	for _, tt := range []struct {
		name string
		rep  metrics.TeamRep
		want string
	}{
		{"overdue", metrics.TeamRep{ID: "U1", LastSession: last, DaysSince: 52, Overdue: true, OverdueDays: 52}, "*overdue*: 52 days"},
		{"away", metrics.TeamRep{ID: "U1", LastSession: last, DaysSince: 52, Away: true}, ":palm_tree: away"},
		{"deactivated in Slack", metrics.TeamRep{ID: "U1", LastSession: last, DaysSince: 52, Away: true, Deactivated: true}, "deactivated in Slack"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := teamRepLine(tt.rep); !strings.Contains(got, tt.want) {
				t.Errorf("teamRepLine = %q, want it to say %q", got, tt.want)
			}
		})
	}
}

// /coach team and the App Home say of an overdue rep what the nudge says
// of them the same day (coaching.OverdueRep.Waited): a rep never coached
// was "not coached yet, N days in your team" there even when in the team
// long before the roster import. The short list past a large team's rows
// gives the nudge's days too.
func TestTeamAndHomeSayOfAnOverdueRepWhatTheNudgeSays(t *testing.T) {
	oct1 := coaching.Date{Year: 2026, Month: 10, Day: 1}
	for _, tt := range []struct {
		name       string
		rep        metrics.TeamRep
		team, home string
		short      string // in the list past a large team's rows
	}{
		{"coached in the team", metrics.TeamRep{ID: "UR", LastSession: oct1, DaysSince: 20, Overdue: true, OverdueDays: 20},
			"<@UR> · last coached Thu 1 Oct 2026, 20 days ago · :red_circle: *overdue*: 20 days since their last session",
			"<@UR>: 20 days since their last session", "<@UR> 20 d"},
		{"new in the team", metrics.TeamRep{ID: "UR", Overdue: true, OverdueDays: 15, Never: true},
			"<@UR> · :red_circle: *overdue*: not coached yet, 15 days in your team",
			"<@UR>: not coached yet, 15 days in your team", "<@UR> 15 d"},
		{"in the team since before the import", metrics.TeamRep{ID: "UR", Overdue: true, OverdueDays: 15, Never: true, SinceKnown: true},
			"<@UR> · :red_circle: *overdue*: no session logged yet, 15 days since Coachlog started counting",
			"<@UR>: no session logged yet, 15 days since Coachlog started counting", "<@UR> 15 d"},
		{"in the team since before the import, not overdue yet", metrics.TeamRep{ID: "UR", OverdueDays: 10, Never: true, SinceKnown: true},
			"<@UR> · no session logged yet", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := teamRepLine(tt.rep); got != tt.team {
				t.Errorf("/coach team says %q, want %q", got, tt.team)
			}
			home := blocksText(overdueBlocks([]metrics.TeamRep{tt.rep}))
			if tt.home == "" && home != "" || tt.home != "" && !strings.Contains(home, ":red_circle: "+tt.home+"\n") {
				t.Errorf("the Home says %q, want the line %q", home, tt.home)
			}
			n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14, Overdue: []coaching.OverdueRep{overdueRep(tt.rep)}}
			if nudge := blocksText(nudgeMessage(n).Blocks); tt.home != "" && !strings.Contains(nudge, tt.home+"\n") {
				t.Errorf("the nudge says %q, want the line %q", nudge, tt.home)
			}
			if lines, _ := restLines([]metrics.TeamRep{tt.rep}); tt.short != "" && (len(lines) != 1 || !strings.HasSuffix(lines[0], "): "+tt.short)) {
				t.Errorf("the list past a team's rows says %q, want it to end %q", lines, tt.short)
			}
		})
	}
}

// The share at quota is the period's last month's (PRODUCT.md): for this
// week so far, this month, and the line names it, with the reps it is a
// share of (those with attainment for the month: a partial CRM export's
// 100% of 2 reps read as the whole tree at quota); a month with no
// attainment yet says so rather than "– of reps at quota".
func TestTheShareAtQuotaNamesItsMonth(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    metrics.Figures
		want string
	}{
		{"two of thirteen reps imported", metrics.Figures{Leader: true, Correlation: &metrics.Correlation{}, AtQuotaShare: share(1), AttainmentReps: 2},
			"at quota in November 2026: 100% of 2 reps with attainment"},
		{"one rep", metrics.Figures{Leader: true, Correlation: &metrics.Correlation{}, AtQuotaShare: share(0), AttainmentReps: 1},
			"at quota in November 2026: 0% of 1 rep with attainment"},
		{"none imported yet", metrics.Figures{Leader: true, Correlation: &metrics.Correlation{}},
			"no attainment imported for November 2026"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := resultsLine(tt.f, week48); !strings.HasSuffix(got, " · "+tt.want) {
				t.Errorf("resultsLine = %q, want it to end %q", got, tt.want)
			}
		})
	}
}

// A leader's history of a rep never shows a private session's notes or
// commitments, nor a rep's rating or comment, even if handed them.
func TestLeaderHistoryRendersSharedNotesAndHidesPrivateOnes(t *testing.T) {
	private := coaching.Session{ID: 1, ManagerID: "UM1", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: week48.To,
		Visibility: coaching.VisibilityPrivate, Notes: "PRIVATE NOTE", Commitments: []coaching.Commitment{{Text: "PRIVATE COMMITMENT"}},
		Reps: []coaching.SessionRep{{RepID: "UR1", Status: coaching.StatusConfirmed, Rating: 1, Comment: "A COMMENT"}}}
	shared := private
	shared.ID, shared.Visibility, shared.Notes = 2, coaching.VisibilityShared, "shared <note> & more"
	shared.Commitments = []coaching.Commitment{{Text: "Send the recap"}}
	m := historyMessage(historyView{repID: "UR1", leader: true, below: []coaching.Session{shared, private}})
	checkLimits(t, m)
	raw, _ := json.Marshal(m.Blocks)
	text := string(raw)
	for _, secret := range []string{"PRIVATE NOTE", "PRIVATE COMMITMENT", "A COMMENT", "1/5"} {
		if strings.Contains(text, secret) {
			t.Errorf("a leader sees %q:\n%s", secret, text)
		}
	}
	for _, want := range []string{"shared <note> & more", "Send the recap", "Notes private", "by <@UM1>"} {
		if !strings.Contains(text, want) && !strings.Contains(blocksText(m.Blocks), want) {
			t.Errorf("the leader's history lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, `"action_id"`) {
		t.Errorf("the sessions below a leader carry buttons:\n%s", text)
	}
}

// A leader with nobody below them yet is told what stats need, not shown
// an organisation of zeros.
func TestStatsForALeaderWithNobodyBelow(t *testing.T) {
	r := &metrics.Report{Period: week48, Leaders: []metrics.Figures{{ID: "UL0", Leader: true}}}
	m := statsMessage(r, r, coaching.Person{ID: "UL0", Roles: []string{coaching.PersonLeader}, Active: true, InRoster: true}, false, false)
	text := blocksText(m.Blocks)
	if !strings.Contains(text, "once the roster names managers below you") || strings.Contains(text, "*Sessions*") {
		t.Errorf("stats for a leader of nobody:\n%s", text)
	}
}

func TestExportArgs(t *testing.T) {
	d := func(s string) coaching.Date {
		v, err := coaching.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		args     string
		from, to coaching.Date
		err      string
	}{
		{"", coaching.Date{}, coaching.Date{}, ""},
		{"--from 2026-01-01 --to 2026-03-31", d("2026-01-01"), d("2026-03-31"), ""},
		{"—from 2026-01-01", d("2026-01-01"), coaching.Date{}, ""}, // a client's "smart" dash
		{"to 2026-03-31", coaching.Date{}, d("2026-03-31"), ""},
		{"--from", coaching.Date{}, coaching.Date{}, "needs a date"},
		{"--from jan", coaching.Date{}, coaching.Date{}, `"jan" is not a date`},
		{"--with-notes", coaching.Date{}, coaching.Date{}, "not an option"},
		{"--from 2026-03-01 --to 2026-01-01", coaching.Date{}, coaching.Date{}, "is before"},
		// As coachlog export takes them: "--from=2026-01-01" was "not an
		// option of /coach export", to an admin who gave one.
		{"--from=2026-01-01 --to=2026-03-31", d("2026-01-01"), d("2026-03-31"), ""},
		{"—from=2026-01-01", d("2026-01-01"), coaching.Date{}, ""},
		{"--from=", coaching.Date{}, coaching.Date{}, "needs a date"},
		{"--from=jan", coaching.Date{}, coaching.Date{}, `"jan" is not a date`},
		{"--with-notes=true", coaching.Date{}, coaching.Date{}, "not an option"},
	} {
		o, err := exportArgs(c.args)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(coaching.ErrorMessage(err), c.err)):
			t.Errorf("%q: err %v, want %q", c.args, err, c.err)
		case c.err == "" && (err != nil || o.From != c.from || o.To != c.to || o.Format != "csv"):
			t.Errorf("%q: %+v, %v; want from %s to %s", c.args, o, err, c.from, c.to)
		}
	}
}

// A team of 300, every rep overdue and named by a Slack id of full
// length: /coach team names each overdue rep, since the App Home's
// overdue list sends the manager there for them all, and the message
// stays within what Slack takes.
func TestEveryOverdueRepOfALargeTeamIsNamed(t *testing.T) {
	f := fullFigures("UM0", false)
	for i := range 300 {
		f.Team = append(f.Team, metrics.TeamRep{ID: fmt.Sprintf("U0%09d", i), Tier: coaching.TierMiddle, Overdue: true, OverdueDays: 300 - i, Never: true})
	}
	m := teamMessage(f, week48.To)
	checkLimits(t, m)
	text := blocksText(m.Blocks)
	for _, r := range f.Team {
		if !strings.Contains(text, "<@"+r.ID+">") {
			t.Fatalf("overdue rep %s is not named:\n%s", r.ID, text)
		}
	}
	if strings.Contains(text, "more reps") {
		t.Errorf("reps left uncounted though all fit:\n%s", text)
	}
}

// A group session's status says how its reps answered: a manager reading
// "2 reps" could not tell that one marked it not accurate.
func TestAGroupSessionsBadgeCountsEachAnswer(t *testing.T) {
	s := coaching.Session{Reps: []coaching.SessionRep{{RepID: "U1", Status: coaching.StatusConfirmed}, {RepID: "U2", Status: coaching.StatusDisputed},
		{RepID: "U3", Status: coaching.StatusPending}, {RepID: "U4", Status: coaching.StatusPending}, {RepID: "U5", Status: coaching.StatusDisputed, Removed: true}}}
	if got, want := statusBadge(s), ":white_check_mark: 1 confirmed, :x: 1 disputed, :hourglass_flowing_sand: 2 pending"; got != want {
		t.Errorf("statusBadge = %q, want %q", got, want)
	}
	// The manager who logged it reads who disputed, as their notice named
	// them; past three, the count alone.
	if got, want := ownStatusBadge(s), ":white_check_mark: 1 confirmed, :x: 1 disputed (<@U2>), :hourglass_flowing_sand: 2 pending"; got != want {
		t.Errorf("ownStatusBadge = %q, want %q", got, want)
	}
	many := coaching.Session{}
	for i := range 4 {
		many.Reps = append(many.Reps, coaching.SessionRep{RepID: fmt.Sprintf("U%d", i), Status: coaching.StatusDisputed})
		if got, want := ownStatusBadge(many), fmt.Sprintf(":x: %d disputed", i+1); i > 0 && i < badgeNames && !strings.HasPrefix(got, want+" (<@U0>") {
			t.Errorf("%d disputes: ownStatusBadge = %q, want them named", i+1, got)
		}
	}
	if got, want := ownStatusBadge(many), ":x: 4 disputed"; got != want {
		t.Errorf("four disputes: ownStatusBadge = %q, want %q", got, want)
	}
	s.Reps = s.Reps[1:2]
	if got, want := ownStatusBadge(s), ":x: disputed"; got != want {
		t.Errorf("one rep: ownStatusBadge = %q, want %q", got, want)
	}
	if got, want := statusBadge(s), ":x: disputed"; got != want {
		t.Errorf("one rep: statusBadge = %q, want %q", got, want)
	}
}

// A leader with nobody below them yet reads why their organisation is
// empty on the Home too, not "0 sessions across 0 managers".
func TestHomeForALeaderWithNobodyBelow(t *testing.T) {
	r := &metrics.Report{Period: week48, Leaders: []metrics.Figures{{ID: "UL0", Leader: true}}}
	leader := coaching.Person{ID: "UL0", Roles: []string{coaching.PersonLeader}, Active: true, InRoster: true}
	h := home{person: leader, period: week48, treePeriod: week48, tree: r}
	text := blocksText(h.blocks())
	if !strings.Contains(text, "no managers below you in the roster yet") || strings.Contains(text, "0 managers") {
		t.Errorf("Home of a leader of nobody:\n%s", text)
	}
}

// A leader's Home counts the managers who coached this week, out of every
// manager in the tree, as the digest's headline does: three managers of
// whom one logged nothing read "by 2 of 3 managers"; a week nobody
// coached names no managers at all.
func TestHomeCountsTheManagersWhoCoached(t *testing.T) {
	leader := coaching.Person{ID: "UL0", Roles: []string{coaching.PersonLeader}, Active: true, InRoster: true}
	r := bigOrg(3)
	r.Managers[2].Metrics.Sessions, r.Managers[2].Metrics.Minutes = 0, 0
	r.Leaders[0].Metrics.Sessions = 24
	h := home{person: leader, period: week48, treePeriod: week48, tree: r}
	if text := blocksText(h.blocks()); !strings.Contains(text, "24 sessions by 2 of 3 managers, 540 min") {
		t.Errorf("Home of a leader of 3 managers, 2 of whom coached:\n%s", text)
	}
	for i := range r.Managers {
		r.Managers[i].Metrics.Sessions = 0
	}
	r.Leaders[0].Metrics.Sessions, r.Leaders[0].Metrics.Minutes = 0, 0
	if text := blocksText(h.blocks()); !strings.Contains(text, "0 sessions, 0 min") {
		t.Errorf("Home of a leader whose managers did not coach:\n%s", text)
	}
}

// A rep's open commitments on the App Home: ten at their longest keep
// each one's day (a line is cut as /coach history cuts it, not the list
// at Slack's 3,000 characters, which lost the tenth's end and day), and
// past ten the tab says how many more are open.
func TestTheHomeListsARepsOpenCommitmentsWholeThenCountsTheRest(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 2}
	var open []coaching.Commitment
	for i := range coaching.MaxOpenCommitments {
		open = append(open, coaching.Commitment{ID: int64(i + 1), Text: strings.Repeat("c", coaching.MaxCommitmentLen-5) + fmt.Sprintf("end%02d", i),
			CreatedOn: day.AddDays(i)})
	}
	rep := coaching.Person{ID: "UR00", Roles: []string{coaching.PersonRep}, Active: true, InRoster: true}
	for _, tt := range []struct {
		more int
		want string
	}{{0, ""}, {3, "…and 3 more"}} {
		h := home{person: rep, open: open, openMore: tt.more}
		blocks := h.blocks()
		text := blocksText(blocks)
		for _, c := range open {
			if want := "(from " + c.CreatedOn.Human() + ")"; !strings.Contains(text, want) {
				t.Errorf("more %d: the tab leaves out %q", tt.more, want)
			}
		}
		if got := strings.Contains(text, "more open"); got != (tt.more > 0) || tt.want != "" && !strings.Contains(text, tt.want) {
			t.Errorf("more %d: the tab's count of the rest: %v, want %q in\n%s", tt.more, got, tt.want, text)
		}
		checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	}
}

// The App Home writes the counts a large company reaches as the digest
// and /coach report write them: a manager's week, their overdue reps past
// the ten listed, a leader's organisation and the managers the tab has
// no room for, a rep's open commitments past the ten listed.
func TestTheHomeGroupsThousands(t *testing.T) {
	person := func(id string, roles ...string) coaching.Person {
		return coaching.Person{ID: id, Roles: roles, Active: true, InRoster: true}
	}
	manager := fullFigures("UM0", false)
	manager.Metrics.Minutes, manager.Metrics.Covered, manager.Metrics.Reps, manager.Metrics.Overdue = 1250, 1100, 2500, 1210
	for i := range 1210 {
		manager.Team = append(manager.Team, metrics.TeamRep{ID: fmt.Sprintf("UR%04d", i), Overdue: true, OverdueDays: 20})
	}
	org := bigOrg(1200)
	org.Managers[0].Metrics.Sessions = 0 // one of 1,200 did not coach
	org.Leaders[0].Metrics = metrics.Metrics{Sessions: 4200, Minutes: 151000, Reps: 20000, Covered: 15000, Coverage: share(0.75), Overdue: 5000, Pairs: 4400}
	var open []coaching.Commitment
	for i := range coaching.MaxOpenCommitments {
		open = append(open, coaching.Commitment{ID: int64(i + 1), Text: "Call back", CreatedOn: week48.To})
	}
	for _, tt := range []struct {
		name string
		h    home
		want []string // patterns
	}{
		{"a manager's week", home{person: person("UM0", coaching.PersonManager), manager: true, period: week48,
			report: &metrics.Report{Period: week48, Managers: []metrics.Figures{manager}}},
			[]string{"1,250 min · 1,100 of 2,500 reps coached within your 14-day cadence · 1,210 overdue", "…and 1,200 more overdue"}},
		{"a leader's organisation", home{person: person("UL0", coaching.PersonLeader), period: week48, treePeriod: week48, tree: org},
			[]string{"4,200 sessions by 1,199 of 1,200 managers, 151,000 min · 15,000 of 20,000 reps coached", "· 5,000 overdue ·", "4,400 requests", `…and \d{1,3}(,\d{3})+ more managers: ` + "`/coach report @name`"}},
		{"a rep's open commitments", home{person: person("UR00", coaching.PersonRep), open: open, openMore: 1200},
			[]string{"…and 1,200 more open"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			blocks := tt.h.blocks()
			checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
			text := blocksText(blocks)
			for _, want := range tt.want {
				if !regexp.MustCompile(want).MatchString(text) {
					t.Errorf("the tab lacks %q:\n%s", want, text)
				}
			}
			// Past the mentions and the days, no figure of four digits or
			// more is left ungrouped.
			rest := regexp.MustCompile(`<@\w+>|\d+ [A-Z][a-z]{2} \d{4}`).ReplaceAllString(text, "")
			if m := regexp.MustCompile(`\d{4}`).FindString(rest); m != "" {
				t.Errorf("the tab writes %q without a thousands separator:\n%s", m, text)
			}
		})
	}
}
