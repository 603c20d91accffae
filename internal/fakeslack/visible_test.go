package fakeslack

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// firstInteraction acks and returns the next interactive envelope's
// payload: a refused action sends none, so the next one to arrive is the
// one the test made after it.
func firstInteraction(ctx context.Context, t *testing.T, sm *socketmode.Client) slack.InteractionCallback {
	t.Helper()
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	return evt.Data.(slack.InteractionCallback)
}

// Slack shows a modal only to the user it was opened for: nobody else can
// submit or close it. The fake refuses both, sends nothing and leaves the
// modal as it was; its own user then submits it.
func TestOnlyAModalsUserSubmitsOrClosesIt(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	modal := sessionModal("Mine")
	modal.NotifyOnClose = true // a close would be sent to the app
	opened, err := apiClient(fake).OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID

	notes := map[string]map[string]any{"notes": {"notes_input": TextValue("Bob was here")}}
	if _, err := fake.SubmitView(ctx, "U0BOB", id, notes); err == nil || !strings.Contains(err.Error(), "shown only to U0ALICE") {
		t.Errorf("Bob submitting Alice's modal gave %v, want a refusal naming Alice", err)
	}
	if _, err := fake.CloseView(ctx, "U0BOB", id); err == nil || !strings.Contains(err.Error(), "shown only to U0ALICE") {
		t.Errorf("Bob closing Alice's modal gave %v, want a refusal naming Alice", err)
	}
	if got := fake.OpenModals("U0ALICE"); len(got) != 1 || got[0] != id {
		t.Errorf("Alice's open modals after Bob's attempts = %v, want [%s]", got, id)
	}
	if raw, _ := fake.View(id); strings.Contains(string(raw), "Bob was here") {
		t.Errorf("the refused submission changed the modal's state: %s", raw)
	}

	if _, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{"notes": {"notes_input": TextValue("mine")}}); err != nil {
		t.Fatal(err)
	}
	cb := firstInteraction(ctx, t, sm)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.User.ID != "U0ALICE" || cb.View.ID != id ||
		cb.View.State.Values["notes"]["notes_input"].Value != "mine" {
		t.Errorf("the first interaction to arrive is %s by %s on %s (%+v); want Alice's submission of %s",
			cb.Type, cb.User.ID, cb.View.ID, cb.View.State.Values, id)
	}
}

// A user clicks only what their client shows: an ephemeral message is
// shown to its recipient alone, a DM to its members alone. A click by
// anyone else, on the live message, through its response_url or on a stale
// copy, is refused and nothing is sent; the one who sees it can click, and
// anyone can in a channel.
func TestOnlyWhoSeesAMessageClicksIt(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	buttons := slack.MsgOptionBlocks(buttonsBlock("b", [2]string{"go", "v"}))

	dmCh, dmTS, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("Alice's DM", false), buttons)
	if err != nil {
		t.Fatal(err)
	}
	ephTS, err := api.PostEphemeralContext(ctx, "C0TEAM", "U0ALICE", slack.MsgOptionText("Alice's ephemeral", false), buttons)
	if err != nil {
		t.Fatal(err)
	}
	chCh, chTS, err := api.PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("For the team", false), buttons)
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "", InChannel("C0TEAM", "team"))
	if err != nil {
		t.Fatal(err)
	}
	_ = sm.Ack(*nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand).Request)
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("Alice's answer", false), buttons); err != nil {
		t.Fatal(err)
	}
	snap, _ := fake.Message(dmCh, dmTS)

	for _, tt := range []struct {
		name, owner string // owner: "" when anyone may click
		click       func(user string) (Interaction, error)
	}{
		{"Alice's DM", "U0ALICE", func(u string) (Interaction, error) { return fake.ClickButton(ctx, u, dmCh, dmTS, "go") }},
		{"Alice's DM by her user id", "U0ALICE", func(u string) (Interaction, error) { return fake.ClickButton(ctx, u, "U0ALICE", dmTS, "go") }},
		{"a stale copy of Alice's DM", "U0ALICE", func(u string) (Interaction, error) { return fake.ClickStale(ctx, u, snap, "go") }},
		{"Alice's ephemeral", "U0ALICE", func(u string) (Interaction, error) { return fake.ClickButton(ctx, u, "C0TEAM", ephTS, "go") }},
		{"Alice's response_url answer", "U0ALICE", func(u string) (Interaction, error) {
			return fake.ClickResponseButton(ctx, u, cmd.ResponseURL, "go")
		}},
		{"a channel message", "", func(u string) (Interaction, error) { return fake.ClickButton(ctx, u, chCh, chTS, "go") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clicker := "U0ALICE"
			if tt.owner != "" {
				if _, err := tt.click("U0BOB"); err == nil || !strings.Contains(err.Error(), "U0BOB cannot see it") {
					t.Errorf("Bob's click gave %v, want a refusal", err)
				}
			} else {
				clicker = "U0BOB"
			}
			if _, err := tt.click(clicker); err != nil {
				t.Fatalf("%s's click: %v", clicker, err)
			}
			if cb := firstInteraction(ctx, t, sm); cb.User.ID != clicker {
				t.Errorf("the first click to arrive is by %s, want %s's", cb.User.ID, clicker)
			}
		})
	}
}

// Of a modal's stack only the top view is shown: a view with another
// pushed on it, by views.push or by a submission's response_action push,
// can be neither clicked, submitted nor closed until that one is gone.
func TestOnlyTheTopViewOfAStackIsUsable(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	root := sessionModal("Root")
	root.Blocks.BlockSet = append(root.Blocks.BlockSet, buttonsBlock("tools", [2]string{"more", "1"}))
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), root)
	if err != nil {
		t.Fatal(err)
	}
	rootID := opened.View.ID
	hidden := func(t *testing.T, over string) {
		t.Helper()
		want := "hidden under " + over
		if _, err := fake.ClickViewAction(ctx, "U0ALICE", rootID, "tools", "more", nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("a click in the hidden view gave %v, want %q", err, want)
		}
		if _, err := fake.SubmitView(ctx, "U0ALICE", rootID, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("submitting the hidden view gave %v, want %q", err, want)
		}
		if _, err := fake.CloseView(ctx, "U0ALICE", rootID); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("closing the hidden view gave %v, want %q", err, want)
		}
	}

	// views.push from a click in the root.
	click, err := fake.ClickViewAction(ctx, "U0ALICE", rootID, "tools", "more", nil)
	if err != nil {
		t.Fatal(err)
	}
	firstInteraction(ctx, t, sm)
	pushed, err := api.PushViewContext(ctx, click.TriggerID, sessionModal("Pushed"))
	if err != nil {
		t.Fatal(err)
	}
	hidden(t, pushed.View.ID)
	// Its submission, acked empty, closes it: the root is on top again.
	sub, err := fake.SubmitView(ctx, "U0ALICE", pushed.View.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cb := firstInteraction(ctx, t, sm); cb.View.ID != pushed.View.ID {
		t.Fatalf("the submission to arrive is of %s, want %s", cb.View.ID, pushed.View.ID)
	}
	if _, err := fake.AwaitAck(ctx, sub.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.ClickViewAction(ctx, "U0ALICE", rootID, "tools", "more", nil); err != nil {
		t.Fatalf("a click in the root once the pushed view is gone: %v", err)
	}
	firstInteraction(ctx, t, sm)

	// response_action push from the root's own submission.
	sub, err = fake.SubmitView(ctx, "U0ALICE", rootID, nil)
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	next := sessionModal("Next")
	if err := sm.Ack(*evt.Request, slack.NewPushViewSubmissionResponse(&next)); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AwaitAck(ctx, sub.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	modals := fake.OpenModals("U0ALICE")
	if len(modals) != 2 || modals[0] != rootID {
		t.Fatalf("open modals after the push = %v, want the root and the pushed view", modals)
	}
	hidden(t, modals[1])
}
