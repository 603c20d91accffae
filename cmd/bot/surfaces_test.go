package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// More people of the surfaces' organisation.
const (
	cy  = "U0CY"
	dee = "U0DEE"
)

// surfacesNow is the organisation's clock: Wednesday 25 November 2026,
// 15:00 UTC (10:00 for Max in New York), in ISO week 2026-W48.
var surfacesNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

// surfacesOrg is the real bot on Wednesday 25 November 2026 with a roster
// imported on Monday 2 November: Vera leads Max and Mia; Max's reps are
// Sam (top), Ria (bottom) and Cy (middle, never coached); Mia's rep is
// Dee, whose display name a spreadsheet would run; Olly is an admin.
// Coaching logged through the domain, with the dates below:
//
//	Max  Tue 10 Nov  1:1 with Sam, 30 min, notes shared with leaders; Sam confirms, rates 4
//	Max  Mon 23 Nov  ride-along with Ria, took the lead, 60 min; Ria confirms, rates 3
//	Max  Tue 24 Nov  1:1 with Sam, 45 min, private notes; Sam confirms, rates 5
//	Max  Wed 25 Nov  team meeting with Sam and Ria, 30 min, a commitment; pending
//	Mia  Tue 24 Nov  1:1 with Dee, 30 min; pending
func surfacesOrg(t *testing.T) *bot {
	t.Helper()
	return surfacesOrgSince(t, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
}

// surfacesOrgSince is surfacesOrg with the roster imported at imported,
// and the bot started with env's settings too (no admin but the roster's
// otherwise).
func surfacesOrgSince(t *testing.T, imported time.Time, env ...string) *bot {
	t.Helper()
	b := startBotAt(t, clockFrom(surfacesNow), append([]string{"COACHLOG_ADMINS", ""}, env...)...)
	for _, u := range []fakeslack.User{{ID: mia, Name: "mia", RealName: "Mia Manager"}, {ID: vera, Name: "vera", RealName: "Vera Leader"},
		{ID: cy, Name: "cy", RealName: "Cy Rep"}, {ID: dee, Name: "dee", RealName: "Dee Rep"}} {
		b.fake.AddUser(u)
	}
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+mia+",,Mia,manager,"+vera+",,\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+cy+",,Cy,rep,"+mgr+",middle,\n"+
		dee+",,=DEE(),rep,"+mia+",middle,\n"+other+",,Olly,admin,,,\n"), 0o600)
	if out, err := cliAt(t, imported, b.env, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	ctx := context.Background()
	svc, done := b.sideService()
	defer done()
	date := func(s string) coaching.Date {
		d, err := coaching.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for i, s := range []struct {
		manager string
		draft   coaching.Draft
		rating  int // the reps confirm and rate; 0: pending
	}{
		{mgr, coaching.Draft{RepIDs: []string{rep}, Kind: coaching.KindOneOnOne, OccurredOn: date("2026-11-10"), DurationMin: 30,
			Notes: "Shared: Sam nailed discovery", Visibility: coaching.VisibilityShared}, 4},
		{mgr, coaching.Draft{RepIDs: []string{rep2}, Kind: coaching.KindRideAlong, Role: coaching.RoleLead, OccurredOn: date("2026-11-23"),
			DurationMin: 60}, 3},
		{mgr, coaching.Draft{RepIDs: []string{rep}, Kind: coaching.KindOneOnOne, OccurredOn: date("2026-11-24"), DurationMin: 45,
			Notes: "PRIVATE: Sam's personal matter", Visibility: coaching.VisibilityPrivate}, 5},
		{mgr, coaching.Draft{RepIDs: []string{rep, rep2}, Kind: coaching.KindTeamMeeting, OccurredOn: date("2026-11-25"), DurationMin: 30,
			Commitments: []string{"Send the recap"}}, 0},
		{mia, coaching.Draft{RepIDs: []string{dee}, Kind: coaching.KindOneOnOne, OccurredOn: date("2026-11-24"), DurationMin: 30}, 0},
	} {
		sess, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: s.manager, Draft: s.draft, Key: "org" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		if s.rating == 0 {
			continue
		}
		a := coaching.RepAction{SessionID: sess.ID, RepID: s.draft.RepIDs[0], ActorID: s.draft.RepIDs[0], Version: sess.Version}
		if _, err := svc.Confirm(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, a, s.rating); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// mustContain fails for each phrase text lacks.
func mustContain(t *testing.T, what, text string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, text)
		}
	}
}

// A manager's /coach stats, checked against the organisation worked out by
// hand for this week (Mon 23 to Wed 25 November):
//   - 3 sessions, 60 + 45 + 30 = 135 minutes; the 4 weeks before (26
//     October to 22 November) began before the roster import of the 2nd,
//     when Coachlog started counting: nothing is compared with them;
//   - of Sam, Ria and Cy, Sam and Ria were coached within 14 days: 2 of 3
//     (67%); Cy, never coached and 23 days in the team, is overdue;
//   - top (Sam): 45 + 30/2 = 60 of 135 minutes (44%), bottom (Ria): 60 +
//     15 = 75 (56%), middle (Cy) 0%, each tier a third of the team (34%,
//     33% and 33%: a column adds up to 100%);
//   - 1 ride-along, in the lead;
//   - pairs: Sam, Ria, and both at the meeting: 4, 2 confirmed (50%), 2
//     pending; 2 ratings this week, so no mean (shown from 3);
//   - 1 session of 3 with a commitment (33%); the meeting's 2 commitments
//     (one per rep), none kept (0%);
//   - consistency: Cy uncoached keeps coverage under 80% every week: 0%.
func TestStatsAnswersAManagerWithTheirNumbers(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	got := b.command(mgr, "stats")
	mustContain(t, "Max's stats", got,
		"Your coaching this week", "Mon 23 Nov 2026 to Wed 25 Nov 2026",
		"trends start once 4 full weeks are counted: Coachlog started counting on Mon 2 Nov 2026, so from the week of Mon 30 Nov 2026", "*Sessions*\n3\n", "*Minutes*\n135\n",
		"2 of 3 reps within 14 days (67%)", "*Overdue*\n1 rep",
		"top 44% · 34%", "middle 0% · 33%", "bottom 56% · 33%",
		"1 took the lead · 0 passive participant · 0 silent observer",
		"*Confirmed by reps* (one per rep per session)\n2 of 4 requests (50%) · 0 disputed · 2 pending",
		"rating shown from 3 ratings (2 so far)", "33% of sessions with commitments", "0% of commitments kept",
		"*Consistency*\n0% of the last 4 weeks", "What stands out")
	if strings.Contains(got, "rated ") || strings.Contains(got, "4 weeks before: ") {
		t.Errorf("a mean of two ratings, or a trend from before Coachlog counted, is shown:\n%s", got)
	}
	// Imported on 1 October instead, Coachlog counted the 4 weeks before:
	// they hold the 1:1 of the 10th alone, 30 minutes, 7.5 a week.
	got = surfacesOrgSince(t, time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)).command(mgr, "stats")
	mustContain(t, "Max's stats, counted since October", got,
		"beside each count, the 4 weeks before as a weekly average",
		"*Sessions*\n3 · 4 weeks before: 0.3/week", "*Minutes*\n135 · 4 weeks before: 7.5/week")

	// A leader asking sees their organisation: Max's and Mia's 4 sessions
	// and 165 minutes.
	got = b.command(vera, "stats")
	mustContain(t, "Vera's stats", got, "Your organisation this week: 2 managers", "*Sessions*\n4", "*Minutes*\n165", "*Coaching and results*")

	// A rep learns it is a manager's, and what is theirs instead.
	got = b.command(rep, "stats")
	mustContain(t, "Sam's stats", got, "`/coach stats` is for managers",
		"in your App Home (open Coachlog, then Home), where you answer each session waiting for you", "DMs")
	if strings.Contains(got, "*Sessions*") {
		t.Errorf("a rep got figures:\n%s", got)
	}
}

// /coach team lists a manager's reps, the overdue first, each with a Log
// coaching button that opens the form for that rep.
func TestTeamListsRepsWithOverdueFlags(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "team")
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	text := blocksText(r.Blocks)
	mustContain(t, "Max's team", text, "Your team: 3 reps, 1 overdue", "by your 14-day cadence",
		"<@"+cy+"> · middle · :red_circle: *overdue*: not coached yet, 23 days in your team",
		"<@"+rep+"> · top · last coached today", "<@"+rep2+"> · bottom · last coached today")
	var rows []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "<@") {
			rows = append(rows, line[:strings.Index(line, ">")+1])
		}
	}
	if want := []string{"<@" + cy + ">", "<@" + ria() + ">", "<@" + rep + ">"}; !slices.Equal(rows, want) {
		t.Errorf("rows %v, want the overdue Cy first, then by name", rows)
	}
	// Open commitments from Max's sessions: the meeting's, one each.
	mustContain(t, "Max's team", text, "1 open commitment")
	if ids := actionIDs(r.Blocks); len(ids) != 3 || ids[0] != "log_for_rep" {
		t.Fatalf("buttons %v, want a Log coaching per rep", ids)
	}
	if _, err := b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "log_for_rep", fakeslack.ButtonValue(cy)); err != nil {
		t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(call.Param("view"), cy) {
		t.Errorf("the form does not open for Cy: %s", call.Param("view"))
	}
	if got := b.command(rep, "team"); !strings.Contains(got, "`/coach team` is for managers") || !strings.Contains(got, "App Home") {
		t.Errorf("a rep's /coach team: %s", got)
	}
}

// ria is Ria's id: rep2, named for reading.
func ria() string { return rep2 }

// /coach report: a leader gets their organisation now, with each manager's
// line; a manager below them on request; a rep is refused and told what
// they may use; a manager is refused and pointed at their own numbers; a
// leader asking about someone outside their tree is refused.
func TestReportFollowsTheTree(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	got := b.command(vera, "report")
	mustContain(t, "Vera's report", got, "Coaching report: this week", "<@"+vera+">'s organisation, 2 managers",
		"*Sessions*\n4", "*Minutes*\n165",
		"• <@"+mgr+">: 3 sessions, 135 min · 2/3 reps within 14 d · 1 overdue · 50% of 4 requests confirmed",
		"• <@"+mia+">: 1 session, 30 min · 1/1 reps within 14 d · 0 overdue · 0% of 1 request confirmed")
	got = b.command(vera, "report <@"+mgr+"|max>")
	mustContain(t, "Vera's report on Max", got, "<@"+mgr+">'s team", "*Sessions*\n3", "*Minutes*\n135")

	for _, c := range []struct{ user, text, want string }{
		{rep, "report", "App Home"},
		{rep, "report <@" + mgr + "|max>", "App Home"},
		{mgr, "report", "/coach stats"},
		{mia, "report <@" + mgr + "|max>", "/coach stats"},
	} {
		got := b.command(c.user, c.text)
		mustContain(t, c.user+" /coach "+c.text, got, ":no_entry_sign:", "for leaders and admins", c.want)
		if strings.Contains(got, "*Sessions*") {
			t.Errorf("%s got figures from /coach %s:\n%s", c.user, c.text, got)
		}
	}
	// An admin may ask about anyone; Olly leads nobody, so without a
	// mention the whole organisation.
	mustContain(t, "Olly's report", b.command(other, "report"), "The whole organisation, led by <@"+vera+">", "• <@"+mgr+">: 3 sessions")
	mustContain(t, "Olly's report on Mia", b.command(other, "report <@"+mia+"|mia>"), "<@"+mia+">'s team")
}

// A leader's /coach history @rep shows the sessions managers below them
// logged with that rep: shared notes, and "private" in place of the others.
// Max's own history stays his, and Mia, not a leader, sees nothing of Max's.
func TestHistoryForALeaderShowsSharedNotesAndHidesPrivateOnes(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	got := b.command(vera, "history <@"+rep+"|sam>")
	mustContain(t, "Vera's history of Sam", got, "by managers below you", "Shared: Sam nailed discovery", "Notes private", "by <@"+mgr+">")
	for _, secret := range []string{"PRIVATE", "personal matter"} {
		if strings.Contains(got, secret) {
			t.Errorf("Vera reads a private note (%q):\n%s", secret, got)
		}
	}
	got = b.command(mia, "history <@"+rep+"|sam>")
	if !strings.Contains(got, "You have logged nothing with <@"+rep+"> yet") || strings.Contains(got, "nailed discovery") {
		t.Errorf("Mia's history of Sam:\n%s", got)
	}
	got = b.command(mgr, "history <@"+rep+"|sam>")
	mustContain(t, "Max's history of Sam", got, "Your recent coaching with <@"+rep+">")
	if strings.Contains(got, "by managers below you") {
		t.Errorf("Max, no leader, got the leader's part:\n%s", got)
	}
}

// An admin's /coach export arrives as a CSV file in their DM: uploaded
// with files.getUploadURLExternal, then shared with
// files.completeUploadExternal into the DM's channel, with formula-safe
// cells and no note text. Anyone else is refused and nothing is uploaded.
func TestExportUploadsACSVIntoTheAdminsDM(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	if got := b.command(mgr, "export"); !strings.Contains(got, "for admins") || !strings.Contains(got, "/coach stats") {
		t.Errorf("a manager's /coach export: %s", got)
	}
	if n := len(b.fake.CallsTo("files.getUploadURLExternal")); n != 0 {
		t.Fatalf("%d uploads for a refused export", n)
	}
	if got := b.command(other, "export --from 2026-11-20 --to yesterday"); !strings.Contains(got, `"yesterday" is not a date`) {
		t.Errorf("a bad date: %s", got)
	}
	got := b.command(other, "export --from 2026-11-20")
	mustContain(t, "Olly's export", got, "Sent to your DM", "5 rows", "from 2026-11-20")

	dm := b.fake.Messages(other)
	if len(dm) != 1 || !strings.HasPrefix(dm[0].Channel, "D") {
		t.Fatalf("Olly's DM holds %+v, want the export's message", dm)
	}
	complete := b.fake.CallsTo("files.completeUploadExternal")
	if len(b.fake.CallsTo("files.getUploadURLExternal")) != 1 || len(complete) != 1 || complete[0].Param("channel_id") != dm[0].Channel {
		t.Fatalf("files calls: %d to get an upload URL, %+v to complete; want one each, into %s",
			len(b.fake.CallsTo("files.getUploadURLExternal")), complete, dm[0].Channel)
	}
	files := b.fake.Files()
	if len(files) != 1 || !files[0].Completed || files[0].Channel != dm[0].Channel {
		t.Fatalf("files = %+v", files)
	}
	rows, err := csv.NewReader(strings.NewReader(string(files[0].Content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Since the 20th: the header, then the ride-along, the 1:1 of the 24th,
	// the meeting's two reps and Mia's 1:1 with Dee.
	if len(rows) != 6 || rows[0][0] != "id" || slices.Contains(rows[0], "notes") {
		t.Fatalf("export rows = %q", rows)
	}
	if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Contains(r, "'=DEE()") }) {
		t.Errorf("Dee's name is not made safe for a spreadsheet: %q", rows)
	}
	if strings.Contains(string(files[0].Content), "PRIVATE") {
		t.Error("note text in an export sent over Slack")
	}
}

// An admin who logs coaching too gets the rows of their own sessions
// without the rating: a manager reads their reps' ratings only as an
// average of three or more, and a file of single ones would undo that.
// The intro says why the cells are blank; another manager's ratings stay.
func TestAnAdminsExportLeavesOutTheRatingsOfTheirOwnSessions(t *testing.T) {
	t.Parallel()
	b := surfacesOrgSince(t, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), "COACHLOG_ADMINS", mgr+","+other)
	// Mia's 1:1 with Dee, pending, is rated here so that a rating of
	// someone else's session is in the file to be kept.
	svc, done := b.sideService()
	ctx := ctxT(t)
	mias, err := svc.History(ctx, mia, "", 1)
	if err != nil || len(mias) != 1 {
		t.Fatalf("Mia's history: %v, %v", mias, err)
	}
	a := coaching.RepAction{SessionID: mias[0].ID, RepID: dee, ActorID: dee, Version: mias[0].Version}
	if _, err := svc.Confirm(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rate(ctx, a, 2); err != nil {
		t.Fatal(err)
	}
	done()

	ratings := func(user string) (map[string][]string, string) {
		t.Helper()
		before := len(b.fake.Files())
		mustContain(t, user+"'s export", b.command(user, "export"), "Sent to your DM")
		files := b.fake.Files()
		if len(files) != before+1 {
			t.Fatalf("%d files after %s's export, want %d", len(files), user, before+1)
		}
		rows, err := csv.NewReader(strings.NewReader(string(files[before].Content))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		mi, ri := slices.Index(rows[0], "manager_id"), slices.Index(rows[0], "rating")
		if mi < 0 || ri < 0 {
			t.Fatalf("header %q lacks manager_id or rating", rows[0])
		}
		got := map[string][]string{}
		for _, r := range rows[1:] {
			got[r[mi]] = append(got[r[mi]], r[ri])
		}
		dm := b.fake.Messages(user)
		return got, dm[len(dm)-1].Text
	}

	own, intro := ratings(mgr)
	if len(own[mgr]) != 5 || slices.ContainsFunc(own[mgr], func(r string) bool { return r != "" }) {
		t.Errorf("Max's export gives his own sessions' ratings %q, want 5 rows, all blank", own[mgr])
	}
	if !slices.Equal(own[mia], []string{"2"}) {
		t.Errorf("Max's export gives Mia's ratings %q, want [2]", own[mia])
	}
	mustContain(t, "Max's export's message", intro, "The ratings of the sessions you logged (3 ratings) are left blank", "average of three or more")

	all, intro := ratings(other)
	slices.Sort(all[mgr])
	if !slices.Equal(all[mgr], []string{"", "", "3", "4", "5"}) || !slices.Equal(all[mia], []string{"2"}) {
		t.Errorf("Olly's export gives ratings %q, want Max's and Mia's whole", all)
	}
	if strings.Contains(intro, "blank") {
		t.Errorf("Olly, who logged nothing, is told of blank ratings: %s", intro)
	}
}

// The App Home fits the person: a manager's week against their cadence,
// the overdue rep with a Log coaching button and their latest sessions; a
// rep's sessions, those waiting for them and their open commitments; a
// leader's organisation with each manager's line. The fake checks each
// view against Slack's limits as it publishes it.
func TestTheAppHomeFitsThePersonsRole(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	ctx := ctxT(t)
	for _, c := range []struct {
		user    string
		want    []string
		buttons []string
		not     []string
	}{
		{mgr, []string{"Your team this week", "2 of 3 reps coached within your 14-day cadence · 1 overdue", "<@" + cy + ">: not coached yet, 23 days in your team", "Your recent sessions"},
			[]string{"log_open", "log_for_rep", "session_edit", "session_undo"}, []string{"Your organisation", "Coaching you received"}},
		{rep, []string{"Coaching you received", "3 sessions, 1 waiting for your answer", "Your open commitments", "Send the recap"},
			[]string{"log_open", "rep_confirm", "rep_dispute"}, []string{"Your team this week", "Your organisation"}},
		{vera, []string{"Your organisation this week", "4 sessions by both managers, 165 min", "• <@" + mgr + ">: 3 sessions", "• <@" + mia + ">: 1 session"},
			[]string{"log_open"}, []string{"Your team this week", "Coaching you received"}},
	} {
		before := publishesTo(b, c.user)
		if _, err := b.fake.AppHomeOpened(ctx, c.user, "home"); err != nil {
			t.Fatal(err)
		}
		eventually(t, c.user+"'s Home", func() bool { return publishesTo(b, c.user) > before })
		_, blocks := homeBlocks(t, b, c.user)
		text := blocksText(blocks)
		mustContain(t, c.user+"'s Home", text, c.want...)
		for _, n := range c.not {
			if strings.Contains(text, n) {
				t.Errorf("%s's Home shows %q:\n%s", c.user, n, text)
			}
		}
		ids := actionIDs(blocks)
		for _, id := range c.buttons {
			if !slices.Contains(ids, id) {
				t.Errorf("%s's Home lacks a %s button: %v", c.user, id, ids)
			}
		}
		var v struct {
			Blocks []json.RawMessage `json:"blocks"`
		}
		raw, _ := b.fake.Home(c.user)
		if err := json.Unmarshal(raw, &v); err != nil || len(v.Blocks) > 100 {
			t.Errorf("%s's Home: %d blocks, %v", c.user, len(v.Blocks), err)
		}
	}
}

// A manager's findings name the reps to that manager only: a leader (or an
// admin) asking /coach report about the manager reads them counted, in the
// third person, as the digest's channel does. With the roster a month old,
// Max's reps all got under 3 hours in the last 4 weeks.
func TestAReportOnAManagerCountsTheirRepsInsteadOfNamingThem(t *testing.T) {
	t.Parallel()
	b := surfacesOrgSince(t, time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC))
	own := b.command(mgr, "stats")
	mustContain(t, "Max's own stats", own, "3 reps got under 3 h", "Sam (", "Ria (", "Cy (")
	for _, asker := range []string{vera, other} {
		got := b.command(asker, "report <@"+mgr+"|max>")
		mustContain(t, asker+"'s report on Max", got, "<@"+mgr+">'s team", "3 reps got under 3 h")
		for _, named := range []string{"Sam (", "Ria (", "Cy (", "You ", "your "} {
			if strings.Contains(got, named) {
				t.Errorf("%s's report on Max says %q:\n%s", asker, named, got)
			}
		}
	}
}

// What /coach history, stats and team take after them: a history filtered
// by a typed name rather than a mention, or stats and team "about"
// someone, would otherwise answer about something else than was asked
// (the whole history, the asker's own numbers) as if it were the answer.
// Each says what it takes instead, and a leader naming someone is pointed
// at /coach report, which is how they see someone else's.
func TestSubcommandsSayWhatTheyTake(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	for _, tt := range []struct {
		user, text string
		want       []string
		not        string // what an answer about something else shows
	}{
		{mgr, "history sam", []string{"`/coach history` takes one @mention of a rep", "`/coach history @sam`"}, "Your recent coaching"},
		{mgr, "history <@" + rep + "|sam> <@" + rep2 + "|ria>", []string{"takes one @mention of a rep"}, "Your recent coaching"},
		{mgr, "history <@" + rep + "|sam> last month", []string{"takes one @mention of a rep"}, "Your recent coaching"},
		{mgr, "history <@" + rep + "|sam>", []string{"Your recent coaching with <@" + rep + ">"}, "takes one"},
		{mgr, "history", []string{"Your recent coaching"}, "takes one"},
		{mgr, "stats <@" + rep + "|sam>", []string{"`/coach stats` shows your own numbers"}, "*Sessions*"},
		{mgr, "stats junk", []string{"`/coach stats` shows your own numbers"}, "*Sessions*"},
		{vera, "stats <@" + mgr + "|max>", []string{"`/coach stats` shows your own numbers", "`/coach report @max`"}, "*Sessions*"},
		{vera, "team <@" + mia + "|mia>", []string{"`/coach team` lists your own reps", "`/coach report @mia`"}, "Nobody reports to you"},
		{mgr, "team <@" + rep + "|sam>", []string{"`/coach team` lists your own reps"}, "Your team:"},
		{mgr, "team meeting", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		{mgr, "team <@" + rep + "|sam> <@" + rep2 + "|ria> meeting 30m", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		// A review found other words for a team meeting answered only
		// that /coach team takes nothing, with no word that nothing was
		// logged nor how to log one.
		{mgr, "team mtg <@" + rep + "|sam> <@" + rep2 + "|ria> 45m", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		{mgr, "team call <@" + rep + "|sam> <@" + rep2 + "|ria> 45m", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		{mgr, "team sync, 30 min", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		{mgr, "team huddle", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
		{mgr, "team <@" + rep + "|sam> <@" + rep2 + "|ria> 45m", []string{"Nothing was logged", "To log a team meeting, name the people first"}, "Your team:"},
	} {
		got := b.command(tt.user, tt.text)
		mustContain(t, tt.user+" /coach "+tt.text, got, tt.want...)
		if strings.Contains(got, tt.not) {
			t.Errorf("%s /coach %s answers with %q:\n%s", tt.user, tt.text, tt.not, got)
		}
	}
	// A manager naming someone is not sent to /coach report, which is for
	// leaders and admins.
	if got := b.command(mgr, "stats <@"+rep+"|sam>"); strings.Contains(got, "/coach report") {
		t.Errorf("a manager's /coach stats @sam points at /coach report:\n%s", got)
	}
}

// "/coach team meeting 45m @ana @ben" is refused, as team lists the reps;
// the hint gave a generic example to rewrite the line from. It gives the
// manager's own line back with the people first, the mentions as
// mentions (not in code formatting, where they show as markup), the
// words that only joined them left with them, the rest as typed and shown
// literally; with nobody named, the example.
func TestTeamMeetingHintGivesTheLineBackPeopleFirst(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	sam, ria := "<@"+rep+">", "<@"+rep2+">"
	const first = "To log a team meeting, name the people first: "
	for _, tt := range []struct{ text, want string }{
		{"team meeting 45m <@" + rep + "|sam> <@" + rep2 + "|ria>", `"/coach ` + sam + " " + ria + ` team meeting 45m".`},
		{"team <@" + rep + "|sam> <@" + rep2 + "|ria> meeting 30m", `"/coach ` + sam + " " + ria + ` team meeting 30m".`},
		{"team mtg with <@" + rep + "|sam> and <@" + rep2 + "|ria> 45m", `"/coach ` + sam + " " + ria + ` team mtg 45m".`},
		{"team call 45m <@" + rep + "|sam>, <@" + rep2 + "|ria>", `"/coach ` + sam + " " + ria + ` team call 45m".`},
		{"team sync 30m <@" + rep + "|sam>&amp;<@" + rep2 + "|ria> Q&amp;A *prep*", `"/coach ` + sam + " " + ria + ` team sync 30m Q&amp;A ∗prep∗".`},
		{"team <@" + rep + "|sam> <@" + rep2 + "|ria> 45m", `"/coach ` + sam + " " + ria + ` team meeting 45m".`},
		{"team standup 15m <@" + rep + "|sam> <@" + rep2 + "|ria>", `"/coach ` + sam + " " + ria + ` team meeting standup 15m".`},
		{"team huddle", "`/coach @ana @ben team meeting 30m`."},
	} {
		got := b.command(mgr, tt.text)
		mustContain(t, "/coach "+tt.text, got, "Nothing was logged", first+tt.want)
		if strings.Contains(got, "`/coach <@") {
			t.Errorf("/coach %s quotes the mentions in code formatting, where Slack shows their markup:\n%s", tt.text, got)
		}
	}
}

// The line given back, sent as it stands, logs the team meeting: a line
// to copy that opened the form to pick a kind was a second hint, not an
// answer.
func TestTeamMeetingHintsLineLogs(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const first = "name the people first: \"/coach "
	got := b.command(mgr, "team <@"+rep+"|sam> <@"+rep2+"|ria> 45m")
	i := strings.Index(got, first)
	if i < 0 {
		t.Fatalf("no line given back: %q", got)
	}
	line, _, ok := strings.Cut(got[i+len(first):], "\".")
	if !ok {
		t.Fatalf("the line given back does not end: %q", got)
	}
	answer := b.command(mgr, line)
	mustContain(t, "/coach "+line, answer, "Logged *Team meeting* with")
}
