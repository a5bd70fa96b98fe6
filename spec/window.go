package spec

import (
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// window checks a window step over row and returns the row after it: row
// with each measure added (or replaced, by name) at its end.
func (c *checker) window(st *Step, row expr.Row, sc *expr.Scope) expr.Row {
	c.columnRefs(st.By, row, "window partition_by")
	c.orderBy(st.OrderBy, sc)
	c.frame(st)
	out := append(expr.Row(nil), row...)
	seen := map[string]bool{}
	for _, ne := range st.Columns {
		typ := c.outputType(ne, c.check(ne.Expr, sc, expr.Options{Window: true}))
		if seen[ne.Name.Raw] {
			c.errorf(ne.Name.Pos, diag.FC409, "window step produces column %q twice", ne.Name.Raw)
		}
		seen[ne.Name.Raw] = true
		if call, ok := windowCall(ne.Expr); ok && len(st.OrderBy) == 0 && expr.NeedsOrder(call.Name) {
			c.errorf(ne.Expr.Text.Pos, diag.FC420, "window measure %q calls %s, which needs the window's order_by", ne.Name.Raw, call.Name).Hint =
				"add order_by: [COLUMN] to the window step, e.g. the event time"
		}
		out = out.Set(ne.Name.Raw, typ)
	}
	return out
}

// windowCall returns the call a window measure makes, if it is one.
func windowCall(e *Expr) (*expr.Call, bool) {
	if e == nil || e.AST == nil {
		return nil, false
	}
	call, ok := e.AST.(*expr.Call)
	return call, ok
}

// orderBy checks the expressions of an order_by list.
func (c *checker) orderBy(items []*OrderItem, sc *expr.Scope) {
	for _, o := range items {
		c.check(o.Expr, sc, expr.Options{})
	}
}

// frame checks a window step's frame: its start does not come after its
// end; a range frame's bounds are unbounded or the current row (an offset
// would need a single numeric order_by, which the two engines read
// differently for dates); a frame that is not the whole partition needs
// order_by.
func (c *checker) frame(st *Step) {
	f := st.Frame
	if f == nil {
		return
	}
	unit := "range"
	if f.Rows {
		unit = "rows"
	}
	if !f.Rows {
		for _, b := range []FrameBound{f.Start, f.End} {
			if !b.Unbounded && b.Offset != 0 {
				c.errorf(b.Pos, diag.FC421, "a range frame's bounds are unbounded or current, got %d", b.Offset).Hint =
					"count rows instead: frame: {rows: [...]}"
				return
			}
		}
	}
	if !f.Start.Unbounded && !f.End.Unbounded && f.Start.Offset > f.End.Offset {
		c.errorf(f.Start.Pos, diag.FC421, "the frame starts after it ends").Hint =
			"write [start, end] with start <= end: negative counts rows before the current one, e.g. [-6, current]"
		return
	}
	if f.Start.Unbounded && f.End.Unbounded {
		return
	}
	if len(st.OrderBy) == 0 {
		c.errorf(f.Pos, diag.FC420, "a %s frame other than [unbounded, unbounded] needs the window's order_by", unit).Hint =
			"add order_by: [COLUMN] to the window step, or drop the frame to aggregate the whole partition"
	}
}
