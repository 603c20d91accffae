package slackbot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

// A response_url the bot posts to must be one Slack gives (hooks.slack.com,
// or SLACK_API_URL's host): a form's private_metadata carries it back, and
// a review showed a value altered there made the bot POST a receipt to an
// address inside the network.
func TestOnlySlacksResponseURLsArePostedTo(t *testing.T) {
	var hits atomic.Int32
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer inside.Close()
	b := &Bot{apiURL: "https://slack.example.test/api/", http: inside.Client()}
	for _, tt := range []struct {
		url  string
		want bool
	}{
		{"https://hooks.slack.com/actions/T1/123/abc", true},
		{"https://hooks.slack-gov.com/commands/T1/123/abc", true},
		{"https://slack.example.test/response/1", true},
		{"http://hooks.slack.com/actions/T1/123/abc", false},
		{"https://hooks.slack.com.evil.test/actions/T1", false},
		{"https://user:pw@hooks.slack.com/actions/T1", false},
		{inside.URL + "/internal/admin", false},
		{"%zz", false},
	} {
		if got := b.slackHook(tt.url); got != tt.want {
			t.Errorf("slackHook(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
	ctx := context.Background()
	if err := b.postResponse(ctx, inside.URL+"/internal/admin", message{Text: "Logged"}, false); !errors.Is(err, errNotSlackHook) {
		t.Errorf("postResponse to an inside address = %v, want refused", err)
	}
	_, err := b.deliverAs(ctx, coaching.Message{Op: coaching.OpRespond, ResponseURL: inside.URL + "/x"}, nil, message{Text: "Logged"})
	if oe, ok := errors.AsType[*outbox.Error](err); !ok || oe.Class != outbox.Permanent {
		t.Errorf("an outbox reply to an inside address = %v, want a permanent failure", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the inside address got %d requests, want none", n)
	}
}
