package expr

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
)

// Column is a column visible to an expression. Qual is "" for a column of
// the step's main input and the alias for a column of a joined input.
type Column struct {
	Qual, Name string
	Type       Type
}

// Scope is what an expression can see: the columns of the step's main
// input (Qual "") and of its join aliases.
type Scope struct {
	Columns Row
}

// Options select the context an expression is checked in.
type Options struct {
	// AllowAggregates is true only for the measures of an aggregate step.
	AllowAggregates bool
	// GroupKeys, with AllowAggregates, are the by: columns: a bare column
	// outside an aggregate call must be one of them.
	GroupKeys []string
	// Window is true only for the measures of a window step: the
	// expression is one call of a window function or of a windowed
	// aggregate (IsWindowMeasure), over ordinary expressions.
	Window bool
}

// checker holds the state of one Check.
type checker struct {
	sc   *Scope
	opts Options
	errs []*Error
	agg  string // name of the enclosing aggregate call, "" outside one
	root Expr   // the expression Check was given
}

// Check resolves the column references of e in sc, applies the type rules,
// sets the T field of every node and returns e's type with every error it
// found (an operand whose type is unknown because of an earlier error does
// not cause further errors). Name resolution:
//
//   - alias.col must match a column of that alias exactly (names are
//     case-sensitive); an unknown alias is an error naming the known ones;
//   - a bare col is the main input's column of that name if there is one,
//     else the only joined column of that name; several is ambiguous;
//     none is an error with a "did you mean" over the visible names.
//
// Check also replaces the name of a call of an alias (substr) by the
// canonical name (substring).
func Check(e Expr, sc *Scope, opts Options) (Type, []*Error) {
	if e == nil {
		return Type{}, nil
	}
	if sc == nil {
		sc = &Scope{}
	}
	c := &checker{sc: sc, opts: opts, root: e}
	if opts.Window {
		c.windowMeasure(e)
	}
	return c.expr(e), c.errs
}

// windowMeasure reports a window measure that is not a call of a window
// function or windowed aggregate, unless a call inside it will say so.
func (c *checker) windowMeasure(e Expr) {
	if n, ok := e.(*Call); ok {
		f, known := LookupFunc(n.Name)
		if _, refused := refusedFuncs[strings.ToLower(n.Name)]; !known || refused || f.Window || f.Aggregate {
			return // call reports it
		}
	} else {
		inner := false
		Walk(e, func(x Expr) bool {
			if n, ok := x.(*Call); ok {
				if f, known := LookupFunc(n.Name); known && (f.Window || f.Aggregate) {
					inner = true
				}
			}
			return !inner
		})
		if inner {
			return
		}
	}
	c.report(e.Span(), codeWindowMeasure, windowMeasureHint,
		"a window measure is one call of a window function or of count, sum, avg, min or max")
}

const windowMeasureHint = "window measures: row_number(), rank(), dense_rank(), lag, lead, first_value, last_value, count, sum, avg, min, max; compute other columns in a derive"

func (c *checker) report(sp Span, code diag.ID, hint, format string, args ...any) {
	c.errs = append(c.errs, &Error{Span: sp, Code: code, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// expr checks e and returns its type, which it also stores in e.
func (c *checker) expr(e Expr) Type {
	switch n := e.(type) {
	case *Lit:
		n.T = litType(n)
		return n.T
	case *Col:
		n.T = c.col(n)
		return n.T
	case *Unary:
		n.T = c.unary(n)
		return n.T
	case *Binary:
		n.T = c.binary(n)
		return n.T
	case *IsNull:
		c.expr(n.X)
		n.T = typBoolean
		return n.T
	case *In:
		n.T = c.in(n)
		return n.T
	case *Between:
		n.T = c.between(n)
		return n.T
	case *Like:
		n.T = c.like(n)
		return n.T
	case *Case:
		n.T = c.caseExpr(n)
		return n.T
	case *Cast:
		n.T = c.cast(n)
		return n.T
	case *Call:
		n.T = c.call(n)
		return n.T
	}
	return Type{}
}

// litType is the type of a literal (see LitKind).
func litType(l *Lit) Type {
	switch l.Kind {
	case LitNull:
		return Type{Kind: Null}
	case LitBool:
		return typBoolean
	case LitInt:
		return intLitType(l.Text)
	case LitDecimal:
		return DecimalOf(decimalLitType(l.Text))
	case LitDouble:
		return typDouble
	case LitString:
		return typString
	case LitDate:
		return typDate
	case LitTimestamp:
		return Type{Kind: Timestamp}
	}
	return Type{}
}

// col resolves a column reference.
func (c *checker) col(n *Col) Type {
	cols := c.sc.Columns
	if n.Qual != "" {
		aliasSeen := false
		var names []string
		for _, col := range cols {
			if col.Qual != n.Qual {
				continue
			}
			aliasSeen = true
			if col.Name == n.Name {
				c.grouped(n)
				return col.Type
			}
			names = append(names, col.Name)
		}
		if !aliasSeen {
			c.unknownAlias(n)
			return Type{}
		}
		hint := ""
		if s := Suggest(n.Name, names); s != "" {
			hint = fmt.Sprintf("did you mean %q?", n.Qual+"."+s)
		}
		c.report(n.Sp, codeUnknownColumn, hint, "unknown column %q in %s", n.Name, n.Qual)
		return Type{}
	}
	switch col, found := cols.Resolve("", n.Name); found {
	case 1:
		c.grouped(n)
		return col.Type
	case 0:
		c.unknownColumn(n)
		return Type{}
	}
	var qs []string
	for _, m := range cols {
		if m.Name == n.Name {
			qs = append(qs, m.QualName())
		}
	}
	c.report(n.Sp, codeAmbiguous, "qualify it, e.g. "+qs[0], "ambiguous column %q: it could be %s", n.Name, strings.Join(qs, ", "))
	return Type{}
}

func (c *checker) unknownAlias(n *Col) {
	var aliases []string
	seen := map[string]bool{}
	for _, col := range c.sc.Columns {
		if col.Qual != "" && !seen[col.Qual] {
			seen[col.Qual] = true
			aliases = append(aliases, col.Qual)
		}
	}
	if len(aliases) == 0 {
		c.report(n.Sp, codeUnknownAlias, "qualify a column only with the as: name of a join of this step",
			"unknown alias %q: no join alias is visible here", n.Qual)
		return
	}
	hint := ""
	if s := Suggest(n.Qual, aliases); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	c.report(n.Sp, codeUnknownAlias, hint, "unknown alias %q: the aliases here are %s", n.Qual, strings.Join(aliases, ", "))
}

func (c *checker) unknownColumn(n *Col) {
	var names []string
	seen := map[string]bool{}
	for _, col := range c.sc.Columns {
		if !seen[col.Name] {
			seen[col.Name] = true
			names = append(names, col.Name)
		}
	}
	hint := ""
	if s := Suggest(n.Name, names); s != "" {
		var forms []string
		for _, col := range c.sc.Columns {
			if col.Name != s {
				continue
			}
			if col.Qual == "" {
				forms = []string{s}
				break
			}
			forms = append(forms, col.Qual+"."+s)
		}
		for i := range forms {
			forms[i] = fmt.Sprintf("%q", forms[i])
		}
		hint = fmt.Sprintf("did you mean %s?", strings.Join(forms, " or "))
	}
	c.report(n.Sp, codeUnknownColumn, hint, "unknown column %q", n.Name)
}

// grouped checks that a column outside an aggregate call in an aggregate
// measure is a group key.
func (c *checker) grouped(n *Col) {
	if !c.opts.AllowAggregates || c.agg != "" {
		return
	}
	name := n.Name
	if n.Qual != "" {
		name = n.Qual + "." + n.Name
	}
	for _, k := range c.opts.GroupKeys {
		if k == name {
			return
		}
	}
	text := Format(n)
	c.report(n.Sp, codeNotGrouped, fmt.Sprintf("aggregate it, e.g. max(%s), or add it to by:", text),
		"column %q is neither a group key nor inside an aggregate function", name)
}
