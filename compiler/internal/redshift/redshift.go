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
// CREATE SCHEMA IF NOT EXISTS, then CREATE TABLE IF NOT EXISTS with the
// table's columns in order, its distribution style and key, and its
// (compound) sort key.
func Statements(pl *ir.IR, t *ir.Table) []string {
	width := 0
	for _, c := range t.Columns {
		width = max(width, len(Ident(c.Name)))
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + Table(pl, t) + " (\n")
	for i, c := range t.Columns {
		id := Ident(c.Name)
		b.WriteString("  " + id + strings.Repeat(" ", width-len(id)+1) + c.Type.String())
		if i < len(t.Columns)-1 {
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
	return []string{"CREATE SCHEMA IF NOT EXISTS " + Ident(pl.Redshift.Schema), b.String()}
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
