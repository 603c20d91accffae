package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// submitAs submits a view as user and returns the ack.
func (b *bot) submitAs(user, viewID string, v map[string]map[string]any, opts ...fakeslack.EnvelopeOption) fakeslack.Ack {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SubmitView(ctx, user, viewID, v, opts...)
	if err != nil {
		b.t.Fatal(err)
	}
	a, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		b.t.Fatal(err)
	}
	return a
}

// errorKeys reads the block_ids a view_submission ack puts errors under.
func errorKeys(t *testing.T, ack fakeslack.Ack) []string {
	t.Helper()
	if len(ack.Payload) == 0 {
		t.Fatalf("ack = %s, want response_action errors", ack.Payload)
	}
	return slices.Collect(maps.Keys(errorsOf(t, ack)))
}

// The rep's forms answer a refused reason or comment under their one input
// block, never under a key Slack cannot show (the comment's error was keyed
// "comment", the domain's field, and Slack showed a generic error instead).
func TestDisputeAndCommentFormsShowErrorsOnTheirInput(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed()
	viewID := b.openedView(b.clickComment(dm))
	// Over the 1,000 a comment may hold: the form's max_length keeps a
	// person from sending it, so only a crafted submission can.
	long := strings.Repeat("c", 1001)
	ack := b.submitAs(rep, viewID, nil, fakeslack.Forged(map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(long)}}))
	if keys := errorKeys(t, ack); len(keys) != 1 || keys[0] != "reason" || ack.Problem != "" {
		t.Fatalf("comment too long: errors under %v, problem %q; want them under the input block \"reason\"", keys, ack.Problem)
	}
	if ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Useful, thanks")}}); len(ack.Payload) != 0 {
		t.Fatalf("a fine comment: ack %s", ack.Payload)
	}
	eventually(t, "the comment in the rep's DM", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Useful, thanks")
	})

	viewID2, _ := b.openModal("")
	b.submit(viewID2, values([]string{rep2}, "one_on_one", b.today("America/New_York"), "30", ""))
	dm2 := b.dm(rep2, 1)
	viewID = b.openedView(b.must(b.fake.ClickButton(ctx, rep2, dm2.Channel, dm2.TS, "rep_dispute")))
	// A reason past the form's max_length only a crafted submission sends.
	for _, reason := range []string{"   ", strings.Repeat("r", 1001)} {
		v := map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(reason)}}
		var opts []fakeslack.EnvelopeOption
		if len(reason) > 1000 {
			v, opts = nil, []fakeslack.EnvelopeOption{fakeslack.Forged(v)}
		}
		ack := b.submitAs(rep2, viewID, v, opts...)
		if keys := errorKeys(t, ack); len(keys) != 1 || keys[0] != "reason" || ack.Problem != "" {
			t.Fatalf("dispute reason of %d characters: errors under %v, problem %q", len(reason), keys, ack.Problem)
		}
	}
	if rows := b.export(); rows[1].Status != "pending" {
		t.Fatalf("a refused dispute changed the status to %s", rows[1].Status)
	}
}
