package llm

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeopenai"
)

// Answers no wait ends (a key refused, a model or deployment not found,
// an api-version too old for the model, credits spent, a base URL that is
// no OpenAI-compatible API) are not retried, open the breaker at once, and
// say in /healthz and in one log line what is wrong and which setting
// fixes it, never the key; the breaker probes after each cool-down, and a
// probe that succeeds closes it and ends the warning.
func TestFailuresNoWaitEndsOpenTheBreakerAndNameWhatToFix(t *testing.T) {
	// never are settings the answer rules out, which the words must not
	// send anyone to: Azure's missing deployment is no api-version's fault,
	// and its bare "Resource not found" (an api-version it does not serve)
	// no deployment's.
	never := map[string][]string{
		"deployment not found":      {"OPENAI_API_VERSION"},
		"api version not served":    {"OPENAI_MODEL", "deployment"},
		"api version not supported": {"OPENAI_MODEL", "deployment"},
	}
	for _, tt := range []struct {
		name   string
		answer fakeopenai.Answer // zero: the fake refuses the key
		azure  bool
		reason string
		says   []string // in Paused() and the log line
	}{
		{"key refused", fakeopenai.Answer{}, false, ReasonKeyRefused, []string{"OPENAI_API_KEY", "refused"}},
		{"azure key refused", fakeopenai.Answer{}, true, ReasonKeyRefused, []string{"OPENAI_API_KEY", "refused"}},
		{"access refused", fakeopenai.Fail(http.StatusForbidden), false, ReasonKeyRefused, []string{"OPENAI_API_KEY", "permissions"}},
		{"model not found", fakeopenai.ModelNotFound("gpt-9"), false, ReasonNotFound, []string{"OPENAI_MODEL", "not found"}},
		{"deployment not found", fakeopenai.DeploymentNotFound(), true, ReasonNotFound, []string{"OPENAI_MODEL", "deployment"}},
		{"a bare 404", fakeopenai.Fail(http.StatusNotFound), true, ReasonNotFound, []string{"OPENAI_MODEL", "OPENAI_API_VERSION", "deployment"}},
		{"api version too old", fakeopenai.APIVersionTooOld("o3-mini"), true, ReasonAPIVersion, []string{"OPENAI_API_VERSION", "too old", "2024-12-01-preview"}},
		{"api version not served", fakeopenai.ResourceNotFound(), true, ReasonAPIVersion, []string{"OPENAI_API_VERSION", "2024-10-21"}},
		{"api version not supported", fakeopenai.APIVersionNotSupported(), true, ReasonAPIVersion, []string{"OPENAI_API_VERSION", "2024-10-21"}},
		{"openrouter credits", fakeopenai.InsufficientCredits(), false, ReasonQuota, []string{"credit", "billing"}},
		{"openai quota", fakeopenai.QuotaExhausted("insufficient_quota"), false, ReasonQuota, []string{"credit", "billing"}},
		{"a web page with 200", fakeopenai.WebPage(http.StatusOK), false, ReasonNotAPI, []string{"not an OpenAI-compatible API", "OPENAI_BASE_URL"}},
		{"a web page with 404", fakeopenai.WebPage(http.StatusNotFound), false, ReasonNotAPI, []string{"not an OpenAI-compatible API", "OPENAI_BASE_URL"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
			cfg := config(srv, true)
			if tt.azure {
				cfg.BaseURL, cfg.APIVersion = srv.Root(), "2024-10-21"
			}
			const wrongKey = "sk-wrong-key-0123"
			if tt.answer.Status == 0 && !tt.answer.HTML {
				cfg.APIKey = wrongKey
			} else {
				srv.Enqueue(tt.answer)
			}
			r := newRig(t, cfg, srv, Options{Now: clk.Now})
			if r.Client.Paused() != "" {
				t.Fatalf("paused before any call: %q", r.Client.Paused())
			}
			_, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong))
			if got := reasonOf(err); got != tt.reason || len(srv.Requests()) != 1 {
				t.Fatalf("%s after %d requests; want %s after 1 (no retry)", got, len(srv.Requests()), tt.reason)
			}
			if !r.Client.BreakerOpen() {
				t.Fatal("the breaker stayed closed: every call would meet the same answer")
			}
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonBreakerOpen || len(srv.Requests()) != 1 {
				t.Errorf("with the breaker open: %s after %d requests; want breaker_open and no request", reasonOf(err), len(srv.Requests()))
			}
			paused, logs := r.Client.Paused(), r.logs.String()
			errLines := grep(logs, "level=ERROR")
			if n := strings.Count(logs, "level=ERROR"); n != 1 {
				t.Errorf("%d error lines, want one:\n%s", n, logs)
			}
			for _, w := range tt.says {
				if !strings.Contains(paused, w) || !strings.Contains(errLines, w) {
					t.Errorf("%q missing from the health line %q or the log line %q", w, paused, errLines)
				}
			}
			for _, w := range never[tt.name] {
				if strings.Contains(paused, w) || strings.Contains(errLines, w) {
					t.Errorf("%q in the health line %q or the log line %q: the answer rules it out", w, paused, errLines)
				}
			}
			if strings.Contains(paused, "repeated failures") || strings.Contains(paused, "until the server answers again") {
				t.Errorf("the health line %q blames the server's availability", paused)
			}
			for _, s := range []string{wrongKey, fakeopenai.DefaultKey, "Acme", "rode along"} {
				if strings.Contains(logs, s) || strings.Contains(paused, s) {
					t.Errorf("the logs or the health line carry %q:\n%s\n%s", s, logs, paused)
				}
			}
			// Fixed (a new key, credit added): the probe after the cool-down
			// succeeds, closes the breaker and ends the warning.
			if tt.answer.Status == 0 && !tt.answer.HTML {
				return // the key is the client's own: fixed only by a restart
			}
			clk.Advance(DefaultBreakerCooldown)
			srv.Enqueue(fakeopenai.JSON(honest()))
			if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); err != nil || r.Client.BreakerOpen() || r.Client.Paused() != "" {
				t.Errorf("after the fix: %v, breaker open %t, paused %q", err, r.Client.BreakerOpen(), r.Client.Paused())
			}
		})
	}
}

// Failures of one request, or of the server for a while, are not
// persistent: a content filter's 400 and OpenRouter's moderation 403 are
// refusals of this input, and after repeated 503s the health line says the
// server is failing, not that a setting is wrong.
func TestRefusalsAndPassingFailuresAreNotPersistent(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{BreakerFailures: 2})
	for _, a := range []fakeopenai.Answer{fakeopenai.ContentFiltered(), fakeopenai.Moderated()} {
		srv.Enqueue(a)
		if _, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong)); reasonOf(err) != ReasonRefusal || r.Client.BreakerOpen() {
			t.Errorf("%d: %s, breaker open %t; want a refusal and the breaker closed", a.Status, reasonOf(err), r.Client.BreakerOpen())
		}
	}
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer { return fakeopenai.Fail(503) })
	for range 2 {
		_, _ = r.Prose.Extract(context.Background(), proseInput(rodeAlong))
	}
	if p := r.Client.Paused(); !strings.Contains(p, "repeated failures") {
		t.Errorf("after repeated 503s the health line is %q", p)
	}
}

// grep returns the lines of s holding sub.
func grep(s, sub string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
