package slackbot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A reminder is posted only while the rep still owes the answer it asks
// for: on the version of the session that came due, in the DM's thread.
func TestAReminderGoesOnlyWhileItsQuestionStands(t *testing.T) {
	thread := &coaching.Posted{Channel: "D1", TS: "1.0"}
	at := func(version int) []byte {
		if version == 0 {
			return nil
		}
		return []byte(fmt.Sprintf(`{"version":%d}`, version))
	}
	for _, tt := range []struct {
		name    string
		status  coaching.Status
		removed bool
		undone  bool
		payload []byte
		prior   *coaching.Posted
		want    bool
	}{
		{"pending on the version that came due", coaching.StatusPending, false, false, at(2), thread, true},
		{"queued before reminders carried a version", coaching.StatusPending, false, false, at(0), thread, true},
		{"an unreadable payload", coaching.StatusPending, false, false, []byte("{"), thread, true},
		{"confirmed", coaching.StatusConfirmed, false, false, at(2), thread, false},
		{"disputed", coaching.StatusDisputed, false, false, at(2), thread, false},
		{"asked again by an edit since", coaching.StatusPending, false, false, at(1), thread, false},
		{"taken off the session", coaching.StatusPending, true, false, at(2), thread, false},
		{"undone", coaching.StatusPending, false, true, at(2), thread, false},
		{"withheld before, now sent as its update", coaching.StatusPending, false, false, nil, nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 7, ManagerID: "UM", Version: 2,
				Reps: []coaching.SessionRep{{RepID: "UR", Status: tt.status, Removed: tt.removed}}}
			if tt.undone {
				s.DeletedAt = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
			}
			m := coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: coaching.ReminderKey(7, "UR", 0),
				To: "UR", SessionID: 7, RepID: "UR", Payload: tt.payload}
			if got := reminderStands(s, m, tt.prior); got != tt.want {
				t.Errorf("reminderStands = %v, want %v", got, tt.want)
			}
		})
	}
}

// A rep with several sessions pending gets their reminders together, each
// in its own DM's thread; what a notification shows is the reminder's
// text alone. Each names its session (kind, day, length, when it was
// logged), so that no two read alike: they all said "this 1:1 from Wed 18
// Nov 2026".
func TestEachReminderNamesItsSession(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 18}
	logged := time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
	sessions := []coaching.Session{
		{ID: 1, Kind: coaching.KindOneOnOne, DurationMin: 30, CreatedAt: logged},
		{ID: 2, Kind: coaching.KindOneOnOne, DurationMin: 30, CreatedAt: logged.Add(2 * time.Hour)},
		{ID: 3, Kind: coaching.KindOneOnOne, DurationMin: 45, CreatedAt: logged.Add(2 * time.Hour)},
		{ID: 4, Kind: coaching.KindDealReview, DurationMin: 30, CreatedAt: logged},
	}
	seen := map[string]int64{}
	for _, s := range sessions {
		s.ManagerID, s.OccurredOn, s.Version = "UM", day, 1
		s.Reps = []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}}
		m := reminderMessage(s, "UR", time.UTC)
		for _, want := range []string{s.Kind.Noun(), "Wed 18 Nov 2026", fmt.Sprintf("%d min", s.DurationMin),
			fmt.Sprintf("<!date^%d^{time}|%s>", s.CreatedAt.Unix(), s.CreatedAt.Format("15:04 UTC"))} {
			if !strings.Contains(m.Text, want) || !strings.Contains(blocksText(m.Blocks), want) {
				t.Errorf("session %d's reminder %q does not say %q", s.ID, m.Text, want)
			}
		}
		if other, dup := seen[m.Text]; dup {
			t.Errorf("sessions %d and %d have the same reminder: %q", other, s.ID, m.Text)
		}
		seen[m.Text] = s.ID
	}
}

// A reminder of a session logged on another day than it happened says
// which: "logged at 11:00" beside "Wed 18 Nov 2026" read as logged that
// Wednesday, though it was logged on the Friday. The day is the rep's,
// on their clock: an evening's log in New York is the next morning in
// Kolkata. Logged the same day, it says no more than before. Where a
// client cannot show Slack's time and shows the fallback, that is on the
// rep's clock too, beside the day it goes with: in UTC it read "logged Thu
// 19 Nov at 23:30 UTC" of a log made on the Wednesday at 23:30 UTC.
func TestAReminderSaysTheDayItsSessionWasLoggedWhenAnother(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	paris, kolkata, newYork := zone("Europe/Paris"), zone("Asia/Kolkata"), zone("America/New_York")
	for _, tt := range []struct {
		name     string
		occurred coaching.Date
		logged   time.Time
		rep      *time.Location
		want     string // between the length and the time
		fallback string // the time where Slack's cannot show
	}{
		{"logged the same day", coaching.Date{Year: 2026, Month: 11, Day: 18}, time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC), paris,
			"(30 min, logged at <!date^", "17:00 CET"},
		{"logged two days on", coaching.Date{Year: 2026, Month: 11, Day: 18}, time.Date(2026, 11, 20, 11, 0, 0, 0, paris), paris,
			"(30 min, logged Fri 20 Nov at <!date^", "11:00 CET"},
		{"the next day on the rep's clock", coaching.Date{Year: 2026, Month: 11, Day: 18}, time.Date(2026, 11, 18, 23, 30, 0, 0, time.UTC), kolkata,
			"(30 min, logged Thu 19 Nov at <!date^", "05:00 IST"},
		{"the same day on the rep's clock", coaching.Date{Year: 2026, Month: 11, Day: 18}, time.Date(2026, 11, 18, 23, 30, 0, 0, time.UTC), newYork,
			"(30 min, logged at <!date^", "18:30 EST"},
		{"logged in the next year", coaching.Date{Year: 2026, Month: 12, Day: 31}, time.Date(2027, 1, 1, 9, 0, 0, 0, paris), paris,
			"(30 min, logged Fri 1 Jan 2027 at <!date^", "09:00 CET"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindOneOnOne, OccurredOn: tt.occurred, DurationMin: 30,
				CreatedAt: tt.logged, Version: 1, Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}}}
			m := reminderMessage(s, "UR", tt.rep)
			want := tt.want + fmt.Sprint(tt.logged.Unix()) + "^{time}|" + tt.fallback + ">)"
			if !strings.Contains(m.Text, want) || !strings.Contains(blocksText(m.Blocks), want) {
				t.Errorf("reminder = %q, want %q", m.Text, want)
			}
			if !strings.Contains(m.Text, "from "+tt.occurred.Human()+" (") {
				t.Errorf("reminder = %q, want the session's day %s", m.Text, tt.occurred.Human())
			}
		})
	}
}

// A rep taken off a session that was undone after is told, in their DM
// and its reminder, that they were taken off: the undo came after, and
// is news of a session that is no longer theirs.
func TestARepTakenOffIsNotToldOfALaterUndo(t *testing.T) {
	s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18},
		DurationMin: 30, Version: 3, DeletedAt: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC),
		Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending, Removed: true}, {RepID: "UK", Status: coaching.StatusPending}}}
	for what, m := range map[string]message{"the DM": repDM(s, "UR", nil, false), "the reminder": reminderMessage(s, "UR", time.UTC)} {
		if text := blocksText(m.Blocks); !strings.Contains(text, "took you off") || strings.Contains(text, "withdrew") {
			t.Errorf("%s of a rep taken off, then undone, reads %q; want that they were taken off, nothing of the undo", what, text)
		}
	}
}
