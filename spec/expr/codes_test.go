package expr

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

var allCodes = []diag.ID{
	CodeSyntax, CodeUnknownColumn, CodeAmbiguous, CodeUnknownAlias, CodeUnknownFunc, CodeArgCount,
	CodeArgType, CodeOperandType, CodeAggNotAllowed, CodeNotGrouped, CodeNestedAgg, CodeBadCast,
	CodeUnknownType, CodeTooDeep, CodeNoCommonType, CodeBadLiteral, CodeNotConstant, CodeBadDateFormat,
	CodeBadLikePattern, CodeBadStar, CodeBadRegex, CodeWindowNotAllowed, CodeWindowMeasure,
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
		CodeSyntax:           {"a > > 1", Options{}},
		CodeUnknownColumn:    {"dely", Options{}},
		CodeAmbiguous:        {"name", Options{}},
		CodeUnknownAlias:     {"x.name", Options{}},
		CodeUnknownFunc:      {"uper(origin)", Options{}},
		CodeArgCount:         {"upper()", Options{}},
		CodeArgType:          {"upper(1)", Options{}},
		CodeOperandType:      {"origin + 1", Options{}},
		CodeAggNotAllowed:    {"count(*)", Options{}},
		CodeNotGrouped:       {"delay", aggOpts},
		CodeNestedAgg:        {"max(min(delay))", aggOpts},
		CodeBadCast:          {"CAST(flight_date AS int)", Options{}},
		CodeUnknownType:      {"CAST(delay AS integer)", Options{}},
		CodeTooDeep:          {strings.Repeat("(", 200), Options{}},
		CodeNoCommonType:     {"coalesce(delay, origin)", Options{}},
		CodeBadLiteral:       {"DATE '2001-02-30'", Options{}},
		CodeNotConstant:      {"round(delay, delay)", Options{}},
		CodeBadDateFormat:    {"to_date(origin, 'yyyy')", Options{}},
		CodeBadLikePattern:   {`origin LIKE '\a'`, Options{}},
		CodeBadStar:          {"abs(*)", Options{}},
		CodeBadRegex:         {`rlike(origin, '(?<=a)b')`, Options{}},
		CodeWindowNotAllowed: {"row_number() > 1", Options{}},
		CodeWindowMeasure:    {"delay - lag(delay)", Options{Window: true}},
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
