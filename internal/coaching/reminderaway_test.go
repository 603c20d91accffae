package coaching_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// reminderAwayAt is a moment of the first week of December 2026 in UTC,
// UA's clock: Thu 3, Fri 4, Mon 7, Tue 8.
func reminderAwayAt(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }

// awayBy is a way a rep comes to be away, done at the service's clock.
type awayBy func(t *testing.T, svc *coaching.Service)

// markedAway marks UA away through until, as actor types /coach away
// ("": /coach away off).
func markedAway(actor, until string) awayBy {
	return func(t *testing.T, svc *coaching.Service) {
		t.Helper()
		ctx := context.Background()
		var through coaching.Date // "": back
		if until != "" {
			through = day(until)
		}
		if err := svc.SetAway(ctx, actor, "UA", through, svc.AwayToday(ctx, actor, "UA"), false); err != nil {
			t.Fatal(err)
		}
	}
}

// awayStatus sets UA's Slack status to a holiday's, expiring at expires
// (zero: never).
func awayStatus(expires time.Time) awayBy {
	return func(t *testing.T, svc *coaching.Service) {
		t.Helper()
		status := coaching.SlackStatus{Text: "On vacation", Emoji: ":palm_tree:", Expires: expires}
		if err := svc.ProfileChanged(context.Background(), coaching.Person{ID: "UA", Name: "UA", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
}

// pendingFromMonday logs a 1:1 with UA on Monday 30 November at 10:00:
// their reminder falls due on Thursday 3 December at 10:00.
func pendingFromMonday(t *testing.T) (*coaching.Service, *clock, func() []coaching.Message) {
	t.Helper()
	svc, st, clk := newServiceOn(t, migratedDB(t))
	clk.t = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	org(t, st, clk)
	d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-30"), DurationMin: 30}
	if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k"}); err != nil {
		t.Fatal(err)
	}
	reminders := func() []coaching.Message {
		items, err := st.ClaimOutbox(context.Background(), "peek", clk.t.Add(365*24*time.Hour), time.Nanosecond, 1000, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []coaching.Message
		for _, it := range items {
			if it.Message.Kind == coaching.MsgRepReminder {
				out = append(out, it.Message)
			}
		}
		return out
	}
	return svc, clk, reminders
}

// A reminder that falls due while the rep is away (marked away with
// /coach away, by themselves or their manager, or a Slack status that
// says so) is not queued then, nor spent: it is queued on their first
// working day back, once. They were reminded in the middle of their
// holiday.
func TestAReminderDueWhileTheRepIsAwayWaitsForTheirReturn(t *testing.T) {
	type run struct {
		at   time.Time
		want int // reminders queued by the run
	}
	for _, tt := range []struct {
		name string
		away awayBy // on Wednesday 2 December; nil: not away
		runs []run
	}{
		{"not away", nil, []run{{reminderAwayAt(3, 10, 0), 1}, {reminderAwayAt(4, 10, 0), 0}}},
		{"away through Friday, marked by themselves", markedAway("UA", "2026-12-04"),
			[]run{{reminderAwayAt(3, 10, 0), 0}, {reminderAwayAt(4, 17, 0), 0}, {reminderAwayAt(7, 9, 0), 1}, {reminderAwayAt(7, 10, 0), 0}}},
		{"away through Monday, marked by their manager", markedAway("UM", "2026-12-07"),
			[]run{{reminderAwayAt(3, 10, 0), 0}, {reminderAwayAt(7, 10, 0), 0}, {reminderAwayAt(8, 9, 0), 1}}},
		{"a holiday status until Friday noon", awayStatus(reminderAwayAt(4, 12, 0)),
			[]run{{reminderAwayAt(3, 10, 0), 0}, {reminderAwayAt(4, 11, 0), 0}, {reminderAwayAt(4, 12, 0), 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc, clk, reminders := pendingFromMonday(t)
			if tt.away != nil {
				clk.t = reminderAwayAt(2, 10, 0)
				tt.away(t, svc)
			}
			total := 0
			for _, r := range tt.runs {
				clk.t = r.at
				n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14})
				if err != nil || n != r.want {
					t.Errorf("reminders queued at %s = %d, %v; want %d", r.at.Format(time.RFC1123), n, err, r.want)
				}
				total += n
			}
			if got := len(reminders()); got != total || total != 1 {
				t.Errorf("%d reminders in the outbox; want 1", got)
			}
		})
	}
}

// A reminder queued before the rep went away (it waited behind Slack's
// pace, or they were marked away moments after it was queued) is checked
// again when it goes: while they are away it waits for their first
// working day back, as one past 18:00 waits for the next morning. Back
// early (the away cleared), it goes.
func TestAReminderQueuedBeforeTheRepWentAwayWaitsForTheirReturn(t *testing.T) {
	for _, tt := range []struct {
		name      string
		away      []awayBy // after it was queued, on Thursday at 10:05
		wantLater time.Time
	}{
		{"away through Friday", []awayBy{markedAway("UA", "2026-12-04")}, reminderAwayAt(7, 9, 0)},
		{"away through Monday, marked by their manager", []awayBy{markedAway("UM", "2026-12-07")}, reminderAwayAt(8, 9, 0)},
		{"a holiday status until 15:00", []awayBy{awayStatus(reminderAwayAt(3, 15, 0))}, reminderAwayAt(3, 15, 0)},
		{"a holiday status until Friday evening", []awayBy{awayStatus(reminderAwayAt(4, 20, 0))}, reminderAwayAt(7, 9, 0)},
		{"a holiday status with no end: looked at again the next morning", []awayBy{awayStatus(time.Time{})}, reminderAwayAt(4, 9, 0)},
		{"away through Friday, a status until Tuesday noon", []awayBy{markedAway("UA", "2026-12-04"), awayStatus(reminderAwayAt(8, 12, 0))},
			reminderAwayAt(8, 12, 0)},
		{"away, then back", []awayBy{markedAway("UA", "2026-12-04"), markedAway("UA", "")}, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc, clk, reminders := pendingFromMonday(t)
			clk.t = reminderAwayAt(3, 10, 0)
			if n, err := svc.RunReminders(ctx, clk.t, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14}); err != nil || n != 1 {
				t.Fatalf("reminders = %d, %v; want UA's", n, err)
			}
			m := reminders()[0]
			clk.t = reminderAwayAt(3, 10, 5)
			for _, away := range tt.away {
				away(t, svc)
			}
			sess, err := svc.Session(ctx, m.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			goes, later, err := svc.ReminderGoes(ctx, sess, m)
			if err != nil || goes != tt.wantLater.IsZero() || !later.Equal(tt.wantLater) {
				t.Errorf("ReminderGoes = %v, %v, %v; want %v, %v", goes, later, err, tt.wantLater.IsZero(), tt.wantLater)
			}
		})
	}
}
