package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Why a call gave nothing usable; each is a metrics label.
const (
	ReasonDisabled    = "disabled"           // no key, or notes may not reach the model
	ReasonBreakerOpen = "breaker_open"       // the circuit breaker refused the call
	ReasonTimeout     = "timeout"            // a request outlived the timeout
	ReasonCanceled    = "canceled"           // the caller gave up
	ReasonServer      = "server_error"       // HTTP 5xx
	ReasonRateLimited = "rate_limited"       // HTTP 429
	ReasonQuota       = "quota_exhausted"    // HTTP 429 for quota: no credit, a spending limit reached
	ReasonClient      = "client_error"       // other HTTP 4xx: the request is wrong
	ReasonKeyRefused  = "key_refused"        // HTTP 401 or 403: the key is refused
	ReasonNotFound    = "model_not_found"    // HTTP 404: no such model or deployment
	ReasonAPIVersion  = "api_version"        // Azure: the api-version is too old for the model (400), or not served (404 Resource not found, 400)
	ReasonNotAPI      = "not_openai_api"     // the answer is not JSON: the base URL is no OpenAI-compatible API
	ReasonNetwork     = "network"            // no HTTP answer
	ReasonUnsupported = "unsupported_format" // the server refused every structured-output format
	ReasonRefusal     = "refusal"            // the model refused, or a content filter did
	ReasonTruncated   = "truncated"          // the answer hit the token limit
	ReasonEmpty       = "empty_answer"       // no answer text at all
	ReasonInvalid     = "invalid_answer"     // the answer failed validation
	ReasonTooLong     = "too_long"           // the input is too long to send
	ReasonBudget      = "budget"             // the digest's token budget is spent
)

// Failure is why an LLM call gave nothing usable. Its message names the
// reason and the HTTP status, never a prompt, an answer or an error body.
type Failure struct {
	Reason string
	Status int    // HTTP status, when there was one
	Detail string // what was wrong with an answer, in words safe to log
	// maxTokensRefused: the server wants max_completion_tokens instead
	// (a reasoning model).
	maxTokensRefused bool
	// retryAfter is the wait the server asked for before another request
	// (Retry-After), 0 when it did not say.
	retryAfter time.Duration
}

func (f *Failure) Error() string {
	msg := "llm: " + f.Reason
	if f.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", f.Status)
	}
	if f.Detail != "" {
		msg += ": " + f.Detail
	}
	return msg
}

// ErrDisabled is returned by the stand-ins wired when the LLM is off.
var ErrDisabled = &Failure{Reason: ReasonDisabled}

// retryable reports whether one more try may succeed.
func (f *Failure) retryable() bool {
	switch f.Reason {
	case ReasonTimeout, ReasonServer, ReasonRateLimited, ReasonNetwork:
		return true
	}
	return false
}

// canceled reports whether err is the caller's giving up.
func canceled(err error) bool {
	fl, ok := errors.AsType[*Failure](err)
	return ok && fl.Reason == ReasonCanceled
}

// persistent reports whether no wait ends the failure: the account is out
// of credit, the key is refused, the model or deployment does not exist,
// the api-version is too old for it or not served, or the base URL is no
// OpenAI-compatible API. Every call meets the same answer until someone
// acts, so the breaker opens at once.
func (f *Failure) persistent() bool {
	switch f.Reason {
	case ReasonQuota, ReasonKeyRefused, ReasonNotFound, ReasonAPIVersion, ReasonNotAPI:
		return true
	}
	return false
}

// verdictOf says what a call's error tells the circuit breaker: a 4xx or
// a refused format shows the server is up; a cancellation tells nothing.
func verdictOf(err error) verdict {
	fl, ok := errors.AsType[*Failure](err)
	switch {
	case !ok:
		return verdictOK
	case fl.Reason == ReasonCanceled:
		return verdictUnknown
	case fl.persistent():
		return verdictPersistent
	case fl.retryable():
		return verdictFailed
	}
	return verdictOK
}

// classify turns a go-openai error into a Failure; nil stays nil. ctx is
// the caller's, to tell its cancellation from a request's timeout.
func classify(ctx context.Context, err error, f Format) *Failure {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return &Failure{Reason: ReasonCanceled}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Failure{Reason: ReasonTimeout}
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return &Failure{Reason: ReasonTimeout}
	}
	status, text := httpError(err)
	switch {
	case status == 0 && undecodable(err):
		// A 200 whose body is not a completion: a web page (a web UI, a
		// proxy's login page) where the API was expected.
		return &Failure{Reason: ReasonNotAPI}
	case status == 0:
		return &Failure{Reason: ReasonNetwork}
	case status == 403 && (strings.Contains(text, "moderation") || strings.Contains(text, "flagged")):
		// OpenRouter: "Your chosen model requires moderation and your
		// input was flagged" (https://openrouter.ai/docs/errors).
		return &Failure{Reason: ReasonRefusal, Status: status}
	case status == 401 || status == 403:
		return &Failure{Reason: ReasonKeyRefused, Status: status}
	case status == 402:
		// OpenRouter, out of credit (https://openrouter.ai/docs/errors).
		return &Failure{Reason: ReasonQuota, Status: status, Detail: "payment_required"}
	case status == 429 && quotaExhausted(err):
		return &Failure{Reason: ReasonQuota, Status: status, Detail: quotaCode(err)}
	case status == 429:
		return &Failure{Reason: ReasonRateLimited, Status: status}
	case status >= 500:
		return &Failure{Reason: ReasonServer, Status: status}
	case notJSONBody(err):
		// A 4xx page of HTML (nginx's 404 for a path without /v1).
		return &Failure{Reason: ReasonNotAPI, Status: status}
	case status == 404 && (errorCode(err) == codeDeploymentNotFound || errorCode(err) == codeModelNotFound):
		// Azure names a deployment it lacks (code DeploymentNotFound,
		// https://learn.microsoft.com/en-us/answers/questions/1189174/how-do-i-resolve-error-deploymentnotfound-for-azur),
		// OpenAI a model (code model_not_found): OPENAI_MODEL, then.
		return &Failure{Reason: ReasonNotFound, Status: status, Detail: errorCode(err)}
	case status == 404 && azureResourceNotFound(err):
		// Azure's deployments API answers a request whose api-version it
		// does not serve (none, a retired preview, a typo) or whose path is
		// not its own with {"code":"404","message":"Resource not found"}
		// (https://github.com/openai/openai-python/issues/362,
		// https://github.com/langchain-ai/langchain/issues/13284,
		// https://github.com/MicrosoftDocs/azure-docs/issues/114602), and a
		// deployment it lacks with DeploymentNotFound (above): this one is
		// no missing deployment.
		return &Failure{Reason: ReasonAPIVersion, Status: status}
	case status == 404:
		// Neither shape says which: the model, the deployment or the path.
		return &Failure{Reason: ReasonNotFound, Status: status}
	case status == 400 && strings.Contains(text, "api version not supported"):
		// Azure: {"code":"BadRequest","message":"API version not
		// supported"} (https://github.com/hotovo/aider-desk/issues/460,
		// https://github.com/spring-projects/spring-ai/issues/3873).
		return &Failure{Reason: ReasonAPIVersion, Status: status}
	case status == 400 && (strings.Contains(text, "content_filter") || strings.Contains(text, "responsibleaipolicyviolation")):
		// Azure's content filter refusing the prompt: code content_filter,
		// innererror.code ResponsibleAIPolicyViolation
		// (https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/content-filter).
		return &Failure{Reason: ReasonRefusal, Status: status}
	case status == 400 && (strings.Contains(text, "enabled only for api version") || strings.Contains(text, "enabled only for api-version")):
		// Azure: "Model o1 is enabled only for api versions
		// 2024-12-01-preview and later".
		return &Failure{Reason: ReasonAPIVersion, Status: status, Detail: versionRE().FindString(text)}
	case status == 400 && strings.Contains(text, "max_tokens") && strings.Contains(text, "max_completion_tokens"):
		// OpenAI and Azure, to a reasoning model: "Unsupported parameter:
		// 'max_tokens' is not supported with this model. Use
		// 'max_completion_tokens' instead."
		return &Failure{Reason: ReasonClient, Status: status, maxTokensRefused: true}
	case f.refusedBy(status, text):
		return &Failure{Reason: ReasonUnsupported, Status: status}
	}
	return &Failure{Reason: ReasonClient, Status: status}
}

// The error codes that say what a 404 did not find.
const (
	codeDeploymentNotFound = "DeploymentNotFound" // Azure: no deployment of that name
	codeModelNotFound      = "model_not_found"    // OpenAI: no model of that name, or none the key may use
)

// errorCode is the string code of a server's error answer, "" when it
// gave none or a number.
func errorCode(err error) string {
	ae, ok := errors.AsType[*openai.APIError](err)
	if !ok {
		return ""
	}
	code, _ := ae.Code.(string)
	return code
}

// azureResourceNotFound reports whether err is Azure's bare 404, code
// "404" and message "Resource not found".
func azureResourceNotFound(err error) bool {
	ae, ok := errors.AsType[*openai.APIError](err)
	return ok && errorCode(err) == "404" && strings.EqualFold(strings.TrimSpace(ae.Message), "Resource not found")
}

// versionRE matches the api-version Azure's refusal names, a fixed form
// safe to log. Compiled on the first such refusal, not at start: a
// pattern compiled at init stays in memory for the process's life
// (README *Performance*, the idle figure).
var versionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b20[0-9]{2}-[0-9]{2}-[0-9]{2}(?:-preview)?\b`)
})

// undecodable reports whether err is a 200 answer go-openai could not read
// as JSON.
func undecodable(err error) bool {
	_, syntax := errors.AsType[*json.SyntaxError](err)
	_, typ := errors.AsType[*json.UnmarshalTypeError](err)
	return syntax || typ
}

// notJSONBody reports whether err is an error answer whose body is not
// JSON at all (go-openai keeps the body when it cannot read an error
// from it).
func notJSONBody(err error) bool {
	re, ok := errors.AsType[*openai.RequestError](err)
	return ok && !json.Valid(re.Body)
}

// httpError returns the HTTP status of a server's error answer and its
// text, lower-cased, for recognising a refused parameter. The text is
// never logged: servers may echo the prompt in it.
func httpError(err error) (int, string) {
	if ae, ok := errors.AsType[*openai.APIError](err); ok {
		text := ae.Message + " " + ae.Type + " " + fmt.Sprint(ae.Code)
		if ae.Param != nil {
			text += " " + *ae.Param
		}
		if ae.InnerError != nil {
			text += " " + ae.InnerError.Code
		}
		return ae.HTTPStatusCode, strings.ToLower(text)
	}
	if re, ok := errors.AsType[*openai.RequestError](err); ok {
		return re.HTTPStatusCode, strings.ToLower(string(re.Body))
	}
	return 0, ""
}

// quotaCodes are the error codes OpenAI answers with a 429 when the
// account, organisation or project is out of credit or past a spending or
// usage limit, all of error type insufficient_quota: no wait ends them,
// and a retry meets the same answer until someone adds credit or raises
// the limit (https://platform.openai.com/docs/guides/error-codes/api-errors;
// the finer codes: https://learn.microsoft.com/en-us/microsoft-cloud/dev/dev-proxy/concepts/openai-insufficient-quota).
var quotaCodes = map[string]bool{
	"insufficient_quota": true, "credit_balance_exhausted": true, "organization_spend_limit_exceeded": true,
	"project_spend_limit_exceeded": true, "organization_usage_limit_exceeded": true,
}

// quotaExhausted reports whether err, a 429, is for quota rather than
// rate: its error type or code says so.
func quotaExhausted(err error) bool {
	ae, ok := errors.AsType[*openai.APIError](err)
	if !ok {
		return false
	}
	code, _ := ae.Code.(string)
	return ae.Type == "insufficient_quota" || quotaCodes[code]
}

// quotaCode is the code of a quota error, one of quotaCodes (safe to log:
// a fixed word, never the server's message), or "insufficient_quota" when
// the server gave another or none.
func quotaCode(err error) string {
	if ae, ok := errors.AsType[*openai.APIError](err); ok {
		if code, ok := ae.Code.(string); ok && quotaCodes[code] {
			return code
		}
	}
	return "insufficient_quota"
}
