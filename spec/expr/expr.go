// Package expr is flowc's expression language: a small subset of Spark SQL
// expressions that means the same thing in Glue (Spark SQL 3.3, non-ANSI
// mode) and in the local DuckDB engine.
//
// The contract of this stage:
//
//   - Parse turns one expression string (a filter, a join condition, a
//     select or derive column, a measure, a check) into an AST whose every
//     node carries its exact byte Span in the source string. It never panics
//     and never hangs; nesting is bounded (maxDepth).
//   - Check resolves column references against a Scope, applies the type
//     rules (Spark's, made stricter where the two engines could disagree),
//     sets the T field of every node and reports every error it can. A
//     checked tree is what the translators to Spark SQL and DuckDB SQL read:
//     they never parse expression text themselves.
//   - Format renders an AST as canonical text (upper-case keywords, minimal
//     but unambiguous parentheses) for IR dumps and messages. It is neither
//     the Spark nor the DuckDB rendering.
//   - The function catalogue (Funcs, LookupFunc) is data: names, signatures,
//     one-line docs and the type rule of each function.
//
// This package does no I/O and knows nothing of YAML, AWS or the compiler.
// Positions are byte offsets into the expression string; the spec package
// maps them to file:line:column. Errors carry stable codes (FC3xx) declared
// in spec/diag/codes_expr.go.
//
// # Syntax
//
// Keywords (AND OR NOT IS NULL IN BETWEEN LIKE CASE WHEN THEN ELSE END CAST
// AS DISTINCT TRUE FALSE) are case-insensitive and reserved: a column of
// such a name is written in backticks (`end`). Type and function names are
// not reserved (date, year and count are fine column names). Identifiers are
// [a-zA-Z_][a-zA-Z0-9_]* or `anything`, and case-sensitive. Strings are in
// single quotes, with two single quotes for one; a backslash is an ordinary
// character.
// There are no comments and no double-quoted strings. Operators, from the
// loosest to the tightest binding (Spark's order):
//
//	OR
//	AND
//	NOT x
//	x IS [NOT] NULL, x [NOT] IN (...), x [NOT] BETWEEN a AND b, x [NOT] LIKE p
//	=  ==  !=  <>  <  <=  >  >=      (they do not chain: a < b < c is an error)
//	+  -  ||
//	*  /  %
//	-x
//
// One predicate may follow an operand, which may be a comparison:
// a = b IS NULL is (a = b) IS NULL. BETWEEN bounds and LIKE patterns are
// + - || expressions. A minus sign directly before a number is part of the
// literal (-5 is a literal, -(5) a negation), as in Spark.
//
// # Notes for the translators
//
// Spark SQL and DuckDB differ in ways a translation must absorb (checked
// against DuckDB 1.5):
//
//   - Precedence differs (DuckDB binds || looser than +, and IS looser than
//     =): parenthesise every operator node.
//   - Quote every identifier (Spark `x`, DuckDB "x"). Render strings from
//     Lit.Str: Spark processes backslash escapes in literals (write \\ and
//     \'), DuckDB does not (double a quote).
//   - Make types explicit: cast every node whose DuckDB type differs from T
//     (DuckDB's decimal rules differ; sum of integers is HUGEINT; year,
//     length and the like are BIGINT; floor and ceil of a double are DOUBLE;
//     avg of a decimal and decimal / decimal are DOUBLE), NULL literals to
//     the type the context gives them, and a string literal compared with a
//     date or timestamp to ComparisonType.
//   - x / y and x % y by zero are NULL in Spark; DuckDB gives +Inf (/) or
//     NaN (% of doubles): divide by NULLIF(y, 0). Integer overflow wraps in
//     Spark and fails in DuckDB.
//   - CAST of a double or decimal to int/bigint truncates in Spark and rounds
//     in DuckDB: apply trunc first. A string that does not convert is NULL in
//     Spark and an error in DuckDB: use TRY_CAST (Check rejects literals
//     that do not convert). Spark also reads '1.5' as the int 1. A number to
//     timestamp is seconds since the epoch in Spark (DuckDB: to_timestamp);
//     a timestamp to a number likewise (DuckDB: epoch, floored for
//     integral types). A double cast to string is 1.0E20 in Spark and
//     1e+20 in DuckDB.
//   - concat in DuckDB skips NULLs; Spark's is NULL if any argument is: use
//     || in DuckDB. LIKE has no default escape in DuckDB: add ESCAPE '\'.
//   - substring: Spark reads pos 0 as 1 and a negative len as empty; DuckDB
//     does neither.
//   - round is half away from zero in both for decimals; for doubles Spark
//     rounds the decimal representation, DuckDB the binary value, so rare
//     halves may differ.
//   - datediff(end, start) is DuckDB date_diff('day', start, end) on DATE
//     casts (DuckDB counts boundaries of timestamps); date_add and date_sub
//     are date + n and date - n on a DATE cast. make_date of a day that does
//     not exist is NULL in Spark and an error in DuckDB: use try().
//   - to_date(s, fmt) is CAST(try_strptime(s, StrptimeFormat(fmt)) AS DATE)
//     in DuckDB; Spark needs spark.sql.legacy.timeParserPolicy=CORRECTED to
//     give NULL rather than fail on some inputs.
//   - Timestamps have no time zone: run Spark with
//     spark.sql.session.timeZone=UTC.
//   - The functions of issue 12 (funcs_num.go, funcs_str.go, funcs_date.go,
//     funcs_agg.go, regex.go) say in their Notes how DuckDB is made to
//     agree (docs/functions.md lists them); what cannot be bridged is
//     refused at the column: regular-expression features only Java has
//     (regex.go, FC321), Java date pattern letters strftime lacks
//     (StrftimeFormat, FC318), and the non-deterministic or approximate
//     functions of refusedFuncs (FC305).
package expr

import (
	"fmt"

	"github.com/flowc-dev/flowc/spec/diag"
)

// Span is a half-open range of byte offsets into the expression source
// string: Start is the first byte, End the first byte after.
type Span struct{ Start, End int }

// Error is one finding of Parse or Check. Span points into the expression
// source; Code is a diagnostic code from spec/diag (FC3xx); Hint is an
// optional suggestion ("" when none).
type Error struct {
	Span Span
	Code diag.ID
	Msg  string
	Hint string
}

// Error renders "start-end: message [code]".
func (e *Error) Error() string {
	return fmt.Sprintf("%d-%d: %s [%s]", e.Span.Start, e.Span.End, e.Msg, e.Code)
}

// Diagnostic codes reported by this package. They are declared, with their
// one-line purpose, in spec/diag/codes_expr.go and never renumbered.
var (
	codeSyntax           = diag.FC301 // syntax error
	codeUnknownColumn    = diag.FC302 // unknown column
	codeAmbiguous        = diag.FC303 // ambiguous column
	codeUnknownAlias     = diag.FC304 // unknown alias
	codeUnknownFunc      = diag.FC305 // unknown function
	codeArgCount         = diag.FC306 // wrong number of arguments
	codeArgType          = diag.FC307 // argument of the wrong type
	codeOperandType      = diag.FC308 // operand of the wrong type
	codeAggNotAllowed    = diag.FC309 // aggregate outside an aggregate measure
	codeNotGrouped       = diag.FC310 // bare column in a measure that is not a group key
	codeNestedAgg        = diag.FC311 // aggregate inside an aggregate
	codeBadCast          = diag.FC312 // cast between types that cannot be cast
	codeUnknownType      = diag.FC313 // unknown type name
	codeTooDeep          = diag.FC314 // nesting too deep
	codeNoCommonType     = diag.FC315 // CASE branches or coalesce arguments without a common type
	codeBadLiteral       = diag.FC316 // literal out of range or not valid for its type
	codeNotConstant      = diag.FC317 // argument must be a literal
	codeBadDateFormat    = diag.FC318 // unsupported date format pattern
	codeBadLikePattern   = diag.FC319 // invalid LIKE pattern
	codeBadStar          = diag.FC320 // misplaced * or DISTINCT in a call
	codeBadRegex         = diag.FC321 // regular expression the two engines read differently
	codeWindowNotAllowed = diag.FC322 // window function outside a window measure
	codeWindowMeasure    = diag.FC323 // window measure that is not one window call
)

// maxDepth bounds the syntactic nesting of an expression (parentheses,
// unary operators, calls, CASE, CAST). Deeper input is a codeTooDeep error.
// Chains of one binary operator (a + b + c + ...) do not count as nesting.
const maxDepth = 100

func errorf(sp Span, code diag.ID, format string, args ...any) *Error {
	return &Error{Span: sp, Code: code, Msg: fmt.Sprintf(format, args...)}
}
