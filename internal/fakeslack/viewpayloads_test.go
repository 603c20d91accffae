package fakeslack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
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

// A click on a message's button carries the message's input state as
// Slack sends it: slackmachine_block_actions_message_inputs.json's
// message, filled in as its user did, gives that fixture's state exactly;
// untouched, every stateful element is there as the message shows it, and
// the overflow menu, which has no state, is not.
func TestClickButtonCarriesTheMessageState(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	raw, err := os.ReadFile(filepath.Join("testdata", "slackmachine_block_actions_message_inputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Message struct {
			Blocks json.RawMessage `json:"blocks"`
		} `json:"message"`
		State json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	body := `{"channel":"U0ALICE","text":"Interactivity","blocks":` + string(fixture.Message.Blocks) + `}`
	if ans := postRaw(t, fake, "chat.postMessage", "application/json", body, "Bearer "+fake.BotToken()); !ans.OK {
		t.Fatalf("chat.postMessage: %s", ans.Error)
	}
	msgs := fake.Messages("U0ALICE")
	if len(msgs) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	ts := msgs[0].TS

	// clickState clicks Yes with opts and returns the payload's state.
	clickState := func(t *testing.T, opts ...EnvelopeOption) map[string]any {
		t.Helper()
		if _, err := fake.ClickButton(ctx, "U0ALICE", "U0ALICE", ts, "interactions_approve", opts...); err != nil {
			t.Fatal(err)
		}
		evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
		_ = sm.Ack(*evt.Request)
		var p struct {
			State map[string]any `json:"state"`
		}
		if err := json.Unmarshal(evt.Request.Payload, &p); err != nil {
			t.Fatal(err)
		}
		return p.State
	}

	t.Run("filled in", func(t *testing.T) {
		got := clickState(t, MessageState(map[string]map[string]any{
			"date_picker":         {"pick_date": DateValue("2024-05-24")},
			"checkboxes":          {"select_options": CheckboxesValue("apple", "orange")},
			"email":               {"provide_email": EmailValue("daan@dv.email")},
			"startrek":            {"multi_select_menu_options": OptionsValue("data", "picard")},
			"number":              {"enter_number": NumberValue("55")},
			"feelings":            {"provide_feelings": TextValue("I'm great!")},
			"radio_demonstration": {"select_radio_option": RadioValue("4")},
			"alphabet":            {"select_menu_options": OptionValue("B")},
			"time_picker":         {"pick_time": map[string]any{"type": "timepicker", "selected_time": "03:00"}},
			"url":                 {"provide_url": URLValue("https://source.ag")},
		}))
		var want map[string]any
		if err := json.Unmarshal(fixture.State, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			t.Errorf("state:\n got %s\nwant %s", g, fixture.State)
		}
	})

	t.Run("untouched", func(t *testing.T) {
		got := clickState(t)
		values, _ := got["values"].(map[string]any)
		if len(values) != 10 {
			t.Errorf("state has %d blocks, want the 10 with a stateful element: %v", len(values), values)
		}
		for _, tt := range []struct {
			block, action, key string
			want               any
		}{
			{"time_picker", "pick_time", "selected_time", "13:37"},
			{"date_picker", "pick_date", "selected_date", nil},
			{"checkboxes", "select_options", "selected_options", []any{}},
			{"feelings", "provide_feelings", "value", nil},
		} {
			block, _ := values[tt.block].(map[string]any)
			v, ok := block[tt.action].(map[string]any)
			if !ok || !reflect.DeepEqual(v[tt.key], tt.want) {
				t.Errorf("%s/%s = %v, want %s %v", tt.block, tt.action, v, tt.key, tt.want)
			}
		}
	})

	if _, err := fake.ClickButton(ctx, "U0ALICE", "U0ALICE", ts, "interactions_approve",
		MessageState(map[string]map[string]any{"nope": {"x": TextValue("y")}})); err == nil {
		t.Error("a state for an element the message lacks should be refused")
	}
}

// What the user picked in a modal stays in its state until submission, as
// on Slack: a submission reports a pick made in an earlier click without
// the test giving it again, and a value given at submission wins.
func TestSubmitViewKeepsEarlierPicks(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	modal := sessionModal("Log")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewActionBlock("pick", slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "rep")),
		slack.NewInputBlock("when", label("When"), nil, slack.NewDatePickerBlockElement("date")))

	for _, tt := range []struct {
		name     string
		atSubmit map[string]map[string]any
		wantRep  string
		wantDate string
	}{
		{"picks kept", map[string]map[string]any{"notes": {"notes_input": TextValue("fine")}}, "U0BOB", "2026-11-20"},
		{"given again", map[string]map[string]any{"pick": {"rep": UserValue("U0CAROL")}}, "U0CAROL", "2026-11-20"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Each case its own modal: the one before may still be closing
			// (its submission's ack is on its way), and an external_id
			// names one open view.
			modal.ExternalID = "keep-" + tt.name
			opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
			if err != nil {
				t.Fatal(err)
			}
			id := opened.View.ID
			if _, err := fake.ClickViewAction(ctx, "U0ALICE", id, "pick", "rep", map[string]map[string]any{
				"pick": {"rep": UserValue("U0BOB")}, "when": {"date": DateValue("2026-11-20")},
			}); err != nil {
				t.Fatal(err)
			}
			evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
			_ = sm.Ack(*evt.Request)

			if _, err := fake.SubmitView(ctx, "U0ALICE", id, tt.atSubmit); err != nil {
				t.Fatal(err)
			}
			evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
			_ = sm.Ack(*evt.Request)
			cb := evt.Data.(slack.InteractionCallback)
			st := cb.View.State.Values
			if cb.Type != slack.InteractionTypeViewSubmission || st["pick"]["rep"].SelectedUser != tt.wantRep ||
				st["when"]["date"].SelectedDate != tt.wantDate {
				t.Errorf("submitted rep %q and date %q, want %q and %q", st["pick"]["rep"].SelectedUser,
					st["when"]["date"].SelectedDate, tt.wantRep, tt.wantDate)
			}
		})
	}
}

// An element of an input block tells the app nothing until the view is
// submitted, unless its block sets dispatch_action: Slack sends no
// block_actions for it, and the fake refuses to.
func TestAnInputWithoutDispatchActionSendsNoClick(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	quiet := slack.NewInputBlock("quiet", slack.NewTextBlockObject(slack.PlainTextType, "Rep", false, false), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "rep"))
	loud := slack.NewInputBlock("loud", slack.NewTextBlockObject(slack.PlainTextType, "Reps", false, false), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "reps"))
	loud.DispatchAction = true
	modal := sessionModal("Log")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet, quiet, loud)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	pick := map[string]map[string]any{"quiet": {"rep": UserValue("U0BOB")}}
	if _, err := fake.ClickViewAction(ctx, "U0ALICE", opened.View.ID, "quiet", "rep", pick); err == nil || !strings.Contains(err.Error(), "dispatch_action") {
		t.Errorf("a pick in an input without dispatch_action gave %v, want it refused", err)
	}
	picks := map[string]map[string]any{"loud": {"reps": UsersValue("U0BOB")}}
	if _, err := fake.ClickViewAction(ctx, "U0ALICE", opened.View.ID, "loud", "reps", picks); err != nil {
		t.Fatalf("a pick in an input with dispatch_action: %v", err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if cb := evt.Data.(slack.InteractionCallback); len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].BlockID != "loud" {
		t.Errorf("the click that arrived: %+v; want the dispatching input's", cb.ActionCallback.BlockActions)
	}
}
