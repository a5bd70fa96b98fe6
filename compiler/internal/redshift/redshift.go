// Package redshift writes the Redshift SQL that two backends share: the
// DDL file (package ddl) and the Glue job, which runs the same statements
// before every load (package glue). It reads only the IR.
package redshift

import (
	"regexp"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Statements are the statements of table t's DDL, without semicolons:
// CREATE SCHEMA IF NOT EXISTS, then CreateTable, then for an append table
// the ledger's CREATE TABLE (LedgerDDL).
func Statements(pl *ir.IR, t *ir.Table) []string {
	out := []string{"CREATE SCHEMA IF NOT EXISTS " + Ident(pl.Redshift.Schema), CreateTable(pl, t)}
	if t.Appends != nil {
		out = append(out, LedgerDDL(pl))
	}
	return out
}

// CreateTable is CREATE TABLE IF NOT EXISTS with the table's columns in
// order (and, for a merge that checks ownership, the hidden owner column
// last), its distribution style and key, and its (compound) sort key.
func CreateTable(pl *ir.IR, t *ir.Table) string {
	type col struct{ id, typ string }
	var cols []col
	for _, c := range t.Columns {
		cols = append(cols, col{Ident(c.Name), c.Type.String()})
	}
	if t.OwnerCheck {
		cols = append(cols, col{ir.OwnerColumn, ir.OwnerColumnType})
	}
	width := 0
	for _, c := range cols {
		width = max(width, len(c.id))
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + Table(pl, t) + " (\n")
	for i, c := range cols {
		b.WriteString("  " + c.id + strings.Repeat(" ", width-len(c.id)+1) + c.typ)
		if i < len(cols)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(")")
	switch {
	case t.Distkey != "":
		b.WriteString("\nDISTSTYLE KEY\nDISTKEY (" + Ident(t.Distkey) + ")")
	case t.Diststyle != "":
		b.WriteString("\nDISTSTYLE " + strings.ToUpper(t.Diststyle))
	}
	if len(t.Sortkey) > 0 {
		var ks []string
		for _, k := range t.Sortkey {
			ks = append(ks, Ident(k))
		}
		b.WriteString("\nCOMPOUND SORTKEY (" + strings.Join(ks, ", ") + ")")
	}
	return b.String()
}

// Ledger is the ledger table of the pipeline's schema in SQL.
func Ledger(pl *ir.IR) string { return Ident(pl.Redshift.Schema) + "." + ir.Ledger }

// LedgerDDL creates the ledger of append loads: per table, the source
// files it loaded (docs/run-model.md, requirement 2).
func LedgerDDL(pl *ir.IR) string {
	return "CREATE TABLE IF NOT EXISTS " + Ledger(pl) + " (\n" +
		"  tbl        varchar(127),\n" +
		"  source     varchar(127),\n" +
		"  part       varchar(1024),\n" +
		"  object_key varchar(1024),\n" +
		"  etag       varchar(64),\n" +
		"  run_id     varchar(255),\n" +
		"  loaded_at  timestamp DEFAULT getdate()\n" +
		")"
}

// OwnerDDL adds the owner column to a merge table created before flowc
// checked ownership (docs/run-model.md, requirement 3).
func OwnerDDL(pl *ir.IR, t *ir.Table) string {
	return "ALTER TABLE " + Table(pl, t) + " ADD COLUMN " + ir.OwnerColumn + " " + ir.OwnerColumnType
}

var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// Ident renders a Redshift identifier: as is when it is a plain
// lower-case name that is not a reserved word, else in double quotes (a
// quote doubled).
func Ident(name string) string {
	if plainIdent.MatchString(name) && !ir.IsRedshiftReserved(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Table is table t as schema.table in SQL.
func Table(pl *ir.IR, t *ir.Table) string {
	return Ident(pl.Redshift.Schema) + "." + Ident(t.Name)
}
