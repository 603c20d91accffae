package prom

import (
	"context"
	"slices"
)

// ScrapeFunc is a family whose series are read at each scrape, for figures
// the bot keeps elsewhere: the outbox's counts in the database, the
// scheduler's runs.
type ScrapeFunc struct {
	name, help string
	typ        Type
	labels     []string
	read       func(ctx context.Context) ([]Series, error)
}

// NewScrapeFunc returns a family of this type and these labels whose
// series read returns at each scrape; an error from read fails the scrape.
func NewScrapeFunc(name, help string, typ Type, labels []string, read func(ctx context.Context) ([]Series, error)) *ScrapeFunc {
	checkDesc(name, labels)
	return &ScrapeFunc{name: name, help: help, typ: typ, labels: slices.Clone(labels), read: read}
}

// NewGaugeFunc returns a gauge without labels read from f at each scrape.
func NewGaugeFunc(name, help string, f func() float64) *ScrapeFunc {
	return NewScrapeFunc(name, help, TypeGauge, nil, func(context.Context) ([]Series, error) {
		return []Series{{Value: f()}}, nil
	})
}

// NewCounterFunc returns a counter without labels read from f at each
// scrape; f must never go down.
func NewCounterFunc(name, help string, f func() float64) *ScrapeFunc {
	return NewScrapeFunc(name, help, TypeCounter, nil, func(context.Context) ([]Series, error) {
		return []Series{{Value: f()}}, nil
	})
}

// Names is the family's name.
func (s *ScrapeFunc) Names() []string { return []string{s.name} }

// Collect reads the series.
func (s *ScrapeFunc) Collect(ctx context.Context) ([]Family, error) {
	series, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return []Family{{Name: s.name, Help: s.help, Type: s.typ, Labels: s.labels, Series: series}}, nil
}

// ScrapeGroup is several families read together at a scrape, from one
// read of what they report on: a file's size and the counters kept beside
// it, or two counts one query returns. Registered as separate funcs, each
// family would read the source again.
type ScrapeGroup struct {
	names []string
	read  func(ctx context.Context) ([]Family, error)
}

// NewScrapeGroup returns the families named names, all given by read at
// each scrape; an error from read fails the scrape.
func NewScrapeGroup(names []string, read func(ctx context.Context) ([]Family, error)) *ScrapeGroup {
	for _, n := range names {
		checkDesc(n, nil)
	}
	return &ScrapeGroup{names: slices.Clone(names), read: read}
}

// Names are the families' names.
func (g *ScrapeGroup) Names() []string { return g.names }

// Collect reads the families.
func (g *ScrapeGroup) Collect(ctx context.Context) ([]Family, error) { return g.read(ctx) }
