package engine

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/spec/expr"
)

// FuzzTranslate: an expression that checks cleanly (over the columns of
// docs/functions.md) translates to Spark SQL and to duckDB SQL without
// error. The seeds are the catalogue's examples.
func FuzzTranslate(f *testing.F) {
	for _, fn := range expr.Funcs() {
		if fn.Example != "" {
			f.Add(fn.Example, fn.Aggregate)
		}
	}
	f.Add("regexp_replace(origin, '(.)\\s', '$1') || date_format(date, 'MMM d')", false)
	f.Fuzz(func(t *testing.T, src string, agg bool) {
		e, errs := expr.Parse(src)
		if len(errs) > 0 {
			return
		}
		opts := expr.Options{AllowAggregates: agg}
		if c, ok := e.(*expr.Call); ok && !agg && expr.IsWindowMeasure(c.Name) {
			opts = expr.Options{Window: true} // a window measure
		}
		if _, errs := expr.Check(e, &expr.Scope{Columns: expr.DocColumns}, opts); len(errs) > 0 {
			return
		}
		if opts.Window {
			if _, err := sqlgen.Spark.Window(e, "ORDER BY `delay`"); err != nil {
				t.Fatalf("%q: Spark: %v", src, err)
			}
			if _, err := (duckDB{}).Window(e, `ORDER BY "delay"`); err != nil {
				t.Fatalf("%q: DuckDB: %v", src, err)
			}
			return
		}
		if _, err := sqlgen.Spark.Expr(e); err != nil {
			t.Fatalf("%q: Spark: %v", src, err)
		}
		if _, err := (duckDB{}).Expr(e); err != nil {
			t.Fatalf("%q: DuckDB: %v", src, err)
		}
	})
}

// TestFuncExamplesRun runs the duckDB translation of every catalogue
// example over one row of the docs' columns, so that each translation is
// valid duckDB SQL (the semantics suite holds the values).
func TestFuncExamplesRun(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range macroStatements() {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	tables := map[string][]string{}
	values := map[string][]string{}
	sample := map[expr.Kind]string{expr.Date: "DATE '2001-01-17'", expr.Timestamp: "TIMESTAMP '2001-01-17 06:05:07'",
		expr.String: "'JFK Intl'", expr.Int: "15", expr.Bigint: "979711507", expr.Double: "0.75", expr.Decimal: "123.45"}
	for _, c := range expr.DocColumns {
		tbl := "flights"
		if c.Qual != "" {
			tbl = c.Qual
		}
		tables[tbl] = append(tables[tbl], duckDB{}.Ident(c.Name)+" "+duckType(c.Type))
		values[tbl] = append(values[tbl], sample[c.Type.Kind])
	}
	for tbl, cols := range tables {
		if _, err := db.Exec("CREATE TABLE " + tbl + " (" + strings.Join(cols, ", ") + ")"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO " + tbl + " VALUES (" + strings.Join(values[tbl], ", ") + ")"); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range expr.Funcs() {
		if f.Example == "" {
			continue
		}
		e, errs := expr.Parse(f.Example)
		if len(errs) == 0 {
			_, errs = expr.Check(e, &expr.Scope{Columns: expr.DocColumns}, expr.Options{AllowAggregates: f.Aggregate, Window: f.Window})
		}
		if len(errs) > 0 {
			t.Errorf("%s: %v", f.Example, errs[0])
			continue
		}
		s, err := duckDB{}.Expr(e)
		if f.Window {
			s, err = duckDB{}.Window(e, `PARTITION BY "origin" ORDER BY "delay" ASC NULLS FIRST`)
		}
		if err != nil {
			t.Errorf("%s: %v", f.Example, err)
			continue
		}
		var v any
		if err := db.QueryRow("SELECT " + s + " FROM flights, dep").Scan(&v); err != nil {
			t.Errorf("%s: %s: %v", f.Example, s, err)
		}
	}
}
