package prom

import (
	"context"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
)

func collect(t *testing.T, c Collector) map[string]Family {
	t.Helper()
	fams, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Family{}
	for _, f := range fams {
		byName[f.Name] = f
	}
	names := c.Names()
	for name := range byName {
		if !slices.Contains(names, name) {
			t.Errorf("%s is collected but not among the names registered", name)
		}
	}
	return byName
}

// The memory figures read from runtime/metrics are runtime.MemStats'
// under client_golang's names: each lies between ReadMemStats read just
// before and just after, give or take what the reads' own allocations
// move them (new spans: 1% and 256 KiB).
func TestGoMetricsAgreeWithMemStats(t *testing.T) {
	runtime.GC()
	runtime.GC() // two cycles: the pause summary has pauses to summarise
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := collect(t, NewGoCollector())
	runtime.ReadMemStats(&after)
	if len(got) != len(NewGoCollector().Names()) {
		t.Errorf("%d families, want %d", len(got), len(NewGoCollector().Names()))
	}
	for _, tt := range []struct {
		name string
		want func(*runtime.MemStats) uint64
	}{
		{"go_memstats_alloc_bytes", func(ms *runtime.MemStats) uint64 { return ms.Alloc }},
		{"go_memstats_heap_alloc_bytes", func(ms *runtime.MemStats) uint64 { return ms.HeapAlloc }},
		{"go_memstats_heap_inuse_bytes", func(ms *runtime.MemStats) uint64 { return ms.HeapInuse }},
		{"go_memstats_heap_idle_bytes", func(ms *runtime.MemStats) uint64 { return ms.HeapIdle }},
		{"go_memstats_heap_sys_bytes", func(ms *runtime.MemStats) uint64 { return ms.HeapSys }},
		{"go_memstats_heap_objects", func(ms *runtime.MemStats) uint64 { return ms.HeapObjects }},
		{"go_memstats_sys_bytes", func(ms *runtime.MemStats) uint64 { return ms.Sys }},
		{"go_memstats_stack_inuse_bytes", func(ms *runtime.MemStats) uint64 { return ms.StackInuse }},
		{"go_memstats_mspan_inuse_bytes", func(ms *runtime.MemStats) uint64 { return ms.MSpanInuse }},
		{"go_memstats_next_gc_bytes", func(ms *runtime.MemStats) uint64 { return ms.NextGC }},
		{"go_memstats_mallocs_total", func(ms *runtime.MemStats) uint64 { return ms.Mallocs }},
		{"go_memstats_frees_total", func(ms *runtime.MemStats) uint64 { return ms.Frees }},
		{"go_memstats_alloc_bytes_total", func(ms *runtime.MemStats) uint64 { return ms.TotalAlloc }},
	} {
		f, ok := got[tt.name]
		if !ok {
			t.Errorf("%s missing", tt.name)
			continue
		}
		v := f.Series[0].Value
		lo, hi := float64(min(tt.want(&before), tt.want(&after))), float64(max(tt.want(&before), tt.want(&after)))
		if v < lo*0.99-256<<10 || v > hi*1.01+256<<10 {
			t.Errorf("%s = %.0f, MemStats says %.0f before and %.0f after", tt.name, v, lo, hi)
		}
	}
	if v := got["go_goroutines"].Series[0].Value; v < 1 || v > float64(runtime.NumGoroutine()+10) {
		t.Errorf("go_goroutines = %v", v)
	}
	if v := got["go_threads"].Series[0].Value; v < 1 {
		t.Errorf("go_threads = %v", v)
	}
	if v := got["go_sched_gomaxprocs_threads"].Series[0].Value; v != float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("go_sched_gomaxprocs_threads = %v, want %d", v, runtime.GOMAXPROCS(0))
	}
	if info := got["go_info"].Series[0]; info.Values[0] != runtime.Version() || info.Value != 1 {
		t.Errorf("go_info = %+v", info)
	}
	gc := got["go_gc_duration_seconds"]
	s := gc.Series[0]
	if gc.Type != TypeSummary || s.Count < 2 || s.Sum <= 0 || len(s.Quantiles) != 5 {
		t.Fatalf("go_gc_duration_seconds = %+v", gc)
	}
	for i, q := range s.Quantiles {
		if q.Quantile != []float64{0, 0.25, 0.5, 0.75, 1}[i] || (i > 0 && q.Value < s.Quantiles[i-1].Value) {
			t.Errorf("go_gc_duration_seconds quantiles = %+v", s.Quantiles)
		}
	}
	if v := got["go_memstats_last_gc_time_seconds"].Series[0].Value; v != float64(before.LastGC)/1e9 {
		t.Errorf("go_memstats_last_gc_time_seconds = %v, MemStats says %v", v, float64(before.LastGC)/1e9)
	}
}

// Every runtime metric read is one this Go has, as an integer: a name
// that moved in a new Go release would otherwise read 0 in silence.
func TestTheRuntimeMetricsReadExist(t *testing.T) {
	kinds := map[string]metrics.ValueKind{}
	for _, d := range metrics.All() {
		kinds[d.Name] = d.Kind
	}
	for _, name := range rmNames {
		if kinds[name] != metrics.KindUint64 {
			t.Errorf("runtime/metrics has no integer %s", name)
		}
	}
	for _, g := range rmGauges {
		if !slices.Contains(rmNames, g.rm) || NewGoCollector().rmHelp[g.rm] == "" {
			t.Errorf("%s: %s is not read or has no description", g.name, g.rm)
		}
	}
}
