package expr

import "strings"

// Expr is a node of the expression AST. Span is the node's exact source
// range; Type is the type Check set (Unknown before Check, or after an error
// that left the type undetermined).
type Expr interface {
	Span() Span
	Type() Type
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds. Their types (set by Check) follow Spark:
//
//	LitNull       NULL                          null
//	LitBool       TRUE, FALSE                   boolean
//	LitInt        42, -7                        int if it fits 32 bits, else bigint, else decimal(n,0) (n <= 38 digits)
//	LitDecimal    1.5, .5, 5., -0.25            decimal(p,s): s = digits after the point, p = max(significant digits, s)
//	LitDouble     1.5e3, 2E-1, 1.5D, 10d        double
//	LitString     'it''s'                       string
//	LitDate       DATE '2001-01-17'             date
//	LitTimestamp  TIMESTAMP '2001-01-17 06:05'  timestamp
const (
	LitNull LitKind = iota
	LitBool
	LitInt
	LitDecimal
	LitDouble
	LitString
	LitDate
	LitTimestamp
)

var litKindNames = [...]string{"null", "boolean", "integer", "decimal", "double", "string", "date", "timestamp"}

// String names the literal kind.
func (k LitKind) String() string {
	if k < 0 || int(k) >= len(litKindNames) {
		return "literal"
	}
	return litKindNames[k]
}

// Lit is a literal.
//
// Text is the literal's source text, except that a minus sign directly in
// front of a number is folded into the literal (as Spark's grammar does):
// "- 5" is the LitInt with Text "-5". Str is the decoded value of a
// LitString, and the canonical value of a LitDate ("2001-01-17") or
// LitTimestamp ("2001-01-17 06:05:00", with a fraction when one was given).
// Bool is the value of a LitBool.
type Lit struct {
	Sp   Span
	T    Type
	Kind LitKind
	Text string
	Str  string
	Bool bool
}

// Number returns a numeric literal's number without its D suffix, e.g.
// "1.5" for 1.5D, "-7" for -7, "1.5e3" for 1.5e3; "" for other kinds.
// Translators must still make the literal's type (T) explicit, since the
// engines type unsuffixed literals differently.
func (l *Lit) Number() string {
	switch l.Kind {
	case LitInt, LitDecimal:
		return l.Text
	case LitDouble:
		return strings.TrimRight(l.Text, "dD")
	}
	return ""
}

// Col is a column reference: Name, or Qual.Name for a join alias. Names are
// case-sensitive.
type Col struct {
	Sp   Span
	T    Type
	Qual string
	Name string
}

// Unary is -X or NOT X.
type Unary struct {
	Sp Span
	T  Type
	Op string // "-" or "NOT"
	X  Expr
}

// Binary is X Op Y. Op is one of + - * / % || = != < <= > >= AND OR;
// "<>" is normalised to "!=" and "==" to "=".
type Binary struct {
	Sp     Span
	T      Type
	Op     string
	OpSpan Span // the operator token
	X, Y   Expr
}

// IsNull is X IS NULL, or X IS NOT NULL when Not.
type IsNull struct {
	Sp  Span
	T   Type
	X   Expr
	Not bool
}

// In is X IN (List...), or X NOT IN (List...) when Not. List is not empty.
type In struct {
	Sp   Span
	T    Type
	X    Expr
	List []Expr
	Not  bool
}

// Between is X BETWEEN Lo AND Hi (inclusive), or NOT BETWEEN when Not.
type Between struct {
	Sp        Span
	T         Type
	X, Lo, Hi Expr
	Not       bool
}

// Like is X LIKE Pattern, or X NOT LIKE Pattern when Not. In the pattern, %
// matches any sequence, _ one character, and a backslash escapes %, _ or
// itself (Spark's default escape; DuckDB needs ESCAPE '\').
type Like struct {
	Sp         Span
	T          Type
	X, Pattern Expr
	Not        bool
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE Else] END. Operand is nil
// for a searched CASE (WHEN conditions are boolean); Else may be nil
// (NULL when no branch matches).
type Case struct {
	Sp      Span
	T       Type
	Operand Expr
	Whens   []*When
	Else    Expr
}

// When is one WHEN Cond THEN Then branch of a Case; Sp covers both.
type When struct {
	Cond, Then Expr
	Sp         Span
}

// Cast is CAST(X AS To). ToSpan is the type name's span.
type Cast struct {
	Sp     Span
	T      Type
	X      Expr
	To     Type
	ToSpan Span
}

// Call is a function call. Name is lower-cased; after Check an alias is
// replaced by its canonical name (substr becomes substring). Star is
// count(*), with no Args; Distinct is count(DISTINCT x) and the like.
type Call struct {
	Sp       Span
	T        Type
	Name     string
	NameSpan Span
	Args     []Expr
	Distinct bool
	Star     bool
}

// Span implements Expr.
func (e *Lit) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Col) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Unary) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Binary) Span() Span { return e.Sp }

// Span implements Expr.
func (e *IsNull) Span() Span { return e.Sp }

// Span implements Expr.
func (e *In) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Between) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Like) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Case) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Cast) Span() Span { return e.Sp }

// Span implements Expr.
func (e *Call) Span() Span { return e.Sp }

// Type implements Expr.
func (e *Lit) Type() Type { return e.T }

// Type implements Expr.
func (e *Col) Type() Type { return e.T }

// Type implements Expr.
func (e *Unary) Type() Type { return e.T }

// Type implements Expr.
func (e *Binary) Type() Type { return e.T }

// Type implements Expr.
func (e *IsNull) Type() Type { return e.T }

// Type implements Expr.
func (e *In) Type() Type { return e.T }

// Type implements Expr.
func (e *Between) Type() Type { return e.T }

// Type implements Expr.
func (e *Like) Type() Type { return e.T }

// Type implements Expr.
func (e *Case) Type() Type { return e.T }

// Type implements Expr.
func (e *Cast) Type() Type { return e.T }

// Type implements Expr.
func (e *Call) Type() Type { return e.T }

// Walk visits e and its descendants in pre-order (which is source order).
// When fn returns false the node's children are skipped. A nil e is not
// visited.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range children(e) {
		Walk(c, fn)
	}
}

// children returns the direct sub-expressions of e in source order.
func children(e Expr) []Expr {
	switch n := e.(type) {
	case *Unary:
		return []Expr{n.X}
	case *Binary:
		return []Expr{n.X, n.Y}
	case *IsNull:
		return []Expr{n.X}
	case *In:
		return append([]Expr{n.X}, n.List...)
	case *Between:
		return []Expr{n.X, n.Lo, n.Hi}
	case *Like:
		return []Expr{n.X, n.Pattern}
	case *Case:
		var out []Expr
		if n.Operand != nil {
			out = append(out, n.Operand)
		}
		for _, w := range n.Whens {
			out = append(out, w.Cond, w.Then)
		}
		if n.Else != nil {
			out = append(out, n.Else)
		}
		return out
	case *Cast:
		return []Expr{n.X}
	case *Call:
		return n.Args
	}
	return nil
}

// Columns returns the column references of e in source order.
func Columns(e Expr) []*Col {
	var out []*Col
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Col); ok {
			out = append(out, c)
		}
		return true
	})
	return out
}

// isAggregate reports whether e contains a call of an aggregate function
// (count, sum, avg, min, max). It works before and after Check.
func isAggregate(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Call); ok {
			if f, ok := LookupFunc(c.Name); ok && f.Aggregate {
				found = true
			}
		}
		return !found
	})
	return found
}
