package slackbot

import "testing"

// The link to a message is on the host the workspace's pages are served
// from: GovSlack's are on slack-gov.com, as its Web API is, and a link to
// slack.com would not open there.
func TestMessageLinkIsOnTheWorkspacesHost(t *testing.T) {
	in := interaction{Team: &team{ID: "T1", Domain: "acme"}, Channel: &channelRef{ID: "C1"},
		Message: &messageRef{TS: "1700000000.000100"}}
	for _, tt := range []struct{ apiURL, want string }{
		{"https://slack.com/api/", "https://acme.slack.com/archives/C1/p1700000000000100"},
		{"https://slack-gov.com/api/", "https://acme.slack-gov.com/archives/C1/p1700000000000100"},
		{"https://api.slack-gov.com/api/", "https://acme.slack-gov.com/archives/C1/p1700000000000100"},
		{"http://127.0.0.1:8080/api/", "https://acme.slack.com/archives/C1/p1700000000000100"}, // a fake or a proxy
		{"https://proxy.internal/slack/api/", "https://acme.slack.com/archives/C1/p1700000000000100"},
	} {
		b := &Bot{apiURL: tt.apiURL}
		if got := b.messageLink(in); got != tt.want {
			t.Errorf("API at %s: link = %s, want %s", tt.apiURL, got, tt.want)
		}
	}
}
