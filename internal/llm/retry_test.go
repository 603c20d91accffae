package llm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeopenai"
)

// reasonOf is the failure's reason, "ok" for none.
func reasonOf(err error) string {
	if fl, ok := errors.AsType[*Failure](err); ok {
		return fl.Reason
	}
	if err != nil {
		return err.Error()
	}
	return "ok"
}

// A model that hangs opens the breaker whatever the caller's wait. The
// bot waits for a prose reading or a prep summary COACHLOG_LLM_TIMEOUT
// plus 3 s: past a timeout of 2.75 s the retry of a request that timed out
// could not finish in that wait, was cut off by the caller, and the call
// counted as "canceled", which tells the breaker nothing. So the breaker
// never opened at the default 5 s, and every call waited 8 s. The same
// geometry, scaled down: a timeout of 300 ms, the 250 ms backoff, a
// caller's wait of 750 ms (less than a timeout, the backoff and a timeout
// again: 850 ms; with room for a loaded machine to notice the first
// timeout late).
func TestAHangingModelOpensTheBreakerWithinTheCallersWait(t *testing.T) {
	srv := startFake(t)
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer { return fakeopenai.Hang() })
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	cfg := config(srv, true)
	cfg.Timeout = 300 * time.Millisecond
	r := newRig(t, cfg, srv, Options{Now: clk.Now, RetryBackoff: DefaultRetryBackoff}) // the bot's backoff, as in its geometry
	read := func() string {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout+450*time.Millisecond)
		defer cancel()
		_, err := r.Prose.Extract(ctx, proseInput(rodeAlong))
		return reasonOf(err)
	}
	for i := range DefaultBreakerFailures {
		if got := read(); got != ReasonTimeout {
			t.Fatalf("reading %d: %s, want timeout (%s)", i+1, got, r.metrics)
		}
	}
	if !r.Client.BreakerOpen() {
		t.Fatalf("the breaker is closed after %d hung readings (%s)", DefaultBreakerFailures, r.metrics)
	}
	sent := len(srv.Requests())
	if sent != DefaultBreakerFailures {
		t.Errorf("%d requests for %d readings: a retry that cannot finish in the caller's wait is not sent", sent, DefaultBreakerFailures)
	}
	if got := read(); got != ReasonBreakerOpen || len(srv.Requests()) != sent {
		t.Errorf("with the breaker open: %s and %d more requests, want breaker_open and none", got, len(srv.Requests())-sent)
	}
	if r.metrics.String() != "requests [capture:timeout capture:timeout capture:timeout capture:timeout capture:timeout], "+
		"failures [capture:timeout capture:timeout capture:timeout capture:timeout capture:timeout capture:breaker_open]" {
		t.Errorf("metrics: %s", r.metrics)
	}
}

// A retry the caller gives up on (here while the model hangs again) tells
// nothing of the server: the call is the first attempt's timeout, for the
// breaker and for the failure counted, while the request itself is counted
// as canceled, as it was.
func TestARetryTheCallerGaveUpOnLeavesTheFirstAttemptsTimeout(t *testing.T) {
	srv := startFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int32
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer {
		if n.Add(1) == 2 {
			cancel() // the caller gives up while the retry is read
		}
		return fakeopenai.Hang()
	})
	cfg := config(srv, true)
	cfg.Timeout = 200 * time.Millisecond
	r := newRig(t, cfg, srv, Options{BreakerFailures: 1})
	_, err := r.Prose.Extract(ctx, proseInput(rodeAlong))
	if got := reasonOf(err); got != ReasonTimeout {
		t.Errorf("reason %s, want the first attempt's timeout", got)
	}
	if !r.Client.BreakerOpen() {
		t.Error("the breaker (1 failure) stayed closed: the first attempt's timeout was lost with the retry")
	}
	if got := r.metrics.String(); got != "requests [capture:timeout capture:canceled], failures [capture:timeout]" {
		t.Errorf("metrics: %s", got)
	}
}

// A 429's Retry-After is waited when the wait and a whole request fit in
// the caller's deadline (without one, when it is no longer than a request's
// timeout); otherwise the call falls back at once rather than meet the limit
// again 250 ms later. A 429 is a failure for the breaker: a server over its
// limit, or out of quota, is not called again and again meanwhile.
func TestA429IsRetriedOnlyAfterItsRetryAfter(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ms := func(v string) fakeopenai.Answer {
		a := fakeopenai.Fail(http.StatusTooManyRequests)
		a.Header = http.Header{"Retry-After-Ms": {v}}
		return a
	}
	for _, tt := range []struct {
		name     string
		answer   fakeopenai.Answer
		deadline time.Duration // 0: none
		retried  bool
		gap      time.Duration // at least this between the two requests
	}{
		{"Retry-After 30 s, no deadline", fakeopenai.RateLimited("30"), 0, false, 0},
		{"Retry-After 1 s and a request outlast the deadline", fakeopenai.RateLimited("1"), 2500 * time.Millisecond, false, 0},
		{"Retry-After a date 30 s ahead", fakeopenai.RateLimited(clk.now.Add(30 * time.Second).Format(http.TimeFormat)), 0, false, 0},
		{"Retry-After a date past", fakeopenai.RateLimited(clk.now.Add(-time.Minute).Format(http.TimeFormat)), 0, true, 0},
		{"Retry-After-Ms 150 within the deadline", ms("150"), 10 * time.Second, true, 150 * time.Millisecond},
		{"no Retry-After", fakeopenai.RateLimited(""), 0, true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			var mu sync.Mutex
			var at []time.Time
			first := true
			srv.Default(func(fakeopenai.Request) fakeopenai.Answer {
				mu.Lock()
				defer mu.Unlock()
				at = append(at, time.Now())
				if first {
					first = false
					return tt.answer
				}
				return fakeopenai.JSON(honest())
			})
			r := newRig(t, config(srv, true), srv, Options{Now: clk.Now, BreakerFailures: 1})
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := r.Prose.Extract(ctx, proseInput(rodeAlong))
			mu.Lock()
			defer mu.Unlock()
			if !tt.retried {
				if got := reasonOf(err); got != ReasonRateLimited || len(at) != 1 {
					t.Fatalf("%s after %d requests, want rate_limited after 1", got, len(at))
				}
				if !r.Client.BreakerOpen() {
					t.Error("a 429 did not count as a failure for the breaker")
				}
				return
			}
			if err != nil || len(at) != 2 {
				t.Fatalf("%v after %d requests, want the retry's answer", err, len(at))
			}
			if gap := at[1].Sub(at[0]); gap < tt.gap {
				t.Errorf("retried %v after the 429, want at least %v", gap, tt.gap)
			}
		})
	}
}

func TestRetryAfterReadsSecondsMillisecondsAndDates(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		header map[string]string
		want   time.Duration
	}{
		{nil, 0},
		{map[string]string{"Retry-After": "30"}, 30 * time.Second},
		{map[string]string{"Retry-After": " 1.5 "}, 1500 * time.Millisecond},
		{map[string]string{"Retry-After": "-3"}, 0},
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0},
		{map[string]string{"Retry-After-Ms": "150", "Retry-After": "1"}, 150 * time.Millisecond},
		{map[string]string{"Retry-After-Ms": "x", "Retry-After": "1"}, time.Second},
		{map[string]string{"Retry-After": "1e300"}, 365 * 24 * time.Hour},
		// OpenAI's reset header, a Go-style duration, when no Retry-After.
		{map[string]string{"X-Ratelimit-Reset-Requests": "6m0s"}, 6 * time.Minute},
		{map[string]string{"X-Ratelimit-Reset-Requests": "20ms", "Retry-After": "2"}, 2 * time.Second},
		{map[string]string{"X-Ratelimit-Reset-Requests": "later"}, 0},
	} {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// A 429 for quota (error type insufficient_quota) is no rate limit: no wait
// ends it, only someone adding credit or raising a limit. The call falls
// back at once, without a retry, the breaker opens at once rather than
// after five calls, and the operator reads one clear line while it lasts,
// with neither the key nor any text; a success ends it, so a later
// exhaustion is said again.
func TestQuotaExhaustedFallsBackAtOnceAndOpensTheBreaker(t *testing.T) {
	for _, code := range []string{"insufficient_quota", "credit_balance_exhausted"} {
		t.Run(code, func(t *testing.T) {
			srv := startFake(t)
			clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
			r := newRig(t, config(srv, true), srv, Options{Now: clk.Now})
			srv.Enqueue(fakeopenai.QuotaExhausted(code))
			_, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong))
			if got := reasonOf(err); got != ReasonQuota || len(srv.Requests()) != 1 {
				t.Fatalf("%s after %d requests, want %s after 1", got, len(srv.Requests()), ReasonQuota)
			}
			if !r.Client.BreakerOpen() {
				t.Fatal("one quota answer left the breaker closed: every call would meet it")
			}
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonBreakerOpen || len(srv.Requests()) != 1 {
				t.Errorf("with the breaker open: %s after %d requests, want breaker_open and no request", reasonOf(err), len(srv.Requests()))
			}
			// The probe after the cool-down meets the quota again: the
			// breaker stays open, and nothing more is said.
			clk.Advance(DefaultBreakerCooldown)
			srv.Enqueue(fakeopenai.QuotaExhausted(code))
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonQuota || !r.Client.BreakerOpen() {
				t.Errorf("probe: %s, breaker open %t; want quota and open", reasonOf(err), r.Client.BreakerOpen())
			}
			logs := r.logs.String()
			if n := strings.Count(logs, "level=ERROR"); n != 1 || !strings.Contains(logs, "quota") || !strings.Contains(logs, "code="+code) {
				t.Errorf("%d error lines; want one saying the quota is spent, with its code:\n%s", n, logs)
			}
			for _, s := range []string{fakeopenai.DefaultKey, "exceeded", "Acme", "rode along"} {
				if strings.Contains(logs, s) {
					t.Errorf("the logs carry %q:\n%s", s, logs)
				}
			}
			// Credit added: the next probe succeeds and closes the breaker; a
			// later exhaustion is said again.
			clk.Advance(DefaultBreakerCooldown)
			srv.Enqueue(fakeopenai.JSON(honest()))
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); err != nil || r.Client.BreakerOpen() {
				t.Fatalf("after credit was added: %v, breaker open %t", err, r.Client.BreakerOpen())
			}
			srv.Enqueue(fakeopenai.QuotaExhausted(code))
			_, _ = r.Prose.Extract(context.Background(), proseInput(rodeAlong))
			if n := strings.Count(r.logs.String(), "level=ERROR"); n != 2 {
				t.Errorf("%d error lines after a second exhaustion, want 2", n)
			}
			if !strings.Contains(r.metrics.String(), "failures [capture:"+ReasonQuota+" capture:breaker_open capture:"+ReasonQuota) {
				t.Errorf("metrics: %s", r.metrics)
			}
		})
	}
}

// A 429 asks the client to wait (Retry-After, Azure's retry-after-ms,
// OpenAI's x-ratelimit-reset-requests): every call until then falls back
// at once, without a request, whichever feature makes it, rather than
// meet the limit again; once the wait is over calls go again. A hold is
// never longer than maxHold, whatever the server asks.
func TestA429HoldsOffLaterCallsUntilItsWaitIsOver(t *testing.T) {
	for _, tt := range []struct {
		name   string
		header http.Header
		wait   time.Duration
	}{
		{"Retry-After", http.Header{"Retry-After": {"60"}}, time.Minute},
		{"retry-after-ms", http.Header{"Retry-After-Ms": {"45000"}}, 45 * time.Second},
		{"x-ratelimit-reset-requests", fakeopenai.RateLimitedUntilReset("1m30s").Header, 90 * time.Second},
		{"a day", http.Header{"Retry-After": {"86400"}}, maxHold},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
			r := newRig(t, config(srv, true), srv, Options{Now: clk.Now})
			a := fakeopenai.Fail(http.StatusTooManyRequests)
			a.Header = tt.header
			srv.Enqueue(a)
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonRateLimited || len(srv.Requests()) != 1 {
				t.Fatalf("%s after %d requests; want rate_limited after 1 (the wait is longer than a request)", reasonOf(err), len(srv.Requests()))
			}
			clk.Advance(tt.wait - time.Second)
			srv.Enqueue(fakeopenai.JSON(honest()), fakeopenai.Text("Pricing keeps slipping."))
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonRateLimited || len(srv.Requests()) != 1 {
				t.Errorf("within the wait: %s after %d requests; want rate_limited and no request", reasonOf(err), len(srv.Requests()))
			}
			if b, err := r.Prep.Brief(context.Background(), prepInput()); reasonOf(err) != ReasonRateLimited || b.Prose != "" || len(srv.Requests()) != 1 {
				t.Errorf("the brief within the wait: %s after %d requests; want rate_limited and no request", reasonOf(err), len(srv.Requests()))
			}
			clk.Advance(time.Second)
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); err != nil || len(srv.Requests()) != 2 {
				t.Errorf("after the wait: %v after %d requests; want the answer", err, len(srv.Requests()))
			}
		})
	}
}
