package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A reminder queued at 17:59 on Sam's clock (Paris) that waits past 18:00
// (held behind Slack's pace here, the clock moved on meanwhile) is not
// posted then, in his evening or on his Saturday, but at the start of his
// next working day (09:00, COACHLOG_NUDGE_HOUR's default): the working day
// was checked only when it was queued. Put back, it counts no attempt and
// fails nothing.
func TestAReminderHeldPastTheWorkingDayGoesAtTheNextOne(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		queued time.Time // on Sam's clock, the session pending since Wednesday 18 Nov
		next   time.Time // when it goes instead
	}{
		{"Monday 17:59", time.Date(2026, 11, 23, 17, 59, 0, 0, paris), time.Date(2026, 11, 24, 9, 0, 0, 0, paris)},
		{"Friday 17:59", time.Date(2026, 11, 27, 17, 59, 0, 0, paris), time.Date(2026, 11, 30, 9, 0, 0, 0, paris)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, clk := startForReminder(t)
			dm := b.logPending()
			b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
			b.remindAt(clk, tt.queued)
			eventually(t, "the reminder held back by the rate limit", func() bool {
				return slices.ContainsFunc(b.fake.CallsTo("chat.postMessage"), func(c fakeslack.Call) bool {
					return c.Param("thread_ts") == dm.TS && c.Status == http.StatusTooManyRequests
				})
			})
			clk.Advance(2 * time.Minute) // 18:01 when the reminder's turn comes
			b.fake.ClearFaults("chat.postMessage")
			where := fmt.Sprintf("kind = 'rep_reminder' AND status = 'pending' AND attempts = 0 AND next_at = %d", tt.next.UnixMilli())
			eventually(t, "the reminder put back to "+tt.next.Format(time.RFC1123), func() bool {
				return outboxCount(t, b.db, where) == 1
			})
			b.stop()
			for _, m := range b.fake.Messages(dm.Channel) {
				if m.ThreadTS == dm.TS && m.TS != dm.TS {
					t.Fatalf("a reminder was posted past Sam's working day: %q", m.Text)
				}
			}

			b.remindAt(clk, tt.next.Add(time.Second))
			r := b.reminder(dm)
			mustContain(t, "the reminder", r.Text, "still waiting for your answer")
			for _, c := range b.fake.CallsTo("chat.postMessage") {
				if c.Param("thread_ts") == dm.TS && c.Error == "" && c.Status == http.StatusOK {
					if at := c.Time.In(paris); at.Before(tt.next) || at.After(tt.next.Add(time.Minute)) {
						t.Errorf("reminder posted at %s, want at %s", at.Format(time.RFC1123), tt.next.Format(time.RFC1123))
					}
				}
			}
			b.stop()
			if n := outboxCount(t, b.db, "status = 'failed'"); n != 0 {
				t.Errorf("%d outbox messages failed", n)
			}
		})
	}
}
