package fakeslack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// callMethod calls method with a plain form and the bot token, so the
// test sees the status and Retry-After slack-go would hide. What the
// method answers besides (a missing argument, say) does not matter here:
// a tier meters calls, not successes.
func callMethod(t *testing.T, s *Server, method string) (code string, resp *http.Response) {
	t.Helper()
	resp, err := http.PostForm(s.APIURL()+method, url.Values{"token": {s.BotToken()}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p.Error, resp
}

// Each method the bot may call is held to its tier's floor, per
// workspace (https://api.slack.com/docs/rate-limits): past its burst it
// is answered 429 with Retry-After, and a call is let through again once
// the fake's clock has moved one interval on.
func TestMethodRateLimits(t *testing.T) {
	for _, tc := range []struct {
		method     string
		every      time.Duration
		burst      int
		retryAfter string // the 429's Retry-After, whole seconds rounded up
	}{
		{"apps.connections.open", time.Minute, 3, "60"},
		{"chat.update", 1200 * time.Millisecond, 10, "2"},
		{"conversations.open", 1200 * time.Millisecond, 10, "2"},
		{"chat.postEphemeral", 600 * time.Millisecond, 20, "1"},
		{"users.info", 600 * time.Millisecond, 20, "1"},
		{"views.open", 600 * time.Millisecond, 20, "1"},
		{"views.update", 600 * time.Millisecond, 20, "1"},
		{"views.push", 600 * time.Millisecond, 20, "1"},
		{"views.publish", 600 * time.Millisecond, 20, "1"},
		{"files.getUploadURLExternal", 600 * time.Millisecond, 20, "1"},
		{"files.completeUploadExternal", 600 * time.Millisecond, 20, "1"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			clock := newManualClock()
			fake := startFake(t, WithClock(clock.Now))
			for i := range tc.burst {
				if code, resp := callMethod(t, fake, tc.method); resp.StatusCode != http.StatusOK || code == "ratelimited" {
					t.Fatalf("call %d of the burst: %d %q, want it let through", i+1, resp.StatusCode, code)
				}
			}
			code, resp := callMethod(t, fake, tc.method)
			if resp.StatusCode != http.StatusTooManyRequests || code != "ratelimited" || resp.Header.Get("Retry-After") != tc.retryAfter {
				t.Fatalf("call past the burst: %d %q Retry-After %q, want 429 ratelimited Retry-After %s",
					resp.StatusCode, code, resp.Header.Get("Retry-After"), tc.retryAfter)
			}
			// Another method has its own allowance.
			if code, resp := callMethod(t, fake, "auth.test"); resp.StatusCode != http.StatusOK || code != "" {
				t.Fatalf("auth.test after %s's burst: %d %q", tc.method, resp.StatusCode, code)
			}
			clock.Advance(tc.every - time.Millisecond)
			if _, resp := callMethod(t, fake, tc.method); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
				t.Fatalf("1ms before the next slot: %d Retry-After %q, want 429 Retry-After 1", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			clock.Advance(time.Millisecond)
			if code, resp := callMethod(t, fake, tc.method); resp.StatusCode != http.StatusOK || code == "ratelimited" {
				t.Fatalf("after one interval: %d %q, want it let through", resp.StatusCode, code)
			}
			if _, resp := callMethod(t, fake, tc.method); resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("a second call in the same interval: %d, want 429: one token back, not more", resp.StatusCode)
			}
		})
	}
}

// WithMethodRateLimit sets another allowance, and burst 0 lifts it, for
// a test that must drive a method harder than a real bot would.
func TestMethodRateLimitOption(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now),
		WithMethodRateLimit("chat.update", 3*time.Second, 1),
		WithMethodRateLimit("views.publish", time.Second, 0))
	if _, resp := callMethod(t, fake, "chat.update"); resp.StatusCode != http.StatusOK {
		t.Fatalf("first chat.update: %d", resp.StatusCode)
	}
	if _, resp := callMethod(t, fake, "chat.update"); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("second chat.update: %d Retry-After %q, want 429 Retry-After 3", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for i := range 200 {
		if _, resp := callMethod(t, fake, "views.publish"); resp.StatusCode != http.StatusOK {
			t.Fatalf("views.publish %d with the limit lifted: %d", i+1, resp.StatusCode)
		}
	}
}
