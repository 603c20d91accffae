// Package chart draws the weekly digest's chart as a PNG, with a small
// renderer of its own over the standard library's image packages and
// golang.org/x/image's Go fonts (pure Go: the binary stays static). It
// draws what it is given and computes nothing: the numbers come from
// internal/metrics through the digest.
//
// One image, two panels, readable on a phone: on the left, sessions per
// manager over the last 8 weeks as horizontal bars, each labelled with its
// name and its figure (the busiest and the quietest when there are too
// many to draw, with the gap between them labelled); on the right, each
// tier's share of coaching minutes beside its share of reps on an axis
// from 0 to 100%, so a skew shows. A title sits above both panels.
//
// It replaced gonum.org/v1/plot, whose package initialisation parsed
// twelve embedded fonts in every process (about 3 MB of idle memory) and
// whose PDF, SVG and EPS backends came along into the binary. Here the
// fonts are parsed on the first chart, and the same data always draws the
// same bytes.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Bar is one labelled value.
type Bar struct {
	Label string
	Value float64
}

// Tier is one tier's share of coaching minutes and of reps, from 0 to 1.
type Tier struct {
	Label          string
	Minutes, Reps  float64
	HasMin, HasRep bool // false: nothing to divide (drawn as no bar)
	// MinutesText and RepsText are the figures printed on the bars, as the
	// text beside the chart prints them (whole percents that add up to
	// 100 down a column); empty: the share rounded to a whole percent.
	MinutesText, RepsText string
}

// Data is what the chart draws.
type Data struct {
	Title         string // above both panels
	SessionsTitle string
	// Sessions are drawn top to bottom. When Gap > 0, a gap labelled
	// GapLabel follows the first Gap bars (the busiest N, then the
	// quietest N).
	Sessions   []Bar
	Gap        int
	GapLabel   string
	TiersTitle string
	Tiers      []Tier
	// NoTiers is said in the tier panel when Tiers is empty, in the words
	// of the text beside the chart ("no coaching minutes"): the chart's
	// own "no tiers" named another cause than the text for the same week.
	NoTiers string
}

// Size of the image: wide enough for names, small enough to upload fast
// (24 × 13 cm at 120 dpi).
const (
	dpi    = 120
	imageW = 1134
	imageH = 614
)

var (
	minutesColor = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff} // blue
	repsColor    = color.RGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff} // grey
	barColor     = color.RGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff} // green
	inkColor     = color.RGBA{A: 0xff}                            // text and axes
	mutedColor   = color.RGBA{R: 0x5a, G: 0x5a, B: 0x5a, A: 0xff} // the gap, "no managers", "n/a"
	gridColor    = color.RGBA{R: 0xd8, G: 0xd8, B: 0xd8, A: 0xff}
	background   = color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

// Spacing, in pixels.
const (
	margin  = 8  // around the image
	gutter  = 30 // between the panels
	tickLen = 5
)

// PNG draws d.
func PNG(d Data) ([]byte, error) {
	rows := sessionRows(d)
	fs, err := newFaces(nameSize(len(rows)))
	if err != nil {
		return nil, fmt.Errorf("load the chart's fonts: %w", err)
	}
	c := canvas{img: image.NewRGBA(image.Rect(0, 0, imageW, imageH))}
	c.fill(c.img.Rect, background)
	c.text(fs.title, inkColor, fit(fs.title, d.Title, imageW-2*margin), imageW/2, margin, alignCenter)
	top := margin + height(fs.title) + 10
	// The names need room: the left panel is as wide as the right.
	panelW := (imageW - 2*margin - gutter) / 2
	drawSessions(c, fs, image.Rect(margin, top, margin+panelW, imageH-margin), d.SessionsTitle, rows)
	drawTiers(c, fs, image.Rect(imageW-margin-panelW, top, imageW-margin, imageH-margin), d)
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("encode the chart as PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// panelTitle draws a panel's title centred over p, on two lines if it
// needs them, and returns where the panel's content may start.
func panelTitle(c canvas, fs faces, p image.Rectangle, title string) int {
	y := p.Min.Y
	for _, line := range wrap(fs.panel, title, p.Dx(), 2) {
		c.text(fs.panel, inkColor, line, p.Min.X+p.Dx()/2, y, alignCenter)
		y += height(fs.panel)
	}
	return y + 6
}

// px converts points to pixels at the chart's resolution.
func px(points float64) int { return int(math.Round(points * dpi / 72)) }
