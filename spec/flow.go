package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// types computes the typed row of every source, step and transform, checking
// each expression against the row it reads.
func (c *checker) types() {
	c.untyped = map[string]bool{}
	for _, s := range c.f.Sources {
		if len(s.Columns) == 0 {
			c.untyped[s.Name.Raw] = true // reported by the decoder
		}
		if s.triggerKind() != triggerNone {
			c.triggered++
		}
		for _, col := range s.Columns {
			t, err := expr.ParseType(col.Type.Raw)
			if err != nil && col.Type.IsSet() {
				c.errorf(col.Type.Pos, diag.FC400, "%v", err).Hint = "source column types: string, int, bigint, double, decimal(p,s), boolean, date, timestamp"
			}
			c.colType[col] = t
			c.srcRow[s] = append(c.srcRow[s], expr.Column{Name: col.Name.Raw, Type: t})
		}
		for _, p := range s.Partitions {
			pt, _ := expr.ParseType(defaultPartType)
			if p.Type.IsSet() {
				t, err := expr.ParseType(p.Type.Raw)
				if err != nil {
					c.errorf(p.Type.Pos, diag.FC400, "%v", err)
				} else {
					pt = t
				}
			}
			c.partType[p] = pt
			c.srcRow[s] = append(c.srcRow[s], expr.Column{Name: p.Name.Raw, Type: pt})
		}
	}
	for _, t := range c.order {
		c.transformTypes(t)
	}
}

// check type-checks one expression, mapping its errors into the YAML. It
// types a copy of the parsed AST (expr.Check records types in the nodes
// it checks) and records the copy in c.typed for lower.
func (c *checker) check(e *Expr, sc *expr.Scope, opts expr.Options) expr.Type {
	if e == nil || e.AST == nil {
		return expr.Type{}
	}
	ast := expr.Clone(e.AST)
	c.typed[e] = ast
	t, errs := expr.Check(ast, sc, opts)
	for _, err := range errs {
		dg := c.errorf(e.PosOf(err.Span), err.Code, "%s", err.Msg)
		dg.Hint = err.Hint
		if err.Span.End > err.Span.Start {
			dg.End = e.Text.PosAt(err.Span.End)
		}
	}
	return t
}

func (c *checker) wantBool(e *Expr, t expr.Type, what string) {
	if e == nil || e.AST == nil || t.Kind == expr.Unknown || t.Kind == expr.Boolean || t.Kind == expr.Null {
		return
	}
	c.errorf(e.Text.Pos, diag.FC408, "%s must be a boolean expression, got %s", what, t).Hint = "compare it, e.g. delay > 60"
}

func (c *checker) transformTypes(t *Transform) {
	from, ok := c.schemaOf(t.From.Raw)
	if !ok {
		c.untyped[t.Name.Raw] = true
		return
	}
	row := expr.Row(from).Unqualified()
	aliases := map[string]bool{}
	for _, st := range t.Steps {
		sc := &expr.Scope{Columns: row}
		switch st.Kind {
		case StepFilter:
			c.wantBool(st.Filter, c.check(st.Filter, sc, expr.Options{}), "filter")
		case StepJoin:
			right, ok := c.schemaOf(st.Join.Raw)
			if !ok {
				// The joined input is unknown or broken (already reported):
				// stop typing this transform rather than cascade.
				c.untyped[t.Name.Raw] = true
				delete(c.trRow, t)
				return
			}
			alias := st.alias()
			p := st.As.Pos
			if !st.As.IsSet() {
				p = st.Join.Pos
			}
			if aliases[alias] {
				c.errorf(p, diag.FC201, "alias %q is used by another join in transform %q", alias, t.Name.Raw).Hint = "give each join its own `as:`"
			}
			aliases[alias] = true
			row = append(row, expr.Row(right).Qualified(alias)...)
			sc = &expr.Scope{Columns: row}
			c.wantBool(st.On, c.check(st.On, sc, expr.Options{}), "join condition")
		case StepDerive:
			for _, ne := range st.Columns {
				typ := c.outputType(ne, c.check(ne.Expr, &expr.Scope{Columns: row}, expr.Options{}))
				row = row.Set(ne.Name.Raw, typ)
			}
		case StepSelect:
			var out []expr.Column
			seen := map[string]bool{}
			add := func(name Str, typ expr.Type) {
				if seen[name.Raw] {
					c.errorf(name.Pos, diag.FC409, "select produces column %q twice", name.Raw)
				}
				seen[name.Raw] = true
				out = append(out, expr.Column{Name: name.Raw, Type: typ})
			}
			for _, n := range st.Names {
				col, ok := row.Lookup(n.Raw)
				if !ok {
					c.errorf(n.Pos, diag.FC407, "select names unknown column %q", n.Raw).Hint = suggestHint(n.Raw, row.Names())
					continue
				}
				out = append(out, expr.Column{Name: col.Name, Type: col.Type})
				if seen[col.Name] {
					c.errorf(n.Pos, diag.FC409, "select produces column %q twice", col.Name)
				}
				seen[col.Name] = true
			}
			for _, ne := range st.Columns {
				add(ne.Name, c.outputType(ne, c.check(ne.Expr, sc, expr.Options{})))
			}
			row = out
		case StepDedupe:
			c.columnRefs(st.By, row, "dedupe by")
			c.orderBy(st.OrderBy, sc)
		case StepWindow:
			row = c.window(st, row, sc)
		case StepAggregate:
			var out []expr.Column
			var keys []string
			for _, n := range st.By {
				col, ok := row.Lookup(n.Raw)
				if !ok {
					c.errorf(n.Pos, diag.FC407, "aggregate by names unknown column %q", n.Raw).Hint = suggestHint(n.Raw, row.Names())
					continue
				}
				keys = append(keys, n.Raw)
				out = append(out, expr.Column{Name: col.Name, Type: col.Type})
			}
			for _, ne := range st.Columns {
				typ := c.outputType(ne, c.check(ne.Expr, sc, expr.Options{AllowAggregates: true, GroupKeys: keys}))
				for _, o := range out {
					if o.Name == ne.Name.Raw {
						c.errorf(ne.Name.Pos, diag.FC409, "measure %q has the name of a group-by column", ne.Name.Raw)
					}
				}
				out = append(out, expr.Column{Name: ne.Name.Raw, Type: typ})
			}
			row = out
		}
		c.stepRow[st] = append([]expr.Column(nil), row...)
	}
	// The output row is unqualified; two columns of one name need a select.
	var out []expr.Column
	seen := map[string]string{}
	for _, col := range row {
		if prev, dup := seen[col.Name]; dup {
			c.errorf(t.Name.Pos, diag.FC409, "transform %q outputs two columns named %q (%s and %s)", t.Name.Raw, col.Name, prev, col.QualName()).Hint =
				"end the transform with a select that names each column once"
			continue
		}
		seen[col.Name] = col.QualName()
		out = append(out, expr.Column{Name: col.Name, Type: col.Type})
	}
	c.trRow[t] = out
}

// outputType rejects an output column whose type is NULL (a bare null
// literal): no table column type can be derived from it.
func (c *checker) outputType(ne *NamedExpr, t expr.Type) expr.Type {
	if t.Kind == expr.Null && ne.Expr != nil {
		c.errorf(ne.Expr.Text.Pos, diag.FC411, "column %q is always NULL and has no type", ne.Name.Raw).Hint =
			"cast it, e.g. cast(null as string)"
	}
	return t
}

func (c *checker) columnRefs(ns []Str, row expr.Row, what string) {
	for _, n := range ns {
		if _, ok := row.Lookup(n.Raw); !ok {
			c.errorf(n.Pos, diag.FC407, "%s names unknown column %q", what, n.Raw).Hint = suggestHint(n.Raw, row.Names())
		}
	}
}

// tables checks every table against the row its from: produces.
func (c *checker) tables() {
	used := map[string]bool{}
	for _, t := range c.f.Tables() {
		c.lineage(t.From.Raw, used, map[string]bool{})
		row, ok := c.schemaOf(t.From.Raw)
		multi := c.tableTrigger(t)
		cols := map[string]*TableColumn{}
		var colNames []string
		for _, tc := range t.Columns {
			cols[tc.Name.Raw] = tc
			colNames = append(colNames, tc.Name.Raw)
			rt, err := ParseRedshiftType(tc.Type.Raw)
			if err != nil {
				if tc.Type.IsSet() {
					c.errorf(tc.Type.Pos, diag.FC400, "%v", err).Hint = "Redshift types: " + strings.Join(redshiftTypeNames, ", ")
				}
				continue
			}
			c.rt[tc] = rt
			if !ok {
				continue
			}
			src, found := expr.Row(row).Lookup(tc.Name.Raw)
			if !found {
				c.errorf(tc.Name.Pos, diag.FC401, "column %q is not an output of %q", tc.Name.Raw, t.From.Raw).Hint = suggestHint(tc.Name.Raw, expr.Row(row).Names())
				continue
			}
			c.feed[tc] = src.Type
			okAssign, narrowing, reason := assignable(src.Type, rt)
			switch {
			case okAssign:
			case narrowing:
				dg := c.errorf(tc.Type.Pos, diag.FC402, "column %q: %s would narrow %s to %s: %s", tc.Name.Raw, t.From.Raw, src.Type, rt, reason)
				if ct := castTarget(rt); ct != src.Type.String() {
					dg.Hint = fmt.Sprintf("cast explicitly in the transform, e.g. cast(%s as %s), or widen the column", tc.Name.Raw, ct)
				} else {
					dg.Hint = "widen the column to a type that holds every " + ct
				}
			default:
				c.errorf(tc.Type.Pos, diag.FC403, "column %q: %s", tc.Name.Raw, reason).Hint =
					fmt.Sprintf("the transform produces %s; cast it there, e.g. cast(%s as %s)", src.Type, tc.Name.Raw, castTarget(rt))
			}
		}
		if ok {
			for _, col := range row {
				if cols[col.Name] == nil {
					c.ds.Warnf(t.From.Pos, diag.FC410, "column %q of %q is not loaded into table %q", col.Name, t.From.Raw, t.Name.Raw).Hint =
						"add it to columns:, or drop it with a select in the transform"
				}
			}
		}
		inTable := func(ns []Str, what string) {
			for _, n := range ns {
				if cols[n.Raw] == nil {
					c.errorf(n.Pos, diag.FC404, "%s column %q is not a column of table %q", what, n.Raw, t.Name.Raw).Hint = suggestHint(n.Raw, colNames)
				}
			}
		}
		inTable(t.Key, "key")
		inTable(t.Sortkey, "sortkey")
		c.renames(t, cols)
		if t.Distkey.IsSet() {
			inTable([]Str{t.Distkey}, "distkey")
			if t.Diststyle.IsSet() && t.Diststyle.Raw != "key" {
				c.errorf(t.Diststyle.Pos, diag.FC105, "diststyle %q conflicts with distkey; distkey implies diststyle key", t.Diststyle.Raw)
			}
		} else if t.Diststyle.Raw == "key" {
			c.errorf(t.Diststyle.Pos, diag.FC104, "diststyle key needs distkey:")
		}
		switch t.loadMode() {
		case LoadMerge:
			if len(t.Key) == 0 {
				p := t.Load.Pos
				c.errorf(p, diag.FC406, "table %q loads with merge but has no key:", t.Name.Raw).Hint = "add key: [columns that identify a row]"
			}
		case LoadReplacePartition:
			if trig := c.trigger[t]; trig == nil {
				if ok && !multi && c.triggered > 0 {
					c.errorf(t.Load.Pos, diag.FC405, "table %q loads with replace_partition but %q does not read a triggered source", t.Name.Raw, t.From.Raw).Hint = "use merge with a key:, or read from a source with a trigger"
				}
			} else {
				for _, p := range trig.Partitions {
					if cols[p.Name.Raw] == nil {
						c.errorf(t.Load.Pos, diag.FC405, "table %q loads with replace_partition but lacks partition column %q of source %q", t.Name.Raw, p.Name.Raw, trig.Name.Raw).Hint =
							"carry the partition columns into the table so a re-run can replace its partition"
					}
				}
				if len(trig.Partitions) == 0 {
					c.errorf(t.Load.Pos, diag.FC405, "table %q loads with replace_partition but source %q has no partitions", t.Name.Raw, trig.Name.Raw)
				}
			}
		}
		c.tableChecks(t, row, ok)
	}
	for _, s := range c.f.Sources {
		if !used[s.Name.Raw] && len(c.f.Tables()) > 0 {
			c.ds.Warnf(s.Name.Pos, diag.FC215, "source %q is not read by any table", s.Name.Raw)
		}
	}
	for _, t := range c.f.Transforms {
		if !used[t.Name.Raw] && len(c.f.Tables()) > 0 {
			c.ds.Warnf(t.Name.Pos, diag.FC215, "transform %q is not read by any table", t.Name.Raw)
		}
	}
}

func castTarget(rt RedshiftType) string {
	switch rt.Kind {
	case RSSmallint, RSInteger:
		return "int"
	case RSBigint:
		return "bigint"
	case RSDecimal:
		return fmt.Sprintf("decimal(%d,%d)", rt.Precision, rt.Scale)
	case RSReal, RSDouble:
		return "double"
	case RSBoolean:
		return "boolean"
	case RSDate:
		return "date"
	case RSTimestamp, RSTimestamptz:
		return "timestamp"
	}
	return "string"
}

// lineage marks every source and transform a name reads.
func (c *checker) lineage(name string, used, seen map[string]bool) {
	if seen[name] {
		return
	}
	seen[name] = true
	used[name] = true
	if t := c.transforms[name]; t != nil {
		c.lineage(t.From.Raw, used, seen)
		for _, st := range t.Steps {
			if st.Kind == StepJoin {
				c.lineage(st.Join.Raw, used, seen)
			}
		}
	}
}

// schemaOf returns the output row of a source or transform; it reports
// broken inputs (whose errors are already reported) as unknown so their
// consequences are not reported again.
func (c *checker) schemaOf(name string) ([]expr.Column, bool) {
	if c.untyped[name] {
		return nil, false
	}
	if s := c.sources[name]; s != nil {
		return c.srcRow[s], true
	}
	if t := c.transforms[name]; t != nil {
		return c.trRow[t], true
	}
	return nil, false
}

// tableTrigger finds the one triggered source in a table's lineage; it
// reports whether there were several (an error it reports).
func (c *checker) tableTrigger(t *Table) bool {
	lin := map[string]bool{}
	c.lineage(t.From.Raw, lin, map[string]bool{})
	var trig []*Source // in spec order
	for name := range lin {
		if s := c.sources[name]; s != nil && s.triggerKind() != triggerNone {
			trig = append(trig, s)
		}
	}
	sort.Slice(trig, func(i, j int) bool { return c.sourceIndex[trig[i]] < c.sourceIndex[trig[j]] })
	switch len(trig) {
	case 0:
	case 1:
		c.trigger[t] = trig[0]
	default:
		var names []string
		for _, s := range trig {
			names = append(names, s.Name.Raw)
		}
		sort.Strings(names)
		c.errorf(t.From.Pos, diag.FC214, "table %q reads several triggered sources (%s); a run loads one source's partition", t.Name.Raw, strings.Join(names, ", ")).Hint =
			"set trigger: none on the reference sources"
		return true
	}
	return false
}

func (c *checker) tableChecks(t *Table, row []expr.Column, ok bool) {
	// Checks see the table's columns with the types the transform gives them.
	var tcols []expr.Column
	var names []string
	for _, tc := range t.Columns {
		typ := c.feed[tc]
		if !ok {
			typ = expr.Type{}
		}
		tcols = append(tcols, expr.Column{Name: tc.Name.Raw, Type: typ})
		names = append(names, tc.Name.Raw)
	}
	for _, ck := range t.Checks {
		switch ck.Kind {
		case checkNotNull, CheckUnique:
			for _, n := range ck.Columns {
				if !contains(names, n.Raw) {
					c.errorf(n.Pos, diag.FC407, "%s names %q, which is not a column of table %q", ck.Kind, n.Raw, t.Name.Raw).Hint = suggestHint(n.Raw, names)
				}
			}
		case checkExpect:
			if ok {
				c.wantBool(ck.Expect, c.check(ck.Expect, &expr.Scope{Columns: tcols}, expr.Options{}), "expect")
			}
		}
	}
}

// renames checks the columns' renamed_from: a valid name, neither the
// column's own name nor another declared column (the warehouse would hold
// both), and no earlier name claimed by two columns.
func (c *checker) renames(t *Table, cols map[string]*TableColumn) {
	claimed := map[string]*TableColumn{}
	for _, tc := range t.Columns {
		old := tc.RenamedFrom
		if !old.IsSet() {
			continue
		}
		switch {
		case !nameRe.MatchString(old.Raw):
			c.errorf(old.Pos, diag.FC415, "renamed_from %q of column %q is not a valid column name", old.Raw, tc.Name.Raw)
		case old.Raw == tc.Name.Raw:
			c.errorf(old.Pos, diag.FC415, "column %q is renamed from itself", tc.Name.Raw).Hint = "remove renamed_from"
		case cols[old.Raw] != nil:
			c.errorf(old.Pos, diag.FC415, "column %q is renamed from %q, which table %q still declares", tc.Name.Raw, old.Raw, t.Name.Raw).Hint =
				"a rename moves the column; remove " + old.Raw + " from columns:, or renamed_from"
		case claimed[old.Raw] != nil:
			dg := c.errorf(old.Pos, diag.FC415, "columns %q and %q are both renamed from %q", claimed[old.Raw].Name.Raw, tc.Name.Raw, old.Raw)
			dg.Related = diag.Related{Pos: claimed[old.Raw].RenamedFrom.Pos, Message: "first renamed here"}
		default:
			claimed[old.Raw] = tc
		}
	}
}
