package fakeopenai

import (
	"encoding/json"
	"net/http"
	"time"
)

// Answer is how the fake answers one chat request.
type Answer struct {
	// Content is the assistant's text.
	Content string
	// JSON, when set, is marshalled as the answer: as the arguments of the
	// forced tool call when the request forces one, else as the content.
	JSON any
	// Think, when set, is reasoning the model writes into the content
	// before its answer, in a <think> block (Thinking).
	Think string
	// Refusal answers with a refusal instead of content.
	Refusal string
	// FinishReason overrides "stop" ("length", "content_filter").
	FinishReason string
	// Status, when set, fails the request with this HTTP status and Body
	// (OpenAI's error shape for the status when Body is empty).
	Status int
	Body   string
	// Header is sent with the answer, failed or not: a 429's Retry-After.
	Header http.Header
	// Delay holds the answer this long; Hang holds it until the client
	// gives up (a timeout) or the server closes.
	Delay time.Duration
	Hang  bool
	// Until, when set, holds the answer until it is closed: a test can
	// act while the model "reads", then let it answer, without waiting
	// on the clock.
	Until <-chan struct{}
	// PromptTokens and CompletionTokens override the usage reported
	// (about a token per four bytes otherwise).
	PromptTokens, CompletionTokens int
}

// Text answers with content s.
func Text(s string) Answer { return Answer{Content: s} }

// JSON answers with v marshalled, as content or as the forced tool call.
func JSON(v any) Answer { return Answer{JSON: v} }

// Fail answers with an HTTP error status in OpenAI's shape.
func Fail(status int) Answer { return Answer{Status: status} }

// RateLimited answers 429, asking the client to wait with Retry-After set
// to retryAfter (seconds, or an HTTP date) when it is not empty.
func RateLimited(retryAfter string) Answer {
	a := Fail(http.StatusTooManyRequests)
	if retryAfter != "" {
		a.Header = http.Header{"Retry-After": {retryAfter}}
	}
	return a
}

// QuotaExhausted answers 429 as OpenAI does when the account is out of
// credit or past a spending limit: error type insufficient_quota, the
// same status as a rate limit, without Retry-After, and no wait ends it
// (https://platform.openai.com/docs/guides/error-codes/api-errors: "You
// exceeded your current quota, please check your plan and billing
// details"). code is the error's code: "insufficient_quota", or one of
// the finer codes OpenAI sends with that type ("credit_balance_exhausted",
// "organization_spend_limit_exceeded", "project_spend_limit_exceeded",
// "organization_usage_limit_exceeded").
func QuotaExhausted(code string) Answer {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
		"type":    "insufficient_quota", "param": nil, "code": code,
	}})
	return Answer{Status: http.StatusTooManyRequests, Body: string(b)}
}

// Thinking answers with a after the model's reasoning in a <think>
// block, in message.content, as reasoning models (DeepSeek-R1, QwQ, Qwen3)
// answer when vLLM serves them without --reasoning-parser
// (https://docs.vllm.ai/en/v0.8.3/features/reasoning_outputs.html) or
// llama.cpp with --reasoning-format none
// (https://github.com/ggml-org/llama.cpp/pull/16394): the reasoning is not
// moved to reasoning_content, and it is in the content whatever format was
// asked for. A forced tool call's arguments carry none.
func Thinking(reasoning string, a Answer) Answer { a.Think = reasoning; return a }

// Refusal answers with the model refusing.
func Refusal(s string) Answer { return Answer{Refusal: s} }

// Hang never answers: the client's timeout ends the request.
func Hang() Answer { return Answer{Hang: true} }

// InvalidJSON answers with content that is not JSON, as a model ignoring
// the requested format would.
func InvalidJSON() Answer { return Answer{Content: `{"reps": ["U1"], "kind": "ride_along",`} }

// Slow answers with a after d.
func Slow(d time.Duration, a Answer) Answer { a.Delay = d; return a }

// Held answers with a once until is closed.
func Held(until <-chan struct{}, a Answer) Answer { a.Until = until; return a }

// errorBody is the body of a failed answer.
func (a Answer) errorBody() string {
	if a.Body != "" {
		return a.Body
	}
	msg, typ := "The server had an error while processing your request. Sorry about that!", "server_error"
	switch {
	case a.Status == 429:
		msg, typ = "Rate limit reached for requests", "requests"
	case a.Status < 500:
		msg, typ = "Bad request", "invalid_request_error"
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}})
	return string(b)
}
