package fakeslack

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Rules the fake once let pass although Slack refuses them (the
// conformance audit of 2026-12-02), each through the method that meets
// it, with Slack's code: invalid_blocks for a message, invalid_arguments
// for a view.
func TestRulesTheFakeWasKinderAbout(t *testing.T) {
	menu := func(typ, options string) string {
		return `{"type":"` + typ + `","action_id":"s","placeholder":` + plainText("Pick") + `,"options":[` + options + `]}`
	}
	overflow := func(n int) string {
		return `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[` + opts(n) + `]}}]`
	}
	modal := func(blocks string) string {
		return `{"type":"modal","title":` + plainText("Log") + `,"submit":` + plainText("Save") + `,"blocks":[` + blocks + `]}`
	}
	for _, tc := range []struct {
		name, method, blocks string // blocks: a message's (chat.postMessage) or a view (views.open, views.publish)
		want                 string // a fragment of one of Slack's messages; "" when Slack takes it
	}{
		{"a static select with no options", "chat.postMessage", `[{"type":"actions","elements":[` + menu("static_select", "") + `]}]`,
			"must provide at least 1 items [json-pointer:/blocks/0/elements/0/options]"},
		{"a multi static select with no options, in a form", "views.open", modal(input("k", "Skills", menu("multi_static_select", ""))),
			"must provide at least 1 items [json-pointer:/view/blocks/0/element/options]"},
		{"a static select with one option", "chat.postMessage", `[{"type":"actions","elements":[` + menu("static_select", opts(1)) + `]}]`, ""},
		{"an overflow menu of one option", "chat.postMessage", overflow(1),
			"must provide at least 2 items [json-pointer:/blocks/0/accessory/options]"},
		{"an overflow menu of two options", "chat.postMessage", overflow(2), ""},
		{"a section with a hint", "chat.postMessage", `[{"type":"section","text":` + mrkdwnText("x") + `,"hint":` + plainText("h") + `}]`,
			"invalid additional property: hint [json-pointer:/blocks/0]"},
		{"an actions block that dispatches", "chat.postMessage", `[{"type":"actions","dispatch_action":true,"elements":[` + btn("b", "v") + `]}]`,
			"invalid additional property: dispatch_action [json-pointer:/blocks/0]"},
		{"an optional divider", "views.open", modal(`{"type":"divider","optional":true}`),
			"invalid additional property: optional [json-pointer:/view/blocks/0]"},
		{"a text object with a url", "chat.postMessage", `[{"type":"context","elements":[{"type":"mrkdwn","text":"x","url":"https://example.com"}]}]`,
			"invalid additional property: url [json-pointer:/blocks/0/elements/0]"},
		{"a confirm dialog with a placeholder", "chat.postMessage", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Go") +
			`,"confirm":{"title":` + plainText("T") + `,"text":` + plainText("t") + `,"confirm":` + plainText("Y") + `,"deny":` + plainText("N") + `,"placeholder":` + plainText("p") + `}}]}]`,
			"invalid additional property: placeholder [json-pointer:/blocks/0/elements/0/confirm]"},
		{"a form definition carrying the state Slack answered with", "views.open",
			`{"type":"modal","title":` + plainText("Log") + `,"blocks":[],"state":{"values":{}}}`,
			"invalid additional property: state [json-pointer:/view]"},
		{"a Home tab with a title", "views.publish", `{"type":"home","title":` + plainText("Home") + `,"blocks":[]}`,
			"invalid additional property: title [json-pointer:/view]"},
		{"every field of a Home tab", "views.publish", `{"type":"home","blocks":[],"private_metadata":"m","callback_id":"c","external_id":"e"}`, ""},
		// Fields the element and view pages mark Required, missing or
		// null (slack-go writes null for a nil slice).
		{"checkboxes without options", "chat.postMessage", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c"}]}]`,
			"missing required field [json-pointer:/blocks/0/elements/0/options]"},
		{"checkboxes with null options", "chat.postMessage", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":null}]}]`,
			"missing required field [json-pointer:/blocks/0/elements/0/options]"},
		{"checkboxes with one option", "chat.postMessage", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opts(1) + `]}]}]`, ""},
		{"radio buttons without options, in a form", "views.open", modal(input("r", "Role", `{"type":"radio_buttons","action_id":"r"}`)),
			"missing required field [json-pointer:/view/blocks/0/element/options]"},
		{"radio buttons with one option, in a form", "views.open", modal(input("r", "Role", `{"type":"radio_buttons","action_id":"r","options":[`+opts(1)+`]}`)), ""},
		{"an overflow menu without options", "chat.postMessage", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o"}}]`,
			"missing required field [json-pointer:/blocks/0/accessory/options]"},
		{"an option group without options", "chat.postMessage", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","option_groups":[{"label":` + plainText("G") + `}]}]}]`,
			"missing required field [json-pointer:/blocks/0/elements/0/option_groups/0/options]"},
		{"a form without blocks", "views.open", `{"type":"modal","title":` + plainText("Log") + `}`,
			"missing required field [json-pointer:/view/blocks]"},
		{"a form with null blocks", "views.open", `{"type":"modal","title":` + plainText("Log") + `,"blocks":null}`,
			"missing required field [json-pointer:/view/blocks]"},
		{"a form with no blocks", "views.open", `{"type":"modal","title":` + plainText("Log") + `,"blocks":[]}`, ""},
		{"a Home tab with null blocks", "views.publish", `{"type":"home","blocks":null}`,
			"missing required field [json-pointer:/view/blocks]"},
		{"every field of the blocks the bot renders", "views.open", modal(strings.Join([]string{
			`{"type":"header","block_id":"h","text":` + plainText("H") + `,"level":1}`,
			`{"type":"section","block_id":"s","text":` + `{"type":"mrkdwn","text":"x","verbatim":true}` + `,"fields":[` + plainText("f") + `],"expand":true,"accessory":` + btn("b", "v") + `}`,
			`{"type":"context","block_id":"c","elements":[{"type":"plain_text","text":"x","emoji":true}]}`,
			`{"type":"actions","block_id":"a","elements":[` + btn("b", "v") + `]}`,
			`{"type":"divider","block_id":"d"}`,
			`{"type":"input","block_id":"i","label":` + plainText("L") + `,"hint":` + plainText("H") + `,"optional":true,"dispatch_action":true,"element":{"type":"multi_users_select","action_id":"u"}}`,
			`{"type":"image","block_id":"g","image_url":"https://example.com/a.png","alt_text":"a","title":` + plainText("T") + `}`,
		}, ",")), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			params := url.Values{"channel": {"C0GENERAL"}, "text": {"fallback"}, "blocks": {tc.blocks}}
			wantCode := "invalid_blocks"
			switch tc.method {
			case "views.open":
				params = url.Values{"trigger_id": {fake.IssueTrigger("U0ALICE")}, "view": {tc.blocks}}
				wantCode = "invalid_arguments"
			case "views.publish":
				params = url.Values{"user_id": {"U0ALICE"}, "view": {tc.blocks}}
				wantCode = "invalid_arguments"
			}
			a := call(t, fake, tc.method, params)
			if tc.want == "" {
				if !a.OK {
					t.Fatalf("refused what Slack takes: %+v", a)
				}
				return
			}
			if a.OK || a.Error != wantCode {
				t.Fatalf("answer = %+v, want %s", a, wantCode)
			}
			if !slices.ContainsFunc(a.Meta.Messages, func(m string) bool { return strings.Contains(m, tc.want) }) {
				t.Errorf("messages %q lack %q", a.Meta.Messages, tc.want)
			}
		})
	}
}
