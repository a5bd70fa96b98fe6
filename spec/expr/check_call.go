package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the type rules of CAST and of function calls; the
// per-function result rules are the result fields of the catalogue.

var numericCastTargets = []Kind{Boolean, Int, Bigint, Decimal, Double, String, Timestamp}

// castTargets lists the kinds each kind may be CAST to (Spark's
// Cast.canCast on flowc's types). As in Spark, a date does not cast to or
// from a number, nor a date or timestamp to or from boolean. A number cast to
// timestamp is seconds since 1970-01-01 00:00:00 UTC, and back.
var castTargets = map[Kind][]Kind{
	Boolean:   {Boolean, Int, Bigint, Decimal, Double, String},
	Int:       numericCastTargets,
	Bigint:    numericCastTargets,
	Decimal:   numericCastTargets,
	Double:    numericCastTargets,
	String:    {String, Boolean, Int, Bigint, Decimal, Double, Date, Timestamp},
	Date:      {Date, Timestamp, String},
	Timestamp: {Timestamp, Date, String, Int, Bigint, Decimal, Double},
}

// castable reports whether from may be CAST to to (NULL casts to anything).
func castable(from, to Type) bool {
	if from.Kind == Null || from.Kind == Unknown || to.Kind == Unknown {
		return true
	}
	for _, k := range castTargets[from.Kind] {
		if k == to.Kind {
			return true
		}
	}
	return false
}

func (c *checker) cast(n *Cast) Type {
	from := c.expr(n.X)
	if !castable(from, n.To) {
		hint := ""
		switch {
		case from.Kind == Date && n.To.IsNumeric():
			hint = fmt.Sprintf("use year(%[1]s), month(%[1]s), day(%[1]s) or datediff", Format(n.X))
		case from.IsDatetime() && n.To.Kind == Boolean:
			hint = fmt.Sprintf("test it instead, e.g. %s IS NOT NULL", Format(n.X))
		case from.IsNumeric() && n.To.Kind == Date:
			hint = "use make_date(year, month, day), or CAST to timestamp (seconds since 1970) and then to date"
		}
		c.report(n.Sp, codeBadCast, hint, "cannot cast %s to %s", from, n.To)
		return n.To
	}
	if l, ok := n.X.(*Lit); ok {
		c.checkLitCast(l, n.To)
	}
	return n.To
}

// checkLitCast checks that a literal converts to the cast's type: Spark
// turns a bad conversion into NULL at run time, DuckDB fails, so a literal
// that does not convert is an error.
func (c *checker) checkLitCast(l *Lit, to Type) {
	bad := false
	hint := ""
	switch {
	case l.Kind == LitString && to.Kind == Date:
		_, ok := ParseDateLiteral(l.Str)
		bad, hint = !ok, "write a date as 'YYYY-MM-DD'"
	case l.Kind == LitString && to.Kind == Timestamp:
		_, ok := ParseTimestampLiteral(l.Str)
		bad, hint = !ok, "write a timestamp as 'YYYY-MM-DD HH:MM[:SS[.ffffff]]'"
	case l.Kind == LitString && to.Kind == Boolean:
		s := strings.ToLower(l.Str)
		bad = s != "true" && s != "false"
		hint = "write TRUE or FALSE"
	case l.Kind == LitString && to.IsNumeric():
		bad = !isPlainNumber(l.Str, to.Kind == Double)
	case l.Kind == LitInt && to.IsIntegral():
		bits := 32
		if to.Kind == Bigint {
			bits = 64
		}
		_, err := strconv.ParseInt(l.Text, 10, bits)
		if err != nil {
			c.report(l.Sp, codeBadLiteral, "", "%s is out of range for %s", l.Text, to)
		}
		return
	}
	if bad {
		c.report(l.Sp, codeBadLiteral, hint, "%s is not a valid %s", Format(l), to)
	}
}

// isPlainNumber accepts [-+]digits[.digits], and an exponent when exp.
func isPlainNumber(s string, exp bool) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if exp && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		start := i
		for ; i < len(s) && isDigit(s[i]); i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// call checks a function call: the function exists, aggregates appear only
// where allowed and not nested, * and DISTINCT are used correctly, the
// argument count and types match the catalogue, literal-only arguments are
// literals; then the function's result rule gives the type.
func (c *checker) call(n *Call) Type {
	f, ok := LookupFunc(n.Name)
	if r, refused := refusedFuncs[strings.ToLower(n.Name)]; refused || (ok && f.Name == "unix_timestamp" && len(n.Args) == 0) {
		if !refused {
			r = refusedFuncs["current_timestamp"]
		}
		c.report(n.NameSpan, codeUnknownFunc, r[1], "%s is not supported: %s", strings.ToLower(n.Name), r[0])
		for _, a := range n.Args {
			c.expr(a)
		}
		return Type{}
	}
	if !ok {
		hint := ""
		if s := Suggest(n.Name, funcNames()); s != "" {
			hint = fmt.Sprintf("did you mean %s?", s)
		} else {
			hint = fmt.Sprintf("flowc knows %d functions, listed in docs/functions.md", len(funcs))
		}
		c.report(n.NameSpan, codeUnknownFunc, hint, "unknown function %q", n.Name)
		for _, a := range n.Args {
			c.expr(a)
		}
		return Type{}
	}
	if f.AliasOf != "" {
		n.Name = f.AliasOf
		f, _ = LookupFunc(f.AliasOf)
	}
	atRoot := c.opts.Window && Expr(n) == c.root
	if f.Window {
		switch {
		case !c.opts.Window:
			c.report(n.Sp, codeWindowNotAllowed, "compute it in a window step (window: {partition_by, order_by, measures}), then use its output",
				"window function %s is only allowed in the measures of a window step", f.Name)
		case !atRoot:
			c.report(n.Sp, codeWindowMeasure, "give it a measure of its own, then compute with it in a later derive",
				"window function %s must be the whole window measure", f.Name)
		}
	}
	if f.Aggregate && c.opts.Window {
		switch {
		case !atRoot:
			c.report(n.Sp, codeWindowMeasure, "give it a measure of its own, then compute with it in a later derive",
				"aggregate function %s must be the whole window measure", f.Name)
		case !IsWindowMeasure(f.Name):
			c.report(n.NameSpan, codeWindowMeasure, windowMeasureHint, "%s is not available as a window measure", f.Name)
		case n.Distinct:
			c.report(n.Sp, codeBadStar, "Spark has no DISTINCT window aggregates: aggregate in an aggregate step and join the result back",
				"DISTINCT is not allowed in a window measure")
		}
		saved := c.agg
		c.agg = f.Name
		defer func() { c.agg = saved }()
	} else if f.Aggregate {
		switch {
		case !c.opts.AllowAggregates && c.agg == "":
			c.report(n.Sp, codeAggNotAllowed, "aggregate in the measures of an aggregate step, then use its output",
				"aggregate function %s is only allowed in aggregate measures", f.Name)
		case c.opts.AllowAggregates && c.agg != "":
			c.report(n.Sp, codeNestedAgg, "", "aggregate function %s cannot be nested inside %s", f.Name, c.agg)
		}
		saved := c.agg
		c.agg = f.Name
		defer func() { c.agg = saved }()
	}
	if n.Star {
		if f.Name != "count" {
			c.report(n.Sp, codeBadStar, "", "* is only allowed in count(*)")
			return Type{}
		}
		return typBigint
	}
	if n.Distinct && !f.Aggregate {
		c.report(n.Sp, codeBadStar, "", "DISTINCT is only allowed in aggregate functions, not in %s", f.Name)
	}
	for _, a := range n.Args {
		c.expr(a)
	}
	if len(n.Args) < f.MinArgs || (f.MaxArgs >= 0 && len(n.Args) > f.MaxArgs) {
		sp := n.Sp
		if f.MaxArgs >= 0 && len(n.Args) > f.MaxArgs {
			sp = Span{n.Args[f.MaxArgs].Span().Start, n.Args[len(n.Args)-1].Span().End}
		}
		c.report(sp, codeArgCount, f.Sig, "%s expects %s, got %d", f.Name, arity(f), len(n.Args))
		return Type{}
	}
	types := make([]Type, len(n.Args))
	ok = true
	for i, a := range n.Args {
		p := f.param(i)
		cl := argClasses[p.class]
		t := a.Type()
		l, isLit := a.(*Lit)
		switch {
		case t.Kind == Unknown:
			ok = false
		case p.literal && (!isLit || l.Kind == LitNull):
			c.report(a.Span(), codeNotConstant, "", "%s expects a literal %s for %s", f.Name, cl.name, p.name)
			ok = false
		case t.Kind == Null:
			t = cl.null
		case !cl.accepts(t):
			hint := argHint(a, p.class)
			if p.literal {
				hint = ""
			}
			c.report(a.Span(), codeArgType, hint, "%s expects %s, got %s", f.Name, paramDesc(f, p), t)
			ok = false
		}
		types[i] = t
	}
	if !ok {
		return Type{}
	}
	return f.result(c, n, types)
}

// arity renders the accepted argument counts: "1 argument", "2 or 3
// arguments", "at least 1 argument".
func arity(f Func) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case f.MaxArgs < 0:
		return "at least " + plural(f.MinArgs)
	case f.MinArgs == f.MaxArgs:
		return plural(f.MinArgs)
	case f.MaxArgs == f.MinArgs+1:
		return fmt.Sprintf("%d or %s", f.MinArgs, plural(f.MaxArgs))
	}
	return fmt.Sprintf("%d to %s", f.MinArgs, plural(f.MaxArgs))
}

// paramDesc names what a parameter expects: "string" for a function of one
// parameter, "int for pos" otherwise.
func paramDesc(f Func, p param) string {
	name := argClasses[p.class].name
	if len(f.params) == 1 {
		return name
	}
	return name + " for " + p.name
}

// argHint suggests a conversion of a to the parameter's class.
func argHint(a Expr, class argClass) string {
	var to Type
	switch class {
	case argString:
		to = typString
	case argInt:
		to = typInt
	case argNumeric:
		to = typDouble
	case argDate:
		to = typDate
	case argTimestamp:
		to = Type{Kind: Timestamp}
	default:
		return ""
	}
	return castHint(a, to)
}
