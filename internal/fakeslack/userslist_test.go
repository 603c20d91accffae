package fakeslack

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// listPage is one users.list answer as a client reads it.
type listPage struct {
	OK       bool                  `json:"ok"`
	Error    string                `json:"error"`
	Members  []struct{ ID string } `json:"members"`
	Metadata struct {
		NextCursor string `json:"next_cursor"`
	} `json:"response_metadata"`
}

func listUsers(t *testing.T, s *Server, form url.Values) (listPage, *http.Response) {
	t.Helper()
	resp, err := http.PostForm(s.APIURL()+"users.list", url.Values{"token": {s.BotToken()}, "limit": form["limit"], "cursor": form["cursor"]})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p listPage
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p, resp
}

// users.list refuses what Slack refuses: a cursor it did not hand out, a
// limit that is not a whole number up to 1000, and no limit at all on a
// directory too big for one page. None of it must ever come from the app,
// so the argument mistakes are recorded as problems.
func TestUsersListArguments(t *testing.T) {
	for _, tc := range []struct {
		name          string
		users         int // added to Slackbot and the app's bot user
		limit, cursor string
		want          string // error code, "" for ok
		problem       bool
	}{
		{"first page, slack-go's empty cursor", 3, "200", "", "", false},
		{"no limit, a small directory", 3, "", "", "", false},
		{"limit 0 means none", 3, "0", "", "", false},
		{"the largest limit", 3, "1000", "", "", false},
		{"no limit, a large directory", 1200, "", "", "limit_required", true},
		{"limit 0, a large directory", 1200, "0", "", "limit_required", true},
		{"limit over 1000", 3, "1001", "", "invalid_arguments", true},
		{"negative limit", 3, "-5", "", "invalid_arguments", true},
		{"limit not a number", 3, "lots", "", "invalid_arguments", true},
		{"cursor not base64", 3, "200", "not a cursor!", "invalid_cursor", false},
		{"cursor of another shape", 3, "200", base64.StdEncoding.EncodeToString([]byte("channel:C1")), "invalid_cursor", false},
		{"cursor of nobody", 3, "200", base64.StdEncoding.EncodeToString([]byte("user:U0NOBODY")), "invalid_cursor", false},
		{"a cursor the fake gave", 3, "200", base64.StdEncoding.EncodeToString([]byte("user:U0P0001")), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			for i := range tc.users {
				fake.AddUser(User{ID: fmt.Sprintf("U0P%04d", i), Name: "p"})
			}
			p, _ := listUsers(t, fake, url.Values{"limit": {tc.limit}, "cursor": {tc.cursor}})
			if p.Error != tc.want || p.OK != (tc.want == "") {
				t.Errorf("ok %v error %q, want %q", p.OK, p.Error, tc.want)
			}
			if got := len(fake.Problems()) > 0; got != tc.problem {
				t.Errorf("problems %v, want some: %v", fake.Problems(), tc.problem)
			}
		})
	}
}

// A page may hold fewer members than the limit although more follow, as
// Slack's may: only an empty next_cursor ends the list.
func TestUsersListShortPages(t *testing.T) {
	fake := startFake(t)
	for i := range 1200 {
		fake.AddUser(User{ID: fmt.Sprintf("U0P%04d", i), Name: "p"})
	}
	var sizes []int
	seen := map[string]bool{}
	cursor := ""
	for {
		p, _ := listUsers(t, fake, url.Values{"limit": {"1000"}, "cursor": {cursor}})
		if !p.OK {
			t.Fatalf("page %d: %s", len(sizes)+1, p.Error)
		}
		sizes = append(sizes, len(p.Members))
		for _, m := range p.Members {
			if seen[m.ID] {
				t.Fatalf("%s listed twice", m.ID)
			}
			seen[m.ID] = true
		}
		if cursor = p.Metadata.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 1202 {
		t.Errorf("listed %d members, want 1202", len(seen))
	}
	if len(sizes) < 2 || sizes[0] >= 1000 {
		t.Errorf("page sizes %v: want a first page shorter than the limit", sizes)
	}
}

// users.list is Tier 2: past the allowance Slack answers 429 with a
// Retry-After saying when the oldest call leaves the window, and lets the
// next call through only then. The window runs on the fake's clock, so
// the test moves it rather than waiting.
func TestUsersListRateLimit(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now), WithRateLimit("users.list", 2, time.Second))
	list := func() (listPage, *http.Response) { return listUsers(t, fake, url.Values{"limit": {"10"}}) }
	for _, step := range []struct {
		advance    time.Duration // the clock moves this much before the call
		retryAfter string        // "" when the call is within the allowance
	}{
		{0, ""},
		{400 * time.Millisecond, ""},
		{0, "1"},                      // the first call leaves the window in 600ms: a whole second
		{599 * time.Millisecond, "1"}, // 1ms to go is still a second, never 0
		{time.Millisecond, ""},        // the first call has left the window
		{0, "1"},                      // the second is in it still, with the fourth
	} {
		clock.Advance(step.advance)
		p, resp := list()
		if step.retryAfter == "" {
			if !p.OK || resp.StatusCode != http.StatusOK {
				t.Fatalf("at %s: %d %q, want within the allowance", clock.Now().Format(time.StampMilli), resp.StatusCode, p.Error)
			}
			continue
		}
		if resp.StatusCode != http.StatusTooManyRequests || p.Error != "ratelimited" || resp.Header.Get("Retry-After") != step.retryAfter {
			t.Fatalf("at %s: %d %q Retry-After %q, want 429 ratelimited Retry-After %s", clock.Now().Format(time.StampMilli),
				resp.StatusCode, p.Error, resp.Header.Get("Retry-After"), step.retryAfter)
		}
	}
	_, err := apiClient(fake).GetUsersPaginated(slack.GetUsersOptionLimit(10)).Next(deadline(t))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("slack-go saw %v, want a RateLimitedError of 1s", err)
	}
	// The default is Slack's Tier 2 allowance, 20 a minute.
	tier2 := startFake(t, WithClock(newManualClock().Now))
	for i := range 21 {
		p, _ := listUsers(t, tier2, url.Values{"limit": {"10"}})
		if wantOK := i < 20; p.OK != wantOK {
			t.Fatalf("call %d: ok %v (%s)", i+1, p.OK, p.Error)
		}
	}
	if got := strings.Count(tier2.callSummary(), "users.list=ratelimited"); got != 1 {
		t.Errorf("%d calls rate limited, want 1", got)
	}
}
