package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// homeWith waits for user's Home tab to be published with a notice at its
// top holding want, and returns its blocks.
func (b *bot) homeWith(user, want string) json.RawMessage {
	b.t.Helper()
	var blocks json.RawMessage
	eventually(b.t, user+"'s Home saying "+want, func() bool {
		_, blocks = homeBlocks(b.t, b, user)
		return strings.Contains(firstBlockText(blocks), want)
	})
	return blocks
}

// dmUpdatedTo waits for the rep's DM to read want, changed by chat.update:
// a click in the Home tab carries no response_url to replace it with.
func (b *bot) dmUpdatedTo(dm fakeslack.Message, want string) {
	b.t.Helper()
	eventually(b.t, "the DM to read "+want, func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), want)
	})
	if !slices.ContainsFunc(b.fake.CallsTo("chat.update"), func(c fakeslack.Call) bool { return c.Param("ts") == dm.TS && c.Error == "" }) {
		b.t.Errorf("the DM changed without a chat.update of it")
	}
}

// A rep who lost or muted the DM answers from the App Home: each session
// waiting for them is listed there with the DM's Confirm and Not accurate.
// Confirm stores the answer as the DM's does, updates the DM with
// chat.update and republishes the tab, saying so at its top; Not accurate
// opens the DM's own form, and its reason reaches the manager.
func TestARepAnswersFromTheHomeTab(t *testing.T) {
	t.Parallel()
	t.Run("confirm", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		in := b.homeClick(rep, "rep_confirm")()
		if a, err := b.fake.AwaitAck(ctxT(t), in.EnvelopeID); err != nil || len(a.Payload) != 0 {
			t.Fatalf("ack %s, %v", a.Payload, err)
		}
		eventually(t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
		b.dmUpdatedTo(dm, "You confirmed this")
		blocks := b.homeWith(rep, "Confirmed: <@"+mgr+"> logged a *1:1* with you")
		if ids := actionIDs(blocks); slices.Contains(ids, "rep_confirm") || slices.Contains(ids, "rep_dispute") {
			t.Errorf("the republished Home still asks about the confirmed session: %v", ids)
		}
		mustContain(t, "Sam's Home", blocksText(blocks), "1 session, all answered")
	})
	t.Run("not accurate", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		fromDM := b.viewsOpen(b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_dispute")))
		in := b.homeClick(rep, "rep_dispute")()
		if got, want := formShown(t, b.viewsOpen(in)), formShown(t, fromDM); got != want {
			t.Errorf("Not accurate in the Home opened\n%s\nwant the DM's form\n%s", got, want)
		}
		ack := b.submitAs(rep, b.openedView(in), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("We never talked pricing")}})
		if len(ack.Payload) != 0 {
			t.Fatalf("reason ack = %s", ack.Payload)
		}
		eventually(t, "disputed", func() bool { return b.export()[0].Status == "disputed" })
		b.dmUpdatedTo(dm, "You marked this *not accurate*")
		b.waitMessage(mgr, "session_edit") // the manager's notice, with Edit
		if ids := actionIDs(b.homeWith(rep, "Marked not accurate: <@"+mgr+"> logged a *1:1* with you")); slices.Contains(ids, "rep_confirm") {
			t.Errorf("the republished Home still asks about the disputed session: %v", ids)
		}
	})
}

// formShown is a views.open call's view without its private_metadata,
// which says where the form was opened from.
func formShown(t *testing.T, c fakeslack.Call) string {
	t.Helper()
	var v map[string]any
	if err := c.Decode("view", &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "private_metadata")
	return mustJSON(v)
}

// A Home tab left open goes stale. Confirm on a session answered since
// (in the DM) says where it stands, not an error, and changes nothing; on
// a session edited since it is refused, as the DM's old buttons are, and
// the tab comes back with the session as it is now, whose Confirm works.
// A Not accurate form opened from the tab before an edit is refused in
// the form, pointing at the tab, which is republished behind it.
func TestAStaleHomeTabAnswersSensibly(t *testing.T) {
	t.Parallel()
	t.Run("confirmed in the DM since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		click := b.homeClick(rep, "rep_confirm")
		b.confirmUpdates(rep, dm)
		updates := len(b.fake.CallsTo("chat.update"))
		click()
		blocks := b.homeWith(rep, "Confirmed: <@"+mgr+"> logged a *1:1* with you")
		if text := firstBlockText(blocks); strings.Contains(text, "no_entry_sign") || strings.Contains(text, "went wrong") {
			t.Errorf("the second Confirm is answered %q", text)
		}
		if rows := b.export(); rows[0].Status != "confirmed" || rows[0].Rating != nil {
			t.Errorf("after the second Confirm: %+v", rows[0])
		}
		b.stop() // every handler and delivery has finished
		if n := len(b.fake.CallsTo("chat.update")); n != updates {
			t.Errorf("the second Confirm updated the DM again: %d chat.update calls, want %d", n, updates)
		}
		if strings.Contains(b.logs.String(), "level=ERROR") {
			t.Errorf("errors logged:\n%s", grepLines(b.logs.String(), "level=ERROR"))
		}
	})
	t.Run("edited since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		click := b.homeClick(rep, "rep_confirm")
		b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))
		eventually(t, "the edit's DM update", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), "30 → 50 min")
		})
		click()
		blocks := b.homeWith(rep, "changed after your Home tab showed it")
		if rows := b.export(); rows[0].Status != "pending" {
			t.Fatalf("the stale Confirm changed the status to %s", rows[0].Status)
		}
		if v := buttonValue(t, blocks, "rep_confirm"); !strings.HasSuffix(v, ":2") {
			t.Fatalf("the republished Home's Confirm is %q, want the edited version 2", v)
		}
		mustContain(t, "Sam's Home", blocksText(blocks), "50 min")
		b.homeClick(rep, "rep_confirm")()
		eventually(t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
		b.dmUpdatedTo(dm, "You confirmed this")
	})
	t.Run("edited while the form was open", func(t *testing.T) {
		b := startBot(t)
		b.logPending()
		viewID := b.openedView(b.homeClick(rep, "rep_dispute")())
		b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))
		publishes := publishesTo(b, rep)
		ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("We never talked pricing")}})
		if errs := errorsOf(t, ack); !strings.Contains(errs["reason"], "changed after your Home tab showed it") {
			t.Errorf("the reason on the older version acked %s, want it refused pointing at the Home tab", ack.Payload)
		}
		if rows := b.export(); rows[0].Status != "pending" {
			t.Fatalf("the refused reason changed the status to %s", rows[0].Status)
		}
		eventually(t, "the Home tab behind the form republished", func() bool {
			_, blocks := homeBlocks(t, b, rep)
			return publishesTo(b, rep) > publishes && strings.Contains(blocksText(blocks), "50 min")
		})
	})
}

// Only the rep answers for themselves from the Home tab too: a click
// crafted to carry another rep's session (their id, or the clicker's own
// id on a session they are not on) is refused at the top of the clicker's
// own tab, opens no form, and changes nothing, the rep's DM included.
func TestAHomeClickOnAnotherRepsSessionIsRefused(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()
	row := b.export()[0]
	if _, err := b.fake.AppHomeOpened(ctx, other, "home"); err != nil {
		t.Fatal(err)
	}
	var view map[string]any
	eventually(t, "Olly's Home", func() bool {
		raw, ok := b.fake.Home(other)
		return ok && json.Unmarshal(raw, &view) == nil
	})
	updates, forms := len(b.fake.CallsTo("chat.update")), len(b.fake.CallsTo("views.open"))
	for _, tt := range []struct{ action, value, want string }{
		{"rep_confirm", fmt.Sprintf("%d:%s:1", row.ID, rep), "Only <@" + rep + "> can answer"},
		{"rep_dispute", fmt.Sprintf("%d:%s:1", row.ID, rep), "Only <@" + rep + "> can answer"},
		{"rep_confirm", fmt.Sprintf("%d:%s:1", row.ID, other), "You are not on this session"},
		{"rep_dispute", fmt.Sprintf("%d:%s:1", row.ID, other), "You are not on this session"},
	} {
		before := publishesTo(b, other)
		id, err := b.fake.Send(ctx, "interactive", map[string]any{
			"type": "block_actions", "user": map[string]any{"id": other, "username": "olly", "team_id": b.fake.TeamID()},
			"api_app_id": b.fake.AppID(), "token": fakeslack.VerificationToken, "trigger_id": "1337.42.forged",
			"team": map[string]any{"id": b.fake.TeamID()}, "container": map[string]any{"type": "view", "view_id": view["id"]},
			"view": view, "actions": []any{map[string]any{"type": "button", "action_id": tt.action, "block_id": fmt.Sprintf("home_r%d", row.ID),
				"value": tt.value, "action_ts": "1700000000.000001"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.fake.AwaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
		eventually(t, tt.action+" "+tt.value+" refused in Olly's Home", func() bool {
			_, blocks := homeBlocks(t, b, other)
			return publishesTo(b, other) > before && strings.Contains(firstBlockText(blocks), tt.want)
		})
	}
	if n := len(b.fake.CallsTo("views.open")) - forms; n != 0 {
		t.Errorf("%d forms opened for clicks on another rep's session", n)
	}
	if rows := b.export(); rows[0].Status != "pending" {
		t.Errorf("after the refused clicks the session is %s", rows[0].Status)
	}
	b.stop()
	if n := len(b.fake.CallsTo("chat.update")); n != updates {
		t.Errorf("the refused clicks updated a DM: %d chat.update calls, want %d", n, updates)
	}
	if m, _ := b.fake.Message(dm.Channel, dm.TS); !slices.Contains(actionIDs(m.Blocks), "rep_confirm") {
		t.Errorf("Sam's DM no longer asks: %s", blocksText(m.Blocks))
	}
}

// The rep's Home counts the 20 sessions it reads: at 20 it counts them
// all; from the 21st it says it counts the latest 20, and where older
// ones are, rather than pass 20 off as everything.
func TestARepsHomeSaysItCountsTheLatestTwenty(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	home := func() string {
		before := publishesTo(b, rep)
		if _, err := b.fake.AppHomeOpened(ctxT(t), rep, "home"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "Sam's Home", func() bool { return publishesTo(b, rep) > before })
		_, blocks := homeBlocks(t, b, rep)
		return blocksText(blocks)
	}
	for i := range 20 {
		if got := b.command(mgr, fmt.Sprintf("<@%s|sam> 1:1 %dm yesterday", rep, 10+i)); !strings.Contains(got, "Logged") {
			t.Fatalf("capture %d: %s", i, got)
		}
	}
	if text := home(); !strings.Contains(text, "*Coaching you received*: 20 sessions, 20 waiting") || strings.Contains(text, "Older") {
		t.Errorf("twenty sessions:\n%s", text)
	}
	b.command(mgr, "<@"+rep+"|sam> 1:1 45m")
	mustContain(t, "Sam's Home after 21 sessions", home(), "your 20 latest sessions, 20 of them waiting", "Older ones are not counted here")
}
