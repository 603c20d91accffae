package fakeslack

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The fake refuses what real Slack refuses, so a test fails where Slack
// would. Each rule below names the page of Slack's reference that states
// it; the messages copy the shape of Slack's own answers
// ("[ERROR] <what> [json-pointer:<where>]"), which slack-go surfaces in
// SlackErrorResponse.ResponseMetadata.Messages.

// Surface-wide limits.
const (
	// https://docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in
	// each message, and 100 blocks in modals or Home tabs".
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	// Slack answers msg_blocks_too_long past a cumulative amount of block
	// text that it does not document: a maintainer put it at "12,000 text
	// characters with a buffer for block containers"
	// (github.com/slackapi/bolt-js/issues/2509) and a post counting 11,341
	// characters was refused (github.com/slackapi/bolt-js/issues/2867).
	// SLACK-NOTES.md says about 11,000 in practice; the fake holds to that.
	// It applies to every message, chat.* and response_url posts and a
	// slash command's ack alike, although one user in bolt-js#2867 saw
	// the same blocks go through respond() (a response_url): the limit is
	// undocumented, one report is no promise, and a response_url post that
	// Slack refuses leaves the user with nothing, so the fake takes the
	// strict side rather than let a too-long history or list pass its tests.
	maxMessageBlockText = 11000
)

// checker collects Slack-style validation messages for one message or view.
type checker struct {
	msgs      []string
	textChars int               // characters of text objects, for msg_blocks_too_long
	blockIDs  map[string]string // block_id -> pointer of the block that has it
	inputIDs  []string          // block_ids of input blocks, in order
	inputs    []string          // pointers of input blocks
	focused   []string          // pointers of focus_on_load: true
	// urlOptions is set while an overflow menu's options are read: the
	// only options that may carry a url.
	urlOptions bool
}

func newChecker() *checker { return &checker{blockIDs: map[string]string{}} }

func (c *checker) fail(pointer, format string, args ...any) {
	c.msgs = append(c.msgs, "[ERROR] "+fmt.Sprintf(format, args...)+" [json-pointer:"+pointer+"]")
}

// maxLen refuses a string field longer than max characters.
func (c *checker) maxLen(v any, max int, pointer string) {
	if s, ok := v.(string); ok && utf8.RuneCountInString(s) > max {
		c.fail(pointer, "must be less than %d characters", max+1)
	}
}

// required refuses obj without field, or with it null (slack-go writes
// null for a nil slice, and null is none of the types a page lists): a
// field its reference page marks Required, the caller citing the page.
// The words are the fake's for every missing field.
func (c *checker) required(obj map[string]any, field, p string) {
	if obj[field] == nil {
		c.fail(p+"/"+field, "missing required field")
	}
}

// textRule says what a text object may be.
type textRule struct {
	plainOnly bool // only plain_text is allowed
	required  bool
	max       int
}

// https://docs.slack.dev/reference/block-kit/composition-objects/text-object:
// type is plain_text or mrkdwn and text is 1 to 3000 characters; fields
// that say "plain_text only" refuse mrkdwn.
func (c *checker) text(v any, r textRule, pointer string) {
	if v == nil {
		if r.required {
			c.fail(pointer, "missing required field")
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(pointer, "must be a text object")
		return
	}
	c.knownFields(m, textFields, pointer)
	typ, _ := m["type"].(string)
	switch {
	case r.plainOnly && typ != "plain_text":
		c.fail(pointer+"/type", "must be plain_text")
	case typ != "plain_text" && typ != "mrkdwn":
		c.fail(pointer+"/type", "must be one of plain_text, mrkdwn")
	}
	// The same page: emoji "is only usable when type is plain_text",
	// verbatim "is only usable when type is mrkdwn" (slack-go's
	// NewTextBlockObject drops emoji from mrkdwn for this reason).
	if _, ok := m["emoji"]; ok && typ == "mrkdwn" {
		c.fail(pointer+"/emoji", "is only allowed for plain_text")
	}
	if _, ok := m["verbatim"]; ok && typ == "plain_text" {
		c.fail(pointer+"/verbatim", "is only allowed for mrkdwn")
	}
	s, ok := m["text"].(string)
	if !ok {
		c.fail(pointer+"/text", "missing required field")
		return
	}
	n := utf8.RuneCountInString(s)
	max := r.max
	if max == 0 {
		max = 3000
	}
	switch {
	case n == 0:
		c.fail(pointer+"/text", "must be more than 0 characters")
	case n > max:
		c.fail(pointer+"/text", "must be less than %d characters", max+1)
	}
	c.textChars += n
}

func (c *checker) count(list []any, min, max int, pointer string) {
	switch {
	case len(list) < min:
		c.fail(pointer, "must provide at least %d items", min)
	case len(list) > max:
		c.fail(pointer, "no more than %d items allowed", max)
	}
}

// blocks checks a message's or view's blocks; prefix is "/blocks" or "/view/blocks".
func (c *checker) blocks(raw any, max int, prefix string) {
	list, ok := raw.([]any)
	if raw != nil && !ok {
		c.fail(prefix, "must be an array")
		return
	}
	if len(list) > max {
		c.fail(prefix, "no more than %d items allowed", max)
	}
	for i, b := range list {
		c.block(b, fmt.Sprintf("%s/%d", prefix, i))
	}
}

// block checks one layout block against its reference page.
func (c *checker) block(raw any, p string) {
	b, ok := raw.(map[string]any)
	if !ok {
		c.fail(p, "must be an object")
		return
	}
	// Every block page: "block_id ... Maximum length for this field is 255
	// characters. block_id should be unique for each message and each
	// iteration of a message"; Slack refuses a repeated one.
	if id, ok := b["block_id"].(string); ok {
		c.maxLen(id, 255, p+"/block_id")
		if id == "" {
			c.fail(p+"/block_id", "must be more than 0 characters")
		} else if _, dup := c.blockIDs[id]; dup {
			c.fail(p+"/block_id", "block_id %q already exists", id)
		} else {
			c.blockIDs[id] = p
		}
	}
	typ, _ := b["type"].(string)
	c.knownFields(b, blockFields[typ], p)
	switch typ {
	case "section":
		// https://docs.slack.dev/reference/block-kit/blocks/section-block:
		// text 1 to 3000 characters, or fields (at most 10, 2000 each).
		fields, _ := b["fields"].([]any)
		if b["text"] == nil && len(fields) == 0 {
			c.fail(p, "must provide either text or fields")
		}
		c.text(b["text"], textRule{}, p+"/text")
		if len(fields) > 10 {
			c.fail(p+"/fields", "no more than 10 items allowed")
		}
		for j, f := range fields {
			c.text(f, textRule{required: true, max: 2000}, fmt.Sprintf("%s/fields/%d", p, j))
		}
		if acc, ok := b["accessory"]; ok {
			c.elements([]any{acc}, accessoryElements, "a section's accessory", func(int) string { return p + "/accessory" })
		}
	case "header":
		// https://docs.slack.dev/reference/block-kit/blocks/header-block:
		// a plain_text object of at most 150 characters.
		c.text(b["text"], textRule{plainOnly: true, required: true, max: 150}, p+"/text")
	case "context":
		// https://docs.slack.dev/reference/block-kit/blocks/context-block:
		// image elements and text objects, at most 10.
		els, _ := b["elements"].([]any)
		c.count(els, 1, 10, p+"/elements")
		for j, e := range els {
			ep := fmt.Sprintf("%s/elements/%d", p, j)
			if em, ok := e.(map[string]any); ok && em["type"] == "image" {
				c.image(em, ep)
			} else {
				c.text(e, textRule{required: true}, ep)
			}
		}
	case "actions":
		// https://docs.slack.dev/reference/block-kit/blocks/actions-block:
		// at most 25 interactive elements.
		els, _ := b["elements"].([]any)
		c.count(els, 1, 25, p+"/elements")
		c.elements(els, actionsElements, "an actions block", func(j int) string { return fmt.Sprintf("%s/elements/%d", p, j) })
	case "input":
		// https://docs.slack.dev/reference/block-kit/blocks/input-block:
		// label and hint are plain_text of at most 2000 characters.
		c.text(b["label"], textRule{plainOnly: true, required: true, max: 2000}, p+"/label")
		c.text(b["hint"], textRule{plainOnly: true, max: 2000}, p+"/hint")
		if b["element"] == nil {
			c.fail(p+"/element", "missing required field")
		} else {
			c.elements([]any{b["element"]}, inputElements, "an input block", func(int) string { return p + "/element" })
		}
		id, _ := b["block_id"].(string)
		c.inputIDs, c.inputs = append(c.inputIDs, id), append(c.inputs, p)
	case "image":
		// https://docs.slack.dev/reference/block-kit/blocks/image-block:
		// alt_text (at most 2000) and either image_url or slack_file; the
		// title is plain_text of at most 2000 characters.
		c.image(b, p)
		c.maxLen(b["alt_text"], 2000, p+"/alt_text")
		c.text(b["title"], textRule{plainOnly: true, max: 2000}, p+"/title")
	case "divider", "file", "rich_text", "video", "markdown", "table":
	default:
		c.fail(p+"/type", "unsupported block type %q", typ)
	}
}

// image checks what the image block and the image element share
// (https://docs.slack.dev/reference/block-kit/block-elements/image-element):
// alt_text is required, and exactly one of image_url (at most 3000
// characters) or slack_file.
func (c *checker) image(m map[string]any, p string) {
	if s, _ := m["alt_text"].(string); s == "" {
		c.fail(p+"/alt_text", "missing required field")
	}
	_, hasURL := m["image_url"]
	_, hasFile := m["slack_file"]
	if hasURL == hasFile {
		c.fail(p, "must provide exactly one of image_url, slack_file")
	}
	c.maxLen(m["image_url"], 3000, p+"/image_url")
}

// Which elements each block takes, from the compatible elements of its
// reference page (https://docs.slack.dev/reference/block-kit/blocks/actions-block,
// .../section-block, .../input-block; @slack/types' ActionsBlockElement,
// SectionBlockAccessory and InputBlockElement list the same). The text,
// number, email, url and file inputs live only in input blocks; buttons,
// overflow menus and images never do.
var (
	menus = []string{
		"static_select", "external_select", "users_select", "conversations_select", "channels_select",
		"multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select",
	}
	actionsElements = setOf(append([]string{"button", "checkboxes", "datepicker", "datetimepicker", "overflow",
		"radio_buttons", "rich_text_input", "timepicker", "workflow_button"}, menus...)...)
	accessoryElements = setOf(append([]string{"button", "checkboxes", "datepicker", "image", "overflow",
		"radio_buttons", "timepicker", "workflow_button"}, menus...)...)
	inputElements = setOf(append([]string{"checkboxes", "datepicker", "datetimepicker", "email_text_input", "file_input",
		"number_input", "plain_text_input", "radio_buttons", "rich_text_input", "timepicker", "url_text_input"}, menus...)...)
)

// knownElement says some block takes typ: a misplaced one is refused for
// its place, an unknown one as unsupported (see element).
func knownElement(typ string) bool {
	return actionsElements[typ] || accessoryElements[typ] || inputElements[typ]
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// elements checks a block's interactive elements: each must be one the
// block takes (allowed; where names the block in messages), and at gives
// the pointer of the j-th. An action_id must be
// unique among the elements of its block (every element page: "Should be
// unique among all other action_ids in the containing block"); Slack
// answers `action_id "x" already exists`.
func (c *checker) elements(els []any, allowed map[string]bool, where string, at func(int) string) {
	seen := map[string]bool{}
	for j, e := range els {
		p := at(j)
		em, ok := e.(map[string]any)
		if !ok {
			c.fail(p, "must be an object")
			continue
		}
		if typ, _ := em["type"].(string); knownElement(typ) && !allowed[typ] {
			c.fail(p+"/type", "%s is not allowed in %s", typ, where)
		}
		if id, ok := em["action_id"].(string); ok {
			if seen[id] {
				c.fail(p+"/action_id", "action_id %q already exists", id)
			}
			seen[id] = true
		}
		c.element(em, p)
	}
}

// element checks one interactive element against its reference page under
// https://docs.slack.dev/reference/block-kit/block-elements/.
func (c *checker) element(el map[string]any, p string) {
	c.maxLen(el["action_id"], 255, p+"/action_id")
	typ, _ := el["type"].(string)
	c.knownFields(el, elementFields[typ], p)
	if conf, ok := el["confirm"]; ok && elementFields[typ]["confirm"] {
		c.confirm(conf, p+"/confirm")
	}
	if f, _ := el["focus_on_load"].(bool); f {
		c.focused = append(c.focused, p+"/focus_on_load")
	}
	placeholder := func() { c.text(el["placeholder"], textRule{plainOnly: true, max: 150}, p+"/placeholder") }
	switch typ {
	case "button":
		// button-element: text is plain_text of at most 75 characters,
		// value at most 2000, url at most 3000; style primary or danger.
		c.text(el["text"], textRule{plainOnly: true, required: true, max: 75}, p+"/text")
		c.maxLen(el["value"], 2000, p+"/value")
		c.maxLen(el["url"], 3000, p+"/url")
		// "accessibility_label ... Maximum length is 75 characters."
		c.maxLen(el["accessibility_label"], 75, p+"/accessibility_label")
		if st, ok := el["style"].(string); ok && st != "primary" && st != "danger" {
			c.fail(p+"/style", "must be one of primary, danger")
		}
	case "static_select", "multi_static_select":
		// select-menu-element / multi-select-menu-element: at most 100
		// options (or option groups of at most 100), plain_text option
		// text; initial options must be among the options.
		placeholder()
		// "options ... If option_groups is specified, this field should
		// not be", and the other way round.
		if el["options"] != nil && el["option_groups"] != nil {
			c.fail(p, "must provide either options or option_groups, not both")
		}
		// "options ... Maximum number of options is 100": and at least
		// one. Slack answers a menu with "options": [] "must provide at
		// least 1 items [json-pointer:.../options]" (invalid_arguments in
		// a views.open, as logged by an app whose modal it refused,
		// github.com search "at least 1 items [json-pointer:/"); the bot's
		// COACHLOG_SKILLS check (cmd/bot/config.go) counts on it.
		opts, at := c.options(el["options"], 1, 100, true, p+"/options")
		if typ == "multi_static_select" {
			c.maxSelected(el, p)
		}
		if groups, ok := el["option_groups"].([]any); ok {
			c.count(groups, 1, 100, p+"/option_groups")
			for g, gr := range groups {
				gm, _ := gr.(map[string]any)
				gp := fmt.Sprintf("%s/option_groups/%d", p, g)
				c.text(gm["label"], textRule{plainOnly: true, required: true, max: 75}, gp+"/label")
				// https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object:
				// label and options are both Required.
				c.required(gm, "options", gp)
				gopts, gat := c.options(gm["options"], 1, 100, true, gp+"/options")
				opts, at = append(opts, gopts...), append(at, gat...)
			}
		} else if el["options"] == nil {
			c.fail(p+"/options", "missing required field")
		}
		c.uniqueValues(opts, at)
		c.initial(el, opts, p)
	case "checkboxes", "radio_buttons":
		// checkboxes-element, radio-button-group-element: options
		// "Required", 1 to 10 of them; initial options must be among
		// them (https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element,
		// .../radio-button-group-element).
		c.required(el, "options", p)
		opts, at := c.options(el["options"], 1, 10, false, p+"/options")
		c.uniqueValues(opts, at)
		c.initial(el, opts, p)
	case "overflow":
		// overflow-menu-element: "An array of up to five option objects";
		// only its options may carry a url (option-object: "only
		// available in overflow menus", at most 3000 characters).
		// Its earlier reference page (api.slack.com/reference/block-kit/block-elements#overflow,
		// as quoted in samterfa/slackme's overflow_menu_element) says
		// "Maximum number of options is 5, minimum is 2"; the page today
		// says only "up to five", so the fake keeps the stricter floor.
		// The page marks options Required
		// (https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element).
		c.required(el, "options", p)
		c.urlOptions = true
		c.uniqueValues(c.options(el["options"], 2, 5, true, p+"/options"))
		c.urlOptions = false
	case "plain_text_input":
		// plain-text-input-element: min_length is an integer whose
		// "Acceptable values ... are between 0 and 3000, inclusive",
		// max_length one "between 1 and 3000, inclusive".
		placeholder()
		c.intIn(el["min_length"], 0, 3000, p+"/min_length")
		c.intIn(el["max_length"], 1, 3000, p+"/max_length")
		max := 3000
		if n, ok := el["max_length"].(float64); ok && n > 0 && n < 3000 {
			max = int(n)
		}
		c.maxLen(el["initial_value"], max, p+"/initial_value")
	case "datepicker":
		// datepicker-element: initial_date "in the format YYYY-MM-DD".
		placeholder()
		if d, ok := el["initial_date"]; ok {
			if ds, _ := d.(string); !isDate(ds) {
				c.fail(p+"/initial_date", "must be a date in the format YYYY-MM-DD")
			}
		}
	case "number_input":
		// number-input-element: is_decimal_allowed is required; min_value
		// "cannot be greater than max_value"; the values are strings,
		// whole numbers unless decimals are allowed.
		placeholder()
		c.numberInput(el, p)
	case "timepicker":
		// timepicker-element: initial_time "in the format HH:mm".
		placeholder()
		if t, ok := el["initial_time"]; ok {
			if ts, _ := t.(string); !isTime(ts) {
				c.fail(p+"/initial_time", "must be a time in the format HH:mm")
			}
		}
	case "users_select", "conversations_select", "channels_select", "external_select",
		"datetimepicker", "email_text_input", "url_text_input", "rich_text_input":
		placeholder()
	case "multi_users_select", "multi_conversations_select", "multi_channels_select", "multi_external_select":
		placeholder()
		c.maxSelected(el, p)
	case "image":
		c.image(el, p)
	case "file_input", "workflow_button":
	default:
		c.fail(p+"/type", "unsupported element type %q", typ)
	}
}

// options checks an options list (https://docs.slack.dev/reference/block-kit/composition-objects/option-object):
// text at most 75 characters (plain_text only in menus), value at most
// 150, description at most 75; no other field. It returns the options,
// and the pointer of each, for the initial and uniqueness checks.
func (c *checker) options(raw any, min, max int, plainOnly bool, p string) ([]map[string]any, []string) {
	list, _ := raw.([]any)
	if raw == nil {
		return nil, nil
	}
	c.count(list, min, max, p)
	var out []map[string]any
	var at []string
	for i, o := range list {
		op := fmt.Sprintf("%s/%d", p, i)
		om, ok := o.(map[string]any)
		if !ok {
			c.fail(op, "must be an object")
			continue
		}
		c.knownFields(om, optionFields, op)
		c.text(om["text"], textRule{plainOnly: plainOnly, required: true, max: 75}, op+"/text")
		c.text(om["description"], textRule{plainOnly: plainOnly, max: 75}, op+"/description")
		if _, ok := om["url"]; ok && !c.urlOptions {
			c.fail(op+"/url", "is only allowed in an overflow menu")
		}
		c.maxLen(om["url"], 3000, op+"/url")
		if _, ok := om["value"].(string); !ok {
			c.fail(op+"/value", "missing required field")
		}
		c.maxLen(om["value"], 150, op+"/value")
		out, at = append(out, om), append(at, op)
	}
	return out, at
}

// initial refuses an initial_option or initial_options that is not exactly
// one of the element's options, as every element with options says
// ("exactly matches one or more of the options").
func (c *checker) initial(el map[string]any, opts []map[string]any, p string) {
	among := func(o any) bool {
		for _, x := range opts {
			if reflect.DeepEqual(map[string]any(x), o) {
				return true
			}
		}
		return false
	}
	if o, ok := el["initial_option"]; ok && o != nil && !among(o) {
		c.fail(p+"/initial_option", "must match one of the provided options")
	}
	if list, ok := el["initial_options"].([]any); ok {
		for i, o := range list {
			if !among(o) {
				c.fail(fmt.Sprintf("%s/initial_options/%d", p, i), "must match one of the provided options")
			}
		}
	}
}

// checkMessageBlocks returns the error code Slack answers for a message's
// blocks and its messages; "" when Slack would take them.
func checkMessageBlocks(blocks []any) (string, []string) {
	c := newChecker()
	c.blocks(blocks, maxMessageBlocks, "/blocks")
	if len(c.msgs) > 0 {
		return "invalid_blocks", c.msgs
	}
	if c.textChars > maxMessageBlockText {
		return "msg_blocks_too_long", nil
	}
	return "", nil
}

// checkView validates a view definition as views.* and view_submission
// acks do (https://docs.slack.dev/reference/views/modal-views and
// .../home-tab-views): at most 100 blocks; title, submit and close are
// plain_text of at most 24 characters, the title required in a modal;
// a modal with an input block must define submit; private_metadata at
// most 3000 characters; callback_id and external_id at most 255.
func checkView(def map[string]any) []string {
	c := newChecker()
	typ, _ := def["type"].(string)
	c.knownFields(def, viewFields[typ], "/view")
	// https://docs.slack.dev/reference/views/modal-views and
	// .../home-tab-views both list blocks as "Array ... Required": a view
	// without it, or with null (what slack-go writes for a nil BlockSet;
	// null is no array), is refused. An empty array is an array.
	c.required(def, "blocks", "/view")
	c.blocks(def["blocks"], maxViewBlocks, "/view/blocks")
	modal := typ == "modal"
	c.text(def["title"], textRule{plainOnly: true, required: modal, max: 24}, "/view/title")
	c.text(def["submit"], textRule{plainOnly: true, max: 24}, "/view/submit")
	c.text(def["close"], textRule{plainOnly: true, max: 24}, "/view/close")
	// Every focusable element: focus_on_load "Only one element can be
	// set to true" within the view.
	for _, f := range c.focused[min(len(c.focused), 1):] {
		c.fail(f, "only one element of a view may have focus_on_load")
	}
	if modal && def["submit"] == nil && len(c.inputs) > 0 {
		c.fail(c.inputs[0], "must define `submit` to use input block")
	}
	c.maxLen(def["private_metadata"], 3000, "/view/private_metadata")
	c.maxLen(def["callback_id"], 255, "/view/callback_id")
	c.maxLen(def["external_id"], 255, "/view/external_id")
	return c.msgs
}

// inputBlockIDs lists the block_ids of a view's input blocks: the only keys
// a view_submission ack's errors may use.
func inputBlockIDs(def map[string]any) map[string]bool {
	out := map[string]bool{}
	blocks, _ := def["blocks"].([]any)
	for _, b := range blocks {
		if bm, ok := b.(map[string]any); ok && bm["type"] == "input" {
			if id, _ := bm["block_id"].(string); id != "" {
				out[id] = true
			}
		}
	}
	return out
}

// Refusal is Slack's answer to blocks or a view it will not take.
type Refusal struct {
	Code     string   // invalid_blocks, msg_blocks_too_long, invalid_arguments...
	Messages []string // "[ERROR] ... [json-pointer:...]"
}

func (r *Refusal) Error() string {
	if len(r.Messages) == 0 {
		return r.Code
	}
	return r.Code + ": " + strings.Join(r.Messages, "; ")
}

// CheckMessage applies the rules chat.postMessage applies to a message's
// blocks (a JSON array), so renderers can be tested against them without a
// server. It returns a *Refusal, or nil when Slack would take the blocks.
func CheckMessage(blocks []byte) error {
	list, err := parseBlocks(string(blocks))
	if err != nil {
		return &Refusal{Code: "invalid_blocks_format"}
	}
	if code, msgs := checkMessageBlocks(list); code != "" {
		return &Refusal{Code: code, Messages: msgs}
	}
	return nil
}

// CheckResponse applies the rules a response_url post's blocks (a JSON
// array) meet: a message's, the cumulative text limit included (see
// maxMessageBlockText). It returns a *Refusal, or nil when Slack would
// take the blocks.
func CheckResponse(blocks []byte) error {
	if code, msgs := checkResponseBlocks(blocks); code != "" {
		return &Refusal{Code: code, Messages: msgs}
	}
	return nil
}

// CheckView applies the rules views.open and views.publish apply to a view
// (a JSON object), its size (maxViewBytes) included. It returns a *Refusal, or nil when Slack would take it.
func CheckView(view []byte) error {
	if len(view) > maxViewBytes {
		res := viewTooLarge(string(view))
		return &Refusal{Code: res.errCode, Messages: res.messages()}
	}
	var def map[string]any
	if err := json.Unmarshal(view, &def); err != nil {
		return &Refusal{Code: "invalid_arguments", Messages: []string{"[ERROR] view must be a JSON object"}}
	}
	if msgs := checkView(def); len(msgs) > 0 {
		return &Refusal{Code: "invalid_arguments", Messages: msgs}
	}
	return nil
}

// maxSelected checks a multi-select's max_selected_items: "Minimum number
// is 1" (multi-select-menu-element). Its items preselected must not be
// more than it allows: Slack's reference does not say what it does with a
// menu that starts past its own limit, so the fake refuses one rather
// than be kinder than Slack might be.
func (c *checker) maxSelected(el map[string]any, p string) {
	raw, ok := el["max_selected_items"]
	if !ok {
		return
	}
	n, isNum := raw.(float64)
	if !isNum || n < 1 || n != math.Trunc(n) {
		c.fail(p+"/max_selected_items", "must be a whole number of at least 1")
		return
	}
	for _, field := range []string{"initial_users", "initial_options", "initial_conversations", "initial_channels"} {
		if list, ok := el[field].([]any); ok && float64(len(list)) > n {
			c.fail(p+"/"+field, "%d items preselected, more than max_selected_items (%d)", len(list), int(n))
		}
	}
}

// numberInput checks a number_input's bounds and initial value.
func (c *checker) numberInput(el map[string]any, p string) {
	decimal, ok := el["is_decimal_allowed"].(bool)
	if !ok {
		c.fail(p+"/is_decimal_allowed", "missing required field")
	}
	num := func(field string) (float64, bool) {
		raw, present := el[field]
		if !present {
			return 0, false
		}
		s, isStr := raw.(string)
		f, err := strconv.ParseFloat(s, 64)
		switch {
		case !isStr || err != nil:
			c.fail(p+"/"+field, "must be a number, as a string")
			return 0, false
		case !decimal && f != math.Trunc(f):
			c.fail(p+"/"+field, "must be a whole number when is_decimal_allowed is false")
			return 0, false
		}
		return f, true
	}
	lo, hasLo := num("min_value")
	hi, hasHi := num("max_value")
	num("initial_value")
	if hasLo && hasHi && lo > hi {
		c.fail(p+"/min_value", "cannot be greater than max_value")
	}
}

// isTime says s is a time of day written HH:mm, 00:00 to 23:59.
func isTime(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == 5
}

// confirm checks a confirmation dialog object
// (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object):
// title plain_text of at most 100 characters, text of at most 300,
// confirm and deny plain_text of at most 30, all four required; style
// primary or danger.
func (c *checker) confirm(raw any, p string) {
	m, ok := raw.(map[string]any)
	if !ok {
		c.fail(p, "must be an object")
		return
	}
	c.knownFields(m, confirmFields, p)
	c.text(m["title"], textRule{plainOnly: true, required: true, max: 100}, p+"/title")
	c.text(m["text"], textRule{required: true, max: 300}, p+"/text")
	c.text(m["confirm"], textRule{plainOnly: true, required: true, max: 30}, p+"/confirm")
	c.text(m["deny"], textRule{plainOnly: true, required: true, max: 30}, p+"/deny")
	if st, ok := m["style"].(string); ok && st != "primary" && st != "danger" {
		c.fail(p+"/style", "must be one of primary, danger")
	}
}

// isDate says s is a calendar date written YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil && len(s) == 10
}
