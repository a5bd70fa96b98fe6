package expr

import "strings"

// Format renders e as canonical text: keywords upper-case, function and
// type names lower-case, one space around binary operators, and only the
// parentheses the grammar needs, plus parentheses around a comparison that
// is the operand of IS/IN/BETWEEN/LIKE, where readers of other dialects
// might group differently. Parse(Format(e)) yields a tree that formats the
// same. A nil e formats as "".
func Format(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, 0)
	return b.String()
}

// precOf is the precedence level of the node (see the table at Precedence
// levels in parser.go).
func precOf(e Expr) int {
	switch n := e.(type) {
	case *Binary:
		switch n.Op {
		case "OR":
			return precOr
		case "AND":
			return precAnd
		case "+", "-", "||":
			return precAdd
		case "*", "/", "%":
			return precMul
		}
		return precCmp
	case *Unary:
		if n.Op == "NOT" {
			return precNot
		}
		return precUnary
	case *IsNull, *In, *Between, *Like:
		return precPred
	}
	return precPrimary
}

// writeExpr writes e, in parentheses when its level is below min.
func writeExpr(b *strings.Builder, e Expr, min int) {
	if e == nil {
		return
	}
	if precOf(e) < min {
		b.WriteByte('(')
		writeExpr(b, e, 0)
		b.WriteByte(')')
		return
	}
	switch n := e.(type) {
	case *Lit:
		writeLit(b, n)
	case *Col:
		if n.Qual != "" {
			b.WriteString(quoteIdent(n.Qual))
			b.WriteByte('.')
		}
		b.WriteString(quoteIdent(n.Name))
	case *Unary:
		if n.Op == "NOT" {
			b.WriteString("NOT ")
			writeExpr(b, n.X, precNot)
			return
		}
		b.WriteByte('-')
		inner := Format(n.X)
		// -(5) stays apart from the literal -5, which Spark types
		// differently (see Lit).
		if precOf(n.X) < precUnary || strings.HasPrefix(inner, "-") || isNumberLit(n.X) {
			inner = "(" + inner + ")"
		}
		b.WriteString(inner)
	case *Binary:
		lmin, rmin := precOf(e), precOf(e)+1
		if lmin == precCmp {
			lmin, rmin = precAdd, precAdd
		}
		writeExpr(b, n.X, lmin)
		b.WriteString(" " + n.Op + " ")
		writeExpr(b, n.Y, rmin)
	case *IsNull:
		writeExpr(b, n.X, precAdd)
		b.WriteString(" IS ")
		if n.Not {
			b.WriteString("NOT ")
		}
		b.WriteString("NULL")
	case *In:
		writeExpr(b, n.X, precAdd)
		b.WriteString(not(n.Not) + " IN (")
		for i, x := range n.List {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, x, 0)
		}
		b.WriteByte(')')
	case *Between:
		writeExpr(b, n.X, precAdd)
		b.WriteString(not(n.Not) + " BETWEEN ")
		writeExpr(b, n.Lo, precAdd)
		b.WriteString(" AND ")
		writeExpr(b, n.Hi, precAdd)
	case *Like:
		writeExpr(b, n.X, precAdd)
		b.WriteString(not(n.Not) + " LIKE ")
		writeExpr(b, n.Pattern, precAdd)
	case *Case:
		b.WriteString("CASE")
		if n.Operand != nil {
			b.WriteByte(' ')
			writeExpr(b, n.Operand, 0)
		}
		for _, w := range n.Whens {
			b.WriteString(" WHEN ")
			writeExpr(b, w.Cond, 0)
			b.WriteString(" THEN ")
			writeExpr(b, w.Then, 0)
		}
		if n.Else != nil {
			b.WriteString(" ELSE ")
			writeExpr(b, n.Else, 0)
		}
		b.WriteString(" END")
	case *Cast:
		b.WriteString("CAST(")
		writeExpr(b, n.X, 0)
		b.WriteString(" AS " + n.To.String() + ")")
	case *Call:
		b.WriteString(n.Name + "(")
		if n.Star {
			b.WriteByte('*')
		}
		if n.Distinct {
			b.WriteString("DISTINCT ")
		}
		for i, x := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, x, 0)
		}
		b.WriteByte(')')
	}
}

func isNumberLit(e Expr) bool {
	l, ok := e.(*Lit)
	return ok && (l.Kind == LitInt || l.Kind == LitDecimal || l.Kind == LitDouble)
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func writeLit(b *strings.Builder, l *Lit) {
	switch l.Kind {
	case LitNull:
		b.WriteString("NULL")
	case LitBool:
		if l.Bool {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case LitString:
		b.WriteString(quoteString(l.Str))
	case LitDate:
		b.WriteString("DATE " + quoteString(l.Str))
	case LitTimestamp:
		b.WriteString("TIMESTAMP " + quoteString(l.Str))
	default:
		b.WriteString(l.Text)
	}
}

// quoteString renders s as a string literal of the language: in single
// quotes, with each quote doubled. (Spark SQL needs backslash escapes
// instead; that is the Spark translator's business.)
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent returns name as written in an expression: bare when it is a
// plain identifier and not a keyword, else in backticks.
func quoteIdent(name string) string {
	plain := name != "" && isIdentStart(name[0]) && !isKeyword(name)
	for i := 0; plain && i < len(name); i++ {
		plain = isIdentByte(name[i])
	}
	if plain {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
