package chart_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"

	"github.com/coachlog/coachlog/internal/chart"
)

func sample(sessions int) chart.Data {
	d := chart.Data{Title: "Coaching · 2026-W40 to 2026-W47", SessionsTitle: "Sessions per manager, last 8 weeks",
		TiersTitle: "Minutes by tier vs reps, 2026-W47"}
	for i := range sessions {
		d.Sessions = append(d.Sessions, chart.Bar{Label: fmt.Sprintf("Manager %d", i), Value: float64(40 - 2*i)})
	}
	d.Tiers = []chart.Tier{{Label: "top", Minutes: 0.45, Reps: 0.3, HasMin: true, HasRep: true},
		{Label: "middle", Minutes: 0.35, Reps: 0.45, HasMin: true, HasRep: true},
		{Label: "bottom", Minutes: 0.2, Reps: 0.25, HasMin: true, HasRep: true}}
	return d
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// The chart is a PNG of a fixed size (24 × 13 cm at 120 dpi), whatever
// it shows: nothing at all, a title alone, a few managers, or the busiest
// and quietest of many with a gap between.
func TestPNG(t *testing.T) {
	gapped := sample(16)
	gapped.Gap, gapped.GapLabel = 8, "… 1,984 more"
	for name, d := range map[string]chart.Data{"zero": {}, "title only": {Title: "Coaching"}, "three managers": sample(3), "gapped": gapped} {
		b, err := chart.PNG(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := decode(t, b).Bounds(); got != image.Rect(0, 0, 1134, 614) {
			t.Errorf("%s: %v pixels, want 1134 × 614", name, got)
		}
	}
}

// It draws what it is given: other figures, another image; the same
// figures, the same bytes (a retried upload sends what was built).
func TestPNGDrawsItsData(t *testing.T) {
	a, err := chart.PNG(sample(5))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := chart.PNG(sample(5))
	if !bytes.Equal(a, again) {
		t.Error("the same data drew two different images")
	}
	d := sample(5)
	d.Tiers[0].Minutes = 0.9
	b, _ := chart.PNG(d)
	if bytes.Equal(a, b) {
		t.Error("a different top-tier share drew the same image")
	}
}

// One digest draws one chart: what that costs, in time and allocations.
func BenchmarkPNG(b *testing.B) {
	d := sample(16)
	d.Gap, d.GapLabel = 8, "… 1,984 managers between"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := chart.PNG(d); err != nil {
			b.Fatal(err)
		}
	}
}
