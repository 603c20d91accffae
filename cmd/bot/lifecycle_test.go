package main

import (
	"strings"
	"testing"
	"time"
)

// app_rate_limited comes to every app, without a subscription, when Slack
// limits the events it delivers (more than 30,000 an hour from the
// workspace, or too many not answered): no inner event and no event_id.
// The bot says so in one warning, with the minute it began, not as a
// malformed event.
func TestAppRateLimitedIsOneClearWarning(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	since := b.now().Add(-time.Minute)
	id, err := b.fake.AppRateLimited(ctxT(t), since)
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := b.fake.AwaitAck(ctxT(t), id); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("ack = %s, %v; want an empty ack", ack.Payload, err)
	}
	var line string
	eventually(t, "the warning", func() bool {
		line = grepLines(b.logs.String(), "Slack is limiting the events it sends")
		return line != ""
	})
	minute := since.Truncate(time.Minute).UTC().Format(time.RFC3339)
	if !strings.Contains(line, "level=WARN") || !strings.Contains(line, "since="+minute) || strings.Count(line, "\n") != 0 {
		t.Errorf("warned %q, want one WARN line saying since=%s", line, minute)
	}
	if bad := grepLines(b.logs.String(), "malformed"); bad != "" {
		t.Errorf("app_rate_limited logged as malformed:\n%s", bad)
	}
}
