package sqlgen

// This file is the Spark SQL dialect: typed expressions rendered for Spark
// 3.3 (Glue 4.0) in non-ANSI mode, the reference meaning of the language.
// The Glue scripts set spark.sql.ansi.enabled=false,
// spark.sql.legacy.timeParserPolicy=CORRECTED and the session time zone
// UTC, which this rendering assumes.
//
// Choices that keep Spark's reading exactly the one spec/expr typed:
//   - every operator node is parenthesised (the engines' precedence tables
//     differ; see expr.Precedence);
//   - string literals escape backslash and quote with a backslash (Spark
//     reads backslash escapes, and two adjacent quoted strings are
//     concatenated, so the SQL-standard '' would be wrong);
//   - double literals carry the D suffix; an int literal at the edge of
//     int's range is cast, since Spark would type its negation as bigint;
//   - a string literal compared with a date or timestamp becomes a DATE or
//     TIMESTAMP literal (Spark would cast it implicitly; explicit is the
//     same and reads better);
//   - a NULL literal in arithmetic is cast to the operator's type.

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/spec/expr"
)

// Spark is the Spark SQL dialect.
var Spark Dialect = sparkDialect{}

type sparkDialect struct{}

// Name implements Dialect.
func (sparkDialect) Name() string { return "spark" }

// Ident implements Dialect: backticks, a backtick doubled.
func (sparkDialect) Ident(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// OctetLength implements Dialect.
func (sparkDialect) OctetLength(x string) string { return "octet_length(" + x + ")" }

// CastType implements Dialect.
func (sparkDialect) CastType(t expr.Type) (string, error) {
	switch t.Kind {
	case expr.Boolean:
		return "BOOLEAN", nil
	case expr.Int:
		return "INT", nil
	case expr.Bigint:
		return "BIGINT", nil
	case expr.Double:
		return "DOUBLE", nil
	case expr.Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case expr.String:
		return "STRING", nil
	case expr.Date:
		return "DATE", nil
	case expr.Timestamp:
		return "TIMESTAMP", nil
	}
	return "", fmt.Errorf("no Spark type for %s", t)
}

// Window implements Dialect: Spark's OVER follows the call.
func (d sparkDialect) Window(e expr.Expr, over string) (string, error) {
	c, ok := e.(*expr.Call)
	if !ok || !expr.IsWindowMeasure(c.Name) {
		return "", fmt.Errorf("a window measure must be a window function call, got %s", expr.Format(e))
	}
	s, err := d.Expr(e)
	if err != nil {
		return "", err
	}
	return s + " OVER (" + over + ")", nil
}

// Expr implements Dialect.
func (d sparkDialect) Expr(e expr.Expr) (string, error) {
	w := &sparkWriter{d: d}
	w.expr(e)
	if w.err != nil {
		return "", w.err
	}
	return w.b.String(), nil
}

// sparkWriter renders one expression, keeping the first error.
type sparkWriter struct {
	d   sparkDialect
	b   strings.Builder
	err error
}

func (w *sparkWriter) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf(format, args...)
	}
}

func (w *sparkWriter) s(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

func (w *sparkWriter) expr(e expr.Expr) {
	switch n := e.(type) {
	case nil:
		w.fail("missing expression")
	case *expr.Lit:
		w.lit(n)
	case *expr.Col:
		if n.Qual != "" {
			w.s(w.d.Ident(n.Qual), ".")
		}
		w.s(w.d.Ident(n.Name))
	case *expr.Unary:
		if n.Op == "NOT" {
			w.s("(NOT ")
			w.expr(n.X)
			w.s(")")
			return
		}
		w.s("(-")
		w.operand(n.X, n.T)
		w.s(")")
	case *expr.Binary:
		w.binary(n)
	case *expr.IsNull:
		w.s("(")
		w.expr(n.X)
		w.s(map[bool]string{false: " IS NULL)", true: " IS NOT NULL)"}[n.Not])
	case *expr.In:
		w.s("(")
		w.expr(n.X)
		w.s(sparkNot(n.Not), " IN (")
		for i, y := range n.List {
			if i > 0 {
				w.s(", ")
			}
			w.compared(y, n.X)
		}
		w.s("))")
	case *expr.Between:
		w.s("(")
		w.expr(n.X)
		w.s(sparkNot(n.Not), " BETWEEN ")
		w.compared(n.Lo, n.X)
		w.s(" AND ")
		w.compared(n.Hi, n.X)
		w.s(")")
	case *expr.Like:
		w.s("(")
		w.expr(n.X)
		w.s(sparkNot(n.Not), " LIKE ")
		w.expr(n.Pattern)
		w.s(")")
	case *expr.Case:
		w.caseExpr(n)
	case *expr.Cast:
		to, err := w.d.CastType(n.To)
		if err != nil {
			w.fail("%v", err)
		}
		w.s("CAST(")
		w.expr(n.X)
		w.s(" AS ", to, ")")
	case *expr.Call:
		w.call(n)
	default:
		w.fail("unknown expression node %T", e)
	}
}

func sparkNot(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

// lit renders a literal so that Spark gives it the type Check gave it.
func (w *sparkWriter) lit(l *expr.Lit) {
	switch l.Kind {
	case expr.LitNull:
		w.s("NULL")
	case expr.LitBool:
		w.s(map[bool]string{false: "FALSE", true: "TRUE"}[l.Bool])
	case expr.LitInt:
		switch {
		case l.T.Kind == expr.Int && l.Text == "-2147483648":
			w.s("CAST(-2147483648 AS INT)")
		case l.T.Kind == expr.Bigint && l.Text == "-9223372036854775808":
			w.s("CAST(-9223372036854775808 AS BIGINT)")
		case l.T.Kind == expr.Decimal:
			w.s(fmt.Sprintf("CAST(%s AS DECIMAL(%d,0))", l.Text, l.T.Precision))
		case l.T.Kind == expr.Bigint:
			w.s(l.Text, "L")
		default:
			w.s(l.Text)
		}
	case expr.LitDecimal:
		w.s(l.Text)
	case expr.LitDouble:
		w.s(l.Number(), "D")
	case expr.LitString:
		w.s(sparkString(l.Str))
	case expr.LitDate:
		w.s("DATE ", sparkString(l.Str))
	case expr.LitTimestamp:
		w.s("TIMESTAMP ", sparkString(l.Str))
	default:
		w.fail("unknown literal kind %v", l.Kind)
	}
}

// sparkString renders s as a Spark SQL string literal: in single quotes,
// with backslash and quote escaped by a backslash.
func sparkString(s string) string {
	return "'" + sparkEscaper.Replace(s) + "'"
}

// sparkEscaper is built once: a replacer builds its byte table on first
// use, 6 KB, which a build of 2000 tables paid for every literal (62 MB).
var sparkEscaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// operand renders an operand of an arithmetic operator of type t; a NULL
// literal becomes a NULL of type t.
func (w *sparkWriter) operand(x expr.Expr, t expr.Type) {
	if x.Type().Kind == expr.Null && t.Kind != expr.Null && t.Kind != expr.Unknown {
		if l, ok := x.(*expr.Lit); ok && l.Kind == expr.LitNull {
			to, err := w.d.CastType(t)
			if err != nil {
				w.fail("%v", err)
			}
			w.s("CAST(NULL AS ", to, ")")
			return
		}
	}
	if l, ok := x.(*expr.Lit); ok && strings.HasPrefix(l.Text, "-") && l.Kind != expr.LitString {
		w.s("(")
		w.expr(x)
		w.s(")")
		return
	}
	w.expr(x)
}

// compared renders y, which is compared with x: a string literal next to
// a date or timestamp becomes a literal of that type.
func (w *sparkWriter) compared(y, x expr.Expr) {
	if l, ok := y.(*expr.Lit); ok && l.Kind == expr.LitString {
		switch x.Type().Kind {
		case expr.Date:
			if v, ok := expr.ParseDateLiteral(l.Str); ok {
				w.s("DATE ", sparkString(v))
				return
			}
		case expr.Timestamp:
			if v, ok := expr.ParseTimestampLiteral(l.Str); ok {
				w.s("TIMESTAMP ", sparkString(v))
				return
			}
		}
	}
	w.expr(y)
}

var sparkOps = map[string]string{"!=": "<>"}

func (w *sparkWriter) binary(n *expr.Binary) {
	op := n.Op
	if o, ok := sparkOps[op]; ok {
		op = o
	}
	w.s("(")
	switch n.Op {
	case "+", "-", "*", "/", "%":
		// NULL operands take the other side's type (double for two).
		tx, ty := n.X.Type(), n.Y.Type()
		if tx.Kind == expr.Null {
			tx = ty
		}
		if ty.Kind == expr.Null {
			ty = tx
		}
		if tx.Kind == expr.Null {
			tx, ty = expr.Type{Kind: expr.Double}, expr.Type{Kind: expr.Double}
		}
		w.operand(n.X, tx)
		w.s(" ", op, " ")
		w.operand(n.Y, ty)
	case "=", "!=", "<", "<=", ">", ">=":
		w.compared(n.X, n.Y)
		w.s(" ", op, " ")
		w.compared(n.Y, n.X)
	default:
		w.operand(n.X, expr.Type{})
		w.s(" ", op, " ")
		w.operand(n.Y, expr.Type{})
	}
	w.s(")")
}

func (w *sparkWriter) caseExpr(n *expr.Case) {
	w.s("CASE")
	if n.Operand != nil {
		w.s(" ")
		w.expr(n.Operand)
	}
	for _, wh := range n.Whens {
		w.s(" WHEN ")
		if n.Operand != nil {
			w.compared(wh.Cond, n.Operand)
		} else {
			w.expr(wh.Cond)
		}
		w.s(" THEN ")
		w.expr(wh.Then)
	}
	if n.Else != nil {
		w.s(" ELSE ")
		w.expr(n.Else)
	}
	w.s(" END")
}

// call renders a function call. Every function of the catalogue has a
// Spark namesake with the meaning the catalogue documents, but for those
// special renders.
func (w *sparkWriter) call(n *expr.Call) {
	f, ok := expr.LookupFunc(n.Name)
	if !ok {
		w.fail("unknown function %s", n.Name)
		return
	}
	name := f.Name
	if f.AliasOf != "" {
		name = f.AliasOf
	}
	if w.special(name, n) {
		return
	}
	if name == "day" {
		name = "dayofmonth" // the same function; day() is younger in Spark 3
	}
	w.s(name, "(")
	switch {
	case n.Star:
		w.s("*")
	case n.Distinct:
		w.s("DISTINCT ")
	}
	for i, a := range n.Args {
		if i > 0 {
			w.s(", ")
		}
		if name == "nullif" && i == 1 {
			w.compared(a, n.Args[0])
			continue
		}
		w.expr(a)
	}
	w.s(")")
}

// special renders the functions that are not a call of their Spark
// namesake; it reports whether n was one.
func (w *sparkWriter) special(name string, n *expr.Call) bool {
	switch name {
	case "mod":
		w.binary(&expr.Binary{Op: "%", X: n.Args[0], Y: n.Args[1], T: n.T})
		return true
	case "lag", "lead":
		// Spark casts the default to x's type implicitly; the checker
		// allows only lossless conversions, which the cast spells out.
		if len(n.Args) < 3 || n.Args[2].Type() == n.T || n.Args[2].Type().Kind == expr.Null {
			return false
		}
		w.s(name, "(")
		w.expr(n.Args[0])
		w.s(", ")
		w.expr(n.Args[1])
		w.s(", ")
		w.expr(&expr.Cast{X: n.Args[2], To: n.T, T: n.T})
		w.s(")")
		return true
	case "max_by", "min_by":
		// Ties go to the largest (max_by) or smallest (min_by) x, a NULL
		// x below any other, as in the DuckDB translation.
		w.s(name, "(")
		if n.Distinct {
			w.s("DISTINCT ")
		}
		w.expr(n.Args[0])
		w.s(", IF(")
		w.expr(n.Args[1])
		w.s(" IS NULL, NULL, named_struct('o', ")
		w.expr(n.Args[1])
		w.s(", 'n', ")
		w.expr(n.Args[0])
		w.s(" IS NOT NULL, 'x', ")
		w.expr(n.Args[0])
		w.s(")))")
		return true
	}
	return false
}
