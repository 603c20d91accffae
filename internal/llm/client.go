package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultRetryBackoff is the wait before the one retry of a failed
// request, unless the server asked for a longer one (Retry-After).
const DefaultRetryBackoff = 250 * time.Millisecond

// chatAPI is the one go-openai call the client makes; tests and fakes may
// stand in for it, though the project's tests drive the real client
// against internal/fakeopenai.
type chatAPI interface {
	CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
}

// Options are the client's collaborators; zero values get defaults.
type Options struct {
	Logger     *slog.Logger
	Metrics    Metrics
	Now        func() time.Time // the breaker's clock, and what a Retry-After date is read against
	HTTPClient *http.Client
	// BreakerFailures failed calls in a row open the breaker for
	// BreakerCooldown.
	BreakerFailures int
	BreakerCooldown time.Duration
	// RetryBackoff is the wait before retrying a request that failed for a
	// reason of the server, when the server did not ask for a longer one.
	RetryBackoff time.Duration
}

// Client sends chat completions to an OpenAI-compatible server with a
// timeout per request, one retry on timeouts, 5xx, 429 and network errors
// (none on other 4xx, nor on a 429 for quota) when it can finish in the
// caller's time (retry), a circuit breaker, metrics and logs. Logs carry the
// feature, outcome, status, latency and token counts, never a prompt, an
// answer or a server's error body (which may echo the prompt).
type Client struct {
	api     chatAPI
	model   string
	timeout time.Duration
	backoff time.Duration
	now     func() time.Time
	breaker *breaker
	metrics Metrics
	log     *slog.Logger
	// format is the best structured-output format the server has not
	// refused, remembered for the life of the process.
	format atomic.Int32
	// completionTokens says the limit goes as max_completion_tokens, not
	// max_tokens: known reasoning models from the start, and any model
	// (an Azure deployment's name says nothing of it) once the server has
	// refused max_tokens, for the life of the process.
	completionTokens atomic.Bool
	// persistentSaid: the operator was told of a failure no wait ends
	// (Failure.persistent), and no call has succeeded since; they are told
	// once, not at each probe.
	persistentSaid atomic.Bool
	// holdUntil is when calls may go again after a 429 asked for a wait
	// (Unix nanoseconds on the client's clock), 0 when none did.
	holdUntil atomic.Int64
}

// NewClient returns a client for cfg. It makes no request until asked.
func NewClient(cfg Config, o Options) *Client {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = nopMetrics{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.BreakerFailures <= 0 {
		o.BreakerFailures = DefaultBreakerFailures
	}
	if o.BreakerCooldown <= 0 {
		o.BreakerCooldown = DefaultBreakerCooldown
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	c := &Client{
		api:     openai.NewClientWithConfig(clientConfig(cfg, withRetryAfter(o.HTTPClient))),
		model:   cfg.Model,
		timeout: cfg.Timeout,
		backoff: o.RetryBackoff,
		now:     o.Now,
		breaker: newBreaker(o.BreakerFailures, o.BreakerCooldown, o.Now),
		metrics: o.Metrics,
		log:     o.Logger,
	}
	c.completionTokens.Store(reasoningModel(cfg.Model))
	return c
}

// clientConfig picks OpenAI's request shape or Azure's deployments API.
// Azure's v1 API (https://NAME.openai.azure.com/openai/v1) takes OpenAI's
// shape with the key as a bearer token; its older deployments API is used
// when OPENAI_API_VERSION is set or the base URL is an Azure host without
// /openai/v1, with OPENAI_MODEL naming the deployment.
func clientConfig(cfg Config, hc *http.Client) openai.ClientConfig {
	var c openai.ClientConfig
	if azureDeployments(cfg) {
		c = openai.DefaultAzureConfig(cfg.APIKey, strings.TrimRight(cfg.BaseURL, "/"))
		c.APIVersion = cfg.AzureAPIVersion()
		c.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		c = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			c.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	c.HTTPClient = hc
	return c
}

// AzureAPIVersion is the api-version requests are made with when they go
// to Azure's deployments API (OPENAI_API_VERSION, or the default for an
// Azure host without /openai/v1), and "" when they take OpenAI's shape.
func (c Config) AzureAPIVersion() string {
	switch {
	case !azureDeployments(c):
		return ""
	case c.APIVersion != "":
		return c.APIVersion
	}
	return DefaultAzureAPIVersion
}

func azureDeployments(cfg Config) bool {
	if cfg.APIVersion != "" {
		return true
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	azure := strings.HasSuffix(host, ".openai.azure.com") || strings.HasSuffix(host, ".cognitiveservices.azure.com")
	return azure && !strings.Contains(u.Path, "/openai/v1")
}

// BreakerOpen reports whether the circuit breaker has stopped calling the
// server (open, or half-open waiting for its probe), for /healthz and a
// gauge. A nil client (no key) has none.
func (c *Client) BreakerOpen() bool { return c != nil && c.breaker.isOpen() }

// Request is one question to the model.
type Request struct {
	Feature string // FeatureCapture, FeaturePrep or FeatureNarrative
	// System holds the instructions; User the data. Whatever people wrote
	// goes in User only, marked as data.
	System, User string
	MaxTokens    int
	// Schema asks for a JSON object of this shape; nil asks for prose.
	Schema *Schema
}

// Schema is the JSON schema of a structured answer.
type Schema struct {
	Name        string
	Description string
	JSON        json.RawMessage
}

// Reply is the model's answer.
type Reply struct {
	// Text is the prose, or the JSON object of a structured answer.
	Text             string
	Format           Format
	PromptTokens     int
	CompletionTokens int
}

// Complete asks the model. A structured request goes in the best format
// the server has not refused (json_schema, then json_object, then a forced
// tool call), stepping down when the server refuses one and remembering
// that for the life of the process; a server that refuses max_tokens (a
// reasoning model) is asked again at once with max_completion_tokens, and
// so is every later request. The error is a *Failure.
func (c *Client) Complete(ctx context.Context, req Request) (Reply, error) {
	// A request in flight when another learned of the refusal was sent
	// with max_tokens too: it is asked again, once, whoever flipped it.
	askedAgain := false
	for {
		f := FormatText
		if req.Schema != nil {
			if f = Format(c.format.Load()); f >= formatNone {
				return c.finish(req.Feature, Reply{}, &Failure{Reason: ReasonUnsupported})
			}
		}
		reply, err := c.call(ctx, req, f)
		fl, ok := errors.AsType[*Failure](err)
		switch {
		case ok && fl.Reason == ReasonUnsupported && f != FormatText:
			if c.format.CompareAndSwap(int32(f), int32(f+1)) {
				c.log.Warn("llm server refused a structured output format; stepping down",
					"feature", req.Feature, "refused", f.String(), "next", (f + 1).String())
			}
			continue
		case ok && fl.maxTokensRefused && !askedAgain:
			askedAgain = true
			if !c.completionTokens.Swap(true) {
				c.log.Warn("llm server refused max_tokens; asking with max_completion_tokens from now on", "feature", req.Feature)
			}
			continue
		}
		return c.finish(req.Feature, reply, err)
	}
}

// finish counts a call that gave nothing usable.
func (c *Client) finish(feature string, reply Reply, err error) (Reply, error) {
	if fl, ok := errors.AsType[*Failure](err); ok {
		c.metrics.LLMFailure(feature, fl.Reason)
	}
	return reply, err
}

// call makes one call in format f: through the breaker, with one retry.
// The call's verdict for the breaker is its last attempt's that learnt
// something: a retry the caller gave up on leaves the first attempt's, so
// that a model that hangs opens the breaker whatever the caller's wait.
func (c *Client) call(ctx context.Context, req Request, f Format) (Reply, error) {
	if until := c.holdUntil.Load(); until != 0 && c.now().UnixNano() < until {
		return Reply{}, &Failure{Reason: ReasonRateLimited, Detail: "held off until the wait a 429 asked for is over"}
	}
	ok, probe := c.breaker.allow()
	if !ok {
		return Reply{}, &Failure{Reason: ReasonBreakerOpen}
	}
	chat := c.chatRequest(req, f)
	resp, err := c.attempt(ctx, req.Feature, chat, f, 1)
	if fl, ok := errors.AsType[*Failure](err); ok && fl.retryable() && c.waitToRetry(ctx, req.Feature, fl) {
		if r, rerr := c.attempt(ctx, req.Feature, chat, f, 2); !canceled(rerr) {
			resp, err = r, rerr
		}
	}
	fl, _ := errors.AsType[*Failure](err)
	if fl != nil && fl.Reason == ReasonRateLimited && fl.retryAfter > 0 {
		c.holdOff(req.Feature, min(fl.retryAfter, maxHold))
	}
	c.breaker.done(probe, verdictOf(err), fl)
	c.sayPersistent(req.Feature, err)
	if err != nil {
		return Reply{}, err
	}
	return reply(resp, f)
}

// holdOff makes every call for d from now fall back at once, without a
// request: a 429 asked for that wait (Retry-After, retry-after-ms,
// x-ratelimit-reset-requests), and a request sent sooner meets the same
// 429. A longer hold already set stays.
func (c *Client) holdOff(feature string, d time.Duration) {
	until := c.now().Add(d).UnixNano()
	for {
		old := c.holdUntil.Load()
		if old >= until {
			return
		}
		if c.holdUntil.CompareAndSwap(old, until) {
			c.log.Warn("llm calls held off: the server asked to wait before the next request", "feature", feature,
				"wait_ms", d.Milliseconds())
			return
		}
	}
}

// sayPersistent tells the operator, in one line while it lasts, that the
// server answered with a failure no wait ends (Failure.persistent): the
// account out of quota, the key refused, the model not found… LLM help
// falls back until someone acts, and the line says what to fix. A call
// that succeeds ends it, so a later one is told again. The line names the
// status and a fixed code, never the key or the server's message.
func (c *Client) sayPersistent(feature string, err error) {
	fl, ok := errors.AsType[*Failure](err)
	switch {
	case err == nil:
		c.persistentSaid.Store(false)
	case !ok || !fl.persistent() || c.persistentSaid.Swap(true):
	case fl.Reason == ReasonQuota:
		c.log.Error("llm account out of quota: "+persistentCause(fl)+"; LLM help falls back to the rule-based path "+
			"meanwhile; the breaker stops calling and probes after each cool-down",
			"feature", feature, "status", fl.Status, "code", fl.Detail)
	default:
		c.log.Error("llm calls paused: "+persistentCause(fl)+"; LLM help falls back to the rule-based path "+
			"meanwhile; the breaker stops calling and probes after each cool-down",
			"feature", feature, "status", fl.Status, "reason", fl.Reason)
	}
}

// persistentCause says, in plain words, what a persistent failure means
// and which setting fixes it.
func persistentCause(fl *Failure) string {
	status := ""
	if fl.Status != 0 {
		status = fmt.Sprintf(" (HTTP %d)", fl.Status)
	}
	switch {
	case fl.Reason == ReasonQuota:
		return "the account's credits or quota are exhausted" + status + ": add credit or raise the spending limit in the provider's billing"
	case fl.Reason == ReasonKeyRefused && fl.Status == 403:
		// OpenAI: a project without access, a region not served; Azure: a
		// network rule.
		return "the server refused OPENAI_API_KEY access" + status + ": check the key's permissions for the model (on Azure, the resource's network rules too), and restart Coachlog if you change the key"
	case fl.Reason == ReasonKeyRefused:
		return "the server refused OPENAI_API_KEY" + status + ": set a key it accepts, with access to the model, and restart Coachlog"
	case fl.Reason == ReasonNotFound && fl.Detail == codeDeploymentNotFound:
		return "Azure has no deployment named as OPENAI_MODEL" + status + ": set it to the deployment's name (not the model's) on the resource OPENAI_BASE_URL names, and restart Coachlog"
	case fl.Reason == ReasonNotFound && fl.Detail == codeModelNotFound:
		return "the model was not found" + status + ": check OPENAI_MODEL (a model the key may use) and OPENAI_BASE_URL, and restart Coachlog"
	case fl.Reason == ReasonNotFound:
		// A bare 404 does not say what was missing: name every setting
		// that could be.
		return "the server found no such model, deployment or path" + status + ": check OPENAI_MODEL (on Azure, the deployment's name), OPENAI_BASE_URL and, on Azure, OPENAI_API_VERSION, and restart Coachlog"
	case fl.Reason == ReasonAPIVersion && fl.Detail != "":
		return "OPENAI_API_VERSION is too old for this model" + status + ": set it to " + fl.Detail + " or later and restart Coachlog"
	case fl.Reason == ReasonAPIVersion && fl.Status == 404:
		return "Azure found no such resource" + status + ", its answer to an api-version it does not serve: check OPENAI_API_VERSION (" +
			DefaultAzureAPIVersion + " is generally available) and that OPENAI_BASE_URL is the resource's endpoint alone (https://NAME.openai.azure.com), and restart Coachlog"
	case fl.Reason == ReasonAPIVersion:
		return "Azure does not support OPENAI_API_VERSION here" + status + ": set it to a version it lists (" +
			DefaultAzureAPIVersion + " is generally available) and restart Coachlog"
	case fl.Reason == ReasonNotAPI:
		return "the server's answer is not JSON" + status + ", so OPENAI_BASE_URL is not an OpenAI-compatible API: check it (it usually ends in /v1) and restart Coachlog"
	}
	return fl.Reason
}

// Paused says why the breaker stops calling the server, for /healthz: ""
// while calls go on; what to fix after a failure no wait ends; that the
// server kept failing otherwise. A nil client (no key) never pauses.
func (c *Client) Paused() string {
	if c == nil {
		return ""
	}
	open, why := c.breaker.state()
	switch {
	case !open:
		return ""
	case why == nil:
		return "calls paused after repeated failures; prose capture, prep and the narrative fall back until the server answers again"
	}
	return fmt.Sprintf("calls paused: %s; prose capture, prep and the narrative fall back meanwhile, and one call is tried every %s",
		persistentCause(why), c.breaker.cooldown)
}

// waitToRetry waits before a retry after fl, the first attempt's
// failure: the client's backoff, or longer if the server asked
// (Retry-After). It reports false at once, for no retry, when the wait
// and a whole request would outlast the caller's deadline, or, without
// one, when the server asks for a wait longer than a request's timeout:
// a retry cut off by the caller only makes the caller wait longer for its
// fallback, and one sent before the server's time meets the same 429. It
// reports false too when the caller gives up while it waits.
func (c *Client) waitToRetry(ctx context.Context, feature string, fl *Failure) bool {
	if ctx.Err() != nil {
		return false
	}
	wait := max(c.backoff, fl.retryAfter)
	fits := fl.retryAfter <= c.timeout
	if dl, ok := ctx.Deadline(); ok {
		fits = time.Until(dl) >= wait+c.timeout
	}
	if !fits {
		c.log.Debug("llm request not retried: no time for it", "feature", feature, "outcome", fl.Reason,
			"retry_after_ms", fl.retryAfter.Milliseconds())
		return false
	}
	c.log.Debug("llm request retried", "feature", feature, "outcome", fl.Reason, "wait_ms", wait.Milliseconds())
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// attempt sends one request within the client's timeout.
func (c *Client) attempt(ctx context.Context, feature string, chat openai.ChatCompletionRequest, f Format, n int) (openai.ChatCompletionResponse, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	actx, slot := withSlot(actx)
	start := time.Now()
	resp, err := c.api.CreateChatCompletion(actx, chat)
	latency := time.Since(start)
	fl := classify(ctx, err, f)
	if fl != nil && slot.header != nil {
		fl.retryAfter = retryAfter(slot.header, c.now())
	}
	outcome, status := "ok", 0
	if fl != nil {
		outcome, status = fl.Reason, fl.Status
	}
	c.metrics.LLMRequest(feature, outcome, latency)
	attrs := []any{"feature", feature, "outcome", outcome, "format", f.String(), "attempt", n,
		"latency_ms", latency.Milliseconds()}
	if fl != nil {
		c.log.Warn("llm request failed", append(attrs, "status", status)...)
		return resp, fl
	}
	c.metrics.LLMTokens(feature, resp.Usage.PromptTokens, resp.Usage.CompletionTokens)
	c.log.Debug("llm request", append(attrs, "prompt_tokens", resp.Usage.PromptTokens,
		"completion_tokens", resp.Usage.CompletionTokens)...)
	return resp, nil
}

// chatRequest builds the request body for format f.
func (c *Client) chatRequest(req Request, f Format) openai.ChatCompletionRequest {
	chat := openai.ChatCompletionRequest{
		Model: c.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: req.System},
			{Role: openai.ChatMessageRoleUser, Content: req.User},
		},
	}
	// Reasoning models take max_completion_tokens and refuse max_tokens;
	// other servers (older Ollama and vLLM) know only max_tokens.
	if c.completionTokens.Load() {
		chat.MaxCompletionTokens = req.MaxTokens
	} else {
		chat.MaxTokens = req.MaxTokens
	}
	if req.Schema != nil {
		f.apply(&chat, *req.Schema)
	}
	return chat
}

func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// reply reads the answer out of a response.
func reply(resp openai.ChatCompletionResponse, f Format) (Reply, error) {
	r := Reply{Format: f, PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if len(resp.Choices) == 0 {
		return r, &Failure{Reason: ReasonEmpty}
	}
	ch := resp.Choices[0]
	switch {
	case ch.Message.Refusal != "" || ch.FinishReason == openai.FinishReasonContentFilter:
		return r, &Failure{Reason: ReasonRefusal}
	case ch.FinishReason == openai.FinishReasonLength:
		return r, &Failure{Reason: ReasonTruncated}
	}
	r.Text = strings.TrimSpace(ch.Message.Content)
	if f == FormatTools {
		for _, tc := range ch.Message.ToolCalls {
			if tc.Function.Name == toolName {
				r.Text = strings.TrimSpace(tc.Function.Arguments)
				break
			}
		}
	}
	text, fl := stripReasoning(r.Text)
	if fl != nil {
		return r, fl
	}
	r.Text = text
	return r, nil
}
