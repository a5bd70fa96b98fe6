// Package graph draws a pipeline: it turns the IR of one pipeline in one
// environment into a left-to-right picture of its data flow — sources (with
// their partitions and trigger), transforms (their steps, briefly), tables
// (their load mode) and alerts — and, on request, the AWS resources a build
// creates, grouped under the pipeline nodes they serve.
//
// The contract: New builds a format-independent Graph from a
// compiler.IR; Mermaid, DOT and SVG render it. The SVG is laid out here, in
// process (a small layered layout), so users need no Graphviz. Nothing in this
// package does I/O, and output is byte-identical for the same IR and
// options: nodes, groups and edges keep spec order, IDs are derived from
// names, and no map is ranged over while emitting.
//
// AWS names come from spec.Names (held by the IR), so the picture names what
// `flowc build` creates; which resources exist is read from the IR, never
// from the CloudFormation backend.
package graph

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Format is an output format of the graph.
type Format string

// Output formats.
const (
	FormatMermaid Format = "mermaid"
	FormatDOT     Format = "dot"
	FormatSVG     Format = "svg"
)

// Formats lists the formats, for help texts and completion.
var Formats = []Format{FormatMermaid, FormatDOT, FormatSVG}

// Options tune what the graph shows.
type Options struct {
	// AWS adds the AWS resources a build creates (buckets, rules, the state
	// machine, jobs, the topic), grouped under the pipeline nodes
	// they serve. Their names depend on the environment.
	AWS bool
}

// Kind says what a node stands for; renderers pick shapes and colours by it.
type Kind int

// Node kinds.
const (
	KindSource Kind = iota
	KindTransform
	KindTable
	KindAlerts
	KindResource // an AWS resource (Options.AWS)
)

var kindNames = [...]string{"source", "transform", "table", "alerts", "aws"}

// String names the kind; it is also the Mermaid class and the SVG CSS class.
func (k Kind) String() string { return kindNames[k] }

// Node is one box: a title and a few lines of detail.
type Node struct {
	ID    string // stable, derived from the kind and name: source_flights
	Kind  Kind
	Title string
	Lines []string
}

// Block is a unit of the layout: a pipeline node alone, or (Options.AWS) a
// group holding a pipeline node followed by the resources serving it. The
// run group holds only the state machine.
type Block struct {
	ID    string  // group_source_flights; unused when Label is ""
	Label string  // group title, e.g. "source flights"; "" for a lone node
	Nodes []*Node // never empty
}

// EdgeStyle distinguishes what an edge means.
type EdgeStyle int

// Edge styles.
const (
	// Data is rows flowing from what is read to what reads it (from:).
	Data EdgeStyle = iota
	// Lookup is a dataset joined in (join:), labelled with the aliases.
	Lookup
	// Control is an order of events: a table's load before the alerts, an
	// EventBridge rule starting the state machine.
	Control
)

// Edge is a directed edge between two nodes (by ID).
type Edge struct {
	From, To string
	Label    string
	Style    EdgeStyle
}

// Graph is a pipeline as a picture, independent of the output format.
type Graph struct {
	Title  string
	Blocks []*Block // sources, the run group, transforms, tables, alerts
	Edges  []*Edge  // in spec order
	AWS    bool     // blocks are groups
}

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id string) *Node {
	for _, b := range g.Blocks {
		for _, n := range b.Nodes {
			if n.ID == id {
				return n
			}
		}
	}
	return nil
}

// Render renders the graph in a format.
func (g *Graph) Render(f Format) ([]byte, error) {
	switch f {
	case FormatMermaid:
		return g.Mermaid(), nil
	case FormatDOT:
		return g.DOT(), nil
	case FormatSVG:
		return g.SVG(), nil
	}
	return nil, fmt.Errorf("unknown graph format %q (want mermaid, dot or svg)", f)
}

// Node IDs: one prefix per kind, so a transform and a table of the same name
// stay apart.
func sourceID(name string) string    { return "source_" + name }
func transformID(name string) string { return "transform_" + name }
func tableID(name string) string     { return "table_" + name }

const (
	alertsID       = "alerts"
	stateMachineID = "run_state_machine"
)

// maxLine is the longest detail line, in runes, before it is shortened.
const maxLine = 44

// shorten cuts s to maxLine runes, ending in an ellipsis when cut.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= maxLine {
		return s
	}
	return strings.TrimRight(string(r[:maxLine-1]), " ,") + "…"
}

// plural renders "1 column", "3 columns".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// New builds the graph of a lowered pipeline.
func New(pl *ir.IR, opt Options) *Graph {
	b := &builder{pl: pl, opt: opt, g: &Graph{Title: pl.Pipeline, AWS: opt.AWS}}
	if opt.AWS {
		b.g.Title = pl.Pipeline + " (" + pl.Env + ")"
	}
	b.sources()
	if opt.AWS {
		b.run()
	}
	b.transforms()
	b.tables()
	b.alerts()
	return b.g
}
