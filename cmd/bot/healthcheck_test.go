package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/ops"
)

// healthcheck runs `coachlog healthcheck` with the settings vars (and
// healthTimeout timeout, 0 for the command's own) as main would, and
// returns its exit status and all it printed, stdout then stderr.
func healthcheck(t *testing.T, getenv func(string) string, timeout time.Duration) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := runEnv(ctxT(t), []string{"healthcheck"}, env{getenv: getenv, stdout: &stdout, stderr: &stderr, now: time.Now, healthTimeout: timeout})
	code := 0
	if err != nil {
		code = finish(err, &stderr) // as main does
	}
	return code, stdout.String() + stderr.String()
}

// serveHealth serves h on 127.0.0.1 until the test ends and returns its
// address.
func serveHealth(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// `coachlog healthcheck` asks /healthz where COACHLOG_HTTP_ADDR says the
// bot listens, for a container's HEALTHCHECK (the image has no curl): 0
// on a 200, 1 on anything else, with one line saying what is wrong, and 2
// when it has no address to ask. The servers answering are ops.Handler
// itself, so the JSON read is the one /healthz writes.
func TestHealthcheckSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	healthy := ops.Handler(ops.Checks{Store: "sqlite"}, nil)
	port := func(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }
	// at serves h and gives it as COACHLOG_HTTP_ADDR, and the address asked.
	at := func(h http.Handler) func(*testing.T) (string, string) {
		return func(t *testing.T) (string, string) { a := serveHealth(t, h); return a, a }
	}
	for _, tt := range []struct {
		name string
		// addr returns COACHLOG_HTTP_ADDR and the address healthcheck
		// asks, which want names as {addr}.
		addr    func(*testing.T) (setting, asked string)
		vars    map[string]string // more settings
		timeout time.Duration
		code    int
		want    string
	}{
		{name: "200 is healthy", addr: at(healthy),
			code: 0, want: "healthy: http://{addr}/healthz answered 200 OK"},
		{name: "a 200's warnings are said", addr: at(ops.Handler(ops.Checks{LLMPaused: func() string { return "paused after 5 failures" }}, nil)),
			code: 0, want: "healthy: http://{addr}/healthz answered 200 OK; warnings: llm: paused after 5 failures"},
		{name: "503 names the problems", addr: at(ops.Handler(ops.Checks{
			Readable: func(context.Context) error { return errors.New("unable to open database file") },
			Stopped:  func() (bool, string) { return true, "token_revoked" },
		}, nil)),
			code: 1, want: "coachlog: unhealthy: http://{addr}/healthz answered 503 Service Unavailable: " +
				"database: does not answer reads | slack token: delivery stopped, Slack rejected the bot token (token_revoked)"},
		{name: "a 500 that is not /healthz's JSON", addr: at(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream\nbroke", http.StatusInternalServerError)
		})),
			code: 1, want: `coachlog: unhealthy: http://{addr}/healthz answered 500 Internal Server Error, which is not Coachlog's /healthz (another program on that port?): "upstream\nbroke"`},
		{name: "nothing listening", addr: func(t *testing.T) (string, string) { a := freePort(t); return a, a },
			code: 1, want: "coachlog: unhealthy: nothing answers at {addr} (COACHLOG_HTTP_ADDR={addr}): is the bot running, with this COACHLOG_HTTP_ADDR?"},
		{name: "no answer within the timeout", addr: func(t *testing.T) (string, string) {
			release := make(chan struct{})
			a := serveHealth(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(func() { close(release) }) // before the server's Close, which waits for the handler
			return a, a
		}, timeout: 100 * time.Millisecond,
			code: 1, want: "coachlog: unhealthy: http://{addr}/healthz did not answer within 100ms: the bot is wedged, or too busy to answer (/healthz answers within 2s)"},
		{name: "an address with no host is asked on 127.0.0.1", addr: func(t *testing.T) (string, string) {
			a := serveHealth(t, healthy)
			return ":" + port(a), "127.0.0.1:" + port(a)
		}, code: 0, want: "healthy: http://{addr}/healthz answered 200 OK"},
		{name: "0.0.0.0 is asked on 127.0.0.1", addr: func(t *testing.T) (string, string) {
			a := serveHealth(t, healthy)
			return "0.0.0.0:" + port(a), "127.0.0.1:" + port(a)
		}, code: 0, want: "healthy: http://{addr}/healthz answered 200 OK"},
		{name: "[::] is asked on [::1]", addr: func(t *testing.T) (string, string) {
			ln, err := net.Listen("tcp", "[::1]:0")
			if err != nil {
				t.Skipf("no IPv6 loopback here: %v", err)
			}
			srv := httptest.NewUnstartedServer(healthy)
			srv.Listener.Close()
			srv.Listener = ln
			srv.Start()
			t.Cleanup(srv.Close)
			return "[::]:" + port(ln.Addr().String()), ln.Addr().String()
		}, code: 0, want: "healthy: http://{addr}/healthz answered 200 OK"},
		{name: "tokens and the database are not read", addr: at(healthy),
			vars: map[string]string{"SLACK_APP_TOKEN": "xoxb-not-an-app-token", "SLACK_BOT_TOKEN": "xapp-not-a-bot-token", "COACHLOG_DB": "host=db dbname=coachlog"},
			code: 0, want: "healthy: http://{addr}/healthz answered 200 OK"},
		{name: "unset", addr: func(*testing.T) (string, string) { return "", "" },
			code: 2, want: "coachlog: healthcheck asks the bot's ops listener (GET /healthz), which COACHLOG_HTTP_ADDR turns on: " +
				"set it here as it is set for the bot, such as :8080"},
		{name: "port 0, which the bot chooses", addr: func(*testing.T) (string, string) { return "127.0.0.1:0", "" },
			code: 2, want: "coachlog: COACHLOG_HTTP_ADDR=127.0.0.1:0 has the bot listen on a port it chooses at each start, which healthcheck cannot know: " +
				"give the bot and healthcheck a fixed port, such as :8080"},
		{name: "an address serve refuses", addr: func(*testing.T) (string, string) { return ":99999", "" },
			code: 1, want: `coachlog: COACHLOG_HTTP_ADDR: ":99999" is not host:port with a port from 0 to 65535, such as :8080 or 127.0.0.1:8080`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			setting, asked := tt.addr(t)
			vars := map[string]string{"COACHLOG_HTTP_ADDR": setting}
			for k, v := range tt.vars {
				vars[k] = v
			}
			code, out := healthcheck(t, func(k string) string { return vars[k] }, tt.timeout)
			want := strings.ReplaceAll(tt.want, "{addr}", asked) + "\n"
			if code != tt.code || out != want {
				t.Errorf("exit %d, printed\n%q\nwant exit %d and\n%q", code, out, tt.code, want)
			}
		})
	}
}

// The line stays one line Docker keeps whole (it keeps 4,096 bytes of a
// check's output), whatever the server answered: its newlines are spaces
// and a long answer is cut.
func TestHealthcheckPrintsOneShortLine(t *testing.T) {
	t.Parallel()
	addr := serveHealth(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"ok":false,"problems":["two\nlines","` + strings.Repeat("é", 3000) + `"]}`))
	}))
	code, out := healthcheck(t, func(k string) string { return map[string]string{"COACHLOG_HTTP_ADDR": addr}[k] }, 0)
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "two lines | éé") ||
		!strings.HasSuffix(out, "é…\n") || len(out) > len("coachlog: ")+healthLineMax+1 {
		t.Errorf("exit %d, printed %d bytes:\n%q\nwant exit 1 and one line of at most %d bytes, cut with …", code, len(out), out, healthLineMax)
	}
}

// The image's HEALTHCHECK against the real bot: green while it runs, with
// the bot's own environment (tokens, database) as a container has it, and
// red once it has stopped.
func TestHealthcheckAsksTheRunningBot(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t))
	code, out := healthcheck(t, b.getenv, 0)
	if want := "healthy: http://" + b.httpAddr() + "/healthz answered 200 OK\n"; code != 0 || out != want {
		t.Fatalf("healthcheck of the running bot: exit %d, printed %q; want exit 0 and %q", code, out, want)
	}
	b.stop()
	eventually(t, "healthcheck to find the stopped bot gone", func() bool {
		code, out = healthcheck(t, b.getenv, 0)
		return code == 1 && strings.Contains(out, "nothing answers at "+b.httpAddr())
	})
}
