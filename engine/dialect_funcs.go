package engine

import (
	"strings"

	"github.com/flowc-dev/flowc/spec/expr"
)

// The DuckDB translations of the functions added by issue 12; each gives
// the meaning the catalogue (spec/expr) documents, which is Spark 3.3's.

var (
	tDouble  = expr.Type{Kind: expr.Double}
	tString  = expr.Type{Kind: expr.String}
	tBoolean = expr.Type{Kind: expr.Boolean}
)

// moreCall translates a function of issue 12; ok is false for a function
// it does not know.
func (tr *translator) moreCall(n *expr.Call) (s string, ok bool) {
	a := func(i int, t expr.Type) string { return tr.conv(n.Args[i], t) }
	dbl := func(i int) string { return a(i, tDouble) }
	switch n.Name {
	case "if":
		return "(CASE WHEN " + a(0, tBoolean) + " THEN " + a(1, n.T) + " ELSE " + a(2, n.T) + " END)", true
	case "ifnull":
		return "coalesce(" + a(0, n.T) + ", " + a(1, n.T) + ")", true
	case "nvl2":
		return "(CASE WHEN " + tr.expr(n.Args[0]) + " IS NOT NULL THEN " + a(1, n.T) + " ELSE " + a(2, n.T) + " END)", true
	case "greatest", "least":
		var parts []string
		for i := range n.Args {
			parts = append(parts, a(i, n.T))
		}
		return n.Name + "(" + strings.Join(parts, ", ") + ")", true
	case "mod":
		return tr.arith(&expr.Binary{Op: "%", X: n.Args[0], Y: n.Args[1], T: n.T}), true
	case "pmod":
		return tr.pmod(n), true
	case "power":
		return "pow(" + dbl(0) + ", " + dbl(1) + ")", true
	case "sqrt":
		return "(CASE WHEN " + dbl(0) + " < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(" + dbl(0) + ") END)", true
	case "exp":
		return "exp(" + dbl(0) + ")", true
	case "ln", "log10":
		// DuckDB orders NaN above every number, so NaN > 0 keeps NaN.
		return "(CASE WHEN " + dbl(0) + " > 0 THEN " + n.Name + "(" + dbl(0) + ") END)", true
	case "sign":
		return "(CASE WHEN " + dbl(0) + " = 0 OR isnan(" + dbl(0) + ") THEN " + dbl(0) + " ELSE CAST(sign(" + dbl(0) + ") AS DOUBLE) END)", true
	case "bround":
		return tr.roundWith(n, "round_even", "flowc_bround_double"), true
	}
	return "", false
}

// pmod is Spark's Pmod: r = x % y; r < 0 ? (r + y) % y : r, computed one
// size up so that r + y cannot overflow, then cast to the result type.
func (tr *translator) pmod(n *expr.Call) string {
	r := tr.arith(&expr.Binary{Op: "%", X: n.Args[0], Y: n.Args[1], T: n.T})
	wide := duckType(n.T)
	switch n.T.Kind {
	case expr.Int:
		wide = "BIGINT"
	case expr.Bigint:
		wide = "HUGEINT"
	}
	y := tr.conv(n.Args[1], n.T)
	if n.T.Kind == expr.Decimal {
		y = tr.conv(n.Args[1], expr.DecimalOf(expr.MaxDecimalPrecision, n.T.Scale))
	}
	wr := "CAST(" + r + " AS " + wide + ")"
	return "CAST((CASE WHEN " + r + " < 0 THEN ((" + wr + " + " + y + ") % " + y + ") ELSE " + r + " END) AS " + duckType(n.T) + ")"
}
