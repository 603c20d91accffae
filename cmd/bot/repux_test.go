package main

import (
	"strings"
	"testing"

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
