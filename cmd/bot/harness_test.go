package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// syncBuffer collects a command's output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// bot is the real coachlog serve, wired to a fake Slack on 127.0.0.1 and a
// database file in a temp dir.
type bot struct {
	t      *testing.T
	fake   *fakeslack.Server
	db     string
	env    map[string]string
	logs   *syncBuffer
	now    func() time.Time // the bot's clock, shared with the fake
	cancel context.CancelFunc
	done   chan error
	tune   func(*env) // when set, adjusts serve's env at each start (signals, the stop budget)
}

// The people of the test workspace.
const (
	mgr   = "U0MGR"
	rep   = "U0REP"
	rep2  = "U0REPTWO"
	other = "U0OTHER"
)

// manifestScopes are the bot scopes manifest.yml grants: the fake gives the
// bot exactly those, so a method the manifest does not allow fails here as
// it would in Slack.
func manifestScopes(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	scopes, err := fakeslack.ManifestBotScopes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return scopes
}

// startFake starts a fake Slack that grants the bot exactly the
// manifest's scopes, with opts, and closes it when the test ends.
func startFake(t *testing.T, opts ...fakeslack.Option) *fakeslack.Server {
	t.Helper()
	fake := fakeslack.New(append(opts, fakeslack.WithScopes(manifestScopes(t)...))...)
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	return fake
}

// addUTCUsers adds people the fake knows only by id, in UTC.
func addUTCUsers(fake *fakeslack.Server, ids ...string) {
	for _, id := range ids {
		fake.AddUser(fakeslack.User{ID: id, Name: strings.ToLower(id), TZ: "UTC"})
	}
}

func startBot(t *testing.T, extraEnv ...string) *bot {
	t.Helper()
	return startBotAt(t, clockFrom(midweek), extraEnv...)
}

// midweek is when startBot's bots run: a Wednesday afternoon in UTC, that
// same Wednesday for the people of the tests (New York's morning after the
// nudge hour, Paris's evening, Kolkata's night), so no test depends on
// the hour CI happens to run at. Tests about the edges of days and weeks
// pin their own clock (startBotAt).
var midweek = time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)

// startBotAt is startBot with the bot and the fake Slack on the clock now.
func startBotAt(t *testing.T, now func() time.Time, extraEnv ...string) *bot {
	t.Helper()
	return startBotWith(t, now, nil, extraEnv...)
}

// startBotWith is startBotAt with a fake Slack set up by opts too.
func startBotWith(t *testing.T, now func() time.Time, opts []fakeslack.Option, extraEnv ...string) *bot {
	t.Helper()
	return startBotOn(t, now, opts, true, extraEnv...)
}

// startBotNew is startBot on no database file, which the start creates and
// migrates: for the tests of what a start says and does then. startBot's
// bots start on a copy of a migrated one (sqlitetest.Migrated), as the
// migrations were a sixth of this package's test CPU.
func startBotNew(t *testing.T, extraEnv ...string) *bot {
	t.Helper()
	return startBotOn(t, clockFrom(midweek), nil, false, extraEnv...)
}

// startBotOn is startBotWith, on a copy of a migrated database when
// migrated is set and COACHLOG_DB is the harness's own file (a test that
// names its own database, or a PostgreSQL one, gets it as it made it).
func startBotOn(t *testing.T, now func() time.Time, opts []fakeslack.Option, migrated bool, extraEnv ...string) *bot {
	t.Helper()
	fake := startFake(t, append(opts, fakeslack.WithPingInterval(time.Second), fakeslack.WithClock(now))...)
	for _, u := range []fakeslack.User{
		{ID: mgr, Name: "max", RealName: "Max Manager", Email: "max@acme.test", TZ: "America/New_York"},
		{ID: rep, Name: "sam", RealName: "Sam Rep", Email: "sam@acme.test", TZ: "Europe/Paris"},
		{ID: rep2, Name: "ria", RealName: "Ria Rep", Email: "ria@acme.test", TZ: "Asia/Kolkata"},
		{ID: other, Name: "olly", RealName: "Olly Other", Email: "olly@acme.test", TZ: "UTC"},
	} {
		fake.AddUser(u)
	}
	b := &bot{t: t, fake: fake, db: filepath.Join(t.TempDir(), "coachlog.db"), logs: &syncBuffer{}, now: now}
	b.env = map[string]string{
		"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DB": b.db, "COACHLOG_LOG_LEVEL": "debug",
	}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		b.env[extraEnv[i]] = extraEnv[i+1]
	}
	if migrated && b.env["COACHLOG_DB"] == b.db {
		sqlitetest.Migrated(t, b.db)
	}
	// Stopped when the test ends even if it never connected: a bot left
	// running after a failed start goes on reconnecting to a closed fake
	// and takes the CPU the tests still running need.
	t.Cleanup(b.stop)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the bot's log:\n%s", b.logs)
		}
	})
	b.start()
	return b
}

func (b *bot) getenv(k string) string { return b.env[k] }

// environ is the bot's environment as os.Environ gives it.
func (b *bot) environ() []string {
	var out []string
	for k, v := range b.env {
		out = append(out, k+"="+v)
	}
	return out
}

func (b *bot) start() {
	b.t.Helper()
	for range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		b.cancel, b.done = cancel, make(chan error, 1)
		n := b.fake.Connections()
		passes := make(chan (<-chan struct{}), 1)
		e := env{getenv: b.getenv, environ: b.environ, stdout: b.logs, stderr: b.logs, now: b.now,
			firstPass: func(done <-chan struct{}) { passes <- done }}
		if b.tune != nil {
			b.tune(&e)
		}
		exited := make(chan error, 1)
		go func() {
			err := runEnv(ctx, []string{"serve"}, e)
			exited <- err
			b.done <- err
		}()
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
		connected := make(chan error, 1)
		go func() { connected <- b.fake.WaitConnected(wctx, n+1) }()
		select {
		case err := <-connected:
			wcancel()
			if err != nil {
				b.t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, b.logs)
			}
			b.waitFirstPass(passes, exited)
			return
		case err := <-exited:
			wcancel()
			<-connected
			// freePort's port, free when it looked, was taken by another
			// test process before the bot listened on it: another port.
			if addr := b.env["COACHLOG_HTTP_ADDR"]; addr != "" && err != nil && strings.Contains(err.Error(), "address already in use") {
				<-b.done
				cancel()
				b.env["COACHLOG_HTTP_ADDR"] = freePort(b.t)
				continue
			}
			b.t.Fatalf("the bot exited while starting: %v\nlogs:\n%s", err, b.logs)
		}
	}
	b.t.Fatalf("the bot found its ops port taken three times in a row")
}

// waitFirstPass waits for the scheduler's pass at start (the nudges,
// reminders and any digest due) to finish: it runs beside the connection,
// and a test acting as soon as the bot connects would race it (a roster
// imported meanwhile is read by that pass, or not, by luck).
func (b *bot) waitFirstPass(passes <-chan (<-chan struct{}), exited <-chan error) {
	b.t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	var done <-chan struct{} // nil, never ready, until serve hands it over
	for {
		select {
		case done = <-passes:
			passes = nil
		case <-done:
			return
		case err := <-exited:
			b.t.Fatalf("the bot exited before its first scheduler pass finished: %v\nlogs:\n%s", err, b.logs)
		case <-deadline.C:
			b.t.Fatalf("the bot's first scheduler pass did not finish within 30s\nlogs:\n%s", b.logs)
		}
	}
}

// httpAddr is where the bot serves /healthz and /metrics: the
// COACHLOG_HTTP_ADDR it was started with, or the one start moved it to.
func (b *bot) httpAddr() string { return b.env["COACHLOG_HTTP_ADDR"] }

func (b *bot) waitConnected(n int) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.fake.WaitConnected(ctx, n); err != nil {
		b.t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, b.logs)
	}
}

// stop shuts the bot down as SIGTERM would and checks it exits cleanly.
func (b *bot) stop() {
	if b.cancel == nil {
		return
	}
	b.cancel()
	b.cancel = nil
	select {
	case err := <-b.done:
		if err != nil {
			b.t.Errorf("serve returned %v\nlogs:\n%s", err, b.logs)
		}
	case <-time.After(20 * time.Second):
		b.t.Errorf("serve did not stop within 20s")
	}
	if strings.Contains(b.logs.String(), "panicked") {
		b.t.Errorf("a handler panicked:\n%s", b.logs)
	}
	noProblems(b.t, b.fake)
	textWithBlocks(b.t, b.fake)
}

// textWithBlocks fails the test for a message the bot sent in blocks with
// no text beside them: Slack then shows and stores the placeholder "This
// content can't be displayed." (fakeslack.BlocksOnlyText) in notifications,
// screen readers and every payload that carries the message.
func textWithBlocks(t *testing.T, fake *fakeslack.Server) {
	t.Helper()
	for _, m := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral", fakeslack.MethodResponseURL} {
		for _, c := range fake.CallsTo(m) {
			if b := strings.TrimSpace(c.Param("blocks")); b != "" && b != "[]" && b != "null" && strings.TrimSpace(c.Param("text")) == "" {
				t.Errorf("%s sent blocks without a text fallback: %.200s", m, c.Param("blocks"))
			}
		}
	}
}

// noProblems fails the test for anything the bot did that real Slack would
// refuse or answer with a generic error (see fakeslack.Problem).
func noProblems(t *testing.T, fake *fakeslack.Server) {
	t.Helper()
	for _, p := range fake.Problems() {
		t.Errorf("real Slack would refuse this: %s", p)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// cliWith runs a coachlog command as b.cli does, with the settings in over
// in place of the bot's.
func (b *bot) cliWith(over map[string]string, args ...string) (string, error) {
	var out syncBuffer
	getenv := func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return b.getenv(k)
	}
	err := runEnv(context.Background(), args, env{getenv: getenv, stdout: &out, stderr: &out, now: b.now})
	return out.String(), err
}

// cli runs another coachlog command against the same database while the
// bot runs, as an admin would.
func (b *bot) cli(args ...string) (string, error) {
	var out, errOut syncBuffer
	err := runEnv(context.Background(), args, env{getenv: b.getenv, stdout: &out, stderr: &errOut, now: b.now})
	return out.String() + errOut.String(), err
}

// exportRow is one row of `coachlog export --format json`.
type exportRow struct {
	ID          int64    `json:"id"`
	OccurredOn  string   `json:"occurred_on"`
	ManagerID   string   `json:"manager_id"`
	RepID       string   `json:"rep_id"`
	Kind        string   `json:"kind"`
	Role        *string  `json:"role"`
	DurationMin int      `json:"duration_min"`
	Skills      []string `json:"skills"`
	Status      string   `json:"status"`
	Rating      *int     `json:"rating"`
	Source      string   `json:"source"`
	Notes       *string  `json:"notes"`
}

func (b *bot) export() []exportRow {
	b.t.Helper()
	out, err := b.cli("export", "--format", "json", "--with-notes")
	if err != nil {
		b.t.Fatalf("export: %v\n%s", err, out)
	}
	var rows []exportRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		b.t.Fatalf("export is not a JSON array: %v\n%s", err, out)
	}
	return rows
}

// testClock is the real time moved forward by what a test advanced it, so
// that a response_url can be 31 minutes old without anyone waiting.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// clockFrom is a clock that reads at now and runs on from there in real
// time: a whole run pinned to the hour of the week it is about.
func clockFrom(at time.Time) func() time.Time {
	c := &testClock{}
	c.Advance(time.Until(at))
	return c.Now
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// today is the manager's date (America/New_York) now.
// today is the bot's today in zone tz.
func (b *bot) today(tz string) string {
	loc, _ := time.LoadLocation(tz)
	return b.now().In(loc).Format(time.DateOnly)
}

// eachObject calls fn on every JSON object in raw, however deep.
func eachObject(raw json.RawMessage, fn func(map[string]any)) {
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			fn(x)
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
}

// blocksText flattens a message's blocks to their text, for assertions.
func blocksText(raw json.RawMessage) string {
	var sb strings.Builder
	eachObject(raw, func(o map[string]any) {
		if s, ok := o["text"].(string); ok {
			sb.WriteString(s + "\n")
		}
	})
	return sb.String()
}

// actionIDs lists the action ids of the buttons in blocks.
func actionIDs(raw json.RawMessage) []string {
	var out []string
	eachObject(raw, func(o map[string]any) {
		if id, ok := o["action_id"].(string); ok && o["type"] == "button" {
			out = append(out, id)
		}
	})
	return out
}

// The harness hands the bot to a test only after its scheduler's pass at
// start: a test acting at once (a roster import, a count of Slack calls)
// must not race that pass. Here the pass is slow, as on a busy machine:
// Slack answers users.info after a second, and the pass reads Max's zone
// before it queues his nudge. When start returns, the nudge is queued.
func TestStartReturnsAfterTheFirstSchedulerPass(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC))) // a Monday
	b := startBotAt(t, clk.Now)
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+mgr+",,Max,manager,,,\n"+rep+",,Sam,rep,"+mgr+",,\n"), 0o600)
	// Without the bot's token the import stores no zone: the bot's pass
	// has to ask Slack for Max's.
	if out, err := b.cliWith(map[string]string{"SLACK_BOT_TOKEN": ""}, "roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	// Sixteen days on, 09:30 in New York: Sam is overdue and Max is due.
	clk.Advance(time.Date(2026, 12, 2, 14, 30, 0, 0, time.UTC).Sub(clk.Now()))
	b.stop()
	b.fake.SetLatency("users.info", time.Second)
	b.start()
	if n := outboxCount(t, b.db, "kind = 'nudge'"); n != 1 {
		t.Fatalf("%d nudges queued when start returned, want the pass at start's one\nlogs:\n%s", n, b.logs)
	}
}
