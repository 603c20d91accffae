package fakeslack

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestClickButtonInMessage(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	ch, ts, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("Rate the session", false),
		slack.MsgOptionBlocks(buttonsBlock("rate1", [2]string{"rate", "1"}), buttonsBlock("rate5", [2]string{"rate", "5"})))
	if err != nil {
		t.Fatal(err)
	}
	in, err := fake.ClickButtonWithValue(ctx, "U0ALICE", ch, ts, "rate", "5")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	act := cb.ActionCallback.BlockActions
	if cb.Type != slack.InteractionTypeBlockActions || len(act) != 1 || act[0].ActionID != "rate" || act[0].Value != "5" ||
		act[0].BlockID != "rate5" || cb.Container.ChannelID != ch || cb.Container.MessageTs != ts || cb.Container.IsEphemeral ||
		cb.Message.Text != "Rate the session" || cb.TriggerID != in.TriggerID || cb.ResponseURL != in.ResponseURL {
		t.Errorf("callback = %+v", cb)
	}
	if evt.Request.AcceptsResponsePayload {
		t.Error("block_actions envelopes do not accept response payloads")
	}
	fixture := "slackmachine_block_actions_button.json"
	sameKeys(t, "block_actions", keysAt(t, evt.Request.Payload), fixtureKeys(t, fixture))
	sameKeys(t, "container", keysAt(t, evt.Request.Payload, "container"), fixtureKeys(t, fixture, "container"))
	sameKeys(t, "user", keysAt(t, evt.Request.Payload, "user"), fixtureKeys(t, fixture, "user"))
	sameKeys(t, "message", keysAt(t, evt.Request.Payload, "message"), fixtureKeys(t, fixture, "message"))

	if _, err := fake.ClickButton(ctx, "U0ALICE", ch, ts, "missing"); err == nil || !strings.Contains(err.Error(), `rate="5"`) {
		t.Errorf("missing button error should list the buttons: %v", err)
	}
}

func TestResponseURLPostsAndEphemeralButtons(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "", InChannel("C0TEAM", "team"), EnterpriseInstallAsString())
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	if cmd := evt.Data.(slack.SlashCommand); cmd.ChannelID != "C0TEAM" || cmd.ChannelName != "team" {
		t.Errorf("command = %+v", cmd)
	}
	if !strings.Contains(string(evt.Request.Payload), `"is_enterprise_install":"false"`) {
		t.Errorf("payload = %s", evt.Request.Payload)
	}
	_ = sm.Ack(*evt.Request)

	_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("Pick one", false), slack.MsgOptionBlocks(buttonsBlock("pick", [2]string{"pick", "a"})))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := fake.WaitForResponse(ctx, func(r Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "Pick one" || resp.ResponseType != "ephemeral" || resp.Status != http.StatusOK || resp.Channel != "C0TEAM" {
		t.Errorf("response = %+v", resp)
	}
	if eph := fake.Ephemerals("C0TEAM"); len(eph) != 1 || eph[0].Recipient != "U0ALICE" || eph[0].ResponseURL != in.ResponseURL {
		t.Errorf("ephemerals = %+v", eph)
	}

	click, err := fake.ClickResponseButton(ctx, "U0ALICE", in.ResponseURL, "pick")
	if err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if !cb.Container.IsEphemeral || cb.Container.MessageTs != resp.MessageTS || cb.ResponseURL != click.ResponseURL {
		t.Errorf("ephemeral click = %+v", cb.Container)
	}
	// Replacing through the click's response_url edits the ephemeral message.
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(click.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionReplaceOriginal(click.ResponseURL), slack.MsgOptionText("Picked a", false)); err != nil {
		t.Fatal(err)
	}
	if eph := fake.Ephemerals("C0TEAM"); len(eph) != 1 || eph[0].Text != "Picked a" {
		t.Errorf("after replace = %+v", eph)
	}

	for i := range 4 {
		if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeInChannel),
			slack.MsgOptionText("again", false)); err != nil {
			t.Fatalf("use %d: %v", i+2, err)
		}
	}
	_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeInChannel),
		slack.MsgOptionText("one too many", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Errorf("sixth use: %v", err)
	}
	rs := fake.Responses()
	if last := rs[len(rs)-1]; last.Error != "used_url" {
		t.Errorf("last response = %+v", last)
	}
	if got := len(fake.Messages("C0TEAM")); got != 4 {
		t.Errorf("in_channel responses posted %d messages, want 4", got)
	}
}

func TestModalActionSubmitAndAckOutcomes(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	opt := func(v, text string) *slack.OptionBlockObject { return slack.NewOptionBlockObject(v, label(text), nil) }
	minutes := slack.NewNumberInputBlockElement(nil, "minutes_input", false)
	kind := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind_select", opt("1on1", "One-on-one"), opt("group", "Group"))
	modal := slack.ModalViewRequest{
		Type: slack.VTModal, Title: label("Log session"), Submit: label("Save"),
		CallbackID: "log_session", PrivateMetadata: `{"rep":"U0BOB"}`,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("minutes", label("Minutes"), nil, minutes),
			slack.NewInputBlock("date", label("Date"), nil, slack.NewDatePickerBlockElement("date_pick")),
			slack.NewInputBlock("kind", label("Kind"), nil, kind),
			slack.NewInputBlock("people", label("People"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "people_pick")),
			slack.NewInputBlock("notes", label("Notes"), nil, slack.NewPlainTextInputBlockElement(nil, "notes_input")).WithOptional(true),
			slack.NewActionBlock("tools", slack.NewButtonBlockElement("add_goal", "g", label("Add goal"))),
		}},
	}
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	viewID := opened.View.ID

	if _, err := fake.ClickViewAction(ctx, "U0ALICE", viewID, "tools", "add_goal", nil); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Container.Type != "view" || cb.Container.ViewID != viewID || cb.View.ID != viewID || cb.View.Hash == "" ||
		cb.ActionCallback.BlockActions[0].ActionID != "add_goal" {
		t.Errorf("view action = %+v", cb)
	}
	fixture := "pysdk_envelope_interactive_block_actions_in_modal.json"
	sameKeys(t, "view block_actions", keysAt(t, evt.Request.Payload), fixtureKeys(t, fixture, "payload"))
	// The action's trigger can push a view on top of the modal; the user
	// goes back from it (Cancel) before using the modal again.
	pushed, err := api.PushViewContext(ctx, cb.TriggerID, sessionModal("Goal"))
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	_ = sm.Ack(*evt.Request)
	if _, err := fake.SubmitView(ctx, "U0ALICE", pushed.View.ID, map[string]map[string]any{"nope": {"x": TextValue("y")}}); err == nil {
		t.Error("values for elements the view lacks should be refused")
	}
	if _, err := fake.CloseView(ctx, "U0ALICE", pushed.View.ID); err != nil {
		t.Fatal(err)
	}

	values := map[string]map[string]any{
		"minutes": {"minutes_input": NumberValue("45")},
		"date":    {"date_pick": DateValue("2026-11-20")},
		"kind":    {"kind_select": OptionValue("1on1")},
		"people":  {"people_pick": UsersValue("U0BOB", "U0CAROL")},
	}
	in, err := fake.SubmitView(ctx, "U0ALICE", viewID, values)
	if err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	cb = evt.Data.(slack.InteractionCallback)
	st := cb.View.State.Values
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "log_session" || cb.View.PrivateMetadata != `{"rep":"U0BOB"}` ||
		st["minutes"]["minutes_input"].Value != "45" || st["date"]["date_pick"].SelectedDate != "2026-11-20" ||
		st["kind"]["kind_select"].SelectedOption.Text.Text != "One-on-one" || len(st["people"]["people_pick"].SelectedUsers) != 2 {
		t.Errorf("submission state = %+v", st)
	}
	if !evt.Request.AcceptsResponsePayload {
		t.Error("view_submission envelopes accept response payloads")
	}
	if !strings.Contains(string(evt.Request.Payload), `"notes_input":{"type":"plain_text_input","value":null}`) {
		t.Errorf("an empty input must arrive as value null: %s", evt.Request.Payload)
	}
	fixture = "slackmachine_view_submission.json"
	sameKeys(t, "view_submission", keysAt(t, evt.Request.Payload), fixtureKeys(t, fixture))
	sameKeys(t, "submitted view", keysAt(t, evt.Request.Payload, "view"), fixtureKeys(t, fixture, "view"))

	// Errors keep the modal open.
	errs := slack.NewErrorsViewSubmissionResponse(map[string]string{"minutes": "Must be positive"})
	if err := sm.Ack(*evt.Request, errs); err != nil {
		t.Fatal(err)
	}
	if ack, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil || !strings.Contains(string(ack.Payload), "Must be positive") {
		t.Fatalf("ack = %s, %v", ack.Payload, err)
	}
	if got := fake.OpenModals("U0ALICE"); len(got) != 1 || got[0] != viewID {
		t.Errorf("modals after errors = %v, want [%s]", got, viewID)
	}

	// An empty ack closes the submitted modal.
	in, err = fake.SubmitView(ctx, "U0ALICE", viewID, values)
	if err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	for _, id := range fake.OpenModals("U0ALICE") {
		if id == viewID {
			t.Errorf("modal %s still open after an empty ack", viewID)
		}
	}
	if _, err := fake.SubmitView(ctx, "U0ALICE", viewID, values); err == nil {
		t.Error("submitting a closed modal should fail")
	}
}

func TestMessageShortcutAndCloseView(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	if _, err := fake.MessageShortcut(ctx, "W0ALICE", "log_from_message", "C0TEAM", "Great 1:1 with <@U0BOB>", "1700000000.000100", "U0BOB"); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeMessageAction || cb.CallbackID != "log_from_message" || cb.Message.Text != "Great 1:1 with <@U0BOB>" ||
		cb.User.ID != "W0ALICE" || cb.Channel.ID != "C0TEAM" {
		t.Errorf("message action = %+v", cb)
	}
	fixture := "boltpy_message_action.json"
	sameKeys(t, "message_action", keysAt(t, evt.Request.Payload),
		fixtureKeys(t, fixture).with("enterprise", "null", "is_enterprise_install", "bool"))
	// A person's message carries its text as a rich_text block too.
	sameKeys(t, "message_action message", keysAt(t, evt.Request.Payload, "message"), fixtureKeys(t, fixture, "message"))
	got, want := firstBlock(t, evt.Request.Payload), firstBlock(t, readFixture(t, fixture))
	sameKeys(t, "message block", keysAt(t, got), keysAt(t, want))
	if !strings.Contains(string(got), `{"type":"user","user_id":"U0BOB"}`) || !strings.Contains(string(got), `"rich_text_section"`) {
		t.Errorf("message block = %s, want the text's mention as a user element of a rich_text_section", got)
	}

	modal := sessionModal("Close me")
	modal.NotifyOnClose = true
	opened, err := apiClient(fake).OpenViewContext(ctx, cb.TriggerID, modal)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.CloseView(ctx, "W0ALICE", opened.View.ID); err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	if cb := evt.Data.(slack.InteractionCallback); cb.Type != slack.InteractionTypeViewClosed || cb.View.ID != opened.View.ID {
		t.Errorf("view_closed = %+v", cb)
	}
	sameKeys(t, "view_closed", keysAt(t, evt.Request.Payload), fixtureKeys(t, "slackmachine_view_closed.json"))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(evt.Request.Payload, &raw); err != nil || string(raw["is_cleared"]) != "false" {
		t.Errorf("is_cleared = %s", raw["is_cleared"])
	}
}

// Real Slack sometimes sends is_enterprise_install as "false". slack-go
// v0.35 copes in slash commands but not in interactive payloads: the client
// reports error_bad_message and the bot never sees (or acks) the click. The
// bot must watch for that event; this pins the hazard.
func TestEnterpriseInstallStringBreaksSlackGoInteractions(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	ch, ts, err := apiClient(fake).PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("x", false),
		slack.MsgOptionBlocks(buttonsBlock("b", [2]string{"go", "v"})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.ClickButton(ctx, "U0ALICE", ch, ts, "go", EnterpriseInstallAsString()); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeErrorBadMessage)
	if bad := evt.Data.(*socketmode.ErrorBadMessage); !strings.Contains(bad.Cause.Error(), "is_enterprise_install") {
		t.Errorf("cause = %v", bad.Cause)
	}
}

// A click on a copy of a message a client still showed (ClickStale) gets a
// response_url for the message itself, as in Slack: replace_original
// through it replaces the message as it is now, in its channel.
func TestAStaleClickReplacesTheLiveMessage(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	connect(t, fake)
	api := apiClient(fake)

	ch, ts, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("v1", false),
		slack.MsgOptionBlocks(buttonsBlock("answer", [2]string{"confirm", "v1"})))
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := fake.Message(ch, ts)
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText("v2", false),
		slack.MsgOptionBlocks(buttonsBlock("answer", [2]string{"confirm", "v2"}))); err != nil {
		t.Fatal(err)
	}
	in, err := fake.ClickStale(ctx, "U0ALICE", snap, "confirm")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, ""),
		slack.MsgOptionReplaceOriginal(in.ResponseURL), slack.MsgOptionText("v3", false)); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Message(ch, ts); m.Text != "v3" {
		t.Errorf("after replace_original through a stale click's response_url the message reads %q, want v3", m.Text)
	}
	if n := len(fake.Messages(ch)); n != 1 {
		t.Errorf("%d messages in the DM, want the one replaced", n)
	}
}

// An input the user leaves as the view opened it is submitted with its
// initial value, as Slack does: a prefilled form saved untouched submits
// what it showed, and only an input with no initial value is empty.
func TestUntouchedInputsSubmitTheirInitialValues(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	one, group := slack.NewOptionBlockObject("1on1", label("One-on-one"), nil), slack.NewOptionBlockObject("group", label("Group"), nil)
	kind := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind_select", one, group)
	kind.InitialOption = group
	date := slack.NewDatePickerBlockElement("date_pick")
	date.InitialDate = "2026-11-20"
	people := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "people_pick")
	people.InitialUsers = []string{"U0BOB"}
	notes := slack.NewPlainTextInputBlockElement(nil, "notes_input")
	notes.InitialValue = "went over pricing"
	minutes := slack.NewNumberInputBlockElement(nil, "minutes_input", false)
	minutes.InitialValue = "30"
	modal := slack.ModalViewRequest{
		Type: slack.VTModal, Title: label("Edit session"), Submit: label("Save"), CallbackID: "edit",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("kind", label("Kind"), nil, kind),
			slack.NewInputBlock("date", label("Date"), nil, date),
			slack.NewInputBlock("people", label("People"), nil, people),
			slack.NewInputBlock("notes", label("Notes"), nil, notes).WithOptional(true),
			slack.NewInputBlock("minutes", label("Minutes"), nil, minutes),
			slack.NewInputBlock("follow", label("Follow up"), nil, slack.NewDatePickerBlockElement("follow_pick")).WithOptional(true),
		}},
	}
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	// Only the minutes are changed; the notes are cleared on purpose.
	if _, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, map[string]map[string]any{
		"minutes": {"minutes_input": NumberValue("45")}, "notes": {"notes_input": TextValue("")}}); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	if o := st["kind"]["kind_select"].SelectedOption; o.Value != "group" || o.Text == nil || o.Text.Text != "Group" {
		t.Errorf("untouched select submitted %+v, want its initial option", o)
	}
	if d := st["date"]["date_pick"].SelectedDate; d != "2026-11-20" {
		t.Errorf("untouched date submitted %q, want its initial date", d)
	}
	if u := st["people"]["people_pick"].SelectedUsers; len(u) != 1 || u[0] != "U0BOB" {
		t.Errorf("untouched users submitted %v, want the initial ones", u)
	}
	if v := st["minutes"]["minutes_input"].Value; v != "45" {
		t.Errorf("changed minutes submitted %q", v)
	}
	if v := st["notes"]["notes_input"].Value; v != "" {
		t.Errorf("cleared notes submitted %q", v)
	}
	if !strings.Contains(string(evt.Request.Payload), `"follow_pick":{"selected_date":null`) {
		t.Errorf("an input with no initial value must arrive empty: %s", evt.Request.Payload)
	}
}

// label is a plain-text object, as block labels and option texts take.
func label(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// Every stateful element a view can hold is reported untouched as Slack
// reports it, in a view_submission and in block_actions from the view:
// under its own state field, with its initial value or empty (null, or []
// for a list), wherever it sits (slackmachine_view_submission.json has a
// section's datepicker). Elements without state are left out. The inputs
// are optional, as only those may be submitted empty.
func TestUntouchedElementsOfEveryType(t *testing.T) {
	richText := `{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"hi"}]}]}`
	for _, tc := range []struct {
		name  string
		block string // a block with block_id "b" and one element with action_id "a"
		want  string // the state value of b/a; "" when Slack reports none
	}{
		{"plain_text_input", optionalInput("b", "L", `{"type":"plain_text_input","action_id":"a"}`), `{"type":"plain_text_input","value":null}`},
		{"plain_text_input with initial_value", optionalInput("b", "L", `{"type":"plain_text_input","action_id":"a","initial_value":"x"}`), `{"type":"plain_text_input","value":"x"}`},
		{"number_input", optionalInput("b", "L", `{"type":"number_input","action_id":"a","is_decimal_allowed":false,"initial_value":"30"}`), `{"type":"number_input","value":"30"}`},
		{"email_text_input", optionalInput("b", "L", `{"type":"email_text_input","action_id":"a"}`), `{"type":"email_text_input","value":null}`},
		{"url_text_input", optionalInput("b", "L", `{"type":"url_text_input","action_id":"a","initial_value":"https://a.example"}`), `{"type":"url_text_input","value":"https://a.example"}`},
		{"rich_text_input", optionalInput("b", "L", `{"type":"rich_text_input","action_id":"a"}`), `{"type":"rich_text_input","rich_text_value":{"type":"rich_text","elements":[]}}`},
		{"rich_text_input with initial_value", optionalInput("b", "L", `{"type":"rich_text_input","action_id":"a","initial_value":`+richText+`}`),
			`{"type":"rich_text_input","rich_text_value":` + richText + `}`},
		{"datepicker", optionalInput("b", "L", `{"type":"datepicker","action_id":"a"}`), `{"type":"datepicker","selected_date":null}`},
		{"timepicker", optionalInput("b", "L", `{"type":"timepicker","action_id":"a","initial_time":"09:30"}`), `{"type":"timepicker","selected_time":"09:30"}`},
		{"datetimepicker", optionalInput("b", "L", `{"type":"datetimepicker","action_id":"a"}`), `{"type":"datetimepicker","selected_date_time":null}`},
		{"datetimepicker with initial_date_time", optionalInput("b", "L", `{"type":"datetimepicker","action_id":"a","initial_date_time":1628633820}`),
			`{"type":"datetimepicker","selected_date_time":1628633820}`},
		{"static_select", optionalInput("b", "L", `{"type":"static_select","action_id":"a","options":[`+opt("1", "One")+`],"initial_option":`+opt("1", "One")+`}`),
			`{"type":"static_select","selected_option":` + opt("1", "One") + `}`},
		{"external_select", optionalInput("b", "L", `{"type":"external_select","action_id":"a"}`), `{"type":"external_select","selected_option":null}`},
		{"users_select", optionalInput("b", "L", `{"type":"users_select","action_id":"a","initial_user":"U0BOB"}`), `{"type":"users_select","selected_user":"U0BOB"}`},
		{"conversations_select", optionalInput("b", "L", `{"type":"conversations_select","action_id":"a"}`), `{"type":"conversations_select","selected_conversation":null}`},
		{"channels_select", optionalInput("b", "L", `{"type":"channels_select","action_id":"a","initial_channel":"C0TEAM"}`), `{"type":"channels_select","selected_channel":"C0TEAM"}`},
		{"multi_static_select", optionalInput("b", "L", `{"type":"multi_static_select","action_id":"a","options":[`+opt("1", "One")+`]}`), `{"type":"multi_static_select","selected_options":[]}`},
		{"multi_external_select", optionalInput("b", "L", `{"type":"multi_external_select","action_id":"a"}`), `{"type":"multi_external_select","selected_options":[]}`},
		{"multi_users_select", optionalInput("b", "L", `{"type":"multi_users_select","action_id":"a","initial_users":["U0BOB"]}`), `{"type":"multi_users_select","selected_users":["U0BOB"]}`},
		{"multi_conversations_select", optionalInput("b", "L", `{"type":"multi_conversations_select","action_id":"a"}`), `{"type":"multi_conversations_select","selected_conversations":[]}`},
		{"multi_conversations_select with initial_conversations", optionalInput("b", "L", `{"type":"multi_conversations_select","action_id":"a","initial_conversations":["C0TEAM"]}`),
			`{"type":"multi_conversations_select","selected_conversations":["C0TEAM"]}`},
		{"multi_channels_select", optionalInput("b", "L", `{"type":"multi_channels_select","action_id":"a","initial_channels":["C0TEAM"]}`), `{"type":"multi_channels_select","selected_channels":["C0TEAM"]}`},
		{"checkboxes", optionalInput("b", "L", `{"type":"checkboxes","action_id":"a","options":[`+opt("1", "One")+`],"initial_options":[`+opt("1", "One")+`]}`),
			`{"type":"checkboxes","selected_options":[` + opt("1", "One") + `]}`},
		{"radio_buttons", optionalInput("b", "L", `{"type":"radio_buttons","action_id":"a","options":[`+opt("1", "One")+`]}`), `{"type":"radio_buttons","selected_option":null}`},
		{"file_input", optionalInput("b", "L", `{"type":"file_input","action_id":"a"}`), `{"type":"file_input","files":[]}`},
		{"a section's datepicker", `{"type":"section","block_id":"b","text":` + mrkdwnText("Pick") + `,"accessory":{"type":"datepicker","action_id":"a","initial_date":"1990-04-28"}}`,
			`{"type":"datepicker","selected_date":"1990-04-28"}`},
		{"an actions block's select", `{"type":"actions","block_id":"b","elements":[{"type":"static_select","action_id":"a","options":[` + opt("1", "One") + `]}]}`,
			`{"type":"static_select","selected_option":null}`},
		{"a button has no state", `{"type":"actions","block_id":"b","elements":[` + btn("a", "v") + `]}`, ""},
		{"an overflow menu has no state", `{"type":"section","block_id":"b","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"a","options":[` + opts(2) + `]}}`, ""},
	} {
		for _, way := range []string{"view_submission", "block_actions"} {
			t.Run(tc.name+"/"+way, func(t *testing.T) {
				fake := startFake(t)
				ctx := deadline(t)
				sm := connect(t, fake)
				view := `{"type":"modal","title":` + plainText("Form") + `,"submit":` + plainText("Save") + `,"blocks":[` + tc.block +
					`,{"type":"actions","block_id":"go","elements":[` + btn("go", "1") + `]}]}`
				if a := call(t, fake, "views.open", url.Values{"trigger_id": {fake.IssueTrigger("U0ALICE")}, "view": {view}}); !a.OK {
					t.Fatalf("views.open: %+v", a)
				}
				id := fake.OpenModals("U0ALICE")[0]
				var err error
				if way == "view_submission" {
					_, err = fake.SubmitView(ctx, "U0ALICE", id, nil)
				} else {
					_, err = fake.ClickViewAction(ctx, "U0ALICE", id, "go", "go", nil)
				}
				if err != nil {
					t.Fatal(err)
				}
				evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
				_ = sm.Ack(*evt.Request)
				var p struct {
					View struct {
						State struct {
							Values map[string]map[string]json.RawMessage `json:"values"`
						} `json:"state"`
					} `json:"view"`
				}
				if err := json.Unmarshal(evt.Request.Payload, &p); err != nil {
					t.Fatal(err)
				}
				got, ok := p.View.State.Values["b"]["a"]
				switch {
				case tc.want == "" && ok:
					t.Errorf("state has %s for an element without state", got)
				case tc.want != "" && !ok:
					t.Errorf("state lacks the element: %v", p.View.State.Values)
				case tc.want != "" && !jsonEqual(t, got, []byte(tc.want)):
					t.Errorf("state value\n got %s\nwant %s", got, tc.want)
				}
			})
		}
	}
}

// jsonEqual says a and b are the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("decode %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// replace_original through a click's response_url replaces the message as
// the message it is: response_type says what a new message is
// (https://docs.slack.dev/messaging/modifying-messages: a response_url
// publishes new messages or updates the original), so a replaced
// ephemeral stays ephemeral and a channel message stays in the channel,
// whatever response_type says, as slack-php-block-kit found (PR 9: an
// ephemeral becomes a channel message only by deleting it and posting a
// new one).
func TestReplaceOriginalKeepsWhatTheMessageIs(t *testing.T) {
	for _, tc := range []struct {
		name         string
		ephemeral    bool   // the message clicked is an ephemeral one
		responseType string // sent with replace_original
	}{
		{"a channel message replaced saying ephemeral", false, "ephemeral"},
		{"a channel message replaced saying in_channel", false, "in_channel"},
		{"a channel message replaced saying nothing", false, ""},
		{"an ephemeral replaced saying in_channel", true, "in_channel"},
		{"an ephemeral replaced saying ephemeral", true, "ephemeral"},
		{"an ephemeral replaced saying nothing", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			ctx := deadline(t)
			sm := connect(t, fake)
			api := apiClient(fake)
			var click Interaction
			if tc.ephemeral {
				in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "", InChannel("C0TEAM", "team"))
				if err != nil {
					t.Fatal(err)
				}
				_ = sm.Ack(*nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand).Request)
				if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeEphemeral),
					slack.MsgOptionText("v1", false), slack.MsgOptionBlocks(buttonsBlock("pick", [2]string{"pick", "a"}))); err != nil {
					t.Fatal(err)
				}
				if click, err = fake.ClickResponseButton(ctx, "U0ALICE", in.ResponseURL, "pick"); err != nil {
					t.Fatal(err)
				}
			} else {
				_, ts, err := api.PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("v1", false),
					slack.MsgOptionBlocks(buttonsBlock("pick", [2]string{"pick", "a"})))
				if err != nil {
					t.Fatal(err)
				}
				if click, err = fake.ClickButton(ctx, "U0ALICE", "C0TEAM", ts, "pick"); err != nil {
					t.Fatal(err)
				}
			}
			_ = sm.Ack(*nextEvent(ctx, t, sm, socketmode.EventTypeInteractive).Request)
			if err := slack.PostWebhookContext(ctx, click.ResponseURL, &slack.WebhookMessage{
				Text: "v2", ResponseType: tc.responseType, ReplaceOriginal: true}); err != nil {
				t.Fatal(err)
			}
			inChannel, ephemerals := fake.Messages("C0TEAM"), fake.Ephemerals("C0TEAM")
			if tc.ephemeral {
				if len(inChannel) != 0 || len(ephemerals) != 1 || ephemerals[0].Text != "v2" || ephemerals[0].Recipient != "U0ALICE" {
					t.Errorf("channel %+v, ephemerals %+v: want the one ephemeral replaced, still only Alice's", inChannel, ephemerals)
				}
				return
			}
			if len(ephemerals) != 0 || len(inChannel) != 1 || inChannel[0].Text != "v2" || !inChannel[0].Edited {
				t.Errorf("channel %+v, ephemerals %+v: want the one channel message replaced", inChannel, ephemerals)
			}
		})
	}
}

// A response_url post needs something to show, as an incoming webhook
// does: with no text, blocks or attachments Slack answers 400
// missing_text_or_fallback_or_attachments and changes nothing, unless it
// only deletes the original.
func TestAResponseNeedsContent(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       int
	}{
		{"a text", `{"text":"v2","replace_original":true}`, http.StatusOK},
		{"blocks", `{"blocks":[` + section("v2") + `],"replace_original":true}`, http.StatusOK},
		{"attachments", `{"attachments":[{"text":"v2"}],"replace_original":true}`, http.StatusOK},
		{"a delete", `{"delete_original":true}`, http.StatusOK},
		{"nothing", `{}`, http.StatusBadRequest},
		{"a replace of nothing", `{"replace_original":true}`, http.StatusBadRequest},
		{"an empty text and no blocks", `{"text":"","blocks":[],"replace_original":true}`, http.StatusBadRequest},
		{"an ephemeral of nothing", `{"response_type":"ephemeral","text":""}`, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, ch, ts, status := respondToAClick(t, tc.body)
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
			if tc.want == http.StatusOK {
				return
			}
			if r := fake.Responses(); len(r) != 1 || r[0].Error != "missing_text_or_fallback_or_attachments" {
				t.Errorf("responses = %+v", r)
			}
			if m, ok := fake.Message(ch, ts); !ok || m.Text != "v1" || m.Edited || len(fake.Ephemerals(ch)) != 0 {
				t.Errorf("a refused response changed the channel: %+v, ephemerals %+v", m, fake.Ephemerals(ch))
			}
		})
	}
}

// Choosing an item of a menu in a message sends the option chosen, as
// Slack does: in the action's selected_option and, for a select (which
// keeps what it shows), in the state; an overflow menu has no state.
func TestPickOptionInAMessagesMenus(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	_ = sm.Ack(*nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand).Request)
	opts := func() []*slack.OptionBlockObject {
		return []*slack.OptionBlockObject{
			slack.NewOptionBlockObject("kept:7", slack.NewTextBlockObject(slack.PlainTextType, "Kept", false, false), nil),
			slack.NewOptionBlockObject("not_kept:7", slack.NewTextBlockObject(slack.PlainTextType, "Not kept", false, false), nil),
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, slack.NewTextBlockObject(slack.PlainTextType, "Mark as…", false, false), "close", opts()...)
	over := slack.NewOverflowBlockElement("more", opts()...)
	_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("Open commitments", false), slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, "• send the recap", false, false), nil, slack.NewAccessory(sel), slack.SectionBlockOptionBlockID("oc7")),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, "• book a role-play", false, false), nil, slack.NewAccessory(over), slack.SectionBlockOptionBlockID("ov7"))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitForResponse(ctx, func(r Response) bool { return r.URL == in.ResponseURL }); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		actionID, typ, blockID string
		state                  bool
	}{
		{"close", "static_select", "oc7", true},
		{"more", "overflow", "ov7", false},
	} {
		if _, err := fake.ClickResponseButton(ctx, "U0ALICE", in.ResponseURL, tt.actionID, PickOption("not_kept:7")); err != nil {
			t.Fatal(err)
		}
		evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
		_ = sm.Ack(*evt.Request)
		cb := evt.Data.(slack.InteractionCallback)
		act := cb.ActionCallback.BlockActions
		if len(act) != 1 || string(act[0].Type) != tt.typ || act[0].BlockID != tt.blockID || act[0].SelectedOption.Value != "not_kept:7" ||
			act[0].SelectedOption.Text == nil || act[0].SelectedOption.Text.Text != "Not kept" {
			t.Errorf("%s: actions = %+v", tt.typ, act)
		}
		got, inState := cb.BlockActionState.Values[tt.blockID][tt.actionID]
		if inState != tt.state || (tt.state && got.SelectedOption.Value != "not_kept:7") {
			t.Errorf("%s: state %+v (reported: %v), want reported %v with the pick", tt.typ, cb.BlockActionState.Values, inState, tt.state)
		}
	}
	if _, err := fake.ClickResponseButton(ctx, "U0ALICE", in.ResponseURL, "close", PickOption("gone:7")); err == nil || !strings.Contains(err.Error(), "oc7") {
		t.Errorf("an option the menu lacks was chosen: %v", err)
	}
	if _, err := fake.ClickResponseButton(ctx, "U0BOB", in.ResponseURL, "close", PickOption("kept:7")); err == nil {
		t.Error("a user who cannot see the ephemeral message chose in it")
	}
}

// firstBlock is the first block of the message in an interaction payload.
func firstBlock(t *testing.T, payload []byte) json.RawMessage {
	t.Helper()
	var p struct {
		Message struct {
			Blocks []json.RawMessage `json:"blocks"`
		} `json:"message"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || len(p.Message.Blocks) == 0 {
		t.Fatalf("no message blocks (%v) in %s", err, payload)
	}
	return p.Message.Blocks[0]
}

// The rich_text block beside a message's text holds what its markup
// shows: mentions as elements, the characters typed as text.
func TestRichTextBlockReadsTheTextsMarkup(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"Great 1:1", `[{"text":"Great 1:1","type":"text"}]`},
		{"<@U0BOB> test", `[{"type":"user","user_id":"U0BOB"},{"text":" test","type":"text"}]`},
		{"in <#C0SALES|sales> &amp; <!here>", `[{"text":"in ","type":"text"},{"channel_id":"C0SALES","type":"channel"},{"text":" \u0026 ","type":"text"},{"range":"here","type":"broadcast"}]`},
		{"see <https://a.test/x?a=1&amp;b=2|the deck> <!subteam^S0SALES|@sales>", `[{"text":"see ","type":"text"},{"text":"the deck","type":"link","url":"https://a.test/x?a=1\u0026b=2"},{"text":" ","type":"text"},{"type":"usergroup","usergroup_id":"S0SALES"}]`},
	} {
		b := richTextBlock(tt.text)
		sections := b["elements"].([]any)
		got, err := json.Marshal(sections[0].(map[string]any)["elements"])
		if err != nil || string(got) != tt.want || b["type"] != "rich_text" || len(sections) != 1 {
			t.Errorf("%q: %s (%v), want %s", tt.text, got, err, tt.want)
		}
	}
}

// A slash command's payload is its form body, every value a string:
// Socket Mode sends is_enterprise_install as "false" (the payload in
// slack-go issue 1265), and the SlashCommand reference types it a string
// ("the entire URL-encoded body of a request from Slack's slash
// commands"). The fake sent false, so a bot decoding it as a JSON boolean
// passed here and failed on Slack.
func TestSlashCommandSendsEnterpriseInstallAsAString(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	if _, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "help"); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	_ = sm.Ack(*evt.Request)
	if got := keysAt(t, evt.Request.Payload)["is_enterprise_install"]; got != "string" {
		t.Errorf("is_enterprise_install is a %s, want a string: %s", got, evt.Request.Payload)
	}
	var p struct {
		IsEnterpriseInstall any `json:"is_enterprise_install"`
	}
	if err := json.Unmarshal(evt.Request.Payload, &p); err != nil || p.IsEnterpriseInstall != "false" {
		t.Errorf("is_enterprise_install = %#v (%v), want \"false\"", p.IsEnterpriseInstall, err)
	}
	if cmd := evt.Data.(slack.SlashCommand); cmd.Command != "/coach" || cmd.IsEnterpriseInstall {
		t.Errorf("slack-go reads the command as %+v", cmd)
	}
}
