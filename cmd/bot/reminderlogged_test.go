package main

import (
	"testing"
	"time"
)

// A reminder says the day its session was logged when that is not the
// day the session happened, on the rep's clock: Max logs Wednesday's 1:1
// at 18:30 on his Wednesday in New York, 00:30 on Thursday for Sam in
// Paris, whose reminder said "logged at 00:30" beside "Wed 18 Nov 2026",
// as if he logged it on the Wednesday. The time a client shows where it
// cannot show Slack's (the fallback) is on Sam's clock too, not in UTC
// beside his Thursday.
func TestAReminderSaysTheDayItsSessionWasLoggedOnTheRepsClock(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t)
	clk.Advance(time.Date(2026, 11, 18, 23, 30, 0, 0, time.UTC).Sub(clk.Now()))
	dm := b.logPending() // dated Max's today: Wednesday 18 November
	b.remindAt(clk, reminderDue)
	r := b.reminder(dm)
	mustContain(t, "the reminder", r.Text, "this 1:1 from Wed 18 Nov 2026 (30 min, logged Thu 19 Nov at <!date^", "^{time}|00:30 CET>)")
	b.stop()
}
