// Package expr is flowc's expression language: a small subset of Spark SQL
// expressions that means the same thing in Glue (Spark SQL, non-ANSI mode)
// and in the local DuckDB engine.
//
// The contract of this stage:
//
//   - Parse turns one expression string (a filter, a join condition, a
//     select or derive column, a measure, a check) into an AST
//     whose every node carries its exact byte Span in the source string. It
//     never panics and never hangs; nesting is bounded (MaxDepth).
//   - Check resolves column references against a Scope, applies the type
//     rules (Spark's, made stricter where the two engines could disagree),
//     sets the T field of every node and reports every error it can. A
//     checked tree is what the translators to Spark SQL and DuckDB SQL read:
//     they never parse expression text themselves.
//   - Format renders an AST as canonical text (upper-case keywords, minimal
//     but unambiguous parentheses) for IR dumps and messages. It is not the
//     Spark or DuckDB rendering: the translators parenthesise every operator
//     node themselves, because the two engines' precedence tables differ
//     (see Precedence).
//   - The function catalogue (Funcs, LookupFunc) is data: names, signatures,
//     one-line docs and the type rule of each function.
//
// This package does no I/O and knows nothing of YAML, AWS or the compiler.
// Positions are byte offsets into the expression string; the spec package
// maps them to file:line:column. Errors carry stable codes (FC3xx) declared
// in spec/diag/codes_expr.go.
package expr

import "fmt"

// Span is a half-open range of byte offsets into the expression source
// string: Start is the first byte, End the first byte after.
type Span struct{ Start, End int }

// Error is one finding of Parse or Check. Span points into the expression
// source; Code is a diagnostic code from spec/diag (FC3xx); Hint is an
// optional suggestion ("" when none).
type Error struct {
	Span Span
	Code string
	Msg  string
	Hint string
}

// Error renders "start-end: message [code]".
func (e *Error) Error() string {
	return fmt.Sprintf("%d-%d: %s [%s]", e.Span.Start, e.Span.End, e.Msg, e.Code)
}

// Diagnostic codes reported by this package. They are declared, with their
// one-line purpose, in spec/diag/codes_expr.go and never renumbered.
const (
	CodeSyntax         = "FC301" // syntax error
	CodeUnknownColumn  = "FC302" // unknown column
	CodeAmbiguous      = "FC303" // ambiguous column
	CodeUnknownAlias   = "FC304" // unknown alias
	CodeUnknownFunc    = "FC305" // unknown function
	CodeArgCount       = "FC306" // wrong number of arguments
	CodeArgType        = "FC307" // argument of the wrong type
	CodeOperandType    = "FC308" // operand of the wrong type
	CodeAggNotAllowed  = "FC309" // aggregate outside an aggregate measure
	CodeNotGrouped     = "FC310" // bare column in a measure that is not a group key
	CodeNestedAgg      = "FC311" // aggregate inside an aggregate
	CodeBadCast        = "FC312" // cast between types that cannot be cast
	CodeUnknownType    = "FC313" // unknown type name
	CodeTooDeep        = "FC314" // nesting too deep
	CodeNoCommonType   = "FC315" // CASE branches or coalesce arguments without a common type
	CodeBadLiteral     = "FC316" // literal out of range or not valid for its type
	CodeNotConstant    = "FC317" // argument must be a literal
	CodeBadDateFormat  = "FC318" // unsupported date format pattern
	CodeBadLikePattern = "FC319" // invalid LIKE pattern
	CodeBadStar        = "FC320" // misplaced * or DISTINCT in a call
)

// MaxDepth bounds the syntactic nesting of an expression (parentheses,
// unary operators, calls, CASE, CAST). Deeper input is a CodeTooDeep error.
// Chains of one binary operator (a + b + c + ...) do not count as nesting.
const MaxDepth = 100

func errorf(sp Span, code, format string, args ...any) *Error {
	return &Error{Span: sp, Code: code, Msg: fmt.Sprintf(format, args...)}
}
