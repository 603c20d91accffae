package slackbot

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// testWhen is the week of the reports rendered here: this week.
var testWhen = reportWhen(coaching.Week{Year: 2026, Week: 48}, coaching.Week{Year: 2026, Week: 48})

// A leader who also has a team of their own (a director coaching a rep or
// two) is one line in the report of the leader above them: their tree's
// line, which already counts their own team. Listed a second time as a
// manager, with other figures under the same name, the VP reads two
// people, or one person's numbers twice.
func TestAReportListsALeaderWithATeamOnce(t *testing.T) {
	vic, dan, max := fullFigures("UVIC", true), fullFigures("UDAN", true), fullFigures("UMAX", false)
	dan.LeaderID, dan.ManagerIDs = "UVIC", []string{"UDAN", "UMAX"}
	vic.ManagerIDs = []string{"UDAN", "UMAX"}
	danTeam := fullFigures("UDAN", false)
	danTeam.LeaderID = "UVIC" // the nearest leader above Dan's own team
	max.LeaderID = "UDAN"
	r := &metrics.Report{Period: week48, Leaders: []metrics.Figures{vic, dan}, Managers: []metrics.Figures{danTeam, max}}

	text := blocksText(reportMessage(r, "UVIC", testWhen).Blocks)
	if n := strings.Count(text, "<@UDAN>"); n != 1 {
		t.Errorf("Vic's report names Dan %d times, want once (his tree):\n%s", n, text)
	}
	if !strings.Contains(text, "<@UDAN> (2 managers)") {
		t.Errorf("Vic's report lacks Dan's tree:\n%s", text)
	}
	// Dan's own report still shows his team, first.
	if text := blocksText(reportMessage(r, "UDAN", testWhen).Blocks); !strings.Contains(text, "*Own team:* <@UDAN>") || !strings.Contains(text, "• <@UMAX>") {
		t.Errorf("Dan's report:\n%s", text)
	}
}

// A leader with nobody below them yet is told what a report needs, as
// /coach stats tells them, not shown an organisation of zeros and dashes.
func TestAReportOnALeaderOfNobodySaysWhatItNeeds(t *testing.T) {
	r := &metrics.Report{Period: week48, Leaders: []metrics.Figures{{ID: "ULOU", Leader: true}}}
	text := blocksText(reportMessage(r, "ULOU", testWhen).Blocks) + reportMessage(r, "ULOU", testWhen).Text
	if strings.Contains(text, "*Sessions*") || !strings.Contains(text, "no managers below") {
		t.Errorf("a report on a leader of nobody:\n%s", text)
	}
}

// In the report of the leader above them, a leader with nobody below yet
// is a line saying so, as the digest and their own report say it: "0
// sessions, 0 min · 0/0 reps within cadence" read as a tree that stopped
// coaching.
func TestAReportLineOfALeaderOfNobodySaysSo(t *testing.T) {
	vic, dan, max := fullFigures("UVIC", true), fullFigures("UDAN", true), fullFigures("UMAX", false)
	vic.ManagerIDs, dan.LeaderID, dan.ManagerIDs, max.LeaderID = []string{"UMAX"}, "UVIC", []string{"UMAX"}, "UDAN"
	lou := metrics.Figures{ID: "ULOU", Leader: true, LeaderID: "UVIC"}
	r := &metrics.Report{Period: week48, Leaders: []metrics.Figures{vic, dan, lou}, Managers: []metrics.Figures{max}}
	text := blocksText(reportMessage(r, "UVIC", testWhen).Blocks)
	if want := "• <@ULOU>: no managers below yet"; !strings.Contains(text, want) {
		t.Errorf("Vic's report lacks %q:\n%s", want, text)
	}
	if strings.Contains(text, "0/0 reps") {
		t.Errorf("Vic's report shows a tree of nobody as zeros:\n%s", text)
	}
}

// The same split in a report: each column adds up to 100%.
func TestATierLineAddsUpTo100(t *testing.T) {
	m := metrics.Metrics{Sessions: 3, Minutes: 120,
		TierMinutesShare: metrics.TierShares{Top: share(0.1667), Middle: share(0.4167), Bottom: share(0.4167), None: share(0)},
		TierRepsShare:    metrics.TierShares{Top: share(0.3333), Middle: share(0.3333), Bottom: share(0.3333), None: share(0)}}
	line := tierLine(m)
	minutes, reps := 0, 0
	for _, g := range regexp.MustCompile(`(\d+)% · (\d+)%`).FindAllStringSubmatch(line, -1) {
		a, _ := strconv.Atoi(g[1])
		b, _ := strconv.Atoi(g[2])
		minutes, reps = minutes+a, reps+b
	}
	if minutes != 100 || reps != 100 {
		t.Errorf("tier shares add up to %d%% of minutes and %d%% of reps, want 100 each:\n%s", minutes, reps, line)
	}
}

// /coach stats and /coach report printed a tier with no reps and no
// minutes as "middle 0% · 0%", a line the digest leaves out: they leave it
// out by the digest's rule, keeping a tier with reps and no minutes (a
// skew to show) or minutes and no reps (reps moved since).
func TestATierWithNeitherRepsNorMinutesIsLeftOut(t *testing.T) {
	for _, tt := range []struct {
		name          string
		minutes, reps metrics.TierShares
		want          string
	}{
		{"no middle reps, none coached",
			metrics.TierShares{Top: share(0.5), Middle: share(0), Bottom: share(0.5), None: share(0)},
			metrics.TierShares{Top: share(0.5), Middle: share(0), Bottom: share(0.5), None: share(0)},
			"top 50% · 50%\nbottom 50% · 50%"},
		{"middle reps not coached",
			metrics.TierShares{Top: share(1), Middle: share(0), Bottom: share(0), None: share(0)},
			metrics.TierShares{Top: share(0.5), Middle: share(0.5), Bottom: share(0), None: share(0)},
			"top 100% · 50%\nmiddle 0% · 50%"},
		{"minutes of a tier with no reps now",
			metrics.TierShares{Top: share(0.75), Middle: share(0), Bottom: share(0), None: share(0.25)},
			metrics.TierShares{Top: share(1), Middle: share(0), Bottom: share(0), None: share(0)},
			"top 75% · 100%\nno tier 25% · 0%"},
		{"no reps, no minutes", metrics.TierShares{}, metrics.TierShares{}, "no coaching minutes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.Metrics{TierMinutesShare: tt.minutes, TierRepsShare: tt.reps}
			if tt.minutes != (metrics.TierShares{}) {
				m.Minutes = 60 // the minutes the shares divide
			}
			if got := tierLine(m); got != tt.want {
				t.Errorf("tierLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// With reps and no coaching minutes at all, /coach stats and report
// printed "top – · 50%", a dash for minutes nobody logged, where the
// digest says "no coaching minutes; reps top 50% …": they say it in the
// digest's words, the tiers without reps left out as ever.
func TestATeamWithRepsAndNoMinutesReadsAsTheDigestSaysIt(t *testing.T) {
	for _, tt := range []struct {
		name string
		reps metrics.TierShares
		want string
	}{
		{"top and bottom reps", metrics.TierShares{Top: share(0.5), Middle: share(0), Bottom: share(0.5), None: share(0)},
			"no coaching minutes; reps top 50% · bottom 50%"},
		{"thirds, one without a tier", metrics.TierShares{Top: share(0.3333), Middle: share(0.3333), Bottom: share(0), None: share(0.3333)},
			"no coaching minutes; reps top 34% · middle 33% · no tier 33%"},
		{"no reps either", metrics.TierShares{}, "no coaching minutes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tierLine(metrics.Metrics{TierRepsShare: tt.reps}); got != tt.want {
				t.Errorf("tierLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// The whole organisation's report lists what is right below it, as the
// README says: each leader at the top, one line for their whole tree,
// then the managers outside every tree. One leader at the top is listed
// as two are, not flattened into their managers beside those outside (a
// tree's figures nowhere, its managers read as outside it); only when
// their tree is the whole organisation, and the headline says "led by"
// them, are the lines those right below them, as in their own report.
func TestTheOrgReportListsASingleTopLeaderAsSeveral(t *testing.T) {
	lee, vic := fullFigures("ULEE", true), fullFigures("UVIC", true)
	lee.ManagerIDs, vic.ManagerIDs = []string{"UMAX"}, []string{"UDAN"}
	max, dan, mia := fullFigures("UMAX", false), fullFigures("UDAN", false), fullFigures("UMIA", false)
	max.LeaderID, dan.LeaderID = "ULEE", "UVIC"
	org := func(ids ...string) metrics.Figures {
		f := fullFigures("", true)
		f.ManagerIDs = ids
		return f
	}
	for _, tt := range []struct {
		name      string
		r         *metrics.Report
		lines     []string
		headline  string
		notListed []string
	}{
		{"two leaders and a manager outside",
			&metrics.Report{Period: week48, Org: org("UMAX", "UDAN", "UMIA"), Leaders: []metrics.Figures{lee, vic}, Managers: []metrics.Figures{max, dan, mia}},
			[]string{"• <@ULEE> (1 manager)", "• <@UVIC> (1 manager)", "• <@UMIA>:"}, "3 managers, 1 outside any leader's tree", []string{"• <@UMAX>", "• <@UDAN>"}},
		{"one leader and a manager outside",
			&metrics.Report{Period: week48, Org: org("UMAX", "UMIA"), Leaders: []metrics.Figures{lee}, Managers: []metrics.Figures{max, mia}},
			[]string{"• <@ULEE> (1 manager)", "• <@UMIA>:"}, "2 managers, 1 outside any leader's tree", []string{"• <@UMAX>"}},
		{"one leader over everyone",
			&metrics.Report{Period: week48, Org: org("UMAX"), Leaders: []metrics.Figures{lee}, Managers: []metrics.Figures{max}},
			[]string{"• <@UMAX>:"}, "The whole organisation, led by <@ULEE>: 1 manager", []string{"• <@ULEE>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := blocksText(reportMessage(tt.r, "", testWhen).Blocks)
			if !strings.Contains(text, tt.headline) {
				t.Errorf("headline lacks %q:\n%s", tt.headline, text)
			}
			at := -1
			for _, l := range tt.lines {
				i := strings.Index(text, l)
				if i < 0 || i < at {
					t.Errorf("%q missing or out of order:\n%s", l, text)
				}
				at = i
			}
			for _, n := range tt.notListed {
				if strings.Contains(text, n) {
					t.Errorf("%q listed beside those right below the organisation:\n%s", n, text)
				}
			}
		})
	}
}

// An admin's report on a new workspace, before the roster names any
// manager and before anyone logs coaching, says why it has no figures, as
// the digest says it has none to post: it was a title and a date range
// with nothing under them, which reads as a report that failed to load.
func TestAnOrgReportWithNoManagersSaysWhy(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    *metrics.Report
	}{
		{"a new workspace", &metrics.Report{Period: week48}},
		{"a leader of nobody yet", &metrics.Report{Period: week48, Leaders: []metrics.Figures{{ID: "ULOU", Leader: true}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg := reportMessage(tt.r, "", testWhen)
			text := msg.Text + blocksText(msg.Blocks)
			if want := "No figures for the whole organisation this week: the roster names no manager"; !strings.Contains(text, want) {
				t.Errorf("the report lacks %q:\n%s", want, text)
			}
			if !strings.Contains(text, "`coachlog roster import`") {
				t.Errorf("the report does not say what it needs:\n%s", text)
			}
		})
	}
}

// A manager without a team who logged coaching is told the sessions count
// already: a session counts for the manager who logged it, and the leader
// above reads them in the digest and /coach report (a manager whose reps
// had moved read "they count toward your numbers once your team is in the
// roster" while their VP's report listed their sessions).
func TestStatsWithoutATeamSaysLoggedSessionsCount(t *testing.T) {
	p := coaching.Person{ID: "UMAX", Active: true, InRoster: true, Roles: []string{coaching.PersonManager}}
	own := metrics.Figures{ID: "UMAX", Metrics: metrics.Metrics{Sessions: 3, Minutes: 60}}
	text := blocksText(noTeamMessage(p, own).Blocks)
	if want := "You logged 3 sessions this week: they count already"; !strings.Contains(text, want) {
		t.Errorf("stats without a team lacks %q:\n%s", want, text)
	}
	if strings.Contains(text, "count toward your numbers once") {
		t.Errorf("stats without a team says logged sessions do not count yet:\n%s", text)
	}
}
