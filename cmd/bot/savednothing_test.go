package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A manager who reads a rep's "not accurate", finds the log right and
// saves the form from their receipt unchanged (which asks the rep again)
// gets the receipt back saying "Saved: nothing changed". Its text, what a
// screen reader and a client without blocks give, said "Updated: 1:1 with
// @sam …" of that same save: an update of nothing, against the blocks
// above it.
func TestAReceiptSavedWithNothingChangedDoesNotSayUpdated(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.logReceipted()
	var receipt fakeslack.Response
	for _, r := range b.fake.Responses() {
		if strings.HasPrefix(r.Text, "Logged: ") {
			receipt = r
		}
	}
	b.dispute(b.dm(rep, 1), "We never talked pricing")
	eventually(t, "disputed", func() bool { return b.export()[0].Status == "disputed" })

	in := b.must(b.fake.ClickResponseButton(ctxT(t), mgr, receipt.URL, "session_edit"))
	if _, ack := b.submit(b.openedView(in), values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	r := b.replacedWith(in.ResponseURL, "Saved: nothing changed")
	if strings.Contains(r.Text, "Updated") || !strings.Contains(r.Text, "nothing changed") {
		t.Errorf("the receipt's text reads %q under blocks saying %q", r.Text, blocksText(r.Blocks))
	}
	if ids := actionIDs(r.Blocks); !slices.Contains(ids, "session_edit") || !slices.Contains(ids, "session_undo") {
		t.Errorf("the receipt lost its buttons: %v", ids)
	}
}

// A manager who finds the log of a disputed session right saves its form
// from the not-accurate notice unchanged: the rep is asked again, and
// their DM, its text the notification, said "Updated: looked at again,
// nothing changed", an update of nothing beside the manager's own
// "Saved: nothing changed". It says the session was looked at again.
func TestARepAskedAgainAfterASaveOfNothingIsNotToldItWasUpdated(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	// (In the notice's thread; a form saved within moments of the notice's
	// post can find its ts not recorded yet, and the reply goes unthreaded.)
	eventually(t, "the manager's reply saying nothing changed", func() bool {
		return slices.ContainsFunc(b.fake.Messages(mgr), func(m fakeslack.Message) bool {
			return m.TS != notice.TS && strings.Contains(m.Text, "Saved: nothing changed")
		})
	})
	dm := b.dm(rep, 1)
	var m fakeslack.Message
	eventually(t, "the rep's DM asking again", func() bool {
		m, _ = b.fake.Message(dm.Channel, dm.TS)
		return slices.Contains(actionIDs(m.Blocks), "rep_confirm")
	})
	mustContain(t, "the rep's DM", blocksText(m.Blocks), "Looked at again, nothing changed. Please confirm again.")
	if text := blocksText(m.Blocks) + m.Text; strings.Contains(text, "Updated") {
		t.Errorf("the rep's DM says it was updated, of a save that changed nothing: %q\n%s", m.Text, blocksText(m.Blocks))
	}
	if !strings.HasPrefix(m.Text, "Looked at again, nothing changed: <@"+mgr+"> logged a 1:1 with you") || !strings.HasSuffix(m.Text, ": please confirm again") {
		t.Errorf("the rep's DM's text reads %q", m.Text)
	}
}
