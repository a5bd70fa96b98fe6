package engine

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// canonCases are texts of each type: canonical ones (duckDB's typed reader
// must read them as the text path converts them) and others (the checker
// must refuse them: most are read otherwise by one of the two).
var canonCases = []struct {
	typ      expr.Type
	canon    []string
	notCanon []string
}{
	{expr.Type{Kind: expr.Int},
		[]string{"0", "1", "-1", "9", "10", "66", "-15", "2147483647", "-2147483648", "1000000000"},
		[]string{"1.5", "1e2", " 12", "12 ", "+5", "007", "-0", "00", "1_000", "0x10", "2147483648", "-2147483649", "-", "1-", "12a", "٣"}},
	{expr.Type{Kind: expr.Bigint},
		[]string{"0", "-7", "2147483648", "9223372036854775807", "-9223372036854775808"},
		[]string{"9223372036854775808", "-9223372036854775809", "1.0", "1e3", "+1", "01"}},
	{expr.Type{Kind: expr.Double},
		[]string{"0", "0.0", "-0", "-0.0", "1", "0.1", "-123.456", "3.141592653589793", "0.30000000000000004", "123456789012345678901234",
			"0.0000000000000000000001", "9007199254740993", "1.7976931348623157", "00012.50"},
		[]string{"1e5", ".5", "5.", "+1", "NaN", "Infinity", "inf", "1,5", "1d", "1f", "0x1p3", " 1", "1 ", "1234567890123456789012345", "--1", "1.2.3"}},
	{expr.Type{Kind: expr.Decimal, Precision: 10, Scale: 2},
		[]string{"0", "1.5", "-0.00", "99999999.99", "-99999999.99", "00000001.10", "12", "0.01"},
		[]string{"1.555", "123456789.1", "1e2", "+1", ".5", "1.", " 1"}},
	{expr.Type{Kind: expr.Decimal, Precision: 5, Scale: 5},
		[]string{"0.12345", "0", "-0.5", "000.1", "0.0"},
		[]string{"1", "1.0", "0.123456"}},
	{expr.Type{Kind: expr.Decimal, Precision: 38, Scale: 10},
		[]string{"1234567890123456789012345678.0123456789", "-0.0000000001", "5"},
		[]string{"12345678901234567890123456789", "0.00000000001"}},
	{expr.Type{Kind: expr.Boolean},
		[]string{"true", "false", "t", "f", "1", "0"},
		[]string{"TRUE", "True", "yes", "y", "n", "no", "2", " true", "on"}},
	{expr.Type{Kind: expr.Date},
		[]string{"2001-01-17", "2000-02-29", "1900-02-28", "9999-12-31", "1000-01-01", "2024-12-31"},
		[]string{"2001-1-7", "2001-02-29", "1900-02-29", "2001-13-01", "2001-00-10", "2001-01-00", "2001-04-31", "0999-01-01", "2001-01-17 ",
			"2001-01-17T00:00", "2001-01-17 06:05", "20010117", "2001/01/17", "+2001-01-17"}},
	{expr.Type{Kind: expr.Timestamp},
		[]string{"2001-01-17 06:05", "2001-01-17T06:05", "2001-01-17", "2001-01-17 06:05:07", "2001-01-17 06:05:07.1",
			"2001-01-17 06:05:07.123456", "2001-01-17T23:59:59.999999", "2000-02-29 00:00", "1000-01-01 00:00:00", "9999-12-31 23:59:59.999999"},
		[]string{"2001-01-17 24:00", "2001-01-17 06:60", "2001-01-17 06:05:60", "2001-01-17 6:05", "2001-01-17 06:05:07.1234567",
			"2001-01-17 06:05+02", "2001-01-17 06:05Z", "2001-01-17  06:05", "2001-01-17 06:05:07.", "2001-01-17 06", "2001-01-17 06:05 ",
			"2001-01-17x06:05", "2001-02-30 00:00", "epoch", "now", "infinity", "2001-01-17 06:05:07,5"}},
}

func TestCanonValue(t *testing.T) {
	for _, c := range canonCases {
		col := canonColumn(c.typ)
		for _, v := range c.canon {
			if !canonValue(&col, []byte(v)) {
				t.Errorf("%s %q: not canonical, want canonical", c.typ, v)
			}
		}
		for _, v := range c.notCanon {
			if v != "" && canonValue(&col, []byte(v)) {
				t.Errorf("%s %q: canonical, want not", c.typ, v)
			}
		}
	}
}

// randomCanon makes n random canonical texts of a type.
func randomCanon(rng *rand.Rand, t expr.Type, n int) []string {
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + rng.Intn(10))
		}
		if k > 1 && b[0] == '0' {
			b[0] = '1'
		}
		return string(b)
	}
	sign := func() string {
		if rng.Intn(2) == 0 {
			return "-"
		}
		return ""
	}
	day := func() string {
		return fmt.Sprintf("%04d-%02d-%02d", 1000+rng.Intn(9000), 1+rng.Intn(12), 1+rng.Intn(28))
	}
	var out []string
	for len(out) < n {
		var v string
		switch t.Kind {
		case expr.Int:
			v = sign() + digits(1+rng.Intn(9))
		case expr.Bigint:
			v = sign() + digits(1+rng.Intn(18))
		case expr.Double:
			k := 1 + rng.Intn(20)
			v = sign() + digits(k)
			if f := rng.Intn(22 - k); f > 0 {
				v += "." + digits(f)
			}
		case expr.Decimal:
			v = sign() + "0"
			if t.Precision > t.Scale {
				v = sign() + digits(1+rng.Intn(t.Precision-t.Scale))
			}
			if t.Scale > 0 && rng.Intn(4) > 0 {
				v += "." + digits(1+rng.Intn(t.Scale))
			}
		case expr.Boolean:
			v = []string{"true", "false", "t", "f", "1", "0"}[rng.Intn(6)]
		case expr.Date:
			v = day()
		case expr.Timestamp:
			v = day() + []string{" ", "T"}[rng.Intn(2)] + fmt.Sprintf("%02d:%02d", rng.Intn(24), rng.Intn(60))
			if rng.Intn(2) == 0 {
				v += fmt.Sprintf(":%02d", rng.Intn(60))
				if rng.Intn(2) == 0 {
					v += "." + digits(1+rng.Intn(6))
				}
			}
		}
		if col := canonColumn(t); v != "-0" && canonValue(&col, []byte(v)) {
			out = append(out, v)
		}
	}
	return out
}

// duckDB's typed CSV reader reads every canonical text, quoted or not, as
// the text path converts it (Spark's CAST): the ground the typed read
// stands on.
func TestTypedReadAgrees(t *testing.T) {
	ctx := context.Background()
	conn := memConn(t)
	for _, m := range macroStatements() {
		if _, err := conn.ExecContext(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	for i, c := range canonCases {
		values := append(append([]string(nil), c.canon...), randomCanon(rng, c.typ, 2000)...)
		path := filepath.Join(dir, fmt.Sprintf("c%d.csv", i))
		if err := os.WriteFile(path, []byte("v,n\n"+numbered(values)), 0o644); err != nil {
			t.Fatal(err)
		}
		src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
			Columns: []expr.Column{{Name: "v", Type: c.typ}, {Name: "n", Type: expr.Type{Kind: expr.Int}}}}
		in := &input{src: src, files: []inputFile{{path: path}}}
		if err := scanFile(&in.files[0], src, true, nil, make([]byte, 1<<16)); err != nil || !in.files[0].typed || in.files[0].rows != int64(len(values)) {
			t.Fatalf("%s: the file is not typed (%+v, %v)", c.typ, in.files[0], err)
		}
		raw, err := rawRelation(in, in.files)
		if err != nil {
			t.Fatal(err)
		}
		conv, err := castText("v", c.typ)
		if err != nil {
			t.Fatal(err)
		}
		q := "SELECT x.v, CAST(t.v AS VARCHAR), CAST(x.c AS VARCHAR) FROM " + typedRelation(in, false) + " AS t JOIN (SELECT v, n, " + conv + " AS c FROM " + raw +
			") AS x ON t.n = CAST(x.n AS INTEGER) ORDER BY t.n"
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", c.typ, err)
		}
		n := 0
		for rows.Next() {
			var text string
			var typed, exact sql.NullString
			if err := rows.Scan(&text, &typed, &exact); err != nil {
				t.Fatal(err)
			}
			n++
			if !exact.Valid || typed != exact {
				t.Errorf("%s %q: typed reader %v, text path %v", c.typ, text, typed, exact)
			}
		}
		rows.Close()
		if n != len(values) {
			t.Errorf("%s: %d rows, want %d", c.typ, n, len(values))
		}
	}
}

// numbered makes the lines of a CSV file of the values and their numbers;
// every other value is quoted.
func numbered(values []string) string {
	var b strings.Builder
	for i, v := range values {
		if i%2 == 1 {
			v = `"` + v + `"`
		}
		fmt.Fprintf(&b, "%s,%d\n", v, i)
	}
	return b.String()
}

// The checker decides the same whatever the chunks the file comes in.
func TestCanonChecker(t *testing.T) {
	src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`, Null: "NA"},
		Columns: []expr.Column{{Name: "ts", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "n", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}}}}
	good := "2001-01-17 06:05,12,LAX\n2001-01-17 06:05:07,-3,\n,,x\nNA,NA,NA\n2001-01-17,0,é\n"
	// The file's rows when it is typed; -1 when it is not.
	cases := map[string]int64{
		good:                                   5,
		"":                                     0,
		strings.TrimSuffix(good, "\n"):         5,
		strings.Repeat(good, 5000):             25000,
		"2001-01-17 06:05,12\n":                -1, // a field missing
		"2001-01-17 06:05,12,a,b\n":            -1, // one too many
		"2001-01-17 06:05,12,a\n\n":            -1, // an empty line
		"2001-01-17 06:05,1.5,a\n":             -1,
		"2001-01-17 06:05,12,a\r\n":            1,
		"2001-01-17 06:05,12\r\n":              -1,
		"2001-01-17 06:05,12,\r\n":             1,
		"2001-01-17 06:05,12,a\r\r\n":          -1,
		"2001-01-17 06:05,12,a\rb\n":           -1,
		"2001-01-17 06:05,12,a\r":              1, // \r is a newline to duckDB
		"\r\n2001-01-17 06:05,12,a\r\n":        -1,
		"2001-01-17 06:05\r\n,12,a\n":          -1,
		strings.ReplaceAll(good, "\n", "\r\n"): 5,
		"2001-01-17 06:05,12,a\x00\n":          -1,
		"2001-01-17 06:05,12,\xff\n":           -1,
		"2001-01-17 06:05,12,a\\b\n":           1,
		"2001-01-17 24:00,12,a\n":              -1,
		"2001-01-17 06:05,NAN,a\n":             -1,
		good + "2001-01-17 06:05,x,a\n":        -1,
		"2001-01-17 06:05,12," + strings.Repeat("a", maxCanonLine+10) + "\n": -1,
		// Quotes.
		good + `2001-01-17 06:05,12,"a, ""b"""` + "\n" + good: 11,
		`"2001-01-17 06:05","12","x"` + "\r\n":                1,
		`2001-01-17 06:05,12,""` + "\n":                       1,
		`2001-01-17 06:05,"",x` + "\n":                        -1, // duckDB's NULL, the text path's ''
		`2001-01-17 06:05,"NA",x` + "\n":                      -1,
		`2001-01-17 06:05,"1.5",x` + "\n":                     -1,
		`2001-01-17 06:05,12,"a` + "\n" + `b"` + "\n":         -1, // a newline in quotes
		`2001-01-17 06:05,12,"a"b` + "\n":                     -1,
		`2001-01-17 06:05,12,a"b"` + "\n":                     -1,
		`2001-01-17 06:05,12,"a` + "\n":                       -1,
		`"2001-01-17 06:05,12",x` + "\n":                      -1,
		`2001-01-17 06:05,"12" ,x` + "\n":                     -1,
	}
	for text, want := range cases {
		for _, size := range []int{1, 3, 7, 64, 1 << 20} {
			c := newCanonChecker(src)
			for off := 0; off < len(text); off += size {
				c.add([]byte(text[off:min(off+size, len(text))]))
			}
			got := int64(-1)
			if c.done() {
				got = c.rows
			}
			if got != want {
				t.Errorf("%.50q in chunks of %d: %d rows, want %d (-1: not typed)", text, size, got, want)
			}
		}
	}
	// A quote character of its own escape is needed for quoted fields.
	s := *src
	s.CSV.Escape = "\\"
	c := newCanonChecker(&s)
	if c.add([]byte(`2001-01-17 06:05,12,"a"` + "\n")); c.done() {
		t.Error("a quoted field with another escape character is typed")
	}
	for _, o := range []ir.CSVOptions{{Delimiter: " "}, {Delimiter: "-"}, {Delimiter: "::"}, {Delimiter: ",", Quote: "ab"}} {
		s := *src
		s.CSV = o
		if newCanonChecker(&s) != nil {
			t.Errorf("options %+v: typed reads are off for them", o)
		}
	}
}

// scanFile tells a file's rows whether it is typed or not, header or not,
// and reads it again to count its lines when it turns out not typed.
func TestScanFileTyped(t *testing.T) {
	dir := t.TempDir()
	line := "2001-01-17 06:05,12,LAX\n"
	big := strings.Repeat(line, 100000) // more than one read
	cases := []struct {
		name, data   string
		header       bool
		rows         int64
		exact, typed bool
	}{
		{"plain", "ts,n,s\n" + line + line, true, 2, true, true},
		{"no header", line + line + line, false, 3, true, true},
		{"no header, one line without newline", strings.TrimSuffix(line, "\n"), false, 1, true, true},
		{"quotes", "ts,n,s\n" + line + `2001-01-17 06:05,12,"L,A"` + "\n", true, 2, true, true},
		{"not canonical", "ts,n,s\n" + line + "2001-01-17 06:05,1.5,LAX\n", true, 2, true, false},
		{"not canonical at the end", "ts,n,s\n" + big + "2001-01-17 06:05,1.5,LAX\n", true, 100001, true, false},
		{"not canonical, quotes", "ts,n,s\n" + line + `2001-01-17 06:05,1.5,"L,A"` + "\n", true, 0, false, false},
		{"empty lines", "ts,n,s\n" + line + "\n" + line, true, 2, true, false},
		{"crlf", "ts,n,s\r\n" + strings.ReplaceAll(big, "\n", "\r\n"), true, 100000, true, true},
	}
	buf := make([]byte, 1<<20)
	for _, c := range cases {
		src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: c.header, Delimiter: ",", Quote: `"`, Escape: `"`},
			Columns: []expr.Column{{Name: "ts", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "n", Type: expr.Type{Kind: expr.Int}}, {Name: "s", Type: expr.Type{Kind: expr.String}}}}
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".csv")
		if err := os.WriteFile(path, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, check := range []bool{true, false} {
			f := inputFile{path: path, shown: path}
			if err := scanFile(&f, src, check, nil, buf); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			rows, exact, typed := c.rows, c.exact, c.typed
			if !check {
				// The line count alone: exact without quotes.
				typed = false
				if strings.Contains(c.data, `"`) {
					rows, exact = 0, false
				}
			}
			if f.rows != rows || f.exact != exact || f.typed != typed {
				t.Errorf("%s (check %v): rows %d, exact %v, typed %v; want %d, %v, %v", c.name, check, f.rows, f.exact, f.typed, rows, exact, typed)
			}
		}
	}
}

// BenchmarkCanonChecker measures the typed check on lines like those of the
// benchmark's flights.
func BenchmarkCanonChecker(b *testing.B) {
	src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
		Columns: []expr.Column{{Name: "date", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "delay", Type: expr.Type{Kind: expr.Int}},
			{Name: "distance", Type: expr.Type{Kind: expr.Int}}, {Name: "origin", Type: expr.Type{Kind: expr.String}}, {Name: "destination", Type: expr.Type{Kind: expr.String}}}}
	rng := rand.New(rand.NewSource(3))
	var sb strings.Builder
	for sb.Len() < 8<<20 {
		fmt.Fprintf(&sb, "2001-01-%02d %02d:%02d,%d,%d,%s,%s\n", 1+rng.Intn(28), rng.Intn(24), rng.Intn(60), rng.Intn(300)-30, 50+rng.Intn(3000),
			[]string{"LAX", "SFO", "ORD", "JFK"}[rng.Intn(4)], []string{"ATL", "DTW", "SEA"}[rng.Intn(3)])
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		c := newCanonChecker(src)
		for off := 0; off < len(data); off += 1 << 20 {
			c.add(data[off:min(off+1<<20, len(data))])
		}
		if !c.done() {
			b.Fatal("not typed")
		}
	}
}

// The common values lines takes at once are typed or not exactly as the
// general check (canonChecker.field) says, line by line.
func TestCanonFastPath(t *testing.T) {
	src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
		Columns: []expr.Column{{Name: "ts", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "n", Type: expr.Type{Kind: expr.Int}},
			{Name: "b", Type: expr.Type{Kind: expr.Bigint}}, {Name: "s", Type: expr.Type{Kind: expr.String}}, {Name: "m", Type: expr.Type{Kind: expr.Int}}}}
	ts := []string{"2001-01-17 06:05", "2001-01-17T06:05", "2001-01-17 24:05", "2001-02-30 06:05", "2001-01-17 06:05:07", "2001-01-17", "", "2001-1-17 06:05", "2001-01-17 6:05"}
	ints := []string{"0", "7", "-7", "-0", "00", "012", "123456789", "1234567890", "2147483647", "2147483648", "-2147483648", "", "-", "1.5", "1e3", "+1", " 1", "9223372036854775807", "9223372036854775808"}
	strs := []string{"", "LAX", "a b", "é", "12345678901234567890", "x\r"}
	ends := []string{"\n", "\r\n", ",\n", ",x\n"}
	rng := rand.New(rand.NewSource(7))
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }
	check := func(fast bool, line string) (bool, int64) {
		c := newCanonChecker(src)
		if fast {
			ok := c.lines([]byte(line))
			return ok, c.rows
		}
		// lines, every field through field
		b := []byte(line)
		if strings.Count(line, "\r") != strings.Count(line, "\r\n") {
			return false, 0
		}
		for p := 0; p < len(b); c.rows++ {
			if b[p] == '\n' || b[p] == '\r' {
				return false, 0
			}
			for i := range c.cols {
				if p = c.field(b, p, i, uint64(',')*ones); p < 0 {
					return false, 0
				}
			}
		}
		return true, c.rows
	}
	typed := 0
	for i := 0; i < 50000; i++ {
		line := strings.Join([]string{pick(ts), pick(ints), pick(ints), pick(strs), pick(ints)}, ",") + pick(ends)
		if rng.Intn(4) == 0 {
			line += line // two lines
		}
		fastOK, fastRows := check(true, line)
		ok, rows := check(false, line)
		if fastOK != ok || ok && fastRows != rows {
			t.Fatalf("%q: typed %v (%d rows) with the fast path, %v (%d rows) without", line, fastOK, fastRows, ok, rows)
		}
		if ok {
			typed++
		}
	}
	if typed < 500 {
		t.Errorf("only %d typed lines of 50000: the cases miss the fast path", typed)
	}
}
