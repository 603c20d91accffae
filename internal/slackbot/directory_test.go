package slackbot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/roster"
)

// Members reads the whole workspace in one users.list pass with the
// fewest calls Slack's Tier 2 allows: pages of up to 1,000, following
// next_cursor through pages shorter than asked and waiting out 429s for
// as long as Retry-After says. Slackbot, which Slack lists with is_bot
// false, comes back a bot.
func TestDirectoryMembers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		people    int
		opts      []fakeslack.Option
		fault     *fakeslack.Fault
		wantCalls int             // users.list calls, rate-limited ones included
		wantWaits []time.Duration // the Retry-Afters waited out
		wantErr   string          // "" for none
	}{
		{name: "a small workspace", people: 3, wantCalls: 1},
		{name: "pages shorter than the limit", people: 1200, wantCalls: 3},
		{name: "rate limited mid-pass", people: 1200, opts: []fakeslack.Option{fakeslack.WithRateLimit("users.list", 2, time.Second)},
			wantCalls: 4, wantWaits: []time.Duration{time.Second}},
		{name: "Slack refuses", people: 3, fault: &fakeslack.Fault{Error: "invalid_auth"}, wantCalls: 1, wantErr: "users.list: invalid_auth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each member comes dated as Slack dates it, by the last change
			// to their profile (`updated`), not by the read: the store
			// keeps a newer profile over the import's.
			opened := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			clock := &fakeClock{now: opened}
			fake := fakeslack.New(append(tc.opts, fakeslack.WithClock(clock.Now))...)
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			clock.Advance(time.Hour)
			joined := clock.Now()
			fake.AddUser(fakeslack.User{ID: "U0ANN", Name: "ann", RealName: "Ann Lead", Email: "ann@acme.test", TZ: "Asia/Tokyo"})
			fake.AddUser(fakeslack.User{ID: "U0GONE", Name: "gone", Deleted: true})
			for i := range tc.people - 2 {
				fake.AddUser(fakeslack.User{ID: fmt.Sprintf("U0P%04d", i), Name: "p"})
			}
			clock.Advance(24 * time.Hour) // the import comes a day later
			if tc.fault != nil {
				fake.FailNext("users.list", 1, *tc.fault)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil)
			var waits []time.Duration
			dir.sleep = func(ctx context.Context, d time.Duration) error {
				if waits = append(waits, d); len(waits) > 3 {
					return fmt.Errorf("still rate limited after waiting %v", waits)
				}
				clock.Advance(d)
				return nil
			}
			members, err := dir.Members(ctx)
			if calls := len(fake.CallsTo("users.list")); calls != tc.wantCalls {
				t.Errorf("%d users.list calls, want %d", calls, tc.wantCalls)
			}
			if !slices.Equal(waits, tc.wantWaits) {
				t.Errorf("waited %v, want %v", waits, tc.wantWaits)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), fake.BotToken()) {
					t.Fatalf("error %v, want %q and no token", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != tc.people+2 {
				t.Fatalf("%d members, want %d", len(members), tc.people+2)
			}
			byID := map[string]roster.Member{}
			for _, m := range members {
				byID[m.ID] = m
			}
			for id, want := range map[string]roster.Member{
				"USLACKBOT": {ID: "USLACKBOT", Name: "Slackbot", TZ: "America/Los_Angeles", IsBot: true, ProfileAt: opened},
				"U0BOT":     {ID: "U0BOT", Name: "Coachlog", TZ: "America/Los_Angeles", IsBot: true, ProfileAt: opened},
				"U0ANN":     {ID: "U0ANN", Name: "Ann Lead", Email: "ann@acme.test", TZ: "Asia/Tokyo", ProfileAt: joined},
				"U0GONE":    {ID: "U0GONE", Name: "gone", TZ: "America/Los_Angeles", Deleted: true, ProfileAt: joined},
			} {
				if got := byID[id]; got != want {
					t.Errorf("%s = %+v, want %+v", id, got, want)
				}
			}
		})
	}
}

// users.info's answer is dated as Slack dates it, by the last change to
// the user's profile (`updated`) rather than the read, so that an answer
// older than a user_change stored meanwhile does not replace it.
func TestDirectoryUserInfoIsDated(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	fake := fakeslack.New(fakeslack.WithClock(clock.Now))
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	moved := clock.Now()
	fake.AddUser(fakeslack.User{ID: "U0ANN", Name: "ann", RealName: "Ann Lead", TZ: "Asia/Tokyo"})
	clock.Advance(3 * time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil).UserInfo(ctx, "U0ANN")
	if err != nil || !p.ProfileAt.Equal(moved) || p.SlackTZ != "Asia/Tokyo" {
		t.Errorf("UserInfo = %+v, %v; want Ann's profile of %s", p, err, moved)
	}
}

// fakeClock is a clock that moves only when told: a fake Slack's time, and
// the Directory's waits for it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
