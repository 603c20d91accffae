package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A reminder that falls due while the rep is away waits for their first
// working day back: Sam, marked away through Tuesday 24 November (by
// himself or by Max), is not reminded on the Monday it falls due nor on
// the Tuesday, but on Wednesday at 09:00 on his clock (Paris), once, in
// the DM's thread. Ria, not away, is reminded on the Monday as before. He
// was reminded in the middle of his holiday.
func TestAReminderWaitsForTheRepsReturnFromAway(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	back := time.Date(2026, 11, 25, 9, 0, 0, 0, paris) // Wednesday, his first working day back
	for _, tt := range []struct {
		name, who, away, said string
	}{
		{"marked away by himself", rep, "away 2026-11-24", "reminders to answer a session wait until you are back"},
		{"marked away by his manager", mgr, "away <@" + rep + "|sam> 2026-11-24", "reminders to answer a session wait until they are back"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, clk := startForReminder(t)
			b.importRoster(t)
			dm := b.logPending()
			viewID, _ := b.openModal("")
			if _, ack := b.submit(viewID, values([]string{rep2}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
				t.Fatalf("ack = %s", ack)
			}
			ria := b.dm(rep2, 1)
			mustContain(t, "/coach "+tt.away, b.command(tt.who, tt.away), tt.said)

			b.remindAt(clk, reminderDue) // Monday 11:00 in Paris: due, and Sam away
			b.reminder(ria)              // the pass ran
			samQueued := "kind = 'rep_reminder' AND recipient = '" + rep + "'"
			if n := outboxCount(t, b.db, samQueued); n != 0 {
				t.Errorf("%d reminders queued for Sam on Monday, away; want none", n)
			}
			b.remindAt(clk, reminderDue.Add(24*time.Hour)) // Tuesday, his last day away
			if n := outboxCount(t, b.db, samQueued); n != 0 {
				t.Errorf("%d reminders queued for Sam on Tuesday, away; want none", n)
			}
			b.remindAt(clk, back.Add(-time.Minute)) // Wednesday 08:59: before his working day
			if n := outboxCount(t, b.db, samQueued); n != 0 {
				t.Errorf("%d reminders queued for Sam before his working day; want none", n)
			}

			b.remindAt(clk, back.Add(30*time.Second))
			r := b.reminder(dm)
			mustContain(t, "the reminder", r.Text, "still waiting for your answer on this 1:1 from Wed 18 Nov 2026")
			b.remindAt(clk, back.Add(2*time.Hour)) // a later pass sends no second one
			b.stop()
			var posts []string
			for _, c := range b.fake.CallsTo("chat.postMessage") {
				if c.Param("thread_ts") == dm.TS && c.Status == http.StatusOK && c.Error == "" {
					posts = append(posts, c.Time.In(paris).Format(time.RFC1123))
					if at := c.Time.In(paris); at.Before(back) {
						t.Errorf("Sam reminded at %s, away; want from %s", at.Format(time.RFC1123), back.Format(time.RFC1123))
					}
				}
			}
			if len(posts) != 1 {
				t.Errorf("Sam reminded %d times (%s); want once", len(posts), strings.Join(posts, ", "))
			}
			if n := outboxCount(t, b.db, "status = 'failed'"); n != 0 {
				t.Errorf("%d outbox messages failed", n)
			}
		})
	}
}
