package chart

import (
	"image"
	"math"
	"strconv"
)

// row is one line of the left panel: a manager's bar, or a note (the gap,
// or "no managers") written where a bar would be.
type row struct {
	label string
	value float64
	note  bool
}

// sessionRows are the left panel's lines, top to bottom.
func sessionRows(d Data) []row {
	var rows []row
	for i, b := range d.Sessions {
		if d.Gap > 0 && i == d.Gap {
			rows = append(rows, row{label: d.GapLabel, note: true})
		}
		rows = append(rows, row{label: b.Label, value: b.Value})
	}
	if len(rows) == 0 {
		rows = append(rows, row{label: "no managers", note: true})
	}
	return rows
}

// nameSize, in points, shrinks with the number of rows so that up to 20
// names stay legible in the panel's height.
func nameSize(rows int) float64 { return math.Max(6.5, math.Min(9, 170/float64(max(rows, 1)))) }

// drawSessions is the left panel: one horizontal bar per manager, the
// first at the top, its name on its left and its figure at its end.
func drawSessions(c canvas, fs faces, p image.Rectangle, title string, rows []row) {
	top := panelTitle(c, fs, p, title)
	bottom := p.Max.Y - tickLen - 3 - height(fs.tick) - 2 - height(fs.axis)

	// The names' column is as wide as the widest name, up to 45% of the
	// panel (the digest's 28 characters fit); longer names are cut.
	nameW, maxV := 0, 0.0
	for _, r := range rows {
		if !r.note {
			nameW = max(nameW, width(fs.name, r.label))
			maxV = math.Max(maxV, r.value)
		}
	}
	nameW = min(nameW, p.Dx()*9/20)
	x0 := p.Min.X + nameW + 8
	end, step := sessionAxis(maxV)
	x1 := p.Max.X - width(fs.tick, figure(end+step))/2 - 2 // room for the last tick's label
	// Room after the longest bar for its figure.
	for i := 0; i < 10 && float64(x1-x0)*(end-maxV)/end < float64(width(fs.value, figure(maxV))+6); i++ {
		end += step
	}
	at := func(v float64) int {
		if !(v > 0) {
			return x0
		}
		return x0 + int(math.Round(math.Min(v, end)/end*float64(x1-x0)))
	}

	for v := 0.0; v <= end+step/2; v += step {
		x := at(v)
		c.vline(x, top, bottom, gridColor)
		c.vline(x, bottom, bottom+tickLen, inkColor)
		c.text(fs.tick, inkColor, figure(v), x, bottom+tickLen+3, alignCenter)
	}
	c.text(fs.axis, inkColor, "sessions", (x0+x1)/2, bottom+tickLen+3+height(fs.tick)+2, alignCenter)

	slot := float64(bottom-top) / float64(len(rows))
	thick := int(math.Max(4, math.Min(60, math.Round(slot*0.7))))
	for i, r := range rows {
		mid := top + int(math.Round((float64(i)+0.5)*slot))
		if r.note { // where the bars are, to the right of the names
			note := fit(fs.name, r.label, x1-x0-6)
			if len(rows) == 1 { // "no managers": the panel's only words
				c.textMid(fs.name, mutedColor, note, (x0+x1)/2, mid, alignCenter)
			} else {
				c.textMid(fs.name, mutedColor, note, x0+6, mid, alignLeft)
			}
			continue
		}
		c.textMid(fs.name, inkColor, fit(fs.name, r.label, nameW), x0-8, mid, alignRight)
		barEnd := at(r.value)
		c.fill(image.Rect(x0, mid-thick/2, barEnd, mid-thick/2+thick), barColor)
		c.textMid(fs.value, inkColor, figure(r.value), barEnd+4, mid, alignLeft)
	}
	// The axes go over the grid, left of the bars so a bar's pixels are
	// its length.
	c.vline(x0-1, top, bottom+1, inkColor)
	c.hline(x0-1, x1+1, bottom, inkColor)
}

// sessionAxis chooses the axis's end and a whole step of 1, 2 or 5 times
// a power of ten, for about five ticks.
func sessionAxis(maxV float64) (end, step float64) {
	if !(maxV > 0) {
		return 1, 1
	}
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	step = math.Max(1, step)
	return math.Ceil(maxV/step) * step, step
}

// figure writes a count of sessions: whole, or to one decimal.
func figure(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
