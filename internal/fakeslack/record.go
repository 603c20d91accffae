package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Pseudo-methods for requests that are not Web API methods, usable with
// FailNext, SetLatency, CallsTo and WaitForCall.
const (
	// MethodUpload is the POST of a file's bytes to the upload_url that
	// files.getUploadURLExternal returned.
	MethodUpload = "upload"
	// MethodResponseURL is a POST to a response_url (recorded as a Response).
	MethodResponseURL = "response_url"
)

// Call is one recorded Web API request.
type Call struct {
	Method     string // "chat.postMessage"
	HTTPMethod string // GET or POST
	Token      string // from the Authorization header or the token parameter
	// Params holds form values (first value of each) or, for JSON bodies,
	// top-level fields: strings decoded, anything else as raw JSON text.
	// The token is not repeated here.
	Params      map[string]string
	Body        []byte
	ContentType string
	Time        time.Time
	Status      int    // HTTP status answered
	Error       string // Slack error code answered, "" when ok
	// Response is the JSON body answered (the new message's ts, the
	// opened view's id...).
	Response json.RawMessage
}

// Param returns the named parameter, "" when absent.
func (c Call) Param(name string) string { return c.Params[name] }

// Decode unmarshals a JSON-valued parameter (blocks, view, files) into dst.
func (c Call) Decode(name string, dst any) error {
	v, ok := c.Params[name]
	if !ok {
		return fmt.Errorf("decode %s of %s call: parameter absent", name, c.Method)
	}
	if err := json.Unmarshal([]byte(v), dst); err != nil {
		return fmt.Errorf("decode %s of %s call: %w", name, c.Method, err)
	}
	return nil
}

// Calls returns every recorded call in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.st.calls...)
}

// CallsTo returns the recorded calls to method.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.st.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitForCall waits until a call to method for which match reports true (nil
// matches any) has been answered, and returns the first such call. Calls
// made before the wait count too. The error lists the methods called so far.
func (s *Server) WaitForCall(ctx context.Context, method string, match func(Call) bool) (Call, error) {
	var got Call
	err := s.waitFor(ctx, "wait for call to "+method, func() bool {
		for _, c := range s.st.calls {
			if c.Method == method && (match == nil || match(c)) {
				got = c
				return true
			}
		}
		return false
	})
	if err != nil {
		return Call{}, fmt.Errorf("%w (calls so far: %s)", err, s.callSummary())
	}
	return got, nil
}

func (s *Server) callSummary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.st.calls) == 0 {
		return "none"
	}
	names := make([]string, 0, len(s.st.calls))
	for _, c := range s.st.calls {
		n := c.Method
		if c.Error != "" {
			n += "=" + c.Error
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// Fault is an injected failure for one request.
type Fault struct {
	// Status, when set, is the HTTP status answered (429, 500, 503...).
	Status int
	// RetryAfter sets the Retry-After header, in seconds (use with 429).
	RetryAfter int
	// Error is a Slack error code. Without Status it is answered as
	// HTTP 200 {"ok":false,"error":Error}, the way Slack reports errors.
	// On MethodResponseURL that is an alternative answer shape, not the
	// one the fake gives by itself: Slack refuses a response_url post with
	// a 4xx and the code (the fake answers 404 expired_url or used_url,
	// 400 invalid_blocks), but clients that have long run against it read
	// a 200's body as JSON and check its ok field (Sentry's Slack client:
	// "If Slack gives us back a 200 we still want to check the 'ok'
	// param"), so a bot must treat that shape as a refusal too.
	Error string
	// Drop closes the connection without an answer, as a network failure
	// would: the client sees an error from its HTTP transport.
	Drop bool
}

// FailNext makes the next n requests to method (a Web API method name,
// MethodUpload or MethodResponseURL) fail with f. Faults queue up in order.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.st.faults[method] = append(s.st.faults[method], f)
	}
}

// ClearFaults drops the faults still queued for method: a test holds a
// call back with FailNext for as long as it needs, then lets it through.
func (s *Server) ClearFaults(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.faults, method)
}

// takeFaultLocked pops the next fault queued for method.
func (s *Server) takeFaultLocked(method string) (Fault, bool) {
	q := s.st.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.st.faults[method] = q[1:]
	return q[0], true
}

// faultResult turns a fault into the answer Slack would give.
func faultResult(f Fault) apiResult {
	if f.Drop {
		r := errResult("dropped")
		r.drop = true
		return r
	}
	if f.Status == 0 {
		code := f.Error
		if code == "" {
			code = "fatal_error"
		}
		return errResult(code)
	}
	code := f.Error
	if code == "" {
		code = "internal_error"
		if f.Status == 429 {
			code = "ratelimited"
		}
	}
	r := errResult(code)
	r.status = f.Status
	r.retryAfter = f.RetryAfter
	return r
}

// SetLatency delays every answer to method (or pseudo-method) by d; zero removes it.
func (s *Server) SetLatency(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.st.latency, method)
		return
	}
	s.st.latency[method] = d
}

// HoldAnswers keeps Slack's answers to the calls of method that match
// (all of them when match is nil) from leaving until release is called,
// or the fake closes. Each call is carried out and recorded first: a post
// is in its channel for people to read and click while the app still
// waits to hear that it went, and where. So it is on Slack: people see a
// message as soon as Slack has it, and the app learns its ts only when
// the answer is back. (SetLatency delays a call before anything is done.)
func (s *Server) HoldAnswers(method string, match func(Call) bool) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &heldAnswers{match: match, gate: make(chan struct{})}
	s.st.held[method] = append(s.st.held[method], h)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.st.held[method] = slices.DeleteFunc(s.st.held[method], func(x *heldAnswers) bool { return x == h })
			s.mu.Unlock()
			close(h.gate)
		})
	}
}

// heldAnswers is one HoldAnswers: the calls it holds, and the gate their
// answers wait at.
type heldAnswers struct {
	match func(Call) bool
	gate  chan struct{}
}

// awaitAnswer waits while an answer to c is held (HoldAnswers).
func (s *Server) awaitAnswer(ctx context.Context, c Call) {
	s.mu.Lock()
	var gates []chan struct{}
	for _, h := range s.st.held[c.Method] {
		if h.match == nil || h.match(c) {
			gates = append(gates, h.gate)
		}
	}
	s.mu.Unlock()
	for _, gate := range gates {
		select {
		case <-gate:
		case <-ctx.Done():
			return
		case <-s.done:
			return
		}
	}
}

// Started is how many calls to method the fake has received, those still
// waiting out a latency (SetLatency) included: a test can act while a call
// is under way.
func (s *Server) Started(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.started[method]
}

func (s *Server) latencyFor(method string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.latency[method]
}

// RevokeToken makes every call with the bot token answer token_revoked, as
// after the app is uninstalled.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.revoked = true
}

// Response is one recorded POST to a response_url.
type Response struct {
	URL             string
	Body            json.RawMessage
	Text            string
	Blocks          json.RawMessage
	ResponseType    string // "ephemeral" (the default) or "in_channel"
	ReplaceOriginal bool
	DeleteOriginal  bool
	Time            time.Time
	Status          int    // HTTP status answered
	Error           string // "used_url", "expired_url"... when refused
	// Channel and MessageTS locate the message the post created or changed.
	Channel   string
	MessageTS string
}

// Responses returns every response_url post in arrival order.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.st.responses...)
}

// WaitForResponse waits for a response_url post the fake took, as Slack
// would have, that match accepts (nil accepts any) and returns the first.
// A post the fake refused (used, expired, invalid, a fault injected) never
// matches: a test waiting for what the user saw must not be satisfied by
// what Slack turned away. Responses has those too.
func (s *Server) WaitForResponse(ctx context.Context, match func(Response) bool) (Response, error) {
	var got Response
	err := s.waitFor(ctx, "wait for response_url post", func() bool {
		for _, r := range s.st.responses {
			if r.Status != http.StatusOK || r.Error != "" {
				continue
			}
			if match == nil || match(r) {
				got = r
				return true
			}
		}
		return false
	})
	return got, err
}
