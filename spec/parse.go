package spec

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Keys allowed in each mapping of the language. The JSON Schema (schema.json)
// says the same; TestSchemaAgreesWithDecoder keeps them together.
var (
	topKeys       = []string{"version", "pipeline", "description", "environments", "sources", "transforms", "warehouse", "alerts", "glue", "runs"}
	envKeys       = []string{"region", "account", "stack", "params"}
	sourceKeys    = []string{"description", "location", "format", "bucket", "csv", "partitions", "trigger", "freshness", "columns"}
	csvKeys       = []string{"header", "delimiter", "quote", "escape", "null"}
	partKeys      = []string{"name", "type"}
	transformKeys = []string{"description", "from", "steps"}
	stepKinds     = []string{"filter", "join", "derive", "select", "dedupe", "aggregate", "window"}
	joinKeys      = []string{"join", "as", "on", "kind"}
	dedupeKeys    = []string{"by", "order_by"}
	aggKeys       = []string{"by", "measures"}
	windowKeys    = []string{"partition_by", "order_by", "frame", "measures"}
	frameKeys     = []string{"rows", "range"}
	warehouseKeys = []string{"redshift", "tables"}
	redshiftKeys  = []string{"workgroup", "cluster", "database", "schema", "connection", "iam_role"}
	tableKeys     = []string{"description", "from", "load", "key", "distkey", "diststyle", "sortkey", "on_destructive_change", "columns", "checks"}
	tableColKeys  = []string{"type", "renamed_from"}
	checkKinds    = []string{"not_null", "unique", "expect", "row_count"}
	rowCountKeys  = []string{"min", "max"}
	alertsKeys    = []string{"on_failure", "on_success"}
	alertKeys     = []string{"email"}
	glueKeys      = []string{"version", "worker_type", "workers", "timeout_minutes"}
	runsKeys      = []string{"max_parallel_partitions"}
	arrivalKeys   = []string{"settle_seconds", "max_wait_seconds", "marker"}
	freshnessKeys = []string{"warn_after", "error_after"}
)

const emptyHint = "start with `version: 1` and `pipeline: NAME`; `flowc init` writes a starter spec"

// Parse reads one spec file into a File, reporting structural problems
// (YAML syntax, unknown/duplicate keys, wrong kinds, missing keys) and
// expression syntax errors. It does not run semantic checks: see Load.
func Parse(name string, src []byte) (*File, *diag.Set) {
	ds := &diag.Set{}
	d := &decoder{file: name, src: src, ds: ds}
	f := &File{Name: name, Src: src}
	defer func() {
		// yaml.v3 places the null node of a document that ends early on
		// the line after the last: keep every position inside the file.
		ds.KeepInside(name, src)
		f.parseErrors = ds.HasErrors()
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			ds.Errorf(Pos{File: name, Line: 1, Col: 1}, diag.FC100, "the spec is empty").Hint = emptyHint
			return f, ds
		}
		d.yamlError(err)
		return f, ds
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, diag.FC100, "a spec file holds one YAML document; found another")
	}
	if len(doc.Content) == 0 {
		ds.Errorf(Pos{File: name, Line: 1, Col: 1}, diag.FC100, "the spec is empty")
		return f, ds
	}
	root := doc.Content[0]
	if r := resolve(root); r.Kind == yaml.ScalarNode && r.Tag == "!!null" {
		// A document that is only ~ or null holds no spec either.
		msg := "the spec is empty"
		if r.Value != "" {
			msg += fmt.Sprintf(" (the document is only %s, which YAML reads as null)", r.Value)
		}
		d.errorf(root, diag.FC100, "%s", msg).Hint = emptyHint
		return f, ds
	}
	f.root = root
	defer func() { f.refs = d.strs }()
	top := d.fields(root, "the spec", topKeys)
	top.require("the spec", "version", "pipeline", "environments", "sources", "warehouse")

	if n := top.get("version"); n != nil {
		f.Version = d.integer(n, "version")
		if f.Version.Set && f.Version.Value != 1 {
			d.errorf(n, diag.FC106, "unsupported spec version %d", f.Version.Value).Hint = "this flowc reads version 1"
		}
	}
	f.Pipeline = d.str(top.get("pipeline"), "pipeline")
	f.Description = d.str(top.get("description"), "description")
	if n := top.get("environments"); n != nil {
		es, _ := d.mapping(n, "environments", nil)
		for _, e := range es {
			f.Environments = append(f.Environments, d.environment(e))
		}
	}
	if n := top.get("sources"); n != nil {
		es, _ := d.mapping(n, "sources", nil)
		for _, e := range es {
			f.Sources = append(f.Sources, d.source(e))
		}
	}
	if n := top.get("transforms"); n != nil {
		es, _ := d.mapping(n, "transforms", nil)
		for _, e := range es {
			f.Transforms = append(f.Transforms, d.transform(e))
		}
	}
	if n := top.get("warehouse"); n != nil {
		f.Warehouse = d.warehouse(n)
	}
	if n := top.get("alerts"); n != nil {
		f.Alerts = d.alerts(n)
	}
	if n := top.get("runs"); n != nil {
		f.Runs = d.runs(n)
	}
	if n := top.get("glue"); n != nil {
		f.Glue = d.glue(n)
	}
	return f, ds
}

func (d *decoder) environment(e entry) *Environment {
	env := &Environment{Name: d.keyStr(e.Key)}
	what := fmt.Sprintf("environment %q", e.Key.Value)
	fs := d.fields(e.Val, what, envKeys)
	fs.require(what, "region")
	env.Region = d.str(fs.get("region"), "region")
	env.Account = d.str(fs.get("account"), "account")
	env.Stack = d.str(fs.get("stack"), "stack")
	if n := fs.get("params"); n != nil {
		ps, _ := d.mapping(n, what+" params", nil)
		for _, p := range ps {
			d.inParams = true
			v := d.str(p.Val, "param "+p.Key.Value)
			d.inParams = false
			env.Params = append(env.Params, &Param{Name: d.keyStr(p.Key), Value: v})
		}
	}
	return env
}

func (d *decoder) source(e entry) *Source {
	s := &Source{Name: d.keyStr(e.Key), Pos: d.pos(e.Key)}
	what := fmt.Sprintf("source %q", e.Key.Value)
	fs := d.fields(e.Val, what, sourceKeys)
	fs.require(what, "location", "columns")
	s.Location = d.str(fs.get("location"), "location")
	s.Format = d.str(fs.get("format"), "format")
	d.enum(s.Format, "format", "csv", "json", "parquet")
	s.Bucket = d.str(fs.get("bucket"), "bucket")
	d.enum(s.Bucket, "bucket", string(ir.BucketCreate), string(ir.BucketExisting))
	if n := fs.get("csv"); n != nil {
		c := d.fields(n, what+" csv", csvKeys)
		s.CSV = &CSVOptions{
			Header:    d.boolean(c.get("header"), "csv header"),
			Delimiter: d.str(c.get("delimiter"), "csv delimiter"),
			Quote:     d.str(c.get("quote"), "csv quote"),
			Escape:    d.str(c.get("escape"), "csv escape"),
			Null:      d.str(c.get("null"), "csv null"),
		}
		for _, o := range []Str{s.CSV.Delimiter, s.CSV.Quote, s.CSV.Escape} {
			if o.IsSet() && len(o.Raw) != 1 {
				d.ds.Errorf(o.Pos, diag.FC105, "csv delimiter, quote and escape must be one character, got %q", o.Raw)
			}
		}
		if s.formatName() != "csv" {
			d.errorf(fs.key("csv"), diag.FC105, "csv options given for a %s source", s.formatName())
		}
	}
	for _, pn := range d.list(fs.get("partitions"), "partitions") {
		p := &Partition{}
		if pn.Kind == yaml.MappingNode {
			pf := d.fields(pn, "partition", partKeys)
			pf.require("partition", "name")
			p.Name = d.str(pf.get("name"), "partition name")
			p.Type = d.str(pf.get("type"), "partition type")
		} else {
			p.Name = d.str(pn, "partition")
		}
		if p.Name.IsSet() {
			s.Partitions = append(s.Partitions, p)
		}
	}
	if n := fs.get("trigger"); n != nil {
		s.Trigger = d.trigger(n)
	}
	if n := fs.get("freshness"); n != nil {
		ff := d.fields(n, what+" freshness", freshnessKeys)
		s.Freshness = &Freshness{Pos: d.pos(fs.key("freshness")), WarnAfter: d.str(ff.get("warn_after"), "warn_after"), ErrorAfter: d.str(ff.get("error_after"), "error_after")}
	}
	if n := fs.get("columns"); n != nil {
		cs, _ := d.mapping(n, what+" columns", nil)
		for _, c := range cs {
			s.Columns = append(s.Columns, &Column{Name: d.keyStr(c.Key), Type: d.str(c.Val, "column type")})
		}
	}
	return s
}

func (d *decoder) trigger(n *yaml.Node) *Trigger {
	t := &Trigger{Pos: d.pos(n)}
	if resolve(n).Kind == yaml.MappingNode {
		fs := d.fields(n, "trigger", []string{"schedule", "on_arrival"})
		if a := fs.get("on_arrival"); a != nil {
			t.Kind = TriggerOnArrival
			t.Arrival = d.arrival(a)
			if fs.get("schedule") != nil {
				d.errorf(fs.key("schedule"), diag.FC105, "a trigger is either on_arrival or a schedule, not both")
			}
			return t
		}
		fs.require("trigger", "schedule")
		t.Kind = TriggerSchedule
		t.Schedule = d.str(fs.get("schedule"), "schedule")
		return t
	}
	s := d.str(n, "trigger")
	d.enum(s, "trigger", "on_arrival", "none")
	t.Kind = TriggerKind(s.Raw)
	if s.Raw == "" {
		t.Kind = triggerNone
	}
	if !contains([]string{"on_arrival", "none", ""}, s.Raw) {
		t.Kind = triggerNone
	}
	return t
}

func (d *decoder) transform(e entry) *Transform {
	t := &Transform{Name: d.keyStr(e.Key), Pos: d.pos(e.Key)}
	what := fmt.Sprintf("transform %q", e.Key.Value)
	fs := d.fields(e.Val, what, transformKeys)
	fs.require(what, "from")
	t.From = d.str(fs.get("from"), "from")
	for _, sn := range d.list(fs.get("steps"), "steps") {
		if st := d.step(sn); st != nil {
			t.Steps = append(t.Steps, st)
		}
	}
	return t
}

func (d *decoder) step(n *yaml.Node) *Step {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		d.errorf(n, diag.FC103, "a step must be a mapping with one of %s, got %s", strings.Join(stepKinds, ", "), kindName(n))
		return nil
	}
	// The step kind is the first key that names one; the rest are its options.
	var kind string
	for i := 0; i < len(n.Content); i += 2 {
		if contains(stepKinds, n.Content[i].Value) {
			kind = n.Content[i].Value
			break
		}
	}
	if kind == "" {
		k := n.Content[0]
		dg := d.errorf(k, diag.FC101, "unknown step %q", k.Value)
		if s := expr.Suggest(k.Value, stepKinds); s != "" {
			dg.Hint = fmt.Sprintf("did you mean %q?", s)
		} else {
			dg.Hint = "a step is one of " + strings.Join(stepKinds, ", ")
		}
		return nil
	}
	st := &Step{Kind: StepKind(kind), Pos: d.pos(n)}
	allowed := []string{kind}
	if kind == "join" {
		allowed = joinKeys
	}
	fs := d.fields(n, kind+" step", allowed)
	v := fs.get(kind)
	switch st.Kind {
	case StepFilter:
		st.Filter = d.expr(v, "filter")
	case StepJoin:
		fs.require("join step", "on")
		st.Join = d.str(v, "join")
		st.As = d.str(fs.get("as"), "as")
		st.On = d.expr(fs.get("on"), "on")
		st.JoinKind = d.str(fs.get("kind"), "join kind")
		d.enum(st.JoinKind, "join kind", "inner", "left")
	case StepDerive:
		st.Columns = d.namedExprs(v, "derive")
	case StepSelect:
		if v != nil && resolve(v).Kind == yaml.MappingNode {
			st.Columns = d.namedExprs(v, "select")
		} else {
			st.Names = d.strList(v, "select")
		}
	case StepDedupe:
		sf := d.fields(v, "dedupe", dedupeKeys)
		sf.require("dedupe", "by")
		st.By = d.strList(sf.get("by"), "by")
		if by := sf.get("by"); by != nil && resolve(by).Kind == yaml.SequenceNode && len(resolve(by).Content) == 0 {
			d.errorf(by, diag.FC412, "dedupe by: is empty, so it would keep only one row of each run").Hint =
				"list the columns that identify a row, e.g. by: [id]; to keep every row, drop the step"
		}
		for _, o := range d.strList(sf.get("order_by"), "order_by") {
			st.OrderBy = append(st.OrderBy, orderItem(d, o))
		}
	case StepAggregate:
		sf := d.fields(v, "aggregate", aggKeys)
		sf.require("aggregate", "measures")
		st.By = d.strList(sf.get("by"), "by")
		st.Columns = d.namedExprs(sf.get("measures"), "measures")
	case StepWindow:
		sf := d.fields(v, "window", windowKeys)
		sf.require("window", "measures")
		st.By = d.strList(sf.get("partition_by"), "partition_by")
		for _, o := range d.strList(sf.get("order_by"), "order_by") {
			st.OrderBy = append(st.OrderBy, orderItem(d, o))
		}
		st.Frame = d.frame(sf.get("frame"))
		st.Columns = d.namedExprs(sf.get("measures"), "measures")
	}
	return st
}

// orderItem splits "expr [asc|desc] [nulls first|last]".
func orderItem(d *decoder, s Str) *OrderItem {
	text := strings.TrimRight(s.Raw, " \t")
	o := &OrderItem{}
	cut := func(suffix string) bool {
		if len(text) > len(suffix) && strings.EqualFold(text[len(text)-len(suffix):], suffix) {
			text = strings.TrimRight(text[:len(text)-len(suffix)], " \t")
			return true
		}
		return false
	}
	switch {
	case cut(" nulls first"):
		o.Nulls = "first"
	case cut(" nulls last"):
		o.Nulls = "last"
	}
	switch {
	case cut(" desc"):
		o.Desc = true
	case cut(" asc"):
	}
	sub := s
	sub.Raw = text
	o.Expr = d.parseExpr(sub)
	return o
}

// frame reads a window's `frame:`, {rows: [START, END]} or {range: [START,
// END]}; the checker judges the bounds.
func (d *decoder) frame(n *yaml.Node) *Frame {
	if n = resolve(n); n == nil || n.Tag == "!!null" {
		return nil
	}
	fs := d.fields(n, "frame", frameKeys)
	rows, rng := fs.get("rows"), fs.get("range")
	f := &Frame{Rows: rows != nil, Pos: d.pos(n)}
	v := rows
	switch {
	case rows != nil && rng != nil:
		d.errorf(fs.key("range"), diag.FC103, "frame takes rows: or range:, not both").Hint = "rows: counts rows; range: takes the current row's ties along"
		return nil
	case rows == nil && rng == nil:
		if n.Kind == yaml.MappingNode {
			d.errorf(n, diag.FC104, "frame needs rows: or range:").Hint = "e.g. frame: {rows: [-6, current]}"
		}
		return nil
	case rng != nil:
		v = rng
	}
	what := "frame rows"
	if !f.Rows {
		what = "frame range"
	}
	items := d.list(v, what)
	if len(items) != 2 {
		if resolve(v) != nil && resolve(v).Kind == yaml.SequenceNode {
			d.errorf(v, diag.FC103, "%s is a list of two bounds, [start, end], got %d", what, len(items)).Hint = "e.g. [unbounded, current] or [-6, 0]"
		}
		return nil
	}
	bound := func(b *yaml.Node) (FrameBound, bool) {
		fb := FrameBound{Pos: d.pos(b)}
		if b.Kind == yaml.ScalarNode && b.Tag == "!!int" {
			i := d.integer(b, what+" bound")
			fb.Offset = i.Value
			return fb, i.Set
		}
		if b.Kind == yaml.ScalarNode && b.Tag == "!!str" {
			switch b.Value {
			case "unbounded":
				fb.Unbounded = true
				return fb, true
			case "current":
				return fb, true
			}
		}
		d.errorf(b, diag.FC103, "a %s bound is unbounded, current or an integer, got %s", what, describe(b)).Hint =
			"negative integers count rows before the current one, positive ones rows after it"
		return fb, false
	}
	var ok1, ok2 bool
	f.Start, ok1 = bound(items[0])
	f.End, ok2 = bound(items[1])
	if !ok1 || !ok2 {
		return nil
	}
	return f
}

func (d *decoder) namedExprs(n *yaml.Node, what string) []*NamedExpr {
	es, _ := d.mapping(n, what, nil)
	var out []*NamedExpr
	for _, e := range es {
		out = append(out, &NamedExpr{Name: d.keyStr(e.Key), Expr: d.expr(e.Val, what+" "+e.Key.Value)})
	}
	return out
}

// expr reads and parses an expression string.
func (d *decoder) expr(n *yaml.Node, what string) *Expr {
	orig := n
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.shapeErr(orig, n, diag.FC103, "%s must be an expression string, got %s", what, kindName(n))
		return nil
	}
	return d.parseExpr(d.str(n, what))
}

func (d *decoder) parseExpr(s Str) *Expr {
	e := &Expr{Text: s}
	ast, errs := expr.Parse(s.Raw)
	for _, err := range errs {
		dg := d.ds.Errorf(s.PosAt(err.Span.Start), err.Code, "%s", err.Msg)
		dg.Hint = err.Hint
		if err.Span.End > err.Span.Start {
			dg.End = s.PosAt(err.Span.End)
		}
	}
	if len(errs) == 0 {
		e.AST = ast
	}
	return e
}

func (d *decoder) warehouse(n *yaml.Node) *Warehouse {
	w := &Warehouse{Pos: d.pos(n)}
	fs := d.fields(n, "warehouse", warehouseKeys)
	fs.require("warehouse", "redshift", "tables")
	if rn := fs.get("redshift"); rn != nil {
		rf := d.fields(rn, "redshift", redshiftKeys)
		rf.require("redshift", "database", "schema", "connection", "iam_role")
		w.Redshift = &Redshift{
			Workgroup:  d.str(rf.get("workgroup"), "workgroup"),
			Cluster:    d.str(rf.get("cluster"), "cluster"),
			Database:   d.str(rf.get("database"), "database"),
			Schema:     d.str(rf.get("schema"), "schema"),
			Connection: d.str(rf.get("connection"), "connection"),
			IAMRole:    d.str(rf.get("iam_role"), "iam_role"),
			Pos:        d.pos(rn),
		}
		if resolve(rn).Kind == yaml.MappingNode {
			switch {
			case w.Redshift.Workgroup.IsSet() && w.Redshift.Cluster.IsSet():
				d.errorf(rf.key("cluster"), diag.FC105, "redshift takes workgroup or cluster, not both")
			case !w.Redshift.Workgroup.IsSet() && !w.Redshift.Cluster.IsSet():
				d.errorf(rn, diag.FC104, "redshift is missing required key \"workgroup\" (or \"cluster\")")
			}
		}
	}
	if tn := fs.get("tables"); tn != nil {
		es, _ := d.mapping(tn, "tables", nil)
		for _, e := range es {
			w.Tables = append(w.Tables, d.table(e))
		}
	}
	return w
}

func (d *decoder) table(e entry) *Table {
	t := &Table{Name: d.keyStr(e.Key), Pos: d.pos(e.Key)}
	what := fmt.Sprintf("table %q", e.Key.Value)
	fs := d.fields(e.Val, what, tableKeys)
	fs.require(what, "from", "columns")
	t.From = d.str(fs.get("from"), "from")
	t.Load = d.str(fs.get("load"), "load")
	d.enum(t.Load, "load", loadAppend, LoadReplacePartition, LoadMerge)
	t.Key = d.strList(fs.get("key"), "key")
	t.Distkey = d.str(fs.get("distkey"), "distkey")
	t.Diststyle = d.str(fs.get("diststyle"), "diststyle")
	d.enum(t.Diststyle, "diststyle", "auto", "even", "all", "key")
	t.Sortkey = d.strList(fs.get("sortkey"), "sortkey")
	t.OnDestructiveChange = d.str(fs.get("on_destructive_change"), "on_destructive_change")
	d.enum(t.OnDestructiveChange, "on_destructive_change", ir.OnDestructiveError, ir.OnDestructiveAllow)
	if n := fs.get("columns"); n != nil {
		cs, _ := d.mapping(n, what+" columns", nil)
		for _, c := range cs {
			t.Columns = append(t.Columns, d.tableColumn(c))
		}
	}
	for _, cn := range d.list(fs.get("checks"), "checks") {
		if c := d.check(cn); c != nil {
			t.Checks = append(t.Checks, c)
		}
	}
	return t
}

// tableColumn reads a table column: `name: TYPE`, or `name: {type: TYPE,
// renamed_from: OLD}` for a column the warehouse holds under another name.
func (d *decoder) tableColumn(c entry) *TableColumn {
	tc := &TableColumn{Name: d.keyStr(c.Key)}
	if resolve(c.Val) != nil && resolve(c.Val).Kind == yaml.MappingNode {
		what := fmt.Sprintf("column %q", c.Key.Value)
		cf := d.fields(c.Val, what, tableColKeys)
		cf.require(what, "type")
		tc.Type = d.str(cf.get("type"), "column type")
		tc.RenamedFrom = d.str(cf.get("renamed_from"), "renamed_from")
		return tc
	}
	tc.Type = d.str(c.Val, "column type")
	return tc
}

func (d *decoder) check(n *yaml.Node) *TableCheck {
	es, ok := d.mapping(n, "check", checkKinds)
	if !ok || len(es) == 0 {
		if ok {
			d.errorf(n, diag.FC103, "a check must be one of %s", strings.Join(checkKinds, ", "))
		}
		return nil
	}
	if len(es) > 1 {
		d.errorf(es[1].Key, diag.FC103, "one check per list entry; start a new entry with \"- %s:\"", es[1].Key.Value)
	}
	e := es[0]
	c := &TableCheck{Kind: CheckKind(e.Key.Value), Pos: d.pos(e.Key)}
	switch c.Kind {
	case checkNotNull, CheckUnique:
		c.Columns = d.strList(e.Val, string(c.Kind))
		if len(c.Columns) == 0 {
			d.errorf(e.Val, diag.FC104, "%s needs at least one column", c.Kind)
		}
	case checkExpect:
		c.Expect = d.expr(e.Val, "expect")
	case CheckRowCount:
		rf := d.fields(e.Val, "row_count", rowCountKeys)
		c.Min = d.integer(rf.get("min"), "row_count min")
		c.Max = d.integer(rf.get("max"), "row_count max")
		if !c.Min.Set && !c.Max.Set {
			d.errorf(e.Val, diag.FC104, "row_count needs min or max")
		}
		if c.Min.Set && c.Max.Set && c.Min.Value > c.Max.Value {
			d.ds.Errorf(c.Max.Pos, diag.FC108, "row_count max %d is below min %d", c.Max.Value, c.Min.Value)
		}
		if c.Min.Set && c.Min.Value < 0 {
			d.ds.Errorf(c.Min.Pos, diag.FC108, "row_count min must not be negative")
		}
	}
	return c
}

func (d *decoder) alerts(n *yaml.Node) *Alerts {
	a := &Alerts{Pos: d.pos(n)}
	fs := d.fields(n, "alerts", alertsKeys)
	one := func(key string) *Alert {
		v := fs.get(key)
		if v == nil {
			return nil
		}
		al := &Alert{Pos: d.pos(v)}
		af := d.fields(v, "alerts "+key, alertKeys)
		af.require("alerts "+key, "email")
		al.Email = d.strList(af.get("email"), "email")
		return al
	}
	a.OnFailure = one("on_failure")
	a.OnSuccess = one("on_success")
	return a
}

// arrival reads `on_arrival: {settle_seconds, max_wait_seconds, marker}`
// (the ranges: docs/spec.md, runs).
func (d *decoder) arrival(n *yaml.Node) *Arrival {
	a := &Arrival{Pos: d.pos(n)}
	if resolve(n).Kind != yaml.MappingNode {
		// `on_arrival:` with no options (null) takes the defaults.
		if resolve(n).Tag != "!!null" {
			d.ds.Errorf(d.pos(n), diag.FC105, "on_arrival takes a mapping of settle_seconds, max_wait_seconds and marker")
		}
		return a
	}
	fs := d.fields(n, "on_arrival", arrivalKeys)
	a.SettleSeconds = d.integer(fs.get("settle_seconds"), "settle_seconds")
	a.MaxWaitSeconds = d.integer(fs.get("max_wait_seconds"), "max_wait_seconds")
	a.Marker = d.str(fs.get("marker"), "marker")
	if v := a.SettleSeconds; v.Set && (v.Value < minSettleSeconds || v.Value > maxSettleSeconds) {
		d.ds.Errorf(v.Pos, diag.FC108, "settle_seconds must be between %d and %d, got %d", minSettleSeconds, maxSettleSeconds, v.Value)
	}
	if v := a.MaxWaitSeconds; v.Set && (v.Value < minMaxWaitSeconds || v.Value > maxMaxWaitSeconds) {
		d.ds.Errorf(v.Pos, diag.FC108, "max_wait_seconds must be between %d and %d, got %d", minMaxWaitSeconds, maxMaxWaitSeconds, v.Value)
	}
	return a
}

// runs reads the top-level `runs:` mapping.
func (d *decoder) runs(n *yaml.Node) *Runs {
	fs := d.fields(n, "runs", runsKeys)
	r := &Runs{Pos: d.pos(n), MaxParallelPartitions: d.integer(fs.get("max_parallel_partitions"), "max_parallel_partitions")}
	if v := r.MaxParallelPartitions; v.Set && (v.Value < 1 || v.Value > maxParallelPartitionsLimit) {
		d.ds.Errorf(v.Pos, diag.FC108, "max_parallel_partitions must be between 1 and %d, got %d", maxParallelPartitionsLimit, v.Value)
	}
	return r
}

func (d *decoder) glue(n *yaml.Node) *Glue {
	fs := d.fields(n, "glue", glueKeys)
	g := &Glue{
		Version:        d.str(fs.get("version"), "glue version"),
		WorkerType:     d.str(fs.get("worker_type"), "worker_type"),
		Workers:        d.integer(fs.get("workers"), "workers"),
		TimeoutMinutes: d.integer(fs.get("timeout_minutes"), "timeout_minutes"),
	}
	d.enum(g.Version, "glue version", "3.0", "4.0", "5.0")
	d.enum(g.WorkerType, "worker_type", "G.025X", "G.1X", "G.2X", "G.4X", "G.8X", "Z.2X")
	if g.Workers.Set && (g.Workers.Value < 2 || g.Workers.Value > 299) {
		d.ds.Errorf(g.Workers.Pos, diag.FC108, "workers must be between 2 and 299, got %d", g.Workers.Value)
	}
	if g.TimeoutMinutes.Set && (g.TimeoutMinutes.Value < 1 || g.TimeoutMinutes.Value > 2880) {
		d.ds.Errorf(g.TimeoutMinutes.Pos, diag.FC108, "timeout_minutes must be between 1 and 2880, got %d", g.TimeoutMinutes.Value)
	}
	return g
}
