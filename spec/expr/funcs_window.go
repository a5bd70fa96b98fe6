package expr

import (
	"strconv"
	"strings"
)

// Window functions (issue 12 item 2): only in the measures of a window
// step, each measure one call of one of these or of a windowed aggregate
// (windowAggregates). The step gives the partition, the order and the
// frame; the translators add the OVER clause (compiler/sqlgen).

// windowAggregates are the aggregates a window measure may call: those
// Spark and DuckDB both compute over a frame with the same result.
var windowAggregates = []string{"count", "sum", "avg", "min", "max"}

var (
	offsetArgs = []param{{"x", argAny, false}, {"offset", argInt, true}, {"default", argAny, false}}
)

var windowFuncs = []Func{
	{Name: "row_number", Sig: "row_number() int", Doc: "the number of the row in its partition, from 1, in the order of order_by (ties broken by the other columns)",
		Example: "row_number()", Window: true, MinArgs: 0, MaxArgs: 0, result: fixed(typInt),
		Notes: "ties of order_by are ordered by the row's other columns, ascending, NULLs first, on both engines"},
	{Name: "rank", Sig: "rank() int", Doc: "1 plus the number of rows before the row's ties in the order of order_by: ties share a rank, and leave gaps",
		Example: "rank()", Window: true, MinArgs: 0, MaxArgs: 0, result: fixed(typInt)},
	{Name: "dense_rank", Sig: "dense_rank() int", Doc: "the number of distinct order_by values up to the row's: ties share a rank, without gaps",
		Example: "dense_rank()", Window: true, MinArgs: 0, MaxArgs: 0, result: fixed(typInt)},
	{Name: "lag", Sig: "lag(x any[, offset int[, default any]]) any", Doc: "x of the row offset rows (a literal, default 1) before in the partition; default (NULL unless given) when there is none",
		Example: "lag(delay, 1, 0)", Window: true, MinArgs: 1, MaxArgs: 3, params: offsetArgs, result: offsetType,
		Notes: "the default takes x's type: it must convert to it without loss"},
	{Name: "lead", Sig: "lead(x any[, offset int[, default any]]) any", Doc: "x of the row offset rows (a literal, default 1) after in the partition; default (NULL unless given) when there is none",
		Example: "lead(flight_date)", Window: true, MinArgs: 1, MaxArgs: 3, params: offsetArgs, result: offsetType,
		Notes: "the default takes x's type: it must convert to it without loss"},
	{Name: "first_value", Sig: "first_value(x any) any", Doc: "x of the first row of the frame (a NULL x included)",
		Example: "first_value(origin)", Window: true, MinArgs: 1, MaxArgs: 1, params: any1, result: sameAsFirst,
		Notes: "ties of order_by are ordered by the row's other columns, as for row_number"},
	{Name: "last_value", Sig: "last_value(x any) any", Doc: "x of the last row of the frame (a NULL x included); with the default frame, the current row's",
		Example: "last_value(origin)", Window: true, MinArgs: 1, MaxArgs: 1, params: any1, result: sameAsFirst,
		Notes: "ties of order_by are ordered by the row's other columns, as for row_number"},
}

// offsetType types lag and lead: x's type; the offset is at least 1 and
// the default converts to x's type without loss (Spark casts it to x's
// type, which could truncate).
func offsetType(c *checker, n *Call, args []Type) Type {
	t := args[0]
	if len(n.Args) >= 2 {
		l := n.Args[1].(*Lit)
		if v, err := strconv.Atoi(l.Text); err != nil || v < 1 {
			c.report(l.Sp, codeBadLiteral, "lag(x) is the previous row's x, lead(x) the next row's; for the current row use x itself",
				"%s offset must be at least 1, got %s", n.Name, l.Text)
			return Type{}
		}
	}
	if len(n.Args) == 3 && t.Kind != Null {
		d := n.Args[2]
		if u, ok := CommonType(t, d.Type()); (!ok || u != t) && !literalFits(d, t) {
			c.report(d.Span(), codeArgType, castHint(d, t),
				"%s default must convert to %s (the type of x) without loss, got %s", n.Name, t, d.Type())
			return Type{}
		}
	}
	return t
}

// literalFits reports whether d is a number literal that a decimal type t
// holds exactly (0 for a decimal(10,2) x, whose common type with int
// would be wider).
func literalFits(d Expr, t Type) bool {
	l, ok := d.(*Lit)
	if !ok || t.Kind != Decimal {
		return false
	}
	var lt Type
	switch l.Kind {
	case LitInt:
		digits := strings.TrimLeft(strings.TrimPrefix(l.Text, "-"), "0")
		return len(digits) <= t.Precision-t.Scale
	case LitDecimal:
		lt = DecimalOf(decimalLitType(l.Text))
	default:
		return false
	}
	return lt.Precision-lt.Scale <= t.Precision-t.Scale && lt.Scale <= t.Scale
}

// IsWindowMeasure reports whether a function may be a window measure: a
// window function or one of windowAggregates.
func IsWindowMeasure(name string) bool {
	f, ok := LookupFunc(name)
	if !ok {
		return false
	}
	if f.AliasOf != "" {
		f, _ = LookupFunc(f.AliasOf)
	}
	if f.Window {
		return true
	}
	for _, a := range windowAggregates {
		if f.Name == a {
			return true
		}
	}
	return false
}

// NeedsOrder reports whether a window measure calling name means nothing
// without an order: the window functions.
func NeedsOrder(name string) bool {
	f, ok := LookupFunc(name)
	return ok && f.Window
}

// OrderedByRow reports whether a window measure calling name sees single
// rows in order (row_number, lag, lead, first_value, last_value), so that
// ties of order_by must be broken to mean one thing; rank and dense_rank
// and aggregates over a range frame treat ties alike.
func OrderedByRow(name string) bool {
	switch name {
	case "row_number", "lag", "lead", "first_value", "last_value":
		return true
	}
	return false
}
