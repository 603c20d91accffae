package prom

import (
	"context"
	"maps"
	"slices"
)

// ProcessCollector gives the process's metrics under client_golang's names,
// help and meaning (its collectors.NewProcessCollector, v1.25): CPU time,
// memory, file descriptors, start time and the network namespace's bytes.
// They are read from /proc/self on Linux; elsewhere there are none, rather
// than an error that would fail every scrape.
type ProcessCollector struct{}

// NewProcessCollector returns the process's collector.
func NewProcessCollector() *ProcessCollector { return &ProcessCollector{} }

// processHelp is each family's help, by name, as client_golang has it.
var processHelp = map[string]string{
	"process_cpu_seconds_total":            "Total user and system CPU time spent in seconds.",
	"process_open_fds":                     "Number of open file descriptors.",
	"process_max_fds":                      "Maximum number of open file descriptors.",
	"process_virtual_memory_bytes":         "Virtual memory size in bytes.",
	"process_virtual_memory_max_bytes":     "Maximum amount of virtual memory available in bytes.",
	"process_resident_memory_bytes":        "Resident memory size in bytes.",
	"process_start_time_seconds":           "Start time of the process since unix epoch in seconds.",
	"process_network_receive_bytes_total":  "Number of bytes received by the process over the network.",
	"process_network_transmit_bytes_total": "Number of bytes sent by the process over the network.",
}

// Names are the families Collect may give.
func (c *ProcessCollector) Names() []string {
	return slices.Sorted(maps.Keys(processHelp))
}

// Collect reads what the system tells of the process. A file that cannot
// be read leaves its families out, as client_golang does by default: they
// are the system's, not the bot's, and must not fail the bot's scrape.
func (c *ProcessCollector) Collect(context.Context) ([]Family, error) {
	var fams []Family
	for _, s := range c.read() {
		typ := TypeGauge
		if s.counter {
			typ = TypeCounter
		}
		fams = append(fams, Family{Name: s.name, Help: processHelp[s.name], Type: typ, Series: []Series{{Value: s.value}}})
	}
	return fams, nil
}

type processSample struct {
	name    string
	value   float64
	counter bool
}
