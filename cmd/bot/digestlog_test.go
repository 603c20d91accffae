package main

import (
	"regexp"
	"strings"
	"testing"
)

// The start says the weekly digest is on, where and when (only "off" was
// said), and a digest queued says so at Info with its week, channel and
// how many messages, never its text: a digest the leaders did not see
// left no trace in the log.
func TestServeSaysTheDigestIsOnAndWhenOneIsQueued(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_DIGEST_CHANNEL", "C0LEADS", "COACHLOG_DIGEST_SCHEDULE", "0 0 * * WED")
	on := grepLines(b.logs.String(), `msg="weekly digest on"`)
	if !strings.Contains(on, "level=INFO") || !strings.Contains(on, "channel=C0LEADS") || !strings.Contains(on, `schedule="0 0 * * WED"`) ||
		!strings.Contains(on, "timezone=UTC") || !strings.Contains(on, "next_run=2026-11-25T00:00:00Z") {
		t.Errorf("start said %q; want the digest on, its channel, schedule, zone and next run", on)
	}
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.quickLog(rep, 1)
	b.stop()
	b.start()
	var line string
	eventually(t, "the digest's log line", func() bool {
		line = grepLines(b.logs.String(), `msg="weekly digest queued"`)
		return line != ""
	})
	if !regexp.MustCompile(`level=INFO msg="weekly digest queued" week=2026-W\d\d channel=C0LEADS messages=[1-9]`).MatchString(line) || strings.Count(line, "\n") != 0 {
		t.Errorf("logged %q; want one Info line with the week, the channel and how many messages", line)
	}
	if strings.Contains(line, "Max") || strings.Contains(line, "session") {
		t.Errorf("the digest's text reached the log: %q", line)
	}
}
