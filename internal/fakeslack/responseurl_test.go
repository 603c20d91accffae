package fakeslack

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// delete_original deletes the message clicked and, as Slack documents,
// posts the response's content, if any, as a brand new message:
// ephemeral for the clicker unless it says in_channel.
func TestDeleteOriginalPostsTheContentAsNew(t *testing.T) {
	for _, tc := range []struct {
		name, body  string
		wantChannel []string // texts of the live channel messages after the post
		wantEph     []string // texts of the live ephemerals
		wantNewTS   bool     // the response's MessageTS is a new message's
	}{
		{"alone", `{"delete_original":true}`, nil, nil, false},
		{"with a text", `{"delete_original":true,"text":"Undone"}`, nil, []string{"Undone"}, true},
		{"with blocks in_channel", `{"delete_original":true,"response_type":"in_channel","text":"Logged","blocks":[` + section("Logged") + `]}`,
			[]string{"Logged"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, ch, ts, status := respondToAClick(t, tc.body)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}

			if _, ok := fake.Message(ch, ts); ok {
				t.Error("the original message is still there")
			}
			texts := func(ms []Message) []string {
				var out []string
				for _, m := range ms {
					out = append(out, m.Text)
				}
				return out
			}
			eph := fake.Ephemerals(ch)
			if got := texts(fake.Messages(ch)); strings.Join(got, "|") != strings.Join(tc.wantChannel, "|") {
				t.Errorf("channel messages %q, want %q", got, tc.wantChannel)
			}
			if got := texts(eph); strings.Join(got, "|") != strings.Join(tc.wantEph, "|") {
				t.Errorf("ephemerals %q, want %q", got, tc.wantEph)
			}
			if len(eph) == 1 && eph[0].Recipient != "U0ALICE" {
				t.Errorf("the new ephemeral is for %s, want the clicker", eph[0].Recipient)
			}
			r := fake.Responses()
			if len(r) != 1 || r[0].MessageTS == "" {
				t.Fatalf("recorded responses %+v, want one locating a message", r)
			}
			if isNew := r[0].MessageTS != ts; isNew != tc.wantNewTS {
				t.Errorf("the response's MessageTS %s is a new message's: %v, want %v", r[0].MessageTS, isNew, tc.wantNewTS)
			}
		})
	}
}

// A response_url post of only whitespace has nothing to show, and one past
// 4,000 characters is refused with a problem, as chat.* posts are.
func TestResponseURLText(t *testing.T) {
	long := strings.Repeat("a", maxMessageTextRunes)
	for _, tc := range []struct {
		name, text string
		status     int
		problem    string
	}{
		{"whitespace", " \n ", http.StatusBadRequest, "missing_text_or_fallback_or_attachments"},
		{"at the limit", long, http.StatusOK, ""},
		{"past it", long + "b", http.StatusBadRequest, "msg_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"text": tc.text, "response_type": "in_channel"})
			fake, ch, _, status := respondToAClick(t, string(body))
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			var codes []string
			for _, p := range fake.Problems() {
				codes = append(codes, p.Code+"@"+p.Where)
			}
			if want := tc.problem + "@" + MethodResponseURL; (tc.problem == "" && len(codes) > 0) || (tc.problem != "" && (len(codes) != 1 || codes[0] != want)) {
				t.Errorf("problems = %q, want %q", codes, tc.problem)
			}
			if tc.status == http.StatusOK {
				msgs := fake.Messages(ch)
				if got := msgs[len(msgs)-1].Text; got != long {
					t.Errorf("posted text of %d runes, want %d", len(got), maxMessageTextRunes)
				}
			}
		})
	}
}

// A response_url answers as Slack's does, in plain text: "ok" when it
// takes a post, the error code with a 4xx when it refuses one; not the
// Web API's JSON, which a client could come to rely on here.
func TestResponseURLAnswersInPlainText(t *testing.T) {
	_, _, _, url := clickForAResponseURL(t)
	for _, tc := range []struct {
		name, body string
		status     int
		answer     string
	}{
		{"taken", `{"text":"Logged"}`, http.StatusOK, "ok"},
		{"nothing in it", `{"text":" "}`, http.StatusBadRequest, "missing_text_or_fallback_or_attachments"},
	} {
		resp, err := http.Post(url, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(got) != tc.answer || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q (%s), want %d %q in plain text", tc.name, resp.StatusCode, got, resp.Header.Get("Content-Type"), tc.status, tc.answer)
		}
	}
}
