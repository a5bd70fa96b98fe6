package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/spec/expr"
)

// duckDB is the duckDB dialect of the relational SQL generator: it
// translates a checked expression tree (every node typed by expr.Check)
// into duckDB SQL with the meaning Spark SQL gives it in Glue (non-ANSI
// mode). The rules it follows:
//
//   - every value has the duckDB type of the node's expr.Type (see Type);
//     implicit conversions of the checker (int next to double, a string
//     literal next to a date, NULL next to anything) are explicit CASTs;
//   - every operator node is parenthesised, so duckDB's precedence table
//     never matters;
//   - where duckDB and Spark differ, the translation calls a flowc_* macro
//     (macros.go) or spells Spark's rule out: / and % by zero are NULL, /
//     of integers is double division, CAST(string AS int) truncates a
//     fraction and is NULL on bad text, round rounds the decimal digits of
//     a double half up, substring counts positions as Spark does, concat
//     and || are NULL when an argument is NULL, LIKE escapes with a
//     backslash, decimal results are cast to Spark's result type.
//
// The macros must exist in the session (Macros returns their DDL).
type duckDB struct{}

// Name implements the generator's Dialect.
func (duckDB) Name() string { return "duckdb" }

// Ident quotes an identifier.
func (duckDB) Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// CastType is the duckDB name of a type.
func (duckDB) CastType(t expr.Type) (string, error) {
	if s := duckType(t); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("type %s has no DuckDB name", t)
}

// OctetLength is the number of UTF-8 bytes of a string.
func (duckDB) OctetLength(x string) string { return "strlen(" + x + ")" }

var _ sqlgen.Dialect = duckDB{}

// Window translates a window measure with its OVER clause: inside the
// CAST that gives the call Spark's result type, right after the call.
func (d duckDB) Window(e expr.Expr, over string) (string, error) {
	c, ok := e.(*expr.Call)
	if !ok || !expr.IsWindowMeasure(c.Name) {
		return "", fmt.Errorf("a window measure must be a window function call, got %s", expr.Format(e))
	}
	tr := &translator{over: " OVER (" + over + ")"}
	s := tr.expr(e)
	if tr.err != nil {
		return "", tr.err
	}
	if tr.over != "" {
		return "", fmt.Errorf("internal error: window measure %s took no OVER clause", expr.Format(e))
	}
	return s, nil
}

// Expr translates a checked expression.
func (d duckDB) Expr(e expr.Expr) (string, error) {
	tr := &translator{}
	s := tr.expr(e)
	if tr.err != nil {
		return "", tr.err
	}
	return s, nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func duckType(t expr.Type) string {
	switch t.Kind {
	case expr.Boolean:
		return "BOOLEAN"
	case expr.Int:
		return "INTEGER"
	case expr.Bigint:
		return "BIGINT"
	case expr.Double:
		return "DOUBLE"
	case expr.Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case expr.String:
		return "VARCHAR"
	case expr.Date:
		return "DATE"
	case expr.Timestamp:
		return "TIMESTAMP"
	}
	return ""
}

type translator struct {
	err  error
	over string // a window measure's OVER clause, until the call takes it
}

// takeOver returns the OVER clause for the window call being translated
// (once), "" outside a window measure.
func (tr *translator) takeOver() string {
	o := tr.over
	tr.over = ""
	return o
}

func (tr *translator) fail(format string, args ...any) string {
	if tr.err == nil {
		tr.err = fmt.Errorf("internal error translating an expression to DuckDB SQL: "+format+"; please report it", args...)
	}
	return "NULL"
}

func (tr *translator) expr(e expr.Expr) string {
	switch n := e.(type) {
	case *expr.Lit:
		return tr.lit(n)
	case *expr.Col:
		if n.Qual != "" {
			return duckDB{}.Ident(n.Qual) + "." + duckDB{}.Ident(n.Name)
		}
		return duckDB{}.Ident(n.Name)
	case *expr.Unary:
		if n.Op == "NOT" {
			return "(NOT " + tr.conv(n.X, expr.Type{Kind: expr.Boolean}) + ")"
		}
		return "(- " + tr.conv(n.X, n.T) + ")"
	case *expr.Binary:
		return tr.binary(n)
	case *expr.IsNull:
		if n.Not {
			return "(" + tr.expr(n.X) + " IS NOT NULL)"
		}
		return "(" + tr.expr(n.X) + " IS NULL)"
	case *expr.In:
		t := n.X.Type()
		for _, y := range n.List {
			t = widen(t, expr.ComparisonType(n.X, y))
		}
		var items []string
		for _, y := range n.List {
			items = append(items, tr.conv(y, t))
		}
		op := " IN ("
		if n.Not {
			op = " NOT IN ("
		}
		return "(" + tr.conv(n.X, t) + op + strings.Join(items, ", ") + "))"
	case *expr.Between:
		t := widen(expr.ComparisonType(n.X, n.Lo), expr.ComparisonType(n.X, n.Hi))
		op := " BETWEEN "
		if n.Not {
			op = " NOT BETWEEN "
		}
		return "(" + tr.conv(n.X, t) + op + tr.conv(n.Lo, t) + " AND " + tr.conv(n.Hi, t) + ")"
	case *expr.Like:
		op := " LIKE "
		if n.Not {
			op = " NOT LIKE "
		}
		s := expr.Type{Kind: expr.String}
		return "(" + tr.conv(n.X, s) + op + tr.conv(n.Pattern, s) + ` ESCAPE '\')`
	case *expr.Case:
		return tr.caseExpr(n)
	case *expr.Cast:
		return tr.cast(n.X, n.To)
	case *expr.Call:
		return tr.call(n)
	}
	return tr.fail("unexpected node %T", e)
}

// widen is the common type of two comparison types (Unknown absorbs).
func widen(a, b expr.Type) expr.Type {
	if a.Kind == expr.Null {
		return b
	}
	if b.Kind == expr.Null {
		return a
	}
	if a.Kind == expr.String && b.IsDatetime() {
		return b
	}
	if b.Kind == expr.String && a.IsDatetime() {
		return a
	}
	t, _ := expr.CommonType(a, b)
	return t
}

func (tr *translator) lit(l *expr.Lit) string {
	switch l.Kind {
	case expr.LitNull:
		return "NULL"
	case expr.LitBool:
		if l.Bool {
			return "TRUE"
		}
		return "FALSE"
	case expr.LitInt, expr.LitDecimal, expr.LitDouble:
		if l.T.Kind == expr.Unknown {
			return tr.fail("untyped literal %s", l.Text)
		}
		return "CAST(" + l.Number() + " AS " + duckType(l.T) + ")"
	case expr.LitString:
		return sqlString(l.Str)
	case expr.LitDate:
		return "DATE " + sqlString(l.Str)
	case expr.LitTimestamp:
		return "TIMESTAMP " + sqlString(l.Str)
	}
	return tr.fail("unknown literal kind %v", l.Kind)
}

// conv translates e and converts it to t where the checker converts
// implicitly: NULL to any type, numbers to a wider number, a date to a
// timestamp, a string literal to a date or timestamp.
func (tr *translator) conv(e expr.Expr, t expr.Type) string {
	from := e.Type()
	if t.Kind == expr.Unknown || t.Kind == expr.Null || from == t {
		return tr.expr(e)
	}
	if l, ok := e.(*expr.Lit); ok && l.Kind == expr.LitString {
		switch t.Kind {
		case expr.Date:
			return "DATE " + sqlString(l.Str)
		case expr.Timestamp:
			if ts, ok := expr.ParseTimestampLiteral(l.Str); ok {
				return "TIMESTAMP " + sqlString(ts)
			}
		}
	}
	if from.Kind == expr.Null {
		return "CAST(NULL AS " + duckType(t) + ")"
	}
	return "CAST(" + tr.expr(e) + " AS " + duckType(t) + ")"
}

func (tr *translator) binary(n *expr.Binary) string {
	switch n.Op {
	case "AND", "OR":
		b := expr.Type{Kind: expr.Boolean}
		return "(" + tr.conv(n.X, b) + " " + n.Op + " " + tr.conv(n.Y, b) + ")"
	case "=", "!=", "<", "<=", ">", ">=":
		t := expr.ComparisonType(n.X, n.Y)
		op := n.Op
		if op == "!=" {
			op = "<>"
		}
		return "(" + tr.conv(n.X, t) + " " + op + " " + tr.conv(n.Y, t) + ")"
	case "||":
		s := expr.Type{Kind: expr.String}
		return "(" + tr.conv(n.X, s) + " || " + tr.conv(n.Y, s) + ")"
	}
	return tr.arith(n)
}

// arith translates + - * / % with Spark's result types: both operands are
// converted to the operand type Spark uses, duckDB computes, and a decimal
// result is cast to Spark's precision and scale.
func (tr *translator) arith(n *expr.Binary) string {
	t := n.T
	switch t.Kind {
	case expr.Unknown:
		return tr.fail("untyped operator %s", n.Op)
	case expr.Decimal:
		tx, ty := decimalOperand(n.X, n.Y), decimalOperand(n.Y, n.X)
		x, y := tr.conv(n.X, tx), tr.conv(n.Y, ty)
		switch n.Op {
		case "/":
			// duckDB divides decimals in double precision; round that to
			// Spark's result type.
			return "TRY_CAST((CAST(" + x + " AS DOUBLE) / NULLIF(CAST(" + y + " AS DOUBLE), 0)) AS " + duckType(t) + ")"
		case "%":
			y = "NULLIF(" + y + ", 0)"
		}
		return "TRY_CAST((" + x + " " + n.Op + " " + y + ") AS " + duckType(t) + ")"
	}
	// int, bigint and double: / is double division; both sides take the
	// result type first.
	x, y := tr.conv(n.X, t), tr.conv(n.Y, t)
	switch n.Op {
	case "/", "%":
		return "(" + x + " " + n.Op + " NULLIF(" + y + ", 0))"
	}
	return "(" + x + " " + n.Op + " " + y + ")"
}

// decimalOperand is the decimal type Spark reads an operand of an
// arithmetic operator as, next to other: a decimal stays, an integer
// literal is the narrowest decimal that holds it, int is decimal(10,0),
// bigint decimal(20,0).
func decimalOperand(x, other expr.Expr) expr.Type {
	t := x.Type()
	switch t.Kind {
	case expr.Decimal:
		return t
	case expr.Null:
		return other.Type()
	}
	if l, ok := x.(*expr.Lit); ok && l.Kind == expr.LitInt {
		digits := strings.TrimLeft(strings.TrimPrefix(l.Text, "-"), "0")
		return expr.DecimalOf(max(1, len(digits)), 0)
	}
	switch t.Kind {
	case expr.Int:
		return expr.DecimalOf(10, 0)
	case expr.Bigint:
		return expr.DecimalOf(20, 0)
	}
	return t
}

func (tr *translator) caseExpr(n *expr.Case) string {
	var b strings.Builder
	b.WriteString("(CASE")
	for _, w := range n.Whens {
		b.WriteString(" WHEN ")
		if n.Operand != nil {
			ct := expr.ComparisonType(n.Operand, w.Cond)
			b.WriteString("(" + tr.conv(n.Operand, ct) + " = " + tr.conv(w.Cond, ct) + ")")
		} else {
			b.WriteString(tr.conv(w.Cond, expr.Type{Kind: expr.Boolean}))
		}
		b.WriteString(" THEN " + tr.conv(w.Then, n.T))
	}
	if n.Else != nil {
		b.WriteString(" ELSE " + tr.conv(n.Else, n.T))
	}
	b.WriteString(" END)")
	return b.String()
}

// argType is the type an argument takes: its own, or def when it is NULL.
func argType(e expr.Expr, def expr.Kind) expr.Type {
	if t := e.Type(); t.Kind != expr.Null {
		return t
	}
	return expr.Type{Kind: def}
}

func (tr *translator) call(n *expr.Call) string {
	args := func(def expr.Kind) []string {
		var out []string
		for _, a := range n.Args {
			out = append(out, tr.conv(a, argType(a, def)))
		}
		return out
	}
	str := func(i int) string { return tr.conv(n.Args[i], expr.Type{Kind: expr.String}) }
	intArg := func(i int) string { return tr.conv(n.Args[i], expr.Type{Kind: expr.Int}) }
	asDate := func(i int) string { return tr.conv(n.Args[i], expr.Type{Kind: expr.Date}) }
	castT := func(s string) string { return "CAST(" + s + " AS " + duckType(n.T) + ")" }
	switch n.Name {
	case "upper", "lower", "trim", "ltrim", "rtrim":
		return n.Name + "(" + str(0) + ")"
	case "length":
		return "CAST(length(" + str(0) + ") AS INTEGER)"
	case "substring":
		if len(n.Args) == 2 {
			return "flowc_substring(" + str(0) + ", " + intArg(1) + ", 2147483647)"
		}
		return "flowc_substring(" + str(0) + ", " + intArg(1) + ", " + intArg(2) + ")"
	case "concat":
		var parts []string
		for i := range n.Args {
			parts = append(parts, str(i))
		}
		return "(" + strings.Join(parts, " || ") + ")"
	case "coalesce":
		var parts []string
		for _, a := range n.Args {
			parts = append(parts, tr.conv(a, n.T))
		}
		return "coalesce(" + strings.Join(parts, ", ") + ")"
	case "nullif":
		ct := expr.ComparisonType(n.Args[0], n.Args[1])
		return "(CASE WHEN (" + tr.conv(n.Args[0], ct) + " = " + tr.conv(n.Args[1], ct) + ") THEN NULL ELSE " + tr.conv(n.Args[0], n.T) + " END)"
	case "abs":
		return "abs(" + tr.conv(n.Args[0], n.T) + ")"
	case "round":
		return tr.round(n)
	case "floor", "ceil":
		x := tr.conv(n.Args[0], argType(n.Args[0], expr.Double))
		if n.T.Kind == expr.Bigint && argType(n.Args[0], expr.Double).Kind == expr.Double {
			return "flowc_double_to_bigint(" + n.Name + "(" + x + "))"
		}
		return castT(n.Name + "(" + x + ")")
	case "year", "month", "day", "hour", "minute", "second":
		return castT(n.Name + "(" + args(expr.Date)[0] + ")")
	case "to_date":
		a := n.Args[0]
		if len(n.Args) == 2 {
			f, ok := n.Args[1].(*expr.Lit)
			if !ok {
				return tr.fail("to_date format is not a literal")
			}
			pat, err := expr.StrptimeFormat(f.Str)
			if err != nil {
				return tr.fail("to_date format %q: %v", f.Str, err)
			}
			if argType(a, expr.String).Kind == expr.String {
				return "CAST(try_strptime(" + str(0) + ", " + sqlString(pat) + ") AS DATE)"
			}
		}
		return tr.cast(a, expr.Type{Kind: expr.Date})
	case "make_date":
		return "try(make_date(CAST(" + intArg(0) + " AS BIGINT), CAST(" + intArg(1) + " AS BIGINT), CAST(" + intArg(2) + " AS BIGINT)))"
	case "date_add":
		return "CAST((" + asDate(0) + " + " + intArg(1) + ") AS DATE)"
	case "date_sub":
		return "CAST((" + asDate(0) + " - " + intArg(1) + ") AS DATE)"
	case "datediff":
		return "CAST((" + asDate(0) + " - " + asDate(1) + ") AS INTEGER)"
	case "count":
		switch {
		case n.Star:
			return "count(*)" + tr.takeOver()
		case n.Distinct:
			return "count(DISTINCT " + tr.expr(n.Args[0]) + ")"
		}
		x := tr.expr(n.Args[0])
		return "count(" + x + ")" + tr.takeOver()
	case "sum", "avg", "min", "max":
		d := ""
		if n.Distinct {
			d = "DISTINCT "
		}
		x := tr.conv(n.Args[0], argType(n.Args[0], expr.Double))
		return castT(n.Name + "(" + d + x + ")" + tr.takeOver())
	case "row_number", "rank", "dense_rank":
		// DuckDB's are BIGINT, Spark's INT.
		return castT(n.Name + "()" + tr.takeOver())
	case "lag", "lead":
		parts := []string{tr.conv(n.Args[0], n.T)}
		if len(n.Args) > 1 {
			parts = append(parts, intArg(1))
		}
		if len(n.Args) > 2 {
			parts = append(parts, tr.conv(n.Args[2], n.T))
		}
		return n.Name + "(" + strings.Join(parts, ", ") + ")" + tr.takeOver()
	case "first_value", "last_value":
		x := tr.conv(n.Args[0], n.T)
		return n.Name + "(" + x + ")" + tr.takeOver()
	}
	if s, ok := tr.moreCall(n); ok {
		return s
	}
	return tr.fail("function %s has no DuckDB translation", n.Name)
}

// round follows Spark's RoundBase: HALF_UP on the decimal digits. For a
// double that means the digits of its shortest decimal form (Spark goes
// through BigDecimal(Double.toString)), which flowc_round_double does.
func (tr *translator) round(n *expr.Call) string {
	return tr.roundWith(n, "round", "flowc_round_double")
}

// roundWith rounds with fn (round: half up, round_even: half to even) and
// dbl, the macro that rounds a double's shortest decimal form.
func (tr *translator) roundWith(n *expr.Call, fn, dbl string) string {
	scale := 0
	if len(n.Args) == 2 {
		l, ok := n.Args[1].(*expr.Lit)
		if !ok {
			return tr.fail("round scale is not a literal")
		}
		v, err := strconv.Atoi(l.Text)
		if err != nil {
			return tr.fail("round scale %q", l.Text)
		}
		scale = v
	}
	xt := argType(n.Args[0], expr.Double)
	x := tr.conv(n.Args[0], xt)
	sc := strconv.Itoa(scale)
	switch xt.Kind {
	case expr.Double:
		return dbl + "(" + x + ", " + sc + ")"
	case expr.Int, expr.Bigint:
		if scale >= 0 {
			return x
		}
		x = "CAST(" + x + " AS DECIMAL(38,0))"
	}
	if fn == "round_even" {
		return "CAST(flowc_bround_dec(" + x + ", " + sc + ", " + decimalPow10(-scale) + ", " + decimalPow10(scale) + ") AS " + duckType(n.T) + ")"
	}
	return "CAST(" + fn + "(" + x + ", " + sc + ") AS " + duckType(n.T) + ")"
}

// decimalPow10 is 10^e as an exact decimal literal: 100, 1, 0.01.
func decimalPow10(e int) string {
	if e >= 0 {
		return "1" + strings.Repeat("0", e)
	}
	return "0." + strings.Repeat("0", -e-1) + "1"
}
