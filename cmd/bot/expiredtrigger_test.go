package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A bot that fell behind (the machine busy, a burst of /coach) came to a
// form's views.open after its trigger had died, and sent it all the same:
// thousands at once, which Slack refuses expired_trigger_id. A form whose
// envelope arrived more than a trigger's 3 s before, on the bot's clock,
// is not sent now; the manager is told the form did not open, as Slack's
// refusal told them. Here the form's reads wait on a locked table while
// the clock moves past the trigger's life.
func TestAFormWhoseTriggerHasExpiredIsNotSent(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	release := lockTables(t, ctx, db, "people")
	in := b.must(b.fake.SlashCommand(ctx, mgr, "/coach", ""))
	// Acked before the form's reads, which wait for the lock (a second
	// at most): meanwhile the bot's clock, and Slack's, pass the trigger.
	if _, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(4 * time.Second)
	told, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	release()
	if !strings.Contains(told.Text, notOpened) || !strings.Contains(told.Text, "Type `/coach` again") {
		t.Errorf("the manager was told %q, want that the form did not open", told.Text)
	}
	for _, c := range b.fake.CallsTo("views.open") {
		if c.Param("trigger_id") == in.TriggerID {
			t.Errorf("views.open was sent for the expired trigger (answered %q)", c.Error)
		}
	}
}

// A command left pending by a crash is acted on when serve starts again,
// long after its trigger died: one whose capture the domain refuses (the
// manager named as their own rep) would open the form, and its views.open
// was sent all the same, for Slack to refuse expired_trigger_id. Its age
// is now judged from when it was accepted, on the bot's clock: no call,
// and the manager is told it was not logged, as Slack's refusal told them.
func TestAReplayedCommandsExpiredTriggerIsNotSent(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now)
	b.stop()
	// The command came, was accepted and acknowledged, and the bot died
	// before acting on it; it starts again a minute on.
	trigger := b.fake.IssueTrigger(mgr)
	url := b.fake.IssueResponseURL(mgr, mgr)
	payload, err := json.Marshal(map[string]string{"command": "/coach", "text": "<@" + mgr + "|max> 1:1 30m pricing", "user_id": mgr,
		"trigger_id": trigger, "response_url": url})
	if err != nil {
		t.Fatal(err)
	}
	svc, done := b.sideService()
	if _, _, err := svc.Accept(context.Background(), coaching.Command{Key: "cmd:" + trigger, UserID: mgr, Payload: payload, ReceivedAt: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	done()
	clk.Advance(time.Minute)
	b.start()

	told, err := b.fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool { return r.URL == url })
	if err != nil {
		t.Fatalf("%v\n%s", err, b.logs)
	}
	if text := told.Text + " " + blocksText(told.Blocks); !strings.Contains(text, "Not logged") || !strings.Contains(text, "Type `/coach` to use the form") {
		t.Errorf("the manager was told %q, want that it was not logged and how to use the form", text)
	}
	// The form that would have held the words did not open: they come back.
	if text := told.Text + " " + blocksText(told.Blocks); !strings.Contains(text, "what you typed") || !strings.Contains(text, "1:1 30m pricing") {
		t.Errorf("the manager was told %q, want what they typed given back", text)
	}
	for _, c := range b.fake.CallsTo("views.open") {
		if c.Param("trigger_id") == trigger {
			t.Errorf("views.open was sent for the replayed command's expired trigger (answered %q)", c.Error)
		}
	}
}
