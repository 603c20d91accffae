package prom

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestFloatsAreWrittenAsPrometheusWritesThem(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{-1, "-1"},
		{0.0005, "0.0005"},
		{0.25, "0.25"},
		{296672, "296672"},
		{1087248, "1.087248e+06"},
		{float64(math.MaxInt64), "9.223372036854776e+18"},
		{math.MaxUint64, "1.8446744073709552e+19"},
		{1e-7, "1e-07"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	} {
		if got := string(appendFloat(nil, tt.in)); got != tt.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The whole text of a small registry: families sorted by name, series by
// label values, empty families left out, label values and help escaped,
// a histogram's cumulative buckets ending at +Inf with its _sum and
// _count, a summary's quantiles.
func TestWriteTextSortsEscapesAndSpellsEveryType(t *testing.T) {
	r := NewRegistry()
	envelopes := NewCounterVec("b_envelopes_total", "Envelopes, by type.", "type")
	ack := NewHistogramVec("a_ack_seconds", "Ack time\\latency,\nby type.", []float64{0.001, 0.5, 2}, "type")
	empty := NewCounterVec("c_never_total", "Nothing counted yet.", "kind")
	r.MustRegister(envelopes, ack, empty,
		NewGaugeFunc("e_gauge", "A gauge.", func() float64 { return math.Inf(-1) }),
		NewScrapeFunc("d_summary", "A summary.", TypeSummary, nil, func(context.Context) ([]Series, error) {
			return []Series{{Quantiles: []Quantile{{0, 0.001}, {0.5, 0.002}, {1, math.NaN()}}, Sum: 0.5, Count: 3}}, nil
		}))
	envelopes.With("slash_commands").Inc()
	envelopes.With("events_api").Add(2)
	envelopes.With(`quote " back \ new` + "\nline").Inc()
	ack.With("slash").Observe(time.Millisecond)         // exactly the first bound: le is inclusive
	ack.With("slash").Observe(500*time.Millisecond + 1) // just past the second
	ack.With("slash").Observe(3 * time.Second)          // past the last: +Inf only
	ack.With("events").Observe(0)

	fams, err := r.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteText(&b, fams); err != nil {
		t.Fatal(err)
	}
	want := `# HELP a_ack_seconds Ack time\\latency,\nby type.
# TYPE a_ack_seconds histogram
a_ack_seconds_bucket{type="events",le="0.001"} 1
a_ack_seconds_bucket{type="events",le="0.5"} 1
a_ack_seconds_bucket{type="events",le="2"} 1
a_ack_seconds_bucket{type="events",le="+Inf"} 1
a_ack_seconds_sum{type="events"} 0
a_ack_seconds_count{type="events"} 1
a_ack_seconds_bucket{type="slash",le="0.001"} 1
a_ack_seconds_bucket{type="slash",le="0.5"} 1
a_ack_seconds_bucket{type="slash",le="2"} 2
a_ack_seconds_bucket{type="slash",le="+Inf"} 3
a_ack_seconds_sum{type="slash"} 3.501000001
a_ack_seconds_count{type="slash"} 3
# HELP b_envelopes_total Envelopes, by type.
# TYPE b_envelopes_total counter
b_envelopes_total{type="events_api"} 2
b_envelopes_total{type="quote \" back \\ new\nline"} 1
b_envelopes_total{type="slash_commands"} 1
# HELP d_summary A summary.
# TYPE d_summary summary
d_summary{quantile="0"} 0.001
d_summary{quantile="0.5"} 0.002
d_summary{quantile="1"} NaN
d_summary_sum 0.5
d_summary_count 3
# HELP e_gauge A gauge.
# TYPE e_gauge gauge
e_gauge -Inf
`
	if got := b.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

func TestRegisterRefusesANameTwiceAndBadNames(t *testing.T) {
	r := NewRegistry()
	if err := r.Register(NewCounterVec("x_total", "X.")); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(NewGaugeFunc("x_total", "X again.", func() float64 { return 0 })); err == nil {
		t.Error("a second x_total was registered")
	}
	if err := r.Register(NewGoCollector()); err != nil {
		t.Fatalf("the Go collector: %v", err)
	}
	if err := r.Register(NewGoCollector()); err == nil {
		t.Error("a second Go collector was registered")
	}
	for _, bad := range []func(){
		func() { NewCounterVec("bad-name", "") },
		func() { NewCounterVec("x", "", "le") },
		func() { NewHistogramVec("x", "", []float64{1, 0.5}) },
		func() { NewCounterVec("x", "", "a", "a") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a bad metric was built without a panic")
				}
			}()
			bad()
		}()
	}
}

// One collector failing fails the gather, names its families and still
// reads the others (their reads may have side effects worth keeping
// regular, and every error is reported at once).
func TestGatherReportsEveryFailedCollector(t *testing.T) {
	r := NewRegistry()
	read := 0
	boom := errors.New("database is locked")
	r.MustRegister(
		NewScrapeFunc("x_failed", "X.", TypeGauge, []string{"kind"}, func(context.Context) ([]Series, error) { return nil, boom }),
		NewGaugeFunc("y", "Y.", func() float64 { read++; return 1 }),
		NewScrapeFunc("z_failed", "Z.", TypeGauge, nil, func(context.Context) ([]Series, error) { return nil, errors.New("timeout") }))
	_, err := r.Gather(context.Background())
	ce, ok := errors.AsType[*CollectError](err)
	if !ok || strings.Join(ce.Names, ",") != "x_failed,z_failed" || !errors.Is(err, boom) || read != 1 {
		t.Fatalf("gather = %v (names %v), y read %d times", err, ce, read)
	}
}

func TestGatherRefusesASeriesWithTheWrongLabels(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(NewScrapeFunc("x", "X.", TypeGauge, []string{"kind"}, func(context.Context) ([]Series, error) {
		return []Series{{Value: 1}}, nil
	}))
	if _, err := r.Gather(context.Background()); err == nil {
		t.Fatal("a series without its label was gathered")
	}
}
