package main

import (
	"strings"
	"testing"
)

// Sam's coaching this month came from Vera, his manager's leader, on a
// ride-along. Max's prep brief counts it in Sam's last 4 weeks ("1
// session, 45 min … Last session today"), as coverage counts a session by
// anyone, and lists Max's own sessions, of which there are none: it said
// "No sessions logged with them yet." right under that session and "Last
// session today". It says none is Max's, and that the figures count
// coaching by anyone.
func TestAPrepBriefWithCoachingOnlyByOthersDoesNotSayThereIsNone(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importTree(t)
	viewID, _ := b.openModalAs(vera, "")
	if ack := b.submitAs(vera, viewID, values([]string{rep}, "ride_along", b.today("America/New_York"), "45", "lead")); len(ack.Payload) != 0 {
		t.Fatalf("ack = %s", ack.Payload)
	}
	eventually(t, "the ride-along stored", func() bool { return len(b.export()) == 1 })

	brief := b.command(mgr, "prep <@"+rep+"|sam>")
	mustContain(t, "Max's brief on Sam", brief, "Last 4 weeks: 1 session, 45 min", "Last session today",
		"You have logged no session with them yet; the figures above count their coaching by anyone.")
	if strings.Contains(brief, "No sessions logged with them yet") {
		t.Errorf("the brief says no session was logged with Sam, under the one it counts:\n%s", brief)
	}
	// A rep nobody has coached is told as before.
	mustContain(t, "Max's brief on Ria", b.command(mgr, "prep <@"+rep2+"|ria>"), "No sessions logged with them yet.")
}
