package coaching_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A reminder is checked against the rep's working day again when it is
// sent, on the service's clock: one queued at 17:59 that goes at 18:00 or
// later (Slack's pace, a backlog) waits for the start of the rep's next
// working day, from the nudge hour it was queued with (09:00 for one
// queued before reminders carried it), a Friday evening's for Monday. The
// working day was checked only when it was queued.
func TestAReminderPastTheWorkingDayWaitsForTheNext(t *testing.T) {
	utc := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) } // Thu 3, Fri 4, Mon 7 Dec
	for _, tt := range []struct {
		name      string
		hour      int       // COACHLOG_NUDGE_HOUR when it was queued
		queued    time.Time // UA is on UTC
		sent      time.Time
		unhoured  bool      // queued before reminders carried their hour
		wantLater time.Time // zero: it goes now
	}{
		{"Friday 17:59, sent 17:59", 9, utc(4, 17, 59), utc(4, 17, 59).Add(30 * time.Second), false, time.Time{}},
		{"Friday 17:59, sent 18:00", 9, utc(4, 17, 59), utc(4, 18, 0), false, utc(7, 9, 0)},
		{"Friday 17:59, sent Saturday", 9, utc(4, 17, 59), utc(5, 10, 0), false, utc(7, 9, 0)},
		{"Thursday 17:59, sent 23:00", 9, utc(3, 17, 59), utc(3, 23, 0), false, utc(4, 9, 0)},
		{"Thursday 17:59, sent 03:00 Friday", 9, utc(3, 17, 59), utc(4, 3, 0), false, utc(4, 9, 0)},
		{"nudges at 11, sent Friday 18:01", 11, utc(4, 17, 59), utc(4, 18, 1), false, utc(7, 11, 0)},
		{"nudges at 11, sent Monday 10:00", 11, utc(4, 17, 59), utc(7, 10, 0), false, utc(7, 11, 0)},
		{"nudges at 20, sent Friday 18:01", 20, utc(4, 17, 59), utc(4, 18, 1), false, utc(7, 9, 0)},
		{"nudges at 11, queued before its hour was kept", 11, utc(4, 17, 59), utc(4, 18, 1), true, utc(7, 9, 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc, st, clk := newServiceOn(t, migratedDB(t))
			clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
			org(t, st, clk)
			d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
			if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
				t.Fatal(err)
			}
			clk.t = tt.queued
			if n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: tt.hour, DefaultCadence: 14}); err != nil || n != 1 {
				t.Fatalf("reminders = %d, %v; want UA's", n, err)
			}
			items, err := st.ClaimOutbox(ctx, "peek", clk.t.Add(time.Hour), time.Nanosecond, 1000, nil)
			if err != nil {
				t.Fatal(err)
			}
			var m coaching.Message
			for _, it := range items {
				if it.Message.Kind == coaching.MsgRepReminder {
					m = it.Message
				}
			}
			if m.Kind == "" {
				t.Fatal("no reminder queued")
			}
			if tt.unhoured {
				m.Payload = []byte(`{"version":1}`)
			}
			sess, err := svc.Session(ctx, m.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			clk.t = tt.sent
			goes, later, err := svc.ReminderGoes(ctx, sess, m)
			if err != nil || goes != tt.wantLater.IsZero() || !later.Equal(tt.wantLater) {
				t.Errorf("ReminderGoes at %s = %v, %v, %v; want %v, %v", tt.sent.Format(time.RFC1123), goes, later, err,
					tt.wantLater.IsZero(), tt.wantLater)
			}
		})
	}
}
