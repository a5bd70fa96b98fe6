package engine

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

func TestLineFilter(t *testing.T) {
	src := &ir.Source{Name: "s", Columns: []expr.Column{{Name: "a", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}},
		{Name: "b", Type: expr.Type{Kind: expr.Bigint}}, {Name: "d", Type: expr.Type{Kind: expr.Double}}, {Name: "t", Type: expr.Type{Kind: expr.String}}}}
	col := func(n string) expr.Expr { return &expr.Col{Name: n} }
	lit := func(v string) expr.Expr { return &expr.Lit{Kind: expr.LitInt, Text: v} }
	bin := func(x expr.Expr, op string, y expr.Expr) expr.Expr { return &expr.Binary{Op: op, X: x, Y: y} }
	str := func(v string) expr.Expr { return &expr.Lit{Kind: expr.LitString, Str: v} }
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
		// strings: = != IN; NULL (empty, the null string NA) and a line with a byte order mark are kept
		{[]expr.Expr{bin(col("s"), "=", str("JFK"))}, 1, []string{"1,LAX,1,1", "1,JFKX,1,1", "1,jfk,1,1"}, []string{"1,JFK,1,1", "1,,1,1", "1,NA,1,1", "\ufeff1,LAX,1,1"}},
		{[]expr.Expr{bin(str("JFK"), "!=", col("s"))}, 1, []string{"1,JFK,1,1"}, []string{"1,LAX,1,1"}},
		{[]expr.Expr{&expr.In{X: col("s"), List: []expr.Expr{str("JFK"), str("LAX")}}, &expr.In{X: col("a"), List: []expr.Expr{lit("1"), lit("-2")}}}, 2,
			[]string{"1,SFO,1,1", "2,JFK,1,1"}, []string{"1,JFK,1,1", "-2,LAX,1,1"}},
		{[]expr.Expr{&expr.Between{X: col("b"), Lo: lit("-1"), Hi: lit("3")}}, 2, []string{"1,x,4,1", "1,x,-2,1"}, []string{"1,x,3,1", "1,x,-1,1"}},
		// the last field of a \r\n line
		{[]expr.Expr{bin(col("t"), "=", str("JFK"))}, 1, []string{"1,x,1,1,LAX\r"}, []string{"1,x,1,1,JFK\r", "1,x,1,1,JFK"}},
		// what it cannot decide: OR, a double column, a decimal literal, a qualified column, < on strings,
		// NOT IN, NOT BETWEEN, an IN list with another expression
		{[]expr.Expr{bin(bin(col("a"), ">", lit("1")), "OR", bin(col("b"), ">", lit("1"))),
			bin(col("d"), ">", lit("1")), bin(col("a"), ">", &expr.Lit{Kind: expr.LitDecimal, Text: "1.5"}), bin(&expr.Col{Qual: "l", Name: "a"}, ">", lit("1")),
			bin(col("s"), "<", str("x")), &expr.In{X: col("a"), Not: true, List: []expr.Expr{lit("1")}}, &expr.Between{X: col("a"), Not: true, Lo: lit("1"), Hi: lit("2")},
			&expr.In{X: col("a"), List: []expr.Expr{lit("1"), col("b")}}}, 0, nil, []string{"0,y,0,0"}},
	}
	for i, c := range cases {
		f := newLineFilter(src, c.conds)
		if len(f) != c.n {
			t.Errorf("case %d: %d conditions decided, want %d: %+v", i, len(f), c.n, f)
		}
		for _, l := range c.reject {
			if !f.rejects([]byte(l), ',', []byte("NA")) {
				t.Errorf("case %d: keeps %q", i, l)
			}
		}
		for _, l := range c.keep {
			if f.rejects([]byte(l), ',', []byte("NA")) {
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
	for _, cond := range []string{"delay > 60", "delay > 60 and origin != 'DTW'", "delay > 60 and origin in ('DTW', 'HNL', 'LAX', 'ORD') and distance between 200 and 2500", "delay > 60 and date >= '2001-01-01 12:00' and date <= TIMESTAMP '2001-01-03 20:00:00'"} {
		t.Run(cond, func(t *testing.T) { testScanFilterSame(t, cond) })
	}
}

func testScanFilterSame(t *testing.T, cond string) {
	text := exampleSpec(t, func(s string) string {
		return strings.Replace(s, "      - filter: delay > 60\n", "      - filter: "+cond+"\n", 1)
	})
	run := func(filter bool) (string, []inputFile) {
		filterLines = filter
		defer func() { filterLines = true }()
		f := newFixture(t, text)
		f.edit(t, day2, 2, "2001-01-02 00:27,61,2399,HNL,SFO")
		f.edit(t, day2, 3, "2001-01-02 06:17,60,719,DCA,STL")
		f.edit(t, day2, 4, "2001-01-02 06:18,,719,DCA,STL")
		f.edit(t, day2, 5, "2001-01-02 06:19,-61,719,DCA,STL")
		f.edit(t, "flights/year=2001/month=01/day=03/flights.csv", 3, `2001-01-03 07:00,90,500,"LAX",SFO`)
		var said []string
		r := &runner{pl: f.pl, opts: Options{SpecDir: f.dir, Warehouse: f.wh, Progress: func(m string) { said = append(said, m) }}, now: time.Now}
		if _, err := r.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The progress says what the scan dropped.
		if reading := strings.Join(said, "\n"); filter != strings.Contains(reading, "dropped early by the filter it is read with") {
			t.Errorf("filter %v, progress:\n%s", filter, reading)
		}
		return f.tables(t), r.inputs["flights"].files
	}
	with, files := run(true)
	without, _ := run(false)
	if with != without {
		t.Errorf("with the scan's filter:\n%s\nwithout:\n%s", with, without)
	}
	if cond == "delay > 60" && (!strings.Contains(with, "| 61 |") || strings.Contains(with, "| 60 |")) {
		t.Errorf("delay 61 loaded, 60 not: %s", with)
	}
	if strings.Count(with, "\n") < 10 {
		t.Errorf("too few rows to tell: %s", with)
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

// The filter never rejects a line whose row duckDB's WHERE keeps: random
// lines and conditions, each decided by both.
func TestLineFilterAgreesWithDuckDB(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	src := &ir.Source{Name: "s", Columns: []expr.Column{{Name: "a", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}},
		{Name: "ts", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "d", Type: expr.Type{Kind: expr.Date}}}}
	col := func(n string) expr.Expr { return &expr.Col{Name: n} }
	lit := func(v int) expr.Expr { return &expr.Lit{Kind: expr.LitInt, Text: strconv.Itoa(v)} }
	// canonical texts of dates and timestamps around a few days and hours
	day := func() string { return fmt.Sprintf("2001-0%d-%02d", 1+2*rng.Intn(2), 27+rng.Intn(4)) }
	stamp := func() string {
		d := day()
		switch rng.Intn(6) {
		case 0:
			return d
		case 1:
			return fmt.Sprintf("%s %02d:%02d", d, rng.Intn(2)*23, rng.Intn(2)*59)
		case 2:
			return fmt.Sprintf("%sT%02d:00", d, rng.Intn(2)*23)
		case 3:
			return fmt.Sprintf("%s 00:00:%02d", d, rng.Intn(2))
		case 4:
			return fmt.Sprintf("%s 00:00:00.%s", d, []string{"0", "5", "000001", "10"}[rng.Intn(4)])
		}
		return fmt.Sprintf("%s 23:59:59.999999", d)
	}
	str := func(v string) expr.Expr { return &expr.Lit{Kind: expr.LitString, Str: v} }
	var lines []string
	for i := 0; i < 400; i++ {
		a := []string{strconv.Itoa(rng.Intn(141) - 70), "", "NA"}[min(rng.Intn(8), 2)]
		s := []string{"JFK", "LAX", "", "NA", "jfk", "JFK "}[rng.Intn(6)]
		ts := []string{stamp(), ""}[min(rng.Intn(8), 1)]
		d := []string{day(), "NA"}[min(rng.Intn(8), 1)]
		lines = append(lines, a+","+s+","+ts+","+d)
	}
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, []byte("a,s,ts,d\n"+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conn := memConn(t)
	ctx := context.Background()
	ops := []string{"=", "!=", "<", "<=", ">", ">="}
	for i := 0; i < 200; i++ {
		k, k2 := rng.Intn(141)-70, rng.Intn(141)-70
		var e expr.Expr
		var q string
		tsLit := func() (expr.Expr, string) {
			v := stamp()
			canon, _ := expr.ParseTimestampLiteral(v)
			if rng.Intn(2) == 0 {
				return &expr.Lit{Kind: expr.LitTimestamp, Str: canon}, "TIMESTAMP '" + canon + "'"
			}
			return str(v), "TIMESTAMP '" + canon + "'"
		}
		dLit := func() (expr.Expr, string) {
			v := day()
			return &expr.Lit{Kind: []expr.LitKind{expr.LitDate, expr.LitString}[rng.Intn(2)], Str: v}, "DATE '" + v + "'"
		}
		switch rng.Intn(10) {
		case 9:
			c := []string{"a", "s", "ts", "d"}[rng.Intn(4)]
			not := rng.Intn(2) == 0
			e, q = &expr.IsNull{X: col(c), Not: not}, c+map[bool]string{false: " IS NULL", true: " IS NOT NULL"}[not]
		case 5:
			op := ops[rng.Intn(len(ops))]
			l, lq := tsLit()
			e, q = &expr.Binary{Op: op, X: col("ts"), Y: l}, "ts "+op+" "+lq
		case 6:
			l1, q1 := tsLit()
			l2, q2 := tsLit()
			e, q = &expr.In{X: col("ts"), List: []expr.Expr{l1, l2}}, "ts IN ("+q1+", "+q2+")"
		case 7:
			l1, q1 := tsLit()
			l2, q2 := tsLit()
			e, q = &expr.Between{X: col("ts"), Lo: l1, Hi: l2}, "ts BETWEEN "+q1+" AND "+q2
		case 8:
			op := ops[rng.Intn(len(ops))]
			l, lq := dLit()
			e, q = &expr.Binary{Op: op, X: l, Y: col("d")}, lq+" "+op+" d"
		case 0:
			op := ops[rng.Intn(len(ops))]
			e, q = &expr.Binary{Op: op, X: col("a"), Y: lit(k)}, fmt.Sprintf("a %s %d", op, k)
		case 1:
			e, q = &expr.In{X: col("a"), List: []expr.Expr{lit(k), lit(k2)}}, fmt.Sprintf("a IN (%d, %d)", k, k2)
		case 2:
			e, q = &expr.Between{X: col("a"), Lo: lit(min(k, k2)), Hi: lit(max(k, k2))}, fmt.Sprintf("a BETWEEN %d AND %d", min(k, k2), max(k, k2))
		case 3:
			op := ops[rng.Intn(2)]
			e, q = &expr.Binary{Op: op, X: str("JFK"), Y: col("s")}, fmt.Sprintf("'JFK' %s s", op)
		default:
			e, q = &expr.In{X: col("s"), List: []expr.Expr{str("LAX"), str("jfk")}}, "s IN ('LAX', 'jfk')"
		}
		f := newLineFilter(src, []expr.Expr{e})
		if len(f) == 0 {
			t.Fatalf("%s: not decided", q)
		}
		rows, err := conn.QueryContext(ctx, `SELECT coalesce(`+q+`, false) FROM read_csv(`+sqlString(path)+`, columns = {'a': 'INTEGER', 's': 'VARCHAR', 'ts': 'TIMESTAMP', 'd': 'DATE'}, header = true, delim = ',', quote = '"', escape = '"', nullstr = ['NA', ''], auto_detect = false, parallel = false)`)
		if err != nil {
			t.Fatal(err)
		}
		n, rejected := 0, 0
		for rows.Next() {
			var keep bool
			if err := rows.Scan(&keep); err != nil {
				t.Fatal(err)
			}
			v := strings.Split(lines[n], ",")[f[0].col]
			switch rejects := f.rejects([]byte(lines[n]), ',', []byte("NA")); {
			case rejects && keep:
				t.Errorf("%s: rejects %q, which duckDB keeps", q, lines[n])
			case !rejects && !keep && (v != "" && v != "NA" || strings.Contains(q, "NULL")):
				// a value it reads, which the condition is false for
				t.Errorf("%s: keeps %q, which duckDB drops", q, lines[n])
			case rejects:
				rejected++
			}
			n++
		}
		rows.Close()
		if n != len(lines) {
			t.Fatalf("%s: duckDB read %d rows of %d", q, n, len(lines))
		}
		if rejected == 0 {
			t.Logf("%s: rejects nothing", q)
		}
	}
}

// The lines a filter keeps are written as they come past keptInMemory,
// and the copy holds the header and exactly those lines; a filter that
// keeps more than half of a file leaves it read whole.
func TestScanKeptLines(t *testing.T) {
	defer func(n int) { keptInMemory = n }(keptInMemory)
	keptInMemory = 1 << 12
	src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
		Columns: []expr.Column{{Name: "a", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}}}}
	dir := t.TempDir()
	var all, want strings.Builder
	all.WriteString("a,s\n")
	want.WriteString("a,s\n")
	for i := 0; i < 200000; i++ {
		line := fmt.Sprintf("%d,row%d\n", i%10, i)
		all.WriteString(line)
		if i%10 > 6 {
			want.WriteString(line)
		}
	}
	path := filepath.Join(dir, "f.csv")
	if err := os.WriteFile(path, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := func() (string, error) { return dir, nil }
	for _, c := range []struct {
		cond string
		v    string
		copy bool
	}{{">", "6", true}, {">", "3", false}} {
		files := []inputFile{{path: path, shown: path}}
		cond := &expr.Binary{Op: c.cond, X: &expr.Col{Name: "a"}, Y: &expr.Lit{Kind: expr.LitInt, Text: c.v}}
		if err := scanFiles(files, src, true, newLineFilter(src, []expr.Expr{cond}), tmp); err != nil {
			t.Fatal(err)
		}
		if f := files[0]; (f.full != "") != c.copy || f.rows != 200000 || !f.typed {
			t.Fatalf("a %s %s: copy %v (want %v), %d rows, typed %v", c.cond, c.v, f.full != "", c.copy, f.rows, f.typed)
		}
		if !c.copy {
			continue
		}
		got, err := os.ReadFile(files[0].path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Errorf("the copy: %d bytes, want %d", len(got), want.Len())
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "kept", "*")); len(left) != 1 {
		t.Errorf("files left in kept/: %q, want the one copy", left)
	}
}
