package chart_test

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/coachlog/coachlog/internal/chart"
)

// These tests read the image as a person would: where the colours are,
// where the text is. The colours are the chart's, as the digest's readers
// know them.
var (
	green = color.RGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff} // sessions
	blue  = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff} // coaching minutes
	grey  = color.RGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff} // reps
)

func render(t *testing.T, d chart.Data) image.Image {
	t.Helper()
	b, err := chart.PNG(d)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, b)
}

func is(img image.Image, x, y int, c color.RGBA) bool {
	r, g, b, a := img.At(x, y).RGBA()
	cr, cg, cb, ca := c.RGBA()
	return r == cr && g == cg && b == cb && a == ca
}

// solid: x, y and its eight neighbours are c, so a filled shape, not the
// anti-aliased edge of a letter that happens to be that shade.
func solid(img image.Image, x, y int, c color.RGBA) bool {
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			if !is(img, x+dx, y+dy, c) {
				return false
			}
		}
	}
	return true
}

// ink counts the dark pixels (text, axes) in r.
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr < 0x8000 && cg < 0x8000 && cb < 0x8000 {
				n++
			}
		}
	}
	return n
}

// box bounds the solid pixels of colour c in r; empty if there are none.
func box(img image.Image, r image.Rectangle, c color.RGBA) image.Rectangle {
	var b image.Rectangle
	for y := r.Min.Y + 1; y < r.Max.Y-1; y++ {
		for x := r.Min.X + 1; x < r.Max.X-1; x++ {
			if solid(img, x, y, c) {
				b = b.Union(image.Rect(x-1, y-1, x+2, y+2))
			}
		}
	}
	return b
}

// bar is one of the left panel's bars as drawn: the rows it covers, where
// it starts and how long it is.
type bar struct{ top, bottom, left, length int }

// sessionBars finds the left half's green bars, top to bottom.
func sessionBars(img image.Image) []bar {
	half := img.Bounds().Dx() / 2
	var bars []bar
	in := false
	for y := range img.Bounds().Dy() {
		left, n := -1, 0
		for x := range half {
			if is(img, x, y, green) {
				if left < 0 {
					left = x
				}
				n++
			}
		}
		switch {
		case n > 0 && !in:
			bars = append(bars, bar{top: y, left: left})
			in = true
		case n == 0 && in:
			bars[len(bars)-1].bottom = y
			in = false
		}
	}
	for i, b := range bars {
		mid := (b.top + b.bottom) / 2
		for x := range half {
			if is(img, x, mid, green) {
				bars[i].length++
			}
		}
	}
	return bars
}

func about(got, want float64) bool { return math.Abs(got-want) <= 0.04*want }

// A bar is as long as its figure: twice the sessions, twice the length,
// within one image and from one image to another on the same scale.
func TestBarsGrowWithTheirValues(t *testing.T) {
	draw := func(top float64) []bar {
		bars := sessionBars(render(t, chart.Data{Sessions: []chart.Bar{{Label: "Ada", Value: top}, {Label: "Bo", Value: 5}, {Label: "Cy", Value: 20}}}))
		if len(bars) != 3 {
			t.Fatalf("%d green bars drawn, want 3", len(bars))
		}
		return bars
	}
	ten, five := draw(10), draw(5)
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"10 beside 5 in one image", ten[0].length, 2 * ten[1].length},
		{"20 beside 10 in one image", ten[2].length, 2 * ten[0].length},
		{"10 in one image, 5 in another", ten[0].length, 2 * five[0].length},
	} {
		if !about(float64(c.got), float64(c.want)) {
			t.Errorf("%s: %d pixels, want about %d", c.what, c.got, c.want)
		}
	}
	if ten[0].top >= ten[1].top || ten[1].top >= ten[2].top {
		t.Errorf("bars at rows %d, %d, %d: want the first on top", ten[0].top, ten[1].top, ten[2].top)
	}
}

// After the busiest N, a gap as tall as a bar's row says how many are
// between, before the quietest N.
func TestTheGapIsLabelled(t *testing.T) {
	d := sample(16)
	d.Gap, d.GapLabel = 8, "… 1,984 managers between"
	withLabel := render(t, d)
	d.GapLabel = ""
	without := render(t, d)

	bars := sessionBars(withLabel)
	if len(bars) != 16 {
		t.Fatalf("%d green bars drawn, want 16", len(bars))
	}
	gap := image.Rect(0, bars[7].bottom, withLabel.Bounds().Dx()/2, bars[8].top)
	if step := bars[1].top - bars[0].top; bars[8].top-bars[7].top < 2*step*9/10 {
		t.Errorf("the gap is %d pixels from bar to bar, want about two rows of %d", bars[8].top-bars[7].top, step)
	}
	if got, bare := ink(withLabel, gap), ink(without, gap); got < bare+100 {
		t.Errorf("%d dark pixels in the gap with its label, %d without: want the label drawn", got, bare)
	}
}

// The right panel's legend names the two colours: a swatch of each, with
// words beside it, shown whenever there are tiers (even with no bar to
// draw) and not when there are none.
func TestTheTierLegendNamesBothColours(t *testing.T) {
	right := image.Rect(1134/2, 0, 1134, 614)
	d := chart.Data{Tiers: []chart.Tier{{Label: "top"}, {Label: "bottom"}}} // no shares: no bars
	img := render(t, d)
	for _, c := range []struct {
		name string
		col  color.RGBA
	}{{"coaching minutes", blue}, {"reps", grey}} {
		b := box(img, right, c.col)
		if b.Empty() || b.Dx() > 30 || b.Dy() > 30 {
			t.Errorf("%s: its colour covers %v, want a small swatch", c.name, b)
			continue
		}
		words := image.Rect(b.Max.X, b.Min.Y-4, b.Max.X+120, b.Max.Y+4)
		if n := ink(img, words); n < 40 {
			t.Errorf("%s: %d dark pixels beside its swatch, want its name", c.name, n)
		}
	}
	if b := box(render(t, chart.Data{}), right, blue); !b.Empty() {
		t.Errorf("with no tiers, blue covers %v: want no legend", b)
	}
}

// A share is a bar's height on the same 0–100% axis for both colours.
func TestTierBarsShowTheirShares(t *testing.T) {
	img := render(t, chart.Data{Tiers: []chart.Tier{{Label: "top", Minutes: 0.6, Reps: 0.3, HasMin: true, HasRep: true}}})
	right := image.Rect(1134/2, 0, 1134, 614)
	// A bar's height along a column through its lowest solid pixel (the
	// legend's swatches are higher up).
	tall := func(col color.RGBA) (height, base int) {
		for y := right.Max.Y - 2; y > right.Min.Y; y-- {
			for x := right.Min.X + 1; x < right.Max.X-1; x++ {
				if solid(img, x, y, col) {
					for height = 0; is(img, x, y-height, col); height++ {
					}
					return height, y + 1
				}
			}
		}
		return 0, 0
	}
	m, mBase := tall(blue)
	r, rBase := tall(grey)
	if mBase != rBase {
		t.Errorf("the bars end at rows %d and %d, want one baseline", mBase, rBase)
	}
	if !about(float64(m), float64(2*r)) || r < 50 {
		t.Errorf("60%% of minutes is %d pixels tall, 30%% of reps %d: want twice as tall, and tall enough to read", m, r)
	}
}

// With no tier to draw, the panel says the words it is given (the
// digest's, "no coaching minutes", as its text says of the week), and
// none of its own: it said "no tiers" beside a text saying otherwise.
func TestAPanelWithNoTiersSaysTheWordsItIsGiven(t *testing.T) {
	right := image.Rect(1134/2, 0, 1134, 614)
	bare := ink(render(t, chart.Data{}), right) // the axes and their ticks
	short := ink(render(t, chart.Data{NoTiers: "none"}), right)
	long := ink(render(t, chart.Data{NoTiers: "no coaching minutes"}), right)
	if short <= bare || long < short+100 {
		t.Errorf("dark pixels in the tier panel: %d with no words, %d with \"none\", %d with \"no coaching minutes\": want more for more words", bare, short, long)
	}
}

// A name too long for its column is cut: the bars keep their room, and
// nothing runs off the image's edge.
func TestALongNameIsCut(t *testing.T) {
	long := strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 8)
	img := render(t, chart.Data{Sessions: []chart.Bar{{Label: long, Value: 10}, {Label: "Bo", Value: 20}}})
	bars := sessionBars(img)
	if len(bars) != 2 {
		t.Fatalf("%d green bars drawn, want 2", len(bars))
	}
	panel := 1134 / 2
	if bars[0].left > panel/2 {
		t.Errorf("the bars start at x=%d: the name took more than half the panel", bars[0].left)
	}
	if n := ink(img, image.Rect(0, 0, 6, 614)); n > 0 { // the margin is 8
		t.Errorf("%d dark pixels at the image's left edge: the name ran off it", n)
	}
	if n := ink(img, image.Rect(0, bars[0].top, bars[0].left-2, bars[0].bottom)); n < 200 {
		t.Errorf("%d dark pixels left of the first bar: want its name, cut", n)
	}
}

// No title or label, however long, is clipped at the image's edges: the
// digest's titles run to 80 characters.
func TestNothingReachesTheEdges(t *testing.T) {
	d := sample(16)
	d.Gap, d.GapLabel = 8, "… 1,984 managers between"
	d.Title = "Coaching digest 2026-W47 " + strings.Repeat("and a title far too long for the image ", 4)
	d.SessionsTitle = "Sessions per manager, 2026-W40 to 2026-W47 (busiest and quietest 8 of 2,000)"
	d.TiersTitle = "Coaching minutes vs reps by tier, 2026-W47, " + strings.Repeat("and more words ", 10)
	d.Tiers = append(d.Tiers, chart.Tier{Label: "a tier whose name is far too long", Reps: 1, HasRep: true})
	img := render(t, d)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	for _, edge := range []image.Rectangle{image.Rect(0, 0, w, 4), image.Rect(0, h-4, w, h), image.Rect(0, 0, 4, h), image.Rect(w-4, 0, w, h)} {
		if n := ink(img, edge); n > 0 {
			t.Errorf("%d dark pixels in %v, at the image's edge", n, edge)
		}
	}
	if n := ink(img, image.Rect(0, 0, w, 40)); n < 300 {
		t.Errorf("%d dark pixels along the top: want the title", n)
	}
}

// Charts drawn at once (two digests built together) share only the
// parsed fonts, and draw what each would draw alone.
func TestPNGConcurrently(t *testing.T) {
	want, err := chart.PNG(sample(5))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() { got[i], _ = chart.PNG(sample(5)) })
	}
	wg.Wait()
	for i, b := range got {
		if !bytes.Equal(b, want) {
			t.Errorf("chart %d drawn alongside others differs from the one drawn alone", i)
		}
	}
}
