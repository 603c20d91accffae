package main

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A manager logs thirteen sessions with Sam over two days; the clock then
// moves in steps through the weekend, Monday's working day (they come due
// together on Monday, three days on being the weekend) and past it. Each
// session gets exactly one reminder, in its own DM's thread, however many
// come due at once (Slack's pace for one channel sends them a few at a
// time, and the rest follow: none is lost), and no two read alike: a
// manager-persona review saw four identical "still waiting for your answer
// on this 1:1 from Wed 18 Nov 2026" arrive together.
func TestEverySessionPendingWithOneRepIsRemindedOnceAndByName(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t)
	var dms []fakeslack.Message
	for i, h := range []int{0, 1, 3, 5, 7, 21, 22, 23, 24, 26, 28, 30, 33} { // hours after Wednesday 16:00 UTC
		clk.Advance(midweek.Add(time.Duration(h) * time.Hour).Sub(clk.Now()))
		viewID, _ := b.openModal("")
		if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
			t.Fatalf("ack = %s", ack)
		}
		dms = append(dms, b.dm(rep, i+1))
	}
	for _, at := range []time.Time{
		time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), // Saturday: none
		time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC), // Monday 08:30 in Paris: before the working day
		time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), // 19:00 in Paris: after it
		time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
	} {
		b.remindAt(clk, at)
	}
	// One DM channel takes about a post a second (the outbox paces it as
	// Slack does): thirteen reminders may need longer than eventually's
	// deadline.
	tick, deadline := time.NewTicker(20*time.Millisecond), time.After(40*time.Second)
	defer tick.Stop()
	for outboxCount(t, b.db, "kind = 'rep_reminder' AND status = 'pending'") > 0 {
		select {
		case <-deadline:
			t.Fatal("timed out waiting for every reminder queued to be sent")
		case <-tick.C:
		}
	}
	b.stop()
	if n := outboxCount(t, b.db, "kind = 'rep_reminder'"); n != len(dms) {
		t.Errorf("%d reminders queued for %d pending sessions", n, len(dms))
	}
	texts := map[string]int{}
	for i, dm := range dms {
		var got []string
		for _, m := range b.fake.Messages(rep) {
			if m.ThreadTS == dm.TS && m.TS != dm.TS {
				got = append(got, m.Text)
			}
		}
		if len(got) != 1 {
			t.Errorf("session %d got %d reminders in its thread, want 1: %q", i+1, len(got), got)
			continue
		}
		if j, dup := texts[got[0]]; dup {
			t.Errorf("sessions %d and %d were reminded alike: %q", j, i+1, got[0])
		}
		texts[got[0]] = i + 1
	}
	if n := outboxCount(t, b.db, "status = 'failed'"); n != 0 {
		t.Errorf("%d outbox messages failed", n)
	}
}
