package ops_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/ops"
)

// family is what an operator's dashboards and alerts rely on: the name,
// type, help and labels of each family, unchanged from client_golang's.
type family struct {
	typ    dto.MetricType
	help   string
	labels []string
}

var (
	counter   = dto.MetricType_COUNTER
	gauge     = dto.MetricType_GAUGE
	histogram = dto.MetricType_HISTOGRAM
	summary   = dto.MetricType_SUMMARY
)

// coachlogFamilies are every family of Coachlog's own, as README.md lists
// them.
var coachlogFamilies = map[string]family{
	"coachlog_envelopes_total":               {counter, "Socket Mode envelopes received, by type.", []string{"type"}},
	"coachlog_ack_seconds":                   {histogram, "Time from an envelope's arrival to its ack, measured in process, by type.", []string{"type"}},
	"coachlog_socket_connect_attempts_total": {counter, "Socket Mode connections asked of Slack (apps.connections.open), the first included, whether or not Slack greeted them.", nil},
	"coachlog_socket_reconnects_total":       {counter, "Socket Mode reconnections: connections Slack greeted (hello) after one was lost.", nil},
	"coachlog_handler_panics_total":          {counter, "Handlers that panicked and were recovered.", nil},
	"coachlog_sender_role":                   {gauge, "1 when this replica holds the sender role (it delivers the outbox), else 0.", nil},
	"coachlog_store_info":                    {gauge, "Always 1; the label names the store in use.", []string{"store"}},
	"coachlog_outbox_pending":                {gauge, "Messages waiting to be delivered.", nil},
	"coachlog_outbox_failed":                 {gauge, "Messages that failed for good in the last 24 h, by when they failed, whichever process sent them (-1 when the database cannot be read).", nil},
	"coachlog_database_up":                   {gauge, "1 when this scrape's reads of the database (the outbox, the failed scheduled messages) worked, else 0: the figures read from it then read -1.", nil},
	"coachlog_outbox_sent_total":             {counter, "Outbox deliveries sent by this process.", nil},
	"coachlog_outbox_retried_total":          {counter, "Outbox deliveries retried by this process.", nil},
	"coachlog_outbox_failed_total":           {counter, "Outbox deliveries failed by this process.", nil},
	"coachlog_outbox_rate_limited_total":     {counter, "Outbox deliveries rate_limited by this process.", nil},
	"coachlog_outbox_panics_total":           {counter, "Outbox sends that panicked in this process (the message is failed; also in coachlog_outbox_failed_total).", nil},
	"coachlog_scheduled_failed":              {gauge, "Scheduled messages (nudges, digests, reminders) that failed for good in the last 24 h, by kind, across every process.", []string{"kind"}},
	"coachlog_wal_bytes":                     {gauge, "Size of the SQLite database's write-ahead log (kept under 64 MB); always 0 on PostgreSQL, whose log is the server's.", nil},
	"coachlog_wal_reset_checkpoints_total":   {counter, "Checkpoints that start the SQLite log over (RESTART past 16 MB of log under writes, TRUNCATE once they stop) tried since start; always 0 on PostgreSQL.", nil},
	"coachlog_wal_reset_done_total":          {counter, "Checkpoints that start the SQLite log over that found no reader left on it. One that met a reader has still copied the log, and SQLite mostly starts it over at a later write: coachlog_wal_restarts_total counts every restart. Always 0 on PostgreSQL.", nil},
	"coachlog_wal_restarts_total":            {counter, "Times the SQLite log started over from its beginning since start, read from the log's header, whichever checkpoint allowed it: what keeps the log bounded. Always 0 on PostgreSQL.", nil},
	"coachlog_wal_reset_longest_seconds":     {gauge, "The longest checkpoint that started the SQLite log over, since start: the most a write waited on one. Always 0 on PostgreSQL.", nil},
	"coachlog_db_commits_total":              {counter, "Transactions the SQLite writer committed since start; each carries one write or more (coachlog_db_writes_total). Always 0 on PostgreSQL.", nil},
	"coachlog_db_writes_total":               {counter, "Writes the SQLite writer committed since start (a session logged, an answer recorded, a message marked sent). Under load writes share a commit: the rate of this over that of coachlog_db_commits_total is how many. Always 0 on PostgreSQL.", nil},
	"coachlog_jobs_run_total":                {counter, "Scheduled passes run without error, by job.", []string{"job"}},
	"coachlog_llm_requests_total":            {counter, "Requests to the LLM server, by feature and outcome (ok or why it failed).", []string{"feature", "outcome"}},
	"coachlog_llm_failures_total":            {counter, "LLM calls that gave their feature nothing usable, so it fell back, by reason.", []string{"feature", "reason"}},
	"coachlog_llm_request_seconds":           {histogram, "Latency of requests to the LLM server, by feature.", []string{"feature"}},
	"coachlog_llm_tokens_total":              {counter, "Tokens used by LLM requests, by feature and kind (prompt or completion).", []string{"feature", "kind"}},
	"coachlog_llm_breaker_open":              {gauge, "1 while the LLM circuit breaker stops calling the server, else 0: it opens after repeated failures, or at once on an answer no wait ends (the key refused, credits or quota spent, the model or deployment not found, a wrong Azure api-version, an answer that is not JSON).", nil},
}

// runtimeFamilies are the Go runtime's and the process's that operators
// use most, with client_golang's help.
var runtimeFamilies = map[string]family{
	"go_goroutines":                 {gauge, "Number of goroutines that currently exist.", nil},
	"go_threads":                    {gauge, "Number of OS threads created.", nil},
	"go_info":                       {gauge, "Information about the Go environment.", []string{"version"}},
	"go_memstats_alloc_bytes":       {gauge, "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.", nil},
	"go_memstats_heap_inuse_bytes":  {gauge, "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes", nil},
	"go_memstats_sys_bytes":         {gauge, "Number of bytes obtained from system. Equals to /memory/classes/total:byte.", nil},
	"go_gc_duration_seconds":        {summary, "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", nil},
	"process_cpu_seconds_total":     {counter, "Total user and system CPU time spent in seconds.", nil},
	"process_resident_memory_bytes": {gauge, "Resident memory size in bytes.", nil},
	"process_virtual_memory_bytes":  {gauge, "Virtual memory size in bytes.", nil},
	"process_open_fds":              {gauge, "Number of open file descriptors.", nil},
	"process_max_fds":               {gauge, "Maximum number of open file descriptors.", nil},
	"process_start_time_seconds":    {gauge, "Start time of the process since unix epoch in seconds.", nil},
}

var buckets = map[string][]float64{
	"coachlog_ack_seconds":         {.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
	"coachlog_llm_request_seconds": {.1, .25, .5, 1, 2, 3, 5, 8, 13, 20, 30},
}

// busyMetrics is a bot's metrics after some of everything, every source
// watched.
func busyMetrics(failures func(context.Context) ([]ops.Failures, error)) *ops.Metrics {
	m := ops.NewMetrics()
	l := ops.NewLLMMetrics(m.Registry)
	l.WatchBreaker(func() bool { return true })
	m.Watch(ops.Sources{
		Outbox:       func(context.Context) (int, int, error) { return 3, 1, nil },
		Delivery:     func() ops.Delivery { return ops.Delivery{Sent: 1200, Retried: 4, Failed: 1, RateLimited: 2, Panics: 1} },
		Jobs:         func() map[string]int { return map[string]int{"nudges": 12, "digest": 1, "reminders": 12} },
		Failures:     failures,
		FailureKinds: []string{"nudge", "digest", "digest_chart", "rep_reminder"},
		SenderRole:   func() bool { return true },
		Store:        "postgres",
		WAL: func() ops.WAL {
			return ops.WAL{Bytes: 1 << 20, Tried: 3, Done: 2, Restarts: 5, LongestReset: 1500 * time.Millisecond}
		},
		Commits: func() ops.Commits { return ops.Commits{Commits: 40, Writes: 700} },
	})
	for i, typ := range []string{"slash_commands", "events_api", "interactive", "events_api", "a \"quoted\\odd\"\ntype"} { // the last, a type the bot does not serve, counts as other
		m.Envelope(typ)
		m.Acked(typ, time.Duration(i*i)*700*time.Millisecond) // 0 to 11.2 s: the first bucket to past the last
	}
	for range 3 {
		m.Connecting()
	}
	m.Reconnected()
	m.Panicked()
	l.LLMRequest(llm.FeatureCapture, "ok", 300*time.Millisecond)
	l.LLMRequest(llm.FeatureCapture, "timeout", 31*time.Second)
	l.LLMTokens(llm.FeatureCapture, 420, 80)
	l.LLMFailure(llm.FeatureCapture, "timeout")
	return m
}

// scrape asks /metrics as Prometheus does (gzip accepted) and returns the
// status and the decompressed body.
func scrape(t *testing.T, m *ops.Metrics, log *slog.Logger) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	ops.Handler(ops.Checks{Now: time.Now, Log: log}, m).ServeHTTP(rec, req)
	resp := rec.Result()
	body := io.Reader(rec.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = gz
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// The whole of /metrics reads with Prometheus' own parser, and every
// family keeps the name, type, help and labels it had with client_golang.
func TestMetricsParseWithPrometheusOwnParser(t *testing.T) {
	noFailures := func(context.Context) ([]ops.Failures, error) {
		return []ops.Failures{{Kind: "nudge", Failed: 2, Failing: true}}, nil
	}
	resp, text := scrape(t, busyMetrics(noFailures), nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" ||
		resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("/metrics answered %d, %q, encoding %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("Prometheus' parser refuses /metrics: %v\n%s", err, text)
	}

	for name := range fams {
		if strings.HasPrefix(name, "coachlog_") {
			if _, ok := coachlogFamilies[name]; !ok {
				t.Errorf("/metrics has %s, which is not documented", name)
			}
		}
	}
	want := map[string]family{}
	for _, m := range []map[string]family{coachlogFamilies, runtimeFamilies} {
		for name, f := range m {
			want[name] = f
		}
	}
	for name, w := range want {
		f, ok := fams[name]
		if !ok {
			t.Errorf("/metrics lacks %s", name)
			continue
		}
		if f.GetType() != w.typ || f.GetHelp() != w.help {
			t.Errorf("%s is a %s with help %q, want a %s with %q", name, f.GetType(), f.GetHelp(), w.typ, w.help)
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName())
			}
			if !slices.Equal(labels, w.labels) {
				t.Errorf("a series of %s has labels %v, want %v", name, labels, w.labels)
			}
		}
	}

	for name, bounds := range buckets {
		for _, m := range fams[name].GetMetric() {
			h := m.GetHistogram()
			var got []float64
			var prev uint64
			for _, b := range h.GetBucket() {
				got = append(got, b.GetUpperBound())
				if b.GetCumulativeCount() < prev {
					t.Errorf("%s %v: buckets go down: %v", name, m.GetLabel(), h.GetBucket())
				}
				prev = b.GetCumulativeCount()
			}
			if !slices.Equal(got, append(slices.Clone(bounds), math.Inf(1))) {
				t.Errorf("%s buckets = %v, want %v and +Inf", name, got, bounds)
			}
			if h.GetSampleCount() != prev || h.GetSampleCount() == 0 {
				t.Errorf("%s %v: _count %d, +Inf bucket %d", name, m.GetLabel(), h.GetSampleCount(), prev)
			}
		}
	}
	ack := map[string]*dto.Histogram{}
	for _, m := range fams["coachlog_ack_seconds"].GetMetric() {
		ack[m.GetLabel()[0].GetValue()] = m.GetHistogram()
	}
	if h := ack["events_api"]; h.GetSampleCount() != 2 || h.GetSampleSum() != 7 || h.GetBucket()[9].GetCumulativeCount() != 0 ||
		h.GetBucket()[10].GetCumulativeCount() != 1 || h.GetBucket()[12].GetCumulativeCount() != 1 {
		t.Errorf("events_api acks = %v, want 0.7 s and 6.3 s", h)
	}
	if h := ack["other"]; h.GetSampleCount() != 1 || h.GetBucket()[12].GetCumulativeCount() != 0 {
		t.Errorf("the oddly named type's ack (11.2 s, past every bucket) = %v", h)
	}

	var quantiles []float64
	for _, q := range fams["go_gc_duration_seconds"].GetMetric()[0].GetSummary().GetQuantile() {
		quantiles = append(quantiles, q.GetQuantile())
	}
	if !slices.Equal(quantiles, []float64{0, 0.25, 0.5, 0.75, 1}) {
		t.Errorf("go_gc_duration_seconds quantiles = %v", quantiles)
	}

	for _, tt := range []struct {
		name   string
		labels string // label values joined by ","
		want   float64
	}{
		{"coachlog_envelopes_total", "events_api", 2},
		{"coachlog_envelopes_total", "other", 1},
		{"coachlog_socket_connect_attempts_total", "", 3},
		{"coachlog_socket_reconnects_total", "", 1},
		{"coachlog_handler_panics_total", "", 1},
		{"coachlog_store_info", "postgres", 1},
		{"coachlog_sender_role", "", 1},
		{"coachlog_database_up", "", 1},
		{"coachlog_outbox_pending", "", 3},
		{"coachlog_outbox_failed", "", 1},
		{"coachlog_outbox_sent_total", "", 1200},
		{"coachlog_outbox_panics_total", "", 1},
		{"coachlog_scheduled_failed", "nudge", 2},
		{"coachlog_scheduled_failed", "digest_chart", 0},
		{"coachlog_jobs_run_total", "reminders", 12},
		{"coachlog_wal_bytes", "", 1 << 20},
		{"coachlog_wal_reset_longest_seconds", "", 1.5},
		{"coachlog_wal_reset_done_total", "", 2},
		{"coachlog_wal_restarts_total", "", 5},
		{"coachlog_db_commits_total", "", 40},
		{"coachlog_db_writes_total", "", 700},
		{"coachlog_llm_tokens_total", "capture,prompt", 420},
		{"coachlog_llm_requests_total", "capture,timeout", 1},
		{"coachlog_llm_breaker_open", "", 1},
	} {
		if got, ok := value(fams[tt.name], tt.labels); !ok || got != tt.want {
			t.Errorf("%s{%s} = %v (found %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}

	// Families come sorted by name, series by label values.
	var names []string
	for line := range strings.Lines(text) {
		if name, ok := strings.CutPrefix(line, "# HELP "); ok {
			names = append(names, strings.Fields(name)[0])
		}
	}
	if !sort.StringsAreSorted(names) || len(names) != len(fams) {
		t.Errorf("families out of order or repeated: %v", names)
	}
	for _, name := range []string{"coachlog_envelopes_total", "coachlog_scheduled_failed", "coachlog_jobs_run_total", "coachlog_llm_tokens_total"} {
		var series [][]string
		for _, m := range fams[name].GetMetric() {
			var values []string
			for _, l := range m.GetLabel() {
				values = append(values, l.GetValue())
			}
			series = append(series, values)
		}
		if !slices.IsSortedFunc(series, slices.Compare) {
			t.Errorf("%s series out of order: %q", name, series)
		}
	}
}

// value finds a counter's or gauge's value by its label values.
func value(f *dto.MetricFamily, labels string) (float64, bool) {
	for _, m := range f.GetMetric() {
		var values []string
		for _, l := range m.GetLabel() {
			values = append(values, l.GetValue())
		}
		if strings.Join(values, ",") == labels {
			if f.GetType() == dto.MetricType_COUNTER {
				return m.GetCounter().GetValue(), true
			}
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// A database that does not answer leaves /metrics up: every series that
// does not need it is served (the socket's, the acks', the process's),
// coachlog_database_up reads 0 and what is read from the database reads
// -1, every kind still there. A 500 had Prometheus show the target down,
// not the database. The error goes to the log, not into the answer.
func TestADatabaseDownLeavesTheOtherSeriesServed(t *testing.T) {
	internal := errors.New("read /var/lib/coachlog/coachlog.db: SQLITE_BUSY")
	m := busyMetrics(func(context.Context) ([]ops.Failures, error) { return nil, internal })
	resp, text := scrape(t, m, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics answered %d with the database down:\n%s", resp.StatusCode, text)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, text)
	}
	for _, tt := range []struct {
		name, labels string
		want         float64
	}{
		{"coachlog_database_up", "", 0},
		{"coachlog_scheduled_failed", "nudge", -1},
		{"coachlog_scheduled_failed", "rep_reminder", -1},
		{"coachlog_socket_connect_attempts_total", "", 3},
		{"coachlog_envelopes_total", "events_api", 2},
	} {
		if got, ok := value(fams[tt.name], tt.labels); !ok || got != tt.want {
			t.Errorf("%s{%s} = %v (found %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	for _, name := range []string{"coachlog_ack_seconds", "go_goroutines"} {
		if fams[name] == nil {
			t.Errorf("%s missing with the database down", name)
		}
	}
	if strings.Contains(text, "SQLITE") || strings.Contains(text, "/var/lib") {
		t.Errorf("the answer shows internals")
	}
}

// What the database figures read -1 for is logged, with the error.
func TestAnUnreadableScheduledCountIsLogged(t *testing.T) {
	m := ops.NewMetrics()
	var logs bytes.Buffer
	m.Watch(ops.Sources{Failures: func(context.Context) ([]ops.Failures, error) { return nil, errors.New("SQLITE_BUSY") },
		FailureKinds: []string{"nudge"}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	resp, text := scrape(t, m, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(text, "\ncoachlog_scheduled_failed{kind=\"nudge\"} -1\n") || !strings.Contains(text, "\ncoachlog_database_up 0\n") {
		t.Fatalf("/metrics answered %d:\n%s", resp.StatusCode, text)
	}
	if !strings.Contains(logs.String(), "SQLITE_BUSY") || !strings.Contains(logs.String(), "coachlog_scheduled_failed") {
		t.Errorf("the error is not logged:\n%s", logs.String())
	}
}

// An unreadable outbox reads -1, as it always has, without failing the
// scrape; the log says why (the gauges alone gave nothing to go on).
func TestAnUnreadableOutboxReadsMinusOne(t *testing.T) {
	m := ops.NewMetrics()
	var logs bytes.Buffer
	m.Watch(ops.Sources{Outbox: func(context.Context) (int, int, error) { return 0, 0, errors.New("database is locked") },
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	resp, text := scrape(t, m, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(text, "\ncoachlog_outbox_pending -1\n") || !strings.Contains(text, "\ncoachlog_outbox_failed -1\n") {
		t.Fatalf("/metrics answered %d:\n%s", resp.StatusCode, text)
	}
	if !strings.Contains(logs.String(), "the outbox could not be read") || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the log does not say why the outbox reads -1:\n%s", logs.String())
	}
}

// Received counts every envelope, whatever its type: the bot's measure of
// whether it has been busy (cmd/bot gives memory back only when not).
func TestReceivedCountsEnvelopesOfEveryType(t *testing.T) {
	m := ops.NewMetrics()
	if got := m.Received(); got != 0 {
		t.Fatalf("received at start = %d", got)
	}
	for _, typ := range []string{"slash_commands", "interactive", "events_api", "interactive"} {
		m.Envelope(typ)
	}
	if got := m.Received(); got != 4 {
		t.Errorf("received = %d, want 4", got)
	}
}

// A fresh process's first scrape holds every envelope type at zero, for
// the counter and the histogram: rate() and absent() alerts on them would
// otherwise read a bot that has had no envelope yet as having no metric.
func TestAFreshScrapeHasEveryEnvelopeTypeAtZero(t *testing.T) {
	_, text := scrape(t, ops.NewMetrics(), nil)
	for _, typ := range []string{"slash_commands", "interactive", "events_api", "other"} {
		for _, line := range []string{
			`coachlog_envelopes_total{type="` + typ + `"} 0`,
			`coachlog_ack_seconds_count{type="` + typ + `"} 0`,
			`coachlog_ack_seconds_bucket{type="` + typ + `",le="+Inf"} 0`,
		} {
			if !strings.Contains(text, "\n"+line+"\n") {
				t.Errorf("a fresh scrape lacks %s", line)
			}
		}
	}
}

// The envelope's type comes off the socket: types the bot does not serve
// share one series, "other", rather than each adding a counter and a
// histogram that last until the process exits.
func TestUnknownEnvelopeTypesShareOneSeries(t *testing.T) {
	m := ops.NewMetrics()
	for _, typ := range []string{"slash_commands", "interactive", "events_api"} {
		m.Envelope(typ)
		m.Acked(typ, time.Millisecond)
	}
	for i := range 100 {
		typ := "made_up_" + strings.Repeat("x", i)
		m.Envelope(typ)
		m.Acked(typ, time.Millisecond)
	}
	_, text := scrape(t, m, nil)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"coachlog_envelopes_total", "coachlog_ack_seconds"} {
		var types []string
		for _, mt := range fams[name].GetMetric() {
			for _, l := range mt.GetLabel() {
				types = append(types, l.GetValue())
			}
		}
		sort.Strings(types)
		if want := []string{"events_api", "interactive", "other", "slash_commands"}; !slices.Equal(types, want) {
			t.Errorf("%s types = %q, want %q", name, types, want)
		}
	}
	if v, _ := value(fams["coachlog_envelopes_total"], "other"); v != 100 {
		t.Errorf(`coachlog_envelopes_total{type="other"} = %v, want 100`, v)
	}
	if m.Received() != 103 {
		t.Errorf("Received = %d, want 103", m.Received())
	}
}

// Failed writes are counted by reason, every reason there from the first
// scrape: an alert on rate() sees a healthy database as zero.
func TestFailedWritesAreCountedByReason(t *testing.T) {
	m := ops.NewMetrics()
	m.Watch(ops.Sources{FailedWrites: func() map[string]int64 { return map[string]int64{"busy": 7, "disk_full": 0} }})
	_, text := scrape(t, m, nil)
	for _, want := range []string{"# TYPE coachlog_db_write_failures_total counter\n",
		"\ncoachlog_db_write_failures_total{reason=\"busy\"} 7\n", "\ncoachlog_db_write_failures_total{reason=\"disk_full\"} 0\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, text)
		}
	}
}
