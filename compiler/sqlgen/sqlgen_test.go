package sqlgen_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/ir"
)

// TestSparkSQLGolden renders, for every spec under compiler/testdata/sparksql/, the
// SQL of each transform, table and check in the Spark dialect, and compares
// it with <spec>.sql next to it.
func TestSparkSQLGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/sparksql/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no specs under compiler/testdata/sparksql: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			pl := testspec.IR(t, f, name+".yaml", "dev")
			golden.Check(t, strings.TrimSuffix(f, ".yaml")+".sql", []byte(planSQL(t, sqlgen.Spark, pl)))
		})
	}
}

// planSQL renders the whole plan of a pipeline in one dialect.
func planSQL(t *testing.T, d sqlgen.Dialect, pl *ir.IR) string {
	t.Helper()
	var b strings.Builder
	input := func(n string) string { return d.Ident(n) }
	for _, s := range pl.Sources {
		sql, err := sqlgen.SourceSQL(d, s, d.Ident("raw_"+s.Name))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("-- source " + s.Name + "\n" + sql + ";\n\n")
	}
	for _, tr := range pl.Transforms {
		qs, err := sqlgen.TransformSQL(d, pl, tr, input)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			b.WriteString("-- transform " + q.Name + "\n" + q.SQL + ";\n\n")
		}
	}
	for _, tb := range pl.Tables {
		rows, err := sqlgen.TableRowsSQL(d, pl, tb, input)
		if err != nil {
			t.Fatal(err)
		}
		load, err := sqlgen.TableSQL(d, pl, tb, input)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("-- table " + tb.Name + ": rows\n" + rows + ";\n\n")
		b.WriteString("-- table " + tb.Name + ": load\n" + load + ";\n\n")
		for _, c := range sqlgen.LoadChecks(tb) {
			sql, err := sqlgen.CheckSQL(d, tb, c, d.Ident("rows"))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("-- table " + tb.Name + ": check " + c.Name + "\n" + sql + ";\n\n")
		}
		sql, _, err := sqlgen.LengthCheckSQL(d, tb, d.Ident("rows"))
		if err != nil {
			t.Fatal(err)
		}
		if sql != "" {
			b.WriteString("-- table " + tb.Name + ": lengths\n" + sql + ";\n\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestCheckBroken(t *testing.T) {
	one, three := 1, 3
	rc := &ir.Check{Kind: ir.CheckRowCount, Min: &one, Max: &three}
	for n, want := range map[int64]bool{0: true, 1: false, 3: false, 4: true} {
		if got := sqlgen.CheckBroken(rc, n); got != want {
			t.Errorf("row_count [1,3] with %d: broken = %v", n, got)
		}
	}
	nn := &ir.Check{Kind: ir.CheckNotNull}
	if sqlgen.CheckBroken(nn, 0) || !sqlgen.CheckBroken(nn, 1) {
		t.Error("not_null is broken by any row")
	}
}
