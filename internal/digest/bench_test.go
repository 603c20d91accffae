package digest_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// BenchmarkDigest builds the weekly digest as the scheduler does, chart
// included, for 2,000 managers, 20,000 reps and 1,000,000 sessions over a
// year (the metrics' own benchmark organisation): every metric with its
// trend and insights, the words, the messages and the PNG. It reports
// the CPU time, the Go heap's peak and the process's peak RSS.
func BenchmarkDigest(b *testing.B) {
	org := sqlitetest.MillionOrg
	path := sqlitetest.SeededCopy(b, org)
	now := org.Now
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: func() time.Time { return now }})
	builder := digest.NewBuilder(e, nil, nil)
	week := coaching.DigestWeek(now, time.UTC)
	runtime.GC()
	var peak uint64
	b.ReportAllocs()
	cpu := sqlitetest.CPUSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := builder.Build(context.Background(), week, now)
		if err != nil {
			b.Fatal(err)
		}
		if d.Chart == nil || len(d.Chart.PNG) == 0 || len(d.Messages) < org.Leaders+1 {
			b.Fatalf("digest of %d messages, chart %v", len(d.Messages), d.Chart != nil)
		}
		if _, err := d.Posts(); err != nil {
			b.Fatal(err)
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
