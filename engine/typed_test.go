package engine

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// runMode runs ir with the typed read allowed or not, and returns the
// sources read typed.
func runMode(t *testing.T, pl *ir.IR, opts Options, textOnly bool) (typed string, err error) {
	t.Helper()
	r := &runner{pl: pl, opts: opts, now: time.Now, textOnly: textOnly}
	_, err = r.run(context.Background())
	return strings.Join(r.typed, ","), err
}

// The typed read loads what the text path loads: the example, and a source
// of every type with canonical values and NULLs in two partitions.
func TestTypedRunEqualsText(t *testing.T) {
	t.Run("example", func(t *testing.T) {
		var got [2]string
		for i, textOnly := range []bool{false, true} {
			f := newFixture(t, exampleSpec(t, nil))
			typed, err := runMode(t, f.pl, Options{SpecDir: f.dir, Warehouse: f.wh}, textOnly)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]string{false: "flights,airports", true: ""}[textOnly]; typed != want {
				t.Fatalf("text only %v: typed reads of %q, want %q", textOnly, typed, want)
			}
			got[i] = f.tables(t)
		}
		if got[0] != got[1] {
			t.Errorf("typed:\n%s\ntext:\n%s", got[0], got[1])
		}
	})
	t.Run("every type", func(t *testing.T) {
		types := map[string]expr.Type{
			"b boolean": {Kind: expr.Boolean}, "i int": {Kind: expr.Int}, "l bigint": {Kind: expr.Bigint}, "x double": {Kind: expr.Double},
			"m decimal(10,2)": {Kind: expr.Decimal, Precision: 10, Scale: 2}, "d date": {Kind: expr.Date}, "ts timestamp": {Kind: expr.Timestamp},
			"s string": {Kind: expr.String},
		}
		c := semCase{Name: "types"}
		sel := &yaml.Node{Kind: yaml.MappingNode}
		rng := rand.New(rand.NewSource(2))
		var values [][]string
		for _, col := range []string{"b boolean", "i int", "l bigint", "x double", "m decimal(10,2)", "d date", "ts timestamp", "s string"} {
			name, _, _ := strings.Cut(col, " ")
			c.Columns = append(c.Columns, col)
			c.Types = append(c.Types, col)
			sel.Content = append(sel.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, &yaml.Node{Kind: yaml.ScalarNode, Value: name})
			vs := []string{"a", "Zürich", "x y"}
			if typ := types[col]; typ.Kind != expr.String {
				vs = randomCanon(rng, typ, 300)
			}
			values = append(values, vs)
		}
		c.Select = *sel
		var rows []string
		for i := 0; i < 300; i++ {
			var fields []string
			for _, vs := range values {
				v := vs[i%len(vs)]
				if rng.Intn(10) == 0 {
					v = "" // NULL
				}
				fields = append(fields, v)
			}
			rows = append(rows, strings.Join(fields, ","))
		}
		text, err := c.spec()
		if err != nil {
			t.Fatal(err)
		}
		pl := loadSpec(t, "types.yaml", text)
		var got [2][]string
		for i, textOnly := range []bool{false, true} {
			dir := t.TempDir()
			for _, p := range []string{"p=1", "p=2"} {
				if err := os.MkdirAll(filepath.Join(dir, "in", p), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeCSV(t, filepath.Join(dir, "in", "p=1", "a.csv"), c.Columns, rows[:150])
			writeCSV(t, filepath.Join(dir, "in", "p=2", "b.csv"), c.Columns, rows[150:])
			wh := filepath.Join(dir, "w.duckdb")
			typed, err := runMode(t, pl, Options{Inputs: map[string]string{"input": filepath.Join(dir, "in")}, Warehouse: wh}, textOnly)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]string{false: "input", true: ""}[textOnly]; typed != want {
				t.Fatalf("text only %v: typed reads of %q, want %q", textOnly, typed, want)
			}
			got[i] = tableRows(t, wh, "sem.out")
		}
		if len(got[0]) != 300 || strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
			t.Errorf("typed:\n%s\ntext:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
		}
	})
}

// A file with a value that is not canonical sends its source to the text
// path, which converts it as Spark does.
func TestTypedReadFallsBack(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	f.edit(t, day2, 2, "2001-01-02 00:07,129.9,508,DTW,JFK") // Spark: 129, duckDB's reader: 130
	typed, err := runMode(t, f.pl, Options{SpecDir: f.dir, Warehouse: f.wh}, false)
	if err != nil {
		t.Fatal(err)
	}
	if typed != "airports" {
		t.Errorf("typed reads of %q, want airports only", typed)
	}
	if rows := tableRows(t, f.wh, "airlines.delayed_flights_fact"); !strings.Contains(strings.Join(rows, "\n"), "2001-01-02 00:07:00 | 3 | 129 | 1 | NULL | 508") {
		t.Errorf("no delay 129 in:\n%s", strings.Join(rows, "\n"))
	}
}

// A typed read that fails (here: a file changed after it was checked, just
// before the typed reader reads it) is run again on the text path, which
// names the bad line; nothing is loaded.
func TestTypedReadRetries(t *testing.T) {
	// The typed read must read the file itself, not a copy the scan made
	// of the lines the filter keeps (prefilter.go).
	filterLines = false
	t.Cleanup(func() { filterLines = true })
	f := newFixture(t, exampleSpec(t, nil))
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	before := f.tables(t)
	edited := false
	opts := Options{SpecDir: f.dir, Warehouse: f.wh, Progress: func(msg string) {
		if strings.HasPrefix(msg, "reading flights") && !edited {
			edited = true
			f.edit(t, day2, 5, "2001-01-02 06:00,abc,100,LAX,SFO")
		}
	}}
	_, err := Run(context.Background(), f.pl, opts)
	var ie *InputError
	want := filepath.Join(f.dir, "data", day2) + `:5: column delay: "abc" is not a valid int`
	if !errors.As(err, &ie) || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if !edited {
		t.Error("the file was not changed during the run")
	}
	if after := f.tables(t); after != before {
		t.Errorf("the warehouse changed:\n%s\nwas:\n%s", after, before)
	}
}

// A failure that does not depend on the read (here: the warehouse has other
// columns) is not run again.
func TestTypedNoRetry(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	f.pl = loadSpec(t, "flights.yaml", exampleSpec(t, replace("max_delay: integer}", "max_delay: bigint}")))
	var msgs []string
	_, err := Run(context.Background(), f.pl, Options{SpecDir: f.dir, Warehouse: f.wh, Progress: func(msg string) { msgs = append(msgs, msg) }})
	if err == nil || !strings.Contains(err.Error(), "destructive change not allowed") {
		t.Fatalf("got %v", err)
	}
	for _, m := range msgs {
		if strings.Contains(m, "running it again") {
			t.Errorf("the run was run again: %q", m)
		}
	}
}
