package prom

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// Histogram counts durations into buckets, in seconds as Prometheus
// wants them. It keeps whole nanoseconds: the sum is one atomic add, exact,
// rather than a compare-and-swap loop on a float that spins while other
// cores observe. Each bucket counts its own observations, not the
// cumulative ones, so an observation is two atomic adds; the cumulative
// counts and the total are summed at a scrape, which makes _count always
// equal to the +Inf bucket.
type Histogram struct {
	bounds []int64         // upper bounds in nanoseconds, ascending; shared by a family
	counts []atomic.Uint64 // one per bound, then +Inf
	sumNs  atomic.Int64
}

// Observe counts one duration.
func (h *Histogram) Observe(d time.Duration) {
	ns := int64(d)
	i := 0
	for i < len(h.bounds) && ns > h.bounds[i] { // few bounds, and most durations fall in the first ones
		i++
	}
	h.counts[i].Add(1)
	h.sumNs.Add(ns)
}

// snapshot reads the cumulative buckets, the total and the sum.
func (h *Histogram) snapshot(upper []float64) Series {
	s := Series{Buckets: make([]Bucket, len(upper))}
	var n uint64
	for i, ub := range upper {
		n += h.counts[i].Load()
		s.Buckets[i] = Bucket{UpperBound: ub, Count: n}
	}
	s.Count = n + h.counts[len(upper)].Load()
	s.Sum = time.Duration(h.sumNs.Load()).Seconds()
	return s
}

// HistogramVec is a histogram family of durations: one Histogram per set
// of label values, all with the same buckets.
type HistogramVec struct {
	help  string
	upper []float64 // seconds
	v     *vec[Histogram]
}

// NewHistogramVec returns a histogram family with buckets at these upper
// bounds in seconds (ascending, finite and positive; +Inf is implied).
func NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	bounds := make([]int64, len(buckets))
	for i, b := range buckets {
		if b <= 0 || math.IsInf(b, 0) || math.IsNaN(b) || (i > 0 && b <= buckets[i-1]) {
			panic(fmt.Sprintf("prom: %s: buckets must be positive, finite and ascending: %v", name, buckets))
		}
		bounds[i] = int64(math.Round(b * 1e9))
	}
	hv := &HistogramVec{help: help, upper: slices.Clone(buckets)}
	hv.v = newVec(name, labels, func() *Histogram {
		return &Histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
	})
	return hv
}

// With returns the histogram of these label values (in the order of the
// labels), creating it empty the first time.
func (hv *HistogramVec) With(values ...string) *Histogram { return hv.v.with(values) }

// Names is the family's name.
func (hv *HistogramVec) Names() []string { return []string{hv.v.name} }

// Collect reads every histogram.
func (hv *HistogramVec) Collect(context.Context) ([]Family, error) {
	f := Family{Name: hv.v.name, Help: hv.help, Type: TypeHistogram, Labels: hv.v.labels}
	hv.v.each(func(values []string, h *Histogram) {
		s := h.snapshot(hv.upper)
		s.Values = values
		f.Series = append(f.Series, s)
	})
	return []Family{f}, nil
}
