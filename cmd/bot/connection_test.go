package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// hotLoop is how many apps.connections.open calls, while Slack keeps
// closing every socket at once, prove the bot reconnects without pause:
// paced, it makes a handful in the seconds these tests wait.
const hotLoop = 20

// freeOpens raises apps.connections.open's allowance for the tests of how
// the bot paces sockets Slack refuses, which make more calls in seconds
// than Tier 1 gives in minutes (3 at once, then one a minute): slack-go
// would wait each 429's Retry-After on the wall clock, past these tests'
// 10 s. It leaves room for the ten sockets a test opens itself and more
// than hotLoop calls besides, so a bot that spins still shows as one.
// How the bot copes with Tier 1 itself is
// TestARateLimitedReconnectWaitsRetryAfterAndIsSaidOnce.
var freeOpens = fakeslack.WithMethodRateLimit("apps.connections.open", time.Minute, fakeslack.MaxConnections+2*hotLoop)

// waitBackoff waits until the bot logs that it is holding off
// reconnecting for the attempt-th time in a row, failing at once if it
// spins on apps.connections.open meanwhile.
func waitBackoff(t *testing.T, fake *fakeslack.Server, logs *syncBuffer, before, attempt int) {
	t.Helper()
	want := "attempt=" + strconv.Itoa(attempt)
	eventually(t, "a paced reconnect ("+want+")", func() bool {
		if n := len(fake.CallsTo("apps.connections.open")) - before; n > hotLoop {
			t.Fatalf("%d calls to apps.connections.open while Slack refused every socket: the bot reconnects without pause\nlogs:\n%s",
				n, tail(logs.String(), 3000))
		}
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, "holding off") && strings.Contains(line, want) {
				return true
			}
		}
		return false
	})
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Socket Mode switched off in the app's settings: Slack says
// link_disabled on every socket. The bot keeps trying, paced, says so
// in its log (never with a token), and is back as soon as it is
// switched on again.
func TestLinkDisabledIsRetriedPacedNotHot(t *testing.T) {
	t.Parallel()
	b := startBotWith(t, clockFrom(midweek), []fakeslack.Option{freeOpens})
	b.quickLog(rep, 1)
	before := len(b.fake.CallsTo("apps.connections.open"))
	b.fake.SetLinkDisabled(true)
	waitBackoff(t, b.fake, b.logs, before, 3)
	if n := len(b.fake.CallsTo("apps.connections.open")) - before; n > 5 {
		t.Errorf("%d calls to apps.connections.open before the third pause, want at most 5", n)
	}

	n := b.fake.Connections()
	b.fake.SetLinkDisabled(false)
	b.waitConnected(n + 1)
	b.quickLog(rep, 2)
	for _, secret := range []string{b.fake.AppToken(), b.fake.BotToken()} {
		if strings.Contains(b.logs.String(), secret) {
			t.Errorf("a token is in the log")
		}
	}
}

// An eleventh socket is refused (too_many_websockets, without a hello):
// a replica too many keeps trying, paced, and connects once a socket is
// free.
func TestTooManyWebsocketsIsRetriedPacedNotHot(t *testing.T) {
	t.Parallel()
	fake := startFake(t, fakeslack.WithPingInterval(time.Second), freeOpens)
	ctx := ctxT(t)
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	var others []*websocket.Conn
	for range fakeslack.MaxConnections {
		_, url, err := api.StartSocketModeContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		go func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
		others = append(others, ws)
	}
	if err := fake.WaitActive(ctx, fakeslack.MaxConnections); err != nil {
		t.Fatal(err)
	}
	hellos := fake.Connections()
	before := len(fake.CallsTo("apps.connections.open"))

	b := &bot{t: t, fake: fake, db: filepath.Join(t.TempDir(), "coachlog.db"), logs: &syncBuffer{}, now: time.Now}
	b.env = map[string]string{
		"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DB": b.db, "COACHLOG_LOG_LEVEL": "debug",
	}
	runCtx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan error, 1)
	go func() {
		b.done <- runEnv(runCtx, []string{"serve"}, env{getenv: b.getenv, stdout: b.logs, stderr: b.logs, now: b.now})
	}()
	t.Cleanup(b.stop)
	waitBackoff(t, fake, b.logs, before, 2)

	others[0].Close()
	b.waitConnected(hellos + 1)
}

// An app token Slack refuses stops the start with one line naming
// SLACK_APP_TOKEN and Slack's code, and neither token.
func TestARefusedAppTokenStopsTheStartWithOneLine(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	var logs syncBuffer
	e := map[string]string{"SLACK_APP_TOKEN": "xapp-1-wrong-secret", "SLACK_BOT_TOKEN": fake.BotToken(),
		"SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": filepath.Join(t.TempDir(), "coachlog.db")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := runEnv(ctx, []string{"serve"}, env{getenv: func(k string) string { return e[k] }, stdout: &logs, stderr: &logs, now: time.Now})
	if err == nil || !strings.HasPrefix(err.Error(), "SLACK_APP_TOKEN:") || !strings.Contains(err.Error(), "invalid_auth") ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line naming SLACK_APP_TOKEN and invalid_auth", err)
	}
	for _, secret := range []string{e["SLACK_APP_TOKEN"], fake.BotToken()} {
		if strings.Contains(err.Error()+logs.String(), secret) {
			t.Errorf("a token is in the error or the log:\n%v\n%s", err, logs.String())
		}
	}
}

// apps.connections.open failing at start (a 500, then a 429 with
// Retry-After) is retried, each failure logged with its cause, and the
// bot connects.
func TestAFailingConnectionsOpenIsRetriedAtStart(t *testing.T) {
	t.Parallel()
	fake := startFake(t, fakeslack.WithPingInterval(time.Second))
	fake.FailNext("apps.connections.open", 1, fakeslack.Fault{Status: 500})
	fake.FailNext("apps.connections.open", 1, fakeslack.Fault{Status: 429, RetryAfter: 1})
	b := &bot{t: t, fake: fake, db: filepath.Join(t.TempDir(), "coachlog.db"), logs: &syncBuffer{}, now: time.Now}
	b.env = map[string]string{
		"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DB": b.db,
	}
	b.start()
	t.Cleanup(b.stop)
	logs := b.logs.String()
	for _, want := range []string{"Slack connection failed; retrying", "500", "Slack is rate-limiting apps.connections.open", "retry_after=1s"} {
		if !strings.Contains(logs, want) {
			t.Errorf("no retry logged with %q:\n%s", want, logs)
		}
	}
	if n := len(fake.CallsTo("apps.connections.open")); n != 3 {
		t.Errorf("%d calls to apps.connections.open, want 3", n)
	}
}

// apps.connections.open is Tier 1: about one call a minute for the app,
// its replicas together. With that allowance spent by the others, a
// socket the bot lost is reopened only as Slack allows: each 429 is
// waited out for its Retry-After (slack-go's doing: see rateLimited in
// internal/slackbot/bot.go), the bot keeps running, says so in one line
// however many 429s come, without a token, and connects once Slack lets
// it. slack-go waits on the wall clock, so this test spends about 4 s.
func TestARateLimitedReconnectWaitsRetryAfterAndIsSaidOnce(t *testing.T) {
	t.Parallel()
	// Slack's clock stands still while the bot waits, as if the app's
	// other replicas took each call Slack allowed: every try is refused
	// until the test moves it on. The bot runs on the wall clock, as
	// slack-go's wait does.
	var slackNow atomic.Int64
	slackNow.Store(midweek.UnixNano())
	fake := startFake(t, fakeslack.WithPingInterval(time.Second),
		fakeslack.WithClock(func() time.Time { return time.Unix(0, slackNow.Load()).UTC() }))
	b := &bot{t: t, fake: fake, db: filepath.Join(t.TempDir(), "coachlog.db"), logs: &syncBuffer{}, now: time.Now}
	b.env = map[string]string{
		"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DB": b.db, "COACHLOG_LOG_LEVEL": "debug",
	}
	t.Cleanup(b.stop)
	b.start()

	// Two other replicas ask for a socket each: with the bot's, Tier 1's
	// burst of three is spent, and the next call is a minute on.
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	for range 2 {
		if _, _, err := api.StartSocketModeContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	// 1.5 s short of it, each 429 says Retry-After: 2.
	const retryAfter = 2 * time.Second
	slackNow.Add(int64(time.Minute - 1500*time.Millisecond))
	before := len(fake.CallsTo("apps.connections.open"))
	mark := len(b.logs.String())
	n := fake.Connections()
	fake.DropConnection()

	// call waits for the bot's k-th apps.connections.open since the drop,
	// and says when it came on the wall clock.
	call := func(k int) (fakeslack.Call, time.Time) {
		t.Helper()
		var c fakeslack.Call
		eventually(t, fmt.Sprintf("apps.connections.open #%d since the drop", k), func() bool {
			calls := fake.CallsTo("apps.connections.open")
			if len(calls) < before+k {
				return false
			}
			c = calls[before+k-1]
			return true
		})
		return c, time.Now()
	}
	// A try slack-go made at once, or after its own backoff (100 ms,
	// then 200 ms), would come well inside Retry-After; the margin is
	// for the polling that sees each call.
	const margin = 300 * time.Millisecond
	first, at := call(1)
	if first.Status != http.StatusTooManyRequests {
		t.Fatalf("the reconnect after the drop was answered %d %q, want 429: the fake let the bot past Tier 1", first.Status, first.Error)
	}
	second, at2 := call(2)
	if second.Status != http.StatusTooManyRequests {
		t.Fatalf("the second try was answered %d, want 429 (Slack's clock stood still)", second.Status)
	}
	if gap := at2.Sub(at); gap < retryAfter-margin {
		t.Errorf("the bot asked again %v after a 429 with Retry-After %v", gap, retryAfter)
	}
	slackNow.Add(int64(1500 * time.Millisecond)) // Slack allows the next call
	third, at3 := call(3)
	if third.Status != http.StatusOK || third.Error != "" {
		t.Errorf("the try after Slack's clock moved on was answered %d %q, want a socket", third.Status, third.Error)
	}
	if gap := at3.Sub(at2); gap < retryAfter-margin {
		t.Errorf("the bot asked again %v after a 429 with Retry-After %v", gap, retryAfter)
	}
	b.waitConnected(n + 1)

	logs := b.logs.String()[mark:]
	var said []string
	for _, l := range strings.Split(logs, "\n") {
		if (strings.Contains(l, "rate limit") || strings.Contains(l, "rate-limit")) && !strings.Contains(l, "level=DEBUG") {
			said = append(said, l)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0], "level=WARN") || !strings.Contains(said[0], "Slack is rate-limiting apps.connections.open") ||
		!strings.Contains(said[0], "retry_after=2s") || !strings.Contains(said[0], "SLACK_APP_TOKEN") {
		t.Errorf("two 429s logged %q, want one WARN line with Retry-After and what to check", said)
	}
	if strings.Contains(logs, "Slack connection failed") {
		t.Errorf("a 429 was logged as a failed connection too:\n%s", logs)
	}
	for _, secret := range []string{fake.AppToken(), fake.BotToken()} {
		if strings.Contains(b.logs.String(), secret) {
			t.Errorf("a token is in the log")
		}
	}
}

// A socket cut in the middle of a frame is replaced, and the next
// command is served once.
func TestASocketCutMidFrameIsReplaced(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.quickLog(rep, 1)
	n := b.fake.Connections()
	b.fake.DropConnectionMidFrame()
	b.waitConnected(n + 1)
	b.quickLog(rep, 2)
	if rows := b.export(); len(rows) != 2 {
		t.Fatalf("stored %d sessions, want 2", len(rows))
	}
}

// Interactions the bot does not serve (a modal closed, an external
// select asking for options, shortcuts it does not have) are
// acknowledged at once, logged with their type, and change nothing.
func TestInteractionsTheBotDoesNotServeAreAckedAndLogged(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	user := map[string]any{"id": mgr, "username": "max", "name": "max", "team_id": fakeslack.DefaultTeamID}
	team := map[string]any{"id": fakeslack.DefaultTeamID, "domain": fakeslack.DefaultTeamDomain}
	payloads := []map[string]any{
		{"type": "view_closed", "team": team, "user": user, "api_app_id": fakeslack.DefaultAppID, "is_cleared": false,
			"view": map[string]any{"id": "V0GONE", "type": "modal", "callback_id": "log_coaching", "blocks": []any{}}},
		{"type": "block_suggestion", "team": team, "user": user, "api_app_id": fakeslack.DefaultAppID,
			"action_id": "reps_search", "block_id": "reps", "value": "sa",
			"view": map[string]any{"id": "V0OPEN", "type": "modal", "callback_id": "log_coaching", "blocks": []any{}}},
		{"type": "shortcut", "team": team, "user": user, "api_app_id": fakeslack.DefaultAppID, "trigger_id": "1.2.3"},
		{"type": "shortcut", "team": team, "user": user, "api_app_id": fakeslack.DefaultAppID, "trigger_id": "1.2.4",
			"callback_id": "something_else"},
		{"type": "message_action", "team": team, "user": user, "api_app_id": fakeslack.DefaultAppID, "trigger_id": "1.2.5",
			"callback_id": "something_else", "channel": map[string]any{"id": "C0SALES"},
			"message": map[string]any{"type": "message", "text": "hi", "ts": "1700000000.000100", "user": rep}},
	}
	for _, p := range payloads {
		id, err := b.fake.Send(ctx, "interactive", p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := b.fake.AwaitAck(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// "At once" is well inside Slack's 3 s: the ack waits only for the
		// envelope's claim, a write, which a busy machine can slow.
		if a.Payload != nil || a.Latency() > 2*time.Second {
			t.Errorf("%s acked with %s after %v, want an empty ack at once", p["type"], a.Payload, a.Latency())
		}
	}
	for _, typ := range []string{"view_closed", "block_suggestion", "shortcut", "message_action"} {
		eventually(t, "a log line for "+typ, func() bool {
			for _, line := range strings.Split(b.logs.String(), "\n") {
				if strings.Contains(line, "interaction the bot does not serve") && strings.Contains(line, "interaction_type="+typ) {
					return true
				}
			}
			return false
		})
	}
	if n := len(b.fake.CallsTo("views.open")); n != 0 {
		t.Errorf("%d views opened for interactions the bot does not serve", n)
	}
	b.quickLog(rep, 1)
}

// A frame that is not JSON is logged with what was wrong with it (never
// its text), and the socket keeps serving.
func TestAFrameThatIsNotJSONIsLoggedWithItsCause(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	n := b.fake.Connections()
	if err := b.fake.SendRaw(ctxT(t), []byte(`not json, secret note text`)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the frame logged with its cause", func() bool {
		for _, line := range strings.Split(b.logs.String(), "\n") {
			if strings.Contains(line, "Socket Mode transport error") && strings.Contains(line, "frame is not JSON") {
				return true
			}
		}
		return false
	})
	if strings.Contains(b.logs.String(), "secret note text") {
		t.Errorf("the frame's text is in the log:\n%s", b.logs)
	}
	b.quickLog(rep, 1)
	if b.fake.Connections() != n {
		t.Errorf("a frame that is not JSON cost the socket")
	}
}

// A SLACK_API_URL where nothing answers Slack's Web API (a proxy path
// mistyped: 404) stops the start naming SLACK_API_URL, not the token:
// at auth.test, or at apps.connections.open (which slack-go takes as
// final) when only that path is missing.
func TestAWrongAPIURLStopsTheStartNamingIt(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		path   string
		socket bool // only apps.connections.open answers 404
	}{
		{"no API there", "/slack/", false},
		{"no socket method there", "/api/", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := startFake(t)
			if tt.socket {
				fake.FailNext("apps.connections.open", 1, fakeslack.Fault{Status: 404})
			}
			var logs syncBuffer
			e := map[string]string{"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(),
				"SLACK_API_URL": fake.URL() + tt.path, "COACHLOG_DB": filepath.Join(t.TempDir(), "coachlog.db")}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := runEnv(ctx, []string{"serve"}, env{getenv: func(k string) string { return e[k] }, stdout: &logs, stderr: &logs, now: time.Now})
			if err == nil || !strings.HasPrefix(err.Error(), "SLACK_API_URL:") || !strings.Contains(err.Error(), "404") ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line naming SLACK_API_URL and the 404", err)
			}
			if strings.Contains(logs.String(), "refused the app token") {
				t.Errorf("the log blames the app token:\n%s", logs.String())
			}
		})
	}
}

// promCounter reads an unlabelled counter off the bot's /metrics.
func promCounter(t *testing.T, addr, name string) int {
	t.Helper()
	_, text := get(t, "http://"+addr+"/metrics")
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s = %q", name, v)
			}
			return n
		}
	}
	t.Fatalf("/metrics lacks %s", name)
	return 0
}

// coachlog_socket_reconnects_total counts what an operator alerts on:
// connections Slack greeted after one was lost. Sockets Slack refuses
// (Socket Mode switched off) are attempts, counted apart, however many
// the bot opens.
func TestReconnectsCountGreetedSocketsAndAttemptsEveryTry(t *testing.T) {
	t.Parallel()
	b := startBotWith(t, clockFrom(midweek), []fakeslack.Option{freeOpens}, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	counts := func() (attempts, reconnects int) {
		return promCounter(t, addr, "coachlog_socket_connect_attempts_total"), promCounter(t, addr, "coachlog_socket_reconnects_total")
	}
	if a, r := counts(); a != 1 || r != 0 {
		t.Fatalf("after the first connection: %d attempts, %d reconnects; want 1 and 0", a, r)
	}

	b.fake.DropConnection()
	b.waitConnected(2)
	eventually(t, "the reconnection counted", func() bool { _, r := counts(); return r >= 1 })
	if a, r := counts(); a != 2 || r != 1 {
		t.Fatalf("after a dropped socket: %d attempts, %d reconnects; want 2 and 1", a, r)
	}

	b.fake.SetLinkDisabled(true)
	eventually(t, "sockets refused", func() bool { return b.fake.RefusedConnections() >= 2 })
	b.fake.SetLinkDisabled(false)
	b.waitConnected(3)
	eventually(t, "the reconnection counted", func() bool { _, r := counts(); return r >= 2 })
	a, r := counts()
	if r != 2 {
		t.Errorf("after %d refused sockets and Slack's hello: %d reconnects, want 2", b.fake.RefusedConnections(), r)
	}
	if want := len(b.fake.CallsTo("apps.connections.open")); a != want || a < 5 {
		t.Errorf("%d attempts counted, want one per apps.connections.open (%d), at least 5", a, want)
	}
}

// The commands that use the bot token say what serve says when Slack
// refuses it, or when nothing answers at SLACK_API_URL: one line naming
// the variable. roster import said "list Slack members to check the
// roster: users.list: auth.test, to learn the app's workspace:
// invalid_auth"; digest and nudge queued their messages first and left
// them undelivered.
func TestCommandsUsingTheBotTokenNameItWhenSlackRefusesIt(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	o := newMetricsOrg(t) // a roster and a week of coaching, imported without a token
	for _, tc := range []struct {
		name, token, apiPath, want string
	}{
		{"refused token", "xoxb-wrong-secret", "/api/", "SLACK_BOT_TOKEN: Slack refused it: invalid_auth"},
		{"no API there", fake.BotToken(), "/slack/", "SLACK_API_URL:"},
	} {
		vars := map[string]string{"SLACK_BOT_TOKEN": tc.token, "SLACK_API_URL": fake.URL() + tc.apiPath}
		maps.Copy(vars, o.vars)
		for _, args := range [][]string{
			{"roster", "import", filepath.Join(o.dir, "team.csv")},
			{"nudge"},
			{"digest", "--channel", "C0LEADS"},
		} {
			out, err := cliAt(t, tuesday, vars, args...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s, %s: err = %v; want one line starting %q\n%s", tc.name, args[0], err, tc.want, out)
			}
			if strings.Contains(fmt.Sprint(err)+out, "xoxb-wrong-secret") {
				t.Errorf("%s, %s: the token is shown", tc.name, args[0])
			}
		}
	}
	if n := len(fake.CallsTo("chat.postMessage")) + len(fake.CallsTo("users.list")); n != 0 {
		t.Errorf("%d calls to Slack past auth.test", n)
	}
}

// When Slack cannot be reached at start, the token goes unchecked and the
// command goes on; the log says so and why, never the token. It said
// nothing, and an operator whose egress was blocked learnt it late.
func TestAnUncheckedBotTokenIsLoggedWithTheReason(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	vars := map[string]string{"SLACK_BOT_TOKEN": "xoxb-unchecked-secret", "SLACK_API_URL": "http://proxyuser:proxypw@127.0.0.1:1/api/"}
	maps.Copy(vars, o.vars)
	// The import goes on to read Slack's member list, which fails too.
	out, err := cliAt(t, tuesday, vars, "roster", "import", filepath.Join(o.dir, "team.csv"))
	if err == nil {
		t.Fatalf("roster import without Slack worked:\n%s", out)
	}
	if !strings.Contains(out, "SLACK_BOT_TOKEN not checked") || !strings.Contains(out, "connection refused") || !strings.Contains(out, "level=WARN") {
		t.Errorf("no warning saying the token went unchecked and why:\n%s", out)
	}
	for _, secret := range []string{"xoxb-unchecked-secret", "proxypw"} {
		if strings.Contains(out+err.Error(), secret) {
			t.Errorf("the output shows %q:\n%s", secret, out)
		}
	}
}

// An answer to auth.test that cannot be Slack's (a web page, a proxy's
// 403) stops the start naming SLACK_API_URL: it said "Slack could not be
// reached" and the bot retried for ever. A 5xx may be Slack's own and
// passing: the token goes unchecked and the start goes on, saying Slack
// answered with an error rather than that it was out of reach. Slack's own
// unknown_method (a path under /api/ it has no method at) is the URL's
// fault too: it read "SLACK_BOT_TOKEN: Slack refused it: unknown_method".
func TestAnAnswerThatIsNotSlacksStopsTheStartNamingTheURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		status  int
		body    string
		wantErr string // "": the start goes on
		wantLog string
	}{
		{"a web page", http.StatusOK, "<!doctype html><html>Welcome</html>", "SLACK_API_URL: no Slack Web API there: auth.test answered with something other than Slack's JSON", ""},
		{"a proxy refusing", http.StatusForbidden, "blocked", "SLACK_API_URL: no Slack Web API there: auth.test answered 403 Forbidden", ""},
		{"a mistyped path", http.StatusNotFound, "", "SLACK_API_URL: no Slack Web API there: auth.test answered 404 Not Found", ""},
		{"a path Slack has no method at", http.StatusOK, `{"ok":false,"error":"unknown_method","req_method":"nope/auth.test"}`, "SLACK_API_URL: Slack has no auth.test there (unknown_method)", ""},
		{"Slack failing", http.StatusServiceUnavailable, "<html>down</html>", "", "SLACK_BOT_TOKEN not checked: Slack answered with an error"},
		{"Slack asking to wait", http.StatusTooManyRequests, "", "", "SLACK_BOT_TOKEN not checked: Slack answered with an error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "30")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			var logs syncBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			_, err := checkBotToken(context.Background(), config{BotToken: "xoxb-secret-token", APIURL: srv.URL + "/api/"}, log)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs.String())
			}
			if strings.Contains(fmt.Sprint(err)+logs.String(), "xoxb-secret-token") {
				t.Errorf("the token is shown")
			}
		})
	}
}

// Slack's disconnect says why it closes a socket, and the log says it,
// at the level it calls for: a refresh or Slack's warning ahead of one is
// routine (Info); too many connections is a Warn; Socket Mode switched
// off in the app's settings is an Error saying to switch it on, once
// however many sockets Slack refuses so, and the pauses between them say
// that, not both likely causes.
func TestDisconnectReasonsAreSaidWithWhatToDo(t *testing.T) {
	t.Parallel()
	b := startBotWith(t, clockFrom(midweek), []fakeslack.Option{freeOpens})
	lines := func(from int, substr string) []string {
		var out []string
		for _, l := range strings.Split(b.logs.String()[from:], "\n") {
			if strings.Contains(l, substr) {
				out = append(out, l)
			}
		}
		return out
	}
	for i, tc := range []struct{ reason, level, says string }{
		{"refresh_requested", "INFO", "replacing the Socket Mode connection"},
		{"warning", "INFO", "will close the Socket Mode connection"},
		{"too_many_websockets", "WARN", "too many open (Slack allows 10 per app)"},
	} {
		mark := len(b.logs.String())
		if err := b.fake.SendDisconnect(tc.reason); err != nil {
			t.Fatal(err)
		}
		b.waitConnected(i + 2)
		got := lines(mark, "reason="+tc.reason)
		if len(got) != 1 || !strings.Contains(got[0], "level="+tc.level) || !strings.Contains(got[0], tc.says) {
			t.Errorf("disconnect %s logged %q, want one %s line saying %q", tc.reason, got, tc.level, tc.says)
		}
	}

	mark := len(b.logs.String())
	before := len(b.fake.CallsTo("apps.connections.open"))
	n := b.fake.Connections()
	b.fake.SetLinkDisabled(true)
	eventually(t, "two paced reconnects", func() bool {
		if n := len(b.fake.CallsTo("apps.connections.open")) - before; n > hotLoop {
			t.Fatalf("%d calls to apps.connections.open while Slack refused every socket", n)
		}
		return len(lines(mark, "holding off")) >= 2
	})
	var said []string
	for _, l := range lines(mark, "Socket Mode was switched off for the app") {
		if !strings.Contains(l, "level=DEBUG") {
			said = append(said, l)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0], "level=ERROR") || !strings.Contains(said[0], "reason=link_disabled") {
		t.Errorf("link_disabled on %d sockets logged %q, want one ERROR line", b.fake.RefusedConnections()+1, said)
	}
	for _, l := range lines(mark, "holding off") {
		if !strings.Contains(l, "reason=link_disabled") || !strings.Contains(l, "switch it on") || strings.Contains(l, "too many") {
			t.Errorf("a pause says %q, want it to name link_disabled and say to switch Socket Mode on", l)
		}
	}
	b.fake.SetLinkDisabled(false)
	b.waitConnected(n + 1)
}

// A misspelt setting is read by no one and leaves its default in force:
// the start names it, once, with the setting it is nearest, but starts.
// The tests' own variables are not named, nor other tools' prefixes.
// With no digest channel, the start says the digest is off.
func TestTheStartNamesMisspeltSettings(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_DIGEST_CHANEL", "C0DIGEST", "COACHLOG_TIMEZON", "Europe/Paris", "COACHLOG_WEBHOOK", "x",
		"COACHLOG_TEST_POSTGRES", "postgres://", "COACHLOG_CRASH_DB", "x", "SLACK_SIGNING_SECRET", "s3cret", "OPENAI_ORG_ID", "org")
	logs := b.logs.String()
	for _, want := range []string{
		"COACHLOG_DIGEST_CHANEL is not a Coachlog setting and is ignored; did you mean COACHLOG_DIGEST_CHANNEL?",
		"COACHLOG_TIMEZON is not a Coachlog setting and is ignored; did you mean COACHLOG_TIMEZONE?",
		"COACHLOG_WEBHOOK is not a Coachlog setting and is ignored",
		"weekly digest off: no COACHLOG_DIGEST_CHANNEL",
	} {
		if n := strings.Count(logs, want); n != 1 {
			t.Errorf("the start says %q %d times; want once:\n%s", want, n, logs)
		}
	}
	for _, quiet := range []string{"COACHLOG_TEST_POSTGRES", "COACHLOG_CRASH_DB", "SLACK_SIGNING_SECRET", "OPENAI_ORG_ID", "s3cret", "C0DIGEST"} {
		if strings.Contains(logs, quiet) {
			t.Errorf("the start names %s:\n%s", quiet, logs)
		}
	}
}

// Every COACHLOG_ variable the project's code and scripts read or set
// (os.Getenv("…"), "…=" in a child's environment, $… or …= in a script)
// is a setting or one of notSettings: a test or benchmark variable added
// without it would be warned about at every start that has it set.
func TestEveryCOACHLOGVariableOfTheProjectIsKnown(t *testing.T) {
	t.Parallel()
	known := settingNames()
	re := regexp.MustCompile(`Getenv\("(COACHLOG_\w+)"|Env = "(COACHLOG_\w+)"|"(COACHLOG_\w+)=|\$\{?(COACHLOG_\w+)|^\s*(?:export\s+)?(COACHLOG_\w+)=`)
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".go") && !strings.Contains(path, "scripts/") && !strings.Contains(path, ".ci/") ||
			strings.HasSuffix(path, "internal/envvar/envvar_test.go") { // misspells on purpose
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			name := strings.Join(m[1:], "")
			if !slices.Contains(known, name) && !slices.Contains(notSettings, name) && !strings.HasPrefix(name, "COACHLOG_TEST_") {
				t.Errorf("%s names %s, neither a setting nor in notSettings", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
