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
	// HTML sends Body as text/html, with Status (200 too).
	HTML bool
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

// errorJSON is an error answer with status and the body v, as JSON.
func errorJSON(status int, v any) Answer {
	b, _ := json.Marshal(v)
	return Answer{Status: status, Body: string(b)}
}

// ModelNotFound answers 404 as OpenAI does for a model that does not
// exist or that the key may not use (as seen in
// https://github.com/rd-1-2022/ai-openai-helloworld/issues/9 and
// https://github.com/Aider-AI/aider/issues/2030): a wrong OPENAI_MODEL,
// which no retry fixes.
func ModelNotFound(model string) Answer {
	return errorJSON(http.StatusNotFound, map[string]any{"error": map[string]any{
		"message": "The model `" + model + "` does not exist or you do not have access to it.",
		"type":    "invalid_request_error", "param": nil, "code": "model_not_found",
	}})
}

// DeploymentNotFound answers 404 as Azure OpenAI's deployments API does
// for a deployment name the resource has not
// (https://github.com/MicrosoftDocs/azure-docs/issues/114013,
// https://github.com/chatboxai/chatbox/issues/646): Azure's error shape,
// a code and a message, no type.
func DeploymentNotFound() Answer {
	return errorJSON(http.StatusNotFound, map[string]any{"error": map[string]any{
		"code":    "DeploymentNotFound",
		"message": "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
	}})
}

// resourceNotFound is Azure OpenAI's bare 404 body: a code "404", no type.
var resourceNotFound = map[string]any{"error": map[string]any{"code": "404", "message": "Resource not found"}}

// ResourceNotFound answers 404 as Azure OpenAI's deployments API does for
// an api-version it does not serve (a retired preview, a typo), and when
// none is given (https://github.com/openai/openai-python/issues/362,
// https://github.com/langchain-ai/langchain/issues/13284,
// https://github.com/MicrosoftDocs/azure-docs/issues/114602): unlike a
// missing deployment's answer (DeploymentNotFound), it names nothing.
func ResourceNotFound() Answer { return errorJSON(http.StatusNotFound, resourceNotFound) }

// APIVersionNotSupported answers 400 as Azure OpenAI does for an
// api-version an endpoint does not support
// (https://github.com/hotovo/aider-desk/issues/460,
// https://github.com/spring-projects/spring-ai/issues/3873).
func APIVersionNotSupported() Answer {
	return errorJSON(http.StatusBadRequest, map[string]any{"error": map[string]any{
		"code": "BadRequest", "message": "API version not supported",
	}})
}

// APIVersionTooOld answers 400 as Azure OpenAI does when the api-version
// is older than the deployment's model takes, as for o1 and o3-mini before
// 2024-12-01-preview (https://github.com/chatboxai/chatbox/issues/1745,
// https://github.com/Azure-Samples/azure-search-openai-demo/issues/2496).
// Azure writes "{modelName}" unfilled or the model's name.
func APIVersionTooOld(model string) Answer {
	return errorJSON(http.StatusBadRequest, map[string]any{"error": map[string]any{
		"code": "BadRequest", "message": "Model " + model + " is enabled only for api versions 2024-12-01-preview and later",
	}})
}

// InsufficientCredits answers 402 as OpenRouter does when the account or
// key has no credit left (https://openrouter.ai/docs/errors: "402: Your
// account or API key has insufficient credits"): a numeric code, no type.
func InsufficientCredits() Answer {
	return errorJSON(http.StatusPaymentRequired, map[string]any{"error": map[string]any{
		"code": 402, "message": "Insufficient credits. Add more using https://openrouter.ai/credits",
	}})
}

// Moderated answers 403 as OpenRouter does when the model requires
// moderation and the input was flagged (https://openrouter.ai/docs/errors:
// "403: Your chosen model requires moderation and your input was
// flagged"): a refusal of this input, not of the key.
func Moderated() Answer {
	return errorJSON(http.StatusForbidden, map[string]any{"error": map[string]any{
		"code": 403, "message": "Your chosen model requires moderation and your input was flagged",
		"metadata": map[string]any{"reasons": []string{"harassment"}, "flagged_input": "…", "provider_name": "OpenAI", "model_slug": "openai/gpt-4o"},
	}})
}

// ContentFiltered answers 400 as Azure OpenAI does when its content
// filter blocks the prompt: code content_filter, innererror
// ResponsibleAIPolicyViolation
// (https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/content-filter,
// https://github.com/microsoft/azurechat/issues/351).
func ContentFiltered() Answer {
	return errorJSON(http.StatusBadRequest, map[string]any{"error": map[string]any{
		"message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
		"type":    nil, "param": "prompt", "code": "content_filter", "status": 400,
		"innererror": map[string]any{"code": "ResponsibleAIPolicyViolation", "content_filter_result": map[string]any{
			"hate": map[string]any{"filtered": true, "severity": "high"}, "self_harm": map[string]any{"filtered": false, "severity": "safe"},
			"sexual": map[string]any{"filtered": false, "severity": "safe"}, "violence": map[string]any{"filtered": false, "severity": "safe"},
		}},
	}})
}

// WebPage answers with an HTML page and status, as a base URL that is no
// OpenAI-compatible API does: a web UI answering 200 to any path
// (https://github.com/openinterpreter/openinterpreter/issues/115), or
// nginx's 404 page for a path without /v1
// (https://github.com/tsundereraws/aisub-translator/issues/2).
func WebPage(status int) Answer {
	return Answer{Status: status, HTML: true, Body: "<!doctype html><html><head><title>One API</title></head><body><div id=\"root\"></div></body></html>"}
}

// KeyRefused answers 401 as OpenAI does to a key it does not accept (as
// the fake does to any key but its own: Server.authorized): error code
// invalid_api_key.
func KeyRefused() Answer {
	return errorJSON(http.StatusUnauthorized, map[string]any{"error": map[string]any{
		"message": "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
		"type":    "invalid_request_error", "param": nil, "code": "invalid_api_key",
	}})
}

// RateLimitedUntilReset answers 429 with OpenAI's rate-limit headers and
// no Retry-After: no request is left in the window, which resets after
// reset, a Go-style duration ("1s", "6m0s")
// (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
func RateLimitedUntilReset(reset string) Answer {
	a := Fail(http.StatusTooManyRequests)
	a.Header = http.Header{"X-Ratelimit-Limit-Requests": {"500"}, "X-Ratelimit-Remaining-Requests": {"0"},
		"X-Ratelimit-Reset-Requests": {reset}}
	return a
}
