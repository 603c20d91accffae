package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// /healthz answers fixed, plain reasons; what went wrong inside goes to
// the log, never into the answer.
func TestHealthReasonsArePlainAndTheDetailsGoToTheLog(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	internal := errors.New("open /var/lib/coachlog/coachlog.db: SQLITE_IOERR (disk I/O error) at 0xc000123456")
	for _, tc := range []struct {
		name   string
		checks Checks
		want   []string // every reason, in order; nil when healthy
	}{
		{"all well", Checks{
			Readable: func(context.Context) error { return nil }, WriteWait: func() time.Duration { return time.Second },
			OldestPending: func(context.Context) (time.Time, error) { return now.Add(-time.Minute), nil },
			Stopped:       func() (bool, string) { return false, "" },
			Failures: func(context.Context) ([]Failures, error) {
				return []Failures{{Kind: "nudge", Failed: 2, Failing: false}}, nil // failed, then one went out since
			},
		}, nil},
		{"Slack gone within a minute", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-59 * time.Second) }}, nil},
		// Each names the last error Slack gave, when it gave one, and
		// the one thing to check first.
		{"Slack gone over a minute", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-90 * time.Second) }},
			[]string{"socket mode: not connected to Slack for 1m30s: check status.slack.com and that the host reaches slack.com (the log says why each try failed)"}},
		{"Slack gone over a minute, its last answer known", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-75 * time.Second) },
			ConnectionError: func() string { return "fatal_error" }},
			[]string{"socket mode: not connected to Slack for 1m15s; Slack last answered fatal_error: check status.slack.com; Coachlog keeps trying"}},
		{"Socket Mode switched off", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-75 * time.Second) },
			ConnectionError: func() string { return "link_disabled" }},
			[]string{"socket mode: not connected to Slack for 1m15s; Slack last answered link_disabled: switch Socket Mode on in the app's settings (api.slack.com/apps)"}},
		{"reconnects past Slack's rate limit", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-75 * time.Second) },
			ConnectionError: func() string { return "ratelimited" }},
			[]string{"socket mode: not connected to Slack for 1m15s; Slack last answered ratelimited: look for replicas restarting in a loop, or another process using SLACK_APP_TOKEN (Slack allows about one new connection a minute per app); Coachlog reconnects once Slack's Retry-After has passed"}},
		{"Slack gone, with text that is no Slack code", Checks{Connection: func() (bool, time.Time) { return false, now.Add(-75 * time.Second) },
			ConnectionError: func() string { return internal.Error() }},
			[]string{"socket mode: not connected to Slack for 1m15s: check status.slack.com and that the host reaches slack.com (the log says why each try failed)"}},
		{"the outbox stuck", Checks{OldestPending: func(context.Context) (time.Time, error) { return now.Add(-927 * time.Second), nil }},
			[]string{"outbox: stuck, oldest undelivered message is 15m27s old: check that a replica holds the sender role and its log's outbox lines"}},
		{"the outbox stuck on Slack's answer", Checks{OldestPending: func(context.Context) (time.Time, error) { return now.Add(-927 * time.Second), nil },
			SendError: func() string { return "fatal_error" }},
			[]string{"outbox: stuck, oldest undelivered message is 15m27s old; Slack last answered fatal_error: check status.slack.com, and the log's \"outbox send failed\" lines for the channel or method"}},
		{"Slack up for long", Checks{Connection: func() (bool, time.Time) { return true, now.Add(-48 * time.Hour) }}, nil},
		{"a database that does not answer", Checks{Readable: func(context.Context) error { return internal }},
			[]string{"database: does not answer reads"}},
		{"writes stuck behind a lock", Checks{WriteWait: func() time.Duration { return 12 * time.Second }},
			[]string{"database: a write has waited 12s (another process holding the lock?)"}},
		// Each write gives up at its own 2 s deadline: none waits long,
		// but none has committed for 14 s.
		{"writes failing over 10 s", Checks{WriteWait: func() time.Duration { return time.Second },
			WritesFailing: func() (time.Time, string) { return now.Add(-14 * time.Second), "the disk is full" }},
			[]string{"database: writes failing for 14s: the disk is full"}},
		{"writes failing within 10 s", Checks{
			WritesFailing: func() (time.Time, string) { return now.Add(-9 * time.Second), "the disk is full" }}, nil},
		{"writes waiting over 10 s, none failed yet", Checks{WriteWait: func() time.Duration { return 3 * time.Second },
			WritesFailing: func() (time.Time, string) { return now.Add(-12 * time.Second), "" }},
			[]string{"database: a write has waited 12s (another process holding the lock?)"}},
		{"writes going through", Checks{WritesFailing: func() (time.Time, string) { return time.Time{}, "" }}, nil},
		{"the database file replaced", Checks{DatabaseFile: func() string {
			return "the database file /srv/c.db was deleted or replaced while Coachlog ran: writes go to a file nobody will open again; stop Coachlog and restore the file"
		}}, []string{"database: the database file /srv/c.db was deleted or replaced while Coachlog ran: writes go to a file nobody will open again; stop Coachlog and restore the file"}},
		{"the database file in place", Checks{DatabaseFile: func() string { return "" }}, nil},
		// A read on a connection opened after the file went finds none at
		// the path: whether the probe's reads need one is luck, and the
		// file's line already says what happened and what to do.
		{"the database file deleted, reads failing for it", Checks{
			Readable:      func(context.Context) error { return internal },
			OldestPending: func(context.Context) (time.Time, error) { return time.Time{}, internal },
			Failures:      func(context.Context) ([]Failures, error) { return nil, internal },
			DatabaseFile:  func() string { return "the database file /srv/c.db was deleted or replaced while Coachlog ran" },
		}, []string{"database: the database file /srv/c.db was deleted or replaced while Coachlog ran"}},
		{"a damaged database file", Checks{Damaged: func() error { return internal }},
			[]string{"database: the file is damaged: restore it from a backup (the log says what the check found)"}},
		{"a database file that checks out, or not checked yet", Checks{Damaged: func() error { return nil }}, nil},
		{"an unreadable outbox", Checks{
			OldestPending: func(context.Context) (time.Time, error) { return time.Time{}, internal },
			Failures:      func(context.Context) ([]Failures, error) { return nil, internal },
		}, []string{"outbox: the messages waiting to be sent cannot be read from the database",
			"outbox: the scheduled messages that failed cannot be read from the database"}}, // two reads, two sentences an operator can tell apart
		{"a revoked token", Checks{Stopped: func() (bool, string) { return true, "token_revoked" }},
			[]string{"slack token: delivery stopped, Slack rejected the bot token (token_revoked)"}},
		// Slack's word, by an event, says what happened and what to do.
		{"the app uninstalled", Checks{Stopped: func() (bool, string) { return true, "app_uninstalled" }},
			[]string{"slack token: delivery stopped, Slack says the app was uninstalled (app_uninstalled): reinstall the app and restart Coachlog with the new bot token (SLACK_BOT_TOKEN)"}},
		{"the bot token revoked", Checks{Stopped: func() (bool, string) { return true, "tokens_revoked" }},
			[]string{"slack token: delivery stopped, Slack says the bot token was revoked (tokens_revoked): reinstall the app and restart Coachlog with the new bot token (SLACK_BOT_TOKEN)"}},
		{"a stop with text that is no Slack code", Checks{Stopped: func() (bool, string) { return true, internal.Error() }},
			[]string{"slack token: delivery stopped, Slack rejected the bot token"}},
		// Slack refusing the install or the workspace holds delivery:
		// the operator is told what to do, naming the method and the
		// scope Slack says is needed.
		{"a scope missing", Checks{Held: func() []SlackHold {
			return []SlackHold{{Method: "chat.postMessage", Code: "missing_scope", Needed: "chat:write"}}
		}}, []string{"slack scope: Slack refuses chat.postMessage for a scope the app lacks (chat:write); its messages wait: reinstall the app from manifest.yml (Reinstall to Workspace)"}},
		{"a scope missing, not named", Checks{Held: func() []SlackHold {
			return []SlackHold{{Method: "files.getUploadURLExternal", Code: "missing_scope", Needed: internal.Error()}}
		}}, []string{"slack scope: Slack refuses files.getUploadURLExternal for a scope the app lacks; its messages wait: reinstall the app from manifest.yml (Reinstall to Workspace)"}},
		// Slack refusing the workspace holds delivery: the operator is
		// told what it is, and that nothing is lost.
		{"a migration", Checks{Held: func() []SlackHold {
			return []SlackHold{{Method: "chat.postMessage", Code: "org_login_required"}, {Method: "chat.update", Code: "team_added_to_org"}}
		}}, []string{"slack workspace: Slack says the workspace is migrating to an Enterprise organization or needs login (org_login_required, team_added_to_org); messages wait, none is lost, and go once Slack takes them again"}},
		{"scheduled messages failing", Checks{Failures: func(context.Context) ([]Failures, error) {
			return []Failures{{Kind: "digest", Failed: 1, Failing: true}, {Kind: "nudge", Failed: 3, Failing: true}, {Kind: "rep_reminder", Failed: 4}}, nil
		}}, []string{"1 scheduled message failed for good in the last 24 h (digest)", "3 scheduled messages failed for good in the last 24 h (nudge)"}},
		// A week's digest is one line, its cause once: not one line for
		// its headline and another for the chart that failed with it.
		{"a digest failing", Checks{
			Failures: func(context.Context) ([]Failures, error) {
				return []Failures{{Kind: "nudge", Failed: 3, Failing: true}}, nil
			},
			DigestFailures: func(context.Context) ([]DigestFailure, error) {
				return []DigestFailure{{Week: "2026-W47", Channel: "C0LEADS"}, {Week: "2026-W48", Channel: "C0TYPO", Code: "channel_not_found"}}, nil
			},
		}, []string{"3 scheduled messages failed for good in the last 24 h (nudge)",
			"the digest of 2026-W47 failed in C0LEADS (the log says why)", "the digest of 2026-W48 failed: channel_not_found in C0TYPO"}},
		{"a digest failing with text that is no Slack code", Checks{DigestFailures: func(context.Context) ([]DigestFailure, error) {
			return []DigestFailure{{Week: "2026-W48", Channel: "C0TYPO", Code: internal.Error()}}, nil
		}}, []string{"the digest of 2026-W48 failed in C0TYPO (the log says why)"}},
		{"unreadable failed digests", Checks{
			Failures:       func(context.Context) ([]Failures, error) { return nil, nil },
			DigestFailures: func(context.Context) ([]DigestFailure, error) { return nil, internal },
		}, []string{"outbox: the scheduled messages that failed cannot be read from the database"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			tc.checks.Now = func() time.Time { return now }
			tc.checks.Log = slog.New(slog.NewTextHandler(&logs, nil))
			srv := httptest.NewServer(Handler(tc.checks, nil))
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				OK       bool     `json:"ok"`
				Problems []string `json:"problems"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			wantCode := http.StatusOK
			if tc.want != nil {
				wantCode = http.StatusServiceUnavailable
			}
			if resp.StatusCode != wantCode || body.OK != (tc.want == nil) || !slices.Equal(body.Problems, tc.want) {
				t.Fatalf("healthz = %d %+v, want %d %q", resp.StatusCode, body, wantCode, tc.want)
			}
			for _, p := range body.Problems {
				if strings.Contains(p, "SQLITE") || strings.Contains(p, "/var/lib") {
					t.Errorf("the answer shows internals: %q", p)
				}
			}
			if errs := strings.Count(tc.name, "unreadable") + strings.Count(tc.name, "does not answer"); errs > 0 && !strings.Contains(logs.String(), "SQLITE_IOERR") {
				t.Errorf("the error behind the reason is not logged:\n%s", logs.String())
			}
		})
	}
}

// The product works without the LLM: an open circuit breaker is a warning
// in /healthz, never a reason to turn it red.
func TestAnOpenLLMBreakerWarnsButStaysHealthy(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	const paused = "calls paused after repeated failures; prose capture, prep and the narrative fall back until the server answers again"
	const refused = "calls paused: the server refused OPENAI_API_KEY (HTTP 401): set a key it accepts, with access to the model, and restart Coachlog; " +
		"prose capture, prep and the narrative fall back meanwhile, and one call is tried every 30s"
	for _, tc := range []struct {
		name     string
		checks   Checks
		wantCode int
		warnings []string
	}{
		{"breaker closed", Checks{LLMPaused: func() string { return "" }}, http.StatusOK, nil},
		{"no LLM configured", Checks{}, http.StatusOK, nil},
		{"breaker open", Checks{LLMPaused: func() string { return paused }}, http.StatusOK, []string{"llm: " + paused}},
		// The LLM package says why: a setting to fix reads as such.
		{"key refused", Checks{LLMPaused: func() string { return refused }}, http.StatusOK, []string{"llm: " + refused}},
		{"breaker open and a real problem", Checks{LLMPaused: func() string { return paused },
			Stopped: func() (bool, string) { return true, "token_revoked" }}, http.StatusServiceUnavailable,
			[]string{"llm: " + paused}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.checks.Now = func() time.Time { return now }
			rec := httptest.NewRecorder()
			Handler(tc.checks, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			var body struct {
				OK       bool     `json:"ok"`
				Warnings []string `json:"warnings"`
			}
			if err := json.NewDecoder(rec.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.wantCode || body.OK != (tc.wantCode == http.StatusOK) || !slices.Equal(body.Warnings, tc.warnings) {
				t.Fatalf("healthz = %d %+v, want %d with warnings %q", rec.Code, body, tc.wantCode, tc.warnings)
			}
		})
	}
}

// /healthz names the store and says whether this replica sends; a
// replica that does not send is healthy all the same.
func TestHealthSaysTheStoreAndTheSenderRole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		checks Checks
		want   string
	}{
		{"holder", Checks{Store: "postgres", SenderRole: func() bool { return true }}, `{"ok":true,"sender_role":true,"store":"postgres"}`},
		{"not the holder", Checks{Store: "sqlite", SenderRole: func() bool { return false }}, `{"ok":true,"sender_role":false,"store":"sqlite"}`},
		{"not wired", Checks{}, `{"ok":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.checks.Now = time.Now
			rec := httptest.NewRecorder()
			Handler(tc.checks, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusOK || got != tc.want {
				t.Fatalf("healthz = %d %s, want 200 %s", rec.Code, got, tc.want)
			}
		})
	}
}

// A pooled connection the database ended while it sat idle fails the one
// read that takes it: the probe reads again before it says the database,
// or the outbox, cannot be read, so one lost connection does not turn it
// red (an orchestrator would restart the bot for it). A database that
// fails both reads turns it red on the same probe.
func TestHealthReadsOnceMoreBeforeTurningRed(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	lost := errors.New("FATAL: terminating connection due to administrator command (SQLSTATE 57P01)")
	// failing returns a read that fails its first n calls, and counts them.
	failing := func(n int, calls *int) func(context.Context) error {
		return func(context.Context) error {
			*calls++
			if *calls <= n {
				return lost
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name  string
		fails int // reads failing in a row, each check
		want  []string
	}{
		{"one lost connection", 1, nil},
		{"a database that does not answer", 2, []string{"database: does not answer reads",
			"outbox: the messages waiting to be sent cannot be read from the database",
			"outbox: the scheduled messages that failed cannot be read from the database"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var readable, pending, failures int
			readOnce, pendingOnce, failuresOnce := failing(tc.fails, &readable), failing(tc.fails, &pending), failing(tc.fails, &failures)
			checks := Checks{
				Readable: readOnce,
				OldestPending: func(ctx context.Context) (time.Time, error) {
					return now.Add(-time.Minute), pendingOnce(ctx)
				},
				Failures: func(ctx context.Context) ([]Failures, error) { return nil, failuresOnce(ctx) },
				Now:      func() time.Time { return now },
			}
			rec := httptest.NewRecorder()
			Handler(checks, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			var body struct {
				OK       bool     `json:"ok"`
				Problems []string `json:"problems"`
			}
			if err := json.NewDecoder(rec.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			wantCode := http.StatusOK
			if tc.want != nil {
				wantCode = http.StatusServiceUnavailable
			}
			if rec.Code != wantCode || body.OK != (tc.want == nil) || !slices.Equal(body.Problems, tc.want) {
				t.Fatalf("healthz = %d %+v, want %d %q", rec.Code, body, wantCode, tc.want)
			}
			if readable != 2 || pending != 2 || failures != 2 {
				t.Errorf("reads made: database %d, outbox %d, failures %d; want two each, never more", readable, pending, failures)
			}
		})
	}
}

// A probe whose deadline has passed does not read again: a database that
// hangs turns it red within the probe's 2 s, not twice that.
func TestHealthDoesNotReadAgainPastTheProbesDeadline(t *testing.T) {
	calls := 0
	checks := Checks{
		Readable: func(ctx context.Context) error {
			calls++
			<-ctx.Done() // a database that hangs until the probe gives up
			return ctx.Err()
		},
		Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bad := checks.health(ctx, newFailLog(nil, checks.Now))
	if !slices.Equal(bad, []string{"database: does not answer reads"}) || calls != 1 {
		t.Fatalf("health = %q after %d reads, want the database down after one", bad, calls)
	}
}

// A database file deleted or replaced does not mend by itself, and its
// line says what to do: it is logged once, however often the probe comes,
// not once a minute, and once more when the file is back.
func TestAReplacedDatabaseFileIsLoggedOnce(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	problem := "the database file /srv/c.db was deleted or replaced while Coachlog ran"
	var logs bytes.Buffer
	checks := Checks{
		DatabaseFile: func() string { return problem },
		Now:          func() time.Time { return now },
		Log:          slog.New(slog.NewTextHandler(&logs, nil)),
	}
	h := Handler(checks, nil)
	probe := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		return rec.Code
	}
	for range 3 {
		if code := probe(); code != http.StatusServiceUnavailable {
			t.Fatalf("healthz = %d, want 503", code)
		}
		now = now.Add(time.Hour)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "/srv/c.db") {
		t.Fatalf("%d error lines over three probes an hour apart, want one naming the file:\n%s", n, logs.String())
	}
	problem = ""
	if code := probe(); code != http.StatusOK {
		t.Fatalf("healthz with the file back = %d", code)
	}
	if !strings.Contains(logs.String(), "the database file is back") {
		t.Errorf("the file's return is not logged:\n%s", logs.String())
	}
}

// What /healthz repeats of Slack's answers must look like what Slack
// sends (a method, a code, scopes, a channel id): anything else, which
// could be a crafted or garbled answer, is left out.
func TestOnlySlackShapedWordsAreRepeated(t *testing.T) {
	long := strings.Repeat("a", 41)
	for _, tt := range []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"method", isSlackMethod, "chat.postMessage", true},
		{"method of four parts", isSlackMethod, "admin.apps.approved.list", true},
		{"method of one part", isSlackMethod, "chat", false},
		{"method of five parts", isSlackMethod, "a.b.c.d.e", false},
		{"method with a space", isSlackMethod, "chat.post Message", false},
		{"method part too long", isSlackMethod, "chat." + long, false},
		{"method with an empty part", isSlackMethod, "chat..post", false},
		{"scope", isSlackScopes, "chat:write", true},
		{"scopes", isSlackScopes, "users:read.email,chat:write,files:write", true},
		{"scope of one part", isSlackScopes, "bot", true},
		{"scopes past ten", isSlackScopes, strings.Repeat("chat:write,", 10) + "chat:write", false},
		{"scope in capitals", isSlackScopes, "chat:Write", false},
		{"scope with markup", isSlackScopes, "chat:write<script>", false},
		{"empty scope", isSlackScopes, "chat:write,", false},
		{"code", isSlackCode, "missing_scope", true},
		{"code too long", isSlackCode, long, false},
		{"code with a space", isSlackCode, "not a code", false},
		{"channel", isChannelID, "C0LEADS", true},
		{"channel in lower case", isChannelID, "c0leads", false},
		{"channel too long", isChannelID, strings.Repeat("C", 31), false},
		{"no channel", isChannelID, "", false},
	} {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: %q = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
