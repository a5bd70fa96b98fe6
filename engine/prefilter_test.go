package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

func TestLineFilter(t *testing.T) {
	src := &ir.Source{Name: "s", Columns: []expr.Column{{Name: "a", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}},
		{Name: "b", Type: expr.Type{Kind: expr.Bigint}}, {Name: "d", Type: expr.Type{Kind: expr.Double}}}}
	col := func(n string) expr.Expr { return &expr.Col{Name: n} }
	lit := func(v string) expr.Expr { return &expr.Lit{Kind: expr.LitInt, Text: v} }
	bin := func(x expr.Expr, op string, y expr.Expr) expr.Expr { return &expr.Binary{Op: op, X: x, Y: y} }
	cases := []struct {
		conds  []expr.Expr
		n      int      // conditions the filter decides
		reject []string // lines it rejects
		keep   []string // and keeps
	}{
		{[]expr.Expr{bin(col("a"), ">", lit("60"))}, 1, []string{"60,x,1,1", "-61,x,1,1", "0,x,1,1"}, []string{"61,x,1,1", ",x,1,1", "NA,x,1,1", "1.5,x,1,1", "61"}},
		// the literal first: 60 < a is a > 60
		{[]expr.Expr{bin(lit("60"), "<", col("a"))}, 1, []string{"60,x,1,1"}, []string{"61,x,1,1"}},
		{[]expr.Expr{bin(bin(col("a"), ">=", lit("-5")), "AND", bin(col("b"), "!=", lit("7")))}, 2,
			[]string{"-6,x,1,1", "0,x,7,1"}, []string{"-5,x,9223372036854775807,1", "-5,x,,1", "-5,x,6,1"}},
		{[]expr.Expr{bin(col("a"), "=", lit("3")), bin(col("b"), "<=", lit("2"))}, 2, []string{"4,x,1,1", "3,x,3,1"}, []string{"3,x,2,1", "3,x,-2,1"}},
		// what it cannot decide: OR, a string or double column, a decimal literal, a qualified column
		{[]expr.Expr{bin(bin(col("a"), ">", lit("1")), "OR", bin(col("b"), ">", lit("1"))), bin(col("s"), "=", &expr.Lit{Kind: expr.LitString, Str: "x"}),
			bin(col("d"), ">", lit("1")), bin(col("a"), ">", &expr.Lit{Kind: expr.LitDecimal, Text: "1.5"}), bin(&expr.Col{Qual: "l", Name: "a"}, ">", lit("1"))}, 0, nil, []string{"0,y,0,0"}},
	}
	for i, c := range cases {
		f := newLineFilter(src, c.conds)
		if len(f) != c.n {
			t.Errorf("case %d: %d conditions decided, want %d: %+v", i, len(f), c.n, f)
		}
		for _, l := range c.reject {
			if !f.rejects([]byte(l), ',') {
				t.Errorf("case %d: keeps %q", i, l)
			}
		}
		for _, l := range c.keep {
			if f.rejects([]byte(l), ',') {
				t.Errorf("case %d: rejects %q", i, l)
			}
		}
	}
}

// The example's flights are read through copies of the lines the filter
// (delay > 60) keeps, and load what reading every line loads: NULL,
// negative and boundary delays, a file with \r\n line ends (day=01), and
// a file with quotes, read whole (day=03).
func TestScanFilterSame(t *testing.T) {
	text := exampleSpec(t, nil)
	run := func(filter bool) (string, []inputFile) {
		filterLines = filter
		defer func() { filterLines = true }()
		f := newFixture(t, text)
		f.edit(t, day2, 2, "2001-01-02 00:27,61,2399,HNL,SFO")
		f.edit(t, day2, 3, "2001-01-02 06:17,60,719,DCA,STL")
		f.edit(t, day2, 4, "2001-01-02 06:18,,719,DCA,STL")
		f.edit(t, day2, 5, "2001-01-02 06:19,-61,719,DCA,STL")
		f.edit(t, "flights/year=2001/month=01/day=03/flights.csv", 3, `2001-01-03 07:00,90,500,"LAX",SFO`)
		r := &runner{pl: f.pl, opts: Options{SpecDir: f.dir, Warehouse: f.wh}, now: time.Now}
		if _, err := r.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return f.tables(t), r.inputs["flights"].files
	}
	with, files := run(true)
	without, _ := run(false)
	if with != without {
		t.Errorf("with the scan's filter:\n%s\nwithout:\n%s", with, without)
	}
	if !strings.Contains(with, "| 61 |") || strings.Contains(with, "| 60 |") {
		t.Errorf("delay 61 loaded, 60 not: %s", with)
	}
	copies := map[string]bool{}
	for _, f := range files {
		copies[filepath.Base(filepath.Dir(f.rel))] = f.full != ""
	}
	if want := map[string]bool{"day=01": true, "day=02": true, "day=03": false}; !equalMaps(copies, want) {
		t.Errorf("read from copies: %v, want %v (not the file with quotes)", copies, want)
	}
}

func equalMaps(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}
