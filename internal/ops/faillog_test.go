package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/ops"
	"github.com/coachlog/coachlog/internal/prom"
)

// A load balancer probes /healthz every second: while the database cannot
// be read, each failing read is logged when it first fails, then once a
// minute saying how many failures the line stands for, and once when it
// works again, not once a probe. Scrapes are logged alike.
func TestAReadThatKeepsFailingIsLoggedOnceAMinute(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		wire       func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics)
		msg, level string // the failure's line
		recovered  string
	}{
		{"the database", "/healthz", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			return ops.Checks{Readable: func(context.Context) error { return read() }, Now: now, Log: log}, nil
		}, "health: the database does not answer", "ERROR", "health: the database answers again"},
		{"the outbox", "/healthz", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			return ops.Checks{OldestPending: func(context.Context) (time.Time, error) { return time.Time{}, read() }, Now: now, Log: log}, nil
		}, "health: cannot read the outbox", "ERROR", "health: the outbox can be read again"},
		{"failed messages", "/healthz", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			return ops.Checks{Failures: func(context.Context) ([]ops.Failures, error) { return nil, read() }, Now: now, Log: log}, nil
		}, "health: cannot read failed messages", "ERROR", "health: failed messages can be read again"},
		{"a scrape", "/metrics", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			m := ops.NewMetrics()
			m.Registry.MustRegister(prom.NewScrapeFunc("coachlog_test_figure", "A figure that fails.", prom.TypeGauge, nil,
				func(context.Context) ([]prom.Series, error) { return []prom.Series{{}}, read() }))
			return ops.Checks{Now: now, Log: log}, m
		}, "metrics: scrape failed", "ERROR", "metrics: scrapes work again"},
		{"the failed messages' figures", "/metrics", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			m := ops.NewMetrics()
			m.Watch(ops.Sources{Failures: func(context.Context) ([]ops.Failures, error) { return nil, read() }, FailureKinds: []string{"nudge"}, Log: log, Now: now})
			return ops.Checks{Now: now}, m
		}, "metrics: the failed scheduled messages could not be read; coachlog_scheduled_failed reads -1", "WARN",
			"metrics: the failed scheduled messages can be read again"},
		{"the outbox's figures", "/metrics", func(read func() error, now func() time.Time, log *slog.Logger) (ops.Checks, *ops.Metrics) {
			m := ops.NewMetrics()
			m.Watch(ops.Sources{Outbox: func(context.Context) (int, int, error) { return 0, 0, read() }, Log: log, Now: now})
			return ops.Checks{Now: now}, m
		}, "metrics: the outbox could not be read; coachlog_outbox_pending and coachlog_outbox_failed read -1", "WARN",
			"metrics: the outbox can be read again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			var offset atomic.Int64
			now := func() time.Time { return start.Add(time.Duration(offset.Load())) }
			var down atomic.Bool
			read := func() error {
				if down.Load() {
					return errors.New("database is locked")
				}
				return nil
			}
			var logs bytes.Buffer
			c, m := tt.wire(read, now, slog.New(slog.NewJSONHandler(&logs, nil)))
			h := ops.Handler(c, m)
			probe := func() {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", tt.path, nil))
				offset.Add(int64(time.Second))
			}
			lines := func() []map[string]any {
				var out []map[string]any
				for line := range strings.Lines(logs.String()) {
					var l map[string]any
					if err := json.Unmarshal([]byte(line), &l); err != nil {
						t.Fatalf("log line %q: %v", line, err)
					}
					out = append(out, l)
				}
				logs.Reset()
				return out
			}

			probe()
			if got := lines(); len(got) != 0 {
				t.Fatalf("a healthy probe logged %v", got)
			}
			down.Store(true)
			for range 150 { // 09:00:01 to 09:02:30, a probe a second
				probe()
			}
			want := []map[string]any{
				{"level": tt.level, "msg": tt.msg, "err": "database is locked"},
				{"level": tt.level, "msg": tt.msg + "; still failing", "failures": 61.0, "suppressed": 59.0, "failing_for": "1m0s", "err": "database is locked"},
				{"level": tt.level, "msg": tt.msg + "; still failing", "failures": 121.0, "suppressed": 59.0, "failing_for": "2m0s", "err": "database is locked"},
			}
			check := func(got, want []map[string]any) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("logged %d lines, want %d:\n%v", len(got), len(want), got)
				}
				for i := range want {
					for k, v := range want[i] {
						if g, ok := got[i][k].(string); k == "err" && ok && strings.HasSuffix(g, ": database is locked") {
							continue // a scrape's error names the metric before it
						}
						if got[i][k] != v {
							t.Errorf("line %d: %s = %v, want %v (%v)", i, k, got[i][k], v, got[i])
						}
					}
				}
			}
			check(lines(), want)

			down.Store(false)
			probe()
			probe()
			check(lines(), []map[string]any{{"level": "INFO", "msg": tt.recovered, "failures": 150.0, "failing_for": "2m30s"}})

			down.Store(true) // a new run of failures is logged at once
			probe()
			check(lines(), want[:1])
		})
	}
}
