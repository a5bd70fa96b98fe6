package expr

import (
	"fmt"
	"strings"
)

// This file holds the type rules of operators, predicates and CASE.

// wantBool checks that an operand of a boolean operator is boolean (or
// NULL, or unknown after an earlier error).
func (c *checker) wantBool(x Expr, what string) {
	t := x.Type()
	if t.Kind == Boolean || t.Kind == Null || t.Kind == Unknown {
		return
	}
	hint := ""
	if t.IsNumeric() || t.Kind == String {
		hint = fmt.Sprintf("compare it, e.g. %s = %s", Format(x), zeroOf(t))
	}
	c.report(x.Span(), codeOperandType, hint, "%s expects boolean, got %s", what, t)
}

func zeroOf(t Type) string {
	if t.Kind == String {
		return "'yes'"
	}
	return "1"
}

func (c *checker) unary(n *Unary) Type {
	t := c.expr(n.X)
	if n.Op == "NOT" {
		c.wantBool(n.X, "NOT")
		return typBoolean
	}
	switch {
	case t.Kind == Unknown:
		return t
	case t.Kind == Null:
		return typDouble
	case t.IsNumeric():
		return t
	}
	c.report(n.X.Span(), codeOperandType, castHint(n.X, typDouble), "operator - expects a number, got %s", t)
	return Type{}
}

func (c *checker) binary(n *Binary) Type {
	c.expr(n.X)
	c.expr(n.Y)
	switch n.Op {
	case "AND", "OR":
		c.wantBool(n.X, n.Op)
		c.wantBool(n.Y, n.Op)
		return typBoolean
	case "=", "!=", "<", "<=", ">", ">=":
		c.comparable(n.X, n.Y, n.Sp, true)
		return typBoolean
	case "||":
		for _, x := range []Expr{n.X, n.Y} {
			if t := x.Type(); t.Kind != String && t.Kind != Null && t.Kind != Unknown {
				c.report(x.Span(), codeOperandType, castHint(x, typString), "operator || expects strings, got %s", t)
			}
		}
		return typString
	}
	return c.arith(n)
}

// arith types + - * / %:
//
//   - both operands numeric (or NULL, which takes the other's type; NULL
//     with NULL is double, Spark's default numeric type);
//   - anything with double is double;
//   - / of int, bigint and double operands is double (Spark's /; there is
//     no integer division);
//   - with a decimal, both sides are read as decimals (integer literals as
//     the narrowest decimal, other integral types as decimal(10,0) or
//     decimal(20,0)) and decimalRules give the result;
//   - int with int is int, with bigint bigint (overflow wraps in Spark;
//     DuckDB fails: keep values in range).
//
// Strings are not converted to numbers implicitly (Spark would): that is an
// error with a CAST hint, on purpose. Dates take no arithmetic: date_add,
// date_sub and datediff do that.
func (c *checker) arith(n *Binary) Type {
	tx, ty := n.X.Type(), n.Y.Type()
	if tx.IsDatetime() || ty.IsDatetime() {
		c.report(n.Sp, codeOperandType, dateArithHint(n, tx, ty), "cannot apply %s to %s and %s", n.Op, tx, ty)
		return Type{}
	}
	isBad := func(t Type) bool { return !t.IsNumeric() && t.Kind != Null && t.Kind != Unknown }
	badX, badY := isBad(tx), isBad(ty)
	switch {
	case badX && badY:
		hint := ""
		if n.Op == "+" && tx.Kind == String && ty.Kind == String {
			hint = "use || or concat to join strings"
		}
		c.report(n.Sp, codeOperandType, hint, "operator %s expects numbers, got %s and %s", n.Op, tx, ty)
	case badX:
		c.report(n.X.Span(), codeOperandType, arithCastHint(n.X, ty), "operator %s expects numbers, got %s", n.Op, tx)
	case badY:
		c.report(n.Y.Span(), codeOperandType, arithCastHint(n.Y, tx), "operator %s expects numbers, got %s", n.Op, ty)
	}
	if badX || badY || tx.Kind == Unknown || ty.Kind == Unknown {
		return Type{}
	}
	return arithType(n.Op, n.X, n.Y, tx, ty)
}

// arithType is the result type of a numeric operator (see arith).
func arithType(op string, x, y Expr, tx, ty Type) Type {
	switch {
	case tx.Kind == Null && ty.Kind == Null:
		return typDouble
	case tx.Kind == Null:
		tx = ty
	case ty.Kind == Null:
		ty = tx
	}
	switch {
	case tx.Kind == Double || ty.Kind == Double:
		return typDouble
	case tx.Kind == Decimal || ty.Kind == Decimal:
		return decimalArith(op, decimalOperand(x, tx, ty), decimalOperand(y, ty, tx))
	case op == "/":
		return typDouble
	case tx.Kind == Bigint || ty.Kind == Bigint:
		return typBigint
	}
	return typInt
}

// arithCastHint suggests casting x to the other operand's numeric type, or
// to double.
func arithCastHint(x Expr, other Type) string {
	if other.IsNumeric() {
		return castOrUnquoteHint(x, other)
	}
	return castOrUnquoteHint(x, typDouble)
}

// decimalOperand is the decimal an operand of type t is read as next to an
// operand of type other.
func decimalOperand(x Expr, t, other Type) Type {
	if t.Kind != Decimal && other.Kind == Decimal {
		if d, ok := literalDecimal(x); ok {
			return d
		}
	}
	return asDecimal(t)
}

func dateArithHint(n *Binary, tx, ty Type) string {
	x, y := Format(n.X), Format(n.Y)
	switch {
	case n.Op == "+" && tx.Kind == Date && ty.IsIntegral():
		return fmt.Sprintf("use date_add(%s, %s)", x, y)
	case n.Op == "+" && ty.Kind == Date && tx.IsIntegral():
		return fmt.Sprintf("use date_add(%s, %s)", y, x)
	case n.Op == "-" && tx.Kind == Date && ty.IsIntegral():
		return fmt.Sprintf("use date_sub(%s, %s)", x, y)
	case n.Op == "-" && tx.IsDatetime() && ty.IsDatetime():
		return fmt.Sprintf("use datediff(%s, %s) for the days between them", x, y)
	}
	return "use date_add, date_sub or datediff"
}

// castHint suggests CAST(x AS t).
func castHint(x Expr, t Type) string {
	if l, ok := x.(*Lit); ok && l.Kind == LitString && t.IsDatetime() {
		return fmt.Sprintf("write %s %s", strings.ToUpper(t.String()), Format(l))
	}
	if x.Type().Kind == String && t.Kind == Date {
		return fmt.Sprintf("use to_date(%s)", Format(x))
	}
	if !castable(x.Type(), t) {
		return ""
	}
	return fmt.Sprintf("use CAST(%s AS %s)", Format(x), t)
}

// comparable checks that x and y can be compared (=, <, IN, BETWEEN, simple
// CASE, nullif) and reports at sp when not. The rules:
//
//   - NULL compares with anything (the result is NULL);
//   - numbers with numbers (converted to their CommonType), strings with
//     strings, booleans with booleans, dates and timestamps with dates and
//     timestamps (a date is read as its midnight);
//   - a string LITERAL with a date or timestamp: the literal must be a valid
//     'YYYY-MM-DD' (for a date) or ParseTimestampLiteral text (for a
//     timestamp) and is read as one. strLitTS false forbids it for a
//     timestamp: in an IN list Spark compares timestamps with strings as
//     strings;
//   - nothing else, in particular no string column with a number (Spark
//     would convert silently): use CAST.
//
// It returns false when it reported an error.
func (c *checker) comparable(x, y Expr, sp Span, strLitTS bool) bool {
	tx, ty := x.Type(), y.Type()
	switch {
	case tx.Kind == Unknown || ty.Kind == Unknown || tx.Kind == Null || ty.Kind == Null:
		return true
	case tx.IsNumeric() && ty.IsNumeric(), tx.IsDatetime() && ty.IsDatetime(),
		tx.Kind == ty.Kind && (tx.Kind == String || tx.Kind == Boolean):
		return true
	case tx.Kind == String && ty.IsDatetime():
		return c.stringAsDatetime(x, ty, y, sp, strLitTS)
	case ty.Kind == String && tx.IsDatetime():
		return c.stringAsDatetime(y, tx, x, sp, strLitTS)
	}
	hint := ""
	switch {
	case tx.Kind == String:
		hint = castOrUnquoteHint(x, ty)
	case ty.Kind == String:
		hint = castOrUnquoteHint(y, tx)
	case tx.Kind == Boolean:
		hint = castHint(x, ty)
	case ty.Kind == Boolean:
		hint = castHint(y, tx)
	}
	c.report(sp, codeOperandType, hint, "cannot compare %s with %s", tx, ty)
	return false
}

// castOrUnquoteHint suggests writing a quoted number literal without quotes,
// else a CAST.
func castOrUnquoteHint(x Expr, t Type) string {
	if l, ok := x.(*Lit); ok && l.Kind == LitString && t.IsNumeric() && isPlainNumber(l.Str, true) {
		return fmt.Sprintf("write the number without quotes: %s", l.Str)
	}
	return castHint(x, t)
}

// stringAsDatetime checks a string s compared with other of date or
// timestamp type t.
func (c *checker) stringAsDatetime(s Expr, t Type, other Expr, sp Span, strLitTS bool) bool {
	lit, ok := s.(*Lit)
	if !ok || lit.Kind != LitString {
		c.report(sp, codeOperandType, castHint(s, t), "cannot compare string with %s", t)
		return false
	}
	if t.Kind == Date {
		if _, ok := ParseDateLiteral(lit.Str); !ok {
			c.report(lit.Sp, codeBadLiteral, "write a date as 'YYYY-MM-DD'", "%s is not a valid date", Format(lit))
			return false
		}
		return true
	}
	if !strLitTS {
		c.report(lit.Sp, codeOperandType, fmt.Sprintf("write TIMESTAMP %s", Format(lit)),
			"a timestamp in an IN list needs a TIMESTAMP literal, not a string")
		return false
	}
	if _, ok := ParseTimestampLiteral(lit.Str); !ok {
		c.report(lit.Sp, codeBadLiteral, "write a timestamp as 'YYYY-MM-DD HH:MM[:SS[.ffffff]]'", "%s is not a valid timestamp", Format(lit))
		return false
	}
	return true
}

// ComparisonType is the type both sides of a checked comparison (or of
// x IN (..., y, ...), BETWEEN, a simple CASE, nullif) are converted to
// before comparing: NULL takes the other side's type, a string literal next
// to a date or timestamp is read as that type, date with timestamp is
// timestamp, numbers widen (CommonType). Unknown when they do not compare.
func ComparisonType(x, y Expr) Type {
	tx, ty := x.Type(), y.Type()
	switch {
	case tx.Kind == String && ty.IsDatetime():
		return ty
	case ty.Kind == String && tx.IsDatetime():
		return tx
	}
	t, _ := CommonType(tx, ty)
	return t
}

func (c *checker) in(n *In) Type {
	c.expr(n.X)
	for _, y := range n.List {
		c.expr(y)
		c.comparable(n.X, y, y.Span(), false)
	}
	return typBoolean
}

func (c *checker) between(n *Between) Type {
	c.expr(n.X)
	c.expr(n.Lo)
	c.expr(n.Hi)
	if c.comparable(n.X, n.Lo, n.Lo.Span(), true) {
		c.comparable(n.X, n.Hi, n.Hi.Span(), true)
	}
	return typBoolean
}

// like: X and Pattern are strings; a literal pattern's backslashes must
// escape %, _ or a backslash.
func (c *checker) like(n *Like) Type {
	c.expr(n.X)
	c.expr(n.Pattern)
	for _, x := range []Expr{n.X, n.Pattern} {
		if t := x.Type(); t.Kind != String && t.Kind != Null && t.Kind != Unknown {
			c.report(x.Span(), codeOperandType, castHint(x, typString), "LIKE expects strings, got %s", t)
		}
	}
	if l, ok := n.Pattern.(*Lit); ok && l.Kind == LitString {
		if i := checkLikePattern(l.Str); i >= 0 {
			c.report(l.Sp, codeBadLikePattern, `write \% for a literal %, \_ for _ and \\ for a backslash`,
				"invalid LIKE pattern: backslash at character %d escapes neither %%, _ nor \\", i+1)
		}
	}
	return typBoolean
}

// caseExpr: WHEN conditions are boolean (searched CASE) or comparable with
// the operand (simple CASE); the THEN and ELSE results are converted to
// their CommonType, which is the CASE's type (NULL when no branch matches
// and there is no ELSE). Results with no common type are an error.
func (c *checker) caseExpr(n *Case) Type {
	if n.Operand != nil {
		c.expr(n.Operand)
	}
	var results []Expr
	for _, w := range n.Whens {
		c.expr(w.Cond)
		if n.Operand != nil {
			c.comparable(n.Operand, w.Cond, w.Cond.Span(), true)
		} else {
			c.wantBool(w.Cond, "CASE WHEN")
		}
		c.expr(w.Then)
		results = append(results, w.Then)
	}
	if n.Else != nil {
		c.expr(n.Else)
		results = append(results, n.Else)
	}
	return c.unify(results, "CASE branches")
}

// unify returns the CommonType of the exprs' types, reporting the first
// that does not fit.
func (c *checker) unify(xs []Expr, what string) Type {
	var t Type
	for i, x := range xs {
		if i == 0 {
			t = x.Type()
			continue
		}
		u, ok := CommonType(t, x.Type())
		if !ok {
			c.report(x.Span(), codeNoCommonType, castHint(x, t),
				"%s have no common type: %s and %s", what, t, x.Type())
			return Type{}
		}
		if u.Kind == Unknown {
			return u
		}
		t = u
	}
	return t
}
