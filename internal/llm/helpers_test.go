package llm

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeopenai"
)

// tuesday is "today" in the manager's zone unless a test says otherwise.
var tuesday = coaching.Date{Year: 2026, Month: 11, Day: 24}

// startFake starts a fake OpenAI server for one test.
func startFake(t *testing.T) *fakeopenai.Server {
	t.Helper()
	srv := fakeopenai.New()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// config points at srv with a key; notes says whether notes may reach it.
func config(srv *fakeopenai.Server, notes bool) Config {
	return Config{APIKey: fakeopenai.DefaultKey, BaseURL: srv.URL(), Model: DefaultModel, Timeout: 2 * time.Second,
		Notes: notes, DigestTokens: DefaultDigestTokens}
}

// rig is an assistant wired against a fake, with what it logged and counted.
type rig struct {
	Assistant
	srv     *fakeopenai.Server
	logs    *syncBuffer
	metrics *recMetrics
}

func newRig(t *testing.T, cfg Config, srv *fakeopenai.Server, o Options) rig {
	t.Helper()
	r := rig{srv: srv, logs: &syncBuffer{}, metrics: &recMetrics{}}
	o.Logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Metrics = r.metrics
	if o.RetryBackoff == 0 {
		o.RetryBackoff = time.Millisecond
	}
	r.Assistant = New(cfg, o)
	return r
}

// bodies returns every request body the fake received, as text.
func bodies(srv *fakeopenai.Server) string {
	var b strings.Builder
	for _, r := range srv.Requests() {
		b.Write(r.Body)
		b.WriteByte('\n')
	}
	return b.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recMetrics records what the LLM layer reported.
type recMetrics struct {
	mu                 sync.Mutex
	requests, failures []string // "feature:outcome"
	prompt, completion int
}

func (m *recMetrics) LLMRequest(feature, outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = append(m.requests, feature+":"+outcome)
}

func (m *recMetrics) LLMTokens(_ string, prompt, completion int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prompt += prompt
	m.completion += completion
}

func (m *recMetrics) LLMFailure(feature, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failures = append(m.failures, feature+":"+reason)
}

func (m *recMetrics) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("requests %v, failures %v", m.requests, m.failures)
}

// clock is a settable clock for the breaker.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
