package fakeslack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// A person picks only among the options a static select, radio buttons or
// checkboxes offer, and Slack's state carries the option as the view
// defines it, text and description included: the fake refuses a pick of
// any other option, whatever text the test gave, and fills in the view's
// own. An external select's options come from the app, not the view: any
// is taken.
func TestOnlyOfferedOptionsArePicked(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	opt := func(v, text string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(v, label(text), label("about "+text))
	}
	modal := sessionModal("Picks")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("kind", label("Kind"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind", opt("a", "Alpha"), opt("b", "Beta"))),
		slack.NewInputBlock("role", label("Role"), nil, slack.NewRadioButtonsBlockElement("role", opt("lead", "Lead"))),
		slack.NewInputBlock("kept", label("Kept"), nil, slack.NewCheckboxGroupsBlockElement("kept", opt("1", "One"), opt("2", "Two"))),
		slack.NewInputBlock("skills", label("Skills"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "skills", opt("x", "Ex"), opt("y", "Why"))),
		slack.NewInputBlock("ext", label("Ext"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, nil, "ext")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID

	for _, tt := range []struct {
		name   string
		values map[string]map[string]any
		value  string
	}{
		{"a static select's", map[string]map[string]any{"kind": {"kind": OptionValue("c")}}, `"c"`},
		{"radio buttons'", map[string]map[string]any{"role": {"role": RadioValue("boss")}}, `"boss"`},
		{"checkboxes'", map[string]map[string]any{"kept": {"kept": CheckboxesValue("1", "3")}}, `"3"`},
		{"a multi select's", map[string]map[string]any{"skills": {"skills": OptionsValue("z")}}, `"z"`},
		{"one picked twice", map[string]map[string]any{"skills": {"skills": OptionsValue("x", "x")}}, `"x"`},
	} {
		err := fake.TypeInView("U0ALICE", id, tt.values)
		if err == nil || !strings.Contains(err.Error(), tt.value) {
			t.Errorf("a pick not offered, %s: %v, want a refusal naming %s", tt.name, err, tt.value)
		}
		if _, err := fake.SubmitView(ctx, "U0ALICE", id, tt.values); err == nil {
			t.Errorf("a submission of a pick not offered, %s, was sent", tt.name)
		}
	}

	// A pick offered: the view's own option goes, not the text the test
	// gave; a refused value among picks offered leaves the state as it
	// was.
	wrongText := map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "b", "text": map[string]any{"type": "plain_text", "text": "Invented"}}}
	if err := fake.TypeInView("U0ALICE", id, map[string]map[string]any{
		"kind": {"kind": wrongText}, "role": {"role": RadioValue("lead")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := fake.TypeInView("U0ALICE", id, map[string]map[string]any{
		"kind": {"kind": OptionValue("a")}, "role": {"role": RadioValue("boss")},
	}); err == nil {
		t.Fatal("a refused pick beside an offered one was taken")
	}
	in, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{
		"kept": {"kept": CheckboxesValue("2")}, "skills": {"skills": OptionsValue("y", "x")},
		"ext": {"ext": map[string]any{"type": "external_select", "selected_option": map[string]any{"value": "from-the-app"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	described := func(o slack.OptionBlockObject) string {
		s := o.Value
		if o.Text != nil {
			s += "=" + o.Text.Text
		}
		if o.Description != nil {
			s += "/" + o.Description.Text
		}
		return s
	}
	all := func(os []slack.OptionBlockObject) string {
		var out []string
		for _, o := range os {
			out = append(out, described(o))
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct{ what, got, want string }{
		{"kind", described(st["kind"]["kind"].SelectedOption), "b=Beta/about Beta"},
		{"role", described(st["role"]["role"].SelectedOption), "lead=Lead/about Lead"},
		{"kept", all(st["kept"]["kept"].SelectedOptions), "2=Two/about Two"},
		{"skills", all(st["skills"]["skills"].SelectedOptions), "y=Why/about Why,x=Ex/about Ex"},
		{"ext", described(st["ext"]["ext"].SelectedOption), "from-the-app=from-the-app"},
	} {
		if c.got != c.want {
			t.Errorf("%s: submitted %q, want %q", c.what, c.got, c.want)
		}
	}
}

// What Slack's client does not let a person submit, as the element
// references say, the fake refuses: text past max_length or short of
// min_length, a number that is not one, a decimal where only whole
// numbers go, a number out of min_value..max_value, more picks than
// max_selected_items, a date or time not as the picker gives it. Values
// within those bounds, and empty ones, are taken.
func TestTypedValuesSlacksClientRefuses(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)

	text := slack.NewPlainTextInputBlockElement(nil, "text")
	text.MaxLength, text.MinLength = 5, 2
	whole := slack.NewNumberInputBlockElement(nil, "whole", false).WithMinValue("1").WithMaxValue("480")
	decimal := slack.NewNumberInputBlockElement(nil, "decimal", true).WithMinValue("-1.5")
	people := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "people")
	one := 1
	people.MaxSelectedItems = &one
	modal := sessionModal("Typed")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("text", label("Text"), nil, text),
		slack.NewInputBlock("whole", label("Whole"), nil, whole),
		slack.NewInputBlock("decimal", label("Decimal"), nil, decimal),
		slack.NewInputBlock("people", label("People"), nil, people),
		slack.NewInputBlock("date", label("Date"), nil, slack.NewDatePickerBlockElement("date")),
		slack.NewInputBlock("time", label("Time"), nil, slack.NewTimePickerBlockElement("time")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	timeValue := func(s string) map[string]any { return map[string]any{"type": "timepicker", "selected_time": s} }
	for _, tt := range []struct {
		name, block string
		value       map[string]any
		ok          bool
	}{
		{"five characters", "text", TextValue("ééééé"), true},
		{"six characters", "text", TextValue("abcdef"), false},
		{"one character", "text", TextValue("a"), false},
		{"no text", "text", TextValue(""), true},
		{"480", "whole", NumberValue("480"), true},
		{"1", "whole", NumberValue("1"), true},
		{"0", "whole", NumberValue("0"), false},
		{"481", "whole", NumberValue("481"), false},
		{"4x5", "whole", NumberValue("4x5"), false},
		{"1.5 in a whole input", "whole", NumberValue("1.5"), false},
		{"1e2", "whole", NumberValue("1e2"), false},
		{"no number", "whole", NumberValue(""), true},
		{"-1.5", "decimal", NumberValue("-1.5"), true},
		{"-1.75", "decimal", NumberValue("-1.75"), false},
		{"2.25", "decimal", NumberValue("2.25"), true},
		{"one person", "people", UsersValue("U0BOB"), true},
		{"two people", "people", UsersValue("U0BOB", "U0CAROL"), false},
		{"2026-11-20", "date", DateValue("2026-11-20"), true},
		{"20/11/2026", "date", DateValue("20/11/2026"), false},
		{"2026-11-31", "date", DateValue("2026-11-31"), false},
		{"09:30", "time", timeValue("09:30"), true},
		{"9:30", "time", timeValue("9:30"), false},
	} {
		err := fake.TypeInView("U0ALICE", opened.View.ID, map[string]map[string]any{tt.block: {tt.block: tt.value}})
		if tt.ok && err != nil {
			t.Errorf("%s in %s: %v, want it taken", tt.name, tt.block, err)
		}
		if !tt.ok && err == nil {
			t.Errorf("%s in %s was taken, want it refused", tt.name, tt.block)
		}
	}
}

// A message's selects hold the same rule: a click carries only picks of
// options the message offers.
func TestAMessageClickCarriesOnlyOfferedPicks(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "size", slack.NewOptionBlockObject("s", label("Small"), nil))
	_, ts, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionBlocks(
		slack.NewActionBlock("menu", sel), buttonsBlock("go", [2]string{"go", "1"})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = fake.ClickButton(ctx, "U0ALICE", "U0ALICE", ts, "go", MessageState(map[string]map[string]any{"menu": {"size": OptionValue("xl")}}))
	if err == nil || !strings.Contains(err.Error(), `"xl"`) {
		t.Errorf("a click with a pick the message does not offer: %v, want it refused", err)
	}
}

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

// Slack reports each element's state under its own type, in its own field:
// a value made for another kind of element (text for a select, an option
// for a date picker, a select's option for radio buttons) is one no person
// can give, and the fake refuses it rather than send a state the element
// never reports.
func TestAValueForAnotherElementIsRefused(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	modal := sessionModal("Shapes")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("kind", label("Kind"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind", slack.NewOptionBlockObject("a", label("Alpha"), nil))),
		slack.NewInputBlock("role", label("Role"), nil, slack.NewRadioButtonsBlockElement("role", slack.NewOptionBlockObject("a", label("Alpha"), nil))),
		slack.NewInputBlock("date", label("Date"), nil, slack.NewDatePickerBlockElement("date")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, block, action string
		value               map[string]any
		ok                  bool
	}{
		{"text for a static select", "kind", "kind", TextValue("a"), false},
		{"a bare value for a static select", "kind", "kind", map[string]any{"value": "a"}, false},
		{"a select's option for radio buttons", "role", "role", OptionValue("a"), false},
		{"an option for a date picker", "date", "date", RadioValue("a"), false},
		{"a date for a text input", "notes", "notes_input", DateValue("2026-11-20"), false},
		{"a number as a JSON number", "notes", "notes_input", map[string]any{"type": "plain_text_input", "value": 30}, false},
		{"one option as a list", "kind", "kind", map[string]any{"type": "static_select", "selected_option": []any{map[string]any{"value": "a"}}}, false},
		{"an option for a static select", "kind", "kind", OptionValue("a"), true},
		{"an option for radio buttons", "role", "role", RadioValue("a"), true},
		{"a date for a date picker", "date", "date", DateValue("2026-11-20"), true},
	} {
		values := map[string]map[string]any{tt.block: {tt.action: tt.value}}
		err := fake.TypeInView("U0ALICE", opened.View.ID, values)
		if tt.ok && err != nil {
			t.Errorf("%s: %v, want it taken", tt.name, err)
		}
		if !tt.ok {
			if err == nil {
				t.Errorf("%s was taken, want it refused", tt.name)
			}
			if _, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, values); err == nil {
				t.Errorf("a submission of %s was sent, want it refused", tt.name)
			}
		}
	}
}

// An input left empty, or cleared, reaches the app as Slack sends it: null
// for a single value ("value": null, never ""), [] for a list, whatever
// empty value the test gave.
func TestEmptyValuesAreSentAsSlackSendsThem(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	optional := func(b *slack.InputBlock) *slack.InputBlock { return b.WithOptional(true) }
	modal := sessionModal("Empty")
	modal.Blocks.BlockSet = []slack.Block{
		optional(slack.NewInputBlock("notes", label("Notes"), nil, slack.NewPlainTextInputBlockElement(nil, "notes_input"))),
		optional(slack.NewInputBlock("minutes", label("Minutes"), nil, slack.NewNumberInputBlockElement(nil, "minutes", false))),
		optional(slack.NewInputBlock("date", label("Date"), nil, slack.NewDatePickerBlockElement("date"))),
		optional(slack.NewInputBlock("rep", label("Rep"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "rep"))),
		optional(slack.NewInputBlock("reps", label("Reps"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "reps"))),
	}
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	in, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, map[string]map[string]any{
		"notes": {"notes_input": TextValue("")}, "minutes": {"minutes": NumberValue("")},
		"date": {"date": DateValue("")}, "rep": {"rep": UserValue("")},
		"reps": {"reps": map[string]any{"type": "multi_users_select", "selected_users": nil}},
	})
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	var p struct {
		View struct {
			State struct {
				Values map[string]map[string]map[string]json.RawMessage `json:"values"`
			} `json:"state"`
		} `json:"view"`
	}
	if err := json.Unmarshal(evt.Request.Payload, &p); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ block, action, key, want string }{
		{"notes", "notes_input", "value", "null"},
		{"minutes", "minutes", "value", "null"},
		{"date", "date", "selected_date", "null"},
		{"rep", "rep", "selected_user", "null"},
		{"reps", "reps", "selected_users", "[]"},
	} {
		if got := string(p.View.State.Values[c.block][c.action][c.key]); got != c.want {
			t.Errorf("%s/%s sent %s %s, want %s", c.block, c.action, c.key, got, c.want)
		}
	}
}

// Slack's user pickers offer the users visible to the person picking: a
// channel's id, or an id the workspace has no user for, is never picked,
// in a form or in a message. A user of another workspace met through
// Slack Connect is visible, and is taken; a crafted submission (Forged)
// sends anything.
func TestUserPickersOfferOnlyUsers(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})
	fake.AddUser(User{ID: "U0BOB", Name: "bob"})
	fake.AddUser(User{ID: "U0EXT", Name: "ext", TeamID: "T0OTHER"})
	modal := sessionModal("People")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("rep", label("Rep"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "rep")),
		slack.NewInputBlock("reps", label("Reps"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "reps")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	typePicks(ctx, t, fake, id, "not a user", true, []pick{
		{"a channel", map[string]map[string]any{"rep": {"rep": UserValue("C0GENERAL")}}, false},
		{"no such user", map[string]map[string]any{"rep": {"rep": UserValue("U0NOBODY")}}, false},
		{"a channel among users", map[string]map[string]any{"reps": {"reps": UsersValue("U0BOB", "C0GENERAL")}}, false},
		{"a user", map[string]map[string]any{"rep": {"rep": UserValue("U0BOB")}}, true},
		{"users, one through Slack Connect", map[string]map[string]any{"reps": {"reps": UsersValue("U0BOB", "U0EXT")}}, true},
	})

	clickWithPick(ctx, t, fake, "who", slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "who"), UserValue("C0GENERAL"),
		"a click with a channel picked in a message's user select was sent")

	in, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{"notes": {"notes_input": TextValue("n")}},
		Forged(map[string]map[string]any{"rep": {"rep": UserValue("C0GENERAL")}}))
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	if got := st["rep"]["rep"].SelectedUser; got != "C0GENERAL" {
		t.Errorf("a forged pick sent %q, want C0GENERAL", got)
	}
	if got := st["reps"]["reps"].SelectedUsers; len(got) != 2 || got[1] != "U0EXT" {
		t.Errorf("the users picked sent %v, want U0BOB and U0EXT", got)
	}
}

// A multi-select holds each pick once: a person cannot pick a user, a
// channel or a conversation twice, any more than an option (a crafted
// submission, Forged, still can).
func TestAMultiSelectHoldsEachPickOnce(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0BOB", Name: "bob"})
	fake.AddUser(User{ID: "U0CAT", Name: "cat"})
	fake.AddChannel("C0TEAM", true)
	fake.AddChannel("C0SALES", false)
	modal := sessionModal("Twice")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("reps", label("Reps"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "reps")),
		slack.NewInputBlock("chs", label("Channels"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeChannels, nil, "chs")),
		slack.NewInputBlock("convs", label("Conversations"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeConversations, nil, "convs")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	typePicks(ctx, t, fake, id, "picked twice", false, []pick{
		{"a user twice", map[string]map[string]any{"reps": {"reps": UsersValue("U0BOB", "U0CAT", "U0BOB")}}, false},
		{"a channel twice", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", "C0TEAM")}}, false},
		{"a conversation twice", map[string]map[string]any{"convs": {"convs": ConversationsValue("C0SALES", "C0TEAM", "C0SALES")}}, false},
		{"users once each", map[string]map[string]any{"reps": {"reps": UsersValue("U0BOB", "U0CAT")}}, true},
		{"channels once each", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", "C0SALES")}}, true},
	})
	if _, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{"reps": {"reps": UsersValue("U0CAT", "U0CAT")}}); err == nil {
		t.Error("a submission picking a user twice was sent")
	}
}

// Slack's channel pickers offer the public channels the person sees, and
// its conversation pickers their channels, DMs and group DMs: a user's id,
// a channel the workspace does not have, a private (G…) one in a channels
// picker, or someone else's DM is never picked; the person's own DM with
// the app is, unless the picker's filter leaves DMs out. A crafted
// submission (Forged) sends anything.
func TestChannelPickersOfferOnlyKnownConversations(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})
	fake.AddUser(User{ID: "U0BOB", Name: "bob"})
	fake.AddChannel("C0TEAM", true)
	fake.AddChannel("C0SALES", false) // the bot need not be in it: the person sees it
	fake.AddChannel("G0PRIVATE", true)
	publicOnly := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, nil, "pub")
	publicOnly.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}}
	modal := sessionModal("Channels")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("ch", label("Channel"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, nil, "ch")),
		slack.NewInputBlock("chs", label("Channels"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeChannels, nil, "chs")),
		slack.NewInputBlock("conv", label("Conversation"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, nil, "conv")),
		slack.NewInputBlock("convs", label("Conversations"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeConversations, nil, "convs")),
		slack.NewInputBlock("pub", label("Public"), nil, publicOnly),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	aliceDM, bobDM := fake.dmChannel("U0ALICE"), fake.dmChannel("U0BOB")
	typePicks(ctx, t, fake, id, "offer", true, []pick{
		{"a user in a channels picker", map[string]map[string]any{"ch": {"ch": ChannelValue("U0BOB")}}, false},
		{"an unknown channel", map[string]map[string]any{"ch": {"ch": ChannelValue("C0NOWHERE")}}, false},
		{"a private channel in a channels picker", map[string]map[string]any{"ch": {"ch": ChannelValue("G0PRIVATE")}}, false},
		{"a DM in a channels picker", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", aliceDM)}}, false},
		{"an unknown channel among known ones", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", "C0NOWHERE")}}, false},
		{"a user in a conversations picker", map[string]map[string]any{"conv": {"conv": ConversationValue("U0BOB")}}, false},
		{"someone else's DM", map[string]map[string]any{"convs": {"convs": ConversationsValue("C0TEAM", bobDM)}}, false},
		{"an unknown conversation", map[string]map[string]any{"conv": {"conv": ConversationValue("C0NOWHERE")}}, false},
		{"a DM where the filter leaves DMs out", map[string]map[string]any{"pub": {"pub": ConversationValue(aliceDM)}}, false},
		{"a channel", map[string]map[string]any{"ch": {"ch": ChannelValue("C0SALES")}}, true},
		{"channels", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", "C0SALES")}}, true},
		{"a private channel in a conversations picker", map[string]map[string]any{"conv": {"conv": ConversationValue("G0PRIVATE")}}, true},
		{"the picker's own DM and a channel", map[string]map[string]any{"convs": {"convs": ConversationsValue(aliceDM, "C0TEAM")}}, true},
		{"a channel where the filter leaves DMs out", map[string]map[string]any{"pub": {"pub": ConversationValue("C0TEAM")}}, true},
	})

	clickWithPick(ctx, t, fake, "where", slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, nil, "where"), ChannelValue("C0NOWHERE"),
		"a click with an unknown channel picked in a message's channel select was sent")

	in, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{"ch": {"ch": ChannelValue("C0TEAM")}},
		Forged(map[string]map[string]any{"conv": {"conv": ConversationValue(bobDM)}}))
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	if got := st["conv"]["conv"].SelectedConversation; got != bobDM {
		t.Errorf("a forged pick sent %q, want %s", got, bobDM)
	}
	if got := st["ch"]["ch"].SelectedChannel; got != "C0TEAM" {
		t.Errorf("the channel picked sent %q, want C0TEAM", got)
	}
}

// Slack's client does not submit a modal while an input not set optional
// (input-block: optional "Defaults to false") is empty: the fake refuses
// the submission, naming the block, and sends nothing. An input filled by
// its initial value is not empty; one cleared is. A crafted submission
// (Forged) may leave empty the blocks it gives values for, and only those.
func TestARequiredInputLeftEmptyIsNotSubmitted(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	kind := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind", slack.NewOptionBlockObject("a", label("Alpha"), nil))
	kind.InitialOption = slack.NewOptionBlockObject("a", label("Alpha"), nil)
	modal := sessionModal("Required")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("title", label("Title"), nil, slack.NewPlainTextInputBlockElement(nil, "title")),
		slack.NewInputBlock("reps", label("Reps"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "reps")),
		slack.NewInputBlock("kept", label("Kept"), nil, slack.NewCheckboxGroupsBlockElement("kept", slack.NewOptionBlockObject("1", label("One"), nil))),
		slack.NewInputBlock("kind", label("Kind"), nil, kind),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	full := func() map[string]map[string]any {
		return map[string]map[string]any{
			"title": {"title": TextValue("Q3")}, "reps": {"reps": UsersValue("U0BOB")}, "kept": {"kept": CheckboxesValue("1")},
		}
	}
	for _, tt := range []struct {
		name, block string
		change      map[string]map[string]any
	}{
		{"text left empty", "title", map[string]map[string]any{"title": {"title": TextValue("")}}},
		{"no user picked", "reps", map[string]map[string]any{"reps": {"reps": UsersValue()}}},
		{"no box ticked", "kept", map[string]map[string]any{"kept": {"kept": CheckboxesValue()}}},
		{"a prefilled select cleared", "kind", map[string]map[string]any{"kind": {"kind": map[string]any{"type": "static_select", "selected_option": nil}}}},
	} {
		values := full()
		for k, x := range tt.change {
			values[k] = x
		}
		_, err := fake.SubmitView(ctx, "U0ALICE", id, values)
		if err == nil || !strings.Contains(err.Error(), `"`+tt.block+`"`) || !strings.Contains(err.Error(), "required") {
			t.Errorf("%s: %v, want a refusal naming block %q", tt.name, err, tt.block)
		}
		// Put back what the person had before trying.
		if err := fake.TypeInView("U0ALICE", id, full()); err != nil {
			t.Fatal(err)
		}
		if err := fake.TypeInView("U0ALICE", id, map[string]map[string]any{"kind": {"kind": OptionValue("a")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fake.SubmitView(ctx, "U0ALICE", id, map[string]map[string]any{"title": {"title": TextValue("")}},
		Forged(map[string]map[string]any{"reps": {"reps": UsersValue()}})); err == nil || !strings.Contains(err.Error(), `"title"`) {
		t.Errorf("a forged submission left empty a block it does not craft: %v, want a refusal naming title", err)
	}
	if err := fake.TypeInView("U0ALICE", id, full()); err != nil {
		t.Fatal(err)
	}

	// Forged may leave empty what it crafts; the notes, optional, stay
	// empty; the kind submits its initial option.
	in, err := fake.SubmitView(ctx, "U0ALICE", id, nil, Forged(map[string]map[string]any{"reps": {"reps": UsersValue()}}))
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	_ = sm.Ack(*evt.Request)
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	if len(st["reps"]["reps"].SelectedUsers) != 0 || st["title"]["title"].Value != "Q3" || st["kind"]["kind"].SelectedOption.Value != "a" {
		t.Errorf("the forged submission sent reps %v, title %q, kind %q; want none, Q3, a",
			st["reps"]["reps"].SelectedUsers, st["title"]["title"].Value, st["kind"]["kind"].SelectedOption.Value)
	}
}
