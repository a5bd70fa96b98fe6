package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Unit tests (`flowc test`): one transform or table computed over given
// rows instead of files, on an in-memory duckDB that no warehouse file
// backs, with the same SQL plan as Run (sqlgen) and, for a table, the same
// checks and Redshift casts and length checks. A unit is one run: no
// partition is told apart from another.

// Relation is rows given to, or expected from, a unit: Rows[i][j] is the
// text of column j (nil is NULL) in a form duckDB's CAST reads as the
// column's type (testfile.Canonical).
type Relation struct {
	Name    string
	Columns []expr.Column
	Rows    [][]*string
}

// Unit is what RunUnit computes.
type Unit struct {
	// Target is a transform or a table of the IR.
	Target string
	// Given are the rows of sources and transforms; a given transform is
	// not computed. Every source the target reads must be given.
	Given []*Relation
	// Expected, when set, is rendered as the result is (UnitResult), so
	// that equal values compare equal as text.
	Expected *Relation
}

// UnitResult is the target's rows, every value rendered as text by duckDB
// from the type the target gives it (a table's: its Redshift column type).
type UnitResult struct {
	Columns  []string
	Rows     [][]*string
	Expected [][]*string // Unit.Expected's rows, rendered the same way
	// Failures are the table's checks that failed (every one, not only the
	// first), length checks included; the rows are still computed.
	Failures []*CheckError
}

// RunUnit computes u.Target over u.Given. Errors are the tool's or a
// computation's (a cast that duckDB refuses); a failed check is in
// UnitResult.Failures, not an error.
func RunUnit(ctx context.Context, pl *ir.IR, u Unit) (*UnitResult, error) {
	r := &runner{pl: pl, plan: pl, carries: map[string]bool{}, stored: map[string]bool{}}
	closeDB, err := r.openMemory(ctx)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	given := map[string]bool{}
	for _, g := range u.Given {
		if err := r.createRelation(ctx, r.relation(g.Name), g); err != nil {
			return nil, err
		}
		given[g.Name] = true
	}
	var tb *ir.Table
	for _, t := range pl.Tables {
		if t.Name == u.Target {
			tb = t
		}
	}
	from := u.Target
	if tb != nil {
		from = tb.From
	} else if pl.Transform(u.Target) == nil {
		return nil, fmt.Errorf("%s is no transform or table of the spec", u.Target)
	}
	if err := r.unitTransforms(ctx, from, given); err != nil {
		return nil, err
	}
	res := &UnitResult{}
	var rows string
	render := map[string]string{} // column -> the duckDB type it is rendered from
	if tb != nil {
		stage := duck.Ident("_flowc_rows_" + tb.Name)
		q, err := sqlgen.TableRowsSQL(duck, pl, tb, r.relation)
		if err != nil {
			return nil, err
		}
		if _, err := r.exec(ctx, "CREATE TEMP TABLE "+stage+" AS "+q); err != nil {
			return nil, fmt.Errorf("computing the rows of table %s: %s", tb.Name, cleanErr(err))
		}
		for _, c := range sqlgen.LoadChecks(tb) {
			var ce *CheckError
			if err := r.check(ctx, tb, tb, c, stage, false); errors.As(err, &ce) {
				res.Failures = append(res.Failures, ce)
			} else if err != nil {
				return nil, err
			}
		}
		if err := r.unitLengths(ctx, tb, stage, res); err != nil {
			return nil, err
		}
		if rows, err = sqlgen.TableSQL(duck, pl, tb, func(string) string { return stage }); err != nil {
			return nil, err
		}
		for _, c := range tb.Columns {
			res.Columns = append(res.Columns, c.Name)
			render[c.Name], _ = warehouseType(c.Type)
		}
	} else {
		var items []string
		for _, c := range pl.Transform(u.Target).Schema {
			res.Columns = append(res.Columns, c.Name)
			render[c.Name] = duckType(c.Type)
			items = append(items, duck.Ident(c.Name))
		}
		rows = "SELECT " + strings.Join(items, ", ") + " FROM " + r.relation(u.Target)
	}
	var items []string
	for _, c := range res.Columns {
		items = append(items, "CAST(CAST("+duck.Ident(c)+" AS "+render[c]+") AS VARCHAR)")
	}
	if res.Rows, err = r.textRows(ctx, "SELECT "+strings.Join(items, ", ")+" FROM ("+rows+") AS t", len(items)); err != nil {
		return nil, fmt.Errorf("computing %s: %s", u.Target, cleanErr(err))
	}
	if x := u.Expected; x != nil && len(x.Columns) == 0 {
		res.Expected = make([][]*string, len(x.Rows)) // rows that name no column
	} else if x != nil {
		name := duck.Ident("_flowc_expected")
		if err := r.createRelation(ctx, name, x); err != nil {
			return nil, err
		}
		var items []string
		for _, c := range x.Columns {
			t := render[c.Name]
			if t == "" {
				return nil, fmt.Errorf("%s has no column %s", u.Target, c.Name)
			}
			items = append(items, "CAST(CAST("+duck.Ident(c.Name)+" AS "+t+") AS VARCHAR)")
		}
		if res.Expected, err = r.textRows(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+name, len(x.Columns)); err != nil {
			return nil, fmt.Errorf("rendering the expected rows: %s", cleanErr(err))
		}
	}
	return res, nil
}

// openMemory opens an in-memory duckDB for r, with the macros, on one
// thread: duckDB then keeps the rows in the order the steps leave them (an
// ordered expectation sees the same order every time, a sample is the
// files' first rows). The function returned closes it.
func (r *runner) openMemory(ctx context.Context) (func(), error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	r.db, r.conn = db, newSession(conn)
	closeDB := func() { conn.Close(); db.Close() }
	if _, err := r.exec(ctx, "SET threads = 1"); err != nil {
		closeDB()
		return nil, fmt.Errorf("preparing the engine: %s", cleanErr(err))
	}
	return closeDB, nil
}

// createRelation makes a table of rel's rows with its column types, in
// their order (duckDB keeps the insertion order on one thread). A value
// duckDB cannot cast is an error.
func (r *runner) createRelation(ctx context.Context, name string, rel *Relation) error {
	var defs []string
	for _, c := range rel.Columns {
		t := duckType(c.Type)
		if t == "" {
			return fmt.Errorf("%s: column %s has no type", rel.Name, c.Name)
		}
		defs = append(defs, duck.Ident(c.Name)+" "+t)
	}
	if _, err := r.exec(ctx, "CREATE TEMP TABLE "+name+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("given %s: %s", rel.Name, cleanErr(err))
	}
	const batch = 500
	for start := 0; start < len(rel.Rows); start += batch {
		var tuples []string
		for i := start; i < len(rel.Rows) && i < start+batch; i++ {
			var vals []string
			for j, v := range rel.Rows[i] {
				if v == nil {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, "CAST("+sqlString(*v)+" AS "+duckType(rel.Columns[j].Type)+")")
				}
			}
			tuples = append(tuples, "("+strings.Join(vals, ", ")+")")
		}
		if _, err := r.exec(ctx, "INSERT INTO "+name+" VALUES "+strings.Join(tuples, ", ")); err != nil {
			return fmt.Errorf("given %s: %s", rel.Name, cleanErr(err))
		}
	}
	return nil
}

// unitTransforms computes the transforms that name reads, itself included,
// down to the given relations, in dependency order.
func (r *runner) unitTransforms(ctx context.Context, name string, given map[string]bool) error {
	need := map[string]bool{}
	var walk func(string) error
	walk = func(n string) error {
		if need[n] || given[n] {
			return nil
		}
		t := r.pl.Transform(n)
		if t == nil {
			return fmt.Errorf("no rows given for source %s", n)
		}
		need[n] = true
		if err := walk(t.From); err != nil {
			return err
		}
		for _, st := range t.Steps {
			if st.Join != "" {
				if err := walk(st.Join); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(name); err != nil {
		return err
	}
	for _, t := range r.pl.Transforms {
		if !need[t.Name] {
			continue
		}
		qs, err := sqlgen.TransformSQL(duck, r.pl, t, r.relation)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if _, err := r.exec(ctx, "CREATE TEMP TABLE "+r.relation(q.Name)+" AS "+q.SQL); err != nil {
				return fmt.Errorf("computing transform %s: %s", t.Name, cleanErr(err))
			}
		}
	}
	return nil
}

// unitLengths adds a failure for each char(n)/varchar(n) column with
// values that do not fit (Run stops at the first).
func (r *runner) unitLengths(ctx context.Context, tb *ir.Table, stage string, res *UnitResult) error {
	for _, c := range tb.Columns {
		one := *tb
		one.Columns = []*ir.TableColumn{c}
		var ce *CheckError
		if err := r.lengths(ctx, &one, stage); errors.As(err, &ce) {
			res.Failures = append(res.Failures, ce)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) textRows(ctx context.Context, q string, n int) ([][]*string, error) {
	rows, err := r.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := [][]*string{}
	for rows.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]*string, n)
		for i, v := range vals {
			if v.Valid {
				s := v.String
				row[i] = &s
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
