package expr

import (
	"fmt"
	"strings"
)

// Precedence levels of the grammar, lowest first (see the table in the
// package doc). Operators of one level associate to the left, except
// comparisons, which do not chain, and predicates, of which one may follow
// an operand.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPred
	precCmp
	precAdd
	precMul
	precUnary
	precPrimary
)

var cmpOps = map[string]string{"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

// parser is a recursive-descent parser over the token slice. It stops at the
// first error: every parse method returns nil once p.err is set.
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	err   *Error
}

// Parse parses one expression. It returns the AST, or nil and the first
// syntax error (never both). It never panics; nesting deeper than maxDepth is
// an error. Keywords are case-insensitive.
func Parse(src string) (Expr, []*Error) {
	toks, lerr := lex(src)
	p := &parser{src: src, toks: toks}
	if lerr != nil {
		// Report a syntax error before the lexical one, if any.
		p.toks = append(toks, token{kind: tEOF, pos: lerr.Span.Start, end: lerr.Span.Start})
		p.parseTop()
		if p.err != nil && p.err.Span.Start < lerr.Span.Start {
			return nil, []*Error{p.err}
		}
		return nil, []*Error{lerr}
	}
	e := p.parseTop()
	if p.err != nil {
		return nil, []*Error{p.err}
	}
	return e, nil
}

func (p *parser) parseTop() Expr {
	if p.tok().kind == tEOF {
		p.fail(p.tok().span(), "expected expression", "")
		return nil
	}
	e := p.parseExpr()
	if p.err != nil {
		return nil
	}
	if t := p.tok(); t.kind != tEOF {
		if t.is(")") {
			p.fail(t.span(), `unexpected ")" without a matching "("`, "")
			return nil
		}
		if t.is("AS") {
			p.fail(t.span(), "expected operator or end of expression, found keyword AS",
				"an expression is not aliased: the key it is written under names the column")
			return nil
		}
		p.unexpected("operator or end of expression")
		return nil
	}
	return e
}

// unexpected reports the current token where what was expected, with a hint
// when the token is an operator that needs parentheses here.
func (p *parser) unexpected(what string) {
	t := p.tok()
	hint := ""
	_, isCmp := cmpOps[t.text]
	if (t.kind == tOp && isCmp) || t.is("IS") || t.is("IN") || t.is("BETWEEN") || t.is("LIKE") || t.is("NOT") {
		hint = "add parentheses, e.g. (a IS NULL) = b"
	}
	p.fail(t.span(), fmt.Sprintf("expected %s, found %s", what, t.describe()), hint)
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// prevEnd is the end of the last consumed token.
func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

func (p *parser) fail(sp Span, msg, hint string) {
	if p.err == nil {
		p.err = &Error{Span: sp, Code: codeSyntax, Msg: msg, Hint: hint}
	}
}

// expectErr reports that the current token is not what was expected.
func (p *parser) expectErr(what string) {
	t := p.tok()
	p.fail(t.span(), fmt.Sprintf("expected %s, found %s", what, t.describe()), "")
}

// enter counts one level of nesting; it fails past maxDepth.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth && p.err == nil {
		p.err = &Error{Span: p.tok().span(), Code: codeTooDeep,
			Msg:  fmt.Sprintf("expression is nested more than %d levels deep", maxDepth),
			Hint: "split it into several derive steps"}
	}
	return p.err == nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseExpr() Expr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() Expr {
	start := p.tok().pos
	x := p.parseAnd()
	for p.err == nil && p.tok().is("OR") {
		op := p.next()
		y := p.operand(op, true, p.parseAnd)
		x = &Binary{Sp: Span{start, p.prevEnd()}, Op: "OR", OpSpan: op.span(), X: x, Y: y}
	}
	return p.ok(x)
}

func (p *parser) parseAnd() Expr {
	start := p.tok().pos
	x := p.parseNot()
	for p.err == nil && p.tok().is("AND") {
		op := p.next()
		y := p.operand(op, true, p.parseNot)
		x = &Binary{Sp: Span{start, p.prevEnd()}, Op: "AND", OpSpan: op.span(), X: x, Y: y}
	}
	return p.ok(x)
}

// ok returns x, or nil once an error is recorded.
func (p *parser) ok(x Expr) Expr {
	if p.err != nil {
		return nil
	}
	return x
}

func (p *parser) parseNot() Expr {
	if !p.tok().is("NOT") {
		return p.parsePred()
	}
	op := p.next()
	if !p.enter() {
		return nil
	}
	defer p.leave()
	x := p.operand(op, true, p.parseNot)
	return p.ok(&Unary{Sp: Span{op.pos, p.prevEnd()}, Op: "NOT", X: x})
}

// operand parses the operand that must follow the token after, reporting
// "expected expression after X" at the offending token.
func (p *parser) operand(after token, withNot bool, parse func() Expr) Expr {
	if p.err == nil && !startsExpr(p.tok(), withNot) {
		t := p.tok()
		hint := ""
		if t.is("NOT") {
			hint = "put NOT and its operand in parentheses: (NOT x)"
		} else if t.kind == tIdent && isKeyword(t.text) {
			hint = fmt.Sprintf("%s is a keyword; quote a column of that name with backticks: `%s`", strings.ToUpper(t.text), t.text)
		}
		p.fail(t.span(), fmt.Sprintf("expected expression after %q", displayTok(after)), hint)
		return nil
	}
	return parse()
}

func displayTok(t token) string {
	if t.kind == tIdent {
		return strings.ToUpper(t.text)
	}
	return t.text
}

// startsExpr reports whether t can begin an expression; NOT only can
// where withNot (a full expression or a NOT-level operand).
func startsExpr(t token, withNot bool) bool {
	switch t.kind {
	case tInt, tDecimal, tDouble, tString, tQIdent:
		return true
	case tIdent:
		if !isKeyword(t.text) {
			return true
		}
		if t.is("NOT") {
			return withNot
		}
		for _, kw := range []string{"NULL", "TRUE", "FALSE", "CASE", "CAST"} {
			if t.is(kw) {
				return true
			}
		}
	case tOp:
		return t.text == "(" || t.text == "-"
	}
	return false
}

// parsePred parses a comparison and at most one predicate suffix.
func (p *parser) parsePred() Expr {
	start := p.tok().pos
	x := p.parseCmp()
	if p.err != nil {
		return nil
	}
	t := p.tok()
	not := false
	if t.is("NOT") {
		n := p.toks[p.i+1]
		if !n.is("IN") && !n.is("BETWEEN") && !n.is("LIKE") {
			p.next()
			p.fail(n.span(), "expected IN, BETWEEN or LIKE after NOT, found "+n.describe(), "")
			return nil
		}
		p.next()
		not = true
		t = p.tok()
	}
	switch {
	case t.is("IS") && !not:
		p.next()
		if p.tok().is("NOT") {
			p.next()
			not = true
		}
		if !p.tok().is("NULL") {
			hint := ""
			if p.tok().is("TRUE") || p.tok().is("FALSE") {
				hint = "use x = TRUE or x = FALSE"
			}
			p.fail(p.tok().span(), "expected NULL after IS, found "+p.tok().describe(), hint)
			return nil
		}
		p.next()
		return &IsNull{Sp: Span{start, p.prevEnd()}, X: x, Not: not}
	case t.is("IN"):
		p.next()
		list := p.parseList("IN list")
		return p.ok(&In{Sp: Span{start, p.prevEnd()}, X: x, List: list, Not: not})
	case t.is("BETWEEN"):
		p.next()
		lo := p.operand(t, false, p.parseAdd)
		if p.err != nil {
			return nil
		}
		if !p.tok().is("AND") {
			p.expectErr("AND in BETWEEN")
			return nil
		}
		and := p.next()
		hi := p.operand(and, false, p.parseAdd)
		return p.ok(&Between{Sp: Span{start, p.prevEnd()}, X: x, Lo: lo, Hi: hi, Not: not})
	case t.is("LIKE"):
		p.next()
		pat := p.operand(t, false, p.parseAdd)
		return p.ok(&Like{Sp: Span{start, p.prevEnd()}, X: x, Pattern: pat, Not: not})
	}
	return x
}

// parseList parses ( expr {, expr} ) after IN.
func (p *parser) parseList(what string) []Expr {
	if !p.tok().is("(") {
		p.expectErr(`"(" after IN`)
		return nil
	}
	open := p.next()
	var list []Expr
	after := open
	for p.err == nil {
		list = append(list, p.operand(after, true, p.parseExpr))
		if p.err != nil {
			return nil
		}
		if p.tok().is(",") {
			after = p.next()
			continue
		}
		if p.tok().is(")") {
			p.next()
			return list
		}
		p.expectErr(fmt.Sprintf(`"," or ")" in %s`, what))
	}
	return nil
}

func (p *parser) parseCmp() Expr {
	start := p.tok().pos
	x := p.parseAdd()
	if p.err != nil {
		return nil
	}
	t := p.tok()
	op, ok := cmpOps[t.text]
	if !ok || t.kind != tOp {
		return x
	}
	p.next()
	y := p.operand(t, false, p.parseAdd)
	if p.err != nil {
		return nil
	}
	if n := p.tok(); n.kind == tOp {
		if _, ok := cmpOps[n.text]; ok {
			p.fail(n.span(), "comparisons cannot be chained", "combine them with AND, e.g. a < b AND b < c")
			return nil
		}
	}
	return &Binary{Sp: Span{start, p.prevEnd()}, Op: op, OpSpan: t.span(), X: x, Y: y}
}

func (p *parser) parseAdd() Expr {
	start := p.tok().pos
	x := p.parseMul()
	for p.err == nil {
		t := p.tok()
		if t.kind != tOp || (t.text != "+" && t.text != "-" && t.text != "||") {
			break
		}
		p.next()
		y := p.operand(t, false, p.parseMul)
		x = &Binary{Sp: Span{start, p.prevEnd()}, Op: t.text, OpSpan: t.span(), X: x, Y: y}
	}
	return p.ok(x)
}

func (p *parser) parseMul() Expr {
	start := p.tok().pos
	x := p.parseUnary()
	for p.err == nil {
		t := p.tok()
		if t.kind != tOp || (t.text != "*" && t.text != "/" && t.text != "%") {
			break
		}
		p.next()
		y := p.operand(t, false, p.parseUnary)
		x = &Binary{Sp: Span{start, p.prevEnd()}, Op: t.text, OpSpan: t.span(), X: x, Y: y}
	}
	return p.ok(x)
}

func (p *parser) parseUnary() Expr {
	t := p.tok()
	if !t.is("-") {
		return p.parsePrimary()
	}
	p.next()
	if n := p.tok(); n.kind == tInt || n.kind == tDecimal || n.kind == tDouble {
		// A minus sign directly before a number is part of the literal.
		p.next()
		return p.numberLit(n, t.pos, "-"+n.text)
	}
	if !p.enter() {
		return nil
	}
	defer p.leave()
	x := p.operand(t, false, p.parseUnary)
	return p.ok(&Unary{Sp: Span{t.pos, p.prevEnd()}, Op: "-", X: x})
}

func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.kind {
	case tInt, tDecimal, tDouble:
		p.next()
		return p.numberLit(t, t.pos, t.text)
	case tString:
		p.next()
		return &Lit{Sp: t.span(), Kind: LitString, Text: t.text, Str: t.val}
	case tQIdent:
		return p.parseName()
	case tIdent:
		switch {
		case t.is("NULL"):
			p.next()
			return &Lit{Sp: t.span(), Kind: LitNull, Text: t.text}
		case t.is("TRUE"), t.is("FALSE"):
			p.next()
			return &Lit{Sp: t.span(), Kind: LitBool, Text: t.text, Bool: t.is("TRUE")}
		case t.is("CASE"):
			return p.parseCase()
		case t.is("CAST"):
			return p.parseCast()
		case (t.is("DATE") || t.is("TIMESTAMP")) && p.toks[p.i+1].kind == tString:
			return p.parseTypedLit()
		case isKeyword(t.text):
			p.expectErr("expression")
			return nil
		}
		if p.toks[p.i+1].is("(") {
			return p.parseCall()
		}
		return p.parseName()
	case tOp:
		if t.text == "(" {
			p.next()
			x := p.operand(t, true, p.parseExpr)
			if p.err != nil {
				return nil
			}
			if !p.tok().is(")") {
				p.unexpected(fmt.Sprintf(`")" to close "(" at offset %d`, t.pos))
				return nil
			}
			p.next()
			return x
		}
	}
	p.expectErr("expression")
	return nil
}
