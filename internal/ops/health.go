package ops

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/prom"
)

// Checks are what /healthz asks. Each is cheap: reads on a reader
// connection or figures kept in memory, never a write, so a probe cannot
// queue behind (or ahead of) the writes the acks wait for.
type Checks struct {
	// Connection reports whether the Socket Mode connection is up, and
	// since when it has been up or down, read on Now's clock.
	Connection func() (up bool, since time.Time)
	// ConnectionError is the last error code Slack gave the socket
	// (apps.connections.open's answer, a disconnect's reason:
	// fatal_error, link_disabled), "" when it gave none; nil: not known.
	ConnectionError func() string
	// Readable checks the database answers a read.
	Readable func(ctx context.Context) error
	// WriteWait is how long the oldest write has waited for the database's
	// writer (zero when none waits): writes stuck behind a lock show here.
	WriteWait func() time.Duration
	// WritesFailing says since when the database's writes have been
	// failing, or waiting, without one committing (zero while they go
	// through), and why the last one failed, in plain words ("" while
	// none failed: they wait). Each write on the ack path gives up at its
	// own 2 s deadline, so WriteWait alone never sees a lock held for
	// minutes, nor a full disk at all.
	WritesFailing func() (since time.Time, why string)
	// DatabaseFile says, in a plain sentence, that the database file was
	// deleted or replaced while the bot had it open; "" while it is there.
	DatabaseFile func() string
	// Damaged is what the check of the database file's structure found
	// (sqlite's quick_check, run once in the background after start):
	// nil before it ended or when the file passed. A file with garbage in
	// a page served wrong figures without a word.
	Damaged func() error
	// OldestPending returns the creation time of the oldest undelivered
	// message, zero when none.
	OldestPending func(ctx context.Context) (time.Time, error)
	// SendError is the error code Slack answered the last send that
	// failed (fatal_error, channel_not_found), "" when none failed since
	// one went through; nil: not known.
	SendError func() string
	// Stopped returns, when delivery stopped because Slack rejected the bot
	// token, Slack's error code for it (token_revoked...); "" otherwise.
	Stopped func() (stopped bool, code string)
	// Held reports what delivery is held on: Slack refusing the install
	// (a scope it lacks) or the workspace (an Enterprise migration) for
	// now, not a message, one per method and answer; none while sends go
	// through. The messages wait, none failed.
	Held func() []SlackHold
	// Failures reports the scheduled messages (nudges, reminders) that
	// failed for good within FailureWindow, by kind.
	Failures func(ctx context.Context) ([]Failures, error)
	// DigestFailures reports the weekly digests that failed for good within
	// DigestFailureWindow and stand failed, one per week however many of
	// its messages failed with it.
	DigestFailures func(ctx context.Context) ([]DigestFailure, error)
	// LLMPaused says why the LLM's circuit breaker stopped calling its
	// server, and what to fix when a setting is wrong (llm.Client.Paused),
	// "" while it calls. The product works without the LLM, so this is a
	// warning, never a problem; nil without an LLM.
	LLMPaused func() string
	// Store names the store in use, "sqlite" or "postgres" (never its
	// URL: it may hold a password).
	Store string
	// SenderRole reports whether this replica holds the sender role (it
	// delivers the outbox); nil leaves it out of the answer.
	SenderRole func() bool
	Now        func() time.Time
	// Log gets the details the answer leaves out.
	Log *slog.Logger
}

// Failures are the scheduled messages of one kind that failed for good.
type Failures struct {
	Kind   string
	Failed int
	// Failing: the latest of the kind failed and none was delivered since.
	Failing bool
}

// SlackHold is a Slack method delivery is held on, with Slack's answer
// (missing_scope, org_login_required) and, for a missing scope, the one
// Slack says is needed ("" when it did not say).
type SlackHold struct {
	Method string
	Code   string
	Needed string
}

// DigestFailure is a week's digest that failed for good and stands failed:
// not delivered since, and no later week's digest went out after it.
type DigestFailure struct {
	Week    string // 2026-W48
	Channel string // where it failed
	Code    string // Slack's answer (channel_not_found), "" when it was none
}

// Limits of health.
const (
	connectGrace = 60 * time.Second // down this long (since start or a drop) is unhealthy
	stuckAfter   = 15 * time.Minute // an undelivered message this old means the outbox is stuck
	writesStuck  = 10 * time.Second // writes failing or waiting this long: acks (2 s budget) are failing
	// FailureWindow is how far back failed scheduled messages count.
	FailureWindow = 24 * time.Hour
	// DigestFailureWindow is how long a failed weekly digest stands on
	// /healthz at most: until the next week's, not a day.
	DigestFailureWindow = 7 * 24 * time.Hour
)

// The shapes below are checked by hand, not by regexp: bounded
// repetitions ({1,40}, nested {0,9}) compiled into programs of about
// 0.6 MB at start, which stayed in the bot's idle memory (PRODUCT.md:
// under 20 MB).

// isChannelID reports whether s looks like a Slack channel id; anything
// else is not repeated in an answer.
func isChannelID(s string) bool {
	return shaped(s, 30, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' })
}

// weekID is an ISO week as the digest names it, 2026-W48.
var weekID = regexp.MustCompile(`^\d{4}-W\d{2}$`)

// isSlackCode reports whether s looks like a Slack error code; anything
// else is not repeated in an answer.
func isSlackCode(s string) bool { return shaped(s, 40, lowerOrUnderscore) }

// isSlackMethod reports whether s looks like a Slack Web API method
// (chat.postMessage): two to four dotted parts of letters and _.
func isSlackMethod(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if !shaped(p, 40, func(r rune) bool { return lowerOrUnderscore(r) || r >= 'A' && r <= 'Z' }) {
			return false
		}
	}
	return true
}

// isSlackScopes reports whether s looks like Slack's needed field: up to
// ten scopes, comma separated, each of colon-separated parts of lower
// case letters, _ and . (chat:write, users:read.email).
func isSlackScopes(s string) bool {
	scopes := strings.Split(s, ",")
	if len(scopes) > 10 {
		return false
	}
	for _, scope := range scopes {
		for _, p := range strings.Split(scope, ":") {
			if !shaped(p, 40, func(r rune) bool { return lowerOrUnderscore(r) || r == '.' }) {
				return false
			}
		}
	}
	return true
}

// shaped reports whether s is 1 to max characters, each one ok says is.
func shaped(s string, max int, ok func(rune) bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func lowerOrUnderscore(r rune) bool { return r >= 'a' && r <= 'z' || r == '_' }

// health runs the checks and returns the reasons the bot is unhealthy,
// none when it is healthy. Reasons are fixed, plain sentences an operator
// can act on; the errors behind them go to fl, which keeps a probe every
// second from logging every second.
func (c Checks) health(ctx context.Context, fl *failLog) []string {
	now := c.Now()
	var bad []string
	if c.Connection != nil {
		if up, since := c.Connection(); !up && now.Sub(since) > connectGrace {
			bad = append(bad, disconnectedReason(now.Sub(since), call(c.ConnectionError)))
		}
	}
	// The database file deleted or replaced: a read for which the pool
	// opens a connection then finds no file at the path, and fails, while
	// one on a connection opened before reads the old file. Whether the
	// probe's reads fail was luck (a loaded machine's background reads
	// holding the connections open before), and their lines added nothing
	// to the file's, which says what happened and what to do: they are
	// left to it, as the writes it refuses are (WritesFailing).
	fileProblem := ""
	if c.DatabaseFile != nil {
		fileProblem = c.DatabaseFile()
	}
	failed := func(f failing, err error, reason string) {
		if fileProblem == "" {
			fl.fail(ctx, f, err)
			bad = append(bad, reason)
		}
	}
	if c.Readable != nil {
		if err := c.readTwice(ctx, "database", c.Readable); err != nil {
			failed(failDatabase, err, "database: does not answer reads")
		} else {
			fl.ok(ctx, failDatabase)
		}
	}
	if c.DatabaseFile != nil {
		if fileProblem != "" {
			fl.failOnce(ctx, failDBFile, errors.New(fileProblem))
			bad = append(bad, "database: "+fileProblem)
		} else {
			fl.ok(ctx, failDBFile)
		}
	}
	if c.Damaged != nil {
		if err := c.Damaged(); err != nil {
			fl.failOnce(ctx, failDamaged, err)
			bad = append(bad, "database: the file is damaged: restore it from a backup (the log says what the check found)")
		}
	}
	bad = append(bad, c.writesStuck(now)...)
	if c.OldestPending != nil {
		var oldest time.Time
		err := c.readTwice(ctx, "outbox", func(ctx context.Context) (err error) {
			oldest, err = c.OldestPending(ctx)
			return err
		})
		if err != nil {
			failed(failOutbox, err, "outbox: the messages waiting to be sent cannot be read from the database")
		} else {
			fl.ok(ctx, failOutbox)
			if !oldest.IsZero() && now.Sub(oldest) > stuckAfter {
				bad = append(bad, stuckReason(now.Sub(oldest), call(c.SendError)))
			}
		}
	}
	if c.Stopped != nil {
		if stopped, code := c.Stopped(); stopped {
			bad = append(bad, stoppedReason(code))
		}
	}
	if c.Held != nil {
		bad = append(bad, heldReasons(c.Held())...)
	}
	if c.Failures != nil || c.DigestFailures != nil {
		var fs []Failures
		var ds []DigestFailure
		err := c.readTwice(ctx, "failed scheduled messages", func(ctx context.Context) (err error) {
			if c.Failures != nil {
				if fs, err = c.Failures(ctx); err != nil {
					return err
				}
			}
			if c.DigestFailures != nil {
				ds, err = c.DigestFailures(ctx)
			}
			return err
		})
		if err != nil {
			failed(failFailures, err, "outbox: the scheduled messages that failed cannot be read from the database")
		} else {
			fl.ok(ctx, failFailures)
		}
		for _, f := range fs {
			if f.Failing {
				bad = append(bad, failedReason(f))
			}
		}
		for _, d := range ds {
			bad = append(bad, digestFailedReason(d))
		}
	}
	return bad
}

// writesStuck is the reason writes are stuck, if they are: failing for
// over writesStuck without one committing (said with the last failure's
// reason), or one write waiting that long.
func (c Checks) writesStuck(now time.Time) []string {
	var waited time.Duration
	if c.WriteWait != nil {
		waited = c.WriteWait()
	}
	if c.WritesFailing != nil {
		if since, why := c.WritesFailing(); !since.IsZero() && now.Sub(since) > writesStuck {
			if why != "" {
				return []string{fmt.Sprintf("database: writes failing for %s: %s", now.Sub(since).Round(time.Second), why)}
			}
			waited = max(waited, now.Sub(since))
		}
	}
	if waited > writesStuck {
		return []string{fmt.Sprintf("database: a write has waited %s (another process holding the lock?)", waited.Round(time.Second))}
	}
	return nil
}

// readTwice runs one of the probe's reads, and once more at once if it
// fails: a pooled connection the database ended while it sat idle (a
// restart of PostgreSQL, pg_terminate_backend, an idle timeout in
// between) fails the one read that takes it, and the pool drops it, so
// the second read goes over another connection. One lost connection is
// then not a red probe, which an orchestrator would answer by restarting
// the bot; a database that does not answer fails both reads, on the same
// probe. There is no second read once the probe's deadline has passed.
// A read the second one makes up for is logged at debug.
func (c Checks) readTwice(ctx context.Context, what string, read func(context.Context) error) error {
	err := read(ctx)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if err2 := read(ctx); err2 != nil {
		return err2
	}
	if c.Log != nil {
		c.Log.DebugContext(ctx, "health: a read failed, then answered when tried again", "read", what, "err", err)
	}
	return nil
}

// Warnings returns what an operator should know that does not make the bot
// unhealthy: the LLM help falling back because its breaker is open, and why.
func (c Checks) Warnings() []string {
	var warn []string
	if c.LLMPaused != nil {
		if why := c.LLMPaused(); why != "" {
			warn = append(warn, "llm: "+why)
		}
	}
	return warn
}

// stoppedReason says why delivery stopped: Slack refused the bot token
// (its code, token_revoked), or said by an event that the app was
// uninstalled or its bot token revoked, with what to do then.
func stoppedReason(code string) string {
	const then = ": reinstall the app and restart Coachlog with the new bot token (SLACK_BOT_TOKEN)"
	switch code {
	case "app_uninstalled":
		return "slack token: delivery stopped, Slack says the app was uninstalled (app_uninstalled)" + then
	case "tokens_revoked":
		return "slack token: delivery stopped, Slack says the bot token was revoked (tokens_revoked)" + then
	}
	reason := "slack token: delivery stopped, Slack rejected the bot token"
	if isSlackCode(code) {
		reason += " (" + code + ")"
	}
	return reason
}

// call is f's answer, "" when f is nil.
func call(f func() string) string {
	if f == nil {
		return ""
	}
	return f()
}

// disconnectedReason says how long the socket has been down, the last
// error code Slack gave it, and the one thing to check first: "socket
// mode: not connected to Slack for 1m15s; Slack last answered
// fatal_error: check status.slack.com".
func disconnectedReason(down time.Duration, code string) string {
	reason := fmt.Sprintf("socket mode: not connected to Slack for %s", down.Round(time.Second))
	if !isSlackCode(code) {
		return reason + ": check status.slack.com and that the host reaches slack.com (the log says why each try failed)"
	}
	reason += "; Slack last answered " + code + ": "
	switch code {
	case "link_disabled":
		return reason + "switch Socket Mode on in the app's settings (api.slack.com/apps)"
	case "too_many_websockets":
		return reason + "stop a replica, or another process using SLACK_APP_TOKEN (Slack allows 10 connections per app)"
	case "invalid_auth", "not_authed", "token_revoked", "account_inactive", "not_allowed_token_type":
		return reason + "check SLACK_APP_TOKEN (an app-level token with connections:write)"
	case "ratelimited":
		// apps.connections.open past its Tier 1 allowance, the app's
		// replicas together (slackbot.Bot.rateLimited).
		return reason + "look for replicas restarting in a loop, or another process using SLACK_APP_TOKEN " +
			"(Slack allows about one new connection a minute per app); Coachlog reconnects once Slack's Retry-After has passed"
	}
	return reason + "check status.slack.com; Coachlog keeps trying"
}

// stuckReason says how old the oldest undelivered message is, the code
// Slack answered the last send that failed, and what to check first.
func stuckReason(age time.Duration, code string) string {
	reason := fmt.Sprintf("outbox: stuck, oldest undelivered message is %s old", age.Round(time.Second))
	if !isSlackCode(code) {
		return reason + ": check that a replica holds the sender role and its log's outbox lines"
	}
	return reason + "; Slack last answered " + code + ": check status.slack.com, and the log's \"outbox send failed\" lines for the channel or method"
}

// heldReasons says what delivery is held on: one line per method a scope
// is missing for, naming the scope when Slack did; one line for a
// workspace migrating, whatever methods answered so. Each says what is
// done meanwhile, and what to do.
func heldReasons(hs []SlackHold) []string {
	var bad, codes []string
	other := map[string]bool{}
	for _, h := range hs {
		method := "a method"
		if isSlackMethod(h.Method) {
			method = h.Method
		}
		switch h.Code {
		case "missing_scope":
			needed := ""
			if isSlackScopes(h.Needed) {
				needed = " (" + h.Needed + ")"
			}
			bad = append(bad, "slack scope: Slack refuses "+method+" for a scope the app lacks"+needed+
				"; its messages wait: reinstall the app from manifest.yml (Reinstall to Workspace)")
		case "org_login_required", "team_added_to_org":
			if !slices.Contains(codes, h.Code) {
				codes = append(codes, h.Code)
			}
		default:
			code := "its answer is in the log"
			if isSlackCode(h.Code) {
				code = h.Code
			}
			if line := "slack: Slack refuses " + method + " for the install (" + code + "); its messages wait"; !other[line] {
				other[line] = true
				bad = append(bad, line)
			}
		}
	}
	if len(codes) > 0 {
		bad = append(bad, "slack workspace: Slack says the workspace is migrating to an Enterprise organization or needs login ("+
			strings.Join(codes, ", ")+"); messages wait, none is lost, and go once Slack takes them again")
	}
	return bad
}

// failedReason says, for example, "3 scheduled messages failed for good
// in the last 24 h (nudge)".
func failedReason(f Failures) string {
	what := "scheduled messages"
	if f.Failed == 1 {
		what = "scheduled message"
	}
	return fmt.Sprintf("%d %s failed for good in the last %d h (%s)", f.Failed, what, int(FailureWindow.Hours()), f.Kind)
}

// digestFailedReason says, for example, "the digest of 2026-W48 failed:
// channel_not_found in C0TYPO": one line for the week, the cause the
// admin mends once, not one per message that failed with it.
func digestFailedReason(d DigestFailure) string {
	reason := "a digest failed"
	if weekID.MatchString(d.Week) {
		reason = "the digest of " + d.Week + " failed"
	}
	in := ""
	if isChannelID(d.Channel) {
		in = " in " + d.Channel
	}
	if isSlackCode(d.Code) {
		return reason + ": " + d.Code + in
	}
	return reason + in + " (the log says why)"
}

// Handler serves /healthz (200 ok, or 503 with the reasons; warnings
// either way, which never turn it red) and /metrics. A read that keeps
// failing, probe after probe, is logged once a minute (failLog).
func Handler(c Checks, m *Metrics) http.Handler {
	if c.Now == nil {
		c.Now = time.Now
	}
	fl := newFailLog(c.Log, c.Now)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		bad := c.health(ctx, fl)
		w.Header().Set("Content-Type", "application/json")
		status := map[string]any{"ok": len(bad) == 0}
		if c.Store != "" {
			status["store"] = c.Store
		}
		if c.SenderRole != nil {
			status["sender_role"] = c.SenderRole()
		}
		if warn := c.Warnings(); len(warn) > 0 {
			status["warnings"] = warn
		}
		if len(bad) > 0 {
			status["problems"] = bad
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(status)
	})
	if m != nil {
		mux.Handle("/metrics", metricsHandler(m.Registry, fl))
	}
	return mux
}

// metricsHandler serves the registry in Prometheus' text format, gzipped
// when the scraper accepts it (Prometheus does). The figures read from the
// database never fail a scrape (databaseFigures: they read -1 and
// coachlog_database_up 0), so a database down leaves every other series
// served. A collector that fails otherwise fails the whole scrape with a
// 500, so that Prometheus marks the target down (up == 0) rather than an
// alert reading a missing series as fine. Like /healthz, the answer names
// what failed and the error behind it goes to the log (once a minute
// while it lasts): it may hold a file path or a database's address.
func metricsHandler(reg *prom.Registry, fl *failLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fams, err := reg.Gather(r.Context())
		if err != nil {
			fl.fail(r.Context(), failScrape, err)
			what := "some metrics"
			if ce, ok := errors.AsType[*prom.CollectError](err); ok {
				what = strings.Join(ce.Names, ", ")
			}
			http.Error(w, "metrics: cannot read "+what+"; the error is in the log", http.StatusInternalServerError)
			return
		}
		fl.ok(r.Context(), failScrape)
		w.Header().Set("Content-Type", prom.ContentType)
		var out io.Writer = w
		if acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			gz := gzip.NewWriter(w)
			defer gz.Close()
			out = gz
		}
		if err := prom.WriteText(out, fams); err != nil {
			fl.log.DebugContext(r.Context(), "metrics: answer not written", "err", err) // the scraper went away
		}
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, enc := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if name, _, _ := strings.Cut(strings.TrimSpace(enc), ";"); name == "gzip" {
			return true
		}
	}
	return false
}

// Serve listens on addr until ctx ends and returns the address it bound.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("COACHLOG_HTTP_ADDR: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("health and metrics listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health listener stopped", "err", err)
		}
	}()
	return ln.Addr(), nil
}
