package fakeslack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
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
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm == nil || bm["block_id"] != blockID {
			continue
		}
		for _, el := range elementsOf(bm) {
			if el["action_id"] == actionID {
				return el, true
			}
		}
	}
	return nil, false
}

// findButton finds a button by action_id (and value, when given) and returns
// its block's id and the button.
func findButton(blocks []any, actionID string, value *string) (string, map[string]any, error) {
	var seen []string
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm == nil {
			continue
		}
		for _, el := range elementsOf(bm) {
			if el["type"] != "button" {
				continue
			}
			id, _ := el["action_id"].(string)
			v, _ := el["value"].(string)
			seen = append(seen, fmt.Sprintf("%s=%q", id, v))
			if id == actionID && (value == nil || v == *value) {
				blockID, _ := bm["block_id"].(string)
				return blockID, el, nil
			}
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
	lists := []any{el["options"]}
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				lists = append(lists, gm["options"])
			}
		}
	}
	for _, l := range lists {
		opts, _ := l.([]any)
		for _, o := range opts {
			if om, ok := o.(map[string]any); ok && om["value"] == value {
				return om, true
			}
		}
	}
	return nil, false
}

// limitChecker collects Slack-style validation messages for the limits in
// SLACK-NOTES.md, so tests catch views and messages real Slack would refuse.
type limitChecker struct{ msgs []string }

func (c *limitChecker) text(v any, max int, pointer string) {
	s, _ := v.(string)
	if utf8.RuneCountInString(s) > max {
		c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] must be less than %d characters [json-pointer:%s]", max+1, pointer))
	}
}

func (c *limitChecker) textObj(v any, max int, pointer string) {
	if m, ok := v.(map[string]any); ok {
		c.text(m["text"], max, pointer+"/text")
	}
}

func (c *limitChecker) blocks(blocks []any, max int, pointer string) {
	if len(blocks) > max {
		c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s]", max, pointer))
	}
	var inputIDs []string
	for i, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm == nil {
			c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] must be an object [json-pointer:%s/%d]", pointer, i))
			continue
		}
		p := fmt.Sprintf("%s/%d", pointer, i)
		c.text(bm["block_id"], 255, p+"/block_id")
		switch bm["type"] {
		case "header":
			c.textObj(bm["text"], 150, p+"/text")
		case "section":
			c.textObj(bm["text"], 3000, p+"/text")
			fields, _ := bm["fields"].([]any)
			if len(fields) > 10 {
				c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] no more than 10 items allowed [json-pointer:%s/fields]", p))
			}
			for j, f := range fields {
				c.textObj(f, 2000, fmt.Sprintf("%s/fields/%d", p, j))
			}
		case "input":
			if id, _ := bm["block_id"].(string); slices.Contains(inputIDs, id) {
				c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] duplicate block_id %q [json-pointer:%s/block_id]", id, p))
			} else {
				inputIDs = append(inputIDs, id)
			}
		}
		for _, el := range elementsOf(bm) {
			c.element(el, p)
		}
	}
}

func (c *limitChecker) element(el map[string]any, p string) {
	c.text(el["action_id"], 255, p+"/action_id")
	if el["type"] == "button" {
		c.textObj(el["text"], 75, p+"/text")
		c.text(el["value"], 2000, p+"/value")
	}
	if n, ok := el["max_length"].(float64); ok && n > 3000 {
		c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] must be at most 3000 [json-pointer:%s/max_length]", p))
	}
	if opts, ok := el["options"].([]any); ok {
		if len(opts) > 100 {
			c.msgs = append(c.msgs, fmt.Sprintf("[ERROR] no more than 100 items allowed [json-pointer:%s/options]", p))
		}
		for j, o := range opts {
			if om, ok := o.(map[string]any); ok {
				c.text(om["value"], 150, fmt.Sprintf("%s/options/%d/value", p, j))
			}
		}
	}
}

// checkView validates a view definition against Slack's limits.
func checkView(def map[string]any) []string {
	var c limitChecker
	blocks, _ := def["blocks"].([]any)
	c.blocks(blocks, 100, "/view/blocks")
	for _, f := range []string{"title", "submit", "close"} {
		c.textObj(def[f], 24, "/view/"+f)
	}
	c.text(def["private_metadata"], 3000, "/view/private_metadata")
	c.text(def["callback_id"], 255, "/view/callback_id")
	return c.msgs
}

// checkMessageBlocks validates a message's blocks against Slack's limits.
func checkMessageBlocks(blocks []any) []string {
	var c limitChecker
	c.blocks(blocks, 50, "/blocks")
	return c.msgs
}
