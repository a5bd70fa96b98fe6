package expr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

// tree renders e with every operator node in parentheses, to show the
// grouping the parser chose.
func tree(e Expr) string {
	switch n := e.(type) {
	case *Unary:
		if n.Op == "NOT" {
			return "(NOT " + tree(n.X) + ")"
		}
		return "(-" + tree(n.X) + ")"
	case *Binary:
		return "(" + tree(n.X) + " " + n.Op + " " + tree(n.Y) + ")"
	case *IsNull:
		return "(" + tree(n.X) + " IS" + not(n.Not) + " NULL)"
	case *In:
		var items []string
		for _, x := range n.List {
			items = append(items, tree(x))
		}
		return "(" + tree(n.X) + not(n.Not) + " IN [" + strings.Join(items, ", ") + "])"
	case *Between:
		return "(" + tree(n.X) + not(n.Not) + " BETWEEN " + tree(n.Lo) + " AND " + tree(n.Hi) + ")"
	case *Like:
		return "(" + tree(n.X) + not(n.Not) + " LIKE " + tree(n.Pattern) + ")"
	case *Call:
		var items []string
		for _, x := range n.Args {
			items = append(items, tree(x))
		}
		return n.Name + "[" + strings.Join(items, ", ") + "]"
	}
	return Format(e)
}

func mustParse(t *testing.T, src string) Expr {
	t.Helper()
	e, errs := Parse(src)
	if len(errs) > 0 {
		t.Fatalf("Parse(%q): %v", src, errs[0])
	}
	return e
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a OR b AND c", "(a OR (b AND c))"},
		{"a AND b OR c", "((a AND b) OR c)"},
		{"a OR b OR c", "((a OR b) OR c)"},
		{"NOT a AND b", "((NOT a) AND b)"},
		{"NOT a = b", "(NOT (a = b))"},
		{"NOT NOT a", "(NOT (NOT a))"},
		{"NOT a IS NULL", "(NOT (a IS NULL))"},
		{"a = b IS NULL", "((a = b) IS NULL)"},
		{"a + 1 = b * 2", "((a + 1) = (b * 2))"},
		{"a || b = c", "((a || b) = c)"},
		{"a || b + c", "((a || b) + c)"},
		{"a + b || c", "((a + b) || c)"},
		{"a - b - c", "((a - b) - c)"},
		{"a - b * c % d", "(a - ((b * c) % d))"},
		{"a / b / c", "((a / b) / c)"},
		{"-a * b", "((-a) * b)"},
		{"-a.b", "(-a.b)"},
		{"- -a", "(-(-a))"},
		{"-5 * a", "(-5 * a)"},
		{"a - -5", "(a - -5)"},
		{"2 - 1", "(2 - 1)"},
		{"a BETWEEN 1 AND 2 AND b", "((a BETWEEN 1 AND 2) AND b)"},
		{"a NOT BETWEEN b + 1 AND c * 2", "(a NOT BETWEEN (b + 1) AND (c * 2))"},
		{"x = a BETWEEN 1 AND 2", "((x = a) BETWEEN 1 AND 2)"},
		{"a IN (1, 2) OR b NOT IN (3)", "((a IN [1, 2]) OR (b NOT IN [3]))"},
		{"a IN (b OR c)", "(a IN [(b OR c)])"},
		{"a LIKE 'x%' || b", "(a LIKE ('x%' || b))"},
		{"a NOT LIKE b AND c", "((a NOT LIKE b) AND c)"},
		{"a IS NOT NULL AND b IS NULL", "((a IS NOT NULL) AND (b IS NULL))"},
		{"(a OR b) AND c", "((a OR b) AND c)"},
		{"f(a, b + 1) * 2", "(f[a, (b + 1)] * 2)"},
		{"a <> b", "(a != b)"},
		{"a == b", "(a = b)"},
		{"a >= b", "(a >= b)"},
	}
	for _, tt := range tests {
		if got := tree(mustParse(t, tt.src)); got != tt.want {
			t.Errorf("%q parsed as %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	tests := []struct{ src, want string }{
		{"delay > 60", "delay > 60"},
		{"delay>60 and origin='JFK'", "delay > 60 AND origin = 'JFK'"},
		{"cast(date as date)", "CAST(date AS date)"},
		{"CAST(x AS DECIMAL(10, 2))", "CAST(x AS decimal(10,2))"},
		{"count(*)", "count(*)"},
		{"COUNT(distinct dep.name)", "count(DISTINCT dep.name)"},
		{"Upper(  name )", "upper(name)"},
		{"f()", "f()"},
		{"'it''s'", "'it''s'"},
		{"'a\\b'", "'a\\b'"},
		{"`end` + `my col` + `a``b`", "`end` + `my col` + `a``b`"},
		{"`plain`", "plain"},
		{"`dep`.`name`", "dep.name"},
		{"null is null", "NULL IS NULL"},
		{"true or false", "TRUE OR FALSE"},
		{"1.5e3 + 1.5D + .5 + 5. + 007", "1.5e3 + 1.5D + .5 + 5. + 007"},
		{"- 5", "-5"},
		{"-(5)", "-(5)"},
		{"- - 5", "-(-5)"},
		{"-(-a)", "-(-a)"},
		{"-(a + b)", "-(a + b)"},
		{"a - (b - c)", "a - (b - c)"},
		{"(a - b) - c", "a - b - c"},
		{"a * (b + c)", "a * (b + c)"},
		{"(a = b) = c", "(a = b) = c"},
		{"a = (b = c)", "a = (b = c)"},
		{"(a = b) is null", "(a = b) IS NULL"},
		{"(a is null) = true", "(a IS NULL) = TRUE"},
		{"not (a and b)", "NOT (a AND b)"},
		{"(not a) and b", "NOT a AND b"},
		{"a and (b or c)", "a AND (b OR c)"},
		{"a or (b or c)", "a OR (b OR c)"},
		{"a between (1 = 1) and 3", "a BETWEEN (1 = 1) AND 3"},
		{"a not in (1, 2,3)", "a NOT IN (1, 2, 3)"},
		{"a like 'x\\_%' ", "a LIKE 'x\\_%'"},
		{"case when a then 1 when b then 2 else 3 end", "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"},
		{"case x when 1 then 'a' end", "CASE x WHEN 1 THEN 'a' END"},
		{"date '2001-01-17'", "DATE '2001-01-17'"},
		{"timestamp '2001-01-17T06:05'", "TIMESTAMP '2001-01-17 06:05:00'"},
		{"date >= '2001-01-01'", "date >= '2001-01-01'"},
		{"coalesce(a, b, 0)", "coalesce(a, b, 0)"},
		{"\n\tdelay\r\n>\t60 ", "delay > 60"},
	}
	for _, tt := range tests {
		e := mustParse(t, tt.src)
		got := Format(e)
		if got != tt.want {
			t.Errorf("Format(Parse(%q)) = %q, want %q", tt.src, got, tt.want)
			continue
		}
		if again := Format(mustParse(t, got)); again != got {
			t.Errorf("Format is not stable for %q: %q then %q", tt.src, got, again)
		}
		if tree(mustParse(t, got)) != tree(e) {
			t.Errorf("Format(%q) = %q regroups it: %s vs %s", tt.src, got, tree(mustParse(t, got)), tree(e))
		}
	}
}

func TestSpans(t *testing.T) {
	src := "upper(dep.name) || 'x' = (a + 1) AND b IS NOT NULL"
	e := mustParse(t, src)
	var got []string
	Walk(e, func(x Expr) bool {
		sp := x.Span()
		got = append(got, src[sp.Start:sp.End])
		return true
	})
	want := []string{
		src,
		"upper(dep.name) || 'x' = (a + 1)",
		"upper(dep.name) || 'x'",
		"upper(dep.name)",
		"dep.name",
		"'x'",
		"a + 1",
		"a",
		"1",
		"b IS NOT NULL",
		"b",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("spans:\n got %q\nwant %q", got, want)
	}
	b := e.(*Binary).X.(*Binary)
	if sp := b.OpSpan; src[sp.Start:sp.End] != "=" {
		t.Errorf("OpSpan = %v", sp)
	}
	call := b.X.(*Binary).X.(*Call)
	if sp := call.NameSpan; src[sp.Start:sp.End] != "upper" {
		t.Errorf("NameSpan = %v", sp)
	}

	src = "CAST( x AS decimal( 10 , 2 ) ) + CASE WHEN a THEN -1.5 END"
	e = mustParse(t, src)
	c := e.(*Binary).X.(*Cast)
	if got := src[c.ToSpan.Start:c.ToSpan.End]; got != "decimal( 10 , 2 )" {
		t.Errorf("ToSpan covers %q", got)
	}
	if got := src[c.Sp.Start:c.Sp.End]; got != "CAST( x AS decimal( 10 , 2 ) )" {
		t.Errorf("Cast span covers %q", got)
	}
	cs := e.(*Binary).Y.(*Case)
	if got := src[cs.Whens[0].Sp.Start:cs.Whens[0].Sp.End]; got != "WHEN a THEN -1.5" {
		t.Errorf("When span covers %q", got)
	}
	if got := cs.Whens[0].Then.(*Lit); got.Text != "-1.5" || src[got.Sp.Start:got.Sp.End] != "-1.5" {
		t.Errorf("negative literal %+v", got)
	}
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		src  string
		kind LitKind
		text string
		str  string
	}{
		{"NULL", LitNull, "NULL", ""},
		{"true", LitBool, "true", ""},
		{"42", LitInt, "42", ""},
		{"-42", LitInt, "-42", ""},
		{"- 42", LitInt, "-42", ""},
		{"1.5", LitDecimal, "1.5", ""},
		{".5", LitDecimal, ".5", ""},
		{"1.5e3", LitDouble, "1.5e3", ""},
		{"1E-3", LitDouble, "1E-3", ""},
		{"1.5d", LitDouble, "1.5d", ""},
		{"10D", LitDouble, "10D", ""},
		{"'it''s'", LitString, "'it''s'", "it's"},
		{"''", LitString, "''", ""},
		{"'naïve'", LitString, "'naïve'", "naïve"},
		{"DATE '2024-02-29'", LitDate, "DATE '2024-02-29'", "2024-02-29"},
		{"timestamp '2001-01-17 06:05:07.25'", LitTimestamp, "timestamp '2001-01-17 06:05:07.25'", "2001-01-17 06:05:07.25"},
	}
	for _, tt := range tests {
		l, ok := mustParse(t, tt.src).(*Lit)
		if !ok {
			t.Errorf("%q is not a literal", tt.src)
			continue
		}
		if l.Kind != tt.kind || l.Text != tt.text || l.Str != tt.str {
			t.Errorf("%q = %v %q %q, want %v %q %q", tt.src, l.Kind, l.Text, l.Str, tt.kind, tt.text, tt.str)
		}
	}
	if l := mustParse(t, "TRUE").(*Lit); !l.Bool {
		t.Error("TRUE is false")
	}
	if n := mustParse(t, "1.5D").(*Lit).Number(); n != "1.5" {
		t.Errorf("Number() = %q", n)
	}
	if n := mustParse(t, "-7").(*Lit).Number(); n != "-7" {
		t.Errorf("Number() = %q", n)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src        string
		start, end int
		code       diag.ID
		msg        string
		hint       string // substring; "" means no hint expected
	}{
		{"delay > > 60", 8, 9, codeSyntax, `expected expression after ">"`, ""},
		{"", 0, 0, codeSyntax, "expected expression", ""},
		{"   ", 3, 3, codeSyntax, "expected expression", ""},
		{"delay >", 7, 7, codeSyntax, `expected expression after ">"`, ""},
		{"origin = 'JFK", 9, 13, codeSyntax, "unterminated string literal", "close it"},
		{"a = `x", 4, 6, codeSyntax, "unterminated quoted identifier", "close it with `"},
		{"a = ``", 4, 6, codeSyntax, "empty quoted identifier", ""},
		{`a = "x"`, 4, 7, codeSyntax, "double quotes are not allowed", "single quotes"},
		{"a b", 2, 3, codeSyntax, `expected operator or end of expression, found "b"`, ""},
		{"a)", 1, 2, codeSyntax, `unexpected ")" without a matching "("`, ""},
		{"(a", 2, 2, codeSyntax, `expected ")" to close "(" at offset 0, found end of expression`, ""},
		{"(a b)", 3, 4, codeSyntax, `expected ")" to close "(" at offset 0, found "b"`, ""},
		{"a < b < c", 6, 7, codeSyntax, "comparisons cannot be chained", "AND"},
		{"a = b = c", 6, 7, codeSyntax, "comparisons cannot be chained", "AND"},
		{"a IS NULL = b", 10, 11, codeSyntax, `expected operator or end of expression, found "="`, "parentheses"},
		{"a IS NULL IS NULL", 10, 12, codeSyntax, "expected operator or end of expression, found keyword IS", "parentheses"},
		{"a IS b", 5, 6, codeSyntax, `expected NULL after IS, found "b"`, ""},
		{"a IS TRUE", 5, 9, codeSyntax, "expected NULL after IS, found keyword TRUE", "x = TRUE"},
		{"a NOT b", 6, 7, codeSyntax, `expected IN, BETWEEN or LIKE after NOT, found "b"`, ""},
		{"a IN 1", 5, 6, codeSyntax, `expected "(" after IN, found "1"`, ""},
		{"a IN ()", 6, 7, codeSyntax, `expected expression after "("`, ""},
		{"a IN (1,)", 8, 9, codeSyntax, `expected expression after ","`, ""},
		{"a IN (1 2)", 8, 9, codeSyntax, `expected "," or ")" in IN list, found "2"`, ""},
		{"a BETWEEN 1 OR 2", 12, 14, codeSyntax, "expected AND in BETWEEN, found keyword OR", ""},
		{"a BETWEEN 1 AND", 15, 15, codeSyntax, `expected expression after "AND"`, ""},
		{"a LIKE", 6, 6, codeSyntax, `expected expression after "LIKE"`, ""},
		{"a = end", 4, 7, codeSyntax, `expected expression after "="`, "`end`"},
		{"a AND", 5, 5, codeSyntax, `expected expression after "AND"`, ""},
		{"NOT", 3, 3, codeSyntax, `expected expression after "NOT"`, ""},
		{"a = NOT b", 4, 7, codeSyntax, `expected expression after "="`, "(NOT x)"},
		{"-", 1, 1, codeSyntax, `expected expression after "-"`, ""},
		{"+1", 0, 1, codeSyntax, `expected expression, found "+"`, ""},
		{"*", 0, 1, codeSyntax, `expected expression, found "*"`, ""},
		{"AND", 0, 3, codeSyntax, "expected expression, found keyword AND", ""},
		{"dep.", 4, 4, codeSyntax, `expected column name after "dep.", found end of expression`, ""},
		{"dep.end", 4, 7, codeSyntax, `expected column name after "dep.", found keyword END`, "dep.`end`"},
		{"delay AS d", 6, 8, codeSyntax, "expected operator or end of expression, found keyword AS", "names the column"},
		{"a.b.c", 3, 4, codeSyntax, `expected operator or end of expression, found "."`, ""},
		{"f(a", 3, 3, codeSyntax, `expected "," or ")" in the arguments of f, found end of expression`, ""},
		{"f(a b)", 4, 5, codeSyntax, `expected "," or ")" in the arguments of f, found "b"`, ""},
		{"f(,)", 2, 3, codeSyntax, `expected expression after "("`, ""},
		{"count(DISTINCT *)", 15, 16, codeSyntax, `expected expression after "DISTINCT"`, ""},
		{"CASE END", 5, 8, codeSyntax, `expected expression after "CASE"`, "backticks: `END`"},
		{"CASE WHEN a 1 END", 12, 13, codeSyntax, `expected THEN after the WHEN condition, found "1"`, ""},
		{"CASE WHEN a THEN 1", 18, 18, codeSyntax, "expected WHEN, ELSE or END in CASE, found end of expression", ""},
		{"CASE WHEN a THEN 1 ELSE 2", 25, 25, codeSyntax, "expected END to close CASE, found end of expression", ""},
		{"CASE x END", 7, 10, codeSyntax, "expected WHEN in CASE, found keyword END", ""},
		{"CAST x AS int", 5, 6, codeSyntax, `expected "(" after CAST, found "x"`, ""},
		{"CAST(x int)", 7, 10, codeSyntax, `expected AS in CAST, found "int"`, ""},
		{"CAST(x AS)", 9, 10, codeSyntax, `expected type name after AS, found ")"`, "valid types"},
		{"CAST(x AS int", 13, 13, codeSyntax, `expected ")" to close CAST, found end of expression`, ""},
		{"CAST(x AS decimal(10 2))", 21, 22, codeSyntax, `expected "," or ")" in the type parameters, found "2"`, ""},
		{"CAST(x AS decimal(a))", 18, 19, codeSyntax, `expected a number in the type parameters, found "a"`, ""},
		{"CAST(x AS integer)", 10, 17, codeUnknownType, `unknown type "integer"`, "use int"},
		{"CAST(x AS strng)", 10, 15, codeUnknownType, `unknown type "strng"`, "did you mean string?"},
		{"CAST(x AS blob)", 10, 14, codeUnknownType, `unknown type "blob"`, "valid types are string, int"},
		{"CAST(x AS decimal)", 10, 17, codeUnknownType, "decimal needs a precision and a scale", "decimal(10,2)"},
		{"CAST(x AS decimal(40,2))", 10, 23, codeUnknownType, "decimal precision must be between 1 and 38, got 40", ""},
		{"CAST(x AS decimal(5,6))", 10, 22, codeUnknownType, "decimal scale must be between 0 and the precision 5, got 6", ""},
		{"CAST(x AS int(3))", 10, 16, codeUnknownType, "type int takes no parameters", ""},
		{"a | b", 2, 3, codeSyntax, `unexpected "|"`, "||"},
		{"!a", 0, 1, codeSyntax, `unexpected "!"`, "NOT"},
		{"a && b", 2, 3, codeSyntax, `unexpected "&"`, "AND"},
		{"a <=> b", 2, 5, codeSyntax, `operator "<=>" is not supported`, "IS NULL"},
		{"a -- comment", 2, 4, codeSyntax, "comments are not allowed in expressions", "-(-x)"},
		{"a /* c */", 2, 4, codeSyntax, "comments are not allowed in expressions", "-(-x)"},
		{"a ; b", 2, 3, codeSyntax, `unexpected character ";"`, ""},
		{"a = 'x' é", 8, 10, codeSyntax, `unexpected character "é"`, ""},
		{"a = \xff", 4, 5, codeSyntax, "invalid UTF-8 byte", ""},
		{"a = '\xff'", 4, 7, codeSyntax, "string literal is not valid UTF-8", ""},
		{"10L", 0, 3, codeSyntax, `invalid number "10L"`, "CAST"},
		{"1e", 0, 2, codeSyntax, `invalid number "1e"`, "1.5e3"},
		{"1.5.3", 3, 5, codeSyntax, `expected operator or end of expression, found ".3"`, ""},
		{"12345678901234567890123456789012345678901", 0, 41, codeBadLiteral, "integer 12345678901234567890123456789012345678901 has more than 38 digits", "double"},
		{"-1.23456789012345678901234567890123456789", 0, 41, codeBadLiteral, "decimal -1.23456789012345678901234567890123456789 has more than 38 digits", "double"},
		{"1e999", 0, 5, codeBadLiteral, "double 1e999 is out of range", ""},
		{"DATE '2001-02-29'", 5, 17, codeBadLiteral, "invalid date '2001-02-29'", "YYYY-MM-DD"},
		{"TIMESTAMP '2001-01-01 24:00'", 10, 28, codeBadLiteral, "invalid timestamp '2001-01-01 24:00'", "HH:MM"},
		// A syntax error before a lexical one is reported first.
		{"a > > 'x", 4, 5, codeSyntax, `expected expression after ">"`, ""},
		{"a > 'x", 4, 6, codeSyntax, "unterminated string literal", "close it"},
	}
	for _, tt := range tests {
		e, errs := Parse(tt.src)
		if e != nil || len(errs) != 1 {
			t.Errorf("Parse(%q) = %v, %v; want one error", tt.src, e, errs)
			continue
		}
		err := errs[0]
		if err.Span != (Span{tt.start, tt.end}) || err.Code != tt.code || err.Msg != tt.msg {
			t.Errorf("Parse(%q):\n got %d-%d %s %q\nwant %d-%d %s %q", tt.src, err.Span.Start, err.Span.End, err.Code, err.Msg, tt.start, tt.end, tt.code, tt.msg)
		}
		if (tt.hint == "") != (err.Hint == "") || !strings.Contains(err.Hint, tt.hint) {
			t.Errorf("Parse(%q) hint = %q, want %q", tt.src, err.Hint, tt.hint)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	ok := strings.Repeat("(", maxDepth-1) + "a" + strings.Repeat(")", maxDepth-1)
	if _, errs := Parse(ok); errs != nil {
		t.Errorf("depth %d: %v", maxDepth-1, errs)
	}
	for _, src := range []string{
		strings.Repeat("(", maxDepth+1) + "a" + strings.Repeat(")", maxDepth+1),
		strings.Repeat("NOT ", 200) + "a",
		strings.Repeat("- ", 200) + "a",
		strings.Repeat("f(", 200) + "a" + strings.Repeat(")", 200),
		strings.Repeat("CASE WHEN ", 200) + "a",
		strings.Repeat("CAST(", 200) + "a",
		strings.Repeat("(", 100000),
	} {
		_, errs := Parse(src)
		if len(errs) != 1 || errs[0].Code != codeTooDeep {
			t.Errorf("Parse(%.20q...) = %v, want %s", src, errs, codeTooDeep)
			continue
		}
		if !strings.Contains(errs[0].Msg, "nested more than 100 levels") {
			t.Errorf("message %q", errs[0].Msg)
		}
	}
	// Long chains of one operator are not nesting.
	chain := "a" + strings.Repeat(" + a", 5000)
	if _, errs := Parse(chain); errs != nil {
		t.Errorf("long chain: %v", errs)
	}
}

func TestCaseInsensitiveKeywords(t *testing.T) {
	a := Format(mustParse(t, "case When x iS not nULL tHen 1 eLse 2 END"))
	if a != "CASE WHEN x IS NOT NULL THEN 1 ELSE 2 END" {
		t.Errorf("got %q", a)
	}
	// Identifiers keep their case.
	if c := mustParse(t, "Delay").(*Col); c.Name != "Delay" {
		t.Errorf("got %q", c.Name)
	}
	// Function names are lower-cased.
	if c := mustParse(t, "UPPER(x)").(*Call); c.Name != "upper" {
		t.Errorf("got %q", c.Name)
	}
}
