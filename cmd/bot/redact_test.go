package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A response_url is a secret: when a post to one fails at the network
// level, neither the log nor the outbox's last_error may show it (Go's
// *url.Error prints the whole URL).
func TestResponseURLsStayOutOfLogsAndTheOutbox(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)

	// /coach help answers at once, trying twice; both posts are dropped.
	b.fake.FailNext(fakeslack.MethodResponseURL, 2, fakeslack.Fault{Drop: true})
	help, err := b.fake.SlashCommand(ctx, mgr, "/coach", "help")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the failed answer to be logged", func() bool { return strings.Contains(b.logs.String(), "response_url post failed") })

	// A quick capture's receipt goes through the outbox: its first post is
	// dropped, recorded as last_error, and retried.
	b.fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Drop: true})
	capture, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"> 1:1 30m")
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	eventually(t, "the failed receipt in the outbox", func() bool {
		stored = sqlitetest.OutboxErrors(t, b.db)
		return len(stored) > 0
	})
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == capture.ResponseURL && r.Error == "" }); err != nil {
		t.Fatalf("the receipt was not retried: %v", err)
	}

	secrets := []string{help.ResponseURL, capture.ResponseURL, "/response/"}
	for _, e := range stored {
		if !strings.Contains(e, "response_url <redacted>") {
			t.Errorf("last_error %q does not say what failed", e)
		}
		for _, s := range secrets {
			if strings.Contains(e, s) {
				t.Errorf("last_error %q shows a response_url", e)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(b.logs.String(), s) {
			t.Errorf("the log shows a response_url (%s):\n%s", s, b.logs)
		}
	}
}
