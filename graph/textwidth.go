package graph

//go:generate go run ./internal/fontwidths

// The SVG is laid out without a font engine, so the boxes must fit the text
// in whichever font the viewer picks from fontFamily: Helvetica (macOS),
// Arial (Windows), DejaVu Sans (Linux, and the usual sans-serif there). A
// text is as wide as it is in the widest of them, from the advance widths
// of their font files (fontwidths.go, written by internal/fontwidths). DejaVu
// Sans is the widest: its lower case is about 15% wider than Helvetica's (its
// bold about 19%).
// Kerning, which renderers apply, mostly narrows text, by a few percent at
// most; boxes keep padding besides.

// measuredFonts are the fonts fontFamily names, with their widths.
var measuredFonts = []*fontWidths{&arial, &dejavuSans}

// fontWidths are the advance widths of a font, regular and bold.
type fontWidths struct{ regular, bold faceWidths }

// faceWidths are the advance widths of one face, in thousandths of an em:
// of ' ' to 'ÿ' (0 for the C1 controls), then of a few more characters.
type faceWidths struct {
	latin1 [0xff - ' ' + 1]uint16
	extra  []runeWidth
}

type runeWidth struct {
	r rune
	w uint16
}

// em is the advance width of r in thousandths of an em; a character not
// measured counts as a full em (as wide as a CJK ideograph).
func (f *faceWidths) em(r rune) int {
	if r >= ' ' && r <= 0xff && f.latin1[r-' '] > 0 {
		return int(f.latin1[r-' '])
	}
	for _, e := range f.extra {
		if e.r == r {
			return int(e.w)
		}
	}
	return 1000
}

// textWidth is the width in pixels of s at the font size in the widest of
// the fonts the SVG names.
func textWidth(s string, size float64, bold bool) float64 {
	widest := 0
	for _, f := range measuredFonts {
		face := &f.regular
		if bold {
			face = &f.bold
		}
		em := 0
		for _, r := range s {
			em += face.em(r)
		}
		widest = max(widest, em)
	}
	return float64(widest) / 1000 * size
}
