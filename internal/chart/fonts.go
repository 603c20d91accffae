package chart

import (
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// typefaces are the parsed Go Regular and Go Bold. Parsed fonts are
// read-only and safe to share between goroutines; faces are not, so each
// chart makes its own (which is cheap: a face holds a size and scratch
// buffers, not glyphs).
type typefaces struct{ regular, bold *opentype.Font }

// parsedTypefaces parses the fonts on the first chart, never at package
// initialisation: `coachlog serve` idles for days between digests, and its
// idle memory is what PRODUCT.md budgets (gonum/plot parsed twelve fonts
// at start).
var parsedTypefaces = sync.OnceValues(func() (typefaces, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("parse Go Bold: %w", err)
	}
	return typefaces{regular: regular, bold: bold}, nil
})

// faces are the chart's text styles, each at its size in points.
type faces struct {
	title  font.Face // above both panels
	panel  font.Face // each panel's title
	tick   font.Face // tick labels, tier names
	axis   font.Face // an axis's name
	legend font.Face
	value  font.Face // a bar's figure
	name   font.Face // managers' names, smaller when there are many
}

// newFaces makes one chart's faces; nameSize shrinks with the number of
// rows so that twenty names still fit the panel's height.
func newFaces(nameSize float64) (faces, error) {
	tf, err := parsedTypefaces()
	if err != nil {
		return faces{}, err
	}
	var fs faces
	for _, f := range []struct {
		dst  *font.Face
		font *opentype.Font
		size float64
	}{
		{&fs.title, tf.bold, 13},
		{&fs.panel, tf.regular, 11},
		{&fs.tick, tf.regular, 10},
		{&fs.axis, tf.regular, 11},
		{&fs.legend, tf.regular, 9},
		{&fs.value, tf.regular, 8},
		{&fs.name, tf.regular, nameSize},
	} {
		// Full hinting snaps advances to whole pixels: crisper small text.
		face, err := opentype.NewFace(f.font, &opentype.FaceOptions{Size: f.size, DPI: dpi, Hinting: font.HintingFull})
		if err != nil {
			return faces{}, fmt.Errorf("make a %.1f pt face: %w", f.size, err)
		}
		*f.dst = face
	}
	return fs, nil
}
