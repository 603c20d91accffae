package prom

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// GoCollector gives the Go runtime's metrics under client_golang's names,
// help and meaning (its default collectors.NewGoCollector, v1.25), so that
// dashboards and alerts written for it keep working. The memory figures
// come from runtime/metrics, as client_golang's do, which never stops the
// world as runtime.ReadMemStats does.
type GoCollector struct {
	rmHelp map[string]string // the descriptions of rmGauges' metrics, their help
}

// rmNames are the runtime/metrics read at each scrape: those memstats and
// rmGauges use, and no others (some, the goroutines by state, take the
// scheduler's lock).
var rmNames = []string{
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
	"/gc/heap/frees:objects",
	"/gc/heap/tiny/allocs:objects",
	"/gc/heap/goal:bytes",
	"/gc/heap/objects:objects",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
	"/memory/classes/metadata/mspan/inuse:bytes",
	"/memory/classes/metadata/mspan/free:bytes",
	"/memory/classes/metadata/mcache/inuse:bytes",
	"/memory/classes/metadata/mcache/free:bytes",
	"/memory/classes/profiling/buckets:bytes",
	"/memory/classes/metadata/other:bytes",
	"/memory/classes/other:bytes",
	"/gc/gogc:percent",
	"/gc/gomemlimit:bytes",
	"/sched/gomaxprocs:threads",
}

// memstat is one of client_golang's go_memstats_* families, computed from
// the samples as its memStatsFromRM does.
type memstat struct {
	name, help string
	typ        Type
	value      func(rm map[string]uint64) uint64
}

var memstats = []memstat{
	{"go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/heap/objects:bytes"] }},
	{"go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.", TypeCounter,
		func(rm map[string]uint64) uint64 { return rm["/gc/heap/allocs:bytes"] }},
	{"go_memstats_sys_bytes", "Number of bytes obtained from system. Equals to /memory/classes/total:byte.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/total:bytes"] }},
	{"go_memstats_mallocs_total", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.", TypeCounter,
		func(rm map[string]uint64) uint64 {
			return rm["/gc/heap/allocs:objects"] + rm["/gc/heap/tiny/allocs:objects"]
		}},
	{"go_memstats_frees_total", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.", TypeCounter,
		func(rm map[string]uint64) uint64 {
			return rm["/gc/heap/frees:objects"] + rm["/gc/heap/tiny/allocs:objects"]
		}},
	{"go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/heap/objects:bytes"] }},
	{"go_memstats_heap_sys_bytes", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/heap/objects:bytes"] + rm["/memory/classes/heap/unused:bytes"] + rm["/memory/classes/heap/released:bytes"] + rm["/memory/classes/heap/free:bytes"]
		}},
	{"go_memstats_heap_idle_bytes", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/heap/released:bytes"] + rm["/memory/classes/heap/free:bytes"]
		}},
	{"go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/heap/objects:bytes"] + rm["/memory/classes/heap/unused:bytes"]
		}},
	{"go_memstats_heap_released_bytes", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/heap/released:bytes"] }},
	{"go_memstats_heap_objects", "Number of currently allocated objects. Equals to /gc/heap/objects:objects.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/gc/heap/objects:objects"] }},
	{"go_memstats_stack_inuse_bytes", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/heap/stacks:bytes"] }},
	{"go_memstats_stack_sys_bytes", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/heap/stacks:bytes"] + rm["/memory/classes/os-stacks:bytes"]
		}},
	{"go_memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/metadata/mspan/inuse:bytes"] }},
	{"go_memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/metadata/mspan/inuse:bytes"] + rm["/memory/classes/metadata/mspan/free:bytes"]
		}},
	{"go_memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/metadata/mcache/inuse:bytes"] }},
	{"go_memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 {
			return rm["/memory/classes/metadata/mcache/inuse:bytes"] + rm["/memory/classes/metadata/mcache/free:bytes"]
		}},
	{"go_memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/profiling/buckets:bytes"] }},
	{"go_memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/metadata/other:bytes"] }},
	{"go_memstats_other_sys_bytes", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/memory/classes/other:bytes"] }},
	{"go_memstats_next_gc_bytes", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.", TypeGauge,
		func(rm map[string]uint64) uint64 { return rm["/gc/heap/goal:bytes"] }},
}

// rmGauges are the runtime/metrics client_golang exposes by default under
// names derived from them; their help is the runtime's description.
var rmGauges = []struct{ name, rm string }{
	{"go_gc_gogc_percent", "/gc/gogc:percent"},
	{"go_gc_gomemlimit_bytes", "/gc/gomemlimit:bytes"},
	{"go_sched_gomaxprocs_threads", "/sched/gomaxprocs:threads"},
}

// NewGoCollector returns the Go runtime's collector.
func NewGoCollector() *GoCollector {
	c := &GoCollector{rmHelp: map[string]string{}}
	for _, d := range metrics.All() {
		for _, g := range rmGauges {
			if g.rm == d.Name {
				c.rmHelp[d.Name] = d.Description + " Sourced from " + d.Name + "."
			}
		}
	}
	return c
}

// Names are the families Collect gives.
func (c *GoCollector) Names() []string {
	names := []string{"go_goroutines", "go_threads", "go_gc_duration_seconds", "go_memstats_last_gc_time_seconds", "go_info"}
	for _, m := range memstats {
		names = append(names, m.name)
	}
	for _, g := range rmGauges {
		names = append(names, g.name)
	}
	return names
}

// Collect reads the runtime.
func (c *GoCollector) Collect(context.Context) ([]Family, error) {
	threads, _ := runtime.ThreadCreateProfile(nil)
	// client_golang's go_gc_duration_seconds: min, quartiles and max of the
	// recent pauses (the runtime keeps the last 256), from ReadGCStats,
	// which takes the heap lock but does not stop the world.
	gc := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
	debug.ReadGCStats(&gc)
	pauses := Series{Count: uint64(gc.NumGC), Sum: gc.PauseTotal.Seconds()}
	for i, q := range gc.PauseQuantiles {
		pauses.Quantiles = append(pauses.Quantiles, Quantile{Quantile: float64(i) / 4, Value: q.Seconds()})
	}
	fams := []Family{
		gauge("go_goroutines", "Number of goroutines that currently exist.", float64(runtime.NumGoroutine())),
		gauge("go_threads", "Number of OS threads created.", float64(threads)),
		{Name: "go_gc_duration_seconds", Help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.",
			Type: TypeSummary, Series: []Series{pauses}},
		gauge("go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", float64(gc.LastGC.UnixNano())/1e9),
		{Name: "go_info", Help: "Information about the Go environment.", Type: TypeGauge, Labels: []string{"version"},
			Series: []Series{{Values: []string{runtime.Version()}, Value: 1}}},
	}

	samples := make([]metrics.Sample, len(rmNames))
	for i, name := range rmNames {
		samples[i].Name = name
	}
	metrics.Read(samples)
	rm := make(map[string]uint64, len(samples))
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 { // a name a later Go dropped reads 0, as in client_golang
			rm[s.Name] = s.Value.Uint64()
		}
	}
	for _, m := range memstats {
		fams = append(fams, Family{Name: m.name, Help: m.help, Type: m.typ, Series: []Series{{Value: float64(m.value(rm))}}})
	}
	for _, g := range rmGauges {
		fams = append(fams, gauge(g.name, c.rmHelp[g.rm], float64(rm[g.rm])))
	}
	return fams, nil
}

func gauge(name, help string, v float64) Family {
	return Family{Name: name, Help: help, Type: TypeGauge, Series: []Series{{Value: v}}}
}
