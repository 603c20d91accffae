package fakeslack

import (
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
