package main

import (
	"strings"
	"testing"
)

// A rep's DM holds the session's notes: its buttons answer through the
// click's response_url only where that DM is, the app's DM with the rep. A
// copy of it anywhere else (a channel it was forwarded to, should Slack
// keep its buttons working there) is not replaced with the session as it
// now stands, notes included, in front of everyone in that channel: the
// rep's answer stands, and their DM is updated with chat.update.
func TestARepsClickOnACopyOutsideTheirDMPutsNothingThere(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logPending()
	if !strings.HasPrefix(dm.Channel, "D") {
		t.Fatalf("the rep's DM is in %s, not a D… channel", dm.Channel)
	}
	copied := dm
	copied.Channel = "C0SALES"
	in := b.must(b.fake.ClickStale(ctxT(t), rep, copied, "rep_confirm"))
	eventually(t, "the rep's DM updated after Confirm", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "You confirmed this")
	})
	if rows := b.export(); len(rows) != 1 || rows[0].Status != "confirmed" {
		t.Errorf("export after the Confirm = %+v, want confirmed", rows)
	}
	// The Confirm's one update of the DM went by chat.update, not through
	// the copy's response_url, and nothing else was said there.
	for _, r := range b.fake.Responses() {
		if r.URL == in.ResponseURL {
			t.Errorf("the click on the copy in C0SALES was answered there (replace %v): %q", r.ReplaceOriginal, r.Text+blocksText(r.Blocks))
		}
	}
}
