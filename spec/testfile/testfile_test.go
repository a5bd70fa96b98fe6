package testfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/expr"
)

// TestSchemaAgreesWithParser: every mapping the parser reads is an object
// of schema.json with the same properties.
func TestSchemaAgreesWithParser(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(SchemaJSON(), &schema); err != nil {
		t.Fatal(err)
	}
	sets := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if p, ok := x["properties"].(map[string]any); ok {
				var keys []string
				for k := range p {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				sets[strings.Join(keys, ",")] = true
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(schema)
	for _, keys := range [][]string{topKeys, testKeys, csvKeys, expectKeys} {
		k := append([]string(nil), keys...)
		sort.Strings(k)
		if !sets[strings.Join(k, ",")] {
			t.Errorf("no object of schema.json has exactly the properties %v", k)
		}
	}
}

// TestFilesPassTheSchema: the example's tests and every golden test file
// that parses cleanly also pass the JSON Schema, so editors agree.
func TestFilesPassTheSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource("tests.json", bytes.NewReader(SchemaJSON())); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("tests.json")
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob("../../testdata/test/*/tests.yaml")
	more, _ := filepath.Glob("../../examples/tests/*.yaml")
	n := 0
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, ds := Parse(p, src); ds.HasErrors() {
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		n++
		if err := sch.Validate(value(&doc)); err != nil {
			t.Errorf("%s parses but fails the schema: %v", p, err)
		}
	}
	if n < 3 {
		t.Fatalf("only %d files checked", n)
	}
	// And the schema rejects what the parser rejects.
	for _, bad := range []string{"tests: [{name: a, target: b}]", "tests: [{name: a, target: b, expect: {rows: [], error: x}}]", "tests: [{name: a, target: b, expect: {failure: x}, given: {s: {csv: f, x: 1}}}]"} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(bad), &doc); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(value(&doc)); err == nil {
			t.Errorf("the schema accepts %s", bad)
		}
		if _, ds := Parse("t.yaml", []byte(bad)); !ds.HasErrors() {
			t.Errorf("the parser accepts %s", bad)
		}
	}
}

// value converts a YAML node to the values the validator takes; dates stay
// the strings written.
func value(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return value(n.Content[0])
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = value(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			out = append(out, value(c))
		}
		return out
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

func TestCanonical(t *testing.T) {
	dec := expr.DecimalOf(5, 2)
	for _, c := range []struct {
		text string
		t    expr.Type
		want string // "" = an error
	}{
		{"007", expr.Type{Kind: expr.Int}, "7"},
		{"-2147483648", expr.Type{Kind: expr.Int}, "-2147483648"},
		{"2147483648", expr.Type{Kind: expr.Int}, ""},
		{"2147483648", expr.Type{Kind: expr.Bigint}, "2147483648"},
		{"1.0", expr.Type{Kind: expr.Int}, ""},
		{"1.5e3", expr.Type{Kind: expr.Double}, "1500"},
		{".nan", expr.Type{Kind: expr.Double}, "NaN"},
		{"-.inf", expr.Type{Kind: expr.Double}, "-inf"},
		{"1e999", expr.Type{Kind: expr.Double}, ""},
		{"123.45", dec, "123.45"},
		{"-0123.4", dec, "-0123.4"},
		{"1234.5", dec, ""},
		{"1.234", dec, ""},
		{"1e2", dec, ""},
		{"True", expr.Type{Kind: expr.Boolean}, "true"},
		{"yes", expr.Type{Kind: expr.Boolean}, ""},
		{"2024-02-29", expr.Type{Kind: expr.Date}, "2024-02-29"},
		{"2023-02-29", expr.Type{Kind: expr.Date}, ""},
		{"2024-03-01 09:30", expr.Type{Kind: expr.Timestamp}, "2024-03-01 09:30:00"},
		{" x ", expr.Type{Kind: expr.String}, " x "},
	} {
		got, err := canonical(c.text, c.t)
		if (err == nil) != (c.want != "") || got != c.want {
			t.Errorf("Canonical(%q, %s) = %q, %v; want %q", c.text, c.t, got, err, c.want)
		}
	}
}

func s(v string) *string { return &v }

func TestCompare(t *testing.T) {
	want := &Relation{
		Columns: []expr.Column{{Name: "k"}, {Name: "v"}},
		Named:   [][]bool{{true, true}, {true, false}, {true, true}, {true, true}},
	}
	wantRows := [][]*string{{s("a"), s("1")}, {s("b"), nil}, {s("c"), s("3")}, {s("e"), nil}}
	gotCols := []string{"v", "k", "extra"}
	got := [][]*string{{s("9"), s("b"), s("x")}, {s("1"), s("a"), s("x")}, {s("4"), s("c"), nil}, {s("5"), s("d"), nil}}
	d := Compare(want, wantRows, gotCols, got, []string{"k"}, false)
	lines := strings.Join(d.Lines(), "\n")
	wantLines := strings.Join([]string{
		"- {k: e, v: NULL}  (expected at -, not computed)",
		"+ {k: d, v: 5}  (computed, not expected)",
		"~ k=c  (expected at -): v: 3 -> 4",
	}, "\n")
	if lines != wantLines {
		t.Errorf("got\n%s\nwant\n%s", lines, wantLines)
	}
	if d := Compare(want, wantRows[:2], gotCols, got[:2], nil, false); !d.Empty() {
		t.Errorf("rows in another order, a column left out: %v", d.Lines())
	}
	if d := Compare(want, wantRows[:2], gotCols, got[:2], nil, true); d.Empty() {
		t.Error("ordered: rows in another order compare equal")
	}
}

// TestScalarRoundTrip: what Generate writes reads back as the same text.
func TestScalarRoundTrip(t *testing.T) {
	for _, v := range []string{"a", "01", "true", "null", "~", "NULL", "", " x", "x ", "a: b", "a:", "c,3", "{x}", "[1]", "#x", "a #b", "-", "-1.5e3",
		"2024-03-01 09:30:00", `"q"`, "it's", "&a", "*a", "!t", "%x", "@x", "`x", "tab\there", "line\nbreak", "é"} {
		src := "tests: [{name: n, target: t, expect: {rows: [{c: " + scalar(&v) + "}]}}]"
		f, ds := Parse("t.yaml", []byte(src))
		if ds.HasErrors() || len(f.Tests) != 1 {
			t.Errorf("%q: %s does not parse: %v", v, src, ds)
			continue
		}
		c := f.Tests[0].Expect.Rows[0].Cells[0]
		if c.Null || c.Text != v {
			t.Errorf("%q written as %s reads back as %q (null %v)", v, scalar(&v), c.Text, c.Null)
		}
	}
	if scalar(nil) != "null" {
		t.Error("nil is not null")
	}
}
