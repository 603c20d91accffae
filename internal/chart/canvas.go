package chart

import (
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// canvas is the image being drawn, with the few primitives a bar chart
// needs: filled rectangles on whole pixels (so bars are crisp and their
// lengths exact) and anti-aliased text.
type canvas struct{ img *image.RGBA }

func (c canvas) fill(r image.Rectangle, col color.RGBA) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// hline and vline are one pixel thick.
func (c canvas) hline(x0, x1, y int, col color.RGBA) { c.fill(image.Rect(x0, y, x1, y+1), col) }
func (c canvas) vline(x, y0, y1 int, col color.RGBA) { c.fill(image.Rect(x, y0, x+1, y1), col) }

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// width is how many pixels s takes in f.
func width(f font.Face, s string) int { return font.MeasureString(f, s).Ceil() }

// height is a line of f's height, from the top of its tallest glyph to the
// bottom of its lowest.
func height(f font.Face) int {
	m := f.Metrics()
	return m.Ascent.Ceil() + m.Descent.Ceil()
}

// text draws s with the top of its line at top, and x at its left edge,
// centre or right edge as a says.
func (c canvas) text(f font.Face, col color.RGBA, s string, x, top int, a align) {
	c.textAt(f, col, s, x, top+f.Metrics().Ascent.Ceil(), a)
}

// textMid draws s centred vertically on y: capitals and figures sit on
// the middle of a bar.
func (c canvas) textMid(f font.Face, col color.RGBA, s string, x, y int, a align) {
	c.textAt(f, col, s, x, y+f.Metrics().CapHeight.Round()/2, a)
}

func (c canvas) textAt(f font.Face, col color.RGBA, s string, x, baseline int, a align) {
	switch a {
	case alignCenter:
		x -= width(f, s) / 2
	case alignRight:
		x -= width(f, s)
	}
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: f, Dot: fixed.P(x, baseline)}
	d.DrawString(s)
}

// textUp draws s reading upwards, centred on (x, y): an axis's name
// beside it.
func (c canvas) textUp(f font.Face, col color.RGBA, s string, x, y int) {
	w, h := width(f, s), height(f)
	flat := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: flat, Src: image.Opaque, Face: f, Dot: fixed.P(0, f.Metrics().Ascent.Ceil())}
	d.DrawString(s)
	// A quarter turn anticlockwise: the text's right is up, its bottom right.
	up := image.NewAlpha(image.Rect(0, 0, h, w))
	for sy := range h {
		for sx := range w {
			up.SetAlpha(sy, w-1-sx, flat.AlphaAt(sx, sy))
		}
	}
	r := image.Rect(x-h/2, y-w/2, x-h/2+h, y-w/2+w)
	draw.DrawMask(c.img, r, image.NewUniform(col), image.Point{}, up, image.Point{}, draw.Over)
}

// fit returns s, or as much of it as fits in maxW pixels followed by an
// ellipsis: a long name is cut, never drawn over the bars or off the
// image.
func fit(f font.Face, s string, maxW int) string {
	if width(f, s) <= maxW {
		return s
	}
	r := []rune(s)
	cut := func(n int) string { return strings.TrimRight(string(r[:n]), " ") + "…" }
	// The longest prefix that fits: widths grow with the prefix.
	lo, hi := 0, len(r)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if width(f, cut(mid)) <= maxW {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return cut(lo)
}

// wrap breaks s between words into at most maxLines lines of maxW pixels;
// what does not fit the last line is cut.
func wrap(f font.Face, s string, maxW, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	line := ""
	for i, w := range words {
		switch {
		case line == "":
			line = w
		case width(f, line+" "+w) <= maxW:
			line += " " + w
		case len(lines) == maxLines-1:
			return append(lines, fit(f, strings.Join(append([]string{line}, words[i:]...), " "), maxW))
		default:
			lines = append(lines, fit(f, line, maxW))
			line = w
		}
	}
	if line != "" {
		lines = append(lines, fit(f, line, maxW))
	}
	return lines
}
