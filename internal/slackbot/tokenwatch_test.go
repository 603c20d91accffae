package slackbot

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
)

// WatchToken tells of a refused bot token from any call, the bot's own
// (views.publish) or slack-go's (users.info, which closes the answer
// without reading to its end), once per call, naming the method and
// Slack's code; not of other answers, long ones (a whole view echoed
// back) or the app-level token's apps.connections.open.
func TestWatchTokenTellsOfARefusedTokenFromAnyCall(t *testing.T) {
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.AddUser(fakeslack.User{ID: "U0REP", Name: "sam"})
	var mu sync.Mutex
	var told []*outbox.Error
	hc := &http.Client{Transport: WatchToken(nil, fake.APIURL(), func(err error) {
		mu.Lock()
		defer mu.Unlock()
		oe, _ := errors.AsType[*outbox.Error](err)
		told = append(told, oe)
	})}
	bot := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), HTTPClient: hc})
	dir := NewDirectory(fake.BotToken(), fake.APIURL(), hc, nil)
	ctx := context.Background()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Coaching", false, false), nil, nil)}}}
	if err := bot.publishView(ctx, "U0REP", home); err != nil {
		t.Fatal(err)
	}
	if _, err := dir.UserInfo(ctx, "U0REP"); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("users.info", 1, fakeslack.Fault{Error: "user_not_found"})
	_, _ = dir.UserInfo(ctx, "U0REP")
	fake.FailNext("apps.connections.open", 1, fakeslack.Fault{Error: "invalid_auth"})
	_, _, _ = bot.sm.OpenContext(ctx)
	if len(told) != 0 {
		t.Fatalf("told %v of answers that refuse no bot token", told)
	}
	fake.RevokeToken()
	_ = bot.publishView(ctx, "U0REP", home)
	_, _ = dir.UserInfo(ctx, "U0REP")
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 2 {
		t.Fatalf("told %d times, want once for each refused call", len(told))
	}
	for i, method := range []string{"views.publish", "users.info"} {
		if e := told[i]; e == nil || e.Class != outbox.Fatal || e.Method != method || SlackErrorCode(e) != "token_revoked" {
			t.Errorf("told %d: %+v, want %s refused with token_revoked, class Fatal", i, e, method)
		}
	}
}

// Only an answer naming an error is decoded again to look for a refused
// token: one that went well, as every DM's chat.postMessage does, is
// not (#8: no answer decoded twice), whatever the message's text says.
func TestOnlyAnAnswerWithAnErrorIsLookedAtForARefusedToken(t *testing.T) {
	for _, tt := range []struct {
		answer string
		want   bool
	}{
		{`{"ok":false,"error":"token_revoked"}`, true},
		{`{"ok": false, "error": "invalid_auth", "warning": "superfluous_charset"}`, true},
		{`{"ok":true,"channel":"D1","ts":"1.2","message":{"text":"an error on the call"}}`, false},
		{`{"ok":true,"channel":"D1","ts":"1.2","message":{"text":"said \"error\" twice"}}`, false},
	} {
		if got := mayRefuseToken([]byte(tt.answer)); got != tt.want {
			t.Errorf("mayRefuseToken(%s) = %v, want %v", tt.answer, got, tt.want)
		}
	}
}
