package expr

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

var allCodes = []diag.ID{
	codeSyntax, codeUnknownColumn, codeAmbiguous, codeUnknownAlias, codeUnknownFunc, codeArgCount,
	codeArgType, codeOperandType, codeAggNotAllowed, codeNotGrouped, codeNestedAgg, codeBadCast,
	codeUnknownType, codeTooDeep, codeNoCommonType, codeBadLiteral, codeNotConstant, codeBadDateFormat,
	codeBadLikePattern, codeBadStar, codeBadRegex, codeWindowNotAllowed, codeWindowMeasure,
}

// TestCodesDeclared checks that the codes used here and the FC3xx table of
// spec/diag are the same set.
func TestCodesDeclared(t *testing.T) {
	used := map[string]bool{}
	for _, code := range allCodes {
		id := code.String()
		if used[id] {
			t.Errorf("code %s used twice", id)
		}
		used[id] = true
		c, ok := diag.Lookup(id)
		if !ok {
			t.Errorf("code %s is not declared in spec/diag", id)
			continue
		}
		if c.Severity != diag.Error || c.Summary == "" {
			t.Errorf("code %s: %+v", id, c)
		}
	}
	for _, c := range diag.Codes() {
		if strings.HasPrefix(c.ID, "FC3") && !used[c.ID] {
			t.Errorf("spec/diag declares %s, which spec/expr never reports", c.ID)
		}
	}
}

// TestEveryCodeReported produces each code from one expression.
func TestEveryCodeReported(t *testing.T) {
	examples := map[diag.ID]struct {
		src  string
		opts Options
	}{
		codeSyntax:           {"a > > 1", Options{}},
		codeUnknownColumn:    {"dely", Options{}},
		codeAmbiguous:        {"name", Options{}},
		codeUnknownAlias:     {"x.name", Options{}},
		codeUnknownFunc:      {"uper(origin)", Options{}},
		codeArgCount:         {"upper()", Options{}},
		codeArgType:          {"upper(1)", Options{}},
		codeOperandType:      {"origin + 1", Options{}},
		codeAggNotAllowed:    {"count(*)", Options{}},
		codeNotGrouped:       {"delay", aggOpts},
		codeNestedAgg:        {"max(min(delay))", aggOpts},
		codeBadCast:          {"CAST(flight_date AS int)", Options{}},
		codeUnknownType:      {"CAST(delay AS integer)", Options{}},
		codeTooDeep:          {strings.Repeat("(", 200), Options{}},
		codeNoCommonType:     {"coalesce(delay, origin)", Options{}},
		codeBadLiteral:       {"DATE '2001-02-30'", Options{}},
		codeNotConstant:      {"round(delay, delay)", Options{}},
		codeBadDateFormat:    {"to_date(origin, 'yyyy')", Options{}},
		codeBadLikePattern:   {`origin LIKE '\a'`, Options{}},
		codeBadStar:          {"abs(*)", Options{}},
		codeBadRegex:         {`rlike(origin, '(?<=a)b')`, Options{}},
		codeWindowNotAllowed: {"row_number() > 1", Options{}},
		codeWindowMeasure:    {"delay - lag(delay)", Options{Window: true}},
	}
	for _, code := range allCodes {
		ex, ok := examples[code]
		if !ok {
			t.Errorf("no example for %s", code)
			continue
		}
		e, errs := Parse(ex.src)
		if e != nil {
			_, errs = Check(e, testScope(), ex.opts)
		}
		if len(errs) == 0 || errs[0].Code != code {
			t.Errorf("%q: got %v, want %s", ex.src, errs, code)
		}
	}
}
