package prom

import (
	"context"
	"sync/atomic"
)

// Counter counts events from zero. Coachlog only ever counts whole things
// (envelopes, tokens), so it is one atomic integer.
type Counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.n.Add(n) }

// Value is the count so far.
func (c *Counter) Value() uint64 { return c.n.Load() }

// CounterVec is a counter family: one Counter per set of label values.
type CounterVec struct {
	help string
	v    *vec[Counter]
}

// NewCounterVec returns a counter family; with no labels, With() is its
// one counter.
func NewCounterVec(name, help string, labels ...string) *CounterVec {
	return &CounterVec{help: help, v: newVec(name, labels, func() *Counter { return new(Counter) })}
}

// With returns the counter of these label values (in the order of the
// labels), creating it at zero the first time.
func (cv *CounterVec) With(values ...string) *Counter { return cv.v.with(values) }

// Names is the family's name.
func (cv *CounterVec) Names() []string { return []string{cv.v.name} }

// Collect reads every counter.
func (cv *CounterVec) Collect(context.Context) ([]Family, error) {
	f := Family{Name: cv.v.name, Help: cv.help, Type: TypeCounter, Labels: cv.v.labels}
	cv.v.each(func(values []string, c *Counter) {
		f.Series = append(f.Series, Series{Values: values, Value: float64(c.Value())})
	})
	return []Family{f}, nil
}
