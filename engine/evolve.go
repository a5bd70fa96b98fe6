package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// The local warehouse evolves as the Redshift one does (compiler/evolve,
// docs/table-evolution.md): a table whose columns differ from the spec's
// is migrated in the run's transaction, additive and in-place changes
// always, destructive ones when the table says on_destructive_change:
// allow; otherwise the run fails before loading anything. DuckDB has no
// keys and its VARCHAR no length, so each column's comment notes its
// Redshift type ("varchar(32)"): the comparison reads it back, and a
// VARCHAR without a note (a warehouse of an older flowc) matches any
// char(n) or varchar(n). Likewise the table's comment notes the keys the
// spec declared (evolve.KeysNote): a distkey, diststyle or sortkey change is
// compared and reported with its Redshift class, and refused as the Glue
// job refuses it, but changes nothing else (no rebuild for keys DuckDB does
// not have): only the note. A table without the note (an older flowc's) has
// its keys taken as the spec's.

// localDialect writes migrations for the local warehouse.
var localDialect = evolve.Dialect{
	Ident: duck.Ident,
	Type: func(t string) string {
		rt, err := spec.ParseRedshiftType(t)
		if err != nil {
			return "VARCHAR"
		}
		ddl, _ := warehouseType(rt)
		return ddl
	},
}

// liveTable describes the table in the warehouse (nil when there is none):
// its columns in order, each with the Redshift type its comment notes when
// that still matches the column's DuckDB type, else the Redshift type of
// the DuckDB type. The owner column (ir.OwnerColumn, merge ownership) is
// flowc's, not the spec's: it is left out, and owner says whether the
// table has it. Its keys are those its comment (note) notes, or the spec's
// when it notes none.
func (r *runner) liveTable(ctx context.Context, tb *ir.Table) (live *ir.TableDescription, owner bool, note string, err error) {
	live, owner, err = r.liveColumns(ctx, tb)
	if err != nil || live == nil {
		return live, owner, "", err
	}
	if err := r.conn.QueryRowContext(ctx, "SELECT coalesce(comment, '') FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?", r.schema(), tb.Name).Scan(&note); err != nil {
		return nil, false, "", err
	}
	live.Distkey, live.Diststyle, live.Sortkey = tb.Distkey, tb.Diststyle, tb.Sortkey
	if tb.Distkey != "" {
		live.Diststyle = "key"
	}
	if k, ok := evolve.NotedKeys(note); ok {
		live.Distkey, live.Diststyle, live.Sortkey = k.Distkey, k.Diststyle, k.Sortkey
	}
	return live, owner, note, nil
}

// liveColumns is liveTable's columns (nil when there is no table) and
// whether the table has the owner column.
func (r *runner) liveColumns(ctx context.Context, tb *ir.Table) (live *ir.TableDescription, owner bool, err error) {
	rows, err := r.conn.QueryContext(ctx, "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index", r.schema(), tb.Name)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ, note string
		if err := rows.Scan(&name, &typ, &note); err != nil {
			return nil, false, err
		}
		if live == nil {
			live = &ir.TableDescription{Name: tb.Name}
		}
		if name == ir.OwnerColumn {
			owner = true
			continue
		}
		live.Columns = append(live.Columns, ir.ColumnDescription{Name: name, Type: redshiftOf(typ, note)})
	}
	return live, owner, rows.Err()
}

// redshiftOf is the Redshift type of a warehouse column of DuckDB type
// typ whose comment is note.
func redshiftOf(typ, note string) string {
	if rt, err := spec.ParseRedshiftType(note); err == nil {
		if _, info := warehouseType(rt); info == typ || (info == "VARCHAR" && typ == "VARCHAR") {
			return rt.String()
		}
	}
	switch typ {
	case "VARCHAR":
		return evolve.UnknownLength
	case "FLOAT":
		return "real"
	case "DOUBLE":
		return "double precision"
	case "TIMESTAMP WITH TIME ZONE":
		return "timestamptz"
	}
	if rt, err := spec.ParseRedshiftType(strings.ToLower(typ)); err == nil && rt.Kind != ir.RSChar && rt.Kind != ir.RSVarchar {
		return rt.String()
	}
	return strings.ToLower(typ) // no Redshift type: any spec type is a change
}

// tableDDL returns the statements that make the warehouse's table what the
// spec declares, to run in the run's transaction: CREATE TABLE when there
// is none, the migration when its columns differ (nothing when they do
// not), then the comments that note the Redshift types. A destructive
// change the table does not allow is a settled error, before any load.
func (r *runner) tableDDL(ctx context.Context, tb *ir.Table) ([]string, []string, error) {
	live, owner, note, err := r.liveTable(ctx, tb)
	if err != nil {
		return nil, nil, err
	}
	// The owner column (merge ownership, owner.go): created with the table;
	// added to a table loaded before flowc checked ownership, and after a
	// rebuild, which leaves it behind: its rows get NULL, "owner unknown",
	// which no check fails on.
	ownerDef := duck.Ident(ir.OwnerColumn) + " VARCHAR"
	td := tb.Describe()
	want := &td
	var stmts, words []string
	if live == nil {
		var defs []string
		for _, c := range tb.Columns {
			ddl, _ := warehouseType(c.Type)
			defs = append(defs, duck.Ident(c.Name)+" "+ddl)
		}
		if tb.OwnerCheck {
			defs = append(defs, ownerDef)
		}
		stmts = append(stmts, "CREATE TABLE "+r.target(tb)+" ("+strings.Join(defs, ", ")+")")
	} else {
		// The changes as Redshift classifies them, keys included: reported
		// and checked; the migration makes only the column changes.
		changes := evolve.Compare(live, want, evolve.Options{Keys: true})
		if err := evolve.Check(want, changes, nil, ""); err != nil {
			return nil, nil, settledError{fmt.Errorf("%w (warehouse %s; a deploy would refuse it too)", err, r.opts.Warehouse)}
		}
		addOwner := tb.OwnerCheck && !owner
		if len(changes) == 0 && notesMatch(live, want) && note == evolve.KeysNote(want) && !addOwner {
			return nil, nil, nil
		}
		columns := evolve.Compare(live, want, evolve.Options{})
		m := evolve.Migrate(localDialect, r.schema(), live, want, columns)
		stmts = append(stmts, m.Statements...)
		if tb.OwnerCheck && (addOwner || evolve.Rebuilds(columns)) {
			stmts = append(stmts, "ALTER TABLE "+r.target(tb)+" ADD COLUMN "+ownerDef)
		}
		for _, c := range changes {
			words = append(words, c.Words())
		}
	}
	for _, c := range tb.Columns {
		stmts = append(stmts, "COMMENT ON COLUMN "+r.target(tb)+"."+duck.Ident(c.Name)+" IS "+sqlString(c.Type.String()))
	}
	stmts = append(stmts, "COMMENT ON TABLE "+r.target(tb)+" IS "+sqlString(evolve.KeysNote(want)))
	return stmts, words, nil
}

// notesMatch reports whether every live column already notes the spec's
// type (a warehouse of an older flowc gets its notes on the next load).
func notesMatch(live, want *ir.TableDescription) bool {
	noted := map[string]string{}
	for _, c := range live.Columns {
		noted[c.Name] = c.Type
	}
	for _, c := range want.Columns {
		if noted[c.Name] != c.Type {
			return false
		}
	}
	return true
}
