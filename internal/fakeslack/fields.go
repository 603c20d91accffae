package fakeslack

import (
	"math"
	"slices"
)

// Slack validates blocks against a schema that takes no field an object
// does not list ("additionalProperties": false in Slack's own Block Kit
// JSON schema, https://api.slack.com/json-schema/block-kit/input/blocks)
// and refuses the whole message or view with "invalid additional
// property: <name> [json-pointer:<the object>]" (the message Slack gave
// for emoji on a mrkdwn text, github.com/grafana/oncall/pull/702).
//
// elementFields lists each element's fields as its reference page under
// https://docs.slack.dev/reference/block-kit/block-elements/ lists them
// (button-element, checkboxes-element, date-picker-element,
// datetime-picker-element, email-input-element, file-input-element,
// image-element, multi-select-menu-element, number-input-element,
// overflow-menu-element, plain-text-input-element,
// radio-button-group-element, rich-text-input-element,
// select-menu-element, time-picker-element, url-input-element,
// workflow-button-element). A few fields newer than those pages that
// slack-go v0.35 sends (a button's agent_prompt, agent_prompt_display and
// visible_to_user_ids, checkboxes' visible_to_user_ids, a rich text
// input's min_lines and max_lines) are let through: the fake must not
// refuse what the bot's own library writes for a field Slack has added.
var elementFields = func() map[string]map[string]bool {
	common := []string{"type", "action_id"}
	menu := append(common, "placeholder", "confirm", "focus_on_load")
	multi := append(slices.Clone(menu), "max_selected_items")
	textInput := append(common, "placeholder", "initial_value", "dispatch_action_config", "focus_on_load")
	f := map[string][]string{
		"button": append(common, "text", "url", "value", "style", "confirm", "accessibility_label",
			"agent_prompt", "agent_prompt_display", "visible_to_user_ids"),
		"checkboxes":       append(common, "options", "initial_options", "confirm", "focus_on_load", "visible_to_user_ids"),
		"radio_buttons":    append(common, "options", "initial_option", "confirm", "focus_on_load"),
		"overflow":         append(common, "options", "confirm"),
		"datepicker":       append(common, "placeholder", "initial_date", "confirm", "focus_on_load"),
		"timepicker":       append(common, "placeholder", "initial_time", "timezone", "confirm", "focus_on_load"),
		"datetimepicker":   append(common, "initial_date_time", "confirm", "focus_on_load"),
		"plain_text_input": append(slices.Clone(textInput), "multiline", "min_length", "max_length"),
		"email_text_input": textInput,
		"url_text_input":   textInput,
		"rich_text_input":  append(slices.Clone(textInput), "min_lines", "max_lines"),
		"number_input":     append(slices.Clone(textInput), "is_decimal_allowed", "min_value", "max_value"),
		"file_input":       append(common, "filetypes", "max_files"),
		"image":            {"type", "alt_text", "image_url", "slack_file"},
		"workflow_button":  append(common, "text", "workflow", "style", "accessibility_label"),

		"static_select":        append(slices.Clone(menu), "options", "option_groups", "initial_option"),
		"external_select":      append(slices.Clone(menu), "initial_option", "min_query_length"),
		"users_select":         append(slices.Clone(menu), "initial_user"),
		"conversations_select": append(slices.Clone(menu), "initial_conversation", "default_to_current_conversation", "response_url_enabled", "filter"),
		"channels_select":      append(slices.Clone(menu), "initial_channel", "response_url_enabled"),

		"multi_static_select":        append(slices.Clone(multi), "options", "option_groups", "initial_options"),
		"multi_external_select":      append(slices.Clone(multi), "initial_options", "min_query_length"),
		"multi_users_select":         append(slices.Clone(multi), "initial_users"),
		"multi_conversations_select": append(slices.Clone(multi), "initial_conversations", "default_to_current_conversation", "filter"),
		"multi_channels_select":      append(slices.Clone(multi), "initial_channels"),
	}
	out := make(map[string]map[string]bool, len(f))
	for typ, names := range f {
		out[typ] = setOf(names...)
	}
	return out
}()

// blockFields lists each layout block's fields, as its page under
// https://docs.slack.dev/reference/block-kit/blocks/ lists them
// (section-block, header-block, context-block, actions-block,
// input-block, divider-block, image-block): the same schema refuses a
// field a block does not take (a hint on a section, dispatch_action on an
// actions block) as it does an element's. A header's level is let
// through: slack-go v0.35 writes it (HeaderBlock.Level), and the fake must
// not refuse what the bot's own library sends. Blocks the fake does not
// check field by field (rich_text, file, video, markdown, table) have no
// entry, and knownFields then checks nothing.
var blockFields = func() map[string]map[string]bool {
	common := []string{"type", "block_id"}
	f := map[string][]string{
		"section": append(common, "text", "fields", "accessory", "expand"),
		"header":  append(common, "text", "level"),
		"context": append(common, "elements"),
		"actions": append(common, "elements"),
		"input":   append(common, "label", "element", "dispatch_action", "hint", "optional"),
		"divider": common,
		"image":   append(common, "image_url", "slack_file", "alt_text", "title"),
	}
	out := make(map[string]map[string]bool, len(f))
	for typ, names := range f {
		out[typ] = setOf(names...)
	}
	return out
}()

// viewFields lists the fields of each kind of view, as the pages of its
// reference list them (https://docs.slack.dev/reference/views/modal-views,
// .../home-tab-views): a Home tab has no title, close or submit, and a
// view's definition takes no field Slack adds to the view it answers
// with (id, hash, state). slack-go's ModalViewRequest and
// HomeTabViewRequest write only these.
var viewFields = map[string]map[string]bool{
	"modal": setOf("type", "title", "blocks", "close", "submit", "private_metadata", "callback_id",
		"clear_on_close", "notify_on_close", "external_id", "submit_disabled"),
	"home": setOf("type", "blocks", "private_metadata", "callback_id", "external_id"),
}

// textFields are the text object's
// (https://docs.slack.dev/reference/block-kit/composition-objects/text-object):
// a plain_text or mrkdwn object takes nothing else (a "style" or
// "url" on it is refused as an additional property).
var textFields = setOf("type", "text", "emoji", "verbatim")

// confirmFields are the confirmation dialog object's
// (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
var confirmFields = setOf("title", "text", "confirm", "deny", "style")

// optionFields are the option object's
// (https://docs.slack.dev/reference/block-kit/composition-objects/option-object).
var optionFields = setOf("text", "value", "description", "url")

// knownFields refuses each field of obj that fields lacks, in name order
// so the messages are stable. A nil fields (an unknown element type,
// refused on its own) checks nothing.
func (c *checker) knownFields(obj map[string]any, fields map[string]bool, p string) {
	if fields == nil {
		return
	}
	var extra []string
	for k := range obj {
		if !fields[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		c.fail(p, "invalid additional property: %s", k)
	}
}

// intIn refuses a field that is present but not a whole number from lo
// to hi inclusive.
func (c *checker) intIn(v any, lo, hi int, p string) {
	if v == nil {
		return
	}
	n, ok := v.(float64)
	if !ok || n != math.Trunc(n) || n < float64(lo) || n > float64(hi) {
		c.fail(p, "must be a whole number from %d to %d", lo, hi)
	}
}

// uniqueValues refuses an option whose value another option of the same
// element already has: the option object's value is "A unique string
// value that will be passed to your app when this option is chosen"
// (@slack/types' option descriptor, from the option-object page). A
// repeat would make the chosen option ambiguous: Slack sends only the
// value back. The scope is one element's options, its option_groups'
// options included.
func (c *checker) uniqueValues(opts []map[string]any, pointers []string) {
	seen := map[string]bool{}
	for i, o := range opts {
		v, ok := o["value"].(string)
		if !ok {
			continue
		}
		if seen[v] {
			c.fail(pointers[i]+"/value", "value %q already exists", v)
		}
		seen[v] = true
	}
}
