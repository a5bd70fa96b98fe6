package compiler

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
)

// TestSparkSQLGolden renders, for every spec under testdata/sparksql/, the
// SQL of each transform, table and check in the Spark dialect, and compares
// it with <spec>.sql next to it.
func TestSparkSQLGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/sparksql/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no specs under testdata/sparksql: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			pl := loadTestIR(t, f, name+".yaml", "dev")
			golden(t, strings.TrimSuffix(f, ".yaml")+".sql", []byte(planSQL(t, Spark, pl)))
		})
	}
}

// planSQL renders the whole plan of a pipeline in one dialect.
func planSQL(t *testing.T, d Dialect, pl *ir.IR) string {
	t.Helper()
	var b strings.Builder
	input := func(n string) string { return d.Ident(n) }
	for _, s := range pl.Sources {
		sql, err := SourceSQL(d, s, d.Ident("raw_"+s.Name))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("-- source " + s.Name + "\n" + sql + ";\n\n")
	}
	for _, tr := range pl.Transforms {
		qs, err := TransformSQL(d, pl, tr, input)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			b.WriteString("-- transform " + q.Name + "\n" + q.SQL + ";\n\n")
		}
	}
	for _, tb := range pl.Tables {
		rows, err := TableRowsSQL(d, pl, tb, input)
		if err != nil {
			t.Fatal(err)
		}
		load, err := TableSQL(d, pl, tb, input)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("-- table " + tb.Name + ": rows\n" + rows + ";\n\n")
		b.WriteString("-- table " + tb.Name + ": load\n" + load + ";\n\n")
		for _, c := range LoadChecks(tb) {
			sql, err := CheckSQL(d, tb, c, d.Ident("rows"))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("-- table " + tb.Name + ": check " + c.Name + "\n" + sql + ";\n\n")
		}
		sql, _, err := LengthCheckSQL(d, tb, d.Ident("rows"))
		if err != nil {
			t.Fatal(err)
		}
		if sql != "" {
			b.WriteString("-- table " + tb.Name + ": lengths\n" + sql + ";\n\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
