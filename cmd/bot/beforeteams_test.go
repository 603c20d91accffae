package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A manager behind the organisation's clock (New York, the organisation
// on UTC) right after the first roster import, at 03:00 UTC on Monday
// 23 November: their week so far is still 2026-W47, which `coachlog
// metrics` and the digest call a week before the roster named any team.
// /coach stats, a leader's own-team line and the App Home say so too,
// rather than show a week of zeros as if the team had been there; an hour
// past the manager's midnight their week is W48 and the figures show.
func TestStatsAndHomeSayAWeekCameBeforeTheTeams(t *testing.T) {
	t.Parallel()
	imported := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC) // Sun 22 Nov 22:00 in New York
	clk := &testClock{}
	clk.Advance(time.Until(imported.Add(time.Hour)))
	b := startBotAt(t, clk.Now, "COACHLOG_ADMINS", "")
	b.fake.AddUser(fakeslack.User{ID: vera, Name: "vera", RealName: "Vera Leader"})
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader+manager,,,America/New_York\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+vera+",bottom,\n"), 0o600)
	if out, err := cliAt(t, imported, b.env, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	if out, err := cliAt(t, clk.Now(), b.env, "metrics", "--week", "2026-W47"); err != nil || !strings.Contains(out, "ended before the roster named any team") {
		t.Fatalf("coachlog metrics of W47: %v\n%s", err, out)
	}
	const before = "(Mon 16 Nov 2026 to Sun 22 Nov 2026) came before the roster named any team, and nobody logged coaching in it: no numbers for it"
	got := b.command(mgr, "stats")
	mustContain(t, "Max's stats", got, "Your coaching this week", "Your week so far "+before, "`/coach team` lists your reps")
	if strings.Contains(got, "*Sessions*") || strings.Contains(got, "*Coverage*") {
		t.Errorf("Max's stats show figures for a week before the team:\n%s", got)
	}
	mustContain(t, "Vera's stats", b.command(vera, "stats"), "Your organisation this week", "*Your own team:* your week so far "+before)
	b.openHomeOf(mgr)
	home := b.homeText(mgr)
	mustContain(t, "Max's Home", home, "*Your team this week* "+before)
	if strings.Contains(home, "coached within your") {
		t.Errorf("Max's Home shows figures for a week before the team:\n%s", home)
	}

	clk.Advance(2 * time.Hour) // Monday 01:00 in New York: W48
	got = b.command(mgr, "stats")
	mustContain(t, "Max's stats on his Monday", got, "Mon 23 Nov 2026", "*Sessions*\n0",
		"trends start once 4 full weeks are counted: Coachlog started counting on Sun 22 Nov 2026, so from the week of Mon 21 Dec 2026")
	if strings.Contains(got, "came before the roster") {
		t.Errorf("Max's stats on his Monday:\n%s", got)
	}
	b.openHomeOf(mgr)
	mustContain(t, "Max's Home on his Monday", b.homeText(mgr), "*Your team this week* (Mon 23 Nov 2026): 0 sessions")
}
