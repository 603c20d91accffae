package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// coachlog nudge over 2,000 managers counts them, their nudges and a
// nudge's overdue reps as the digest writes its counts: 2,000, not 2000.
// The run is fed as RunNudges returns it: a real one of that size is the
// load test's, not this one's.
func TestTheNudgeCommandGroupsThousands(t *testing.T) {
	run := coaching.NudgeRun{Evaluated: 2000, Claimed: 1500, Recent: 1100, Held: 1300}
	for range 1200 {
		run.Nudges = append(run.Nudges, coaching.Nudge{ManagerID: "U0MAX", ManagerName: "Max", Day: coaching.Date{Year: 2026, Month: 12, Day: 2}, CadenceDays: 14})
	}
	run.Nudges[0].Overdue = make([]coaching.OverdueRep, 1210)
	var out bytes.Buffer
	printNudges(env{stdout: &out}, run, "would nudge", "with something to act on")
	for _, tt := range []struct{ name, text, want string }{
		{"a nudge's reps", out.String(), "1,210 reps are past your 14-day"},
		{"a nudge's reps left out", out.String(), ", and 1,200 more.\n"},
		{"the managers due", out.String(), "Managers due: 2,000; with something to act on: 1,200.\n"},
		{"those claimed", out.String(), "(sent, or found with nothing to act on: one a day): 1,500.\n"},
		{"those nudged lately", out.String(), "(for another day on their clock): 1,100.\n"},
		{"those held", out.String(), "away, snoozed or deactivated in Slack: 1,300.\n"},
		{"the delivery", deliveredLine(1500, 4000, 1300, 1200),
			"Nudges delivered: 1,500 of 4,000 queued; not sent, with nothing left to act on or the manager snoozed or away by then: 1,300; failed: 1,200 (the log says why)."},
		{"a delivery stopped", nudgesLeft(1200), "1,200 nudges stay queued; the bot sends them when it runs"},
	} {
		if !strings.Contains(tt.text, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, tt.text, tt.want)
		}
	}
}
