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

// A rep answers from the App Home or another device, and then clicks on
// a copy of their DM that does not show that answer yet (the DM's
// chat.update waits behind Tier 3, or the other device has not redrawn
// it). The click changes nothing; the rep is told why in plain words, and
// the click's response_url replaces the DM with the session as it is now,
// as a click on a version the manager has edited since is answered. Each
// of these was answered by silence.
func TestAClickOnADMThatDoesNotShowTheAnswerGivenSaysWhereItStands(t *testing.T) {
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
}
