package main

import (
	"strings"
	"testing"
)

// A digest scheduled every minute has always "just been missed": the
// catch-up pass at start posts it once, to the leaders' channel, and a
// restart in the same week does not post it again.
func TestDigestCaughtUpAtStartOncePerWeek(t *testing.T) {
	b := startBot(t, "COACHLOG_DIGEST_CHANNEL", "C0LEADS", "COACHLOG_DIGEST_SCHEDULE", "* * * * *")
	b.importRoster(t)
	b.quickLog(rep, 1)
	b.stop()
	b.start()
	var posts int
	eventually(t, "the digest in the leaders' channel", func() bool {
		posts = len(b.fake.Messages("C0LEADS"))
		return posts >= 1
	})
	digest := b.fake.Messages("C0LEADS")[0]
	text := blocksText(digest.Blocks)
	if !strings.Contains(text, "Coaching digest") || !strings.Contains(text, "<@"+mgr+">") {
		t.Fatalf("digest:\n%s", text)
	}
	if strings.Contains(text, "1:1 30m") || strings.Contains(strings.ToLower(text), "notes") {
		t.Fatalf("the digest carries session text into a channel:\n%s", text)
	}
	b.stop()
	b.start()
	b.quickLog(rep, 2) // the bot is up and has ticked
	if n := len(b.fake.Messages("C0LEADS")); n != 1 {
		t.Fatalf("%d digests after a restart in the same week, want 1", n)
	}
}
