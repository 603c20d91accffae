package fakeslack

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Slack shows a modal only to the user it was opened for and a Home tab
// only to the user it was published to, so nobody else can click in
// them: the fake refuses such a click and leaves the view as it was.
func TestClickViewActionOnlyByTheViewsUser(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	blocks := []slack.Block{
		slack.NewActionBlock("pick", slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "rep")),
		buttonsBlock("go", [2]string{"go", "1"}),
	}
	modal := sessionModal("Log")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet, blocks...)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	home, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE",
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct{ name, viewID string }{
		{"modal", opened.View.ID},
		{"home tab", home.View.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pick := map[string]map[string]any{"pick": {"rep": UserValue("U0BOB")}}
			if _, err := fake.ClickViewAction(ctx, "U0BOB", tt.viewID, "pick", "rep", pick); err == nil || !strings.Contains(err.Error(), "U0ALICE") {
				t.Errorf("a click by another user gave %v, want a refusal naming the view's user", err)
			}
			if raw, _ := fake.View(tt.viewID); strings.Contains(string(raw), "U0BOB") {
				t.Errorf("the refused click changed the view's state: %s", raw)
			}

			if _, err := fake.ClickViewAction(ctx, "U0ALICE", tt.viewID, "go", "go", nil); err != nil {
				t.Fatal(err)
			}
			evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
			_ = sm.Ack(*evt.Request)
			cb := evt.Data.(slack.InteractionCallback)
			if cb.User.ID != "U0ALICE" || cb.View.ID != tt.viewID || len(cb.ActionCallback.BlockActions) != 1 ||
				cb.ActionCallback.BlockActions[0].ActionID != "go" {
				t.Errorf("the first click to arrive is by %s on %s (%+v); want U0ALICE's on %s",
					cb.User.ID, cb.View.ID, cb.ActionCallback.BlockActions, tt.viewID)
			}
		})
	}
}
