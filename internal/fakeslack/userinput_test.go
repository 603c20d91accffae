package fakeslack

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Forged sends what no person could, for a test of the app's own checks:
// the submission carries the crafted values as given beside those typed,
// and the view keeps what was typed.
func TestForgedSubmissionIsSentAsGiven(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	modal := sessionModal("Forged")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("role", label("Role"), nil, slack.NewRadioButtonsBlockElement("role", slack.NewOptionBlockObject("lead", label("Lead"), nil))))
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	in, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, map[string]map[string]any{"notes": {"notes_input": TextValue("typed")}},
		Forged(map[string]map[string]any{"role": {"role": RadioValue("boss")}}))
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request, map[string]any{"response_action": "errors", "errors": map[string]string{"role": "No such role"}})
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	if st["role"]["role"].SelectedOption.Value != "boss" || st["notes"]["notes_input"].Value != "typed" {
		t.Errorf("a forged submission sent role %+v and notes %q, want boss and typed", st["role"]["role"].SelectedOption, st["notes"]["notes_input"].Value)
	}
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	if raw, _ := fake.View(opened.View.ID); strings.Contains(string(raw), "boss") || !strings.Contains(string(raw), "typed") {
		t.Errorf("a forged submission changed the view, or lost what was typed: %s", raw)
	}
}
