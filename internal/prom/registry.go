// Package prom is Coachlog's own small Prometheus registry: counters,
// histograms of durations, values read at scrape time and the Go runtime's
// and the process's metrics, written in the text exposition format 0.0.4.
//
// It replaces github.com/prometheus/client_golang, whose dependency on
// google.golang.org/protobuf registers descriptors at package
// initialisation and cost the idle bot about 1.7 MB of its 20 MB budget
// (and 3 MB of binary), whether or not /metrics is ever scraped. The text format is all a
// Prometheus server needs; it asks for it when the protobuf one is not
// offered.
//
// A Registry is a value, never a global. Counters and histograms are
// updated with atomics only; a labelled series is found through a map
// read without a lock.
package prom

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Type is a metric family's type, as its TYPE line names it.
type Type int

// The types the text format knows and this package writes.
const (
	TypeCounter Type = iota
	TypeGauge
	TypeHistogram
	TypeSummary
)

func (t Type) String() string {
	switch t {
	case TypeCounter:
		return "counter"
	case TypeGauge:
		return "gauge"
	case TypeHistogram:
		return "histogram"
	case TypeSummary:
		return "summary"
	}
	return "untyped"
}

// Family is one metric as a scrape reads it: its name, help, type, label
// names and series.
type Family struct {
	Name, Help string
	Type       Type
	Labels     []string
	Series     []Series
}

// Series is one labelled value of a family. Counters and gauges use Value;
// histograms Buckets, Sum and Count; summaries Quantiles, Sum and Count.
type Series struct {
	// Values are the label values, in the order of the family's Labels.
	Values []string
	Value  float64
	// Buckets are cumulative counts by upper bound, ascending, without
	// +Inf: the +Inf bucket is Count, so the two always agree.
	Buckets   []Bucket
	Quantiles []Quantile
	Sum       float64
	Count     uint64
}

// Bucket is a histogram's count of observations at most UpperBound.
type Bucket struct {
	UpperBound float64
	Count      uint64
}

// Quantile is a summary's value at a quantile (0 to 1).
type Quantile struct {
	Quantile, Value float64
}

// Collector gives families at each scrape.
type Collector interface {
	// Names are the families Collect gives, so that a registry can refuse
	// two collectors of one name when they are registered.
	Names() []string
	// Collect reads the families now. An error fails the scrape: a
	// missing family would look to an alert like a healthy zero.
	Collect(ctx context.Context) ([]Family, error)
}

// Registry holds collectors and gathers them at a scrape.
type Registry struct {
	mu         sync.Mutex
	names      map[string]bool
	collectors []Collector
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{names: map[string]bool{}}
}

// Register adds c, unless one of its names is invalid or taken.
func (r *Registry) Register(c Collector) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := c.Names()
	for i, n := range names {
		if !metricName.MatchString(n) {
			return fmt.Errorf("register metric %q: not a valid metric name", n)
		}
		if r.names[n] || slices.Contains(names[:i], n) {
			return fmt.Errorf("register metric %s: already registered", n)
		}
	}
	for _, n := range names {
		r.names[n] = true
	}
	r.collectors = append(r.collectors, c)
	return nil
}

// MustRegister registers each collector and panics on the first that
// cannot be: a name taken twice is a programming error.
func (r *Registry) MustRegister(cs ...Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// CollectError is a scrape that could not read some families.
type CollectError struct {
	// Names are the families of the collectors that failed.
	Names []string
	Err   error
}

func (e *CollectError) Error() string {
	return "collect " + strings.Join(e.Names, ", ") + ": " + e.Err.Error()
}

func (e *CollectError) Unwrap() error { return e.Err }

// Gather collects every family, sorted by name, each one's series sorted
// by label values. Families without series are left out, as client_golang
// does. Every collector is read even when one fails; the error then is a
// *CollectError naming the failed collectors' families.
func (r *Registry) Gather(ctx context.Context) ([]Family, error) {
	r.mu.Lock()
	collectors := slices.Clone(r.collectors)
	r.mu.Unlock()

	var fams []Family
	cerr := &CollectError{}
	var errs []error
	for _, c := range collectors {
		got, err := c.Collect(ctx)
		if err != nil {
			cerr.Names = append(cerr.Names, c.Names()...)
			errs = append(errs, err)
			continue
		}
		for _, f := range got {
			if len(f.Series) > 0 {
				fams = append(fams, f)
			}
		}
	}
	if len(errs) > 0 {
		cerr.Err = errors.Join(errs...)
		return nil, cerr
	}
	slices.SortFunc(fams, func(a, b Family) int { return cmp.Compare(a.Name, b.Name) })
	for i := range fams {
		f := &fams[i]
		if i > 0 && fams[i-1].Name == f.Name {
			return nil, fmt.Errorf("gather metrics: two families named %s", f.Name)
		}
		for _, s := range f.Series {
			if len(s.Values) != len(f.Labels) {
				return nil, fmt.Errorf("gather metrics: %s has %d labels, a series %d values", f.Name, len(f.Labels), len(s.Values))
			}
		}
		slices.SortFunc(f.Series, func(a, b Series) int { return slices.Compare(a.Values, b.Values) })
	}
	return fams, nil
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// checkDesc panics on a name or label that Prometheus would refuse, or on
// a label the format reserves for a histogram or summary: these are
// programming errors, found by the first test that builds the metric.
func checkDesc(name string, labels []string) {
	if !metricName.MatchString(name) {
		panic(fmt.Sprintf("prom: %q is not a valid metric name", name))
	}
	for i, l := range labels {
		if !labelName.MatchString(l) || strings.HasPrefix(l, "__") || l == "le" || l == "quantile" {
			panic(fmt.Sprintf("prom: %s: %q is not a label name this package allows", name, l))
		}
		if slices.Contains(labels[:i], l) {
			panic(fmt.Sprintf("prom: %s: label %s twice", name, l))
		}
	}
}
