package main

import (
	"strings"
	"testing"
)

// Someone naming themselves in /coach history is told that it is them and
// where the coaching they received is: "You have logged nothing with @you
// yet. Type /coach to log a session" sent a rep to log a session with
// themselves, which the form refuses, and "someone's coaching is seen
// only by them" read oddly of their own.
func TestHistoryOfYourselfSaysWhereYourCoachingIs(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dm(rep, 1)
	for _, who := range []string{rep, rep2, mgr} { // received coaching, received none, logs coaching
		got := b.command(who, "history <@"+who+"|me>")
		if !strings.Contains(got, "That is you: `/coach history` lists the coaching you log") || !strings.Contains(got, "App Home") ||
			strings.Contains(got, "to log a session") || strings.Contains(got, "seen only by them") {
			t.Errorf("%s's /coach history of themselves = %q", who, got)
		}
	}
}
