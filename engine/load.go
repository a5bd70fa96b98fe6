package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// The local warehouse: the Redshift schema of the spec (public when unset)
// and a duckDB table per spec table, with these types:
//
//	smallint, integer, bigint       SMALLINT, INTEGER, BIGINT
//	decimal(p,s)                    DECIMAL(p,s)
//	real, double precision          FLOAT, DOUBLE
//	boolean, date, timestamp        BOOLEAN, DATE, TIMESTAMP
//	timestamptz                     TIMESTAMPTZ (UTC)
//	char(n), varchar(n)             VARCHAR (the length is checked before loading, in bytes as Redshift counts)

// warehouseType is the duckDB type of a Redshift column type, and the name
// information_schema gives it.
func warehouseType(rt spec.RedshiftType) (ddl, info string) {
	switch rt.Kind {
	case spec.RSSmallint:
		return "SMALLINT", "SMALLINT"
	case spec.RSInteger:
		return "INTEGER", "INTEGER"
	case spec.RSBigint:
		return "BIGINT", "BIGINT"
	case spec.RSDecimal:
		s := fmt.Sprintf("DECIMAL(%d,%d)", rt.Precision, rt.Scale)
		return s, s
	case spec.RSReal:
		return "FLOAT", "FLOAT"
	case spec.RSDouble:
		return "DOUBLE", "DOUBLE"
	case spec.RSBoolean:
		return "BOOLEAN", "BOOLEAN"
	case spec.RSDate:
		return "DATE", "DATE"
	case spec.RSTimestamp:
		return "TIMESTAMP", "TIMESTAMP"
	case spec.RSTimestamptz:
		return "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"
	}
	return "VARCHAR", "VARCHAR"
}

func (r *runner) schema() string {
	if s := r.pl.Redshift.Schema; s != "" {
		return s
	}
	return "public"
}

func (r *runner) target(tb *ir.Table) string {
	return duck.Ident(r.schema()) + "." + duck.Ident(tb.Name)
}

func (r *runner) createSchema(ctx context.Context) error {
	_, err := r.exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+duck.Ident(r.schema()))
	return err
}

// staged is a table whose rows are staged and checked, ready to load.
type staged struct {
	tb, plan *ir.Table
	stage    string // the relation of its rows
	carries  bool
	shared   bool     // merge: a key is in the rows of several runs (sharedKeys)
	ddl      []string // creates or migrates the warehouse's table (tableDDL)
	rep      *TableReport
}

// stageTable stages a table's rows, runs its checks and checks the table
// in the warehouse, all before the load's transaction begins (see
// runner.run).
func (r *runner) stageTable(ctx context.Context, tb *ir.Table) (*staged, error) {
	name := r.schema() + "." + tb.Name
	rep := &TableReport{Table: name, Load: tb.Load}
	for _, s := range rowSources(r.pl, tb.From) {
		for _, n := range r.counts[s] {
			rep.RowsIn += n
		}
	}
	plan := r.planTable(tb)
	carries := r.carries[tb.From]
	stage := duck.Ident("_flowc_rows_" + tb.Name)
	rowsSQL, err := sqlgen.TableRowsSQL(duck, r.plan, plan, r.relation)
	if err != nil {
		return nil, err
	}
	kind := "TABLE"
	if r.stored[tb.From] {
		kind = "VIEW" // over a stored relation, the checks and the load read it
	}
	if _, err := r.exec(ctx, "CREATE TEMP "+kind+" "+stage+" AS "+rowsSQL); err != nil {
		return nil, fmt.Errorf("computing the rows of table %s: %s", name, cleanErr(err))
	}
	checks := sqlgen.LoadChecks(tb)
	rep.Checks = len(checks)
	for _, c := range checks {
		if err := r.check(ctx, tb, plan, c, stage, carries); err != nil {
			return nil, err
		}
		rep.ChecksPassed++
	}
	if err := r.lengths(ctx, tb, stage); err != nil {
		return nil, err
	}
	ddl, migrated, err := r.tableDDL(ctx, tb)
	if err != nil {
		return nil, err
	}
	rep.Migrated = migrated
	st := &staged{tb: tb, plan: plan, stage: stage, carries: carries, ddl: ddl, rep: rep}
	if tb.Load == spec.LoadMerge && carries {
		if st.shared, err = r.sharedKeys(ctx, tb, stage); err != nil {
			return nil, fmt.Errorf("computing the rows of table %s: %s", name, cleanErr(err))
		}
	}
	return st, nil
}

// sharedKeys reports whether a merge key is in the rows of more than one
// run, so that the load must keep the last run's rows of each key. With one
// run, or runs that each hold their own keys (a key with a partition column,
// a date of the partition's day), it need not: a group by the key is less
// work than the window that picks them.
func (r *runner) sharedKeys(ctx context.Context, tb *ir.Table, stage string) (bool, error) {
	if in := r.inputs[tb.Trigger.Name]; in != nil && len(in.runs) < 2 {
		return false, nil
	}
	var keys []string
	for _, k := range tb.Key {
		keys = append(keys, duck.Ident(k))
	}
	run := duck.Ident(runCol)
	var shared bool
	err := r.conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+stage+" GROUP BY "+strings.Join(keys, ", ")+
		" HAVING min("+run+") <> max("+run+"))").Scan(&shared)
	return shared, err
}

// loadTable creates or migrates the table if needed and loads its staged
// rows, in the run's transaction.
func (r *runner) loadTable(ctx context.Context, st *staged) error {
	for _, q := range st.ddl {
		if _, err := r.exec(ctx, q); err != nil {
			return fmt.Errorf("migrating table %s: %s", st.rep.Table, cleanErr(err))
		}
	}
	if st.tb.Load == spec.LoadMerge && st.tb.OwnerCheck {
		if err := r.ownerCheck(ctx, st.tb, st.stage, st.carries && st.shared); err != nil {
			return err
		}
	}
	n, err := r.load(ctx, st.tb, st.plan, st.stage, st.carries && st.shared)
	if err != nil {
		return fmt.Errorf("loading table %s: %s", st.rep.Table, cleanErr(err))
	}
	st.rep.RowsLoaded = n
	return nil
}

// planTable is the table of the rewritten IR.
func (r *runner) planTable(tb *ir.Table) *ir.Table {
	for _, t := range r.plan.Tables {
		if t.Name == tb.Name {
			return t
		}
	}
	return tb
}

// rowSources are the sources at the start of a relation's from: chain
// (the rows a table's "rows in" counts).
func rowSources(pl *ir.IR, from string) []string {
	for i := 0; i < 1000; i++ {
		t := pl.Transform(from)
		if t == nil {
			return []string{from}
		}
		from = t.From
	}
	return nil
}

// load writes the staged rows into the table with its load mode and returns
// how many rows it inserted. lastWins: a merge key is in several runs' rows,
// and the last run's win.
func (r *runner) load(ctx context.Context, tb, plan *ir.Table, stage string, lastWins bool) (_ int64, err error) {
	tgt := r.target(tb)
	var cols []string
	for _, c := range tb.Columns {
		cols = append(cols, duck.Ident(c.Name))
	}
	rows, err := sqlgen.TableSQL(duck, r.pl, tb, func(string) string { return stage })
	if err != nil {
		return 0, err
	}
	switch tb.Load {
	case spec.LoadReplacePartition:
		files := filesTable(tb.Trigger.Name)
		var conds []string
		for _, p := range tb.PartitionColumns {
			ddl := "VARCHAR"
			for _, c := range tb.Columns {
				if c.Name == p {
					ddl, _ = warehouseType(c.Type)
				}
			}
			conds = append(conds, "t."+duck.Ident(p)+" = CAST(f."+duck.Ident(p)+" AS "+ddl+")")
		}
		del := "DELETE FROM " + tgt + " AS t WHERE EXISTS (SELECT 1 FROM " + files + " AS f WHERE " + strings.Join(conds, " AND ") + ")"
		if _, err := r.exec(ctx, del); err != nil {
			return 0, err
		}
	case spec.LoadMerge:
		// Keys match NULL-safely, as the Glue job's delete does.
		var conds []string
		for _, k := range tb.Key {
			conds = append(conds, "t."+duck.Ident(k)+" IS NOT DISTINCT FROM s."+duck.Ident(k))
		}
		if tb.OwnerCheck {
			// loadTable checked ownership (ownerCheck).
			defer func() {
				if err == nil {
					err = r.setOwners(ctx, tb, stage, conds)
				}
			}()
		}
		del := "DELETE FROM " + tgt + " AS t WHERE EXISTS (SELECT 1 FROM " + stage + " AS s WHERE " + strings.Join(conds, " AND ") + ")"
		if _, err := r.exec(ctx, del); err != nil {
			return 0, err
		}
		if lastWins {
			// Runs load one after the other: for each key, the last run's
			// rows win.
			var keys []string
			for _, k := range tb.Key {
				keys = append(keys, duck.Ident(k))
			}
			last := duck.Ident("_flowc_last")
			stage = "(SELECT * FROM (SELECT *, max(" + duck.Ident(runCol) + ") OVER (PARTITION BY " + strings.Join(keys, ", ") + ") AS " + last +
				" FROM " + stage + ") AS s WHERE " + duck.Ident(runCol) + " = " + last + ")"
			rows, err = sqlgen.TableSQL(duck, r.pl, tb, func(string) string { return stage })
			if err != nil {
				return 0, err
			}
		}
	}
	res, err := r.exec(ctx, "INSERT INTO "+tgt+" ("+strings.Join(cols, ", ")+") "+rows)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
