package graph

// The SVG is laid out without a font engine: text widths are estimated from
// the advance widths of Helvetica (the same as Arial's), which the SVG asks
// for first. Estimates err on the wide side so text stays inside its box.

// helvetica holds the advance widths of the printable ASCII characters
// ' ' (32) to '~' (126), in thousandths of an em.
var helvetica = [...]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
	278, 278, 584, 584, 584, 556, 1015, // : to @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
	278, 278, 278, 469, 556, 333, // [ to `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
	556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
	334, 260, 334, 584, // { to ~
}

// textWidth estimates the width in pixels of s at the font size; bold text
// is about a tenth wider.
func textWidth(s string, size float64, bold bool) float64 {
	var em float64
	for _, r := range s {
		switch {
		case r >= ' ' && r <= '~':
			em += float64(helvetica[r-' '])
		case r == '…' || r == '→':
			em += 1000
		default:
			em += 667 // letters beyond ASCII: a wide guess
		}
	}
	w := em / 1000 * size
	if bold {
		w *= 1.1
	}
	return w
}
