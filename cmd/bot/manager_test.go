package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Who is a manager is decided by one rule, the same for the nudge,
// /coach team, /coach stats and the App Home: someone with reps on their
// team in the roster as it is now, whatever their roles. Max leads a pod
// of one, Sam, with the rep role alone (he sells too); Vera holds the
// leader role and has Ria reporting to her directly; Olly holds the
// manager role and nobody reports to him. Three weeks after the import,
// with nobody coached, Max and Vera are nudged about their rep and see
// that rep as overdue everywhere; Olly is not nudged and is told on every
// surface that nobody reports to him yet.
func TestOneRuleSaysWhoIsAManager(t *testing.T) {
	t.Parallel()
	imported := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	now := imported.Add(23 * 24 * time.Hour) // Wednesday 25 November, 10:00 in New York
	b := startBotAt(t, clockFrom(now), "COACHLOG_TIMEZONE", "America/New_York")
	b.fake.AddUser(fakeslack.User{ID: vera, Name: "vera", RealName: "Vera Leader", TZ: "America/New_York"})
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,America/New_York\n"+
		mgr+",,Max,rep,,,America/New_York\n"+rep+",,Sam,rep,"+mgr+",top,\n"+
		rep2+",,Ria,rep,"+vera+",bottom,\n"+
		other+",,Olly,manager,"+vera+",,America/New_York\n"), 0o600)
	if out, err := cliAt(t, imported, b.env, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	out, err := cliAt(t, now, b.env, "nudge", "--dry-run")
	if err != nil || !strings.Contains(out, "would nudge Max (") || !strings.Contains(out, "Sam (not coached yet") ||
		!strings.Contains(out, "would nudge Vera (") || !strings.Contains(out, "Ria (not coached yet") || strings.Contains(out, "Olly") {
		t.Errorf("nudge: %v\n%s", err, out)
	}
	for _, c := range []struct {
		who, name, rep string
	}{{mgr, "Max", rep}, {vera, "Vera", rep2}} {
		mustContain(t, c.name+"'s /coach team", b.command(c.who, "team"), "Your team: 1 rep, 1 overdue", "<@"+c.rep+">")
		mustContain(t, c.name+"'s /coach stats", b.command(c.who, "stats"), "*Overdue*\n1 rep")
		home := openHome(t, b, c.who)
		mustContain(t, c.name+"'s Home tab", home, "*Your team this week*", "0 of 1 rep coached within your 14-day cadence · 1 overdue",
			"<@"+c.rep+">: not coached yet, 23 days in your team")
	}
	mustContain(t, "Olly's /coach team", b.command(other, "team"), "Nobody reports to you in the roster yet")
	mustContain(t, "Olly's /coach stats", b.command(other, "stats"), "It needs a team")
	home := openHome(t, b, other)
	if strings.Contains(home, "*Your team this week*") {
		t.Errorf("Olly's Home tab shows a team:\n%s", home)
	}
	mustContain(t, "Olly's Home tab", home, "Nobody reports to you in the roster yet")
}

// openHome opens someone's App Home tab and returns its text once
// published.
func openHome(t *testing.T, b *bot, user string) string {
	t.Helper()
	before := publishesTo(b, user)
	if _, err := b.fake.AppHomeOpened(ctxT(t), user, "home"); err != nil {
		t.Fatal(err)
	}
	var home string
	eventually(t, "the Home tab published", func() bool {
		if publishesTo(b, user) <= before {
			return false
		}
		_, blocks := homeBlocks(t, b, user)
		home = blocksText(blocks)
		return home != ""
	})
	return home
}
