package engine

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// The semantics suite: testdata/semantics/*.yaml hold cases, each an input
// table (CSV lines), a transform (a select of expressions, or steps) and
// the rows Spark SQL (Glue 4.0, non-ANSI) gives. Each case runs through
// the whole engine (spec, IR, read, transform, load) and the loaded rows
// must be the expected ones; the output types are asserted by the table's
// columns (a mismatch is a spec error). Beside each file, a .golden holds
// the Spark SQL the Glue script contains and the duckDB SQL of the local
// run for every case, so that the two translations are reviewed together.

type semFile struct {
	Cases []semCase `yaml:"cases"`
}

type semCase struct {
	Name    string    `yaml:"name"`
	Doc     string    `yaml:"doc"`
	Columns []string  `yaml:"columns"` // "name type", in file order
	Rows    []string  `yaml:"rows"`    // CSV lines, without the header
	Refs    []semRef  `yaml:"refs"`    // more sources, for joins
	Select  yaml.Node `yaml:"select"`  // name: expression (an expression case)
	Steps   yaml.Node `yaml:"steps"`   // transform steps (a step case)
	Types   []string  `yaml:"types"`   // "name type" of the output columns
	Want    []string  `yaml:"want"`    // rows, values joined by " | "
}

type semRef struct {
	Name    string   `yaml:"name"`
	Columns []string `yaml:"columns"`
	Rows    []string `yaml:"rows"`
}

// redshiftFor maps a type of the language to the Redshift type that loads
// it without conversion.
var redshiftFor = map[string]string{
	"int": "integer", "bigint": "bigint", "double": "double precision", "string": "varchar(65535)",
	"boolean": "boolean", "date": "date", "timestamp": "timestamp",
}

func (c *semCase) spec() (string, error) {
	var b strings.Builder
	b.WriteString("version: 1\npipeline: sem\nenvironments:\n  test:\n    region: us-east-1\nsources:\n")
	writeSource := func(name string, cols []string, trig bool) {
		fmt.Fprintf(&b, "  %s:\n    location: s3://flowc-sem/%s/\n", name, name)
		if trig {
			b.WriteString("    trigger: on_arrival\n")
		}
		b.WriteString("    columns:\n")
		for _, col := range cols {
			n, t, _ := strings.Cut(col, " ")
			fmt.Fprintf(&b, "      %s: %q\n", n, t)
		}
	}
	writeSource("input", c.Columns, true)
	for _, r := range c.Refs {
		writeSource(r.Name, r.Columns, false)
	}
	steps := c.Steps
	if c.Select.Kind != 0 {
		steps = yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "select"}, &c.Select}}}}
	}
	out, err := yaml.Marshal(&steps)
	if err != nil {
		return "", err
	}
	b.WriteString("transforms:\n  t:\n    from: input\n    steps:\n")
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		b.WriteString("      " + l + "\n")
	}
	b.WriteString("warehouse:\n  redshift: {workgroup: wg, database: dev, schema: sem, connection: c, iam_role: \"arn:aws:iam::111111111111:role/r\"}\n")
	b.WriteString("  tables:\n    out:\n      from: t\n")
	if strings.Contains(string(out), "aggregate:") || strings.Contains(string(out), "dedupe:") || strings.Contains(string(out), "window:") {
		// append would be FC413: the rows depend on several files.
		var names []string
		for _, col := range c.Types {
			n, _, _ := strings.Cut(col, " ")
			names = append(names, n)
		}
		fmt.Fprintf(&b, "      load: merge\n      key: [%s]\n", strings.Join(names, ", "))
	}
	b.WriteString("      columns:\n")
	for _, col := range c.Types {
		n, t, _ := strings.Cut(col, " ")
		rt := redshiftFor[t]
		if strings.HasPrefix(t, "decimal") {
			rt = t
		}
		if rt == "" {
			return "", fmt.Errorf("type %q", t)
		}
		fmt.Fprintf(&b, "        %s: %q\n", n, rt)
	}
	return b.String(), nil
}

func writeCSV(t *testing.T, path string, cols, rows []string) {
	t.Helper()
	var names []string
	for _, c := range cols {
		n, _, _ := strings.Cut(c, " ")
		names = append(names, n)
	}
	data := strings.Join(append([]string{strings.Join(names, ",")}, rows...), "\n") + "\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadSpec loads and lowers a spec text, failing the test on errors.
func loadSpec(t *testing.T, name, text string) *ir.IR {
	t.Helper()
	_, irs, ds := spec.LoadAll(name, []byte(text))
	if ds.HasErrors() {
		t.Fatalf("spec errors:\n%v\nspec:\n%s", ds.Error(), text)
	}
	return irs[0]
}

// tableRows renders a warehouse table's rows, sorted, values joined by " | ".
func tableRows(t *testing.T, warehouse, table string) []string {
	t.Helper()
	db, err := sql.Open("duckdb", warehouse+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	probe, err := db.Query("SELECT * FROM " + table + " LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := probe.Columns()
	probe.Close()
	var items []string
	for _, c := range cols {
		items = append(items, "CAST("+duck.Ident(c)+" AS VARCHAR)")
	}
	rows, err := db.Query("SELECT " + strings.Join(items, ", ") + " FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, v := range vals {
			if !v.Valid {
				s = append(s, "NULL")
			} else {
				s = append(s, v.String)
			}
		}
		out = append(out, strings.Join(s, " | "))
	}
	sort.Strings(out)
	return out
}

func TestSemantics(t *testing.T) {
	files, _ := filepath.Glob("testdata/semantics/*.yaml")
	if len(files) == 0 {
		t.Fatal("no semantics cases")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var sf semFile
		if err := yaml.Unmarshal(data, &sf); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var sqlText strings.Builder
		for _, c := range sf.Cases {
			text, err := c.spec()
			if err != nil {
				t.Fatalf("%s %s: %v", file, c.Name, err)
			}
			t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml")+"/"+c.Name, func(t *testing.T) {
				dir := t.TempDir()
				pl := loadSpec(t, c.Name+".yaml", text)
				inputs := map[string]string{"input": filepath.Join(dir, "input.csv")}
				writeCSV(t, inputs["input"], c.Columns, c.Rows)
				for _, r := range c.Refs {
					inputs[r.Name] = filepath.Join(dir, r.Name+".csv")
					writeCSV(t, inputs[r.Name], r.Columns, r.Rows)
				}
				wh := filepath.Join(dir, "w.duckdb")
				if _, err := Run(context.Background(), pl, Options{Inputs: inputs, Warehouse: wh}); err != nil {
					t.Fatalf("run: %v", err)
				}
				got := tableRows(t, wh, "sem.out")
				want := append([]string(nil), c.Want...)
				sort.Strings(want)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s\ngot:\n  %s\nwant:\n  %s", c.Doc, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
				}
			})
			sqlText.WriteString(caseSQL(t, c.Name, c.Doc, text))
		}
		golden.Check(t, strings.TrimSuffix(file, ".yaml")+".golden", []byte(sqlText.String()))
	}
}

// caseSQL renders the Spark SQL and the duckDB SQL of a case's transform.
func caseSQL(t *testing.T, name, doc, text string) string {
	pl, ds := spec.Load(name+".yaml", []byte(text), "")
	if ds.HasErrors() {
		return "-- " + name + ": spec errors\n\n"
	}
	if pl == nil {
		t.Fatalf("%s: the spec has several environments", name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: %s\n", name, doc)
	for _, dl := range []sqlgen.Dialect{sqlgen.Spark, duckDB{}} {
		qs, err := sqlgen.TransformSQL(dl, pl, pl.Transform("t"), dl.Ident)
		if err != nil {
			fmt.Fprintf(&b, "-- %s: error: %v\n", dl.Name(), err)
			continue
		}
		for _, q := range qs {
			fmt.Fprintf(&b, "-- %s\n%s;\n", dl.Name(), q.SQL)
		}
	}
	return b.String() + "\n"
}
