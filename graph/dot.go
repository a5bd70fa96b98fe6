package graph

import (
	"fmt"
	"strings"
)

// DOT renders the graph in Graphviz's DOT language (rankdir=LR); groups
// become clusters. `flowc graph --format dot SPEC | dot -Tpng > flow.png`.
func (g *Graph) DOT() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "digraph %s {\n", dotString(g.Title))
	fmt.Fprintf(&w, "  label=%s;\n  labelloc=t;\n", dotString(g.Title))
	w.WriteString("  rankdir=LR;\n  fontname=\"Helvetica,Arial,sans-serif\";\n")
	w.WriteString("  node [fontname=\"Helvetica,Arial,sans-serif\", fontsize=11, style=filled];\n")
	w.WriteString("  edge [fontname=\"Helvetica,Arial,sans-serif\", fontsize=10, color=\"#555555\"];\n")
	for _, b := range g.Blocks {
		indent := "  "
		if b.Label != "" {
			fmt.Fprintf(&w, "  subgraph %s {\n", dotString("cluster_"+b.ID))
			fmt.Fprintf(&w, "    label=%s;\n    style=\"rounded,dashed\";\n    color=\"#999999\";\n", dotString(b.Label))
			indent = "    "
		}
		for _, n := range b.Nodes {
			fmt.Fprintf(&w, "%s%s [%s];\n", indent, dotString(n.ID), dotNodeAttrs(n))
		}
		if b.Label != "" {
			w.WriteString("  }\n")
		}
	}
	for _, e := range g.Edges {
		var attrs []string
		switch e.Style {
		case Lookup:
			attrs = append(attrs, "style=dashed")
		case Control:
			attrs = append(attrs, "style=dotted")
		}
		if e.Label != "" {
			attrs = append(attrs, "label="+dotString(e.Label))
		}
		fmt.Fprintf(&w, "  %s -> %s", dotString(e.From), dotString(e.To))
		if len(attrs) > 0 {
			fmt.Fprintf(&w, " [%s]", strings.Join(attrs, ", "))
		}
		w.WriteString(";\n")
	}
	w.WriteString("}\n")
	return []byte(w.String())
}

// dotNodeAttrs gives a node its label (title, then the lines), shape and
// colours by kind.
func dotNodeAttrs(n *Node) string {
	label := strings.Join(append([]string{n.Title}, n.Lines...), "\n")
	st := styles[n.Kind]
	attrs := fmt.Sprintf("label=%s, shape=%s, fillcolor=%s, color=%s, fontcolor=%s", dotString(label), st.dotShape, dotString(st.fill), dotString(st.stroke), dotString(st.text))
	if n.Kind == KindTransform {
		attrs += `, style="filled,rounded"`
	}
	return attrs
}

// dotString quotes s as a DOT string; a newline becomes a centred line break.
func dotString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// style is how a kind of node looks in DOT and SVG.
type style struct {
	fill, stroke, text string
	dotShape           string
}

var styles = [...]style{
	KindSource:    {fill: "#e3f2fd", stroke: "#1565c0", text: "#0d2b4e", dotShape: "parallelogram"},
	KindTransform: {fill: "#f3e5f5", stroke: "#6a1b9a", text: "#2e0b40", dotShape: "box"},
	KindTable:     {fill: "#e8f5e9", stroke: "#2e7d32", text: "#0f2e12", dotShape: "cylinder"},
	KindAlerts:    {fill: "#fff3e0", stroke: "#e65100", text: "#3e1a00", dotShape: "cds"},
	KindResource:  {fill: "#fafafa", stroke: "#ff9900", text: "#232f3e", dotShape: "box"},
}
