package slackbot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
)

// The slim views.open, views.update and views.publish calls must answer
// like slack-go's: the view's id and hash, and errors of slack-go's types,
// so classify and SlackErrorCode keep working on them.
func TestSlimViewCalls(t *testing.T) {
	fake, bot := fakeBot(t)
	ctx := context.Background()
	v := reasonModal(cbComment, "", "U0MAX", modalMeta{SessionID: 1, RepID: "U1", Version: 1}, false)

	opened, err := bot.openView(ctx, fake.IssueTrigger("U1"), v)
	if err != nil {
		t.Fatalf("views.open: %v", err)
	}
	if opened.ID == "" || opened.Hash == "" {
		t.Fatalf("views.open answered %+v, want an id and a hash", opened)
	}
	if _, ok := fake.View(opened.ID); !ok {
		t.Fatalf("the fake holds no view %s", opened.ID)
	}
	updated, err := bot.updateView(ctx, v, opened.Hash, opened.ID)
	if err != nil {
		t.Fatalf("views.update: %v", err)
	}
	if updated.ID != opened.ID || updated.Hash == opened.Hash {
		t.Fatalf("views.update answered %+v after %+v, want the same id and a new hash", updated, opened)
	}

	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(mrkdwn("This week: 3 sessions"), nil, nil)}}}
	if err := bot.publishView(ctx, "U1", home); err != nil {
		t.Fatalf("views.publish: %v", err)
	}
	if tab, ok := fake.Home("U1"); !ok || !strings.Contains(string(tab), "This week: 3 sessions") {
		t.Fatalf("the published tab reads %s", tab)
	}

	for _, tt := range []struct {
		name  string
		call  func() error
		check func(error) bool
	}{
		{"publish for nobody", func() error { return bot.publishView(ctx, "", home) },
			func(err error) bool { return errors.Is(err, slack.ErrParametersMissing) }},
		{"publish refused", func() error {
			fake.FailNext("views.publish", 1, fakeslack.Fault{Error: "invalid_blocks"})
			return bot.publishView(ctx, "U1", home)
		}, func(err error) bool { return SlackErrorCode(err) == "invalid_blocks" }},
		{"publish rate limited", func() error {
			fake.FailNext("views.publish", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3})
			return bot.publishView(ctx, "U1", home)
		}, func(err error) bool {
			rl, ok := errors.AsType[*slack.RateLimitedError](err)
			return ok && rl.RetryAfter == 3*time.Second
		}},
		{"stale hash", func() error { _, err := bot.updateView(ctx, v, opened.Hash, opened.ID); return err },
			func(err error) bool { return SlackErrorCode(err) == "hash_conflict" }},
		{"used trigger", func() error { _, err := bot.openView(ctx, "no-such-trigger", v); return err },
			func(err error) bool { return SlackErrorCode(err) == "invalid_trigger_id" }},
		{"no trigger", func() error { _, err := bot.openView(ctx, "", v); return err },
			func(err error) bool { return errors.Is(err, slack.ErrParametersMissing) }},
		{"rate limited", func() error {
			fake.FailNext("views.update", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7})
			_, err := bot.updateView(ctx, v, updated.Hash, opened.ID)
			return err
		}, func(err error) bool {
			rl, ok := errors.AsType[*slack.RateLimitedError](err)
			return ok && rl.RetryAfter == 7*time.Second
		}},
		{"server error", func() error {
			fake.FailNext("views.open", 1, fakeslack.Fault{Status: http.StatusServiceUnavailable})
			_, err := bot.openView(ctx, fake.IssueTrigger("U1"), v)
			return err
		}, func(err error) bool {
			sc, ok := errors.AsType[slack.StatusCodeError](err)
			return ok && sc.Code == http.StatusServiceUnavailable
		}},
		{"revoked token", func() error {
			fake.FailNext("views.open", 1, fakeslack.Fault{Error: "token_revoked"})
			_, err := bot.openView(ctx, fake.IssueTrigger("U1"), v)
			return err
		}, func(err error) bool { return SlackErrorCode(err) == "token_revoked" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !tt.check(err) {
				t.Fatalf("got error %v (%T)", err, err)
			}
		})
	}
}

// The slim chat.postMessage and chat.update post what slack-go would (the
// text, the blocks, the thread) and answer with the channel and ts, or
// slack-go's error types.
func TestSlimChatCalls(t *testing.T) {
	fake, bot := fakeBot(t)
	fake.AddUser(fakeslack.User{ID: "U0REP", Name: "sam"})
	ctx := context.Background()
	msg := textMessage("Logged: a 1:1")

	posted, err := bot.postMessage(ctx, "U0REP", "", msg)
	if err != nil {
		t.Fatalf("chat.postMessage: %v", err)
	}
	got, ok := fake.Message(posted.Channel, posted.TS)
	if !ok || got.Text != msg.Text || len(got.Blocks) == 0 {
		t.Fatalf("posted %+v, the fake holds %+v", posted, got)
	}
	reply, err := bot.postMessage(ctx, "U0REP", posted.TS, textMessage("A reminder"))
	if err != nil {
		t.Fatalf("chat.postMessage in a thread: %v", err)
	}
	if got, _ := fake.Message(reply.Channel, reply.TS); got.ThreadTS != posted.TS {
		t.Fatalf("the reply is in thread %q, want %q", got.ThreadTS, posted.TS)
	}
	if _, err := bot.updateMessage(ctx, posted.Channel, posted.TS, textMessage("Logged: a 1:1 (edited)")); err != nil {
		t.Fatalf("chat.update: %v", err)
	}
	if got, _ := fake.Message(posted.Channel, posted.TS); got.Text != "Logged: a 1:1 (edited)" || !got.Edited {
		t.Fatalf("after chat.update the fake holds %+v", got)
	}

	for _, tt := range []struct {
		name  string
		call  func() error
		check func(error) bool
	}{
		{"unknown channel", func() error {
			fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Error: "channel_not_found"})
			_, err := bot.postMessage(ctx, "U0REP", "", msg)
			return err
		}, func(err error) bool { return SlackErrorCode(err) == "channel_not_found" }},
		{"unknown message", func() error { _, err := bot.updateMessage(ctx, posted.Channel, "1.000", msg); return err },
			func(err error) bool { return SlackErrorCode(err) == "message_not_found" }},
		{"rate limited", func() error {
			fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3})
			_, err := bot.postMessage(ctx, "U0REP", "", msg)
			return err
		}, func(err error) bool {
			rl, ok := errors.AsType[*slack.RateLimitedError](err)
			return ok && rl.RetryAfter == 3*time.Second
		}},
		{"revoked token", func() error {
			fake.FailNext("chat.update", 1, fakeslack.Fault{Error: "token_revoked"})
			_, err := bot.updateMessage(ctx, posted.Channel, posted.TS, msg)
			return err
		}, func(err error) bool { return SlackErrorCode(err) == "token_revoked" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !tt.check(err) {
				t.Fatalf("got error %v (%T)", err, err)
			}
		})
	}
}

// What the outbox does with each answer Slack documents for the methods
// it calls: a message is dropped only for an answer that would come again.
// chat.postMessage documents rate_limited ("Application has posted too
// many messages") beside the 429's ratelimited, and chat.postMessage and
// chat.update document org_login_required, a workspace in the middle of
// an enterprise migration, like team_added_to_org: both are held (they
// last hours), as is missing_scope, the install lacking a scope; no_permission
// is the bot left out of one conversation
// (https://docs.slack.dev/reference/methods/chat.postMessage, Errors).
func TestSlackAnswersAreClassified(t *testing.T) {
	fake, bot := fakeBot(t)
	fake.AddUser(fakeslack.User{ID: "U0REP", Name: "sam"})
	ctx := context.Background()
	for code, want := range map[string]outbox.Class{
		"rate_limited":           outbox.RateLimited,
		"ratelimited":            outbox.RateLimited,
		"org_login_required":     outbox.Held,
		"team_added_to_org":      outbox.Held,
		"missing_scope":          outbox.Held,
		"no_permission":          outbox.Permanent,
		"internal_error":         outbox.Retry,
		"service_unavailable":    outbox.Retry,
		"channel_not_found":      outbox.Permanent,
		"invalid_blocks":         outbox.Permanent,
		"token_revoked":          outbox.Fatal,
		"not_allowed_token_type": outbox.Fatal,
	} {
		fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Error: code})
		_, err := bot.post(ctx, "U0REP", "", textMessage("A nudge"))
		oe, ok := errors.AsType[*outbox.Error](err)
		if !ok || oe.Class != want || oe.Method != "chat.postMessage" {
			t.Errorf("%s: got %v (%+v), want class %d", code, err, oe, want)
		}
	}
}

// respond retries a blip once, but not an answer that would come again:
// a response_url Slack no longer takes (404 once used five times or past
// 30 minutes) or a body it refuses (400) is posted once.
func TestRespondRetriesOnlyBlips(t *testing.T) {
	fake, bot := fakeBot(t)
	ctx := context.Background()
	posts := func(u string) (n int) {
		for _, r := range fake.Responses() {
			if r.URL == u {
				n++
			}
		}
		return n
	}

	gone := fake.URL() + "/response/never-issued" // Slack answers 404
	bot.respond(ctx, gone, textMessage("Saved."), false)
	if n := posts(gone); n != 1 {
		t.Errorf("a response_url answering 404 got %d posts, want 1", n)
	}

	blip := fake.URL() + "/response/a-blip"
	fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusServiceUnavailable})
	bot.respond(ctx, blip, textMessage("Saved."), false)
	if n := posts(blip); n != 2 {
		t.Errorf("a response_url answering 503 got %d posts, want 2 (one retry)", n)
	}
}

// fakeBot starts a fake Slack and a Bot speaking to it; the fake is closed
// when the test ends.
func fakeBot(t *testing.T) (*fakeslack.Server, *Bot) {
	t.Helper()
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	return fake, New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()})
}

// views.update has no trigger to outlive: a 429 with a Retry-After of a
// second is waited out on the bot's clock and the update made then; a
// longer one is returned at once, with no wait.
func TestViewUpdateWaitsOutAShortRetryAfter(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	fake := fakeslack.New(fakeslack.WithClock(clock.Now), fakeslack.WithMethodRateLimit("views.update", time.Second, 1))
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	bot := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()})
	bot.now = clock.Now
	waits := recordWaits(bot, clock)
	ctx := context.Background()
	v := reasonModal(cbComment, "", "U0MAX", modalMeta{SessionID: 1, RepID: "U1", Version: 1}, false)
	opened, err := bot.openView(ctx, fake.IssueTrigger("U1"), v)
	if err != nil {
		t.Fatal(err)
	}
	first, err := bot.updateView(ctx, v, opened.Hash, opened.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The tier's one call a second is spent: the next is answered 429,
	// Retry-After 1.
	second, err := bot.updateView(ctx, v, first.Hash, opened.ID)
	if err != nil {
		t.Fatalf("views.update after a 1 s Retry-After: %v", err)
	}
	if second.Hash == first.Hash {
		t.Errorf("the update was not made")
	}
	var waited time.Duration
	for _, w := range *waits {
		waited += w
	}
	if waited != time.Second {
		t.Errorf("waited %v (%v), want Retry-After's 1s", waited, *waits)
	}

	*waits = nil
	fake2 := fakeslack.New(fakeslack.WithClock(clock.Now), fakeslack.WithMethodRateLimit("views.update", 3*time.Second, 1))
	if err := fake2.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake2.Close() })
	bot2 := New(Config{AppToken: fake2.AppToken(), BotToken: fake2.BotToken(), APIURL: fake2.APIURL()})
	bot2.now = clock.Now
	waits = recordWaits(bot2, clock)
	opened, err = bot2.openView(ctx, fake2.IssueTrigger("U1"), v)
	if err != nil {
		t.Fatal(err)
	}
	if first, err = bot2.updateView(ctx, v, opened.Hash, opened.ID); err != nil {
		t.Fatal(err)
	}
	_, err = bot2.updateView(ctx, v, first.Hash, opened.ID)
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); !ok || rl.RetryAfter != 3*time.Second {
		t.Fatalf("views.update answered %v, want the 429's Retry-After 3s at once", err)
	}
	if len(*waits) != 0 || len(fake2.CallsTo("views.update")) != 2 {
		t.Errorf("waited %v over %d calls, want no wait and no call again", *waits, len(fake2.CallsTo("views.update")))
	}
}
