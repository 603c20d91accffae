package chart

import (
	"image"
	"image/color"
	"math"
	"strconv"
)

// drawTiers is the right panel: per tier, the share of coaching minutes
// beside the share of reps, on an axis from 0 to 100%.
func drawTiers(c canvas, fs faces, p image.Rectangle, d Data) {
	top := panelTitle(c, fs, p, d.TiersTitle)
	x0 := p.Min.X + height(fs.axis) + 8 + width(fs.tick, "100%") + 4 + tickLen
	x1 := p.Max.X - 4
	if len(d.Tiers) > 0 {
		top = legend(c, fs, (x0+x1)/2, top)
	}
	bottom := p.Max.Y - height(fs.tick) - 8
	full := top + height(fs.value) + 6 // 100%, with room above for its figure
	at := func(share float64) int {
		return bottom - int(math.Round(math.Max(0, math.Min(1, share))*float64(bottom-full)))
	}

	for _, share := range []float64{0, 0.25, 0.5, 0.75, 1} {
		y := at(share)
		c.hline(x0, x1, y, gridColor)
		c.hline(x0-tickLen, x0, y, inkColor)
		c.textMid(fs.tick, inkColor, percent(share), x0-tickLen-4, y, alignRight)
	}
	c.textUp(fs.axis, inkColor, "share", p.Min.X+height(fs.axis)/2, (top+bottom)/2)

	if len(d.Tiers) == 0 {
		c.textMid(fs.tick, mutedColor, d.NoTiers, (x0+x1)/2, at(0.625), alignCenter) // between grid lines
	}
	group := float64(x1-x0) / float64(max(len(d.Tiers), 1))
	barW := int(math.Min(float64(px(22)), group*0.36))
	for i, t := range d.Tiers {
		mid := x0 + int(math.Round((float64(i)+0.5)*group))
		for _, b := range []struct {
			share float64
			text  string
			has   bool
			left  int
			col   color.RGBA
		}{
			{t.Minutes, t.MinutesText, t.HasMin, mid - 1 - barW, minutesColor},
			{t.Reps, t.RepsText, t.HasRep, mid + 1, repsColor},
		} {
			if !b.has { // nothing to divide: no bar, and no 0% that would claim one
				c.text(fs.value, mutedColor, "n/a", b.left+barW/2, bottom-height(fs.value)-2, alignCenter)
				continue
			}
			y := at(b.share)
			c.fill(image.Rect(b.left, y, b.left+barW, bottom), b.col)
			text := b.text
			if text == "" {
				text = percent(b.share)
			}
			c.text(fs.value, inkColor, text, b.left+barW/2, y-height(fs.value)-2, alignCenter)
		}
		c.text(fs.tick, inkColor, fit(fs.tick, t.Label, int(group)-4), mid, bottom+6, alignCenter)
	}
	c.vline(x0-1, top, bottom+1, inkColor)
	c.hline(x0-1, x1, bottom, inkColor)
}

// legend names the two colours on one line centred on x, below y, and
// returns where the plot may start.
func legend(c canvas, fs faces, x, y int) int {
	swatch := px(8)
	entries := []struct {
		label string
		col   color.RGBA
	}{{"coaching minutes", minutesColor}, {"reps", repsColor}}
	const pad, between = 5, 20
	total := 0
	for i, e := range entries {
		total += swatch + pad + width(fs.legend, e.label)
		if i > 0 {
			total += between
		}
	}
	lineH := max(swatch, height(fs.legend))
	left, mid := x-total/2, y+lineH/2
	for _, e := range entries {
		c.fill(image.Rect(left, mid-swatch/2, left+swatch, mid-swatch/2+swatch), e.col)
		left += swatch + pad
		c.textMid(fs.legend, inkColor, e.label, left, mid, alignLeft)
		left += width(fs.legend, e.label) + between
	}
	return y + lineH + 4
}

// percent writes a share from 0 to 1 as a whole percentage.
func percent(share float64) string {
	return strconv.FormatFloat(math.Round(100*share)+0, 'f', 0, 64) + "%" // +0: never "-0%"
}
