// Package fakeopenai is a fake OpenAI-compatible server: a real HTTP server
// on 127.0.0.1 serving /v1/chat/completions (and Azure's deployments path),
// so the unmodified go-openai client can be driven end to end in tests and
// in the demo, with no account and no network.
//
// It answers what a test scripted (Enqueue, or a Default function), records
// every request body, and can answer slowly, hang until the client gives
// up, fail with any status, refuse a structured-output format the way
// servers without it do, or answer with invalid JSON or a refusal. It
// sends the shapes real servers send where a client could misread them:
// reasoning in a <think> block in the content (Thinking), OpenAI's,
// Azure's and OpenRouter's errors for a refused key, a missing model or
// deployment, an api-version too old, spent credits, a content filter or
// moderation, rate-limit headers, and a web page where the API was
// expected (answer.go). It checks
// requests as strictly as OpenAI does where this program could get them
// wrong (a strict json_schema, json_object mode without the word JSON, a
// tool_choice naming no tool, max_tokens to a reasoning model, a token
// limit under 1, a tool message answering no tool call), so it is never
// kinder than the real thing.
//
// It does not import the testing package, so the demo binary can use it.
package fakeopenai

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultKey is the API key the fake accepts unless WithKey says otherwise.
const DefaultKey = "sk-fake"

// Server is a fake OpenAI-compatible server. Create it with New, then
// Start it. All methods are safe for concurrent use.
type Server struct {
	key string

	ln      net.Listener
	srv     *http.Server
	baseURL string
	done    chan struct{}
	closed  sync.Once

	mu       sync.Mutex
	requests []Request
	queue    []Answer
	def      func(Request) Answer
	refused  map[string]bool
	reasons  map[string]bool // models and deployments marked as reasoning ones
	seq      int
}

// Option configures a Server.
type Option func(*Server)

// WithKey sets the API key the fake accepts; "" accepts any request.
func WithKey(key string) Option { return func(s *Server) { s.key = key } }

// WithReasoning marks models, or Azure deployments by name, as reasoning
// models: like OpenAI's o-series, gpt-5 and gpt-6, they refuse max_tokens
// (and take max_completion_tokens). Models named o1…, o3…, o4…, gpt-5…
// and gpt-6… are reasoning ones without it; a deployment's name says
// nothing of its model.
func WithReasoning(names ...string) Option {
	return func(s *Server) {
		for _, n := range names {
			s.reasons[n] = true
		}
	}
}

// reasoning reports whether model (or an Azure deployment) is a reasoning
// model.
func (s *Server) reasoning(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return s.reasons[model]
}

// New returns a Server that is not listening yet.
func New(opts ...Option) *Server {
	s := &Server{key: DefaultKey, done: make(chan struct{}), refused: map[string]bool{}, reasons: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("fakeopenai: listen: %w", err)
	}
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /openai/deployments/{deployment}/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Invalid URL ("+r.Method+" "+r.URL.Path+")", "invalid_request_error", "", nil)
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

// URL is the base URL to give a client as OPENAI_BASE_URL (".../v1").
func (s *Server) URL() string { return s.baseURL + "/v1" }

// Root is the server's address without /v1, as an Azure resource URL.
func (s *Server) Root() string { return s.baseURL }

// Close stops the server; requests hanging on a slow answer end at once.
func (s *Server) Close() error {
	var err error
	s.closed.Do(func() {
		close(s.done)
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err = s.srv.Shutdown(ctx)
		}
	})
	return err
}

// Request is one request the fake received.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
	// Chat is Body decoded, when it was a chat completion request.
	Chat ChatRequest
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Enqueue scripts the answers to the next chat requests, one each, in
// order. A request that finds the queue empty gets Default's answer.
func (s *Server) Enqueue(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, answers...)
}

// Default sets how requests are answered when nothing is queued. Without
// it they get Text("fake answer").
func (s *Server) Default(f func(Request) Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.def = f
}

// Refuse makes the server refuse requests using any of these features, as
// servers without them do: "json_schema" (a 400 shaped like vLLM's before
// it had structured output), "json_object" (the same, for JSON mode) and
// "tools" (a 400 shaped like Ollama's for a model without tool support).
// Refused requests are recorded but consume no scripted answer.
func (s *Server) Refuse(features ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range features {
		s.refused[f] = true
	}
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": "gpt-4.1-mini", "object": "model", "created": 0, "owned_by": "fake"},
	}})
}

// authorized checks the key the way OpenAI (a bearer token) or Azure's
// deployments API (an api-key header) expects it.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, azure bool) bool {
	if s.key == "" {
		return true
	}
	if azure {
		if r.Header.Get("api-key") == s.key {
			return true
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": "401",
			"message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}})
		return false
	}
	if r.Header.Get("Authorization") == "Bearer "+s.key {
		return true
	}
	writeError(w, http.StatusUnauthorized, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
		"invalid_request_error", "", "invalid_api_key")
	return false
}

// hold holds a's answer: for its Delay (Hang: for ever), then until its
// Until closes. It reports whether the answer should still be written:
// false if the client gave up or the server closed first.
func (s *Server) hold(ctx context.Context, a Answer) bool {
	if a.Hang || a.Delay > 0 {
		var timeout <-chan time.Time // nil, for Hang: never
		if !a.Hang {
			t := time.NewTimer(a.Delay)
			defer t.Stop()
			timeout = t.C
		}
		if !waitFor(ctx, s.done, timeout) {
			return false
		}
	}
	return a.Until == nil || waitFor(ctx, s.done, a.Until)
}

// waitFor waits for c (a nil c, for ever); false if ctx ends or done
// closes first.
func waitFor[T any](ctx context.Context, done <-chan struct{}, c <-chan T) bool {
	select {
	case <-c:
		return true
	case <-ctx.Done():
	case <-done:
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // as OpenAI writes them: "<", ">" and "&" bare
	_ = enc.Encode(v)
}

// writeError writes OpenAI's error shape.
func writeError(w http.ResponseWriter, status int, msg, typ, param string, code any) {
	var p any
	if param != "" {
		p = param
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": p, "code": code}})
}

// lower is strings.ToLower, kept short for the checks.
func lower(s string) string { return strings.ToLower(s) }
