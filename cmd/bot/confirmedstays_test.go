package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// noNotice fails the test if the manager got a not-accurate notice: the
// rep's Confirm stands, so there is nothing to fix.
func (b *bot) noNotice() {
	b.t.Helper()
	for _, m := range b.fake.Messages(mgr) {
		if strings.Contains(m.Text, "not accurate") {
			b.t.Errorf("the manager was told the session is not accurate: %q", m.Text)
		}
	}
}

// A rep who confirmed (and rated) a session is never offered Not accurate
// again for it: their DM and Home tab show the rating buttons in its place
// until the manager changes the session. A copy drawn before the Confirm
// still shows the button (the DM on another device, a Home tab left open,
// a reason form opened before it), and it took the session to disputed:
// the rating the rep gave was wiped without a word, the manager was sent a
// notice to fix a session the rep had confirmed, and every count moved
// from confirmed to disputed. It is refused as a Confirm on a copy from
// before a Not accurate is, and the rep is shown where they stand.
func TestNotAccurateOnACopyFromBeforeTheConfirmChangesNothing(t *testing.T) {
	t.Parallel()
	stays := func(b *bot) {
		b.t.Helper()
		if rows := b.export(); len(rows) != 1 || rows[0].Status != "confirmed" || rows[0].Rating == nil || *rows[0].Rating != 4 {
			b.t.Errorf("export after the stale Not accurate = %+v, want confirmed and rated 4", rows)
		}
		b.noNotice()
	}
	// confirmedAndRated logs a session Sam confirms and rates 4 on his DM;
	// it returns the DM as first posted, before the Confirm.
	confirmedAndRated := func(b *bot) fakeslack.Message {
		dm := b.logConfirmed()
		eventually(b.t, "the DM to offer a rating", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return len(rateButtons(m.Blocks)) == 5
		})
		b.must(b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_rate_4"))
		eventually(b.t, "the rating stored", func() bool { return b.ratingOf() == 4 })
		return dm
	}
	t.Run("on the DM", func(t *testing.T) {
		b := startBot(t)
		dm := confirmedAndRated(b)
		opened := len(b.fake.CallsTo("views.open"))
		in := b.must(b.fake.ClickStale(ctxT(t), rep, dm, "rep_dispute"))
		b.responseSaying(in.ResponseURL, "You confirmed this session already and rated it 4/5, so nothing changed")
		b.replacedWith(in.ResponseURL, "You confirmed this and rated it *4/5*")
		if n := len(b.fake.CallsTo("views.open")); n != opened {
			t.Errorf("Not accurate on a confirmed session opened %d forms", n-opened)
		}
		stays(b)
	})
	t.Run("a reason form opened before the Confirm", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		viewID := b.openedView(b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_dispute")))
		b.confirmUpdates(rep, dm)
		b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_4"))
		eventually(t, "the rating stored", func() bool { return b.ratingOf() == 4 })

		ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("It was 15 minutes")}})
		if errs := errorsOf(t, ack); !strings.Contains(errs["reason"], "You confirmed this session") {
			t.Fatalf("the reason's form answered %s, want it kept open saying the session was confirmed", ack.Payload)
		}
		stays(b)
	})
	t.Run("in a Home tab left open", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		click := b.homeClick(rep, "rep_dispute")
		b.confirmUpdates(rep, dm)
		b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_4"))
		eventually(t, "the rating stored", func() bool { return b.ratingOf() == 4 })
		opened := len(b.fake.CallsTo("views.open"))

		click()
		b.homeWith(rep, "You confirmed this session already and rated it 4/5, so nothing changed")
		if n := len(b.fake.CallsTo("views.open")); n != opened {
			t.Errorf("Not accurate on a confirmed session opened %d forms", n-opened)
		}
		stays(b)
	})
}
