package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// Box and text sizes of the SVG, in pixels.
const (
	fontFamily    = "Helvetica, Arial, 'DejaVu Sans', sans-serif" // measured: see textwidth.go
	titleSize     = 13.0                                          // a node's title
	titleRow      = 18.0
	lineSize      = 11.0 // a node's detail lines, edge labels
	lineRow       = 15.0
	resTitleSize  = 11.0 // an AWS resource's title
	padX          = 12.0
	padY          = 7.0
	minNodeWidth  = 110.0
	skew          = 10.0 // source parallelogram
	rimY          = 5.0  // table cylinder, vertical radius of the rims
	notch         = 12.0 // alerts flag
	groupPad      = 8.0
	groupLabelRow = 20.0
	groupGap      = 6.0
	graphTitle    = 16.0
)

// blockBox is a block with its size, inner layout and, once placed, its
// position.
type blockBox struct {
	block      *Block
	kind       Kind // of the pipeline node
	x, y, w, h float64
	inner      []nodeBox // relative to the block's top left
}

// nodeBox is a node inside a block.
type nodeBox struct {
	node       *Node
	x, y, w, h float64
}

// nodeSize is the natural size of a node for its text and shape.
func nodeSize(n *Node) (w, h float64) {
	ts := titleSize
	if n.Kind == KindResource {
		ts = resTitleSize
	}
	w = textWidth(n.Title, ts, true)
	for _, l := range n.Lines {
		w = max(w, textWidth(l, lineSize, false))
	}
	w += 2 * padX
	h = 2*padY + titleRow + float64(len(n.Lines))*lineRow
	switch n.Kind {
	case KindSource:
		w += 2 * skew
	case KindTable:
		h += 3 * rimY
	case KindAlerts:
		w += notch
	}
	return max(w, minNodeWidth), h
}

// sizeBlock measures a block: a lone node, or a group stacking its nodes
// below its label, all as wide as the widest.
func sizeBlock(b *Block) *blockBox {
	bb := &blockBox{block: b, kind: b.Nodes[0].Kind}
	if b.Label == "" {
		w, h := nodeSize(b.Nodes[0])
		bb.w, bb.h = w, h
		bb.inner = []nodeBox{{node: b.Nodes[0], w: w, h: h}}
		return bb
	}
	inner := textWidth(b.Label, lineSize, true)
	for _, n := range b.Nodes {
		w, _ := nodeSize(n)
		inner = max(inner, w)
	}
	y := groupLabelRow
	for i, n := range b.Nodes {
		if i > 0 {
			y += groupGap
		}
		_, h := nodeSize(n)
		bb.inner = append(bb.inner, nodeBox{node: n, x: groupPad, y: y, w: inner, h: h})
		y += h
	}
	bb.w, bb.h = inner+2*groupPad, y+groupPad
	return bb
}

// labelWidth is the width of an edge label with its background.
func labelWidth(s string) float64 { return textWidth(s, lineSize, false) + 8 }

// SVG renders the graph as a standalone SVG picture, laid out in process.
func (g *Graph) SVG() []byte {
	l := place(g)
	var w strings.Builder
	fmt.Fprintf(&w, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"%s\">\n",
		num(l.w), num(l.h), num(l.w), num(l.h), fontFamily)
	fmt.Fprintf(&w, "<title>%s</title>\n", esc(g.Title))
	w.WriteString("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555555\"/></marker></defs>\n")
	fmt.Fprintf(&w, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n")
	fmt.Fprintf(&w, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" font-weight=\"bold\" fill=\"#222222\">%s</text>\n",
		num(margin), num(margin+graphTitle), num(graphTitle), esc(g.Title))
	for _, bb := range l.blocks {
		writeBlock(&w, bb)
	}
	for _, r := range l.routes {
		writeRoute(&w, l, r)
	}
	w.WriteString("</svg>\n")
	return []byte(w.String())
}

func writeBlock(w *strings.Builder, bb *blockBox) {
	if bb.block.Label != "" {
		fmt.Fprintf(w, "<g class=\"group\" id=\"%s\">\n", esc(bb.block.ID))
		fmt.Fprintf(w, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"8\" fill=\"#f7f7f7\" stroke=\"#aaaaaa\" stroke-dasharray=\"4 3\"/>\n",
			num(bb.x), num(bb.y), num(bb.w), num(bb.h))
		fmt.Fprintf(w, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" font-weight=\"bold\" fill=\"#666666\">%s</text>\n",
			num(bb.x+groupPad), num(bb.y+groupLabelRow-6), num(lineSize), esc(bb.block.Label))
	}
	for _, nb := range bb.inner {
		writeNode(w, nb.node, bb.x+nb.x, bb.y+nb.y, nb.w, nb.h)
	}
	if bb.block.Label != "" {
		w.WriteString("</g>\n")
	}
}

// writeNode draws a node's shape and centred text.
func writeNode(w *strings.Builder, n *Node, x, y, bw, bh float64) {
	st := styles[n.Kind]
	fmt.Fprintf(w, "<g class=\"node %s\" id=\"%s\">\n", n.Kind, esc(n.ID))
	paint := fmt.Sprintf("fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"", st.fill, st.stroke)
	textTop, cx := y+padY, x+bw/2
	switch n.Kind {
	case KindSource:
		fmt.Fprintf(w, "<path d=\"M%s,%s H%s L%s,%s H%s Z\" %s/>\n",
			num(x+skew), num(y), num(x+bw), num(x+bw-skew), num(y+bh), num(x), paint)
	case KindTable:
		rx, top, bot := bw/2, y+rimY, y+bh-rimY
		fmt.Fprintf(w, "<path d=\"M%s,%s A%s,%s 0 0 1 %s,%s A%s,%s 0 0 1 %s,%s V%s A%s,%s 0 0 0 %s,%s V%s\" %s/>\n",
			num(x), num(top), num(rx), num(rimY), num(x+bw), num(top), num(rx), num(rimY), num(x), num(top),
			num(bot), num(rx), num(rimY), num(x+bw), num(bot), num(top), paint)
		textTop += 2 * rimY
	case KindAlerts:
		fmt.Fprintf(w, "<path d=\"M%s,%s H%s V%s H%s L%s,%s Z\" %s/>\n",
			num(x), num(y), num(x+bw), num(y+bh), num(x), num(x+notch), num(y+bh/2), paint)
		cx += notch / 2
	case KindTransform:
		fmt.Fprintf(w, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"10\" %s/>\n", num(x), num(y), num(bw), num(bh), paint)
	default:
		fmt.Fprintf(w, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"3\" %s/>\n", num(x), num(y), num(bw), num(bh), paint)
	}
	ts := titleSize
	if n.Kind == KindResource {
		ts = resTitleSize
	}
	fmt.Fprintf(w, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"%s\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
		num(cx), num(baseline(textTop, titleRow, ts)), num(ts), st.text, esc(n.Title))
	for i, line := range n.Lines {
		top := textTop + titleRow + float64(i)*lineRow
		fmt.Fprintf(w, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"%s\" fill=\"%s\">%s</text>\n",
			num(cx), num(baseline(top, lineRow, lineSize)), num(lineSize), st.text, esc(line))
	}
	w.WriteString("</g>\n")
}

// baseline puts text of a size in the vertical middle of a row.
func baseline(top, row, size float64) float64 { return top + (row+size*0.7)/2 }

// writeRoute draws an edge: curves between columns, straight lines through
// the columns it crosses, an arrow at its end and its label, if any, on its
// last stretch.
func writeRoute(w *strings.Builder, l *layout, r *route) {
	type pt struct{ x, y float64 }
	var pts []pt // pairs: where the edge leaves a vertex, where it enters the next
	for _, s := range r.segs {
		fx, tx := l.rightOf(s.from), l.leftOf(s.to)
		pts = append(pts, pt{fx, s.from.y + s.fromPort}, pt{tx, s.to.y + s.toPort})
	}
	var d strings.Builder
	for i := 0; i < len(pts); i += 2 {
		a, b := pts[i], pts[i+1]
		if i == 0 {
			fmt.Fprintf(&d, "M%s,%s", num(a.x), num(a.y))
		} else {
			fmt.Fprintf(&d, " L%s,%s", num(a.x), num(a.y))
		}
		mx := (a.x + b.x) / 2
		fmt.Fprintf(&d, " C%s,%s %s,%s %s,%s", num(mx), num(a.y), num(mx), num(b.y), num(b.x), num(b.y))
	}
	dash := ""
	switch r.edge.Style {
	case Lookup:
		dash = " stroke-dasharray=\"6 4\""
	case Control:
		dash = " stroke-dasharray=\"2 3\""
	}
	fmt.Fprintf(w, "<path class=\"edge\" d=\"%s\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.3\"%s marker-end=\"url(#arrow)\"/>\n", d.String(), dash)
	if r.edge.Label != "" {
		a, b := pts[len(pts)-2], pts[len(pts)-1]
		cx, cy := (a.x+b.x)/2, (a.y+b.y)/2
		lw := labelWidth(r.edge.Label)
		fmt.Fprintf(w, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>\n",
			num(cx-lw/2), num(cy-lineRow/2), num(lw), num(lineRow))
		fmt.Fprintf(w, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"%s\" fill=\"#444444\">%s</text>\n",
			num(cx), num(baseline(cy-lineRow/2, lineRow, lineSize)), num(lineSize), esc(r.edge.Label))
	}
}

// rightOf is where edges leave a vertex: the right side of its box (a
// parallelogram's at mid-height), or the right of a dummy's column.
func (l *layout) rightOf(v *vertex) float64 {
	if v.block == nil {
		return l.colX[v.layer] + l.colW[v.layer]
	}
	x := v.block.x + v.block.w
	if v.block.block.Label == "" && v.block.kind == KindSource {
		x -= skew / 2
	}
	return x
}

// leftOf is where edges enter a vertex: the left side of its box (where
// the shape is at mid-height), or the left of a dummy's column.
func (l *layout) leftOf(v *vertex) float64 {
	if v.block == nil {
		return l.colX[v.layer]
	}
	x := v.block.x
	if v.block.block.Label == "" {
		switch v.block.kind {
		case KindSource:
			x += skew / 2
		case KindAlerts:
			x += notch
		}
	}
	return x
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// esc escapes text for XML.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
