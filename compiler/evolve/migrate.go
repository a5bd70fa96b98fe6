package evolve

import (
	"strings"

	"github.com/flowc-dev/flowc/compiler/internal/redshift"
	"github.com/flowc-dev/flowc/ir"
)

// Dialect is the SQL a migration is written in.
type Dialect struct {
	Ident func(string) string // quotes an identifier when needed
	Type  func(string) string // the column type of a Redshift type as DDL
	// Keys writes distribution and sort keys (Redshift).
	Keys bool
	// AlterTypeOutside: ALTER COLUMN ... TYPE cannot run in a transaction
	// block (Redshift), so it runs before the load's transaction.
	AlterTypeOutside bool
}

// redshiftDialect is the dialect of the Glue job's migrations.
var redshiftDialect = Dialect{Ident: redshift.Ident, Type: func(t string) string { return t }, Keys: true, AlterTypeOutside: true}

// Migration is the SQL that migrates a table.
type Migration struct {
	// Before runs first, each statement on its own (outside a transaction):
	// the varchar widenings on Redshift. Each is idempotent: a rerun finds
	// the column at its new size and plans no change.
	Before []string
	// Statements run in the load's transaction, in order.
	Statements []string
}

// newTableSuffix names the table a deep copy builds (name + suffix) before
// it replaces the old one.
const newTableSuffix = "__flowc_new"

// Migrate writes the migration of table old (as the warehouse holds it, in
// schema) to table new, for changes = Compare(old, new, ...). A rebuild
// makes every change in one deep copy; otherwise each change is one ALTER
// TABLE: renames, widenings, adds, drops, then the sort key.
func Migrate(d Dialect, schema string, old, new *ir.TableDescription, changes []Change) Migration {
	var m Migration
	if len(changes) == 0 {
		return m
	}
	target := d.Ident(schema) + "." + d.Ident(new.Name)
	if Rebuilds(changes) {
		return deepCopy(d, schema, old, new, changes)
	}
	alter := "ALTER TABLE " + target + " "
	for _, c := range changes {
		if c.Change == Retype && d.AlterTypeOutside {
			// The column still has its old name before the transaction.
			m.Before = append(m.Before, alter+"ALTER COLUMN "+d.Ident(liveName(c.Column, changes))+" TYPE "+d.Type(c.After))
		}
	}
	for _, c := range changes {
		if c.Change == Rename {
			m.Statements = append(m.Statements, alter+"RENAME COLUMN "+d.Ident(c.Before)+" TO "+d.Ident(c.After))
		}
	}
	for _, c := range changes {
		switch c.Change {
		case Retype:
			if !d.AlterTypeOutside {
				m.Statements = append(m.Statements, alter+"ALTER COLUMN "+d.Ident(c.Column)+" TYPE "+d.Type(c.After))
			}
		case Add:
			m.Statements = append(m.Statements, alter+"ADD COLUMN "+d.Ident(c.Column)+" "+d.Type(c.After))
		}
	}
	for _, c := range changes {
		if c.Change == Drop {
			m.Statements = append(m.Statements, alter+"DROP COLUMN "+d.Ident(c.Column))
		}
	}
	for _, c := range changes {
		if c.Change == Key && c.Column == "sortkey" && d.Keys {
			if len(new.Sortkey) == 0 {
				// A spec without sortkey means Redshift's default, AUTO
				// (AWS, "Enabling, disabling, and monitoring automatic
				// table optimization": "By default, tables created without
				// explicitly defining sort keys or distributions keys are
				// set to AUTO"; "If you run an ALTER statement to convert a
				// table to be an automated table, existing sort keys and
				// distribution styles are preserved"). The Glue job makes
				// it when the table's note (KeysNote) says flowc declared
				// the sort key it has.
				m.Statements = append(m.Statements, alter+"ALTER SORTKEY AUTO")
			} else {
				m.Statements = append(m.Statements, alter+"ALTER COMPOUND SORTKEY ("+idents(d, new.Sortkey)+")")
			}
		}
	}
	return m
}

// liveName is a column's name in the warehouse before the migration.
func liveName(col string, changes []Change) string { return renamedName(col, changes, false) }

// deepCopy Rebuilds the table: the new table with its keys, the old rows
// inserted with casts where a type changed (added columns stay NULL), the
// old table dropped and the new one renamed, in the load's transaction. A
// rerun after a crash finds the old table untouched (the transaction
// rolled back) or the migration done; a leftover new table from another
// writer is dropped first.
func deepCopy(d Dialect, schema string, old, new *ir.TableDescription, changes []Change) Migration {
	tmpName := new.Name + newTableSuffix
	if len(tmpName) > ir.MaxRedshiftIdent {
		tmpName = new.Name[:ir.MaxRedshiftIdent-len(newTableSuffix)] + newTableSuffix
	}
	tmp := d.Ident(schema) + "." + d.Ident(tmpName)
	target := d.Ident(schema) + "." + d.Ident(new.Name)
	var defs []string
	for _, c := range new.Columns {
		defs = append(defs, d.Ident(c.Name)+" "+d.Type(c.Type))
	}
	create := "CREATE TABLE " + tmp + " (" + strings.Join(defs, ", ") + ")"
	if d.Keys {
		switch {
		case new.Distkey != "":
			create += " DISTSTYLE KEY DISTKEY (" + d.Ident(new.Distkey) + ")"
		case new.Diststyle != "":
			create += " DISTSTYLE " + strings.ToUpper(new.Diststyle)
		}
		if len(new.Sortkey) > 0 {
			create += " COMPOUND SORTKEY (" + idents(d, new.Sortkey) + ")"
		}
	}
	oldType := map[string]string{}
	for _, c := range old.Columns {
		oldType[c.Name] = c.Type
	}
	var cols, exprs []string
	for _, c := range new.Columns {
		from := liveName(c.Name, changes)
		t, ok := oldType[from]
		if !ok {
			continue // added: NULL
		}
		e := d.Ident(from)
		if !sameType(t, c.Type) {
			e = "CAST(" + e + " AS " + d.Type(c.Type) + ")"
		}
		cols = append(cols, d.Ident(c.Name))
		exprs = append(exprs, e)
	}
	m := Migration{Statements: []string{"DROP TABLE IF EXISTS " + tmp, create}}
	if len(cols) > 0 {
		m.Statements = append(m.Statements, "INSERT INTO "+tmp+" ("+strings.Join(cols, ", ")+") SELECT "+strings.Join(exprs, ", ")+" FROM "+target)
	}
	m.Statements = append(m.Statements, "DROP TABLE "+target, "ALTER TABLE "+tmp+" RENAME TO "+d.Ident(new.Name))
	return m
}

func idents(d Dialect, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = d.Ident(n)
	}
	return strings.Join(out, ", ")
}
