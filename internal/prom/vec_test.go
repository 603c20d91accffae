package prom

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The hot path (a series that exists) allocates nothing, with one label
// or several.
func TestFindingASeriesAllocatesNothing(t *testing.T) {
	cv := NewCounterVec("x_total", "X.", "feature", "outcome")
	hv := NewHistogramVec("x_seconds", "X.", []float64{.1, 1}, "type")
	cv.With("capture", "ok")
	hv.With("events_api")
	if n := testing.AllocsPerRun(100, func() {
		cv.With("capture", "ok").Inc()
		hv.With("events_api").Observe(time.Millisecond)
	}); n != 0 {
		t.Errorf("%v allocations per update, want 0", n)
	}
}

func TestWithTheWrongNumberOfValuesPanics(t *testing.T) {
	cv := NewCounterVec("x_total", "X.", "feature", "outcome")
	defer func() {
		if recover() == nil {
			t.Error("one value for two labels was accepted")
		}
	}()
	cv.With("capture")
}

// Values that are not valid UTF-8 (the format forbids them) are repaired;
// two that repair alike count into one series, never two of one name.
func TestInvalidUTF8ValuesShareTheirRepairedSeries(t *testing.T) {
	cv := NewCounterVec("x_total", "X.", "type")
	cv.With("a\xffb").Inc()
	cv.With("a\xfeb").Inc()
	cv.With("a\uFFFDb").Inc()
	cv.With("a\xffb").Inc()
	fams, _ := cv.Collect(context.Background())
	if s := fams[0].Series; len(s) != 1 || s[0].Values[0] != "a\uFFFDb" || s[0].Value != 4 {
		t.Fatalf("series = %+v, want one a\uFFFDb counting 4", s)
	}
}

// Many goroutines creating and counting the same new series at once end
// with one series each and every count kept.
func TestConcurrentUpdatesKeepEveryCount(t *testing.T) {
	cv := NewCounterVec("x_total", "X.", "type", "n")
	hv := NewHistogramVec("x_seconds", "X.", []float64{.001, .01}, "type")
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				typ := fmt.Sprint(i % 7)
				cv.With(typ, "1").Inc()
				hv.With(typ).Observe(time.Duration(w*i) * time.Microsecond)
			}
		})
	}
	wg.Wait()
	var counted, observed uint64
	cfs, _ := cv.Collect(context.Background())
	hfs, _ := hv.Collect(context.Background())
	if len(cfs[0].Series) != 7 || len(hfs[0].Series) != 7 {
		t.Fatalf("%d counter and %d histogram series, want 7 each", len(cfs[0].Series), len(hfs[0].Series))
	}
	for _, s := range cfs[0].Series {
		counted += uint64(s.Value)
	}
	for _, s := range hfs[0].Series {
		observed += s.Count
	}
	if counted != workers*each || observed != workers*each {
		t.Errorf("counted %d, observed %d, want %d each", counted, observed, workers*each)
	}
}
