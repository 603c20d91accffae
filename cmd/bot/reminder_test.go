package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// midweekDay is midweek's date on Max's clock (New York): the date of the
// session the tests log then, which their edits keep.
const midweekDay = "2026-11-18"

// reminderDue is when the pending session logged at midweek (a
// Wednesday) is first reminded: three days on is a Saturday, so the next
// Monday, 11:00 in Paris, inside Sam's working day.
var reminderDue = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// startForReminder starts a bot at midweek on a clock the test moves.
func startForReminder(t *testing.T) (*bot, *testClock) {
	t.Helper()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	return startBotAt(t, clk.Now), clk
}

// remindAt moves the clock to at and restarts the bot, whose scheduler
// runs a pass at start: the reminders due then are queued.
func (b *bot) remindAt(clk *testClock, at time.Time) {
	b.t.Helper()
	clk.Advance(at.Sub(clk.Now()))
	b.stop()
	b.start()
}

// reminder waits for the reminder posted in the thread of dm.
func (b *bot) reminder(dm fakeslack.Message) fakeslack.Message {
	b.t.Helper()
	var found fakeslack.Message
	eventually(b.t, "the reminder in the DM's thread", func() bool {
		for _, m := range b.fake.Messages(dm.Channel) {
			if m.ThreadTS == dm.TS && m.TS != dm.TS {
				found = m
			}
		}
		return found.TS != ""
	})
	return found
}

// reminderFollows logs a pending 1:1 with Sam, has it reminded, runs
// change, and checks that the reminder then reads want, changed in place
// by chat.update (nothing clicked on the reminder gives a response_url), in
// the DM's thread still, with nothing posted to Sam again and nothing
// failed.
func reminderFollows(t *testing.T, change func(b *bot, dm fakeslack.Message), want string) {
	t.Helper()
	b, clk := startForReminder(t)
	dm := b.logPending()
	b.remindAt(clk, reminderDue)
	r := b.reminder(dm)
	mustContain(t, "the reminder", r.Text, "still waiting for your answer")
	posts := len(b.fake.CallsTo("chat.postMessage"))

	change(b, dm)
	eventually(t, "the reminder to read "+want, func() bool {
		m, _ := b.fake.Message(r.Channel, r.TS)
		return strings.Contains(m.Text, want) && strings.Contains(blocksText(m.Blocks), want)
	})
	b.stop() // every delivery has finished
	if m, _ := b.fake.Message(r.Channel, r.TS); m.ThreadTS != dm.TS {
		t.Errorf("the reminder left the DM's thread: thread_ts %q, want %q", m.ThreadTS, dm.TS)
	}
	if !slices.ContainsFunc(b.fake.CallsTo("chat.update"), func(c fakeslack.Call) bool { return c.Param("ts") == r.TS && c.Error == "" }) {
		t.Errorf("the reminder changed without a chat.update of it")
	}
	var again []string
	for _, c := range b.fake.CallsTo("chat.postMessage")[posts:] {
		if c.Param("channel") == rep || c.Param("thread_ts") != "" {
			again = append(again, c.Param("text"))
		}
	}
	if len(again) > 0 {
		t.Errorf("posted to Sam again: %q", again)
	}
	if n := outboxCount(t, b.db, "status = 'failed'"); n != 0 {
		t.Errorf("%d outbox messages failed", n)
	}
}

// After the rep answers, from the DM or from the App Home, the reminder in
// the DM's thread says how they answered instead of still asking for the
// answer "above".
func TestTheReminderFollowsTheRepsAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		answer func(b *bot, dm fakeslack.Message)
		want   string
	}{
		{"confirmed in the DM", func(b *bot, dm fakeslack.Message) { b.confirmUpdates(rep, dm) },
			"Answered: you confirmed this 1:1 from "},
		{"confirmed in the App Home", func(b *bot, dm fakeslack.Message) {
			b.homeClick(rep, "rep_confirm")()
			b.dmUpdatedTo(dm, "You confirmed this")
		}, "Answered: you confirmed this 1:1 from "},
		{"marked not accurate in the DM", func(b *bot, dm fakeslack.Message) {
			if ack := b.dispute(dm, "We never talked pricing"); len(ack.Payload) != 0 {
				b.t.Fatalf("reason ack = %s", ack.Payload)
			}
			b.waitMessage(mgr, "session_edit")
		}, "Answered: you marked this 1:1 from "},
	} {
		t.Run(tt.name, func(t *testing.T) { reminderFollows(t, tt.answer, tt.want) })
	}
}

// The reminder follows what the manager does as the DM does: an undo
// withdraws it, taking Sam off the session says so, and an edit that asks
// Sam again after he answered asks again, naming the session as it is now.
func TestTheReminderFollowsTheManagersChanges(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		change func(b *bot, dm fakeslack.Message)
		want   string
	}{
		{"undone", func(b *bot, dm fakeslack.Message) {
			if _, err := b.fake.ClickResponseButton(ctxT(b.t), mgr, b.history("").URL, "session_undo"); err != nil {
				b.t.Fatal(err)
			}
		}, "Nothing to answer: <@" + mgr + "> withdrew this 1:1 from "},
		{"Sam taken off", func(b *bot, dm fakeslack.Message) {
			b.editLatest(values([]string{rep2}, "one_on_one", midweekDay, "30", ""))
		}, "Nothing to answer: <@" + mgr + "> took you off this 1:1 from "},
		{"answered, then edited", func(b *bot, dm fakeslack.Message) {
			b.confirmUpdates(rep, dm)
			r := b.reminder(dm)
			eventually(b.t, "the reminder to say Sam answered", func() bool {
				m, _ := b.fake.Message(r.Channel, r.TS)
				return strings.Contains(m.Text, "Answered")
			})
			b.editLatest(values([]string{rep}, "deal_review", midweekDay, "30", ""))
		}, "still waiting for your answer on this deal review from "},
	} {
		t.Run(tt.name, func(t *testing.T) { reminderFollows(t, tt.change, tt.want) })
	}
}

// A reminder still queued when the rep answers (Slack holding posts back
// with 429s) is never posted: the answer made it pointless, and its
// update, queued by the answer, goes nowhere rather than post it late or
// fail for want of it. Nor is it posted when an edit then asks Sam again
// before it goes: he was asked afresh a moment ago, not three days ago.
func TestAReminderQueuedWhenTheRepAnswersIsNeverPosted(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		after func(b *bot) // once Sam has answered, while the reminder waits
	}{
		{"answered", func(*bot) {}},
		{"answered, then asked again", func(b *bot) {
			b.editLatest(values([]string{rep}, "one_on_one", midweekDay, "50", ""))
			eventually(b.t, "Sam asked again", func() bool { return b.export()[0].Status == "pending" })
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, clk := startForReminder(t)
			dm := b.logPending()
			b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
			b.remindAt(clk, reminderDue)
			eventually(t, "the reminder held back by the rate limit", func() bool {
				return slices.ContainsFunc(b.fake.CallsTo("chat.postMessage"), func(c fakeslack.Call) bool {
					return c.Param("thread_ts") == dm.TS && c.Status == http.StatusTooManyRequests
				})
			})
			b.confirmUpdates(rep, dm)
			if n := outboxCount(t, b.db, "kind = 'rep_reminder' AND op = 'update'"); n != 1 {
				t.Fatalf("the answer queued %d updates of the reminder, want 1", n)
			}
			tt.after(b)
			b.fake.ClearFaults("chat.postMessage")
			b.noReminderIn(dm, "after Sam answered")
		})
	}
}

// outboxCount counts the outbox rows where holds.
func outboxCount(t *testing.T, path, where string) int {
	t.Helper()
	db := readOnly(t, path)
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM outbox WHERE ` + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Sam, asked again once the manager fixed the session he marked not
// accurate, gets a reminder of that asking three days after it, in the
// DM's thread under the first; it was one reminder per session and rep,
// and he was never reminded again. His answer then updates both.
func TestARepAskedAgainAfterADisputeIsRemindedAgain(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t)
	dm := b.logPending()
	b.remindAt(clk, reminderDue)
	first := b.reminder(dm)
	b.dispute(dm, "We never talked pricing")
	b.waitMessage(mgr, "session_edit")
	v := values([]string{rep}, "one_on_one", midweekDay, "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue("Fixed: no pricing")}
	b.editLatest(v)
	eventually(t, "Sam asked again", func() bool { return b.export()[0].Status == "pending" })

	b.remindAt(clk, reminderDue.Add(3*24*time.Hour+time.Hour)) // Thursday, 12:00 in Paris
	var second fakeslack.Message
	eventually(t, "a second reminder in the DM's thread", func() bool {
		for _, m := range b.fake.Messages(dm.Channel) {
			if m.ThreadTS == dm.TS && m.TS != dm.TS && m.TS != first.TS {
				second = m
			}
		}
		return second.TS != ""
	})
	mustContain(t, "the second reminder", second.Text, "still waiting for your answer")

	b.confirmUpdates(rep, dm)
	for _, r := range []fakeslack.Message{first, second} {
		eventually(t, "the reminder to say Sam answered", func() bool {
			m, _ := b.fake.Message(r.Channel, r.TS)
			return strings.Contains(m.Text, "Answered: you confirmed")
		})
	}
	b.stop()
	if n := outboxCount(t, b.db, "status = 'failed'"); n != 0 {
		t.Errorf("%d outbox messages failed", n)
	}
}

// A rep deactivated in Slack since the session was logged gets no
// reminder, as a deactivated rep counts in no nudge: nobody would read it,
// and Slack refuses a DM to a deactivated account. A rep still active on
// the same run is reminded.
func TestADeactivatedRepIsNotReminded(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t)
	b.logPending()
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep2}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	ria := b.dm(rep2, 1)
	b.deactivateSam()

	b.remindAt(clk, reminderDue)
	b.reminder(ria)
	if n := outboxCount(t, b.db, "kind='rep_reminder' AND recipient='"+rep+"'"); n != 0 {
		t.Errorf("%d reminders queued for Sam, deactivated; want none", n)
	}
}

// deactivateSam has Slack deactivate Sam's account, as a user_change
// says, and waits for the bot to store it.
func (b *bot) deactivateSam() {
	b.t.Helper()
	b.fake.AddUser(fakeslack.User{ID: rep, Name: "sam", RealName: "Sam Rep", Email: "sam@acme.test", TZ: "Europe/Paris", Deleted: true})
	if _, err := b.fake.Event(ctxT(b.t), map[string]any{"type": "user_change", "user": map[string]any{
		"id": rep, "team_id": b.fake.TeamID(), "name": "sam", "real_name": "Sam Rep", "tz": "Europe/Paris", "deleted": true,
		"profile": map[string]any{"real_name": "Sam Rep", "email": "sam@acme.test"},
	}}); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, "Sam stored as deactivated", func() bool { p, _ := b.storedPerson(rep); return p.Deleted })
}

// A reminder queued before Sam was deactivated in Slack (Slack holding
// posts back with 429s meanwhile) is not posted when its turn comes: he
// is no longer reminded, whenever his reminder was queued, and nothing
// fails for it.
func TestAReminderQueuedBeforeTheRepWasDeactivatedIsNotPosted(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t)
	dm := b.logPending()
	b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	b.remindAt(clk, reminderDue)
	eventually(t, "the reminder held back by the rate limit", func() bool {
		return slices.ContainsFunc(b.fake.CallsTo("chat.postMessage"), func(c fakeslack.Call) bool {
			return c.Param("thread_ts") == dm.TS && c.Status == http.StatusTooManyRequests
		})
	})
	b.deactivateSam()
	b.fake.ClearFaults("chat.postMessage")
	b.noReminderIn(dm, "to Sam, deactivated")
}

// noReminderIn waits until no reminder is pending, stops the bot, and
// fails if a reminder was posted in dm's thread (when says after what it
// should not have been) or any outbox message failed.
func (b *bot) noReminderIn(dm fakeslack.Message, when string) {
	b.t.Helper()
	eventually(b.t, "the reminder and its updates settled", func() bool {
		return outboxCount(b.t, b.db, "kind = 'rep_reminder' AND status = 'pending'") == 0
	})
	b.stop()
	for _, m := range b.fake.Messages(dm.Channel) {
		if m.ThreadTS == dm.TS && m.TS != dm.TS {
			b.t.Errorf("a reminder was posted %s: %q", when, m.Text)
		}
	}
	if n := outboxCount(b.t, b.db, "status = 'failed'"); n != 0 {
		b.t.Errorf("%d outbox messages failed", n)
	}
}
