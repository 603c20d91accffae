package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// newcomer is someone of the workspace the roster does not name: a new
// manager not imported yet, most likely.
const newcomer = "U0NEW"

// A rep of the roster typing /coach stats or /coach team was told the
// command "needs a team" and how their sales ops admin adds reps with
// `coachlog roster import`: an admin's task read as theirs. A rep is told
// plainly these are for managers and where their own coaching is;
// someone with no role at all keeps the admin's steps.
func TestARepIsToldTheManagersCommandsAreNotTheirs(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importTree(t)
	b.fake.AddUser(fakeslack.User{ID: newcomer, Name: "nina", RealName: "Nina New", TZ: "America/New_York"})
	for _, cmd := range []string{"stats", "team"} {
		got := b.command(rep, cmd)
		mustContain(t, "a rep's /coach "+cmd, got, "`/coach "+cmd+"` is for managers", "App Home", "DMs")
		for _, not := range []string{"roster import", "needs a team", "Nobody reports to you"} {
			if strings.Contains(got, not) {
				t.Errorf("a rep's /coach %s says %q:\n%s", cmd, not, got)
			}
		}
	}
	mustContain(t, "a newcomer's /coach stats", b.command(newcomer, "stats"), "It needs a team", "`coachlog roster import`")
	mustContain(t, "a newcomer's /coach team", b.command(newcomer, "team"), "Nobody reports to you in the roster yet")
}

// homeCTA is where a Home tab's Log coaching button (log_open) is among
// its blocks, whether it is the primary one, and where the rep's part
// ("Coaching you received") starts; -1 for none.
func homeCTA(t *testing.T, b *bot, user string) (cta int, primary bool, received int) {
	t.Helper()
	openHome(t, b, user)
	_, raw := homeBlocks(t, b, user)
	var blocks []json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	cta, received = -1, -1
	for i, blk := range blocks {
		var v struct {
			Accessory struct {
				ActionID string `json:"action_id"`
				Style    string `json:"style"`
			} `json:"accessory"`
		}
		_ = json.Unmarshal(blk, &v)
		if v.Accessory.ActionID == "log_open" {
			cta, primary = i, v.Accessory.Style == "primary"
		}
		if received < 0 && strings.Contains(blocksText(blk), "Coaching you received") {
			received = i
		}
	}
	return cta, primary, received
}

// A rep's App Home opened with the manager's call to action ("Log
// coaching right after a ride-along…" and a primary button) above the
// sessions waiting for them. Theirs come first now, and the button is
// offered last, not as the tab's primary action; a manager and a leader,
// who log coaching, keep it at the top.
func TestARepsHomeOpensWithTheirOwnCoaching(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importTree(t)
	b.logPending()

	cta, primary, received := homeCTA(t, b, rep)
	if received < 0 || cta < received || primary {
		t.Errorf("Sam's Home: Log coaching at block %d (primary %v), his coaching at %d; want his coaching first, the button after it, not primary", cta, primary, received)
	}
	if home := openHome(t, b, rep); strings.Contains(home, "each rep confirms it with one click") {
		t.Errorf("Sam's Home speaks to a manager:\n%s", home)
	}
	for _, who := range []string{mgr, vera} {
		if cta, primary, _ := homeCTA(t, b, who); cta > 2 || !primary {
			t.Errorf("%s's Home: Log coaching at block %d (primary %v), want it at the top, primary", who, cta, primary)
		}
	}
}

// /coach help was the same 2,900 characters for everyone. A rep gets
// their part in a few lines (their DM's buttons, ratings, who reads what,
// the App Home) and a pointer to the rest; a leader where the weekly
// digest goes and /coach report, first; a manager the whole list.
func TestHelpFitsWhoAsks(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_DIGEST_CHANNEL", "C0LEADS")
	b.importTree(t)

	repHelp := b.command(rep, "help")
	mustContain(t, "a rep's /coach help", repHelp, "*Confirm*", "*Not accurate*", "rate how useful", "average of three or more",
		"notes are for you", "App Home", "`/coach help all`")
	if strings.Contains(repHelp, "/coach export") || len(repHelp) > 1200 {
		t.Errorf("a rep's /coach help (%d characters) is the managers' list:\n%s", len(repHelp), repHelp)
	}
	mustContain(t, "a rep's /coach help all", b.command(rep, "help all"), "`/coach export", "`/coach team`")

	leader := b.command(vera, "help")
	mustContain(t, "a leader's /coach help", leader, "weekly digest", "<#C0LEADS>", "`/coach report [@manager] [last week | 2026-W47]`")
	if d, r := strings.Index(leader, "weekly digest"), strings.Index(leader, "`/coach @sam"); d > r {
		t.Errorf("a leader's /coach help puts the digest after the logging lines:\n%s", leader)
	}

	manager := b.command(mgr, "help")
	mustContain(t, "a manager's /coach help", manager, "`/coach @sam ride-along", "`/coach team`")
	if strings.Contains(manager, "weekly digest") || strings.Contains(manager, "`/coach help all`") {
		t.Errorf("a manager's /coach help:\n%s", manager)
	}
	helpShowsWhoMayUse(t, b, manager, leader)
}

// A manager the roster makes a rep too (a first-line manager whose
// director logs ride-alongs with them) got only the manager's /coach
// help, which speaks of the DMs their reps get, never of theirs: one
// line, after the lines on what becomes of a session logged, says the
// coaching they receive comes to their DMs to confirm and rate, and is
// in their App Home. A manager who is no rep, and `/coach help all`
// (every command), do without it; the help stays short.
func TestACoachedManagersHelpSaysTheirCoachingComesToTheirDMs(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddUser(fakeslack.User{ID: vera, Name: "vera", RealName: "Vera Leader", TZ: "America/New_York"})
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader+rep,,,America/New_York\n"+mgr+",,Max,manager+rep,"+vera+",top,America/New_York\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+other+",,Olly,manager,"+vera+",,\n"+rep2+",,Ria,rep,"+other+",bottom,\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	const line = "Coaching logged with you comes to your DMs too: *Confirm* it or mark it *Not accurate*, then rate it. Your App Home lists it."
	coached, plain := b.command(mgr, "help"), b.command(other, "help")
	notes, at, away := strings.Index(coached, "Notes are seen by you"), strings.Index(coached, line), strings.Index(coached, "`/coach away")
	if at < 0 || notes < 0 || away < 0 || at < notes || at > away {
		t.Errorf("Max (manager and rep): the line on his own coaching at %d, want it after the notes line (%d), before /coach away (%d):\n%s", at, notes, away, coached)
	}
	if strings.Contains(plain, line) {
		t.Errorf("Olly (a manager, no rep) is told of coaching he receives:\n%s", plain)
	}
	if leader := b.command(vera, "help"); !strings.Contains(leader, line) {
		t.Errorf("Vera (leader and rep): her /coach help does not say her own coaching comes to her DMs:\n%s", leader)
	}
	if all := b.command(mgr, "help all"); strings.Contains(all, line) {
		t.Errorf("Max's /coach help all, the list of every command, has the line:\n%s", all)
	}
	if n, m := len(coached), len(plain); n-m > 150 {
		t.Errorf("Max's /coach help is %d characters, a plain manager's %d: want one short line more", n, m)
	}
}

// A plain manager's /coach help listed /coach report, /coach export and
// /coach cadence, each of which refuses them. Each person is shown the
// commands they may use (report: leaders and admins; export and cadence:
// admins), and one line says who has the rest; `/coach help all` lists
// every command, to anyone.
func helpShowsWhoMayUse(t *testing.T, b *bot, manager, leader string) {
	t.Helper()
	const report, export, cadence = "`/coach report [@manager]", "`/coach export [--from", "`/coach cadence @manager"
	admin := b.command(other, "help") // Olly: the roster's admin, leading nobody
	for _, c := range []struct {
		who, help   string
		has, hasNot []string
	}{
		{"a manager", manager, []string{"`/coach report` (the digest on demand) is for leaders and admins; `/coach export` and `/coach cadence` for admins."},
			[]string{report, export, cadence}},
		{"a leader", leader, []string{report, "`/coach export` and `/coach cadence` are for admins."}, []string{export, cadence}},
		{"an admin", admin, []string{report, export, cadence}, []string{"are for admins.", "for leaders and admins;"}},
		{"a manager's help all", b.command(mgr, "help all"), []string{report, export, cadence}, nil},
		{"a leader's help all", b.command(vera, "help all"), []string{report, export, cadence}, nil},
	} {
		mustContain(t, c.who+"'s /coach help", c.help, c.has...)
		for _, s := range c.hasNot {
			if strings.Contains(c.help, s) {
				t.Errorf("%s's /coach help has %q:\n%s", c.who, s, c.help)
			}
		}
	}
	// Shorter than the whole list it was (about 2,900 characters).
	if len(manager) >= len(admin) {
		t.Errorf("a manager's /coach help is %d characters, an admin's %d: want it shorter", len(manager), len(admin))
	}
}

// The manager's not-accurate notice named a one-rep session's rep twice:
// "<@Sam> says the *1:1* with <@Sam> · …". Once is enough.
func TestANotAccurateNoticeNamesTheRepOnce(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logPending()
	b.dispute(dm, "It was 15 minutes")
	var notice string
	eventually(t, "the manager's notice", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if text := blocksText(m.Blocks); strings.Contains(text, "not accurate") {
				notice = text
				return true
			}
		}
		return false
	})
	if n := strings.Count(notice, "<@"+rep+">"); n != 1 {
		t.Errorf("the notice names Sam %d times:\n%s", n, notice)
	}
	mustContain(t, "the notice", notice, "<@"+rep+"> says your *1:1* with them on ", "(30 min) is *not accurate*", "It was 15 minutes")
}

// An edit of substance clears the rep's rating (PRODUCT.md); the DM said
// "Updated: …. Please confirm again." and nothing of the rating they had
// given. It says so now, in the rep's own DM only.
func TestAnEditThatClearsARatingSaysSoToTheRep(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed()
	eventually(t, "the DM's rating buttons", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return len(rateButtons(m.Blocks)) == 5
	})
	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_rate_5"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the rating stored", func() bool { return b.ratingOf() == 5 })
	b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))
	var text string
	eventually(t, "the DM asking again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		text = blocksText(m.Blocks)
		return strings.Contains(text, "Please confirm again")
	})
	mustContain(t, "the DM after the edit", text, "30 → 50 min", "your rating of 5 was cleared")

	// A second edit before the rep answers still tells them (and what
	// changed since they confirmed: see the test below).
	b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "55", ""))
	eventually(t, "the DM after a second edit", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		text = blocksText(m.Blocks)
		return strings.Contains(text, "30 → 55 min")
	})
	mustContain(t, "the DM after a second edit", text, "your rating of 5 was cleared")

	// Nobody else reads it: not the manager's history, nor their Home.
	for what, got := range map[string]string{"history": b.command(mgr, "history"), "Home": openHome(t, b, mgr)} {
		if strings.Contains(got, "rating of 5") {
			t.Errorf("the manager's %s shows the rep's rating:\n%s", what, got)
		}
	}
}

// Sam confirmed a 30-minute 1:1; the manager moved it to the day before
// at 45 minutes, then, before Sam looked, set 60. Sam's DM said only
// "Updated: duration 45 → 60 min": the move was gone, and 45 was a figure
// Sam never saw. It says what changed since Sam confirmed; once Sam
// confirms again, the next edit is told from there.
func TestARepAskedAgainBeforeAnsweringReadsEveryChangeSinceTheyAnswered(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed()
	today := b.today("America/New_York")
	on, err := time.Parse(time.DateOnly, today)
	if err != nil {
		t.Fatal(err)
	}
	before := on.AddDate(0, 0, -1)
	moved := "date " + on.Format("Mon 2 Jan 2006") + " → " + before.Format("Mon 2 Jan 2006")
	dmSaying := func(what, phrase string) string {
		t.Helper()
		var text string
		eventually(t, what, func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			text = blocksText(m.Blocks)
			return strings.Contains(text, phrase) && strings.Contains(text, "Please confirm again")
		})
		return text
	}

	b.editLatest(values([]string{rep}, "one_on_one", before.Format(time.DateOnly), "45", ""))
	mustContain(t, "the DM after the first edit", dmSaying("the DM after the first edit", "30 → 45 min"), moved)
	b.editLatest(values([]string{rep}, "one_on_one", before.Format(time.DateOnly), "60", ""))
	text := dmSaying("the DM after the second edit", "30 → 60 min")
	mustContain(t, "the DM after the second edit", text, moved+"; duration 30 → 60 min")
	if strings.Contains(text, "45 min") || strings.Contains(text, "45 →") || strings.Contains(text, "→ 45") {
		t.Errorf("the DM after the second edit names 45 minutes, which Sam never confirmed:\n%s", text)
	}

	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "confirmed again", func() bool { return b.export()[0].Status == "confirmed" })
	b.editLatest(values([]string{rep}, "one_on_one", before.Format(time.DateOnly), "50", ""))
	if text := dmSaying("the DM after an edit since Sam confirmed", "60 → 50 min"); strings.Contains(text, "date ") {
		t.Errorf("the DM after an edit of the duration alone, since Sam confirmed the date, names the date:\n%s", text)
	}
}
