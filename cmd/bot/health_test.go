package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A nudge that fails for good after its day was claimed is not tried again,
// so it must show where an operator looks: /healthz turns red naming it and
// /metrics counts it, until a nudge goes out again.
func TestAScheduledMessageThatFailsForGoodShowsOnHealthAndMetrics(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	b.importRoster(t)
	health := func() (int, []string) { return healthProblems(t, addr) }
	if code, problems := health(); code != http.StatusOK {
		t.Fatalf("healthz before = %d %v", code, problems)
	}

	// Three weeks on, Max's reps are overdue; Slack refuses the nudge.
	later := b.now().Add(21 * 24 * time.Hour)
	b.fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Error: "invalid_blocks"})
	var out syncBuffer
	err := runEnv(ctxT(t), []string{"nudge"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: func() time.Time { return later }})
	if err == nil || !strings.Contains(err.Error(), "failed to deliver") {
		t.Fatalf("nudge with Slack refusing it: %v\n%s", err, out.String())
	}
	code, problems := health()
	want := "1 scheduled message failed for good in the last 24 h (nudge)"
	if code != http.StatusServiceUnavailable || !slices.Contains(problems, want) {
		t.Fatalf("healthz after a failed nudge = %d %q, want 503 with %q", code, problems, want)
	}
	if _, metrics := get(t, "http://"+addr+"/metrics"); !strings.Contains(metrics, `coachlog_scheduled_failed{kind="nudge"} 1`) ||
		!strings.Contains(metrics, `coachlog_scheduled_failed{kind="digest"} 0`) {
		t.Errorf("/metrics lacks the failed nudge:\n%s", grepLines(metrics, "coachlog_scheduled_failed"))
	}

	// The next day's nudge goes out: health is green again, the count stays.
	out = syncBuffer{}
	if err := runEnv(ctxT(t), []string{"nudge"}, env{getenv: b.getenv, stdout: &out, stderr: &out,
		now: func() time.Time { return later.Add(24 * time.Hour) }}); err != nil {
		t.Fatalf("next day's nudge: %v\n%s", err, out.String())
	}
	if code, problems := health(); code != http.StatusOK {
		t.Fatalf("healthz after a nudge went out = %d %q", code, problems)
	}
	if _, metrics := get(t, "http://"+addr+"/metrics"); !strings.Contains(metrics, `coachlog_scheduled_failed{kind="nudge"} 1`) {
		t.Errorf("/metrics forgot the failed nudge within its 24 h:\n%s", grepLines(metrics, "coachlog_scheduled_failed"))
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// The real serve mounts /debug/pprof/ on the ops listener only when
// COACHLOG_PPROF=on.
func TestServeProfilesOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pprof string
		want  int
	}{{"", http.StatusNotFound}, {"on", http.StatusOK}} {
		t.Run("COACHLOG_PPROF="+tt.pprof, func(t *testing.T) {
			addr := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t), "COACHLOG_PPROF", tt.pprof).httpAddr()
			if code, body := get(t, "http://"+addr+"/debug/pprof/"); code != tt.want || (code == http.StatusOK && !strings.Contains(body, "goroutine")) {
				t.Fatalf("/debug/pprof/ = %d %.200q, want %d", code, body, tt.want)
			}
			if code, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
				t.Fatalf("/healthz = %d beside profiling", code)
			}
		})
	}
}

// healthProblems asks /healthz and returns its status and problems.
func healthProblems(t *testing.T, addr string) (int, []string) {
	t.Helper()
	code, body := get(t, "http://"+addr+"/healthz")
	var h struct {
		Problems []string `json:"problems"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("healthz body %q: %v", body, err)
	}
	return code, h.Problems
}

// Slack gone for over a minute turns /healthz red, the minute read on the
// bot's own clock like every other check: a bot whose clock is not the
// wall clock (a test's, pinned to a Wednesday) judged how long Slack had
// been gone by comparing the two.
func TestHealthTurnsRedWhenSlackIsGoneOverAMinuteOnTheBotsClock(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	if code, problems := healthProblems(t, addr); code != http.StatusOK {
		t.Fatalf("healthz while connected = %d %q", code, problems)
	}

	// Socket Mode switched off: every new socket is refused. The bot has
	// taken the connection as lost once it logs its next attempt.
	attempts := strings.Count(b.logs.String(), "connecting to Slack")
	b.fake.SetLinkDisabled(true)
	eventually(t, "the bot to try another socket", func() bool {
		return strings.Count(b.logs.String(), "connecting to Slack") > attempts
	})
	if code, problems := healthProblems(t, addr); code != http.StatusOK {
		t.Fatalf("healthz within a minute of losing Slack = %d %q, want 200 (a minute's grace)", code, problems)
	}

	clk.Advance(61 * time.Second)
	var problems []string
	eventually(t, "healthz to say Slack is gone", func() bool {
		var code int
		code, problems = healthProblems(t, addr)
		return code == http.StatusServiceUnavailable
	})
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "socket mode: not connected to Slack for 1m") {
		t.Fatalf("healthz problems = %q, want Slack's connection alone", problems)
	}
	// It names Slack's last answer, and what to do about it.
	if want := "; Slack last answered link_disabled: switch Socket Mode on in the app's settings"; !strings.Contains(problems[0], want) {
		t.Errorf("healthz problem = %q, want it to say %q", problems[0], want)
	}

	n := b.fake.Connections()
	b.fake.SetLinkDisabled(false)
	b.waitConnected(n + 1)
	eventually(t, "healthz green once Slack is back", func() bool {
		code, _ := healthProblems(t, addr)
		return code == http.StatusOK
	})
}
