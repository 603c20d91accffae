package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// story is what every surface says of the one session Max logged with
// Sam, at one step of its life. Each field is a phrase that surface must
// hold; the export's fields are its row for Sam (no row: status "").
type story struct {
	status, rating string // the export's, "" for none
	minutes        int
	dm             string // the text of Sam's DM, its notification
	home           string // Sam's App Home
	history        string // Max's /coach history
	prep           string // Max's /coach prep @sam
	team           string // Max's /coach team, Sam's line
	confirmation   string // the confirmation figures of /coach stats, Max's and Vera's
	digest         string // the digest's confirmation line, this week so far
	leaderHome     string // Vera's App Home
	notice         string // Max's not-accurate notice, "" while he has none
	noticeEdit     bool   // and its Edit button, there while the dispute stands
}

// tells checks that every surface tells want, once the rep's DM shows it
// (its update goes through the outbox, after the write every other
// surface reads).
func (b *bot) tells(step string, dm fakeslack.Message, want story) {
	b.t.Helper()
	eventually(b.t, step+": Sam's DM saying "+want.dm, func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(m.Text, want.dm)
	})
	rows := b.export()
	switch {
	case want.status == "" && len(rows) != 0:
		b.t.Errorf("%s: export = %+v, want no row", step, rows)
	case want.status != "" && (len(rows) != 1 || rows[0].Status != want.status || rows[0].DurationMin != want.minutes ||
		ratingText(rows[0].Rating) != want.rating):
		b.t.Errorf("%s: export = %+v, want %s, %d min, rating %q", step, rows, want.status, want.minutes, want.rating)
	}
	b.openHomeOf(rep)
	mustContain(b.t, step+": Sam's Home", b.homeText(rep), want.home)
	mustContain(b.t, step+": Max's history", b.command(mgr, "history"), want.history)
	mustContain(b.t, step+": Max's prep", b.command(mgr, "prep <@"+rep+"|sam>"), want.prep)
	mustContain(b.t, step+": Max's team", b.command(mgr, "team"), want.team)
	mustContain(b.t, step+": Max's stats", b.command(mgr, "stats"), want.confirmation)
	mustContain(b.t, step+": Vera's stats", b.command(vera, "stats"), want.confirmation)
	b.openHomeOf(vera)
	mustContain(b.t, step+": Vera's Home", b.homeText(vera), want.leaderHome)
	week := coaching.WeekOf(coaching.DateOf(b.now(), time.UTC)).String()
	out, err := b.cli("digest", "--dry-run", "--week", week, "--chart", filepath.Join(b.t.TempDir(), "chart.png"))
	if err != nil {
		b.t.Fatalf("%s: digest: %v\n%s", step, err, out)
	}
	mustContain(b.t, step+": the digest", out, want.digest)

	var notices []fakeslack.Message
	for _, m := range b.fake.Messages(mgr) {
		if m.ThreadTS == "" && strings.Contains(m.Text, "<@"+rep+">") {
			notices = append(notices, m)
		}
	}
	switch {
	case want.notice == "" && len(notices) != 0:
		b.t.Errorf("%s: Max has %d notices, want none", step, len(notices))
	case want.notice != "":
		var text string
		var ids []string
		eventually(b.t, step+": Max's notice saying "+want.notice, func() bool {
			if len(notices) != 1 {
				return false
			}
			m, _ := b.fake.Message(notices[0].Channel, notices[0].TS)
			text, ids = blocksText(m.Blocks), actionIDs(m.Blocks)
			return strings.Contains(text, want.notice) && slices.Contains(ids, "session_edit") == want.noticeEdit
		})
	}
}

func ratingText(r *int) string {
	if r == nil {
		return ""
	}
	return string(rune('0' + *r))
}

// A session's whole life, as Sam, Max and Vera live it, told alike by every
// surface at every step: logged; marked not accurate; the duration fixed
// from the notice; a Confirm on the DM as it was before the fix, refused;
// confirmed; Not accurate on the DM as it was before that Confirm, refused;
// rated; commented; its notes edited; undone. The bot restarts between
// steps, on SQLite and on PostgreSQL: what a surface says is read from
// the store, never from what the process remembers.
func TestASessionsWholeLifeIsToldAlikeEverywhere(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		clk := &testClock{}
		clk.Advance(time.Until(midweek))
		b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
		// Slack lets an app open a connection about once a minute.
		restart := func() { clk.Advance(2 * time.Minute); b.stop(); b.start() }
		b.importTree(t)
		today := b.today("America/New_York")
		const logged = "<@" + mgr + "> logged a 1:1 with you on Wed 18 Nov 2026"

		first := b.logPending()
		b.tells("logged", first, story{status: "pending", minutes: 30, dm: logged + ": please confirm",
			home: "1 waiting for your answer", history: "30 min · :hourglass_flowing_sand: pending", prep: "Not confirmed yet.",
			team: "<@" + rep + "> · top · last coached today", confirmation: "0 of 1 request (0%) · 0 disputed · 1 pending",
			digest: "Confirmed by reps: 0% of 1 request", leaderHome: "0% of 1 request confirmed"})

		b.dispute(first, "It was 15 minutes, not 30")
		disputed := story{status: "disputed", minutes: 30, dm: logged + ": you marked it not accurate",
			home: "1 session you marked not accurate", history: "30 min · :x: disputed",
			prep: "They said it was not accurate: It was 15 minutes, not 30", team: "<@" + rep + "> · top · last coached today",
			confirmation: "0 of 1 request (0%) · 1 disputed · 0 pending", digest: "Confirmed by reps: 0% of 1 request",
			leaderHome: "0% of 1 request confirmed", notice: "(30 min) is *not accurate*", noticeEdit: true}
		b.tells("disputed", first, disputed)
		restart()
		b.tells("disputed, after a restart", first, disputed)

		notice := b.dm(mgr, 1)
		in := b.must(b.fake.ClickButton(ctxT(t), mgr, notice.Channel, notice.TS, "session_edit"))
		if _, ack := b.submit(b.openedView(in), values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
			t.Fatalf("edit ack = %s", ack)
		}
		askedAgain := story{status: "pending", minutes: 15, dm: "Updated (duration 30 → 15 min): " + logged + ": please confirm again",
			home: "1 waiting for your answer", history: "15 min · :hourglass_flowing_sand: pending", prep: "Not confirmed yet.",
			team: "<@" + rep + "> · top · last coached today", confirmation: "0 of 1 request (0%) · 0 disputed · 1 pending",
			digest: "Confirmed by reps: 0% of 1 request", leaderHome: "0% of 1 request confirmed",
			notice: "(30 min) is *not accurate*", noticeEdit: true}
		b.tells("asked again", first, askedAgain)
		restart()

		// Sam's DM as it was before the fix: its Confirm is refused.
		in = b.must(b.fake.ClickStale(ctxT(t), rep, first, "rep_confirm"))
		b.responseSaying(in.ResponseURL, "changed")
		b.tells("a Confirm on the DM from before the fix", first, askedAgain)

		before, _ := b.fake.Message(first.Channel, first.TS) // asking again, before the Confirm
		b.confirmUpdates(rep, first)
		confirmed := story{status: "confirmed", minutes: 15, dm: logged + ": you confirmed it",
			home: "1 session, all answered", history: "15 min · :white_check_mark: confirmed", prep: "They confirmed.",
			team: "<@" + rep + "> · top · last coached today", confirmation: "1 of 1 request (100%) · 0 disputed · 0 pending",
			digest: "Confirmed by reps: 100% of 1 request", leaderHome: "100% of 1 request confirmed",
			notice: "confirmed your *1:1* with them on Wed 18 Nov 2026 (15 min) after your edit"}
		b.tells("confirmed", first, confirmed)

		// Not accurate on the DM as it was before the Confirm: refused.
		in = b.must(b.fake.ClickStale(ctxT(t), rep, before, "rep_dispute"))
		b.responseSaying(in.ResponseURL, "You confirmed this session already")
		b.tells("Not accurate on the DM from before the Confirm", first, confirmed)

		b.must(b.fake.ClickButton(ctxT(t), rep, first.Channel, first.TS, "rep_rate_4"))
		rated := confirmed
		rated.rating, rated.dm, rated.home = "4", logged+": you confirmed it (rated 4/5)", "confirmed · you rated 4/5"
		b.tells("rated", first, rated)
		restart()

		if ack := b.submitAs(rep, b.openedView(b.clickComment(first)), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Useful, thanks")}}); len(ack.Payload) != 0 {
			t.Fatalf("comment ack %s", ack.Payload)
		}
		commented := rated
		commented.history, commented.prep = ":speech_balloon: <@"+rep+">: “Useful, thanks”", "They confirmed: Useful, thanks"
		b.tells("commented", first, commented)

		v := values([]string{rep}, "one_on_one", today, "15", "")
		v["notes"] = map[string]any{"notes": fakeslack.TextValue("Better discovery than last time")}
		b.editLatest(v)
		eventually(t, "Sam's DM with the new notes", func() bool {
			m, _ := b.fake.Message(first.Channel, first.TS)
			return strings.Contains(blocksText(m.Blocks), "Better discovery than last time")
		})
		b.tells("its notes edited", first, commented)
		if m, _ := b.fake.Message(first.Channel, first.TS); strings.Contains(blocksText(m.Blocks)+m.Text, "Updated") {
			t.Errorf("a notes edit, which asks no one again, says Updated in Sam's DM: %q", m.Text)
		}
		restart()

		u := b.clickInHistory("", "session_undo")
		b.replacedWith(u.ResponseURL, "Undone:")
		b.tells("undone", first, story{dm: "Withdrawn: " + logged, home: "*Coaching you received*: none yet",
			history: "Nothing logged yet", prep: "No sessions logged with them yet.", team: "<@" + rep + "> · top · not coached yet",
			confirmation: "0 of 0 requests (–) · 0 disputed · 0 pending", digest: "Confirmed by reps: nothing to confirm",
			leaderHome: "nothing to confirm", notice: "confirmed your *1:1* with them on Wed 18 Nov 2026 (15 min) after your edit"})
	})
}

// The people of a team meeting's life besides Sam and Ria.
const (
	tia = "U0TIA" // in Los Angeles, who never answers
	fay = "U0FAY" // in London, added later
)

// teamTells checks what a team meeting's surfaces say of its reps: the
// export's status per rep (absent: no row), Max's /coach history line,
// and the digest's confirmation line for the week it happened.
func (b *bot) teamTells(step string, statuses map[string]string, history, digest string) {
	b.t.Helper()
	rows := b.export()
	got := map[string]string{}
	for _, r := range rows {
		got[r.RepID] = r.Status
	}
	for who, want := range statuses {
		if got[who] != want {
			b.t.Errorf("%s: %s's export status %q, want %q (rows %+v)", step, who, got[who], want, rows)
		}
	}
	if len(got) != len(statuses) {
		b.t.Errorf("%s: export rows for %v, want %v", step, got, statuses)
	}
	mustContain(b.t, step+": Max's history", b.command(mgr, "history"), history)
	out, err := b.cli("digest", "--dry-run", "--week", "2026-W47", "--chart", filepath.Join(b.t.TempDir(), "chart.png"))
	if err != nil {
		b.t.Fatalf("%s: digest: %v\n%s", step, err, out)
	}
	mustContain(b.t, step+": the digest of the meeting's week", out, digest)
}

// dmSays waits for who's DM dm to read want in its blocks.
func (b *bot) dmSays(who string, dm fakeslack.Message, want string) {
	b.t.Helper()
	eventually(b.t, who+"'s DM saying "+want, func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), want)
	})
}

// A team meeting's life: Sam confirms, Ria marks it not accurate, Tia never
// answers and is reminded on her own clock; Max takes Ria off from her
// notice, then adds Fay from his history. Every rep still on it is asked
// again and told every change since they last answered, Ria's notice says
// she was taken off, and the counts follow each step, on both engines,
// the bot restarted between steps.
func TestATeamMeetingsLifeIsToldAlikeEverywhere(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		clk := &testClock{}
		clk.Advance(time.Until(midweek))
		b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
		b.fake.AddUser(fakeslack.User{ID: tia, Name: "tia", RealName: "Tia Rep", TZ: "America/Los_Angeles"})
		b.fake.AddUser(fakeslack.User{ID: fay, Name: "fay", RealName: "Fay Rep", TZ: "Europe/London"})
		csv := filepath.Join(t.TempDir(), "team.csv")
		if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+mgr+",,Max,manager,,,America/New_York\n"+
			rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+tia+",,Tia,rep,"+mgr+",middle,\n"+fay+",,Fay,rep,"+mgr+",middle,\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := b.cli("roster", "import", csv); err != nil {
			t.Fatalf("roster import: %v\n%s", err, out)
		}
		today := b.today("America/New_York")
		viewID, _ := b.openModal("")
		if _, ack := b.submit(viewID, values([]string{rep, rep2, tia}, "team_meeting", today, "60", "")); len(ack) != 0 {
			t.Fatalf("ack = %s", ack)
		}
		sam, ria, tiaDM := b.dm(rep, 1), b.dm(rep2, 1), b.dm(tia, 1)
		b.confirmUpdates(rep, sam)
		in := b.must(b.fake.ClickButton(ctxT(t), rep2, ria.Channel, ria.TS, "rep_dispute"))
		if ack := b.submitAs(rep2, b.openedView(in), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("I was not there")}}); len(ack.Payload) != 0 {
			t.Fatalf("dispute ack %s", ack.Payload)
		}
		notice := b.dm(mgr, 1)
		b.teamTells("answered", map[string]string{rep: "confirmed", rep2: "disputed", tia: "pending"},
			":white_check_mark: 1 confirmed, :x: 1 disputed (<@"+rep2+">), :hourglass_flowing_sand: 1 pending", "Confirmed by reps: 33% of 3 requests")

		// Monday 11:00 in Los Angeles: Tia, pending since Wednesday, is
		// reminded; Sam and Ria, who answered, are not.
		b.remindAt(clk, time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC))
		mustContain(t, "Tia's reminder", b.reminder(tiaDM).Text, "still waiting for your answer on this team meeting from Wed 18 Nov 2026")
		for _, who := range []string{rep, rep2} {
			if n := len(b.fake.Messages(who)); n != 1 {
				t.Errorf("%s, who answered, has %d messages", who, n)
			}
		}

		in = b.must(b.fake.ClickButton(ctxT(t), mgr, notice.Channel, notice.TS, "session_edit"))
		if _, ack := b.submit(b.openedView(in), values([]string{rep, tia}, "team_meeting", today, "60", "")); len(ack) != 0 {
			t.Fatalf("edit ack = %s", ack)
		}
		b.noticeNow(notice, "taking Ria off", "<@"+rep2+"> was taken off the *Team meeting*", "They had said: I was not there")
		b.dmSays(rep2, ria, "took you off this session")
		b.dmSays(tia, tiaDM, "*Updated:* took <@"+rep2+"> off. Please confirm again.")
		b.dmSays(rep, sam, "*Updated:* took <@"+rep2+"> off. Please confirm again.")
		b.teamTells("Ria taken off", map[string]string{rep: "pending", tia: "pending"},
			":hourglass_flowing_sand: 2 pending", "Confirmed by reps: 0% of 2 requests")
		clk.Advance(2 * time.Minute)
		b.stop()
		b.start()

		b.editLatest(values([]string{rep, tia, fay}, "team_meeting", today, "60", ""))
		// Neither Sam nor Tia answered the first edit: each is told both.
		b.dmSays(tia, tiaDM, "*Updated:* took <@"+rep2+"> off and added <@"+fay+">. Please confirm again.")
		b.dmSays(rep, sam, "*Updated:* took <@"+rep2+"> off and added <@"+fay+">. Please confirm again.")
		mustContain(t, "Fay's DM", blocksText(b.dm(fay, 1).Blocks), "logged a *Team meeting* with you, <@"+rep+"> and <@"+tia+">")
		b.teamTells("Fay added", map[string]string{rep: "pending", tia: "pending", fay: "pending"},
			":hourglass_flowing_sand: 3 pending", "Confirmed by reps: 0% of 3 requests")
		if n := len(b.fake.Messages(mgr)); n != 2 {
			t.Errorf("Max has %d messages, want the notice and the reply under it", n)
		}
	})
}
