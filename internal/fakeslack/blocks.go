package fakeslack

import (
	"cmp"
	"encoding/json"
	"fmt"
	"iter"
	"regexp"
	"strings"

	"github.com/coachlog/coachlog/internal/slacktext"
)

// parseBlocks decodes a blocks parameter (a JSON array).
func parseBlocks(raw string) ([]any, error) {
	var blocks []any
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return nil, fmt.Errorf("decode blocks: %w", err)
	}
	return blocks, nil
}

// normalizeBlocks gives every block a block_id and every interactive element
// an action_id, as Slack does: the bot then sees generated ids (like "x5guW")
// in payloads and state, not the absent ones it sent.
func normalizeBlocks(blocks []any) {
	for _, b := range blocks {
		bm, ok := b.(map[string]any)
		if !ok {
			continue
		}
		if id, _ := bm["block_id"].(string); id == "" {
			bm["block_id"] = randomString(5, alnum)
		}
		for _, el := range elementsOf(bm) {
			if id, _ := el["action_id"].(string); id == "" {
				el["action_id"] = randomString(5, alnum)
			}
		}
	}
}

// elementsOf returns a block's interactive elements: an actions block's
// elements, a section's accessory, an input's element.
func elementsOf(block map[string]any) []map[string]any {
	var out []map[string]any
	switch block["type"] {
	case "actions":
		list, _ := block["elements"].([]any)
		for _, e := range list {
			if em, ok := e.(map[string]any); ok {
				out = append(out, em)
			}
		}
	case "section":
		if em, ok := block["accessory"].(map[string]any); ok {
			out = append(out, em)
		}
	case "input":
		if em, ok := block["element"].(map[string]any); ok {
			out = append(out, em)
		}
	}
	return out
}

// findElement returns the element with actionID in the block blockID.
func findElement(blocks []any, blockID, actionID string) (map[string]any, bool) {
	for _, el := range elementsOf(blockByID(blocks, blockID)) {
		if el["action_id"] == actionID {
			return el, true
		}
	}
	return nil, false
}

// blockByID returns the block with blockID, nil if none: the one, as the
// checker refuses a repeated block_id as Slack does.
func blockByID(blocks []any, blockID string) map[string]any {
	for _, b := range blocks {
		if bm, _ := b.(map[string]any); bm != nil && bm["block_id"] == blockID {
			return bm
		}
	}
	return nil
}

// blockElements yields each interactive element of blocks with its
// block's id, in order (see elementsOf).
func blockElements(blocks []any) iter.Seq2[string, map[string]any] {
	return func(yield func(string, map[string]any) bool) {
		for _, b := range blocks {
			bm, _ := b.(map[string]any)
			if bm == nil {
				continue
			}
			blockID, _ := bm["block_id"].(string)
			for _, el := range elementsOf(bm) {
				if !yield(blockID, el) {
					return
				}
			}
		}
	}
}

// findButton finds a button by action_id (and value, when given) and returns
// its block's id and the button.
func findButton(blocks []any, actionID string, value *string) (string, map[string]any, error) {
	var seen []string
	for blockID, el := range blockElements(blocks) {
		if el["type"] != "button" {
			continue
		}
		id, _ := el["action_id"].(string)
		v, _ := el["value"].(string)
		seen = append(seen, fmt.Sprintf("%s=%q", id, v))
		if id == actionID && (value == nil || v == *value) {
			return blockID, el, nil
		}
	}
	want := actionID
	if value != nil {
		want += fmt.Sprintf(" with value %q", *value)
	}
	return "", nil, fmt.Errorf("no button %s (buttons: %s)", want, strings.Join(seen, ", "))
}

// optionFor finds the option with value among an element's options or
// option_groups, so state values carry the option's real text.
func optionFor(el map[string]any, value string) (map[string]any, bool) {
	for _, om := range elementOptions(el) {
		if om["value"] == value {
			return om, true
		}
	}
	return nil, false
}

// elementOptions are the options an element offers, those of its
// option_groups included, in order.
func elementOptions(el map[string]any) []map[string]any {
	lists := []any{el["options"]}
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				lists = append(lists, gm["options"])
			}
		}
	}
	var out []map[string]any
	for _, l := range lists {
		opts, _ := l.([]any)
		for _, o := range opts {
			if om, ok := o.(map[string]any); ok {
				out = append(out, om)
			}
		}
	}
	return out
}

// markupRE finds the markup of a message's text: <@U…>, <#C…|name>,
// <!here>, <https://…|label>.
var markupRE = regexp.MustCompile(`<([@#!]?)([^>|]*)(?:\|([^>]*))?>`)

// richTextBlock is the rich_text block Slack's client writes beside a
// person's message text ("all messages sent by end-users will have this
// format", https://docs.slack.dev/reference/block-kit/blocks/rich-text-block;
// boltpy_message_action.json): one rich_text_section of text, user,
// channel, usergroup, broadcast and link elements read from the text's
// markup. Its text elements hold the characters typed, not the text's
// &amp; &lt; &gt; escapes.
func richTextBlock(text string) map[string]any {
	var els []any
	plain := func(t string) {
		if t != "" {
			els = append(els, map[string]any{"type": "text", "text": slacktext.Unescape(t)})
		}
	}
	last := 0
	for _, m := range markupRE.FindAllStringSubmatchIndex(text, -1) {
		plain(text[last:m[0]])
		last = m[1]
		kind, target, label := text[m[2]:m[3]], text[m[4]:m[5]], ""
		if m[6] >= 0 {
			label = text[m[6]:m[7]]
		}
		switch kind {
		case "@":
			els = append(els, map[string]any{"type": "user", "user_id": target})
		case "#":
			els = append(els, map[string]any{"type": "channel", "channel_id": target})
		case "!":
			switch {
			case target == "here" || target == "channel" || target == "everyone":
				els = append(els, map[string]any{"type": "broadcast", "range": target})
			case strings.HasPrefix(target, "subteam^"):
				els = append(els, map[string]any{"type": "usergroup", "usergroup_id": strings.TrimPrefix(target, "subteam^")})
			default: // a date and the like: what the client shows
				plain(cmp.Or(label, target))
			}
		default:
			link := map[string]any{"type": "link", "url": slacktext.Unescape(target)}
			if label != "" {
				link["text"] = slacktext.Unescape(label)
			}
			els = append(els, link)
		}
	}
	plain(text[last:])
	return map[string]any{"type": "rich_text", "block_id": randomString(4, alnum),
		"elements": []any{map[string]any{"type": "rich_text_section", "elements": els}}}
}
