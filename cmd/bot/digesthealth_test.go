package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A weekly digest that failed for good stays red on /healthz, as one line
// naming the week, Slack's answer and the channel, until it is delivered:
// it turned green after 24 h, six days before anything would post it, and
// counted its headline and the chart that failed with it as two failures.
func TestAFailedDigestStaysOnHealthAsOneLineUntilDelivered(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.coachLastWeek()
	week, _ := b.lastWeek()
	b.fake.FailNext("conversations.info", 1, fakeslack.Fault{Error: "missing_scope"}) // the command cannot look first
	if out, err := b.cli("digest", "--channel", "C0TYPO"); err == nil {
		t.Fatalf("a digest into a channel Slack does not know succeeded:\n%s", out)
	}
	want := []string{"the digest of " + week.String() + " failed: channel_not_found in C0TYPO"}
	for _, after := range []time.Duration{0, 25 * time.Hour, 5 * 24 * time.Hour} { // at once, a day on, six days on
		clk.Advance(after)
		code, problems := healthProblems(t, addr)
		var digest []string
		for _, p := range problems {
			if strings.Contains(p, "digest") {
				digest = append(digest, p)
			}
		}
		if code != http.StatusServiceUnavailable || !slices.Equal(digest, want) {
			t.Fatalf("healthz after the digest failed, %s on: %d %q, want 503 with %q alone of the digest", after, code, problems, want)
		}
	}

	// Sent to the right channel, the week is delivered: green again.
	if out, err := b.cli("digest", "--channel", "C0LEADS", "--week", week.String()); err != nil {
		t.Fatalf("the digest sent again to the right channel: %v\n%s", err, out)
	}
	if code, problems := healthProblems(t, addr); code != http.StatusOK {
		t.Fatalf("healthz after the digest was delivered = %d %q", code, problems)
	}
}
