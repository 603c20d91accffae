package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
)

// TextValue is a plain_text_input's state value. An empty one is sent as
// Slack sends a cleared input, "value": null (so are NumberValue(""),
// DateValue(""), UserValue("")...).
func TextValue(s string) map[string]any {
	return map[string]any{"type": "plain_text_input", "value": s}
}

// NumberValue is a number_input's state value; Slack sends numbers as strings.
func NumberValue(s string) map[string]any {
	return map[string]any{"type": "number_input", "value": s}
}

// EmailValue is an email_text_input's state value.
func EmailValue(s string) map[string]any {
	return map[string]any{"type": "email_text_input", "value": s}
}

// URLValue is a url_text_input's state value.
func URLValue(s string) map[string]any {
	return map[string]any{"type": "url_text_input", "value": s}
}

// DateValue is a datepicker's state value, date as "2026-11-20".
func DateValue(date string) map[string]any {
	return map[string]any{"type": "datepicker", "selected_date": date}
}

// UserValue is a users_select's state value.
func UserValue(id string) map[string]any {
	return map[string]any{"type": "users_select", "selected_user": id}
}

// UsersValue is a multi_users_select's state value.
func UsersValue(ids ...string) map[string]any {
	return map[string]any{"type": "multi_users_select", "selected_users": append([]string{}, ids...)}
}

// ChannelValue is a channels_select's state value.
func ChannelValue(id string) map[string]any {
	return map[string]any{"type": "channels_select", "selected_channel": id}
}

// ChannelsValue is a multi_channels_select's state value.
func ChannelsValue(ids ...string) map[string]any {
	return map[string]any{"type": "multi_channels_select", "selected_channels": append([]string{}, ids...)}
}

// ConversationValue is a conversations_select's state value.
func ConversationValue(id string) map[string]any {
	return map[string]any{"type": "conversations_select", "selected_conversation": id}
}

// ConversationsValue is a multi_conversations_select's state value.
func ConversationsValue(ids ...string) map[string]any {
	return map[string]any{"type": "multi_conversations_select", "selected_conversations": append([]string{}, ids...)}
}

// OptionValue is a static_select's state value, picking the option with
// value v; SubmitView, TypeInView and ClickViewAction refuse an option the
// element does not offer and put in the one it does, as the view defines
// it.
func OptionValue(v string) map[string]any {
	return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
}

// OptionsValue is a multi_static_select's state value.
func OptionsValue(vs ...string) map[string]any {
	return map[string]any{"type": "multi_static_select", "selected_options": optionList(vs)}
}

// RadioValue is a radio_buttons' state value.
func RadioValue(v string) map[string]any {
	return map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": v}}
}

// CheckboxesValue is a checkboxes' state value.
func CheckboxesValue(vs ...string) map[string]any {
	return map[string]any{"type": "checkboxes", "selected_options": optionList(vs)}
}

func optionList(vs []string) []any {
	out := make([]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, map[string]any{"value": v})
	}
	return out
}

// stateField says where Slack reports a stateful element's value in a
// view's state, and which field of the element sets it before the user
// touches it. Field names follow the view state reference (bolt-js's
// ViewStateValue lists every one) and the fixtures: selected_date for a
// datepicker, value for text, number, email and url inputs,
// selected_date_time (a unix time) for a datetimepicker, rich_text_value
// for a rich text input, files for a file input.
type stateField struct {
	key     string // the state value's field
	initial string // the element's field that sets it; "" when none does
	list    bool   // a list: empty is [], not null
}

// stateFields has every element type that has a state. Buttons, overflow
// menus, images and workflow buttons have none, so Slack reports nothing
// for them.
var stateFields = map[string]stateField{
	"plain_text_input":           {key: "value", initial: "initial_value"},
	"number_input":               {key: "value", initial: "initial_value"},
	"email_text_input":           {key: "value", initial: "initial_value"},
	"url_text_input":             {key: "value", initial: "initial_value"},
	"rich_text_input":            {key: "rich_text_value", initial: "initial_value"},
	"datepicker":                 {key: "selected_date", initial: "initial_date"},
	"timepicker":                 {key: "selected_time", initial: "initial_time"},
	"datetimepicker":             {key: "selected_date_time", initial: "initial_date_time"},
	"static_select":              {key: "selected_option", initial: "initial_option"},
	"external_select":            {key: "selected_option", initial: "initial_option"},
	"radio_buttons":              {key: "selected_option", initial: "initial_option"},
	"users_select":               {key: "selected_user", initial: "initial_user"},
	"conversations_select":       {key: "selected_conversation", initial: "initial_conversation"},
	"channels_select":            {key: "selected_channel", initial: "initial_channel"},
	"multi_static_select":        {key: "selected_options", initial: "initial_options", list: true},
	"multi_external_select":      {key: "selected_options", initial: "initial_options", list: true},
	"checkboxes":                 {key: "selected_options", initial: "initial_options", list: true},
	"multi_users_select":         {key: "selected_users", initial: "initial_users", list: true},
	"multi_conversations_select": {key: "selected_conversations", initial: "initial_conversations", list: true},
	"multi_channels_select":      {key: "selected_channels", initial: "initial_channels", list: true},
	"file_input":                 {key: "files", list: true},
}

// untouchedValue is what Slack reports for a stateful element the user left
// as the view opened it: its initial value (initial_value, initial_option,
// initial_date, initial_users...), or an empty one when it has none (null,
// or [] for a list). A form opened prefilled and saved untouched submits
// what it showed. false for an element that has no state.
func untouchedValue(el map[string]any) (map[string]any, bool) {
	typ, _ := el["type"].(string)
	f, ok := stateFields[typ]
	if !ok {
		return nil, false
	}
	v := map[string]any{"type": typ, f.key: nil}
	switch {
	case f.list:
		v[f.key] = []any{}
	case typ == "rich_text_input":
		// bolt-js types rich_text_value as a rich_text block, never null:
		// an empty one is a block with no elements.
		v[f.key] = map[string]any{"type": "rich_text", "elements": []any{}}
	}
	if x, ok := el[f.initial]; ok && x != nil && f.initial != "" {
		v[f.key] = x
	}
	return v, true
}

// asMap accepts a state value as a map or as anything that marshals to a
// JSON object (a slack.BlockAction, say).
func asMap(x any) (map[string]any, error) {
	if m, ok := x.(map[string]any); ok {
		return m, nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("marshal state value: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("state value is not a JSON object: %w", err)
	}
	return m, nil
}

// mergeStateLocked fits values into v's state; every block and action must
// exist in the view, as Slack only reports elements the view has.
func (s *Server) mergeStateLocked(v *view, values map[string]map[string]any) error {
	blocks, _ := v.def["blocks"].([]any)
	if err := fitValues(blocks, v.state, values, s.pickableLocked(v.userID)); err != nil {
		return fmt.Errorf("view %s: %w", v.id, err)
	}
	return nil
}

// fitValues fits values into state (block_id -> action_id -> value), each
// to the element of blocks it belongs to; every block and action must
// exist in blocks, as Slack only reports elements the surface has, and
// every value must be one a person can give its element (stateValue;
// offered says which ids its pickers offer). On a refusal state is left
// as it was.
func fitValues(blocks []any, state, values map[string]map[string]any, offered pickable) error {
	fitted := map[string]map[string]any{}
	for blockID, actions := range values {
		for actionID, given := range actions {
			el, ok := findElement(blocks, blockID, actionID)
			if !ok {
				return fmt.Errorf("no element %s/%s", blockID, actionID)
			}
			gm, err := asMap(given)
			if err != nil {
				return fmt.Errorf("value of %s/%s: %w", blockID, actionID, err)
			}
			val, err := stateValue(el, gm, offered)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", blockID, actionID, err)
			}
			if fitted[blockID] == nil {
				fitted[blockID] = map[string]any{}
			}
			fitted[blockID][actionID] = val
		}
	}
	for blockID, actions := range fitted {
		if state[blockID] == nil {
			state[blockID] = map[string]any{}
		}
		maps.Copy(state[blockID], actions)
	}
	return nil
}

// fullStateLocked is v's state as Slack reports it in view_submission and
// block_actions payloads (see fullState). v.state is left as it is.
func fullStateLocked(v *view) map[string]map[string]any {
	blocks, _ := v.def["blocks"].([]any)
	return fullState(blocks, v.state)
}

// fullState is the state of a surface (a view or a message) as Slack
// reports it in view_submission and block_actions payloads: the values
// the user gave, and every other stateful element of blocks, in input
// blocks or any other, as the surface shows it untouched
// (https://api.slack.com/changelog/2020-09-full-state-on-view-submisson-and-block-actions,
// which covers modals, messages and Home tabs alike;
// slackmachine_view_submission.json has a section's datepicker). given is
// left as it is.
func fullState(blocks []any, given map[string]map[string]any) map[string]map[string]any {
	out := make(map[string]map[string]any, len(given))
	for blockID, actions := range given {
		out[blockID] = maps.Clone(actions)
	}
	for blockID, el := range blockElements(blocks) {
		actionID, _ := el["action_id"].(string)
		if _, ok := out[blockID][actionID]; ok {
			continue
		}
		if val, stateful := untouchedValue(el); stateful {
			if out[blockID] == nil {
				out[blockID] = map[string]any{}
			}
			out[blockID][actionID] = val
		}
	}
	return out
}

// ClickViewAction sends block_actions from inside a modal (or home tab), as
// in pysdk_envelope_interactive_block_actions_in_modal.json: the element at
// blockID/actionID is used, with state merged into the view's state first
// (pass the element's own value in state for selects, inputs and pickers).
// The payload's state holds every stateful element, as Slack's does: the
// values given so far, the others as the view shows them untouched.
// The trigger_id it issues can be used with views.push.
//
// Only the user a modal was opened for, or a Home tab published to, can
// click in it: Slack shows that view to nobody else. A click by anyone
// else is refused here, so a test of a forged click must build the
// payload itself (and send it with Send). So is a click in a modal view
// with another pushed on top of it: only the top view is shown.
func (s *Server) ClickViewAction(ctx context.Context, userID, viewID, blockID, actionID string, state map[string]map[string]any, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	v := s.st.views[viewID]
	if v == nil || v.closed {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("view action %s: view %s is not open", actionID, viewID)
	}
	if why := s.usableByLocked(v, userID); why != "" {
		s.mu.Unlock()
		if userID != v.userID {
			why += "; build a forged click by hand"
		}
		return Interaction{}, fmt.Errorf("view action %s: %s", actionID, why)
	}
	blocks, _ := v.def["blocks"].([]any)
	el, ok := findElement(blocks, blockID, actionID)
	if !ok {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("view action: view %s has no element %s/%s", viewID, blockID, actionID)
	}
	// An element of an input block tells the app nothing until the view
	// is submitted, unless its block sets dispatch_action
	// (https://docs.slack.dev/reference/block-kit/blocks/input-block/).
	if b := blockByID(blocks, blockID); b["type"] == "input" && b["dispatch_action"] != true {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("view action %s: input block %s has no dispatch_action: Slack sends no block_actions for it", actionID, blockID)
	}
	if err := s.mergeStateLocked(v, state); err != nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("view action %s: %w", actionID, err)
	}
	action := map[string]any{"type": el["type"], "action_id": actionID, "block_id": blockID, "action_ts": s.actionTS()}
	if el["type"] == "button" {
		for _, k := range []string{"text", "value", "style"} {
			if x, ok := el[k]; ok {
				action[k] = x
			}
		}
	}
	full := fullStateLocked(v)
	if cur, ok := full[blockID][actionID].(map[string]any); ok {
		for k, x := range cur {
			if k != "type" {
				action[k] = x
			}
		}
	}
	viewObj := s.viewObjectLocked(v)
	viewObj["state"] = map[string]any{"values": full}
	in := Interaction{TriggerID: s.issueTriggerLocked(userID, viewID)}
	payload := map[string]any{
		"type": "block_actions", "user": s.userRefLocked(userID), "api_app_id": s.appID,
		"token": VerificationToken, "container": map[string]any{"type": "view", "view_id": viewID},
		"trigger_id": in.TriggerID, "team": s.teamRef(), "enterprise": s.enterpriseRef(),
		"is_enterprise_install": enterpriseInstall(cfg), "view": viewObj, "actions": []any{action},
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{triggers: []string{in.TriggerID}}, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("view action %s: %w", actionID, err)
	}
	return in, nil
}

// TypeInView gives values (block_id -> action_id -> a TextValue,
// DateValue...) to the open modal viewID as its user typing or picking
// would, without telling the app: Slack sends nothing for an input block's
// element until the view is submitted (only one set to dispatch_action
// sends block_actions; use ClickViewAction for those). The values stay in
// the view's state, as what the user sees, through a views.update that
// keeps their block_id and action_id, and go with the submission. A value
// no person could give the element (an option it does not offer, text
// past its max_length, a number out of its bounds, a malformed date, a
// value made for another kind of element, an id no user picker offers) is
// refused, and the view's state is left as it was.
func (s *Server) TypeInView(userID, viewID string, values map[string]map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.views[viewID]
	if v == nil || v.closed || v.typ != "modal" {
		return fmt.Errorf("type in view %s: no such open modal", viewID)
	}
	if why := s.usableByLocked(v, userID); why != "" {
		return fmt.Errorf("type in view %s: %s", viewID, why)
	}
	if err := s.mergeStateLocked(v, values); err != nil {
		return fmt.Errorf("type in view: %w", err)
	}
	return nil
}

// SubmitView sends a view_submission like slackmachine_view_submission.json
// for the open modal viewID, with state.values built from values (block_id
// -> action_id -> a TextValue, DateValue...). Stateful elements left out,
// in input blocks or any other, are reported as the user left them, as on
// Slack, where a pick stays in the view until it is submitted: what was
// given for them earlier (in ClickViewAction, or in a submission the ack
// kept open), else their initial value, else empty (null, or [] for a
// list); to clear one, give it its empty value. The ack decides what
// happens to the modal: errors keep it open, update/push/clear act,
// anything else closes it. ViewFields changes what the payload's view
// says, for a payload the app cannot read; Forged what its state says,
// for values no person could give.
//
// A required input (an input block without "optional": true) left empty
// is refused, as Slack's client refuses to submit it, unless Forged gives
// its block a value.
//
// Values are only those a person can give, as in TypeInView: a pick among
// the options the element offers (its state carries the option as the
// view defines it, text included), text within the input's max_length, a
// number within its bounds, a date as the picker gives it, a user of the
// workspace in a user picker, each in its element's own shape. Anything
// else is refused and nothing is sent; Forged sends a crafted value
// instead.
//
// Only the user the modal was opened for can submit it, and only while it
// is the top view of its stack (see usableByLocked); anything else is
// refused and nothing is sent. To test an app's own check that the
// submitter may act on what a form names, open the form for that user
// (views.open on IssueTrigger) and submit it as them.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, values map[string]map[string]any, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	v := s.st.views[viewID]
	if v == nil || v.closed || v.typ != "modal" {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("submit view %s: no such open modal", viewID)
	}
	if why := s.usableByLocked(v, userID); why != "" {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("submit view %s: %s", viewID, why)
	}
	if err := s.mergeStateLocked(v, values); err != nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("submit view: %w", err)
	}
	v.state = fullStateLocked(v)
	if err := checkRequired(v.def, v.state, cfg.forged); err != nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("submit view %s: %w", viewID, err)
	}
	in := Interaction{TriggerID: s.issueTriggerLocked(userID, viewID)}
	viewObj := s.viewObjectLocked(v)
	if cfg.forged != nil {
		viewObj["state"] = map[string]any{"values": forgedState(v.state, cfg.forged)}
	}
	for k, x := range cfg.view {
		if x == nil {
			delete(viewObj, k)
		} else {
			viewObj[k] = x
		}
	}
	payload := map[string]any{
		"type": "view_submission", "team": s.teamRef(), "user": s.userRefLocked(userID),
		"api_app_id": s.appID, "token": VerificationToken, "trigger_id": in.TriggerID,
		"view": viewObj, "response_urls": []any{},
		"is_enterprise_install": enterpriseInstall(cfg), "enterprise": s.enterpriseRef(),
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{viewID: viewID, triggers: []string{in.TriggerID}}, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("submit view %s: %w", viewID, err)
	}
	return in, nil
}

// checkRequired refuses the submission of a view whose state leaves empty
// a required input: an input block's optional "indicates whether the input
// element may be empty when a user submits the modal. Defaults to false"
// (input-block), and Slack's client will not submit the modal until the
// person fills every input not set optional. The blocks a crafted
// submission (Forged) gives values for are its own affair: a test of the
// app's own check of a missing value forges the empty value.
func checkRequired(def map[string]any, state, forged map[string]map[string]any) error {
	blocks, _ := def["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm["type"] != "input" || bm["optional"] == true {
			continue
		}
		blockID, _ := bm["block_id"].(string)
		if _, crafted := forged[blockID]; crafted {
			continue
		}
		for _, el := range elementsOf(bm) {
			actionID, _ := el["action_id"].(string)
			if val, _ := state[blockID][actionID].(map[string]any); leftEmpty(el, val) {
				label, _ := bm["label"].(map[string]any)
				return fmt.Errorf("input block %q (%q) is required (it has no \"optional\": true) and left empty: Slack's client does not submit the view until it is filled; give it a value, or craft the submission with Forged",
					blockID, label["text"])
			}
		}
	}
	return nil
}

// leftEmpty reports whether val, el's state value, is what an element
// nobody filled in reports (see untouchedValue and emptyAsSlackSends): a
// null single value, an empty list, a rich text with no elements.
func leftEmpty(el, val map[string]any) bool {
	typ, _ := el["type"].(string)
	f, stateful := stateFields[typ]
	if !stateful {
		return false
	}
	x := val[f.key]
	if typ == "rich_text_input" {
		rt, _ := x.(map[string]any)
		return isEmpty(rt["elements"])
	}
	return isEmpty(x)
}

// forgedState is state with the values of forged put over it as given;
// state is left as it is.
func forgedState(state, forged map[string]map[string]any) map[string]map[string]any {
	out := make(map[string]map[string]any, len(state))
	for blockID, actions := range state {
		out[blockID] = maps.Clone(actions)
	}
	for blockID, actions := range forged {
		if out[blockID] == nil {
			out[blockID] = map[string]any{}
		}
		maps.Copy(out[blockID], actions)
	}
	return out
}

// CloseView closes the modal viewID as the user's Cancel or X would. Slack
// tells the app (view_closed, like slackmachine_view_closed.json) only when
// the view set notify_on_close; otherwise no envelope is sent and the
// returned EnvelopeID is empty. As with SubmitView, only the modal's own
// user can close it, and only while it is the top view of its stack.
func (s *Server) CloseView(ctx context.Context, userID, viewID string, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	v := s.st.views[viewID]
	if v == nil || v.closed || v.typ != "modal" {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("close view %s: no such open modal", viewID)
	}
	if why := s.usableByLocked(v, userID); why != "" {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("close view %s: %s", viewID, why)
	}
	v.closed = true
	notify, _ := v.def["notify_on_close"].(bool)
	payload := map[string]any{
		"type": "view_closed", "team": s.teamRef(), "user": s.userRefLocked(userID),
		"api_app_id": s.appID, "token": VerificationToken, "view": s.viewObjectLocked(v),
		"is_cleared": false, "is_enterprise_install": enterpriseInstall(cfg), "enterprise": s.enterpriseRef(),
	}
	s.notifyLocked()
	if !notify {
		s.mu.Unlock()
		return Interaction{}, nil
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{}, cfg)
	if err != nil {
		return Interaction{EnvelopeID: id}, fmt.Errorf("close view %s: %w", viewID, err)
	}
	return Interaction{EnvelopeID: id}, nil
}
