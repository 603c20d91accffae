package fakeslack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack/socketmode"
)

// postForText posts params to method and returns the answer's error, its
// text (chat.update's) and its message's text.
func postForText(t *testing.T, s *Server, method string, params url.Values) (code, text, msgText string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+s.BotToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct {
		Error   string `json:"error"`
		Text    string `json:"text"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a.Error, a.Text, a.Message.Text
}

// payloadMessageText is the text of the message an interaction payload
// carries.
func payloadMessageText(t *testing.T, payload []byte) string {
	t.Helper()
	var p struct {
		Message *struct {
			Text *string `json:"text"`
		} `json:"message"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.Message == nil || p.Message.Text == nil {
		t.Fatalf("no message text (%v) in %s", err, payload)
	}
	return *p.Message.Text
}

// A message an app posts in blocks without text has Slack's placeholder
// for its text, where it is stored and in everything that carries it: the
// post's and the update's answers, a click's payload, a message shortcut's.
// A message with text keeps it; one without blocks (a file alone) keeps
// its empty text.
func TestABlocksOnlyMessageHasSlacksPlaceholderText(t *testing.T) {
	blocks := `[` + section("Call summary") + `,{"type":"actions","block_id":"b","elements":[` + btn("go", "v") + `]}]`
	for _, tc := range []struct {
		name   string
		post   url.Values
		update url.Values // nil: no update
		want   string
	}{
		{"blocks alone", url.Values{"blocks": {blocks}}, nil, BlocksOnlyText},
		{"blocks and an empty text", url.Values{"text": {""}, "blocks": {blocks}}, nil, BlocksOnlyText},
		{"blocks and a text", url.Values{"text": {"Summary"}, "blocks": {blocks}}, nil, "Summary"},
		{"updated to blocks and an empty text", url.Values{"text": {"Summary"}, "blocks": {blocks}},
			url.Values{"text": {""}, "blocks": {blocks}}, BlocksOnlyText},
		{"updated with blocks alone: the text is kept", url.Values{"text": {"Summary"}, "blocks": {blocks}},
			url.Values{"blocks": {blocks}}, "Summary"},
		{"updated from the placeholder to a text", url.Values{"blocks": {blocks}},
			url.Values{"text": {"Now with text"}}, "Now with text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			ctx := deadline(t)
			sm := connect(t, fake)
			tc.post.Set("channel", "C0TEAM")
			code, _, msgText := postForText(t, fake, "chat.postMessage", tc.post)
			if code != "" {
				t.Fatalf("post refused: %s", code)
			}
			ts := fake.Messages("C0TEAM")[0].TS
			if tc.update == nil && msgText != tc.want {
				t.Errorf("chat.postMessage's message.text = %q, want %q", msgText, tc.want)
			}
			if tc.update != nil {
				tc.update.Set("channel", "C0TEAM")
				tc.update.Set("ts", ts)
				code, text, msgText := postForText(t, fake, "chat.update", tc.update)
				if code != "" || text != tc.want || msgText != tc.want {
					t.Errorf("chat.update answered %q, text %q, message.text %q, want text %q", code, text, msgText, tc.want)
				}
			}
			if m, _ := fake.Message("C0TEAM", ts); m.Text != tc.want {
				t.Errorf("stored text = %q, want %q", m.Text, tc.want)
			}
			if _, err := fake.ClickButton(ctx, "U0ALICE", "C0TEAM", ts, "go"); err != nil {
				t.Fatal(err)
			}
			evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
			if got := payloadMessageText(t, evt.Request.Payload); got != tc.want {
				t.Errorf("block_actions message.text = %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("a response_url reply in blocks alone", func(t *testing.T) {
		fake, ch, ts, status := respondToAClick(t, `{"replace_original":true,"blocks":[`+section("Done")+`]}`)
		if status != http.StatusOK {
			t.Fatalf("status = %d", status)
		}
		if m, _ := fake.Message(ch, ts); m.Text != BlocksOnlyText {
			t.Errorf("replaced message's text = %q, want %q", m.Text, BlocksOnlyText)
		}
	})

	for _, tc := range []struct {
		name   string
		text   string
		fields map[string]any
		want   string
	}{
		{"an app's blocks", "", map[string]any{"bot_id": "B0CALLS", "user": nil, "client_msg_id": nil,
			"blocks": []any{map[string]any{"type": "section", "block_id": "s", "text": map[string]any{"type": "mrkdwn", "text": "Call summary"}}}},
			BlocksOnlyText},
		{"a file alone", "", map[string]any{"files": []any{map[string]any{"id": "F0REC", "name": "call.mp4"}}}, ""},
		{"a person's words", "pricing went well", nil, "pricing went well"},
	} {
		t.Run("message shortcut on "+tc.name, func(t *testing.T) {
			fake := startFake(t)
			ctx := deadline(t)
			sm := connect(t, fake)
			if _, err := fake.MessageShortcut(ctx, "U0ALICE", "log", "C0TEAM", tc.text, "1700000000.000100", "U0BOB",
				MessageFields(tc.fields)); err != nil {
				t.Fatal(err)
			}
			evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
			if got := payloadMessageText(t, evt.Request.Payload); got != tc.want {
				t.Errorf("message_action message.text = %q, want %q", got, tc.want)
			}
		})
	}
}
