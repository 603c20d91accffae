package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeopenai"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// inputBlockIDs lists the block_ids of a view's input blocks.
func inputBlockIDs(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var v struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range v.Blocks {
		if b.Type == "input" {
			ids = append(ids, b.BlockID)
		}
	}
	return ids
}

// A submission the bot cannot read (here a number input's value arrives as
// a JSON number where Slack sends a string, which only a crafted payload
// does) is not taken for a success: the modal stays open with an inline
// error on one of its inputs saying what to do, and nothing is stored. The
// same form submitted readably then logs.
func TestUnreadableSubmissionKeepsTheFormOpenWithAnInlineError(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")
	ack := b.submitAs(mgr, viewID, v, fakeslack.Forged(map[string]map[string]any{
		"duration": {"duration": map[string]any{"type": "number_input", "value": 30}}})).Payload

	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" || len(resp.Errors) != 1 {
		t.Fatalf("ack = %s, want response_action errors", ack)
	}
	view, ok := b.fake.View(viewID)
	if !ok {
		t.Fatal("the view is gone")
	}
	inputs := inputBlockIDs(t, view)
	for block, msg := range resp.Errors {
		if !slices.Contains(inputs, block) {
			t.Errorf("error keyed %q, not an input block of the view (%v)", block, inputs)
		}
		if !strings.Contains(msg, "submit again") {
			t.Errorf("error %q does not say what to do", msg)
		}
	}
	if !slices.Contains(b.fake.OpenModals(mgr), viewID) {
		t.Fatal("the modal closed on an unreadable submission")
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("an unreadable submission stored %+v", rows)
	}

	v["duration"] = map[string]any{"duration": fakeslack.NumberValue("30")}
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("the corrected submission answered %s", ack)
	}
	if rows := b.export(); len(rows) != 1 || rows[0].DurationMin != 30 {
		t.Fatalf("after the corrected submission: %+v", rows)
	}
}

// A submission whose view's blocks the bot cannot read, from a form whose
// reps an update replaced (a prose capture: the model read one rep where
// the rule parser took both people mentioned), is answered under the reps input as the
// form has it now, reps.N, read from the view's state. It was keyed
// "reps", a block the form no longer has: Slack refuses that and shows
// the person its generic error.
func TestAnUnreadableSubmissionOfARevisedFormIsAnsweredUnderItsInput(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, false)...)
	ai.Enqueue(fakeopenai.JSON(honestReading())) // Sam alone
	viewID := b.openedViewID(b.proseCapture(rodeAlong + " with <@" + rep2 + "|ria>"))
	repsBlock := b.blockOf(viewID, "reps")
	if repsBlock == "reps" {
		t.Fatal("the update kept the reps' block id: this test needs a form whose reps were revised")
	}
	ctx := ctxT(t)
	in, err := b.fake.SubmitView(ctx, mgr, viewID, map[string]map[string]any{"duration": {"duration": fakeslack.NumberValue("30")}},
		fakeslack.ViewFields(map[string]any{"blocks": "not a list"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if errs := errorsOf(t, a); len(errs) != 1 || !strings.Contains(errs[repsBlock], "submit again") {
		t.Errorf("ack = %s; want the unreadable form's error under %s", a.Payload, repsBlock)
	}
	for _, p := range b.fake.Problems() {
		t.Errorf("real Slack would refuse this: %s", p)
	}
	if !slices.Contains(b.fake.OpenModals(mgr), viewID) {
		t.Error("the modal closed on an unreadable submission")
	}
	if rows := b.export(); len(rows) != 0 {
		t.Errorf("an unreadable submission stored %+v", rows)
	}
}
