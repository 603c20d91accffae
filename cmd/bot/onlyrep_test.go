package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Every button of a rep's DM answers that rep alone: shown to the manager
// who logged it, another rep of the same team meeting or anyone else (the
// bot's slip: Slack shows the rep's DM to nobody else), it refuses them
// privately, no form opens for them, and nothing changes.
func TestOnlyTheRepAnswersTheirDM(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", b.today("America/New_York"), "60", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	b.dm(rep2, 1)
	// Posted to the user id: no conversations.open round trip.
	for _, c := range b.fake.CallsTo("chat.postMessage") {
		if ch := c.Param("channel"); ch != rep && ch != rep2 {
			t.Errorf("a DM was posted to channel %s, want the rep's user id", ch)
		}
	}
	if n := len(b.fake.CallsTo("conversations.open")); n != 0 {
		t.Errorf("%d conversations.open calls; DMs go to the user id", n)
	}
	refused := func(who, action string, m fakeslack.Message) {
		t.Helper()
		shown := b.misdeliver(who, m.Text, m.Blocks)
		in, err := b.fake.ClickButton(ctx, who, shown.Channel, shown.TS, action)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool {
			return r.URL == in.ResponseURL && !r.ReplaceOriginal && strings.Contains(r.Text+string(r.Blocks), "Only <@"+rep+">")
		}); err != nil {
			t.Fatalf("%s pressing %s: %v", who, action, err)
		}
		for _, c := range b.fake.CallsTo("views.open") {
			if c.Param("trigger_id") == in.TriggerID {
				t.Errorf("%s pressing %s opened a form", who, action)
			}
		}
	}
	refused(mgr, "rep_confirm", dm)
	refused(rep2, "rep_dispute", dm)
	refused(other, "rep_dispute", dm)
	for _, r := range b.export() {
		if r.Status != "pending" {
			t.Fatalf("after refused clicks %s is %s", r.RepID, r.Status)
		}
	}

	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		t.Fatal(err)
	}
	var confirmed fakeslack.Message
	eventually(t, "the DM with ratings", func() bool {
		confirmed, _ = b.fake.Message(dm.Channel, dm.TS)
		return slices.Contains(actionIDs(confirmed.Blocks), "rep_rate_1") && slices.Contains(actionIDs(confirmed.Blocks), "rep_comment")
	})
	refused(mgr, "rep_rate_5", confirmed)
	refused(rep2, "rep_rate_1", confirmed)
	refused(other, "rep_comment", confirmed)
	for _, r := range b.export() {
		if r.Rating != nil {
			t.Errorf("%s has rating %d after others pressed their buttons", r.RepID, *r.Rating)
		}
		if want := map[string]string{rep: "confirmed", rep2: "pending"}[r.RepID]; r.Status != want {
			t.Errorf("%s is %s, want %s", r.RepID, r.Status, want)
		}
	}
}
