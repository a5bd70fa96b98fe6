package graph

import (
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/expr"
)

// builder turns the IR into blocks and edges, in spec order.
type builder struct {
	pl  *ir.IR
	opt Options
	g   *Graph
}

// block adds a pipeline node, as a group when AWS resources are shown.
func (b *builder) block(label string, n *Node, resources ...*Node) {
	blk := &Block{Nodes: []*Node{n}}
	if b.opt.AWS {
		blk.ID = "group_" + n.ID
		blk.Label = label
		blk.Nodes = append(blk.Nodes, resources...)
	}
	b.g.Blocks = append(b.g.Blocks, blk)
}

func (b *builder) edge(from, to, label string, style EdgeStyle) {
	b.g.Edges = append(b.g.Edges, &Edge{From: from, To: to, Label: label, Style: style})
}

// resource is an AWS resource node: what it is, then its name.
func resource(id, what string, lines ...string) *Node {
	return &Node{ID: id, Kind: KindResource, Title: what, Lines: lines}
}

func (b *builder) sources() {
	for _, s := range b.pl.Sources {
		id := sourceID(s.Name)
		detail := s.Format
		if len(s.Partitions) > 0 {
			names := make([]string, len(s.Partitions))
			for i, p := range s.Partitions {
				names[i] = p.Name
			}
			detail += ", partitioned by " + strings.Join(names, "/")
		}
		n := &Node{ID: id, Kind: KindSource, Title: s.Name, Lines: []string{shorten(detail), triggerLine(s)}}
		var res []*Node
		if b.opt.AWS {
			res = append(res,
				resource(id+"_bucket", "S3 bucket", shorten(s.Bucket), shorten(s.Prefix+"*"+s.Suffix())),
				resource(id+"_table", "Glue catalog table", shorten(b.pl.Names.GlueDatabase()+"."+s.Name)))
			if s.Triggered() {
				res = append(res, resource(id+"_rule", "EventBridge rule", b.pl.Names.Rule(s.Name)))
			}
		}
		b.block("source "+s.Name, n, res...)
	}
}

func triggerLine(s *ir.Source) string {
	switch s.Trigger {
	case spec.TriggerOnArrival:
		return "runs on arrival"
	case spec.TriggerSchedule:
		return shorten("runs on " + s.Schedule)
	}
	return "read whole (no trigger)"
}

// run is the group of the state machine, which every triggered source's rule
// starts.
func (b *builder) run() {
	n := resource(stateMachineID, "Step Functions state machine", b.pl.Names.StateMachine())
	b.g.Blocks = append(b.g.Blocks, &Block{ID: "group_run", Label: "each run", Nodes: []*Node{n}})
	for _, s := range b.pl.Sources {
		if s.Triggered() {
			b.edge(sourceID(s.Name)+"_rule", stateMachineID, "starts", Control)
		}
	}
}

// nodeID is the ID of the source or transform called name.
func (b *builder) nodeID(name string) string {
	if b.pl.Source(name) != nil {
		return sourceID(name)
	}
	return transformID(name)
}

func (b *builder) transforms() {
	for _, t := range b.pl.Transforms {
		n := &Node{ID: transformID(t.Name), Kind: KindTransform, Title: t.Name}
		for _, s := range t.Steps {
			for _, line := range stepLines(s) {
				n.Lines = append(n.Lines, shorten(line))
			}
		}
		b.block("transform "+t.Name, n)
		b.edge(b.nodeID(t.From), n.ID, "", Data)
		// One edge per joined dataset, labelled with its aliases.
		var joined []string
		aliases := map[string][]string{}
		for _, s := range t.Steps {
			if s.Kind != spec.StepJoin {
				continue
			}
			if _, seen := aliases[s.Join]; !seen {
				joined = append(joined, s.Join)
			}
			aliases[s.Join] = append(aliases[s.Join], s.Alias)
		}
		for _, j := range joined {
			b.edge(b.nodeID(j), n.ID, "join "+strings.Join(aliases[j], ", "), Lookup)
		}
	}
}

// stepLines summarises a step in a few words: one line, two for an
// aggregate (its keys, then its measures).
func stepLines(s *ir.Step) []string {
	if s.Kind == spec.StepAggregate {
		line := "aggregate"
		if len(s.By) > 0 {
			line += " by " + strings.Join(s.By, ", ")
		}
		return []string{line, "measures " + strings.Join(columnNames(s.Columns), ", ")}
	}
	return []string{stepLine(s)}
}

// stepLine summarises any other step in a few words.
func stepLine(s *ir.Step) string {
	switch s.Kind {
	case spec.StepFilter:
		if s.Cond != nil {
			return "filter " + expr.Format(s.Cond)
		}
	case spec.StepJoin:
		kind := ""
		if s.JoinKind != "" && s.JoinKind != "inner" {
			kind = s.JoinKind + " "
		}
		line := kind + "join " + s.Join
		if s.Alias != s.Join {
			line += " as " + s.Alias
		}
		return line
	case spec.StepDerive:
		return "derive " + strings.Join(columnNames(s.Columns), ", ")
	case spec.StepSelect:
		return "select " + plural(len(s.Columns), "column", "columns")
	case spec.StepDedupe:
		return "dedupe by " + strings.Join(s.By, ", ")
	case spec.StepWindow:
		line := "window"
		if len(s.By) > 0 {
			line += " by " + strings.Join(s.By, ", ")
		}
		return line + ": " + strings.Join(columnNames(s.Columns), ", ")
	}
	return string(s.Kind)
}

func columnNames(cs []*ir.NamedExpr) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func (b *builder) tables() {
	for _, t := range b.pl.Tables {
		id := tableID(t.Name)
		load := "load: " + t.Load
		if t.Load == spec.LoadMerge && len(t.Key) > 0 {
			load += " on " + strings.Join(t.Key, ", ")
		}
		detail := plural(len(t.Columns), "column", "columns")
		if len(t.Checks) > 0 {
			detail += ", " + plural(len(t.Checks), "check", "checks")
		}
		n := &Node{ID: id, Kind: KindTable, Title: t.Name, Lines: []string{shorten(load), detail}}
		var res []*Node
		if b.opt.AWS {
			res = append(res,
				resource(id+"_job", "Glue job", b.pl.Names.GlueJob(t.Name)),
				resource(id+"_redshift", "Redshift table", shorten(b.pl.Redshift.Schema+"."+t.Name)))
		}
		b.block("table "+t.Name, n, res...)
		b.edge(b.nodeID(t.From), id, "", Data)
	}
}

// alerts adds the alerts node. The build always creates the topic the state
// machine publishes to, so with AWS resources the node is there even when
// nobody subscribes.
func (b *builder) alerts() {
	a := b.pl.Alerts
	if len(a.OnFailure) == 0 && len(a.OnSuccess) == 0 && !b.opt.AWS {
		return
	}
	n := &Node{ID: alertsID, Kind: KindAlerts, Title: "alerts"}
	var res []*Node
	if b.opt.AWS {
		res = append(res, resource(alertsID+"_topic", "SNS topic", b.pl.Names.Topic()))
	}
	for _, k := range []struct {
		when string
		to   []string
	}{{"failure", a.OnFailure}, {"success", a.OnSuccess}} {
		if len(k.to) == 0 {
			continue
		}
		n.Lines = append(n.Lines, "on "+k.when+": "+plural(len(k.to), "e-mail", "e-mails"))
		for _, m := range k.to {
			if b.opt.AWS {
				res[0].Lines = append(res[0].Lines, shorten(k.when+" → "+m))
			}
		}
	}
	if len(n.Lines) == 0 {
		n.Lines = []string{"nobody subscribed"}
	}
	b.block("alerts", n, res...)
	for _, t := range b.pl.Tables {
		b.edge(tableID(t.Name), alertsID, "", Control)
	}
}
