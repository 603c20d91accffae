package metrics_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// BenchmarkWeekMetrics computes every metric of every manager and every
// leader for one week, as `coachlog metrics` does: 2,000 managers, 20,000
// reps, 1,000,000 sessions over a year, leaders two levels deep, tier
// changes in the reporting history and 13 months of attainment. It
// reports the Go heap's peak and the process's peak RSS.
func BenchmarkWeekMetrics(b *testing.B) {
	benchRun(b, metrics.Options{})
}

// BenchmarkWeekMetricsForDigest adds what the digest shows beside them:
// the trend against the 4 weeks before, the insights and the 8-week chart.
func BenchmarkWeekMetricsForDigest(b *testing.B) {
	benchRun(b, metrics.DigestOptions())
}

func benchRun(b *testing.B, o metrics.Options) {
	org := sqlitetest.MillionOrg
	e := millionOrgEngine(b)
	week := e.LastFullWeek()
	runtime.GC()
	var peak uint64
	b.ReportAllocs()
	cpu := sqlitetest.CPUSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := e.Run(context.Background(), metrics.WeekPeriod(week), o)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Managers) != org.Managers || len(r.Leaders) != org.Leaders {
			b.Fatalf("%d managers and %d leaders, want %d and %d", len(r.Managers), len(r.Leaders), org.Managers, org.Leaders)
		}
		top, _ := r.Leader(sqlite.SeedLeaderID(0))
		if top.Metrics.Sessions == 0 || top.Correlation == nil || top.Correlation.N == 0 || top.Metrics.MeanRating == nil {
			b.Fatalf("the top leader's figures are empty: %+v", top.Metrics)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.StopTimer()
	b.ReportMetric((sqlitetest.CPUSeconds()-cpu)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(sqlitetest.ProcMB(0, "VmHWM"), "peak-rss-MB")
}

// BenchmarkScopedRuns computes what the per-person surfaces show, on the
// same organisation: /coach stats for one manager (trend, insights, team),
// and a report for a leader one level below the top (about 125 managers).
// Each reads only its part of the organisation (Options.Root).
func BenchmarkScopedRuns(b *testing.B) {
	org := sqlitetest.MillionOrg
	e := millionOrgEngine(b)
	for _, c := range []struct {
		name, root string
		o          metrics.Options
		leader     bool
	}{
		{"manager", sqlite.SeedManagerID(0), metrics.Options{Trend: true, Insights: true, Teams: true}, false},
		{"leader", sqlite.SeedLeaderID(org.TopLeaders), metrics.Options{Trend: true, Insights: true}, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.o.Root = c.root
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := e.Run(context.Background(), e.ThisWeek(), c.o)
				if err != nil {
					b.Fatal(err)
				}
				if _, ok := r.Manager(c.root); !c.leader && !ok {
					b.Fatalf("no figures for %s", c.root)
				}
				if _, ok := r.Leader(c.root); c.leader && !ok {
					b.Fatalf("no figures for %s", c.root)
				}
			}
		})
	}
}

// millionOrgEngine is the metrics at the benchmark organisation's now,
// reading a fresh read-only copy of its database.
func millionOrgEngine(b *testing.B) *metrics.Engine {
	org := sqlitetest.MillionOrg
	st, err := sqlite.Open(context.Background(), sqlitetest.SeededCopy(b, org), sqlite.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: func() time.Time { return org.Now }})
}
