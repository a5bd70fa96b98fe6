package graph

import (
	"fmt"
	"strings"
)

// Mermaid renders the graph as a Mermaid flowchart (left to right), the
// form GitHub draws in READMEs and pull requests. The text has no code
// fence; callers add one where Markdown needs it.
func (g *Graph) Mermaid() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "---\ntitle: %s\n---\nflowchart LR\n", g.Title)
	for _, b := range g.Blocks {
		if b.Label == "" {
			for _, n := range b.Nodes {
				fmt.Fprintf(&w, "  %s\n", mermaidNode(n))
			}
			continue
		}
		fmt.Fprintf(&w, "  subgraph %s[\"%s\"]\n", b.ID, mermaidText(b.Label))
		for _, n := range b.Nodes {
			fmt.Fprintf(&w, "    %s\n", mermaidNode(n))
		}
		w.WriteString("  end\n")
	}
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Style != Data {
			arrow = "-.->"
		}
		if e.Label != "" {
			fmt.Fprintf(&w, "  %s %s|%s| %s\n", e.From, arrow, mermaidText(e.Label), e.To)
		} else {
			fmt.Fprintf(&w, "  %s %s %s\n", e.From, arrow, e.To)
		}
	}
	for k, st := range styles {
		var ids []string
		for _, b := range g.Blocks {
			for _, n := range b.Nodes {
				if n.Kind == Kind(k) {
					ids = append(ids, n.ID)
				}
			}
		}
		if len(ids) > 0 {
			fmt.Fprintf(&w, "  classDef %s fill:%s,stroke:%s,color:%s\n", Kind(k), st.fill, st.stroke, st.text)
			fmt.Fprintf(&w, "  class %s %s\n", strings.Join(ids, ","), Kind(k))
		}
	}
	return []byte(w.String())
}

// mermaidNode renders `id<open>"label"<close>` with the kind's shape:
// sources are parallelograms (input), transforms rounded boxes, tables
// cylinders, alerts flags, AWS resources plain boxes.
func mermaidNode(n *Node) string {
	var label strings.Builder
	label.WriteString("<b>" + mermaidText(n.Title) + "</b>")
	for _, l := range n.Lines {
		label.WriteString("<br/>" + mermaidText(l))
	}
	open, close := `["`, `"]`
	switch n.Kind {
	case KindSource:
		open, close = `[/"`, `"/]`
	case KindTransform:
		open, close = `("`, `")`
	case KindTable:
		open, close = `[("`, `")]`
	case KindAlerts:
		open, close = `>"`, `"]`
	}
	return n.ID + open + label.String() + close
}

// mermaidText escapes text for a quoted Mermaid label with entity codes,
// which Mermaid turns back into the characters.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '<', '>', '&', '#', '|':
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
