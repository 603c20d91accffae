package ops

import (
	"time"

	"github.com/coachlog/coachlog/internal/prom"
)

// LLMMetrics counts the LLM's requests, failures, latency and tokens. It
// implements llm.Metrics without importing it.
type LLMMetrics struct {
	reg      *prom.Registry
	requests *prom.CounterVec
	failures *prom.CounterVec
	latency  *prom.HistogramVec
	tokens   *prom.CounterVec
}

// NewLLMMetrics registers the LLM metrics in reg (Metrics.Registry):
// coachlog_llm_requests_total{feature,outcome},
// coachlog_llm_request_seconds{feature},
// coachlog_llm_tokens_total{feature,kind} (kind prompt or completion) and
// coachlog_llm_failures_total{feature,reason}, the calls that fell back.
func NewLLMMetrics(reg *prom.Registry) *LLMMetrics {
	m := &LLMMetrics{
		reg: reg,
		requests: prom.NewCounterVec("coachlog_llm_requests_total",
			"Requests to the LLM server, by feature and outcome (ok or why it failed).", "feature", "outcome"),
		failures: prom.NewCounterVec("coachlog_llm_failures_total",
			"LLM calls that gave their feature nothing usable, so it fell back, by reason.", "feature", "reason"),
		latency: prom.NewHistogramVec("coachlog_llm_request_seconds", "Latency of requests to the LLM server, by feature.",
			[]float64{.1, .25, .5, 1, 2, 3, 5, 8, 13, 20, 30}, "feature"),
		tokens: prom.NewCounterVec("coachlog_llm_tokens_total",
			"Tokens used by LLM requests, by feature and kind (prompt or completion).", "feature", "kind"),
	}
	reg.MustRegister(m.requests, m.failures, m.latency, m.tokens)
	return m
}

// WatchBreaker adds coachlog_llm_breaker_open, 1 while the LLM's circuit
// breaker stops calling its server (open or half-open), else 0, read from
// open at each scrape. Its help names every way the breaker opens (the
// llm package's Failure.persistent besides repeated failures): an operator
// reading 1 after a single call should not look for an outage.
func (m *LLMMetrics) WatchBreaker(open func() bool) {
	m.reg.MustRegister(boolGauge("coachlog_llm_breaker_open",
		"1 while the LLM circuit breaker stops calling the server, else 0: it opens after repeated failures, or at once on an answer no wait ends (the key refused, credits or quota spent, the model or deployment not found, a wrong Azure api-version, an answer that is not JSON).", open))
}

// LLMRequest counts one request and its latency.
func (m *LLMMetrics) LLMRequest(feature, outcome string, latency time.Duration) {
	m.requests.With(feature, outcome).Inc()
	m.latency.With(feature).Observe(latency)
}

// LLMTokens adds a request's tokens.
func (m *LLMMetrics) LLMTokens(feature string, prompt, completion int) {
	m.tokens.With(feature, "prompt").Add(uint64(max(prompt, 0)))
	m.tokens.With(feature, "completion").Add(uint64(max(completion, 0)))
}

// LLMFailure counts a call that fell back.
func (m *LLMMetrics) LLMFailure(feature, reason string) {
	m.failures.With(feature, reason).Inc()
}
