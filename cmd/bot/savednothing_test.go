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
