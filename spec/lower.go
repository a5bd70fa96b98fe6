package spec

import (
	"sort"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// lower builds the IR of the checked file for the environment of v (its
// values expanded): the last step of Check, run only when the checks found
// no error. Defaults come from defaults.go.
func (c *checker) lower(v *envValues) *ir.IR {
	f := c.f
	pl := &ir.IR{
		File:        f.Name,
		Pipeline:    f.Pipeline.Raw,
		Description: f.Description.Raw,
		Env:         v.env.Name.Raw,
		Region:      v.region,
		Account:     v.account,
		Names:       v.names,
		Redshift:    v.redshift,
		Alerts:      ir.Alerts{OnFailure: v.onFailure, OnSuccess: v.onSuccess},
		Glue:        f.glue(),

		MaxParallelPartitions: f.maxParallelPartitions(),
	}
	buckets := map[string]*ir.Bucket{}
	for i, s := range f.Sources {
		src := &ir.Source{
			Name:       s.Name.Raw,
			Pos:        s.Name.Pos,
			Location:   v.locations[i],
			Format:     s.formatName(),
			BucketMode: s.bucketMode(),
			CSV:        s.csv(),
			Trigger:    s.triggerKind(),
			Schema:     c.srcRow[s],
		}
		src.Bucket, src.Prefix, _ = SplitS3(src.Location)
		for _, col := range s.Columns {
			src.Columns = append(src.Columns, expr.Column{Name: col.Name.Raw, Type: c.colType[col]})
		}
		for _, p := range s.Partitions {
			src.Partitions = append(src.Partitions, expr.Column{Name: p.Name.Raw, Type: c.partType[p]})
		}
		if s.Trigger != nil {
			src.Schedule = s.Trigger.Schedule.Raw
		}
		if src.Trigger == ir.TriggerOnArrival {
			src.Arrival = s.arrival()
			src.Freshness = s.freshness()
		}
		pl.Sources = append(pl.Sources, src)
		if src.Bucket != "" {
			b := buckets[src.Bucket]
			if b == nil {
				b = &ir.Bucket{Name: src.Bucket, Existing: src.BucketMode == ir.BucketExisting}
				buckets[src.Bucket] = b
				pl.Buckets = append(pl.Buckets, b)
			}
			b.Sources = append(b.Sources, src.Name)
		}
	}
	sort.Slice(pl.Buckets, func(i, j int) bool { return pl.Buckets[i].Name < pl.Buckets[j].Name })

	for _, t := range c.order {
		tr := &ir.Transform{Name: t.Name.Raw, Pos: t.Name.Pos, From: t.From.Raw, Schema: c.trRow[t]}
		for _, st := range t.Steps {
			tr.Steps = append(tr.Steps, c.lowerStep(st))
		}
		pl.Transforms = append(pl.Transforms, tr)
	}

	idx := newReadsIndex(pl)
	for _, t := range f.Tables() {
		tb := &ir.Table{
			Name:      t.Name.Raw,
			Pos:       t.Name.Pos,
			From:      t.From.Raw,
			Load:      t.loadMode(),
			Distkey:   t.Distkey.Raw,
			Diststyle: t.Diststyle.Raw,
			Key:       raws(t.Key),
			Sortkey:   raws(t.Sortkey),

			OnDestructive: t.onDestructive(),
		}
		for _, col := range t.Columns {
			tb.Columns = append(tb.Columns, &ir.TableColumn{Name: col.Name.Raw, Type: c.rt[col], From: c.feed[col], Pos: col.Name.Pos, RenamedFrom: col.RenamedFrom.Raw})
		}
		for _, k := range t.Checks {
			ck := &ir.Check{Kind: k.Kind, Name: k.Name(), Pos: k.Pos, Columns: raws(k.Columns)}
			if k.Expect != nil {
				ck.Expr = c.ast(k.Expect)
			}
			if k.Min.Set {
				v := k.Min.Value
				ck.Min = &v
			}
			if k.Max.Set {
				v := k.Max.Value
				ck.Max = &v
			}
			tb.Checks = append(tb.Checks, ck)
		}
		if trig := c.trigger[t]; trig != nil {
			tb.Trigger = pl.Sources[idx.src[trig.Name.Raw]]
			for _, p := range tb.Trigger.Partitions {
				tb.PartitionColumns = append(tb.PartitionColumns, p.Name)
			}
		}
		tb.OwnerCheck = c.ownerCheck[t]
		if src := c.appends[t]; src != nil {
			tb.Appends = pl.Sources[idx.src[src.Name.Raw]]
		}
		tb.Reads = idx.reads(pl, tb.From)
		pl.Tables = append(pl.Tables, tb)
	}

	return pl
}

// ast returns the typed AST of an expression (nil for none).
func (c *checker) ast(e *Expr) expr.Expr {
	if e == nil {
		return nil
	}
	return c.typed[e]
}

func (c *checker) lowerStep(st *Step) *ir.Step {
	s := &ir.Step{Kind: st.Kind, Pos: st.Pos, Schema: c.stepRow[st], By: raws(st.By)}
	switch st.Kind {
	case ir.StepFilter:
		s.Cond = c.ast(st.Filter)
	case ir.StepJoin:
		s.Join, s.Alias, s.Cond = st.Join.Raw, st.alias(), c.ast(st.On)
		s.JoinKind = st.joinKind()
	case ir.StepDedupe, ir.StepWindow:
		for _, o := range st.OrderBy {
			s.OrderBy = append(s.OrderBy, &ir.OrderItem{Expr: c.ast(o.Expr), Desc: o.Desc, NullsFirst: o.NullsFirst()})
		}
		s.Frame = lowerFrame(st.Frame)
	}
	for _, n := range st.Names { // select, list form
		col := &expr.Col{Name: n.Raw}
		if q, c, ok := cut(n.Raw); ok {
			col.Qual, col.Name = q, c
		}
		for _, sc := range c.stepRow[st] {
			if sc.Name == col.Name {
				col.T = sc.Type
			}
		}
		s.Columns = append(s.Columns, &ir.NamedExpr{Name: col.Name, Expr: col, Pos: n.Pos})
	}
	for _, ne := range st.Columns {
		s.Columns = append(s.Columns, &ir.NamedExpr{Name: ne.Name.Raw, Expr: c.ast(ne.Expr), Pos: ne.Name.Pos})
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

func raws(ss []Str) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Raw)
	}
	return out
}

// readsIndex finds the IR's sources and transforms by name and knows
// their order, so listing what each table reads costs what it reads.
type readsIndex struct {
	src map[string]int // source name -> index in pl.Sources
	tr  map[string]int // transform name -> index in pl.Transforms
}

func newReadsIndex(pl *ir.IR) *readsIndex {
	x := &readsIndex{src: map[string]int{}, tr: map[string]int{}}
	for i, s := range pl.Sources {
		if _, dup := x.src[s.Name]; !dup {
			x.src[s.Name] = i
		}
	}
	for i, t := range pl.Transforms {
		if _, dup := x.tr[t.Name]; !dup {
			x.tr[t.Name] = i
		}
	}
	return x
}

// reads lists what a table needs, sources first then transforms in
// dependency order (the order of pl.Sources and pl.Transforms).
func (x *readsIndex) reads(pl *ir.IR, from string) []string {
	need := map[string]bool{}
	var srcs, trs []int
	var mark func(string)
	mark = func(n string) {
		if need[n] {
			return
		}
		need[n] = true
		if i, ok := x.src[n]; ok {
			srcs = append(srcs, i)
		}
		if i, ok := x.tr[n]; ok {
			trs = append(trs, i)
			t := pl.Transforms[i]
			mark(t.From)
			for _, s := range t.Steps {
				if s.Kind == ir.StepJoin {
					mark(s.Join)
				}
			}
		}
	}
	mark(from)
	sort.Ints(srcs)
	sort.Ints(trs)
	out := make([]string, 0, len(srcs)+len(trs))
	for _, i := range srcs {
		out = append(out, pl.Sources[i].Name)
	}
	for _, i := range trs {
		out = append(out, pl.Transforms[i].Name)
	}
	return out
}

// lowerFrame returns the IR frame of a window step: the one written, or
// nil for the default (range [unbounded, current] with an order, else
// the whole partition; sqlgen spells it out).
func lowerFrame(f *Frame) *ir.Frame {
	if f == nil {
		return nil
	}
	bound := func(b FrameBound) *int {
		if b.Unbounded {
			return nil
		}
		v := b.Offset
		return &v
	}
	return &ir.Frame{Rows: f.Rows, Start: bound(f.Start), End: bound(f.End)}
}
