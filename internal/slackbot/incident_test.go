package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// downClaims fails every claim while down, as a database moved away does.
type downClaims struct{ down atomic.Bool }

func (c *downClaims) Claim(context.Context, string, time.Duration) (bool, error) {
	if c.down.Load() {
		return false, errors.New("unable to open database file")
	}
	return true, nil
}

// With the database away for 20 s, claiming an envelope a second failed
// with a warning each: an operator read 22 lines of one incident. Its
// first failure is logged, the others counted, and the claim that works
// again says how many failed and over how long.
func TestADatabaseIncidentIsLoggedOnceByTheClaims(t *testing.T) {
	var logs lockedBuffer
	claims := &downClaims{}
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Claims: claims,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var offset atomic.Int64
	b.now = func() time.Time { return t0.Add(time.Duration(offset.Load())) }
	claims.down.Store(true)
	for i := range 22 {
		if !b.claim(context.Background(), &acker{bot: b, received: time.Now()}, fmt.Sprintf("env:%d", i), 0) {
			t.Fatal("an envelope whose claim failed was not handled")
		}
		offset.Add(int64(time.Second) * 20 / 21)
	}
	claims.down.Store(false)
	b.claim(context.Background(), &acker{bot: b, received: time.Now()}, "env:ok", 0)
	out := logs.String()
	if n := strings.Count(out, "could not claim an envelope"); n != 1 {
		t.Errorf("%d lines say a claim failed, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "claiming envelopes in the database: recovered after 22 failures over 21s") {
		t.Errorf("no line says the claims recovered:\n%s", out)
	}
}

// A capture the database cannot take is answered "Not logged" each time,
// and logged once for the incident: README says so, and 14 lines a
// 20 s outage read as 14 problems.
func TestCapturesTheDatabaseRefusesAreLoggedOnce(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := coaching.NewService(coaching.Config{Store: st})
	var logs lockedBuffer
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Service: svc, Outbox: nopNotifier{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	var answers []any
	b.ackFn = func(_ string, payload any) error { answers = append(answers, payload); return nil }
	st.Close() // every write fails from here
	for i := range 14 {
		a := &acker{bot: b, id: fmt.Sprint(i), typ: "slash_commands", received: time.Now()}
		b.acceptCapture(ctx, a, slashCommand{Command: "/coach", Text: "<@U0SAM|sam> 1:1 30m", UserID: "U0MAX", TriggerID: fmt.Sprint("T", i)})
	}
	if len(answers) != 14 {
		t.Fatalf("%d captures answered, want 14", len(answers))
	}
	for _, ans := range answers {
		if r, ok := ans.(commandReply); !ok || !strings.Contains(r.Text, "Not logged") {
			t.Errorf("a capture the database refused was answered %#v", ans)
		}
	}
	if n := strings.Count(logs.String(), "accepting a quick capture"); n != 1 {
		t.Errorf("%d lines say a capture failed, want 1:\n%s", n, logs.String())
	}
}

// /healthz names the last error code Slack gave the socket: what
// apps.connections.open answered, or why Slack closed a socket; a
// refresh is no error.
func TestTheSocketKeepsSlacksLastErrorCode(t *testing.T) {
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/"})
	if got := b.ConnectionError(); got != "" {
		t.Fatalf("ConnectionError at start = %q", got)
	}
	b.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeConnectionError,
		Data: &slack.ConnectionErrorEvent{ErrorObj: slack.SlackErrorResponse{Err: "fatal_error"}}})
	if got := b.ConnectionError(); got != "fatal_error" {
		t.Errorf("after apps.connections.open answered fatal_error: ConnectionError = %q", got)
	}
	b.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeConnectionError,
		Data: &slack.ConnectionErrorEvent{ErrorObj: errors.New("dial tcp: connection refused")}})
	b.disconnected("disconnect", reasonRefresh)
	if got := b.ConnectionError(); got != "fatal_error" {
		t.Errorf("after a network error and a refresh: ConnectionError = %q, want Slack's last code kept", got)
	}
	b.disconnected("disconnect", reasonLinkDisabled)
	if got := b.ConnectionError(); got != reasonLinkDisabled {
		t.Errorf("after a disconnect for link_disabled: ConnectionError = %q", got)
	}
	// A 429 is Slack's ratelimited, which slack-go does not read.
	b.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeConnectionError,
		Data: &slack.ConnectionErrorEvent{ErrorObj: &slack.RateLimitedError{RetryAfter: 30 * time.Second}}})
	if got := b.ConnectionError(); got != "ratelimited" {
		t.Errorf("after apps.connections.open answered 429: ConnectionError = %q", got)
	}
}

// apps.connections.open past Tier 1 is answered 429 for as long as the
// app's replicas together ask more than about once a minute, and slack-go
// reports each try: one warning says so, until Slack greets a socket; the
// next run of 429s is said again. Other failures are still a line each.
func TestRateLimitedReconnectsAreSaidOnceARun(t *testing.T) {
	var logs lockedBuffer
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	fail := func(err error, wait time.Duration) {
		b.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeConnectionError,
			Data: &slack.ConnectionErrorEvent{ErrorObj: err, Backoff: wait}})
	}
	limited := func(d time.Duration) { fail(&slack.RateLimitedError{RetryAfter: d}, d) }
	count := func(substr string) int { return strings.Count(logs.String(), substr) }
	const said = "Slack is rate-limiting apps.connections.open"

	limited(60 * time.Second)
	limited(45 * time.Second)
	fail(errors.New("dial tcp: connection refused"), time.Second)
	limited(60 * time.Second)
	if n := count(said); n != 1 {
		t.Fatalf("three 429s in a run logged %d lines, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "retry_after=1m0s wait=1m0s") {
		t.Errorf("the line does not say the wait:\n%s", logs.String())
	}
	if n := count("Slack connection failed; retrying"); n != 1 {
		t.Errorf("a network error among the 429s logged %d lines, want its own 1", n)
	}
	b.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeHello})
	limited(30 * time.Second)
	if n := count(said); n != 2 {
		t.Errorf("a 429 after Slack greeted a socket: %d lines in all, want 2:\n%s", n, logs.String())
	}
}
