package coaching_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A million sessions for a 20,000-rep organisation over a year.
var millionOrg = sqlitetest.MillionOrg

// BenchmarkNudgeEvaluation decides every manager's nudge at once, as
// `coachlog nudge --dry-run` does: 2,000 managers, 20,000 reps, 1,000,000
// sessions. It reports the Go heap's peak and the process's peak RSS.
func BenchmarkNudgeEvaluation(b *testing.B) {
	path := sqlitetest.SeededCopy(b, millionOrg)
	now := millionOrg.Now.Add(2 * time.Hour)
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
	o := coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, IgnoreWindow: true, DryRun: true}
	runtime.GC()
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run, err := svc.RunNudges(context.Background(), now, o)
		if err != nil {
			b.Fatal(err)
		}
		if run.Evaluated != millionOrg.Managers || len(run.Nudges) == 0 {
			b.Fatalf("evaluated %d managers, %d nudges", run.Evaluated, len(run.Nudges))
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(sqlitetest.ProcMB(0, "VmHWM"), "peak-rss-MB")
}
