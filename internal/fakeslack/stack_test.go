package fakeslack

import (
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// A modal's stack holds at most three views ("After a modal is opened,
// the app is limited to pushing 2 additional views", views.push
// reference). views.push past that answers push_limit_reached; a
// submission's response_action push past it is an ack Slack cannot use:
// a problem, and the stack stays as it was. Once the top view is gone
// there is room for one again.
func TestAStackHoldsAtMostThreeViews(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	withButton := func(title string) slack.ModalViewRequest {
		m := sessionModal(title)
		m.Blocks.BlockSet = append(m.Blocks.BlockSet, buttonsBlock("tools", [2]string{"more", "1"}))
		return m
	}
	// pushBySubmission submits the view over and acks with a push of a
	// view titled title, returning the ack as the fake took it.
	pushBySubmission := func(over, title string) Ack {
		t.Helper()
		sub, err := fake.SubmitView(ctx, "U0ALICE", over, nil)
		if err != nil {
			t.Fatal(err)
		}
		evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
		next := withButton(title)
		if err := sm.Ack(*evt.Request, slack.NewPushViewSubmissionResponse(&next)); err != nil {
			t.Fatal(err)
		}
		ack, err := fake.AwaitAck(ctx, sub.EnvelopeID)
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}

	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), withButton("Root"))
	if err != nil {
		t.Fatal(err)
	}
	top := opened.View.ID
	for _, title := range []string{"Second", "Third"} {
		if ack := pushBySubmission(top, title); ack.Problem != "" {
			t.Fatalf("push of %s: problem %q", title, ack.Problem)
		}
		modals := fake.OpenModals("U0ALICE")
		top = modals[len(modals)-1]
	}
	full := fake.OpenModals("U0ALICE")
	if len(full) != 3 {
		t.Fatalf("open modals = %v, want a stack of 3", full)
	}

	if ack := pushBySubmission(top, "Fourth"); ack.Problem != "push_limit_reached" {
		t.Errorf("a fourth view by response_action push: problem %q, want push_limit_reached", ack.Problem)
	}
	if got := fake.OpenModals("U0ALICE"); !slices.Equal(got, full) {
		t.Errorf("open modals after the refused push = %v, want %v", got, full)
	}

	click, err := fake.ClickViewAction(ctx, "U0ALICE", top, "tools", "more", nil)
	if err != nil {
		t.Fatal(err)
	}
	firstInteraction(ctx, t, sm)
	if _, err := api.PushViewContext(ctx, click.TriggerID, withButton("Fifth")); err == nil || err.Error() != "push_limit_reached" {
		t.Errorf("a fourth view by views.push: %v, want push_limit_reached", err)
	}

	// Back from the top view, the stack has room for one more.
	if _, err := fake.CloseView(ctx, "U0ALICE", top); err != nil {
		t.Fatal(err)
	}
	if ack := pushBySubmission(full[1], "Sixth"); ack.Problem != "" {
		t.Errorf("a third view once the top one is gone: problem %q", ack.Problem)
	}
	if got := fake.OpenModals("U0ALICE"); len(got) != 3 {
		t.Errorf("open modals = %v, want a stack of 3 again", got)
	}
}

// views.push needs "a valid trigger_id generated from an interaction
// within the existing modal" (views.push reference): a trigger from a
// slash command, a message or the Home tab is refused as Slack refuses
// it, invalid_arguments pointing at the trigger_id, and pushes nothing.
func TestPushNeedsATriggerFromAModal(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	tools := buttonsBlock("tools", [2]string{"more", "1"})

	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{tools}}}
	published, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE", View: home})
	if err != nil {
		t.Fatal(err)
	}
	homeClick, err := fake.ClickViewAction(ctx, "U0ALICE", published.View.ID, "tools", "more", nil)
	if err != nil {
		t.Fatal(err)
	}
	firstInteraction(ctx, t, sm)

	for _, tc := range []struct{ name, trigger string }{
		{"a trigger from outside any view", fake.IssueTrigger("U0ALICE")},
		{"a trigger from a click in the Home tab", homeClick.TriggerID},
	} {
		_, err := api.PushViewContext(ctx, tc.trigger, sessionModal("Pushed"))
		var se slack.SlackErrorResponse
		if !asSlackError(err, &se) || se.Err != "invalid_arguments" ||
			!strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "[json-pointer:/trigger_id]") {
			t.Errorf("%s: %v %+v, want invalid_arguments at /trigger_id", tc.name, err, se)
		}
		if got := fake.OpenModals("U0ALICE"); len(got) != 0 {
			t.Errorf("%s: open modals %v, want none", tc.name, got)
		}
	}
	if p := fake.Problems(); len(p) != 2 || p[0].Where != "views.push" || p[0].Code != "invalid_arguments" {
		t.Errorf("problems = %v, want the two refused pushes", p)
	}

	root := sessionModal("Root")
	root.Blocks.BlockSet = append(root.Blocks.BlockSet, tools)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), root)
	if err != nil {
		t.Fatal(err)
	}
	click, err := fake.ClickViewAction(ctx, "U0ALICE", opened.View.ID, "tools", "more", nil)
	if err != nil {
		t.Fatal(err)
	}
	firstInteraction(ctx, t, sm)
	if _, err := api.PushViewContext(ctx, click.TriggerID, sessionModal("Pushed")); err != nil {
		t.Errorf("a push with a trigger from a click in the modal: %v", err)
	}
}
