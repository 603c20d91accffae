// Package ops is what the engineer running the bot sees: a health check and
// Prometheus metrics on an optional HTTP listener (COACHLOG_HTTP_ADDR).
package ops

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics counts what the bot does. It implements slackbot.Metrics.
type Metrics struct {
	Registry   *prometheus.Registry
	envelopes  *prometheus.CounterVec
	ackLatency *prometheus.HistogramVec
	reconnects prometheus.Counter
	panics     prometheus.Counter
}

// Sources are read when metrics are scraped.
type Sources struct {
	// Outbox reports the undelivered and failed messages.
	Outbox func(ctx context.Context) (pending, failed int, err error)
	// Delivery reports the worker's counts since start.
	Delivery func() (sent, retried, failed, rateLimited int64)
	// Jobs reports scheduled passes run, by job.
	Jobs func() map[string]int
}

// NewMetrics registers Coachlog's metrics, and the Go runtime's and the
// process's, in a registry of its own (no global state).
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coachlog_envelopes_total", Help: "Socket Mode envelopes received, by type.",
		}, []string{"type"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "coachlog_ack_seconds", Help: "Time from an envelope's arrival to its ack, measured in process, by type.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"type"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coachlog_socket_reconnects_total", Help: "Socket Mode reconnections after the first connection.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coachlog_handler_panics_total", Help: "Handlers that panicked and were recovered.",
		}),
	}
	m.Registry.MustRegister(m.envelopes, m.ackLatency, m.reconnects, m.panics,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Envelope counts an envelope.
func (m *Metrics) Envelope(typ string) { m.envelopes.WithLabelValues(typ).Inc() }

// Acked records an ack's latency.
func (m *Metrics) Acked(typ string, d time.Duration) {
	m.ackLatency.WithLabelValues(typ).Observe(d.Seconds())
}

// Reconnected counts a reconnection.
func (m *Metrics) Reconnected() { m.reconnects.Inc() }

// Panicked counts a recovered panic.
func (m *Metrics) Panicked() { m.panics.Inc() }

// Watch registers metrics read from src at scrape time.
func (m *Metrics) Watch(src Sources) {
	if src.Outbox != nil {
		outbox := func(pick func(p, f int) int) func() float64 {
			return func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				p, f, err := src.Outbox(ctx)
				if err != nil {
					return -1
				}
				return float64(pick(p, f))
			}
		}
		m.Registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coachlog_outbox_pending", Help: "Messages waiting to be delivered."},
				outbox(func(p, _ int) int { return p })),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coachlog_outbox_failed", Help: "Messages that failed for good (kept, visible)."},
				outbox(func(_, f int) int { return f })))
	}
	if src.Delivery != nil {
		for i, name := range []string{"sent", "retried", "failed", "rate_limited"} {
			m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "coachlog_outbox_" + name + "_total", Help: "Outbox deliveries " + name + " by this process.",
			}, func() float64 {
				s, r, f, l := src.Delivery()
				return float64([]int64{s, r, f, l}[i])
			}))
		}
	}
	if src.Jobs != nil {
		m.Registry.MustRegister(&jobsCollector{runs: src.Jobs, desc: prometheus.NewDesc("coachlog_jobs_run_total",
			"Scheduled passes run without error, by job.", []string{"job"}, nil)})
	}
}

type jobsCollector struct {
	runs func() map[string]int
	desc *prometheus.Desc
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	for job, n := range c.runs() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(n), job)
	}
}
