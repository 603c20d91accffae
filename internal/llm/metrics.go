package llm

import "time"

// Metrics is what the LLM layer reports; internal/ops implements it with
// Prometheus. Feature is "capture", "prep" or "narrative".
type Metrics interface {
	// LLMRequest records one HTTP request to the model's server: its
	// outcome ("ok" or a failure reason such as "timeout",
	// "server_error", "rate_limited", "quota_exhausted", "key_refused",
	// "model_not_found", "api_version", "not_openai_api", "client_error",
	// "network", "unsupported_format") and how long it took.
	LLMRequest(feature, outcome string, latency time.Duration)
	// LLMTokens adds the tokens a successful request used.
	LLMTokens(feature string, prompt, completion int)
	// LLMFailure records a call that gave its feature nothing usable, so
	// the feature fell back: the request failed ("timeout",
	// "breaker_open", ...) or the answer was unusable ("refusal",
	// "invalid_answer", "truncated", ...).
	LLMFailure(feature, reason string)
}

// The features, as metrics and logs name them.
const (
	FeatureCapture   = "capture"
	FeaturePrep      = "prep"
	FeatureNarrative = "narrative"
)

type nopMetrics struct{}

func (nopMetrics) LLMRequest(string, string, time.Duration) {}
func (nopMetrics) LLMTokens(string, int, int)               {}
func (nopMetrics) LLMFailure(string, string)                {}
