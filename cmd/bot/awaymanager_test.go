package main

import (
	"strings"
	"testing"
	"time"
)

// A manager whose Slack status says they are away, as user_change reports
// it, gets no nudge while it lasts; once it expires, they do.
func TestAManagerAwayInSlackIsNotNudged(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		profile map[string]any
		nudged  bool
	}{
		{"sick", map[string]any{"status_text": "", "status_emoji": ":face_with_thermometer:", "status_expiration": 0}, false},
		{"holiday text", map[string]any{"status_text": "Holiday in Lisbon", "status_emoji": ":sunny:", "status_expiration": 0}, false},
		{"out of office", map[string]any{"status_text": "Out of office", "status_emoji": "", "status_expiration": 0}, false},
		{"expired", map[string]any{"status_text": "On vacation", "status_emoji": ":palm_tree:", "status_expiration": 1}, true},
		{"lunch", map[string]any{"status_text": "Lunch", "status_emoji": ":sandwich:", "status_expiration": 0}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := startBot(t)
			b.importRoster(t)
			profile := map[string]any{"real_name": "Max Manager"}
			for k, v := range c.profile {
				profile[k] = v
			}
			if _, err := b.fake.Event(ctxT(t), map[string]any{"type": "user_change", "user": map[string]any{
				"id": mgr, "name": "max", "real_name": "Max Manager", "tz": "America/New_York", "profile": profile,
			}}); err != nil {
				t.Fatal(err)
			}
			later := b.now().Add(21 * 24 * time.Hour)
			var out syncBuffer
			eventually(t, "the nudge decision to follow the status", func() bool {
				out = syncBuffer{}
				if err := runEnv(ctxT(t), []string{"nudge", "--dry-run"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: func() time.Time { return later }}); err != nil {
					t.Fatal(err)
				}
				return strings.Contains(out.String(), "would nudge Max") == c.nudged
			})
		})
	}
}

// A manager's time zone comes fresh from user_change: Max moved to Tokyo,
// and his nine o'clock is Tokyo's, with no look-up of his profile.
func TestAManagersZoneFromUserChangeSetsTheirNudgeHour(t *testing.T) {
	t.Parallel()
	b, clk := zonelessManager(t)
	b.slackZone("Asia/Tokyo")
	// Sixteen days on, Sam is overdue; 00:30 UTC is 09:30 on Wednesday in
	// Tokyo and 19:30 on Tuesday in New York, where Slack's profile still
	// says Max is: past the nudge's grace there.
	clk.Advance(time.Date(2026, 12, 2, 0, 30, 0, 0, time.UTC).Sub(clk.Now()))
	b.stop()
	b.start()
	if text := blocksText(b.dm(mgr, 1).Blocks); !strings.Contains(text, "<@"+rep+">") {
		t.Fatalf("Max's nudge at 09:30 in Tokyo says:\n%s", text)
	}
	if n := len(b.fake.CallsTo("users.info")); n != 0 {
		t.Errorf("the nudge looked Max up %d times; user_change had told his zone", n)
	}
}
