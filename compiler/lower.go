package compiler

import (
	"fmt"
	"sort"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Lower builds the IR of a checked spec for one environment. The spec must
// have passed spec.Load without errors; env "" picks the only environment.
func Lower(f *spec.File, env string) (*ir.IR, error) {
	if env == "" {
		env = f.DefaultEnv()
		if env == "" {
			return nil, fmt.Errorf("the spec has %d environments; choose one with --env", len(f.Environments))
		}
	}
	e := f.Env(env)
	if e == nil {
		return nil, fmt.Errorf("environment %q is not defined in %s", env, f.Name)
	}
	x := func(s spec.Str) string { return f.Expand(s, e) }
	pl := &ir.IR{
		Pipeline:    f.Pipeline.Raw,
		Description: f.Description.Raw,
		Env:         env,
		Region:      x(e.Region),
		Account:     x(e.Account),
		Names:       f.Names(e),
	}
	buckets := map[string]*ir.Bucket{}
	for _, s := range f.Sources {
		src := &ir.Source{
			Name:     s.Name.Raw,
			Pos:      s.Name.Pos,
			Location: x(s.Location),
			Format:   s.FormatName(),
			CSV:      ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
			Trigger:  ir.TriggerNone,
			Schema:   s.Schema,
		}
		src.Bucket, src.Prefix, _ = spec.SplitS3(src.Location)
		if o := s.CSV; o != nil {
			if o.Header.Set {
				src.CSV.Header = o.Header.Value
			}
			if o.Delimiter.IsSet() {
				src.CSV.Delimiter = o.Delimiter.Raw
			}
			if o.Quote.IsSet() {
				src.CSV.Quote = o.Quote.Raw
			}
			if o.Escape.IsSet() {
				src.CSV.Escape = o.Escape.Raw
			}
			src.CSV.Null = o.Null.Raw
		}
		for _, c := range s.Columns {
			src.Columns = append(src.Columns, expr.Column{Name: c.Name.Raw, Type: c.T})
		}
		for _, p := range s.Partitions {
			src.Partitions = append(src.Partitions, expr.Column{Name: p.Name.Raw, Type: p.T})
		}
		if s.Trigger != nil {
			src.Trigger = s.Trigger.Kind
			src.Schedule = s.Trigger.Schedule.Raw
		}
		pl.Sources = append(pl.Sources, src)
		if src.Bucket != "" {
			b := buckets[src.Bucket]
			if b == nil {
				b = &ir.Bucket{Name: src.Bucket}
				buckets[src.Bucket] = b
				pl.Buckets = append(pl.Buckets, b)
			}
			b.Sources = append(b.Sources, src.Name)
		}
	}
	sort.Slice(pl.Buckets, func(i, j int) bool { return pl.Buckets[i].Name < pl.Buckets[j].Name })

	for _, t := range f.TransformOrder() {
		tr := &ir.Transform{Name: t.Name.Raw, Pos: t.Name.Pos, From: t.From.Raw, Schema: t.Schema}
		for _, st := range t.Steps {
			tr.Steps = append(tr.Steps, lowerStep(st))
		}
		pl.Transforms = append(pl.Transforms, tr)
	}

	for _, t := range f.Tables() {
		tb := &ir.Table{
			Name:      t.Name.Raw,
			Pos:       t.Name.Pos,
			From:      t.From.Raw,
			Load:      t.LoadMode(),
			Distkey:   t.Distkey.Raw,
			Diststyle: t.Diststyle.Raw,
			Key:       raws(t.Key),
			Sortkey:   raws(t.Sortkey),
		}
		for _, c := range t.Columns {
			tb.Columns = append(tb.Columns, &ir.TableColumn{Name: c.Name.Raw, Type: c.RT, From: c.From, Pos: c.Name.Pos})
		}
		for _, c := range t.Checks {
			ck := &ir.Check{Kind: c.Kind, Name: c.Name(), Pos: c.Pos, Columns: raws(c.Columns)}
			if c.Expect != nil {
				ck.Expr = c.Expect.AST
			}
			if c.Min.Set {
				v := c.Min.Value
				ck.Min = &v
			}
			if c.Max.Set {
				v := c.Max.Value
				ck.Max = &v
			}
			tb.Checks = append(tb.Checks, ck)
		}
		if t.Trigger != nil {
			tb.Trigger = pl.Source(t.Trigger.Name.Raw)
			for _, p := range tb.Trigger.Partitions {
				tb.PartitionColumns = append(tb.PartitionColumns, p.Name)
			}
		}
		tb.Reads = reads(pl, tb.From)
		pl.Tables = append(pl.Tables, tb)
	}

	if r := f.Warehouse; r != nil && r.Redshift != nil {
		rs := r.Redshift
		pl.Redshift = ir.Redshift{
			Workgroup: x(rs.Workgroup), Cluster: x(rs.Cluster), Database: x(rs.Database),
			Schema: x(rs.Schema), Connection: x(rs.Connection), IAMRole: x(rs.IAMRole),
		}
	}
	if a := f.Alerts; a != nil {
		if a.OnFailure != nil {
			for _, m := range a.OnFailure.Email {
				pl.Alerts.OnFailure = append(pl.Alerts.OnFailure, x(m))
			}
		}
		if a.OnSuccess != nil {
			for _, m := range a.OnSuccess.Email {
				pl.Alerts.OnSuccess = append(pl.Alerts.OnSuccess, x(m))
			}
		}
	}
	pl.Glue = ir.GlueSettings{Version: spec.DefaultGlueVersion, WorkerType: spec.DefaultGlueWorkerType, Workers: spec.DefaultGlueWorkers, TimeoutMinutes: spec.DefaultGlueTimeout}
	if g := f.Glue; g != nil {
		if g.Version.IsSet() {
			pl.Glue.Version = g.Version.Raw
		}
		if g.WorkerType.IsSet() {
			pl.Glue.WorkerType = g.WorkerType.Raw
		}
		if g.Workers.Set {
			pl.Glue.Workers = g.Workers.Value
		}
		if g.TimeoutMinutes.Set {
			pl.Glue.TimeoutMinutes = g.TimeoutMinutes.Value
		}
	}
	return pl, nil
}

func lowerStep(st *spec.Step) *ir.Step {
	s := &ir.Step{Kind: st.Kind, Pos: st.Pos, Schema: st.Schema, By: raws(st.By)}
	ast := func(e *spec.Expr) expr.Expr {
		if e == nil {
			return nil
		}
		return e.AST
	}
	switch st.Kind {
	case ir.StepFilter:
		s.Cond = ast(st.Filter)
	case ir.StepJoin:
		s.Join, s.Alias, s.Cond = st.Join.Raw, st.Alias(), ast(st.On)
		s.JoinKind = st.JoinKind.Raw
		if s.JoinKind == "" {
			s.JoinKind = "inner"
		}
	case ir.StepDedupe:
		for _, o := range st.OrderBy {
			s.OrderBy = append(s.OrderBy, &ir.OrderItem{Expr: ast(o.Expr), Desc: o.Desc})
		}
	}
	for _, n := range st.Names { // select, list form
		col := &expr.Col{Name: n.Raw}
		if q, c, ok := cut(n.Raw); ok {
			col.Qual, col.Name = q, c
		}
		for _, sc := range st.Schema {
			if sc.Name == col.Name {
				col.T = sc.Type
			}
		}
		s.Columns = append(s.Columns, &ir.NamedExpr{Name: col.Name, Expr: col, Pos: n.Pos})
	}
	for _, ne := range st.Columns {
		s.Columns = append(s.Columns, &ir.NamedExpr{Name: ne.Name.Raw, Expr: ast(ne.Expr), Pos: ne.Name.Pos})
	}
	return s
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return "", s, false
}

func raws(ss []spec.Str) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Raw)
	}
	return out
}

// reads lists what a table needs, sources first then transforms in
// dependency order.
func reads(pl *ir.IR, from string) []string {
	need := map[string]bool{}
	var mark func(string)
	mark = func(n string) {
		if need[n] {
			return
		}
		need[n] = true
		if t := pl.Transform(n); t != nil {
			mark(t.From)
			for _, s := range t.Steps {
				if s.Kind == ir.StepJoin {
					mark(s.Join)
				}
			}
		}
	}
	mark(from)
	var out []string
	for _, s := range pl.Sources {
		if need[s.Name] {
			out = append(out, s.Name)
		}
	}
	for _, t := range pl.Transforms {
		if need[t.Name] {
			out = append(out, t.Name)
		}
	}
	return out
}

var _ = diag.Pos{}
