package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Pacing of reconnects after sockets Slack closed at once.
const (
	// minSocketLife is how long a socket must have lived after its hello
	// to count as a working connection. Slack refreshes sockets after
	// hours and warns 10 s ahead; a socket closed sooner, or never
	// greeted, was refused (too_many_websockets, link_disabled).
	minSocketLife = 10 * time.Second
	// firstPause and maxPause bound the pause before apps.connections.open
	// after refused sockets: 1 s after the second in a row, doubling,
	// at most 2 minutes (the method is Tier 1, about one call a minute).
	firstPause = time.Second
	maxPause   = 2 * time.Minute
)

// reconnectGate paces slack-go's reconnects. slack-go reopens a socket the
// moment Slack sends `disconnect`, whatever the reason, and backs off only
// when apps.connections.open itself fails. A socket refused right after
// it opens (too_many_websockets for an app already holding ten,
// link_disabled while Socket Mode is switched off in the app's settings)
// is followed by another at once: thousands of apps.connections.open a
// second, which spend the app's Tier 1 allowance that its other replicas
// need to reconnect. The gate sits in the socket client's HTTP transport
// and holds each apps.connections.open until the sockets before it have
// shown they work: the first refused socket is reopened at once, then
// the pauses grow from firstPause to maxPause; one socket that lives
// minSocketLife after its hello ends the pacing, as does one greeted that
// Slack replaces (refresh_requested, warning: see disconnect.go).
type reconnectGate struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	// jitter spreads a pause (nil: as computed), so that replicas whose
	// sockets Slack refused together do not all ask again in step.
	jitter func(time.Duration) time.Duration
	log    *slog.Logger

	mu      sync.Mutex
	opened  bool      // the last apps.connections.open handed out a URL
	helloAt time.Time // hello on that URL's socket; zero: none yet
	refused int       // sockets in a row that did not work
	reason  string    // Slack's disconnect of the newest socket gave; "": none
	said    string    // the reason last logged, since a socket was greeted
}

func newReconnectGate(log *slog.Logger) *reconnectGate {
	return &reconnectGate{now: time.Now, sleep: sleepCtx, jitter: equalJitter, log: log}
}

// equalJitter is a pause of d made anything from d/2 to d.
func equalJitter(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d - rand.N(d/2)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hello records that the newest socket was greeted, from slack-go's
// hello event, unless the tap saw the greeting first (greeted): the event
// can come after Slack's next disconnect was read (slack-go's events wait
// in a queue), and a greeted socket Slack replaced would then be judged
// never greeted, a refused one. Without the tap (an HTTPS proxy), the
// event is all the gate has.
func (g *reconnectGate) hello() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.helloAt.IsZero() {
		g.helloAt = g.now()
	}
}

// greeted records that Slack greeted a socket, read off the socket's
// bytes in their order with its disconnects (disconnect.go): the socket
// counts as greeted from then, and a reason given after it is news again.
func (g *reconnectGate) greeted() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.said = ""
	if g.opened && g.helloAt.IsZero() {
		g.helloAt = g.now()
	}
}

// disconnected records why Slack closed the newest socket (its
// disconnect's reason), which the pause after it names; it reports
// whether that is news: not what the sockets before said, none greeted
// since.
func (g *reconnectGate) disconnected(reason string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	news := reason != g.said
	g.reason, g.said = reason, reason
	return news
}

// pause judges the socket opened last, now that another is wanted, and
// says how long to wait before asking for the next one.
func (g *reconnectGate) pause() (time.Duration, int, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.opened {
		// The last call failed (or this is the first): slack-go backs
		// off failed calls itself.
		return 0, g.refused, g.reason
	}
	// A greeted socket Slack asked to replace (a refresh, or its warning
	// ahead of one) worked, however short its life.
	replaced := g.reason == reasonRefresh || g.reason == reasonWarning
	if !g.helloAt.IsZero() && (g.now().Sub(g.helloAt) >= minSocketLife || replaced) {
		g.refused = 0
	} else {
		g.refused++
	}
	g.opened, g.helloAt = false, time.Time{}
	if g.refused < 2 {
		return 0, g.refused, g.reason
	}
	d := firstPause
	for i := 2; i < g.refused && d < maxPause; i++ {
		d *= 2
	}
	d = min(d, maxPause)
	if g.jitter != nil {
		d = g.jitter(d)
	}
	return d, g.refused, g.reason
}

// wait holds a call to apps.connections.open for the pause the sockets
// before it earned, or until ctx ends (shutdown).
func (g *reconnectGate) wait(ctx context.Context) error {
	d, refused, reason := g.pause()
	if d <= 0 {
		return nil
	}
	attrs := []any{"attempt", refused, "wait", d.String()}
	if reason != "" {
		attrs = append(attrs, "reason", reason)
	}
	g.log.Warn("Slack closed the Socket Mode connection as soon as it opened; holding off before reconnecting",
		append(attrs, "hint", refusedHint(reason))...)
	return g.sleep(ctx, d)
}

// refusedHint says what to do about sockets Slack closes at once, from
// the reason its disconnect gave; both likely causes when it gave none
// the bot could read (a dropped socket, a proxy in the way).
func refusedHint(reason string) string {
	switch reason {
	case reasonLinkDisabled:
		return "Socket Mode is switched off for the app: switch it on (api.slack.com/apps, the app, Socket Mode)"
	case reasonTooMany:
		return "too many connections (Slack allows 10 per app): stop a replica, or another process using SLACK_APP_TOKEN"
	}
	return "too many connections (Slack allows 10 per app), or Socket Mode switched off in the app's settings"
}

// opened records whether apps.connections.open handed out a URL.
func (g *reconnectGate) setOpened(ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opened = ok
	g.helloAt, g.reason = time.Time{}, ""
}

// gatedTransport passes apps.connections.open through the gate. The
// client it serves has no timeout of its own, which would count the
// pause: timeout bounds each call once the gate lets it through.
type gatedTransport struct {
	gate    *reconnectGate
	next    http.RoundTripper
	timeout time.Duration
}

// gatedClient is client's transport and timeout with the gate in front.
func gatedClient(gate *reconnectGate, client *http.Client) *http.Client {
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	return &http.Client{Transport: gatedTransport{gate: gate, next: next, timeout: client.Timeout}, Jar: client.Jar,
		CheckRedirect: client.CheckRedirect}
}

func (t gatedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/apps.connections.open") {
		return t.next.RoundTrip(req)
	}
	if err := t.gate.wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if t.timeout > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
		defer cancel() // the body is read before RoundTrip returns
		req = req.WithContext(ctx)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.gate.setOpened(false)
		return resp, err
	}
	// The answer is small ({"ok":true,"url":...}); read it to know
	// whether a socket follows, and hand it on unchanged.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		t.gate.setOpened(false)
		return nil, err
	}
	var ok struct {
		OK bool `json:"ok"`
	}
	t.gate.setOpened(json.Unmarshal(body, &ok) == nil && ok.OK)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
