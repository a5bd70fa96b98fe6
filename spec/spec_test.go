package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

func TestExampleIsValid(t *testing.T) {
	src, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, irs, ds := LoadAll("flights.yaml", src)
	// The one warning: airport_delays' merge key does not cover the
	// partition columns (FC414, at the key; issue 16 requirement 3).
	if all := ds.Sorted(); len(all) != 1 || all[0].Code != diag.FC414.String() || all[0].Pos.Line != 136 || all[0].Pos.Col != 13 {
		t.Fatalf("example has diagnostics other than FC414 at 136:13:\n%s", ds.Error())
	}
	pl := irs[0]
	got := map[string]string{}
	for _, c := range pl.Transform("airport_delays").Schema {
		got[c.Name] = c.Type.String()
	}
	want := map[string]string{"flight_date": "date", "dep_airport": "string", "flights": "bigint", "routes": "bigint", "avg_delay": "double", "max_delay": "int", "worst_route": "string"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("airport_delays.%s: got %q, want %q", k, got[k], v)
		}
	}
	if tb := pl.Tables[0]; tb.Trigger == nil || tb.Trigger.Name != "flights" {
		t.Errorf("delayed_flights_fact trigger: %+v", tb.Trigger)
	}
}

// TestScalarPositions: an error inside a quoted, escaped or multi-line YAML
// scalar maps to the right line and column.
func TestScalarPositions(t *testing.T) {
	cases := []struct {
		yaml      string
		needle    string // text inside the scalar whose position we ask for
		line, col int
	}{
		{"k: delay > > 60\n", "> 60", 1, 12},
		{"k: 'it''s ${env}'\n", "${env}", 1, 11},
		{"k: \"a\\tb ${env}\"\n", "${env}", 1, 10},
		{"k: \"é ${env}\"\n", "${env}", 1, 7},
		{"k: |\n  abc\n    ${env}\n", "${env}", 3, 5},
		{"k: >-\n  one\n  two ${env}\n", "${env}", 3, 7},
		{"k: plain\n  folded ${env}\n", "${env}", 2, 10},
		{"k:\n  - \"x\"\n  - \"y ${env}\"\n", "${env}", 3, 8},
	}
	for _, c := range cases {
		f := &File{}
		_ = f
		var got Pos
		found := false
		d := &decoder{file: "t.yaml", src: []byte(c.yaml)}
		root := parseNode(t, c.yaml)
		walkScalars(root, func(n *scalarNode) {
			s := d.str(n.node, "x")
			if i := strings.Index(s.Raw, c.needle); i >= 0 && n.node.Value != "" && n.isValue {
				got, found = s.PosAt(i), true
			}
		})
		if !found {
			t.Errorf("%q: needle %q not found", c.yaml, c.needle)
			continue
		}
		if got.Line != c.line || got.Col != c.col {
			t.Errorf("%q: %q at %d:%d, want %d:%d", c.yaml, c.needle, got.Line, got.Col, c.line, c.col)
		}
	}
}

func TestRedshiftAssignable(t *testing.T) {
	ty := func(s string) expr.Type {
		x, err := expr.ParseType(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	cases := []struct {
		from, to   string
		ok, narrow bool
	}{
		{"int", "integer", true, false},
		{"int", "smallint", false, true},
		{"bigint", "integer", false, true},
		{"bigint", "bigint", true, false},
		{"bigint", "double precision", true, false},
		{"double", "integer", false, true},
		{"double", "double precision", true, false},
		{"timestamp", "date", false, true},
		{"date", "timestamp", true, false},
		{"decimal(10,2)", "decimal(12,2)", true, false},
		{"decimal(10,2)", "decimal(10,1)", false, true},
		{"decimal(10,2)", "decimal(10,4)", false, true},
		{"string", "varchar(3)", true, false},
		{"string", "integer", false, false},
		{"int", "varchar(10)", false, false},
		{"boolean", "boolean", true, false},
	}
	for _, c := range cases {
		rt, err := ParseRedshiftType(c.to)
		if err != nil {
			t.Fatal(err)
		}
		ok, narrow, _ := assignable(ty(c.from), rt)
		if ok != c.ok || narrow != c.narrow {
			t.Errorf("%s -> %s: ok=%v narrow=%v, want %v %v", c.from, c.to, ok, narrow, c.ok, c.narrow)
		}
	}
}

func TestSchedules(t *testing.T) {
	good := []string{"cron(0 6 * * ? *)", "cron(0/15 * ? * MON-FRI *)", "cron(0 12 L * ? 2030)", "rate(1 hour)", "rate(5 minutes)"}
	bad := []string{"cron(0 6 * * * *)", "cron(0 6 * *)", "cron(61 6 * * ? *)", "rate(1 hours)", "rate(0 minutes)", "every day"}
	for _, s := range good {
		if msg := checkSchedule(s); msg != "" {
			t.Errorf("%s: %s", s, msg)
		}
	}
	for _, s := range bad {
		if checkSchedule(s) == "" {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestBucketNames(t *testing.T) {
	for _, s := range []string{"acme-flights-landing-dev", "a.b.c", "abc"} {
		if p := bucketNameProblem(s); p != "" {
			t.Errorf("%s: %s", s, p)
		}
	}
	for _, s := range []string{"ab", "Abc", "a_b", "-ab", "a..b", "192.168.1.1", "xn--abc", "abc-s3alias", strings.Repeat("a", 64)} {
		if bucketNameProblem(s) == "" {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestExpand(t *testing.T) {
	e := &Environment{Name: Str{Raw: "prod"}, Params: []*Param{{Name: Str{Raw: "b"}, Value: Str{Raw: "bucket-${env}"}}}}
	if got := expandString("s3://${params.b}/x/${env}/${params.zz}", e); got != "s3://bucket-prod/x/prod/${params.zz}" {
		t.Errorf("got %q", got)
	}
}

// genSpec writes a valid spec with n sources, n transforms and n tables.
func genSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\npipeline: big\nenvironments:\n  dev:\n    region: us-east-1\n    params: {bucket: big-landing-dev}\nsources:\n")
	for i := 0; i < n; i++ {
		trig := "none"
		if i == 0 {
			trig = "on_arrival"
		}
		fmt.Fprintf(&b, "  s%d:\n    location: s3://${params.bucket}/raw/s%d/\n    partitions: [day]\n    trigger: %s\n    columns: {id: bigint, amount: double, name: string, ts: timestamp}\n", i, i, trig)
	}
	b.WriteString("transforms:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  t%d:\n    from: s%d\n    steps:\n      - filter: amount > %d and name is not null\n      - derive:\n          big: amount * 2\n          label: upper(trim(name))\n      - select: {day: day, id: id, total: big + 1, label: label, d: cast(ts as date)}\n", i, i, i)
	}
	b.WriteString("warehouse:\n  redshift: {workgroup: wg, database: dev, schema: big, connection: rs, iam_role: \"arn:aws:iam::111111111111:role/r\"}\n  tables:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    tb%d:\n      from: t%d\n      load: append\n      columns: {day: varchar(10), id: bigint, total: double precision, label: varchar(64), d: date}\n      checks:\n        - not_null: [id]\n", i, i)
	}
	return []byte(b.String())
}

func TestGeneratedSpecIsValid(t *testing.T) {
	_, ds := Load("big.yaml", genSpec(20), "")
	if ds.HasErrors() {
		t.Fatal(ds.Error())
	}
}

func benchLoad(b *testing.B, src []byte) {
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		if _, ds := Load("x.yaml", src, ""); ds.HasErrors() {
			b.Fatal(ds.Error())
		}
	}
}

func BenchmarkLoadExample(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "flights.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	benchLoad(b, src)
}

func BenchmarkLoad100(b *testing.B) { benchLoad(b, genSpec(100)) }
func BenchmarkLoad500(b *testing.B) { benchLoad(b, genSpec(500)) }

func FuzzLoad(f *testing.F) {
	if src, err := os.ReadFile("../examples/flights.yaml"); err == nil {
		f.Add(src)
	}
	if cases, _ := filepath.Glob("../testdata/validate/*/spec.yaml"); len(cases) > 0 {
		for _, c := range cases {
			if src, err := os.ReadFile(c); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("0:\r\r0"))                // CR-only line ends (issue 9 item 9)
	f.Add([]byte("a: [\u2028\u2028"))       // LS counts as a line break in yaml.v3
	f.Add([]byte("a: \"x\r\n\r\n\xc2\x85")) // CRLF and NEL inside an unclosed scalar
	f.Add([]byte("version: 1\nsources: {a: {columns: {b: \"\\u00e9\"}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := diag.LineCount(src) // the printer's count, which is yaml.v3's
		_, ds := Load("f.yaml", src, "")
		for _, d := range ds.Sorted() {
			if d.Pos.Line < 0 || d.Pos.Line > lines || d.Pos.Col < 0 {
				t.Fatalf("diagnostic outside the file (%d lines): %v", lines, d)
			}
			if d.Code == "" || d.Message == "" {
				t.Fatalf("diagnostic without code or message: %v", d)
			}
		}
	})
}
