package llm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeopenai"
)

func TestBreakerOpensAfterFailuresAndProbesAfterTheCooldown(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	b := newBreaker(3, 30*time.Second, clk.Now)
	call := func(failed bool) bool {
		ok, probe := b.allow()
		if ok {
			v := verdictOK
			if failed {
				v = verdictFailed
			}
			b.done(probe, v, nil)
		}
		return ok
	}
	for i := range 3 {
		if !call(true) {
			t.Fatalf("call %d refused before the threshold", i+1)
		}
	}
	if call(false) {
		t.Fatal("the breaker did not open after 3 failures")
	}
	clk.Advance(29 * time.Second)
	if call(false) {
		t.Fatal("the breaker let a call through before the cool-down")
	}
	clk.Advance(time.Second)
	ok, probe := b.allow()
	if !ok || !probe {
		t.Fatalf("after the cool-down: allow %v, probe %v; want the probe", ok, probe)
	}
	if again, _ := b.allow(); again {
		t.Fatal("a second call went through while the probe ran")
	}
	b.done(true, verdictFailed, nil)
	if call(false) {
		t.Fatal("a failed probe did not reopen the breaker")
	}
	clk.Advance(30 * time.Second)
	if !call(false) {
		t.Fatal("no probe after the second cool-down")
	}
	// Closed again, with the count reset: a success between failures
	// starts it over, so only three failures in a row open it.
	for i, failed := range []bool{true, true, false, true, true} {
		if !call(failed) {
			t.Fatalf("call %d after the good probe refused", i+1)
		}
	}
	if !call(true) || call(false) {
		t.Fatal("three failures in a row did not open the breaker")
	}
}

func TestBreakerStopsCallingTheServer(t *testing.T) {
	srv := startFake(t)
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	r := newRig(t, config(srv, true), srv, Options{Now: clk.Now, BreakerFailures: 3, BreakerCooldown: time.Minute})
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer { return fakeopenai.Fail(503) })
	in := proseInput(rodeAlong)
	reason := func() string {
		_, err := r.Prose.Extract(context.Background(), in)
		fl, _ := errors.AsType[*Failure](err)
		if fl == nil {
			return "ok"
		}
		return fl.Reason
	}
	for range 3 {
		if r.Client.BreakerOpen() {
			t.Fatal("the breaker reports open before the threshold")
		}
		if got := reason(); got != ReasonServer {
			t.Fatalf("reason %s, want server_error", got)
		}
	}
	if !r.Client.BreakerOpen() {
		t.Fatal("the breaker does not report open after 3 failed calls")
	}
	sent := len(srv.Requests())
	if sent != 6 {
		t.Fatalf("%d requests for 3 calls, want 6 (each retried once)", sent)
	}
	if got := reason(); got != ReasonBreakerOpen || len(srv.Requests()) != sent {
		t.Fatalf("4th call: %s with %d more requests; want breaker_open and none", got, len(srv.Requests())-sent)
	}
	clk.Advance(time.Minute)
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer { return fakeopenai.JSON(honest()) })
	if got := reason(); got != "ok" {
		t.Fatalf("the probe after the cool-down: %s, want ok", got)
	}
	if got := reason(); got != "ok" {
		t.Fatalf("after a good probe: %s, want the breaker closed", got)
	}
	if r.Client.BreakerOpen() {
		t.Error("the breaker reports open after a good probe closed it")
	}
	if !slices.Contains(r.metrics.failures, "capture:breaker_open") {
		t.Errorf("breaker_open not counted: %s", r.metrics)
	}
}

func TestStructuredFormatFallsBackAndRemembers(t *testing.T) {
	for _, tt := range []struct {
		refuse []string
		want   []string // formats of the first call's requests
		then   string   // the format the second call starts with, "" for none
		err    string
	}{
		{nil, []string{"json_schema"}, "json_schema", ""},
		{[]string{"json_schema"}, []string{"json_schema", "json_object"}, "json_object", ""},
		{[]string{"json_schema", "json_object"}, []string{"json_schema", "json_object", "tools"}, "tools", ""},
		{[]string{"json_schema", "json_object", "tools"}, []string{"json_schema", "json_object", "tools"}, "", ReasonUnsupported},
	} {
		t.Run(strings.Join(tt.refuse, "+"), func(t *testing.T) {
			srv := startFake(t)
			srv.Refuse(tt.refuse...)
			srv.Default(func(fakeopenai.Request) fakeopenai.Answer { return fakeopenai.JSON(honest()) })
			r := newRig(t, config(srv, true), srv, Options{})
			formats := func(from int) []string {
				var out []string
				for _, req := range srv.Requests()[from:] {
					out = append(out, req.Chat.Format())
				}
				return out
			}
			for call := range 2 {
				before := len(srv.Requests())
				x, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong))
				switch {
				case tt.err != "":
					if fl, ok := errors.AsType[*Failure](err); !ok || fl.Reason != tt.err {
						t.Fatalf("call %d: %v, want %s", call+1, err, tt.err)
					}
				case err != nil || x.Kind != coaching.KindRideAlong || x.DurationMin != 45:
					t.Fatalf("call %d: %+v, %v", call+1, x, err)
				}
				got := formats(before)
				want := tt.want
				if call == 1 {
					want = nil
					if tt.then != "" {
						want = []string{tt.then}
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("call %d asked in %v, want %v", call+1, got, want)
				}
			}
		})
	}
}

func TestAzureDeploymentsAPI(t *testing.T) {
	srv := startFake(t)
	cfg := config(srv, true)
	cfg.BaseURL, cfg.Model, cfg.APIVersion = srv.Root(), "coachlog-gpt", "2024-10-21"
	r := newRig(t, cfg, srv, Options{})
	text, err := r.Narrative.Write(context.Background(), NarrativeInput{Leaders: []LeaderWeek{{LeaderID: "L1", Sessions: 3}}})
	if err != nil || text["L1"] == "" {
		t.Fatalf("narrative through Azure: %v, %v", text, err)
	}
	req := srv.Requests()[0]
	if req.Path != "/openai/deployments/coachlog-gpt/chat/completions" || req.Query != "api-version=2024-10-21" ||
		req.Header.Get("api-key") != fakeopenai.DefaultKey || req.Header.Get("Authorization") != "" {
		t.Errorf("request %s?%s with api-key %t, authorization %t", req.Path, req.Query,
			req.Header.Get("api-key") != "", req.Header.Get("Authorization") != "")
	}
}

func TestAzureIsRecognisedByItsHost(t *testing.T) {
	for _, tt := range []struct {
		url, version string
		want         bool
	}{
		{"https://api.openai.com/v1", "", false},
		{"http://localhost:11434/v1", "", false},
		{"https://acme.openai.azure.com", "", true},
		{"https://acme.openai.azure.com/openai/v1", "", false},
		{"https://acme.cognitiveservices.azure.com/", "", true},
		{"http://127.0.0.1:9/", "2024-10-21", true},
	} {
		if got := azureDeployments(Config{BaseURL: tt.url, APIVersion: tt.version}); got != tt.want {
			t.Errorf("azureDeployments(%q, %q) = %v, want %v", tt.url, tt.version, got, tt.want)
		}
	}
}

func TestReasoningModelsGetMaxCompletionTokens(t *testing.T) {
	srv := startFake(t)
	cfg := config(srv, true)
	cfg.Model = "gpt-5-mini"
	r := newRig(t, cfg, srv, Options{})
	if _, err := r.Narrative.Write(context.Background(), NarrativeInput{Leaders: []LeaderWeek{{LeaderID: "L1"}}}); err != nil {
		t.Fatal(err)
	}
	c := srv.Requests()[0].Chat
	if c.MaxTokens != 0 || c.MaxCompletionTokens == 0 {
		t.Errorf("max_tokens %d, max_completion_tokens %d; a reasoning model takes only the latter", c.MaxTokens, c.MaxCompletionTokens)
	}
}

// Two requests sent with max_tokens before either heard the refusal: the
// second refused no longer finds the setting to flip, and is asked again
// all the same (it failed, and its feature fell back, before).
func TestRequestsInFlightWhenMaxTokensIsRefusedAreAskedAgain(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.WithReasoning("prod-reasoner"))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	// A proxy holds the first two requests until both have arrived.
	target, err := url.Parse(srv.Root())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var arrived atomic.Int32
	both := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := arrived.Add(1); n == 2 {
			close(both)
		} else if n < 2 {
			select {
			case <-both:
			case <-time.After(5 * time.Second):
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	cfg := config(srv, true)
	cfg.BaseURL, cfg.Model = front.URL+"/v1", "prod-reasoner"
	r := newRig(t, cfg, srv, Options{})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := r.Narrative.Write(context.Background(), NarrativeInput{Leaders: []LeaderWeek{{LeaderID: "L1"}}})
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a narrative in flight when max_tokens was refused: %v", err)
		}
	}
	var refused, answered int
	for _, q := range srv.Requests() {
		if q.Chat.MaxTokens != 0 {
			refused++
		} else if q.Chat.MaxCompletionTokens != 0 {
			answered++
		}
	}
	if refused != 2 || answered != 2 {
		t.Errorf("%d requests with max_tokens, %d with max_completion_tokens; want 2 and 2", refused, answered)
	}
	if n := strings.Count(r.logs.String(), "refused max_tokens"); n != 1 {
		t.Errorf("the switch was logged %d times; want once", n)
	}
}

func TestACanceledProbeDecidesNothing(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	b := newBreaker(1, time.Minute, clk.Now)
	ok, probe := b.allow()
	b.done(probe, verdictFailed, nil)
	clk.Advance(time.Minute)
	if ok, probe = b.allow(); !ok || !probe {
		t.Fatal("no probe after the cool-down")
	}
	b.done(probe, verdictUnknown, nil)
	if ok, probe = b.allow(); !ok || !probe {
		t.Fatalf("after a canceled probe: allow %v, probe %v; want another probe, the breaker still open", ok, probe)
	}
	b.done(probe, verdictOK, nil)
	if ok, probe = b.allow(); !ok || probe {
		t.Fatalf("after a good probe: allow %v, probe %v; want closed", ok, probe)
	}
}

func TestASlowAnswerWithinTheTimeoutIsUsed(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	srv.Enqueue(fakeopenai.Slow(100*time.Millisecond, fakeopenai.JSON(honest())))
	if x, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); err != nil || x.DurationMin != 45 || len(srv.Requests()) != 1 {
		t.Errorf("%+v, %v, %d requests", x, err, len(srv.Requests()))
	}
}
