package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// holdDMUpdates has Slack answer every chat.update with a 429, as Tier 3
// does on a busy morning: a DM update no click of the rep caused (an
// answer from the App Home, an undo) waits in the outbox until the test
// clears the faults.
func (b *bot) holdDMUpdates() {
	b.fake.FailNext("chat.update", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30})
}

// disputeFromHome has the rep mark the only session not accurate from
// their App Home, giving reason, and waits until it is stored.
func (b *bot) disputeFromHome(reason string) {
	b.t.Helper()
	in := b.homeClick(rep, "rep_dispute")()
	if ack := b.submitAs(rep, b.openedView(in), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(reason)}}); len(ack.Payload) != 0 {
		b.t.Fatalf("reason ack = %s", ack.Payload)
	}
	eventually(b.t, "disputed", func() bool { return b.export()[0].Status == "disputed" })
}

// A rep answers from the App Home or another device, and then clicks on
// a copy of their DM that does not show that answer yet (the DM's
// chat.update waits behind Tier 3, or the other device has not redrawn
// it). The click changes nothing; the rep is told why in plain words, and
// the click's response_url replaces the DM with the session as it is now,
// as a click on a version the manager has edited since is answered. Each
// of these was answered by silence, or by a form whose reason went
// nowhere; in a Home tab left open, Not accurate on a session marked so
// in the DM since says so at the top of the tab, as Confirm there does.
func TestAClickOnADMThatDoesNotShowTheAnswerGivenSaysWhereItStands(t *testing.T) {
	t.Parallel()
	t.Run("Confirm, confirmed in the Home since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		b.holdDMUpdates()
		b.homeClick(rep, "rep_confirm")()
		b.homeWith(rep, "Confirmed: ")

		in := b.must(b.fake.ClickStale(ctxT(t), rep, dm, "rep_confirm"))
		r := b.responseSaying(in.ResponseURL, "confirmed this session already")
		if r.ReplaceOriginal || strings.Contains(r.Text, "no_entry_sign") {
			t.Errorf("the answer %q (replace_original %v): want a new message saying where it stands, not a refusal", r.Text, r.ReplaceOriginal)
		}
		b.replacedWith(in.ResponseURL, "You confirmed this")
		if rows := b.export(); rows[0].Status != "confirmed" || rows[0].Rating != nil {
			t.Errorf("after the second Confirm: %+v", rows[0])
		}
		if strings.Contains(b.logs.String(), "level=ERROR") {
			t.Errorf("errors logged:\n%s", grepLines(b.logs.String(), "level=ERROR"))
		}
	})
	t.Run("the rating given, on a copy from before it", func(t *testing.T) {
		b := startBot(t)
		dm := b.logConfirmed()
		eventually(t, "the DM to offer a rating", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return len(rateButtons(m.Blocks)) == 5
		})
		before, _ := b.fake.Message(dm.Channel, dm.TS) // confirmed, not rated
		b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_4"))
		eventually(t, "the rating stored", func() bool { return b.ratingOf() == 4 })

		in := b.must(b.fake.ClickStale(ctxT(t), rep, before, "rep_rate_4"))
		b.responseSaying(in.ResponseURL, "rated this session 4/5 already")
		b.replacedWith(in.ResponseURL, "rated it *4/5*")
		if got := b.ratingOf(); got != 4 {
			t.Errorf("rating %d after the second click, want 4", got)
		}
	})
	t.Run("Not accurate, marked in the Home since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		b.holdDMUpdates()
		b.disputeFromHome("We never talked pricing")
		opened := len(b.fake.CallsTo("views.open"))

		// No form opens for a reason that would go nowhere.
		in := b.must(b.fake.ClickStale(ctxT(t), rep, dm, "rep_dispute"))
		b.responseSaying(in.ResponseURL, "marked this session not accurate already")
		b.replacedWith(in.ResponseURL, "You marked this *not accurate*")
		if n := len(b.fake.CallsTo("views.open")); n != opened {
			t.Errorf("Not accurate on a disputed session opened %d forms", n-opened)
		}

		// Confirm on the same copy is refused, as before, and now the
		// DM behind the refusal shows why.
		in = b.must(b.fake.ClickStale(ctxT(t), rep, dm, "rep_confirm"))
		b.responseSaying(in.ResponseURL, "You marked this session not accurate")
		b.replacedWith(in.ResponseURL, "You marked this *not accurate*")
		if rows := b.export(); rows[0].Status != "disputed" {
			t.Errorf("the stale Confirm changed the status to %s", rows[0].Status)
		}
	})
	t.Run("Not accurate in a Home tab left open, marked in the DM since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		click := b.homeClick(rep, "rep_dispute")
		if ack := b.dispute(dm, "We never talked pricing"); len(ack.Payload) != 0 {
			t.Fatalf("reason ack = %s", ack.Payload)
		}
		eventually(t, "disputed", func() bool { return b.export()[0].Status == "disputed" })
		opened := len(b.fake.CallsTo("views.open"))

		click()
		b.homeWith(rep, "marked this session not accurate already")
		if n := len(b.fake.CallsTo("views.open")); n != opened {
			t.Errorf("Not accurate on a disputed session opened %d forms", n-opened)
		}
	})
	t.Run("a reason form open while the Home marked it", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		viewID := b.openedView(b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_dispute")))
		b.holdDMUpdates()
		b.disputeFromHome("We never talked pricing")
		b.waitMessage(mgr, "session_edit") // the manager's notice of the first reason

		ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Only 20 minutes")}})
		if errs := errorsOf(t, ack); !strings.Contains(errs["reason"], "not accurate already") {
			t.Fatalf("the second reason's form answered %s, want it kept open saying the session was marked already", ack.Payload)
		}
		eventually(t, "the DM replaced with the answer given", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), "We never talked pricing")
		})
	})
	t.Run("Confirm, withdrawn since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		b.holdDMUpdates()
		b.response(b.clickInHistory("", "session_undo").ResponseURL)

		in := b.must(b.fake.ClickStale(ctxT(t), rep, dm, "rep_confirm"))
		b.responseSaying(in.ResponseURL, "withdrawn")
		b.replacedWith(in.ResponseURL, "withdrew this session")
	})
}
