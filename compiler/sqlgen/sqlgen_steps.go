package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// This file turns a transform's steps into one SQL query: a chain of WITH
// blocks, each reading the one before (see the naming note in sqlgen.go).

// tgen generates the query of one transform.
type tgen struct {
	d     Dialect
	pl    *ir.IR
	t     *ir.Transform
	input func(string) string

	base   string   // name prefix of the WITH blocks
	blocks []string // the SELECT of each block, in order
	cur    string   // SQL text of the relation the next step reads
	row    expr.Row
}

func (g *tgen) build() (string, error) {
	from, err := g.schemaOf(g.t.From)
	if err != nil {
		return "", err
	}
	g.row = expr.Row(from).Unqualified()
	g.cur = g.input(g.t.From)
	g.base = g.blockBase()
	for i, st := range g.t.Steps {
		if err := g.step(st); err != nil {
			return "", fmt.Errorf("step %d (%s): %w", i+1, st.Kind, err)
		}
		g.row = append(expr.Row(nil), st.Schema...)
	}
	if len(g.blocks) == 0 || g.row.HasQualified() {
		// No step, or joined columns to rename: project the output row.
		var items []string
		for _, c := range g.row {
			items = append(items, g.as(g.d.Ident(c.QualName()), c.QualName(), c.Name))
		}
		g.emit(selectSQL(items, "FROM "+g.cur))
	}
	return g.assemble(), nil
}

// step emits the blocks of one step.
func (g *tgen) step(st *ir.Step) error {
	switch st.Kind {
	case ir.StepFilter:
		cond, err := g.render(st.Cond, g.row, "")
		if err != nil {
			return err
		}
		g.emit(selectSQL(g.passthrough(""), "FROM "+g.cur, "WHERE "+cond))
	case ir.StepJoin:
		return g.join(st)
	case ir.StepDerive:
		return g.derive(st)
	case ir.StepSelect:
		var items []string
		for _, ne := range st.Columns {
			x, err := g.render(ne.Expr, g.row, "")
			if err != nil {
				return fmt.Errorf("column %s: %w", ne.Name, err)
			}
			if x == g.d.Ident(ne.Name) { // the column itself, same name
				items = append(items, x)
				continue
			}
			items = append(items, x+" AS "+g.d.Ident(ne.Name))
		}
		g.emit(selectSQL(items, "FROM "+g.cur))
	case ir.StepDedupe:
		return g.dedupe(st)
	case ir.StepAggregate:
		return g.aggregate(st)
	case ir.StepWindow:
		return g.window(st)
	default:
		return fmt.Errorf("unknown step kind %q", st.Kind)
	}
	return nil
}

// join: the left row keeps its column names, the joined relation's
// columns are added as "alias.name".
func (g *tgen) join(st *ir.Step) error {
	right, err := g.schemaOf(st.Join)
	if err != nil {
		return err
	}
	left := "l"
	for left == st.Alias {
		left += "_"
	}
	items := g.passthrough(left)
	for _, c := range right {
		items = append(items, g.d.Ident(st.Alias)+"."+g.d.Ident(c.Name)+" AS "+g.d.Ident(st.Alias+"."+c.Name))
	}
	// The ON condition sees the row after the join.
	after := append(append(expr.Row(nil), g.row...), expr.Row(right).Qualified(st.Alias)...)
	e, err := rewriteCols(st.Cond, func(c *expr.Col) (*expr.Col, error) {
		rc, err := resolve(after, c)
		if err != nil {
			return nil, err
		}
		if rc.Qual == st.Alias {
			return &expr.Col{Sp: c.Sp, T: c.T, Qual: st.Alias, Name: rc.Name}, nil
		}
		return &expr.Col{Sp: c.Sp, T: c.T, Qual: left, Name: rc.QualName()}, nil
	})
	if err != nil {
		return err
	}
	on, err := g.d.Expr(e)
	if err != nil {
		return err
	}
	kind := "INNER JOIN"
	if st.JoinKind == "left" {
		kind = "LEFT JOIN"
	}
	g.emit(selectSQL(items, "FROM "+g.cur+" AS "+g.d.Ident(left),
		kind+" "+g.input(st.Join)+" AS "+g.d.Ident(st.Alias),
		"  ON "+on))
	return nil
}

// derive adds or replaces columns in order, each seeing the ones before.
// Columns that do not read one another share a block; a column that reads
// (or redefines) one derived in the current block starts a new one.
func (g *tgen) derive(st *ir.Step) error {
	type item struct{ name, sql string }
	var layer []item
	base := append(expr.Row(nil), g.row...) // the row the layer reads
	row := append(expr.Row(nil), g.row...)  // the row with the layer applied
	pending := map[string]bool{}
	flush := func() {
		if len(layer) == 0 {
			return
		}
		done := map[string]bool{}
		var items []string
		for _, c := range base {
			id := c.QualName()
			for _, it := range layer {
				if c.Qual == "" && c.Name == it.name {
					items = append(items, it.sql+" AS "+g.d.Ident(it.name))
					done[it.name] = true
					id = ""
				}
			}
			if id != "" {
				items = append(items, g.d.Ident(id))
			}
		}
		for _, it := range layer {
			if !done[it.name] {
				items = append(items, it.sql+" AS "+g.d.Ident(it.name))
			}
		}
		g.emit(selectSQL(items, "FROM "+g.cur))
		layer, pending = nil, map[string]bool{}
		base = append(expr.Row(nil), row...)
	}
	for _, ne := range st.Columns {
		reads := pending[ne.Name]
		for _, c := range expr.Columns(ne.Expr) {
			rc, err := resolve(row, c)
			if err != nil {
				return fmt.Errorf("column %s: %w", ne.Name, err)
			}
			if pending[rc.QualName()] {
				reads = true
			}
		}
		if reads {
			flush()
		}
		x, err := g.render(ne.Expr, base, "")
		if err != nil {
			return fmt.Errorf("column %s: %w", ne.Name, err)
		}
		layer = append(layer, item{ne.Name, x})
		pending[ne.Name] = true
		row = row.Set(ne.Name, ne.Expr.Type())
	}
	flush()
	return nil
}

// dedupe keeps, per value of the by: columns, the first row in the order
// of order_by (ascending NULLS FIRST, descending NULLS LAST: Spark's
// defaults), ties broken by every other column so the choice is
// deterministic.
func (g *tgen) dedupe(st *ir.Step) error {
	keys, _, order, err := g.ordering(st)
	if err != nil {
		return err
	}
	rn := "_rn"
	for hasColumn(g.row, rn) {
		rn = "_" + rn
	}
	over := "ROW_NUMBER() OVER ("
	if len(keys) > 0 {
		over += "PARTITION BY " + strings.Join(keys, ", ") + " "
	}
	if len(order) == 0 { // a row of key columns only: any row will do
		order = append(order, keys[0])
	}
	over += "ORDER BY " + strings.Join(order, ", ") + ") AS " + g.d.Ident(rn)
	g.emit(selectSQL(append(g.passthrough(""), over), "FROM "+g.cur))
	g.emit(selectSQL(g.passthrough(""), "FROM "+g.cur, "WHERE "+g.d.Ident(rn)+" = 1"))
	return nil
}

// ordering renders the keys of a dedupe or window step (its by:), its
// order_by (NULLs placed explicitly), and that order with ties broken by
// every other column of the row, ascending, NULLs first.
func (g *tgen) ordering(st *ir.Step) (keys, order, ties []string, err error) {
	isKey := map[string]bool{}
	for _, b := range st.By {
		rc, err := resolve(g.row, colRef(b))
		if err != nil {
			return nil, nil, nil, err
		}
		keys = append(keys, g.d.Ident(rc.QualName()))
		isKey[rc.QualName()] = true
	}
	ordered := map[string]bool{}
	for _, o := range st.OrderBy {
		x, err := g.render(o.Expr, g.row, "")
		if err != nil {
			return nil, nil, nil, err
		}
		if c, ok := o.Expr.(*expr.Col); ok {
			if rc, err := resolve(g.row, c); err == nil {
				ordered[rc.QualName()] = true
			}
		}
		order = append(order, x+orderSuffix(o))
	}
	ties = append([]string(nil), order...)
	for _, c := range g.row {
		if id := c.QualName(); !isKey[id] && !ordered[id] {
			ties = append(ties, g.d.Ident(id)+" ASC NULLS FIRST")
		}
	}
	return keys, order, ties, nil
}

// aggregate groups by the by: columns (output under their unqualified
// names) and computes the measures.
func (g *tgen) aggregate(st *ir.Step) error {
	var items, keys []string
	for _, b := range st.By {
		rc, err := resolve(g.row, colRef(b))
		if err != nil {
			return err
		}
		id := rc.QualName()
		keys = append(keys, g.d.Ident(id))
		items = append(items, g.as(g.d.Ident(id), id, rc.Name))
	}
	for _, ne := range st.Columns {
		x, err := g.render(ne.Expr, g.row, "")
		if err != nil {
			return fmt.Errorf("measure %s: %w", ne.Name, err)
		}
		items = append(items, x+" AS "+g.d.Ident(ne.Name))
	}
	group := ""
	if len(keys) > 0 {
		group = "GROUP BY " + strings.Join(keys, ", ")
	}
	g.emit(selectSQL(items, "FROM "+g.cur, group))
	return nil
}

// render rewrites the column references of e to the row's column names
// (qualified by the relation alias rel when not "") and renders it.
func (g *tgen) render(e expr.Expr, row expr.Row, rel string) (string, error) {
	r, err := rewriteCols(e, func(c *expr.Col) (*expr.Col, error) {
		rc, err := resolve(row, c)
		if err != nil {
			return nil, err
		}
		return &expr.Col{Sp: c.Sp, T: c.T, Qual: rel, Name: rc.QualName()}, nil
	})
	if err != nil {
		return "", err
	}
	return g.d.Expr(r)
}

// passthrough lists the current row's columns unchanged.
func (g *tgen) passthrough(rel string) []string {
	var items []string
	for _, c := range g.row {
		id := g.d.Ident(c.QualName())
		if rel != "" {
			id = g.d.Ident(rel) + "." + id
		}
		items = append(items, id)
	}
	return items
}

// as renders x AS name, or x alone when it already has that name.
func (g *tgen) as(x, have, want string) string {
	if have == want {
		return x
	}
	return x + " AS " + g.d.Ident(want)
}

// emit adds a block; the next step reads it.
func (g *tgen) emit(sql string) {
	g.blocks = append(g.blocks, sql)
	g.cur = g.d.Ident(g.blockName(len(g.blocks)))
}

func (g *tgen) blockName(i int) string { return g.base + strconv.Itoa(i) }

// blockBase picks the prefix of the WITH block names: "step", unless an
// input relation of the query is itself named step<N>.
func (g *tgen) blockBase() string {
	names := []string{g.input(g.t.From)}
	for _, st := range g.t.Steps {
		if st.Kind == ir.StepJoin {
			names = append(names, g.input(st.Join))
		}
	}
	base := "step"
	for clash(base, names) {
		base = "_" + base
	}
	return base
}

// clash reports whether a relation text is base followed by digits, quoted
// or not.
func clash(base string, names []string) bool {
	for _, n := range names {
		n = strings.Trim(n, "`\"")
		if rest, ok := strings.CutPrefix(n, base); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// assemble joins the blocks: the last is the query, the others its WITH
// blocks.
func (g *tgen) assemble() string {
	last := len(g.blocks) - 1
	if last == 0 {
		return g.blocks[0]
	}
	var b strings.Builder
	b.WriteString("WITH ")
	for i, blk := range g.blocks[:last] {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(g.d.Ident(g.blockName(i+1)) + " AS (\n" + indent(blk, "  ") + "\n)")
	}
	b.WriteString("\n" + g.blocks[last])
	return b.String()
}

func (g *tgen) schemaOf(name string) ([]expr.Column, error) {
	if s := g.pl.Source(name); s != nil {
		return s.Schema, nil
	}
	if t := g.pl.Transform(name); t != nil {
		return t.Schema, nil
	}
	return nil, fmt.Errorf("unknown input %q", name)
}

// resolve finds the row column a reference means, as expr.Check does
// (expr.Row.Resolve).
func resolve(row expr.Row, c *expr.Col) (expr.Column, error) {
	rc, n := row.Resolve(c.Qual, c.Name)
	switch n {
	case 1:
		return rc, nil
	case 0:
		return expr.Column{}, fmt.Errorf("unknown column %s (internal error: the spec checks should have caught it)", expr.Column{Qual: c.Qual, Name: c.Name}.QualName())
	}
	return expr.Column{}, fmt.Errorf("ambiguous column %s (internal error: the spec checks should have caught it)", c.Name)
}

// colRef turns a by: name ("col" or "alias.col") into a reference.
func colRef(name string) *expr.Col {
	if q, n, ok := strings.Cut(name, "."); ok {
		return &expr.Col{Qual: q, Name: n}
	}
	return &expr.Col{Name: name}
}

func hasColumn(row expr.Row, name string) bool {
	for _, c := range row {
		if c.QualName() == name {
			return true
		}
	}
	return false
}
