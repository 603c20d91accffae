package ops_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/ops"
)

var _ llm.Metrics = (*ops.LLMMetrics)(nil)

func TestLLMMetricsAreScraped(t *testing.T) {
	m := ops.NewMetrics()
	l := ops.NewLLMMetrics(m.Registry)
	open := false
	l.WatchBreaker(func() bool { return open })
	l.LLMRequest(llm.FeatureCapture, "ok", 300*time.Millisecond)
	l.LLMRequest(llm.FeatureCapture, "timeout", 5*time.Second)
	l.LLMTokens(llm.FeatureCapture, 420, 80)
	l.LLMFailure(llm.FeatureCapture, "timeout")

	scrape := func() string {
		rec := httptest.NewRecorder()
		ops.Handler(ops.Checks{Now: time.Now}, m).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body, _ := io.ReadAll(rec.Body)
		return string(body)
	}
	if body := scrape(); !strings.Contains(body, "coachlog_llm_breaker_open 0") {
		t.Errorf("/metrics lacks coachlog_llm_breaker_open 0 while the breaker is closed")
	}
	open = true
	body := scrape()
	for _, want := range []string{
		`coachlog_llm_requests_total{feature="capture",outcome="ok"} 1`,
		`coachlog_llm_requests_total{feature="capture",outcome="timeout"} 1`,
		`coachlog_llm_failures_total{feature="capture",reason="timeout"} 1`,
		`coachlog_llm_tokens_total{feature="capture",kind="prompt"} 420`,
		`coachlog_llm_tokens_total{feature="capture",kind="completion"} 80`,
		`coachlog_llm_request_seconds_count{feature="capture"} 2`,
		`coachlog_llm_breaker_open 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
