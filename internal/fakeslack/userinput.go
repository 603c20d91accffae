package fakeslack

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stateValue fits a caller's value to the element it belongs to, as
// Slack's client reports what a person typed or picked: the element's
// real type, and each option picked as the view defines it, text and all.
// It refuses what no person can give the element (see offeredOption and
// checkTyped): a test that means to send such a value sends a crafted
// payload instead (Forged). offered says which users and conversations
// the workspace's pickers offer the person picking.
func stateValue(el, given map[string]any, offered pickable) (map[string]any, error) {
	if err := checkShape(el, given); err != nil {
		return nil, err
	}
	v := maps.Clone(given)
	v["type"] = el["type"]
	emptyAsSlackSends(el, v)
	if o, ok := v["selected_option"]; ok && o != nil {
		def, err := offeredOption(el, o)
		if err != nil {
			return nil, err
		}
		v["selected_option"] = def
	}
	if list, ok := v["selected_options"].([]any); ok {
		filled := make([]any, len(list))
		seen := map[string]bool{}
		for i, o := range list {
			def, err := offeredOption(el, o)
			if err != nil {
				return nil, err
			}
			value, _ := def["value"].(string)
			if seen[value] {
				return nil, fmt.Errorf("option %q picked twice: a person picks an option once", value)
			}
			seen[value] = true
			filled[i] = def
		}
		v["selected_options"] = filled
	}
	if err := checkTyped(el, v); err != nil {
		return nil, err
	}
	if err := checkPicks(el, v, offered); err != nil {
		return nil, err
	}
	return v, nil
}

// pickable says which ids the pickers of a surface offer the person
// picking: user for users_select and multi_users_select, channel for
// channels_select and multi_channels_select, conversation for
// conversations_select and multi_conversations_select. kind names the
// kind of a conversation as a conversation filter does (public, private,
// im, mpim), for filterOffers.
type pickable struct {
	user         func(id string) bool
	channel      func(id string) bool
	conversation func(id string) bool
	kind         func(id string) string
}

// pickedIDs are the ids picked in v, the state of a user, channel or
// conversation picker of type typ (nil for any other element).
func pickedIDs(typ string, v map[string]any) ([]string, error) {
	f, ok := stateFields[typ]
	if !ok || !idPickers[typ] {
		return nil, nil
	}
	switch x := v[f.key].(type) {
	case string:
		if x != "" {
			return []string{x}, nil
		}
	case []string:
		return x, nil
	case []any:
		ids := make([]string, 0, len(x))
		for _, y := range x {
			id, ok := y.(string)
			if !ok {
				return nil, fmt.Errorf("%s: a pick is an id, not %v", typ, y)
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	return nil, nil
}

// idPickers are the elements whose picks are ids of users or
// conversations, not options.
var idPickers = setOf("users_select", "multi_users_select", "channels_select", "multi_channels_select",
	"conversations_select", "multi_conversations_select")

// checkPicks refuses, in a user, channel or conversation picker, a pick
// the picker does not offer, or the same one twice:
//   - user pickers "populate [their] options with a list of Slack users
//     visible to the current user in the active workspace"
//     (select-menu-element, multi-select-menu-element), so a channel id,
//     or a user the workspace does not have, is never picked. A user of
//     another workspace met through a Slack Connect channel is visible
//     there, and the fake's directory may hold one (User.TeamID): it is
//     taken;
//   - channels_select and multi_channels_select offer "a list of public
//     channels visible to the current user", and conversations_select and
//     multi_conversations_select "public and private channels, DMs, and
//     MPIMs visible to the current user" (same pages): a pick is a
//     channel the test made known with AddChannel or, for a conversations
//     picker, the picker's own DM with the app. A conversations picker
//     with a filter offers only what it lets through (filterOffers). A
//     user id, an unknown channel, or someone else's DM is never picked;
//   - a multi-select picks "multiple items from a list of options"
//     (multi-select-menu-element): an item picked is in the selection
//     once, as a chip, and leaves the list, so no id comes twice.
//
// https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
// https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element
func checkPicks(el, v map[string]any, offered pickable) error {
	typ, _ := el["type"].(string)
	ids, err := pickedIDs(typ, v)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("%s: %q picked twice: a multi-select holds each pick once", typ, id)
		}
		seen[id] = true
		switch typ {
		case "users_select", "multi_users_select":
			if !offered.user(id) {
				return fmt.Errorf("%s: %q is not a user of the workspace: Slack's user picker offers only its users; send a crafted payload with Forged", typ, id)
			}
		case "channels_select", "multi_channels_select":
			if !offered.channel(id) {
				return fmt.Errorf("%s: %q is not a public channel the workspace has (AddChannel): Slack's channel picker offers only those; send a crafted payload with Forged", typ, id)
			}
		case "conversations_select", "multi_conversations_select":
			if !offered.conversation(id) || !filterOffers(el, offered.kind(id)) {
				return fmt.Errorf("%s: %q is not a conversation the picker offers (a channel added with AddChannel, or the picker's own DM with the app, of a kind its filter lets through); send a crafted payload with Forged", typ, id)
			}
		}
	}
	return nil
}

// filterOffers says whether a conversations picker's filter lets it offer
// a conversation of kind (conversationKindLocked). Slack's conversation
// filter object: "include" lists the kinds of conversation "that should
// be included in the list. When this field is provided, any conversations
// that do not match will be excluded" (im, mpim, private, public); and
// exclude_bot_users leaves out DMs with bots, as the app's DM is (the only
// DM a picker offers here). exclude_external_shared_channels is not
// checked: the fake has no shared channels.
// https://api.slack.com/reference/block-kit/composition-objects#filter_conversations
func filterOffers(el map[string]any, kind string) bool {
	f, _ := el["filter"].(map[string]any)
	if f == nil {
		return true
	}
	if ex, _ := f["exclude_bot_users"].(bool); ex && kind == "im" {
		return false
	}
	inc, given := f["include"].([]any)
	if !given {
		return true
	}
	for _, x := range inc {
		if x == kind {
			return true
		}
	}
	return false
}

// checkShape refuses a value given for an element of another type (a
// TextValue for a static_select, an OptionValue for radio buttons): Slack
// reports each element's state under its own type and in its own field
// (stateFields), so such a value is one no person can give, and taking it
// would send a state the element never reports. A field of another
// element's state left empty is let be, as a slack.BlockAction marshals
// every field.
func checkShape(el, given map[string]any) error {
	typ, _ := el["type"].(string)
	f, stateful := stateFields[typ]
	if !stateful {
		return fmt.Errorf("%s has no state: Slack reports no value for it", typ)
	}
	if t, _ := given["type"].(string); t != "" && t != typ {
		return fmt.Errorf("a %s value given for a %s, which reports its state as a %s's %s", t, typ, typ, f.key)
	}
	for k, x := range given {
		if k != f.key && stateKeys[k] && !isEmpty(x) {
			return fmt.Errorf("a value in %s given for a %s, which reports its state in %s", k, typ, f.key)
		}
	}
	if x, ok := given[f.key]; ok && x != nil && !fitsField(f, x) {
		return fmt.Errorf("%s %v (%T) given for a %s: Slack sends %s", f.key, x, x, typ, fieldShape(f))
	}
	return nil
}

// fitsField reports whether x has the JSON shape Slack gives f's field:
// a list for a multi-value element, an option object for selects, radio
// buttons and checkboxes, a rich_text block, a unix time as a number for
// a datetimepicker, and a string for all else, numbers included (the
// fixtures' number_input value is "55").
func fitsField(f stateField, x any) bool {
	switch {
	case f.list:
		switch x.(type) {
		case []any, []string:
			return true
		}
		return false
	case f.key == "selected_option", f.key == "rich_text_value":
		_, ok := x.(map[string]any)
		return ok
	case f.key == "selected_date_time":
		switch x.(type) {
		case float64, int, int64:
			return true
		}
		return false
	}
	_, ok := x.(string)
	return ok
}

func fieldShape(f stateField) string {
	switch {
	case f.list:
		return "a list"
	case f.key == "selected_option", f.key == "rich_text_value":
		return "an object"
	case f.key == "selected_date_time":
		return "a number"
	}
	return "a string"
}

// emptyAsSlackSends puts in v, a state value for el, what Slack sends for
// an element left empty, whatever empty value the test gave: null for a
// single value (a cleared text or number input, a date or user not
// picked), never "", and [] for a list, never null. Slack's own payloads
// show it: a block_actions state with an empty plain_text_input's
// "value": null beside a multi_static_select's "selected_options": [], a
// view_submission state (bolt-js's view type test) with radio buttons'
// "selected_option": null and a plain_text_input's "value": null, a
// logged state with a datepicker's "selected_date": null, a timepicker's
// "selected_time": null and a multi_users_select's "selected_users": [];
// bolt-js's ViewStateValue types each single value as "string | null".
func emptyAsSlackSends(el, v map[string]any) {
	typ, _ := el["type"].(string)
	f := stateFields[typ]
	x, given := v[f.key]
	switch {
	case !given:
	case f.list && x == nil:
		v[f.key] = []any{}
	case !f.list && x == "":
		v[f.key] = nil
	}
}

// stateKeys are the fields in which some element reports its state.
var stateKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range stateFields {
		m[f.key] = true
	}
	return m
}()

// isEmpty reports whether a state field's value x says nothing: null, "",
// zero, an empty list, or an object of such values (an option with no
// value).
func isEmpty(x any) bool {
	switch x := x.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]any:
		for _, y := range x {
			if !isEmpty(y) {
				return false
			}
		}
		return true
	}
	return false
}

// offersOwnOptions are the elements whose options are in the view itself;
// external selects get theirs from the app as the user types, so the view
// cannot say what they offer.
var offersOwnOptions = setOf("static_select", "multi_static_select", "radio_buttons", "checkboxes")

// offeredOption is the option o names (by its value) as el defines it: a
// person picks among the options a static select, radio buttons or
// checkboxes show, and Slack reports the option the view gave, with its
// own text and description. An external select's option is kept as given,
// with a text made from its value when it has none.
func offeredOption(el map[string]any, o any) (map[string]any, error) {
	typ, _ := el["type"].(string)
	om, ok := o.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: a picked option is an object with a value, not %v", typ, o)
	}
	value, _ := om["value"].(string)
	if def, found := optionFor(el, value); found {
		return def, nil
	}
	if offersOwnOptions[typ] {
		return nil, fmt.Errorf("%s offers no option %q (it offers %s): a person can pick only those; send a crafted payload with Forged",
			typ, value, strings.Join(optionValues(el), ", "))
	}
	if _, hasText := om["text"]; !hasText {
		om = maps.Clone(om)
		om["text"] = map[string]any{"type": "plain_text", "text": value, "emoji": true}
	}
	return om, nil
}

// optionValues lists the values of the options el offers, quoted, for an
// error message.
func optionValues(el map[string]any) []string {
	var out []string
	for _, om := range elementOptions(el) {
		out = append(out, strconv.Quote(fmt.Sprint(om["value"])))
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

// number is what a number_input takes: a whole number, or with
// is_decimal_allowed a decimal one (number-input-element: "0.25, 5.5,
// and -10 are all valid input values").
var (
	wholeNumber   = regexp.MustCompile(`^-?[0-9]+$`)
	decimalNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// checkTyped refuses a value v that Slack's client does not let a person
// submit in el, as the element references document it:
//   - plain-text-input-element: max_length "If the user provides more,
//     they will receive an error", min_length "If the user provides less,
//     they will receive an error" (an empty optional input is not held to
//     it here: the reference does not say);
//   - number-input-element: a number, a decimal one only when
//     is_decimal_allowed, from min_value to max_value;
//   - max_selected_items, "the maximum number of items that can be
//     selected" in a multi-select menu;
//   - datepicker and timepicker: a calendar or clock UI that gives a date
//     as YYYY-MM-DD and a time as HH:mm, the formats of their initial_date
//     and initial_time.
//
// Empty values (null, "", []) are left alone: they are what a cleared
// input reports (Slack sends null or [], see emptyAsSlackSends), and
// whether one may be left empty is the input block's optional.
func checkTyped(el, v map[string]any) error {
	typ, _ := el["type"].(string)
	str := func(k string) (string, bool) {
		s, ok := v[k].(string)
		return s, ok && s != ""
	}
	limit := func(k string) (int, bool) {
		n, ok := el[k].(float64)
		return int(n), ok
	}
	switch typ {
	case "plain_text_input":
		s, ok := str("value")
		if !ok {
			return nil
		}
		n := utf8.RuneCountInString(s)
		if max, ok := limit("max_length"); ok && n > max {
			return fmt.Errorf("%d characters typed in a plain_text_input of max_length %d: Slack's client refuses to submit them", n, max)
		}
		if min, ok := limit("min_length"); ok && n < min {
			return fmt.Errorf("%d characters typed in a plain_text_input of min_length %d: Slack's client refuses to submit them", n, min)
		}
	case "number_input":
		s, ok := str("value")
		if !ok {
			return nil
		}
		return checkNumber(el, s)
	case "datepicker":
		if s, ok := str("selected_date"); ok && !isDate(s) {
			return fmt.Errorf("datepicker date %q: the picker gives a calendar date as YYYY-MM-DD", s)
		}
	case "timepicker":
		if s, ok := str("selected_time"); ok && !isTime(s) {
			return fmt.Errorf("timepicker time %q: the picker gives a time as HH:mm", s)
		}
	}
	if max, ok := limit("max_selected_items"); ok {
		n := 0
		switch list := v[stateFields[typ].key].(type) {
		case []any:
			n = len(list)
		case []string: // UsersValue and its kin, given as Go values
			n = len(list)
		}
		if n > max {
			return fmt.Errorf("%d items picked in a %s of max_selected_items %d: Slack's client lets no one pick more", n, typ, max)
		}
	}
	return nil
}

// checkNumber refuses s, typed in the number_input el, when it is not a
// number the input takes.
func checkNumber(el map[string]any, s string) error {
	decimal, _ := el["is_decimal_allowed"].(bool)
	switch {
	case decimal && !decimalNumber.MatchString(s):
		return fmt.Errorf("number_input value %q is not a number", s)
	case !decimal && !wholeNumber.MatchString(s):
		return fmt.Errorf("number_input value %q is not a whole number, and the input has is_decimal_allowed false", s)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("number_input value %q: %w", s, err)
	}
	bound := func(k string) (float64, bool) {
		b, _ := el[k].(string)
		f, err := strconv.ParseFloat(b, 64)
		return f, b != "" && err == nil
	}
	if lo, ok := bound("min_value"); ok && n < lo {
		return fmt.Errorf("number_input value %s is below its min_value %v: Slack's client refuses to submit it", s, el["min_value"])
	}
	if hi, ok := bound("max_value"); ok && n > hi {
		return fmt.Errorf("number_input value %s is above its max_value %v: Slack's client refuses to submit it", s, el["max_value"])
	}
	return nil
}
