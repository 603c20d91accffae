package slackbot

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The gate's pauses, socket by socket: none while sockets work or after
// the first refused one, then 1 s doubling up to 2 minutes, and none
// again once a socket has lived past its hello.
func TestReconnectGatePacesSocketsSlackRefuses(t *testing.T) {
	now := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	var slept []time.Duration
	g := &reconnectGate{now: func() time.Time { return now }, log: slog.New(slog.DiscardHandler),
		sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }}
	open := func(hello bool, lives time.Duration) time.Duration {
		t.Helper()
		n := len(slept)
		if err := g.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		g.setOpened(true)
		if hello {
			g.hello()
		}
		now = now.Add(lives)
		if len(slept) == n {
			return 0
		}
		return slept[n]
	}
	steps := []struct {
		what      string
		hello     bool
		lives     time.Duration
		wantPause time.Duration
	}{
		{"the first socket", true, time.Hour, 0},
		{"after one that worked", false, 0, 0},
		{"after the first refused", false, 0, 0},
		{"after the second refused", true, time.Second, time.Second}, // greeted, then closed at once
		{"after the third", false, 0, 2 * time.Second},
		{"after the fourth", false, 0, 4 * time.Second},
	}
	for _, s := range steps {
		if got := open(s.hello, s.lives); got != s.wantPause {
			t.Fatalf("%s: paused %v, want %v", s.what, got, s.wantPause)
		}
	}
	for range 10 {
		open(false, 0)
	}
	if got := open(true, minSocketLife); got != maxPause {
		t.Fatalf("after many refused: paused %v, want the cap %v", got, maxPause)
	}
	if got := open(false, 0); got != 0 {
		t.Fatalf("after a socket that lived %v: paused %v, want none", minSocketLife, got)
	}
}

// A socket the tap saw greeted, which Slack then replaced, worked, even
// when slack-go's hello event for it has not come yet (its events wait in
// a queue; under the race detector the next disconnect was read first):
// it was counted refused, and the next refused socket paused and said so
// twice, as CI saw.
func TestAGreetingReadOffTheSocketCountsBeforeSlackGosEvent(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var slept []time.Duration
	g := &reconnectGate{now: func() time.Time { return now }, log: slog.New(slog.DiscardHandler),
		sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	for _, reason := range []string{reasonRefresh, reasonWarning, reasonTooMany} {
		if err := g.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		g.setOpened(true)
		g.greeted()
		now = now.Add(time.Second)
		g.disconnected(reason)
	}
	g.hello() // the last socket's event, late: it changes nothing
	if err := g.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 0 || g.refused != 1 {
		t.Fatalf("after two replaced sockets and one refused: paused %v, %d refused; want no pause, 1 refused", slept, g.refused)
	}
}

// A failed apps.connections.open is slack-go's to back off: the gate
// adds no pause of its own after it.
func TestReconnectGateLeavesFailedCallsToSlackGo(t *testing.T) {
	answers := []struct {
		status int
		body   string
	}{
		{200, `{"ok":true,"url":"ws://x"}`}, // a socket that is refused
		{200, `{"ok":true,"url":"ws://x"}`}, // and another
		{500, ``},
		{429, `{"ok":false,"error":"ratelimited"}`},
		{200, `{"ok":false,"error":"invalid_auth"}`},
	}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[i]
		i++
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	defer srv.Close()
	var slept []time.Duration
	g := &reconnectGate{now: time.Now, log: slog.New(slog.DiscardHandler),
		sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	c := gatedClient(g, &http.Client{Timeout: 5 * time.Second})
	for _, a := range answers {
		resp, err := c.Post(srv.URL+"/api/apps.connections.open", "application/x-www-form-urlencoded", strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != a.status || string(b) != a.body {
			t.Fatalf("got %d %q through the gate, want %d %q", resp.StatusCode, b, a.status, a.body)
		}
	}
	// Only the call after the second refused socket is paced.
	if len(slept) != 1 || slept[0] != firstPause {
		t.Fatalf("paused %v, want only %v once", slept, firstPause)
	}
}

// Replicas refused together (too_many_websockets for all of them) do not
// ask again in step: each pause is spread over its second half.
func TestReconnectPausesAreSpread(t *testing.T) {
	g := newReconnectGate(slog.New(slog.DiscardHandler))
	seen := map[time.Duration]bool{}
	for range 50 {
		d := g.jitter(8 * time.Second)
		if d < 4*time.Second || d > 8*time.Second {
			t.Fatalf("a pause of 8s spread to %v, want 4s to 8s", d)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Errorf("50 pauses of 8s all %v: not spread", seen)
	}
}
