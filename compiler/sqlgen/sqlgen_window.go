package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// window adds the measures of a window step to the row, in one block.
//
// One meaning on both engines:
//   - NULLs are placed explicitly (the item's NullsFirst: by default
//     first ascending, last descending, Spark's order; DuckDB's default is
//     last either way);
//   - measures that see single rows in order (row_number, lag, lead,
//     first_value, last_value, and aggregates over a rows frame) order
//     ties of order_by by every other column of the row, ascending, NULLs
//     first, as dedupe does, so that both engines pick the same row;
//     rank, dense_rank and aggregates over a range frame treat ties alike
//     and use order_by alone;
//   - the frame of aggregates, first_value and last_value is spelt out:
//     the step's, else RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
//     with an order (Spark's default, and DuckDB's) and none (the whole
//     partition) without; ranking functions, lag and lead take no frame
//     (Spark refuses one).
func (g *tgen) window(st *ir.Step) error {
	keys, order, ties, err := g.ordering(st)
	if err != nil {
		return err
	}
	measures := map[string]string{}
	var names []string
	for _, ne := range st.Columns {
		call, ok := ne.Expr.(*expr.Call)
		if !ok {
			return fmt.Errorf("measure %s: not a window function call (internal error: the spec checks should have caught it)", ne.Name)
		}
		f, _ := expr.LookupFunc(call.Name)
		framed := f.Aggregate || call.Name == "first_value" || call.Name == "last_value"
		o := order
		if expr.OrderedByRow(call.Name) || f.Aggregate && st.Frame != nil && st.Frame.Rows {
			o = ties
		}
		var over []string
		if len(keys) > 0 {
			over = append(over, "PARTITION BY "+strings.Join(keys, ", "))
		}
		if len(order) > 0 {
			over = append(over, "ORDER BY "+strings.Join(o, ", "))
		}
		if framed {
			if fr := frameSQL(st.Frame, len(order) > 0); fr != "" {
				over = append(over, fr)
			}
		}
		x, err := g.renderWindow(ne.Expr, strings.Join(over, " "))
		if err != nil {
			return fmt.Errorf("measure %s: %w", ne.Name, err)
		}
		if _, dup := measures[ne.Name]; !dup {
			names = append(names, ne.Name)
		}
		measures[ne.Name] = x + " AS " + g.d.Ident(ne.Name)
	}
	var items []string
	done := map[string]bool{}
	for _, c := range g.row {
		if m, ok := measures[c.Name]; ok && c.Qual == "" {
			items = append(items, m)
			done[c.Name] = true
			continue
		}
		items = append(items, g.d.Ident(c.QualName()))
	}
	for _, n := range names {
		if !done[n] {
			items = append(items, measures[n])
		}
	}
	g.emit(selectSQL(items, "FROM "+g.cur))
	return nil
}

// renderWindow renders a window measure with its OVER clause.
func (g *tgen) renderWindow(e expr.Expr, over string) (string, error) {
	r, err := rewriteCols(e, func(c *expr.Col) (*expr.Col, error) {
		rc, err := resolve(g.row, c)
		if err != nil {
			return nil, err
		}
		return &expr.Col{Sp: c.Sp, T: c.T, Name: rc.QualName()}, nil
	})
	if err != nil {
		return "", err
	}
	return g.d.Window(r, over)
}

// orderSuffix is the direction and NULL placement of an order item, both
// always explicit.
func orderSuffix(o *ir.OrderItem) string {
	s := " ASC"
	if o.Desc {
		s = " DESC"
	}
	if o.NullsFirst {
		return s + " NULLS FIRST"
	}
	return s + " NULLS LAST"
}

// frameSQL renders a window frame: f, or the default for an ordered
// (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) or unordered (none:
// the whole partition) window.
func frameSQL(f *ir.Frame, ordered bool) string {
	if f == nil || f.Start == nil && f.End == nil && !ordered {
		if ordered {
			return "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
		}
		return ""
	}
	bound := func(b *int, unbounded string) string {
		switch {
		case b == nil:
			return unbounded
		case *b == 0:
			return "CURRENT ROW"
		case *b < 0:
			return strconv.Itoa(-*b) + " PRECEDING"
		}
		return strconv.Itoa(*b) + " FOLLOWING"
	}
	unit := "RANGE"
	if f.Rows {
		unit = "ROWS"
	}
	return unit + " BETWEEN " + bound(f.Start, "UNBOUNDED PRECEDING") + " AND " + bound(f.End, "UNBOUNDED FOLLOWING")
}
