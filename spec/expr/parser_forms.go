package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
)

// This file parses the forms below the operators: names, literals, calls,
// CASE and CAST.

// parseCall parses name( [DISTINCT] args ) or name(*). The current token is
// the name, followed by "(".
func (p *parser) parseCall() Expr {
	name := p.next()
	open := p.next()
	if !p.enter() {
		return nil
	}
	defer p.leave()
	call := &Call{Name: strings.ToLower(name.text), NameSpan: name.span()}
	switch {
	case p.tok().is("*") && p.toks[p.i+1].is(")"):
		p.next()
		p.next()
		call.Star = true
		call.Sp = Span{name.pos, p.prevEnd()}
		return call
	case p.tok().is(")"):
		p.next()
		call.Sp = Span{name.pos, p.prevEnd()}
		return call
	}
	after := open
	if p.tok().is("DISTINCT") {
		after = p.next()
		call.Distinct = true
	}
	for p.err == nil {
		call.Args = append(call.Args, p.operand(after, true, p.parseExpr))
		if p.err != nil {
			return nil
		}
		if p.tok().is(",") {
			after = p.next()
			continue
		}
		if p.tok().is(")") {
			p.next()
			call.Sp = Span{name.pos, p.prevEnd()}
			return call
		}
		p.unexpected(fmt.Sprintf(`"," or ")" in the arguments of %s`, call.Name))
	}
	return nil
}

// parseCase parses CASE [operand] WHEN c THEN r ... [ELSE e] END.
func (p *parser) parseCase() Expr {
	kw := p.next()
	if !p.enter() {
		return nil
	}
	defer p.leave()
	c := &Case{}
	if !p.tok().is("WHEN") {
		c.Operand = p.operand(kw, true, p.parseExpr)
		if p.err != nil {
			return nil
		}
		if !p.tok().is("WHEN") {
			p.unexpected("WHEN in CASE")
			return nil
		}
	}
	for p.err == nil && p.tok().is("WHEN") {
		w := p.next()
		cond := p.operand(w, true, p.parseExpr)
		if p.err != nil {
			return nil
		}
		if !p.tok().is("THEN") {
			p.unexpected("THEN after the WHEN condition")
			return nil
		}
		th := p.next()
		then := p.operand(th, true, p.parseExpr)
		c.Whens = append(c.Whens, &When{Cond: cond, Then: then, Sp: Span{w.pos, p.prevEnd()}})
	}
	if p.err != nil {
		return nil
	}
	what := "WHEN, ELSE or END in CASE"
	if p.tok().is("ELSE") {
		e := p.next()
		c.Else = p.operand(e, true, p.parseExpr)
		if p.err != nil {
			return nil
		}
		what = "END to close CASE"
	}
	if !p.tok().is("END") {
		p.unexpected(what)
		return nil
	}
	p.next()
	c.Sp = Span{kw.pos, p.prevEnd()}
	return c
}

// parseCast parses CAST(x AS type).
func (p *parser) parseCast() Expr {
	kw := p.next()
	if !p.tok().is("(") {
		p.unexpected(`"(" after CAST`)
		return nil
	}
	open := p.next()
	if !p.enter() {
		return nil
	}
	defer p.leave()
	x := p.operand(open, true, p.parseExpr)
	if p.err != nil {
		return nil
	}
	if !p.tok().is("AS") {
		p.unexpected("AS in CAST")
		return nil
	}
	p.next()
	name := p.tok()
	if name.kind != tIdent || isKeyword(name.text) {
		p.fail(name.span(), "expected type name after AS, found "+name.describe(),
			"valid types are "+strings.Join(typeNames, ", "))
		return nil
	}
	p.next()
	var params []int
	hasParams := false
	if p.tok().is("(") {
		hasParams = true
		p.next()
		for {
			n := p.tok()
			if n.kind != tInt {
				p.unexpected("a number in the type parameters")
				return nil
			}
			p.next()
			v, err := strconv.Atoi(n.text)
			if err != nil {
				v = 1 << 30
			}
			params = append(params, v)
			if p.tok().is(",") {
				p.next()
				continue
			}
			if p.tok().is(")") {
				p.next()
				break
			}
			p.unexpected(`"," or ")" in the type parameters`)
			return nil
		}
	}
	toSpan := Span{name.pos, p.prevEnd()}
	to, te := resolveType(name.text, params, hasParams, true)
	if te != nil {
		p.failCode(toSpan, codeUnknownType, te.msg, te.hint)
		return nil
	}
	if !p.tok().is(")") {
		p.unexpected(`")" to close CAST`)
		return nil
	}
	p.next()
	return &Cast{Sp: Span{kw.pos, p.prevEnd()}, X: x, To: to, ToSpan: toSpan}
}

// parseName parses name or qual.name.
func (p *parser) parseName() Expr {
	first := p.next()
	if !p.tok().is(".") {
		return &Col{Sp: first.span(), Name: first.val}
	}
	dot := p.next()
	n := p.tok()
	if n.kind == tQIdent || (n.kind == tIdent && !isKeyword(n.text)) {
		p.next()
		return &Col{Sp: Span{first.pos, n.end}, Qual: first.val, Name: n.val}
	}
	if n.kind == tIdent {
		p.fail(n.span(), fmt.Sprintf("expected column name after %q, found %s", first.val+".", n.describe()),
			fmt.Sprintf("quote a column named %s with backticks: %s.`%s`", n.text, first.val, n.text))
		return nil
	}
	p.fail(n.span(), fmt.Sprintf("expected column name after %q, found %s", first.val+dot.text, n.describe()), "")
	return nil
}

// numberLit builds a numeric literal from token t (text possibly with a
// folded minus sign) and checks its range.
func (p *parser) numberLit(t token, start int, text string) Expr {
	sp := Span{start, t.end}
	lit := &Lit{Sp: sp, Text: text}
	digits := strings.TrimLeft(strings.TrimPrefix(text, "-"), "0")
	switch t.kind {
	case tInt:
		lit.Kind = LitInt
		if len(digits) > MaxDecimalPrecision {
			p.failCode(sp, codeBadLiteral, fmt.Sprintf("integer %s has more than %d digits", text, MaxDecimalPrecision),
				"write it as a double, e.g. 1.5e40")
			return nil
		}
	case tDecimal:
		lit.Kind = LitDecimal
		if pr, _ := decimalLitType(text); pr > MaxDecimalPrecision {
			p.failCode(sp, codeBadLiteral, fmt.Sprintf("decimal %s has more than %d digits", text, MaxDecimalPrecision),
				"write it as a double, e.g. 1.5e3 or 1.5D")
			return nil
		}
	case tDouble:
		lit.Kind = LitDouble
		if _, err := strconv.ParseFloat(strings.TrimRight(text, "dD"), 64); err != nil {
			p.failCode(sp, codeBadLiteral, fmt.Sprintf("double %s is out of range", text), "")
			return nil
		}
	}
	return lit
}

func (p *parser) failCode(sp Span, code diag.ID, msg, hint string) {
	if p.err == nil {
		p.err = &Error{Span: sp, Code: code, Msg: msg, Hint: hint}
	}
}

// parseTypedLit parses DATE 'yyyy-mm-dd' or TIMESTAMP 'yyyy-mm-dd hh:mm[:ss[.f]]'.
func (p *parser) parseTypedLit() Expr {
	kw := p.next()
	s := p.next()
	sp := Span{kw.pos, s.end}
	if kw.is("DATE") {
		v, ok := ParseDateLiteral(s.val)
		if !ok {
			p.failCode(s.span(), codeBadLiteral, fmt.Sprintf("invalid date %s", s.text), "write a date as 'YYYY-MM-DD'")
			return nil
		}
		return &Lit{Sp: sp, Kind: LitDate, Text: p.src[sp.Start:sp.End], Str: v}
	}
	v, ok := ParseTimestampLiteral(s.val)
	if !ok {
		p.failCode(s.span(), codeBadLiteral, fmt.Sprintf("invalid timestamp %s", s.text), "write a timestamp as 'YYYY-MM-DD HH:MM[:SS[.ffffff]]'")
		return nil
	}
	return &Lit{Sp: sp, Kind: LitTimestamp, Text: p.src[sp.Start:sp.End], Str: v}
}
