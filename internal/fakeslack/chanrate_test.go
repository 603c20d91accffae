package fakeslack

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// postTo posts text to channel with a plain form, so the test sees the
// status and Retry-After slack-go would hide.
func postTo(t *testing.T, s *Server, channel string) (ok bool, errCode string, resp *http.Response) {
	t.Helper()
	resp, err := http.PostForm(s.APIURL()+"chat.postMessage", url.Values{"token": {s.BotToken()}, "channel": {channel}, "text": {"hi"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p.OK, p.Error, resp
}

// chat.postMessage is held to about one message a second per channel with
// short bursts (https://api.slack.com/docs/rate-limits). The fake counts
// it as a token bucket of 3 refilled once a second, on its own clock.
func TestChannelRateLimit(t *testing.T) {
	type step struct {
		advance    time.Duration // the clock moves this much before the call
		channel    string
		retryAfter string // "" when the call is within the allowance
	}
	for _, tc := range []struct {
		name  string
		opts  []Option
		steps []step
	}{
		{"burst of three, then one a second", nil, []step{
			{0, "C1", ""}, {0, "C1", ""}, {0, "C1", ""},
			{0, "C1", "1"},                      // the fourth at once: a second to wait
			{0, "C2", ""},                       // another channel has its own bucket
			{999 * time.Millisecond, "C1", "1"}, // 1ms to go is a whole second, never 0
			{time.Millisecond, "C1", ""},        // one token back after a second
			{0, "C1", "1"},
			{2 * time.Second, "C1", ""}, // two back, not three: the bucket refills at the steady rate
			{0, "C1", ""},
			{0, "C1", "1"},
		}},
		{"a user id and its DM channel count together", nil, []step{
			{0, "U1", ""}, {0, "D1", ""}, {0, "U1", ""},
			{0, "D1", "1"},
			{0, "U1", "1"},
			{0, "U2", ""}, // another person's DM is another channel
		}},
		{"a refused call takes no token", nil, []step{
			{0, "C1", ""}, {0, "C1", ""}, {0, "C1", ""},
			{500 * time.Millisecond, "C1", "1"}, {0, "C1", "1"}, {0, "C1", "1"},
			{500 * time.Millisecond, "C1", ""},
		}},
		{"the option sets another limit", []Option{WithChannelRateLimit("chat.postMessage", 3*time.Second, 1)}, []step{
			{0, "C1", ""},
			{0, "C1", "3"},
			{1500 * time.Millisecond, "C1", "2"}, // 1.5s rounds up
			{1500 * time.Millisecond, "C1", ""},
		}},
		{"burst 0 lifts the limit", []Option{WithChannelRateLimit("chat.postMessage", time.Second, 0)}, []step{
			{0, "C1", ""}, {0, "C1", ""}, {0, "C1", ""}, {0, "C1", ""}, {0, "C1", ""}, {0, "U1", ""}, {0, "D1", ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newManualClock()
			fake := startFake(t, append([]Option{WithClock(clock.Now)}, tc.opts...)...)
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				ok, code, resp := postTo(t, fake, st.channel)
				if st.retryAfter == "" {
					if !ok || resp.StatusCode != http.StatusOK {
						t.Fatalf("step %d (%s): %d %q, want posted", i, st.channel, resp.StatusCode, code)
					}
					continue
				}
				if ok || resp.StatusCode != http.StatusTooManyRequests || code != "ratelimited" || resp.Header.Get("Retry-After") != st.retryAfter {
					t.Fatalf("step %d (%s): ok %v %d %q Retry-After %q, want 429 ratelimited Retry-After %s",
						i, st.channel, ok, resp.StatusCode, code, resp.Header.Get("Retry-After"), st.retryAfter)
				}
			}
		})
	}
}

// slack-go surfaces the refusal as a RateLimitedError, which is what the
// bot's outbox reads; and a refused post is not stored.
func TestChannelRateLimitSlackGo(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now))
	api := apiClient(fake)
	for range 3 {
		if _, _, err := api.PostMessageContext(deadline(t), "C1", slack.MsgOptionText("hi", false)); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := api.PostMessageContext(deadline(t), "C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("slack-go saw %v, want a RateLimitedError of 1s", err)
	}
	if n := len(fake.Messages("C1")); n != 3 {
		t.Errorf("%d messages in C1, want the 3 within the allowance", n)
	}
}
