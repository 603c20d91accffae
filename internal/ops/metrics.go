// Package ops is what the engineer running the bot sees: a health check and
// Prometheus metrics on an optional HTTP listener (COACHLOG_HTTP_ADDR).
package ops

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/coachlog/coachlog/internal/prom"
)

// Metrics counts what the bot does. It implements slackbot.Metrics.
type Metrics struct {
	Registry   *prom.Registry
	envelopes  *prom.CounterVec
	ackLatency *prom.HistogramVec
	attempts   *prom.Counter
	reconnects *prom.Counter
	panics     *prom.Counter
	received   atomic.Int64 // envelopes of every type, for Received
}

// Sources are read when metrics are scraped.
type Sources struct {
	// Outbox reports the undelivered and failed messages.
	Outbox func(ctx context.Context) (pending, failed int, err error)
	// Delivery reports the worker's counts since start.
	Delivery func() Delivery
	// Jobs reports scheduled passes run, by job.
	Jobs func() map[string]int
	// Failures reports the scheduled messages that failed for good within
	// FailureWindow, by kind; FailureKinds are always reported, 0 if none.
	Failures     func(ctx context.Context) ([]Failures, error)
	FailureKinds []string
	// SenderRole reports whether this replica holds the sender role.
	SenderRole func() bool
	// Store names the store in use ("sqlite", "postgres").
	Store string
	// WAL reports the database's write-ahead log and the checkpoints that
	// keep it bounded.
	WAL func() WAL
	// Commits reports the SQLite writer's commits and the writes they
	// carried since start.
	Commits func() Commits
	// FailedWrites counts the writes that failed for the database since
	// start (not for their own error), by reason; every reason is there,
	// 0 when none failed.
	FailedWrites func() map[string]int64
	// Log says why a figure read as -1 could not be read, once a minute
	// while it cannot (failLog); nil: nowhere.
	Log *slog.Logger
	// Now paces those lines; time.Now when nil.
	Now func() time.Time
}

// WAL is the write-ahead log's size and its checkpoints that started it
// over so far.
type WAL struct {
	Bytes       int64
	Tried, Done int64 // checkpoints that start the log over, and those that found no reader on it
	// Restarts counts the log's restarts themselves: SQLite mostly starts
	// it over at a later write after a checkpoint that met a reader.
	Restarts     int64
	LongestReset time.Duration
}

// Commits is what the SQLite writer committed since start: writes share a
// commit under load.
type Commits struct{ Commits, Writes int64 }

// Delivery is what the outbox worker did since start.
type Delivery struct {
	Sent, Retried, Failed, RateLimited int64
	Panics                             int64 // sends that panicked (also in Failed)
}

// NewMetrics registers Coachlog's metrics, and the Go runtime's and the
// process's, in a registry of its own (no global state).
func NewMetrics() *Metrics {
	attempts := prom.NewCounterVec("coachlog_socket_connect_attempts_total",
		"Socket Mode connections asked of Slack (apps.connections.open), the first included, whether or not Slack greeted them.")
	reconnects := prom.NewCounterVec("coachlog_socket_reconnects_total",
		"Socket Mode reconnections: connections Slack greeted (hello) after one was lost.")
	panics := prom.NewCounterVec("coachlog_handler_panics_total", "Handlers that panicked and were recovered.")
	m := &Metrics{
		Registry:  prom.NewRegistry(),
		envelopes: prom.NewCounterVec("coachlog_envelopes_total", "Socket Mode envelopes received, by type.", "type"),
		ackLatency: prom.NewHistogramVec("coachlog_ack_seconds", "Time from an envelope's arrival to its ack, measured in process, by type.",
			[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3}, "type"),
		attempts:   attempts.With(),
		reconnects: reconnects.With(),
		panics:     panics.With(),
	}
	// Every type's series exists from the first scrape, at zero: an alert
	// on rate() or absent() sees a quiet bot as quiet, not as missing.
	for _, typ := range append(slices.Sorted(maps.Keys(envelopeTypes)), "other") {
		m.envelopes.With(typ)
		m.ackLatency.With(typ)
	}
	m.Registry.MustRegister(m.envelopes, m.ackLatency, attempts, reconnects, panics, prom.NewGoCollector(), prom.NewProcessCollector())
	return m
}

// envelopeTypes are the envelope types the bot serves; every other type
// Slack sends (or a future one) is counted as "other".
var envelopeTypes = map[string]bool{"slash_commands": true, "interactive": true, "events_api": true}

// envelopeType is typ as a label value: the type comes off the socket, and
// each new value would make a counter and a histogram of 16 series that
// last until the process exits.
func envelopeType(typ string) string {
	if envelopeTypes[typ] {
		return typ
	}
	return "other"
}

// Envelope counts an envelope.
func (m *Metrics) Envelope(typ string) {
	m.envelopes.With(envelopeType(typ)).Inc()
	m.received.Add(1)
}

// Received is how many envelopes have arrived since start, of every type:
// whether the bot has been busy lately.
func (m *Metrics) Received() int64 { return m.received.Load() }

// Acked records an ack's latency.
func (m *Metrics) Acked(typ string, d time.Duration) {
	m.ackLatency.With(envelopeType(typ)).Observe(d)
}

// Connecting counts an attempt to connect, successful or not: beside
// Reconnected it tells a bot that reconnects from one that Slack keeps
// refusing.
func (m *Metrics) Connecting() { m.attempts.Inc() }

// Reconnected counts a reconnection: Slack's hello on a new connection
// after a lost one.
func (m *Metrics) Reconnected() { m.reconnects.Inc() }

// Panicked counts a recovered panic.
func (m *Metrics) Panicked() { m.panics.Inc() }

// boolGauge is a gauge read from f at each scrape: 1 while f is true, else 0.
func boolGauge(name, help string, f func() bool) prom.Collector {
	return prom.NewGaugeFunc(name, help, func() float64 {
		if f() {
			return 1
		}
		return 0
	})
}

// outboxCounts are the outbox's undelivered and failed messages.
type outboxCounts struct{ pending, failed int }

// figure is one unlabelled family computed from a value of T.
type figure[T any] struct {
	name, help string
	typ        prom.Type
	value      func(T) float64
}

// readTogether is figs, computed at each scrape from one call of read.
func readTogether[T any](figs []figure[T], read func(ctx context.Context) T) prom.Collector {
	names := make([]string, len(figs))
	for i, f := range figs {
		names[i] = f.name
	}
	return prom.NewScrapeGroup(names, func(ctx context.Context) ([]prom.Family, error) {
		v := read(ctx)
		fams := make([]prom.Family, len(figs))
		for i, f := range figs {
			fams[i] = prom.Family{Name: f.name, Help: f.help, Type: f.typ, Series: []prom.Series{{Value: f.value(v)}}}
		}
		return fams, nil
	})
}

// readTimeout bounds each read of the database at a scrape.
const readTimeout = time.Second

// Watch registers metrics read from src at scrape time.
func (m *Metrics) Watch(src Sources) {
	fl := newFailLog(src.Log, src.Now)
	if src.SenderRole != nil {
		m.Registry.MustRegister(boolGauge("coachlog_sender_role",
			"1 when this replica holds the sender role (it delivers the outbox), else 0.", src.SenderRole))
	}
	if src.Store != "" {
		m.Registry.MustRegister(prom.NewScrapeFunc("coachlog_store_info", "Always 1; the label names the store in use.",
			prom.TypeGauge, []string{"store"}, func(context.Context) ([]prom.Series, error) {
				return []prom.Series{{Values: []string{src.Store}, Value: 1}}, nil
			}))
	}
	if src.Outbox != nil || src.Failures != nil {
		m.Registry.MustRegister(databaseFigures(src, fl))
	}
	if src.Delivery != nil {
		delivered := func(name string, pick func(Delivery) int64) figure[Delivery] {
			return figure[Delivery]{"coachlog_outbox_" + name + "_total", "Outbox deliveries " + name + " by this process.",
				prom.TypeCounter, func(d Delivery) float64 { return float64(pick(d)) }}
		}
		panics := delivered("panics", func(d Delivery) int64 { return d.Panics })
		panics.help = "Outbox sends that panicked in this process (the message is failed; also in coachlog_outbox_failed_total)."
		m.Registry.MustRegister(readTogether([]figure[Delivery]{
			delivered("sent", func(d Delivery) int64 { return d.Sent }),
			delivered("retried", func(d Delivery) int64 { return d.Retried }),
			delivered("failed", func(d Delivery) int64 { return d.Failed }),
			delivered("rate_limited", func(d Delivery) int64 { return d.RateLimited }),
			panics,
		}, func(context.Context) Delivery { return src.Delivery() }))
	}
	if src.WAL != nil {
		// One look at the log's size (a stat) and at the checkpoint
		// counters serves all five. On PostgreSQL they stay, at 0: a
		// dashboard's series do not come and go with the store, and
		// coachlog_store_info says which one is in use.
		m.Registry.MustRegister(readTogether([]figure[WAL]{
			{"coachlog_wal_bytes", "Size of the SQLite database's write-ahead log (kept under 64 MB); always 0 on PostgreSQL, whose log is the server's.", prom.TypeGauge,
				func(w WAL) float64 { return float64(w.Bytes) }},
			{"coachlog_wal_reset_checkpoints_total", "Checkpoints that start the SQLite log over (RESTART past 16 MB of log under writes, TRUNCATE once they stop) tried since start; always 0 on PostgreSQL.", prom.TypeCounter,
				func(w WAL) float64 { return float64(w.Tried) }},
			{"coachlog_wal_reset_done_total", "Checkpoints that start the SQLite log over that found no reader left on it. One that met a reader has still copied the log, and SQLite mostly starts it over at a later write: coachlog_wal_restarts_total counts every restart. Always 0 on PostgreSQL.", prom.TypeCounter,
				func(w WAL) float64 { return float64(w.Done) }},
			{"coachlog_wal_restarts_total", "Times the SQLite log started over from its beginning since start, read from the log's header, whichever checkpoint allowed it: what keeps the log bounded. Always 0 on PostgreSQL.", prom.TypeCounter,
				func(w WAL) float64 { return float64(w.Restarts) }},
			{"coachlog_wal_reset_longest_seconds", "The longest checkpoint that started the SQLite log over, since start: the most a write waited on one. Always 0 on PostgreSQL.", prom.TypeGauge,
				func(w WAL) float64 { return w.LongestReset.Seconds() }},
		}, func(context.Context) WAL { return src.WAL() }))
	}
	if src.Commits != nil {
		// Writes over commits is how many writes share a commit: the
		// figure that says whether the one writer keeps up under load.
		m.Registry.MustRegister(readTogether([]figure[Commits]{
			{"coachlog_db_commits_total", "Transactions the SQLite writer committed since start; each carries one write or more (coachlog_db_writes_total). Always 0 on PostgreSQL.", prom.TypeCounter,
				func(c Commits) float64 { return float64(c.Commits) }},
			{"coachlog_db_writes_total", "Writes the SQLite writer committed since start (a session logged, an answer recorded, a message marked sent). Under load writes share a commit: the rate of this over that of coachlog_db_commits_total is how many. Always 0 on PostgreSQL.", prom.TypeCounter,
				func(c Commits) float64 { return float64(c.Writes) }},
		}, func(context.Context) Commits { return src.Commits() }))
	}
	if src.FailedWrites != nil {
		m.Registry.MustRegister(prom.NewScrapeFunc("coachlog_db_write_failures_total",
			"Writes to the SQLite database that failed for the database, by reason: busy (timed out waiting for the write lock: another process holding it, or a long write of this one), disk_full, read_only, io, replaced (the file was deleted or replaced while the bot ran). Always 0 on PostgreSQL.",
			prom.TypeCounter, []string{"reason"}, func(context.Context) ([]prom.Series, error) {
				var series []prom.Series
				for reason, n := range src.FailedWrites() {
					series = append(series, prom.Series{Values: []string{reason}, Value: float64(n)})
				}
				return series, nil
			}))
	}
	if src.Jobs != nil {
		m.Registry.MustRegister(prom.NewScrapeFunc("coachlog_jobs_run_total", "Scheduled passes run without error, by job.",
			prom.TypeCounter, []string{"job"}, func(context.Context) ([]prom.Series, error) {
				var series []prom.Series
				for job, n := range src.Jobs() {
					series = append(series, prom.Series{Values: []string{job}, Value: float64(n)})
				}
				return series, nil
			}))
	}
}

// Families read from the database at a scrape.
const (
	nameDatabaseUp      = "coachlog_database_up"
	nameOutboxPending   = "coachlog_outbox_pending"
	nameOutboxFailed    = "coachlog_outbox_failed"
	nameScheduledFailed = "coachlog_scheduled_failed"
)

// databaseFigures are the figures read from the database at a scrape,
// and coachlog_database_up, 1 when those reads worked, else 0. A read
// that fails never fails the scrape: a database down took /metrics down
// with it (a 500), and with it the socket's, the acks' and the process's
// series, so Prometheus showed the target down rather than the database.
// What could not be read reads -1, which an alert on > 0 ignores and a
// dashboard shows, every series still there (labels from FailureKinds
// only); coachlog_database_up says why, and the log, once a minute
// while it lasts, says what failed.
func databaseFigures(src Sources, fl *failLog) prom.Collector {
	names := []string{nameDatabaseUp}
	if src.Outbox != nil {
		names = append(names, nameOutboxPending, nameOutboxFailed)
	}
	if src.Failures != nil {
		names = append(names, nameScheduledFailed)
	}
	return prom.NewScrapeGroup(names, func(ctx context.Context) ([]prom.Family, error) {
		up := true
		var fams []prom.Family
		if src.Outbox != nil {
			c, ok := readOutbox(ctx, src.Outbox, fl)
			up = up && ok
			fams = append(fams,
				prom.Family{Name: nameOutboxPending, Help: "Messages waiting to be delivered.", Type: prom.TypeGauge,
					Series: []prom.Series{{Value: float64(c.pending)}}},
				prom.Family{Name: nameOutboxFailed, Help: fmt.Sprintf("Messages that failed for good in the last %d h, by when they failed, whichever process sent them (-1 when the database cannot be read).",
					int(FailureWindow.Hours())), Type: prom.TypeGauge, Series: []prom.Series{{Value: float64(c.failed)}}})
		}
		if src.Failures != nil {
			series, ok := failedByKind(ctx, src.Failures, src.FailureKinds, fl)
			up = up && ok
			fams = append(fams, prom.Family{Name: nameScheduledFailed,
				Help: fmt.Sprintf("Scheduled messages (nudges, digests, reminders) that failed for good in the last %d h, by kind, across every process.",
					int(FailureWindow.Hours())), Type: prom.TypeGauge, Labels: []string{"kind"}, Series: series})
		}
		upValue := 0.0
		if up {
			upValue = 1
		}
		return append(fams, prom.Family{Name: nameDatabaseUp,
			Help: "1 when this scrape's reads of the database (the outbox, the failed scheduled messages) worked, else 0: the figures read from it then read -1.",
			Type: prom.TypeGauge, Series: []prom.Series{{Value: upValue}}}), nil
	})
}

// readOutbox reads the outbox's counts, -1 each when it cannot.
func readOutbox(ctx context.Context, read func(context.Context) (int, int, error), fl *failLog) (outboxCounts, bool) {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	p, f, err := read(ctx)
	if err != nil {
		fl.fail(ctx, failOutboxFigures, err)
		return outboxCounts{-1, -1}, false
	}
	fl.ok(ctx, failOutboxFigures)
	return outboxCounts{p, f}, true
}

// failedByKind reads the failed scheduled messages at a scrape, every one
// of kinds included (0 when none failed, -1 each when they cannot be
// read: never a quiet zero).
func failedByKind(ctx context.Context, read func(ctx context.Context) ([]Failures, error), kinds []string, fl *failLog) ([]prom.Series, bool) {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	fs, err := read(ctx)
	n := map[string]int{}
	for _, k := range kinds {
		n[k] = 0
	}
	if err != nil {
		fl.fail(ctx, failScheduledFigures, err)
		for k := range n {
			n[k] = -1
		}
	} else {
		fl.ok(ctx, failScheduledFigures)
		for _, f := range fs {
			n[f.Kind] = f.Failed
		}
	}
	series := make([]prom.Series, 0, len(n))
	for kind, failed := range n {
		series = append(series, prom.Series{Values: []string{kind}, Value: float64(failed)})
	}
	return series, err == nil
}
