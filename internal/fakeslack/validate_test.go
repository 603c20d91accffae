package fakeslack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// answer is a Web API answer as the tests read it.
type answer struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	Needed   string `json:"needed"`
	Provided string `json:"provided"`
	Warning  string `json:"warning"`
	Meta     struct {
		Messages []string `json:"messages"`
		Warnings []string `json:"warnings"`
	} `json:"response_metadata"`
}

// call posts params to method with the bot token, as a form.
func call(t *testing.T, s *Server, method string, params url.Values) answer {
	t.Helper()
	return post(t, s, method, "application/x-www-form-urlencoded", params.Encode())
}

// post posts body, of contentType, to method with the bot token, and
// reads Slack's answer.
func post(t *testing.T, s *Server, method, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+s.BotToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// Helpers that write Block Kit JSON by hand: slack-go's types cannot
// express every mistake the fake must catch.
func plainText(s string) string  { return fmt.Sprintf(`{"type":"plain_text","text":%q}`, s) }
func mrkdwnText(s string) string { return fmt.Sprintf(`{"type":"mrkdwn","text":%q}`, s) }
func btn(id, value string) string {
	return fmt.Sprintf(`{"type":"button","action_id":%q,"value":%q,"text":%s}`, id, value, plainText("Go"))
}
func confirmDialog(title, text, yes, no string) string {
	return fmt.Sprintf(`{"title":%s,"text":%s,"confirm":%s,"deny":%s}`, plainText(title), mrkdwnText(text), plainText(yes), plainText(no))
}
func opt(v, text string) string { return fmt.Sprintf(`{"value":%q,"text":%s}`, v, plainText(text)) }
func opts(n int) string {
	var out []string
	for i := range n {
		out = append(out, opt(fmt.Sprint(i), fmt.Sprint("Option ", i)))
	}
	return strings.Join(out, ",")
}
func buttons(n int) string {
	var out []string
	for i := range n {
		out = append(out, btn(fmt.Sprint("b", i), "v"))
	}
	return strings.Join(out, ",")
}
func section(text string) string {
	return fmt.Sprintf(`{"type":"section","text":%s}`, mrkdwnText(text))
}
func input(id, label, element string) string {
	return fmt.Sprintf(`{"type":"input","block_id":%q,"label":%s,"element":%s}`, id, plainText(label), element)
}

// optionalInput is an input block a person may leave empty.
func optionalInput(id, label, element string) string {
	return fmt.Sprintf(`{"type":"input","block_id":%q,"label":%s,"element":%s,"optional":true}`, id, plainText(label), element)
}
func sections(n int, text string) string {
	var out []string
	for range n {
		out = append(out, section(text))
	}
	return strings.Join(out, ",")
}

// Each rule Slack enforces on a message's blocks, and what it answers:
// invalid_blocks with a message pointing at the offending field.
func TestMessageBlocksAreCheckedAsSlackDoes(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name, blocks string
		want         string // a fragment of one message; "" when Slack takes the blocks
	}{
		{"two buttons share an action_id in one block", `[{"type":"actions","elements":[` + btn("snooze", "1") + `,` + btn("snooze", "7") + `]}]`,
			`action_id "snooze" already exists [json-pointer:/blocks/0/elements/1/action_id]`},
		{"the same action_id in two blocks is fine", `[{"type":"actions","elements":[` + btn("edit", "1") + `]},{"type":"actions","elements":[` + btn("edit", "2") + `]}]`, ""},
		{"a block_id repeated in a message", `[{"type":"section","block_id":"a","text":` + mrkdwnText("x") + `},{"type":"actions","block_id":"a","elements":[` + btn("b", "v") + `]}]`,
			`block_id "a" already exists [json-pointer:/blocks/1/block_id]`},
		{"more than 50 blocks", "[" + sections(51, "x") + "]", "no more than 50 items allowed [json-pointer:/blocks]"},
		{"a context block of 11 elements", `[{"type":"context","elements":[` + strings.Repeat(mrkdwnText("x")+",", 10) + mrkdwnText("x") + `]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/elements]"},
		{"an actions block of 26 elements", `[{"type":"actions","elements":[` + buttons(26) + `]}]`, "no more than 25 items allowed [json-pointer:/blocks/0/elements]"},
		{"an actions block of 25 elements", `[{"type":"actions","elements":[` + buttons(25) + `]}]`, ""},
		{"checkboxes with 11 options", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opts(11) + `]}]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"radio buttons with 11 options", `[{"type":"actions","elements":[{"type":"radio_buttons","action_id":"r","options":[` + opts(11) + `]}]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"an overflow menu with 6 options", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[` + opts(6) + `]}}]`,
			"no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]"},
		{"a select with 101 options", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opts(101) + `]}]}]`,
			"no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"option text over 75", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opt("v", long(76)) + `]}]}]`,
			"must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]"},
		{"option value over 150", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opt(long(151), "x") + `]}]}]`,
			"must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"mrkdwn option text in a menu", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[{"value":"v","text":` + mrkdwnText("*x*") + `}]}]}]`,
			"must be plain_text [json-pointer:/blocks/0/elements/0/options/0/text/type]"},
		{"mrkdwn option text in checkboxes is fine", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[{"value":"v","text":` + mrkdwnText("*x*") + `}]}]}]`, ""},
		{"an initial option that is not an option", `[{"type":"actions","elements":[{"type":"radio_buttons","action_id":"r","options":[` + opt("a", "A") + `],"initial_option":` + opt("b", "B") + `}]}]`,
			"must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]"},
		{"initial options among the options", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opt("a", "A") + `,` + opt("b", "B") + `],"initial_options":[` + opt("b", "B") + `]}]}]`, ""},
		{"an initial option with other text", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opt("a", "A") + `],"initial_options":[` + opt("a", "Not A") + `]}]}]`,
			"must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_options/0]"},
		{"a placeholder over 150", `[{"type":"actions","elements":[{"type":"users_select","action_id":"u","placeholder":` + plainText(long(151)) + `}]}]`,
			"must be less than 151 characters [json-pointer:/blocks/0/elements/0/placeholder/text]"},
		{"an input label over 2000", "[" + input("i", long(2001), `{"type":"plain_text_input","action_id":"t"}`) + "]",
			"must be less than 2001 characters [json-pointer:/blocks/0/label/text]"},
		{"an input hint over 2000", `[{"type":"input","label":` + plainText("L") + `,"hint":` + plainText(long(2001)) + `,"element":{"type":"plain_text_input","action_id":"t"}}]`,
			"must be less than 2001 characters [json-pointer:/blocks/0/hint/text]"},
		{"a mrkdwn input label", `[{"type":"input","label":` + mrkdwnText("L") + `,"element":{"type":"plain_text_input","action_id":"t"}}]`,
			"must be plain_text [json-pointer:/blocks/0/label/type]"},
		{"a section with neither text nor fields", `[{"type":"section"}]`, "must provide either text or fields [json-pointer:/blocks/0]"},
		{"a section of fields only", `[{"type":"section","fields":[` + mrkdwnText("a") + `]}]`, ""},
		{"an empty section text", `[` + section("") + `]`, "must be more than 0 characters [json-pointer:/blocks/0/text/text]"},
		{"section text over 3000", `[` + section(long(3001)) + `]`, "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"11 fields", `[{"type":"section","fields":[` + strings.Repeat(mrkdwnText("a")+",", 10) + mrkdwnText("a") + `]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/fields]"},
		{"a text object of an unknown type", `[{"type":"section","text":{"type":"markdown","text":"x"}}]`,
			"must be one of plain_text, mrkdwn [json-pointer:/blocks/0/text/type]"},
		{"mrkdwn button text", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + mrkdwnText("*Go*") + `}]}]`,
			"must be plain_text [json-pointer:/blocks/0/elements/0/text/type]"},
		{"button text over 75", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText(long(76)) + `}]}]`,
			"must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{"button value over 2000", `[{"type":"actions","elements":[` + btn("b", long(2001)) + `]}]`,
			"must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"},
		{"a mrkdwn header", `[{"type":"header","text":` + mrkdwnText("*H*") + `}]`, "must be plain_text [json-pointer:/blocks/0/text/type]"},
		{"a header over 150", `[{"type":"header","text":` + plainText(long(151)) + `}]`, "must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{"an image without alt_text", `[{"type":"image","image_url":"https://example.com/a.png"}]`, "missing required field [json-pointer:/blocks/0/alt_text]"},
		{"an image with neither url nor file", `[{"type":"image","alt_text":"chart"}]`, "must provide exactly one of image_url, slack_file [json-pointer:/blocks/0]"},
		{"an image with both url and file", `[{"type":"image","alt_text":"chart","image_url":"https://example.com/a.png","slack_file":{"id":"F1"}}]`,
			"must provide exactly one of image_url, slack_file [json-pointer:/blocks/0]"},
		{"an image from an uploaded file", `[{"type":"image","alt_text":"chart","slack_file":{"id":"F1"}}]`, ""},
		{"a context image without alt_text", `[{"type":"context","elements":[{"type":"image","image_url":"https://example.com/a.png"}]}]`,
			"missing required field [json-pointer:/blocks/0/elements/0/alt_text]"},
		{"an unknown block type", `[{"type":"sectoin","text":` + mrkdwnText("x") + `}]`, `unsupported block type "sectoin" [json-pointer:/blocks/0/type]`},
		{"emoji on mrkdwn", `[{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}]`,
			"is only allowed for plain_text [json-pointer:/blocks/0/text/emoji]"},
		{"verbatim on plain_text", `[{"type":"section","text":{"type":"plain_text","text":"x","verbatim":false}}]`,
			"is only allowed for mrkdwn [json-pointer:/blocks/0/text/verbatim]"},
		{"emoji on plain_text and verbatim on mrkdwn", `[{"type":"section","text":{"type":"plain_text","text":"x","emoji":true},"fields":[{"type":"mrkdwn","text":"y","verbatim":true}]}]`, ""},
		{"an accessibility label over 75", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Go") + `,"accessibility_label":"` + long(76) + `"}]}]`,
			"must be less than 76 characters [json-pointer:/blocks/0/elements/0/accessibility_label]"},
		{"a confirm dialog", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Undo") + `,"confirm":` + confirmDialog(long(100), long(300), long(30), long(30)) + `}]}]`, ""},
		{"a confirm title over 100", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Undo") + `,"confirm":` + confirmDialog(long(101), "t", "Yes", "No") + `}]}]`,
			"must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]"},
		{"a confirm text over 300", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[` + opts(2) + `],"confirm":` + confirmDialog("T", long(301), "Yes", "No") + `}}]`,
			"must be less than 301 characters [json-pointer:/blocks/0/accessory/confirm/text/text]"},
		{"a confirm button over 30", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opts(2) + `],"confirm":` + confirmDialog("T", "t", long(31), "No") + `}]}]`,
			"must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]"},
		{"a confirm without deny", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Undo") + `,"confirm":{"title":` + plainText("T") + `,"text":` + plainText("t") + `,"confirm":` + plainText("Yes") + `}}]}]`,
			"missing required field [json-pointer:/blocks/0/elements/0/confirm/deny]"},
		{"a confirm on each element that has one", `[{"type":"actions","elements":[` + strings.Join([]string{
			`{"type":"checkboxes","action_id":"c","options":[` + opts(1) + `],"confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"radio_buttons","action_id":"r","options":[` + opts(1) + `],"confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"datepicker","action_id":"d","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"timepicker","action_id":"t","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"datetimepicker","action_id":"dt","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"multi_users_select","action_id":"u","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
			`{"type":"channels_select","action_id":"ch","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}`,
		}, ",") + `]}]`, ""},
		{"a confirm on an image", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"image","image_url":"https://example.com/a.png","alt_text":"a","confirm":` + confirmDialog("T", "t", "Yes", "No") + `}}]`,
			"invalid additional property: confirm [json-pointer:/blocks/0/accessory]"},
		{"a plain_text_input in an actions block", `[{"type":"actions","elements":[{"type":"plain_text_input","action_id":"t"}]}]`,
			"plain_text_input is not allowed in an actions block [json-pointer:/blocks/0/elements/0/type]"},
		{"a file_input in an actions block", `[{"type":"actions","elements":[{"type":"file_input","action_id":"f"}]}]`,
			"file_input is not allowed in an actions block [json-pointer:/blocks/0/elements/0/type]"},
		{"an image in an actions block", `[{"type":"actions","elements":[{"type":"image","image_url":"https://example.com/a.png","alt_text":"a"}]}]`,
			"image is not allowed in an actions block [json-pointer:/blocks/0/elements/0/type]"},
		{"a number_input as an accessory", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"number_input","action_id":"n","is_decimal_allowed":false}}]`,
			"number_input is not allowed in a section's accessory [json-pointer:/blocks/0/accessory/type]"},
		{"a datetimepicker as an accessory", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"datetimepicker","action_id":"d"}}]`,
			"datetimepicker is not allowed in a section's accessory [json-pointer:/blocks/0/accessory/type]"},
		{"what an actions block and an accessory take", `[{"type":"actions","elements":[{"type":"rich_text_input","action_id":"r"},{"type":"datetimepicker","action_id":"d"},` +
			`{"type":"multi_conversations_select","action_id":"m"}]},{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"image","image_url":"https://example.com/a.png","alt_text":"a"}}]`, ""},
		{"a select with both options and option_groups", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opts(1) + `],"option_groups":[{"label":` + plainText("G") + `,"options":[` + opts(1) + `]}]}]}]`,
			"must provide either options or option_groups, not both [json-pointer:/blocks/0/elements/0]"},
		{"an overflow option with a url", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[{"value":"v","text":` + plainText("Docs") + `,"url":"https://example.com"},` + opt("w", "More") + `]}}]`, ""},
		{"an overflow option url over 3000", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[{"value":"v","text":` + plainText("Docs") + `,"url":"https://` + long(2993) + `"}]}}]`,
			"must be less than 3001 characters [json-pointer:/blocks/0/accessory/options/0/url]"},
		{"a select option with a url", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[{"value":"v","text":` + plainText("Docs") + `,"url":"https://example.com"}]}]}]`,
			"is only allowed in an overflow menu [json-pointer:/blocks/0/elements/0/options/0/url]"},
		{"a time not written HH:mm", `[{"type":"actions","elements":[{"type":"timepicker","action_id":"t","initial_time":"9:30"}]}]`,
			"must be a time in the format HH:mm [json-pointer:/blocks/0/elements/0/initial_time]"},
		{"a time past midnight", `[{"type":"actions","elements":[{"type":"timepicker","action_id":"t","initial_time":"24:00"}]}]`,
			"must be a time in the format HH:mm [json-pointer:/blocks/0/elements/0/initial_time]"},
		{"a time written HH:mm", `[{"type":"actions","elements":[{"type":"timepicker","action_id":"t","initial_time":"09:30"}]}]`, ""},
		// An option's value is "A unique string value" (option object).
		{"two select options share a value", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opt("a", "A") + `,` + opt("a", "B") + `]}]}]`,
			`value "a" already exists [json-pointer:/blocks/0/elements/0/options/1/value]`},
		{"two option groups share a value", `[{"type":"actions","elements":[{"type":"multi_static_select","action_id":"s","option_groups":[{"label":` + plainText("G") + `,"options":[` + opt("a", "A") + `]},{"label":` + plainText("H") + `,"options":[` + opt("a", "B") + `]}]}]}]`,
			`value "a" already exists [json-pointer:/blocks/0/elements/0/option_groups/1/options/0/value]`},
		{"two checkboxes share a value", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opt("1", "One") + `,` + opt("1", "Uno") + `]}]}]`,
			`value "1" already exists [json-pointer:/blocks/0/elements/0/options/1/value]`},
		{"two radio buttons share a value", `[{"type":"actions","elements":[{"type":"radio_buttons","action_id":"r","options":[` + opt("1", "One") + `,` + opt("1", "Uno") + `]}]}]`,
			`value "1" already exists [json-pointer:/blocks/0/elements/0/options/1/value]`},
		{"two overflow options share a value", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[` + opt("edit", "Edit") + `,` + opt("edit", "Change") + `]}}]`,
			`value "edit" already exists [json-pointer:/blocks/0/accessory/options/1/value]`},
		{"the same value in two elements is fine", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[` + opt("1", "One") + `]},{"type":"radio_buttons","action_id":"r","options":[` + opt("1", "One") + `]}]}]`, ""},
		// Slack refuses a field an object does not have.
		{"a button with a placeholder", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Go") + `,"placeholder":` + plainText("p") + `}]}]`,
			"invalid additional property: placeholder [json-pointer:/blocks/0/elements/0]"},
		{"an overflow menu focused on load", `[{"type":"section","text":` + mrkdwnText("x") + `,"accessory":{"type":"overflow","action_id":"o","options":[` + opts(2) + `],"focus_on_load":true}}]`,
			"invalid additional property: focus_on_load [json-pointer:/blocks/0/accessory]"},
		{"a misspelt initial option", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + opt("a", "A") + `],"initial_opton":` + opt("a", "A") + `}]}]`,
			"invalid additional property: initial_opton [json-pointer:/blocks/0/elements/0]"},
		{"a users select with initial_users", `[{"type":"actions","elements":[{"type":"users_select","action_id":"u","initial_users":["U1"]}]}]`,
			"invalid additional property: initial_users [json-pointer:/blocks/0/elements/0]"},
		{"an option with a type", `[{"type":"actions","elements":[{"type":"checkboxes","action_id":"c","options":[{"type":"option","value":"v","text":` + plainText("V") + `}]}]}]`,
			"invalid additional property: type [json-pointer:/blocks/0/elements/0/options/0]"},
		{"every field of a button and a select", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plainText("Go") + `,"url":"https://example.com","value":"v","style":"primary","accessibility_label":"Go now","confirm":` + confirmDialog("T", "t", "Yes", "No") + `},` +
			`{"type":"static_select","action_id":"s","placeholder":` + plainText("Pick") + `,"options":[{"value":"a","text":` + plainText("A") + `,"description":` + plainText("The A") + `}],"initial_option":{"value":"a","text":` + plainText("A") + `,"description":` + plainText("The A") + `},"focus_on_load":false}]}]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			a := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"fallback"}, "blocks": {tc.blocks}})
			if tc.want == "" {
				if !a.OK || len(fake.Problems()) != 0 {
					t.Fatalf("refused valid blocks: %+v, problems %v", a, fake.Problems())
				}
				return
			}
			if a.OK || a.Error != "invalid_blocks" {
				t.Fatalf("answer = %+v, want invalid_blocks", a)
			}
			if !slices.ContainsFunc(a.Meta.Messages, func(m string) bool { return strings.Contains(m, tc.want) }) {
				t.Errorf("messages %q lack %q", a.Meta.Messages, tc.want)
			}
			if !strings.HasPrefix(a.Meta.Messages[0], "[ERROR] ") {
				t.Errorf("message %q is not shaped like Slack's", a.Meta.Messages[0])
			}
			if p := fake.Problems(); len(p) != 1 || p[0].Where != "chat.postMessage" || p[0].Code != "invalid_blocks" {
				t.Errorf("problems = %v, want the refused post", p)
			}
			if len(fake.Messages("C0GENERAL")) != 0 {
				t.Error("a refused message was posted")
			}
		})
	}
}

// Every way a message reaches Slack is held to the same rules.
func TestEveryMessageSurfaceRefusesInvalidBlocks(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	bad := slack.MsgOptionBlocks(buttonsBlock("snooze", [2]string{"snooze", "1"}, [2]string{"snooze", "7"}))
	good := slack.MsgOptionBlocks(buttonsBlock("ok", [2]string{"ok", "1"}))

	ch, ts, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("x", false), good)
	if err != nil {
		t.Fatal(err)
	}
	var se slack.SlackErrorResponse
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, ts, bad); !asSlackError(err, &se) || se.Err != "invalid_blocks" ||
		!strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "/blocks/0/elements/1/action_id") {
		t.Errorf("chat.update: %v %+v", err, se)
	}
	if m, _ := fake.Message(ch, ts); !strings.Contains(string(m.Blocks), `"ok"`) {
		t.Errorf("a refused update changed the message: %s", m.Blocks)
	}
	if _, err := api.PostEphemeralContext(ctx, "C0GENERAL", "U0ALICE", slack.MsgOptionText("x", false), bad); err == nil || err.Error() != "invalid_blocks" {
		t.Errorf("chat.postEphemeral: %v", err)
	}

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("x", false), bad)
	var sc slack.StatusCodeError
	if !asStatus(err, &sc) || sc.Code != http.StatusBadRequest {
		t.Errorf("response_url post: %v", err)
	}
	if r := fake.Responses(); len(r) != 1 || r[0].Error != "invalid_blocks" || len(fake.Ephemerals(fake.dmChannel("U0ALICE"))) != 0 {
		t.Errorf("response_url: %+v", r)
	}

	// A slash command's ack payload: Slack shows an error and posts nothing.
	ackBlocks := []slack.Block{buttonsBlock("snooze", [2]string{"snooze", "1"}, [2]string{"snooze", "7"})}
	if err := sm.Ack(*evt.Request, map[string]any{"text": "x", "blocks": ackBlocks}); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil || ack.Problem != "invalid_blocks" {
		t.Errorf("command ack problem = %q, %v", ack.Problem, err)
	}
	if len(fake.Ephemerals(fake.dmChannel("U0ALICE"))) != 0 {
		t.Error("an invalid ack payload was shown")
	}
	var where []string
	for _, p := range fake.Problems() {
		where = append(where, p.Where+"="+p.Code)
	}
	want := []string{"chat.update=invalid_blocks", "chat.postEphemeral=invalid_blocks", "response_url=invalid_blocks", "ack=invalid_blocks"}
	if !slices.Equal(where, want) {
		t.Errorf("problems = %v, want %v", where, want)
	}
}

func asSlackError(err error, dst *slack.SlackErrorResponse) bool {
	e, ok := err.(slack.SlackErrorResponse)
	*dst = e
	return ok
}

func asStatus(err error, dst *slack.StatusCodeError) bool {
	e, ok := err.(slack.StatusCodeError)
	*dst = e
	return ok
}

// Past about 11,000 characters of block text chat.postMessage answers
// msg_blocks_too_long; so, in the fake, do a response_url post and a slash
// command's ack of the same blocks (see maxMessageBlockText for why the
// fake is strict there), and CheckResponse.
func TestMessageBlockTextLimit(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	blocks := "[" + sections(4, strings.Repeat("y", 2800)) + "]" // 11,200 characters
	if a := call(t, fake, "chat.postMessage", url.Values{"channel": {"C1"}, "blocks": {blocks}}); a.Error != "msg_blocks_too_long" {
		t.Errorf("11,200 characters: %+v", a)
	}
	fits := "[" + sections(4, strings.Repeat("y", 2700)) + "]" // 10,800
	if a := call(t, fake, "chat.postMessage", url.Values{"channel": {"C1"}, "blocks": {fits}}); !a.OK {
		t.Errorf("10,800 characters: %+v", a)
	}
	var r *Refusal
	if err := CheckResponse([]byte(blocks)); !errors.As(err, &r) || r.Code != "msg_blocks_too_long" {
		t.Errorf("CheckResponse of 11,200 characters = %v", err)
	}
	if err := CheckResponse([]byte(fits)); err != nil {
		t.Errorf("CheckResponse of 10,800 characters = %v", err)
	}

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	post := func(blocks string) (int, string) {
		resp, err := http.Post(in.ResponseURL, "application/json", bytes.NewReader([]byte(`{"text":"x","blocks":`+blocks+`}`)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := post(blocks); code != http.StatusBadRequest || !strings.Contains(body, "msg_blocks_too_long") {
		t.Errorf("response_url with 11,200 characters: %d %s", code, body)
	}
	if code, body := post(fits); code != http.StatusOK {
		t.Errorf("response_url with 10,800 characters: %d %s", code, body)
	}

	// A slash command's ack carrying the same blocks is refused too.
	in2, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	if err := sm.Ack(*evt.Request, json.RawMessage(`{"text":"x","blocks":`+blocks+`}`)); err != nil {
		t.Fatal(err)
	}
	if ack, err := fake.AwaitAck(ctx, in2.EnvelopeID); err != nil || ack.Problem != "msg_blocks_too_long" {
		t.Errorf("ack with 11,200 characters: problem %q, %v", ack.Problem, err)
	}
}

// Views: the same block rules, plus the view's own.
func TestViewsAreCheckedAsSlackDoes(t *testing.T) {
	in := input("notes", "Notes", `{"type":"plain_text_input","action_id":"n"}`)
	modal := func(extra, blocks string) string {
		return `{"type":"modal","title":` + plainText("Log") + `,"submit":` + plainText("Save") + extra + `,"blocks":[` + blocks + `]}`
	}
	for _, tc := range []struct{ name, view, want string }{
		{"a valid modal", modal("", in), ""},
		{"a block_id repeated across block types", modal("", in+`,{"type":"actions","block_id":"notes","elements":[`+btn("b", "v")+`]}`),
			`block_id "notes" already exists [json-pointer:/view/blocks/1/block_id]`},
		{"two buttons share an action_id", modal("", `{"type":"actions","elements":[`+btn("x", "1")+","+btn("x", "2")+`]}`),
			`action_id "x" already exists [json-pointer:/view/blocks/0/elements/1/action_id]`},
		{"more than 100 blocks", modal("", sections(101, "x")), "no more than 100 items allowed [json-pointer:/view/blocks]"},
		{"a mrkdwn title", `{"type":"modal","title":` + mrkdwnText("Log") + `,"blocks":[]}`, "must be plain_text [json-pointer:/view/title/type]"},
		{"a title over 24", `{"type":"modal","title":` + plainText(strings.Repeat("t", 25)) + `,"blocks":[]}`, "must be less than 25 characters [json-pointer:/view/title/text]"},
		{"no title", `{"type":"modal","blocks":[]}`, "missing required field [json-pointer:/view/title]"},
		{"an input without submit", `{"type":"modal","title":` + plainText("Log") + `,"blocks":[` + in + `]}`,
			"must define `submit` to use input block [json-pointer:/view/blocks/0]"},
		{"private_metadata over 3000", modal(`,"private_metadata":"`+strings.Repeat("m", 3001)+`"`, in),
			"must be less than 3001 characters [json-pointer:/view/private_metadata]"},
		{"checkbox initial options not among the options", modal("", input("kept", "Kept?",
			`{"type":"checkboxes","action_id":"k","options":[`+opt("1", "One")+`],"initial_options":[`+opt("2", "Two")+`]}`)),
			"must match one of the provided options [json-pointer:/view/blocks/0/element/initial_options/0]"},
		{"a valid date, number and multi-select", modal("", input("d", "Date", `{"type":"datepicker","action_id":"d","initial_date":"2026-02-28"}`)+","+
			input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"min_value":"1","max_value":"600","initial_value":"30"}`)+","+
			input("r", "Reps", `{"type":"multi_users_select","action_id":"r","max_selected_items":1}`)), ""},
		{"a date not written YYYY-MM-DD", modal("", input("d", "Date", `{"type":"datepicker","action_id":"d","initial_date":"28/02/2026"}`)),
			"must be a date in the format YYYY-MM-DD [json-pointer:/view/blocks/0/element/initial_date]"},
		{"a date that does not exist", modal("", input("d", "Date", `{"type":"datepicker","action_id":"d","initial_date":"2026-02-30"}`)),
			"must be a date in the format YYYY-MM-DD [json-pointer:/view/blocks/0/element/initial_date]"},
		{"a number input without is_decimal_allowed", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m"}`)),
			"missing required field [json-pointer:/view/blocks/0/element/is_decimal_allowed]"},
		{"a number input's min above its max", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"min_value":"10","max_value":"5"}`)),
			"cannot be greater than max_value [json-pointer:/view/blocks/0/element/min_value]"},
		{"a decimal bound where only whole numbers are allowed", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"max_value":"7.5"}`)),
			"must be a whole number when is_decimal_allowed is false [json-pointer:/view/blocks/0/element/max_value]"},
		{"a number sent as a number", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"initial_value":30}`)),
			"must be a number, as a string [json-pointer:/view/blocks/0/element/initial_value]"},
		{"max_selected_items of 0", modal("", input("r", "Reps", `{"type":"multi_users_select","action_id":"r","max_selected_items":0}`)),
			"must be a whole number of at least 1 [json-pointer:/view/blocks/0/element/max_selected_items]"},
		{"max_selected_items of 0 on static options", modal("", input("s", "Skills", `{"type":"multi_static_select","action_id":"s","options":[`+opt("1", "One")+`],"max_selected_items":0}`)),
			"must be a whole number of at least 1 [json-pointer:/view/blocks/0/element/max_selected_items]"},
		{"more users preselected than max_selected_items", modal("", input("r", "Reps", `{"type":"multi_users_select","action_id":"r","max_selected_items":2,"initial_users":["U1","U2","U3"]}`)),
			"3 items preselected, more than max_selected_items (2) [json-pointer:/view/blocks/0/element/initial_users]"},
		{"as many users preselected as allowed", modal("", input("r", "Reps", `{"type":"multi_users_select","action_id":"r","max_selected_items":2,"initial_users":["U1","U2"]}`)), ""},
		{"one element focused on load", modal("", input("a", "A", `{"type":"plain_text_input","action_id":"a","focus_on_load":true}`)+","+
			input("b", "B", `{"type":"plain_text_input","action_id":"b","focus_on_load":false}`)), ""},
		{"a confirm on a plain_text_input", modal("", input("a", "A", `{"type":"plain_text_input","action_id":"a","confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on a number_input", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on an email_text_input", modal("", input("e", "Email", `{"type":"email_text_input","action_id":"e","confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on a url_text_input", modal("", input("u", "URL", `{"type":"url_text_input","action_id":"u","confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on a rich_text_input", modal("", input("r", "Notes", `{"type":"rich_text_input","action_id":"r","confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on a file_input", modal("", input("f", "Files", `{"type":"file_input","action_id":"f","confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)),
			"invalid additional property: confirm [json-pointer:/view/blocks/0/element]"},
		{"a confirm on an input block's select", modal("", input("s", "Kind", `{"type":"static_select","action_id":"s","options":[`+opts(1)+`],"confirm":`+confirmDialog("T", "t", "Yes", "No")+`}`)), ""},
		{"a button in an input block", modal("", input("b", "B", btn("go", "1"))),
			"button is not allowed in an input block [json-pointer:/view/blocks/0/element/type]"},
		{"an overflow menu in an input block", modal("", input("o", "O", `{"type":"overflow","action_id":"o","options":[`+opts(2)+`]}`)),
			"overflow is not allowed in an input block [json-pointer:/view/blocks/0/element/type]"},
		{"every input element in input blocks", modal("", strings.Join([]string{
			input("e", "E", `{"type":"email_text_input","action_id":"e"}`), input("u", "U", `{"type":"url_text_input","action_id":"u"}`),
			input("f", "F", `{"type":"file_input","action_id":"f"}`), input("r", "R", `{"type":"rich_text_input","action_id":"r"}`),
			input("d", "D", `{"type":"datetimepicker","action_id":"d"}`), input("c", "C", `{"type":"conversations_select","action_id":"c"}`),
		}, ",")), ""},
		// plain-text-input-element: min_length 0 to 3000, max_length 1 to 3000.
		{"a negative min_length", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","min_length":-1}`)),
			"must be a whole number from 0 to 3000 [json-pointer:/view/blocks/0/element/min_length]"},
		{"a min_length that is not whole", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","min_length":2.5}`)),
			"must be a whole number from 0 to 3000 [json-pointer:/view/blocks/0/element/min_length]"},
		{"a max_length of 0", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","max_length":0}`)),
			"must be a whole number from 1 to 3000 [json-pointer:/view/blocks/0/element/max_length]"},
		{"a max_length over 3000", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","max_length":3001}`)),
			"must be a whole number from 1 to 3000 [json-pointer:/view/blocks/0/element/max_length]"},
		{"a max_length written as a string", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","max_length":"500"}`)),
			"must be a whole number from 1 to 3000 [json-pointer:/view/blocks/0/element/max_length]"},
		{"lengths at their bounds", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","multiline":true,"min_length":0,"max_length":3000}`)), ""},
		// Slack refuses a field an element does not have.
		{"a multiline number input", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":false,"multiline":true}`)),
			"invalid additional property: multiline [json-pointer:/view/blocks/0/element]"},
		{"a text input with is_decimal_allowed", modal("", input("t", "T", `{"type":"plain_text_input","action_id":"t","is_decimal_allowed":false}`)),
			"invalid additional property: is_decimal_allowed [json-pointer:/view/blocks/0/element]"},
		{"a datetimepicker with a placeholder", modal("", input("d", "When", `{"type":"datetimepicker","action_id":"d","placeholder":`+plainText("Pick")+`}`)),
			"invalid additional property: placeholder [json-pointer:/view/blocks/0/element]"},
		{"a file input with a placeholder", modal("", input("f", "Files", `{"type":"file_input","action_id":"f","placeholder":`+plainText("Drop")+`}`)),
			"invalid additional property: placeholder [json-pointer:/view/blocks/0/element]"},
		{"a number input with max_length", modal("", input("m", "Minutes", `{"type":"number_input","action_id":"m","is_decimal_allowed":true,"max_length":5}`)),
			"invalid additional property: max_length [json-pointer:/view/blocks/0/element]"},
		{"every field of the inputs", modal("", strings.Join([]string{
			input("t", "T", `{"type":"plain_text_input","action_id":"t","placeholder":`+plainText("p")+`,"initial_value":"x","multiline":true,"min_length":1,"max_length":10,"dispatch_action_config":{"trigger_actions_on":["on_enter_pressed"]},"focus_on_load":true}`),
			input("n", "N", `{"type":"number_input","action_id":"n","is_decimal_allowed":true,"placeholder":`+plainText("p")+`,"initial_value":"1.5","min_value":"0","max_value":"9"}`),
			input("u", "U", `{"type":"multi_users_select","action_id":"u","placeholder":`+plainText("p")+`,"initial_users":["U1"],"max_selected_items":3}`),
			input("c", "C", `{"type":"conversations_select","action_id":"c","default_to_current_conversation":true,"response_url_enabled":true,"filter":{"include":["public"]}}`),
			input("f", "F", `{"type":"file_input","action_id":"f","filetypes":["csv"],"max_files":1}`),
			input("d", "D", `{"type":"datetimepicker","action_id":"d","initial_date_time":1767225600}`),
			input("h", "H", `{"type":"timepicker","action_id":"h","initial_time":"09:00","timezone":"Europe/Paris"}`),
		}, ",")), ""},
		{"two elements focused on load", modal("", input("a", "A", `{"type":"plain_text_input","action_id":"a","focus_on_load":true}`)+","+
			input("b", "B", `{"type":"datepicker","action_id":"b","focus_on_load":true}`)),
			"only one element of a view may have focus_on_load [json-pointer:/view/blocks/1/element/focus_on_load]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			a := call(t, fake, "views.open", url.Values{"trigger_id": {fake.IssueTrigger("U0ALICE")}, "view": {tc.view}})
			if tc.want == "" {
				if !a.OK {
					t.Fatalf("refused a valid view: %+v", a)
				}
				return
			}
			if a.Error != "invalid_arguments" || !slices.ContainsFunc(a.Meta.Messages, func(m string) bool { return strings.Contains(m, tc.want) }) {
				t.Errorf("answer = %+v, want invalid_arguments with %q", a, tc.want)
			}
			if p := fake.Problems(); len(p) != 1 || p[0].Where != "views.open" {
				t.Errorf("problems = %v", p)
			}
		})
	}
}

// views.update, views.push and views.publish check their view too.
func TestEveryViewMethodChecksTheView(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)
	withButton := sessionModal("Log")
	withButton.Blocks.BlockSet = append(withButton.Blocks.BlockSet, buttonsBlock("tools", [2]string{"more", "1"}))
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), withButton)
	if err != nil {
		t.Fatal(err)
	}
	bad := sessionModal("Log")
	bad.Blocks.BlockSet = append(bad.Blocks.BlockSet, buttonsBlock("notes", [2]string{"go", "1"}))
	var se slack.SlackErrorResponse
	if _, err := api.UpdateViewContext(ctx, bad, "", "", opened.View.ID); !asSlackError(err, &se) || se.Err != "invalid_arguments" ||
		!strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "/view/blocks/1") {
		t.Errorf("views.update: %v %+v", err, se)
	}
	// views.push takes only a trigger from within a modal (see
	// TestPushNeedsATriggerFromAModal): a click in the open one.
	click, err := fake.ClickViewAction(ctx, "U0ALICE", opened.View.ID, "tools", "more", nil)
	if err != nil {
		t.Fatal(err)
	}
	firstInteraction(ctx, t, sm)
	if _, err := api.PushViewContext(ctx, click.TriggerID, bad); !asSlackError(err, &se) || se.Err != "invalid_arguments" ||
		!strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "/view/blocks/1") {
		t.Errorf("views.push: %v %+v", err, se)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		buttonsBlock("h", [2]string{"edit", "1"}, [2]string{"edit", "2"}),
	}}}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE", View: home}); err == nil || err.Error() != "invalid_arguments" {
		t.Errorf("views.publish: %v", err)
	}
	if _, ok := fake.Home("U0ALICE"); ok {
		t.Error("a refused home was published")
	}
	if n := len(fake.Problems()); n != 3 {
		t.Errorf("%d problems, want 3: %v", n, fake.Problems())
	}
}

// A view_submission ack whose errors name anything but an input block of
// the view makes Slack show a generic error: the fake records it, keeps
// the modal open, and says so on the Ack.
func TestSubmissionAckErrorsMustNameInputBlocks(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	modal := sessionModal("Log")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet, slack.NewSectionBlock(
		slack.NewTextBlockObject(slack.MarkdownType, "Say it", false, false), nil, nil, slack.SectionBlockOptionBlockID("intro")))
	opened, err := apiClient(fake).OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	submitAndAck := func(ack any) Ack {
		t.Helper()
		in, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, map[string]map[string]any{"notes": {"notes_input": TextValue("x")}})
		if err != nil {
			t.Fatal(err)
		}
		evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
		if err := sm.Ack(*evt.Request, ack); err != nil {
			t.Fatal(err)
		}
		a, err := fake.AwaitAck(ctx, in.EnvelopeID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tc := range []struct {
		name   string
		errors map[string]string
		want   string
	}{
		{"an input block_id", map[string]string{"notes": "Too short"}, ""},
		{"a key that is no block", map[string]string{"comment": "Too long"}, "invalid_errors"},
		{"a block that is not an input", map[string]string{"intro": "No"}, "invalid_errors"},
	} {
		before := len(fake.Problems())
		a := submitAndAck(slack.NewErrorsViewSubmissionResponse(tc.errors))
		if a.Problem != tc.want {
			t.Errorf("%s: ack problem = %q, want %q", tc.name, a.Problem, tc.want)
		}
		if got := len(fake.Problems()) - before; (tc.want != "") != (got == 1) {
			t.Errorf("%s: %d new problems", tc.name, got)
		}
		if !slices.Contains(fake.OpenModals("U0ALICE"), opened.View.ID) {
			t.Fatalf("%s: the modal closed", tc.name)
		}
	}
	bad := sessionModal("Log")
	bad.Blocks.BlockSet = append(bad.Blocks.BlockSet, buttonsBlock("notes", [2]string{"x", "1"}))
	if a := submitAndAck(slack.NewUpdateViewSubmissionResponse(&bad)); a.Problem != "invalid_arguments" {
		t.Errorf("update with an invalid view: problem %q", a.Problem)
	}
}

// The bot token holds the manifest's scopes; a method needing another
// answers missing_scope with needed and provided, as Slack does.
func TestScopes(t *testing.T) {
	fake := startFake(t, WithScopes("chat:write", "users:read"))
	for _, tc := range []struct {
		method string
		params url.Values
		needed string
	}{
		{"chat.postMessage", url.Values{"channel": {"C1"}, "text": {"x"}}, ""},
		{"users.lookupByEmail", url.Values{"email": {"a@b.c"}}, "users:read.email"},
		{"conversations.open", url.Values{"users": {"U0ALICE"}}, "im:write"},
		{"conversations.open", url.Values{"users": {"U0ALICE,U0BOB"}}, "mpim:write"},
		{"files.getUploadURLExternal", url.Values{"filename": {"a.csv"}, "length": {"3"}}, "files:write"},
		{"files.completeUploadExternal", url.Values{"files": {`[{"id":"F1"}]`}}, "files:write"},
		{"views.publish", url.Values{"user_id": {"U0ALICE"}, "view": {`{"type":"home","blocks":[]}`}}, ""},
		{"auth.test", nil, ""},
	} {
		a := call(t, fake, tc.method, tc.params)
		if tc.needed == "" {
			if a.Error == "missing_scope" {
				t.Errorf("%s: %+v", tc.method, a)
			}
			continue
		}
		if a.Error != "missing_scope" || a.Needed != tc.needed || a.Provided != "chat:write,users:read" {
			t.Errorf("%s: %+v, want missing_scope needing %s", tc.method, a, tc.needed)
		}
	}
	// Without users:read.email, user objects come without the email.
	for _, tc := range []struct {
		scopes []string
		want   string
	}{
		{[]string{"users:read"}, ""},
		{[]string{"users:read", "users:read.email"}, "mail@acme.test"},
	} {
		f := startFake(t, WithScopes(tc.scopes...))
		f.AddUser(User{ID: "U0MAIL", Name: "mail", Email: "mail@acme.test"})
		u, err := apiClient(f).GetUserInfoContext(deadline(t), "U0MAIL")
		if err != nil || u.Profile.Email != tc.want {
			t.Errorf("users.info with %v: email %q, %v; want %q", tc.scopes, u.Profile.Email, err, tc.want)
		}
	}
	for _, m := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral", "users.info", "users.list"} {
		bare := startFake(t, WithScopes("commands"))
		if a := call(t, bare, m, url.Values{"channel": {"C1"}, "text": {"x"}, "user": {"U0ALICE"}, "ts": {"1.0"}}); a.Error != "missing_scope" {
			t.Errorf("%s without its scope: %+v", m, a)
		}
	}
}

// DefaultScopes are the manifest's, so a fake made without WithScopes
// grants the bot what the real app would have.
func TestDefaultScopesAreTheManifests(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ManifestBotScopes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(DefaultScopes))) {
		t.Errorf("manifest scopes %v, DefaultScopes %v", got, DefaultScopes)
	}
	for _, tc := range []struct{ name, yaml string }{
		{"no oauth_config", "features:\n  bot_user: {}\n"},
		{"bot is not a list", "oauth_config:\n  scopes:\n    bot: chat:write\n"},
	} {
		if s, err := ManifestBotScopes([]byte(tc.yaml)); err == nil {
			t.Errorf("%s: scopes %v, want an error", tc.name, s)
		}
	}
	user := "oauth_config:\n  scopes:\n    user:\n      - search:read\n    bot:\n      - chat:write # why\n      - \"users:read\"\nsettings:\n  x: 1\n"
	if s, err := ManifestBotScopes([]byte(user)); err != nil || !slices.Equal(s, []string{"chat:write", "users:read"}) {
		t.Errorf("bot scopes beside user scopes = %v, %v", s, err)
	}
}
