package graph

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// measured maps the families an SVG may name to the widths measured from
// their font files. The generic sans-serif is DejaVu Sans on most Linux
// systems, the fallback the issue saw overflow.
var measured = map[string]fontWidths{
	"helvetica": arial, "arial": arial, "liberation sans": arial,
	"dejavu sans": dejavuSans, "sans-serif": dejavuSans,
}

// TestSVGTextFits: in the SVG of every test graph, every text (node titles
// and lines, group labels, edge labels, the title) fits inside its box in
// each font the SVG's font-family names, measured with that font's own
// advance widths.
func TestSVGTextFits(t *testing.T) {
	wide := &Graph{Title: "WWW MMM wide graph title @@@ ###",
		Blocks: []*Block{
			{Nodes: []*Node{{ID: "s", Kind: KindSource, Title: "WWWWWWWWWW", Lines: []string{"mmmmmmmmmmmmmmmmmmmm", "@@@@@@@@@@@@@@@@@@@@"}}}},
			{ID: "g", Label: "MMMMMMMMMMMMMMMMMMMMMMMM", Nodes: []*Node{
				{ID: "t", Kind: KindTransform, Title: "wwwwwwwwwwww", Lines: []string{"{{{{{{{{{{{{{{{{{{{{{{{{{{{{}}}}"}},
				{ID: "r", Kind: KindResource, Title: "ÆÆÆÆÆÆÆÆÆÆÆÆ", Lines: []string{"a → b …"}}}},
			{Nodes: []*Node{{ID: "tb", Kind: KindTable, Title: "%%%%%%%%%%", Lines: []string{"~~~~~~~~~~~~~~~~~~~~"}}}},
			{Nodes: []*Node{{ID: "al", Kind: KindAlerts, Title: "mmmmmmmmmm", Lines: []string{"ßßßßßßßßßßßßßßßßßßßßß"}}}},
		},
		Edges: []*Edge{{From: "s", To: "t", Label: "{{{{{{{{ mmmmm"}, {From: "t", To: "tb"}, {From: "tb", To: "al"}},
	}
	type tc struct {
		name string
		g    *Graph
	}
	cases := []tc{{"wide", wide}}
	for _, s := range specs {
		for _, aws := range []bool{false, true} {
			cases = append(cases, tc{fmt.Sprintf("%s aws=%v", s.path, aws), New(load(t, s.path, s.env), Options{AWS: aws})})
		}
	}
	for _, c := range cases {
		checkTextFits(t, c.name, c.g.SVG())
	}
}

func checkTextFits(t *testing.T, name string, svg []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var fonts []string
	var svgW float64
	var kinds []string         // class of the enclosing <g> elements
	var boxL, boxR float64     // the last shape drawn: text belongs to it
	var text *xml.StartElement // inside a <text>
	var content strings.Builder
	texts := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			a := attrs(el)
			switch el.Name.Local {
			case "svg":
				svgW = num64(t, a["width"])
				for _, f := range strings.Split(a["font-family"], ",") {
					f = strings.ToLower(strings.Trim(strings.TrimSpace(f), `'"`))
					if _, ok := measured[f]; !ok {
						t.Fatalf("%s: the SVG names font %q, whose widths were not measured", name, f)
					}
					fonts = append(fonts, f)
				}
			case "g":
				kinds = append(kinds, a["class"])
			case "rect":
				if a["width"] == "100%" {
					boxL, boxR = 0, svgW
				} else {
					boxL = num64(t, a["x"])
					boxR = boxL + num64(t, a["width"])
				}
			case "path":
				if a["class"] == "edge" || len(kinds) == 0 {
					continue
				}
				boxL, boxR = pathXRange(t, a["d"])
				switch kinds[len(kinds)-1] {
				case "node source": // a parallelogram: text keeps off its slants
					boxL, boxR = boxL+skew, boxR-skew
				case "node alerts": // a flag: text keeps off its notch
					boxL += notch
				}
			case "text":
				text = &el
				content.Reset()
			}
		case xml.CharData:
			if text != nil {
				content.Write(el)
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "g":
				kinds = kinds[:len(kinds)-1]
			case "text":
				texts++
				a := attrs(*text)
				x, size := num64(t, a["x"]), num64(t, a["font-size"])
				bold := a["font-weight"] == "bold"
				for _, f := range fonts {
					w := measure(measured[f], content.String(), size, bold)
					l, r := x, x+w
					if a["text-anchor"] == "middle" {
						l, r = x-w/2, x+w/2
					}
					const air = 2 // at least this much room either side
					if l < boxL+air-0.05 || r > boxR-air+0.05 {
						t.Errorf("%s: %q in %s (%.1f to %.1f) overflows its box (%.1f to %.1f)", name, content.String(), f, l, r, boxL, boxR)
					}
				}
				text = nil
			}
		}
	}
	if texts < 5 {
		t.Errorf("%s: only %d texts", name, texts)
	}
}

func attrs(el xml.StartElement) map[string]string {
	m := map[string]string{}
	for _, a := range el.Attr {
		m[a.Name.Local] = a.Value
	}
	return m
}

func num64(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// pathXRange is the horizontal extent of the end points of an SVG path of
// M, L, H, V, A and Z commands (absolute).
func pathXRange(t *testing.T, d string) (l, r float64) {
	l, r = math.Inf(1), math.Inf(-1)
	f := strings.FieldsFunc(d, func(c rune) bool { return c == ' ' || c == ',' })
	var cmd byte
	var args []float64
	flush := func() {
		var xs []float64
		switch cmd {
		case 'M', 'L':
			xs = []float64{args[0]}
		case 'H':
			xs = args
		case 'A':
			xs = []float64{args[5]}
		}
		for _, x := range xs {
			l, r = min(l, x), max(r, x)
		}
		args = nil
	}
	for _, tok := range f {
		if c := tok[0]; c >= 'A' && c <= 'Z' {
			if cmd != 0 {
				flush()
			}
			cmd, tok = c, tok[1:]
			if tok == "" {
				continue
			}
		}
		args = append(args, num64(t, tok))
	}
	flush()
	return l, r
}

// measure is the advance width of s in pixels in a font.
func measure(f fontWidths, s string, size float64, bold bool) float64 {
	face := f.regular
	if bold {
		face = f.bold
	}
	em := 0
	for _, r := range s {
		switch {
		case r >= ' ' && r <= 0xff && face.latin1[r-' '] > 0:
			em += int(face.latin1[r-' '])
		default:
			found := false
			for _, e := range face.extra {
				if e.r == r {
					em, found = em+int(e.w), true
				}
			}
			if !found {
				em += 1000
			}
		}
	}
	return float64(em) / 1000 * size
}
