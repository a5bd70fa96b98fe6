// Package sqlgen is the relational plan shared by the Glue scripts (Spark
// SQL, package glue) and the local engine (DuckDB SQL, package engine). It
// reads only the IR; a Dialect renders what differs between the engines,
// and Spark is the Spark SQL dialect (sparksql.go).
package sqlgen

// This file is the relational plan shared by the Glue scripts (Spark SQL)
// and the local engine (DuckDB SQL): the SQL that reads a source, computes a
// transform from its steps, selects a table's rows and counts the rows that
// break a check. Everything that differs between the engines goes through a
// Dialect; the statements themselves use only SQL both engines read the
// same way (WITH, SELECT ... AS, [LEFT] JOIN ... ON, WHERE, GROUP BY,
// ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ... NULLS FIRST|LAST),
// COUNT, COALESCE, CASE).
//
// Column naming inside a transform's query. A step's row may hold columns
// of join aliases (dep.name in the spec). Between the steps of one query such
// a column is carried under the single identifier "dep.name" (quoted, the
// dot is part of the name): spec names cannot contain a dot, so this never
// collides with a user's column. The last query block renames every column
// to its unqualified output name, so a transform's relation has exactly the
// columns of Transform.Schema, in order, and never a dotted name.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Dialect renders expressions and the few dialect-specific pieces of SQL.
//
// The trees handed to Expr by this file are checked expressions whose
// column references were rewritten to the relation's column names: a Col's
// Name is the column's identifier in the relation (possibly "dep.name", see
// above) and its Qual, when set, is a relation alias of the query. A
// dialect renders a Col as Ident(Name), or Ident(Qual) + "." + Ident(Name).
type Dialect interface {
	// Name is "spark" or "duckdb".
	Name() string
	// Expr renders a typed expression as SQL text with the same meaning
	// as Spark SQL in non-ANSI mode (Glue 4.0). Operator nodes come back
	// parenthesised.
	Expr(e expr.Expr) (string, error)
	// Ident quotes an identifier (backticks for Spark, double quotes for
	// DuckDB), always, doubling the quote character inside.
	Ident(name string) string
	// CastType is the SQL name of a type in CAST(x AS ...).
	CastType(t expr.Type) (string, error)
	// OctetLength renders the number of UTF-8 bytes of the string x (an
	// already rendered SQL expression): Redshift's char(n) and varchar(n)
	// count bytes, not characters.
	OctetLength(x string) string
	// Window renders a window measure, a checked call of a window
	// function or windowed aggregate (expr.IsWindowMeasure), with the
	// window over (the text inside OVER (...)) applied to that call.
	Window(e expr.Expr, over string) (string, error)
}

// sparkSQL renders a typed expression as Spark SQL (the Spark dialect's
// Expr).
func sparkSQL(e expr.Expr) (string, error) { return Spark.Expr(e) }

// Query is a named SQL query: the caller makes it a view (or table) named
// Name, in the order given, before the queries that follow it.
type Query struct {
	Name string // the view name: the transform's name
	SQL  string // one SELECT (possibly WITH ...), without a trailing semicolon
}

// SourceSQL reads a source's row from raw, the SQL relation that holds the
// source as read from its files or catalog table: every column of
// Source.Schema (the file's columns, then the partition columns) cast to its
// declared type with the dialect's CAST (Spark non-ANSI: a value that does
// not convert is NULL). raw must have a column of each name.
func SourceSQL(d Dialect, s *ir.Source, raw string) (string, error) {
	var items []string
	str := expr.Type{Kind: expr.String}
	for i, c := range s.Schema {
		var v expr.Expr = &expr.Col{Name: c.Name, T: str}
		if s.Format == "csv" && i < len(s.Columns) {
			// An empty field, or the csv null marker, is NULL in every column
			// (strings too), as flowc run reads it.
			markers := []expr.Expr{&expr.Lit{Kind: expr.LitString, T: str}}
			if s.CSV.Null != "" {
				markers = append(markers, &expr.Lit{Kind: expr.LitString, Str: s.CSV.Null, T: str})
			}
			v = &expr.Case{
				Whens: []*expr.When{{Cond: &expr.In{X: v, List: markers, T: expr.Type{Kind: expr.Boolean}}, Then: &expr.Lit{Kind: expr.LitNull, T: str}}},
				Else:  v,
				T:     str,
			}
		}
		x, err := d.Expr(&expr.Cast{X: v, To: c.Type, T: c.Type})
		if err != nil {
			return "", fmt.Errorf("source %s, column %s: %w", s.Name, c.Name, err)
		}
		items = append(items, x+" AS "+d.Ident(c.Name))
	}
	return selectSQL(items, "FROM "+raw), nil
}

// TransformSQL returns the SQL computing transform t from its inputs.
// input maps the name of a source or transform to the SQL text of the
// relation holding its rows (already quoted as the caller needs). The
// result is one Query named t.Name whose relation has the columns of
// t.Schema in order; it chains the steps as WITH blocks named step1, step2,
// ... (renamed if one would shadow an input relation).
func TransformSQL(d Dialect, pl *ir.IR, t *ir.Transform, input func(name string) string) ([]Query, error) {
	g := &tgen{d: d, pl: pl, t: t, input: input}
	sql, err := g.build()
	if err != nil {
		return nil, fmt.Errorf("transform %s: %w", t.Name, err)
	}
	return []Query{{Name: t.Name, SQL: sql}}, nil
}

// TableRowsSQL selects the rows of table tb from its `from` relation: the
// table's columns, in table order, with the types the transform gives them.
// The checks of the table run over this relation (its columns are what the
// check expressions were typed against).
func TableRowsSQL(d Dialect, pl *ir.IR, tb *ir.Table, input func(string) string) (string, error) {
	var items []string
	for _, c := range tb.Columns {
		items = append(items, d.Ident(c.Name))
	}
	return selectSQL(items, "FROM "+input(tb.From)), nil
}

// TableSQL selects the rows to load into table tb from its `from` relation
// (or from the relation of TableRowsSQL, which has the same columns): the
// table's columns in table order, each cast to loadType of its Redshift
// type when the transform's type differs (only widening casts happen: the
// spec rejects narrowing ones).
func TableSQL(d Dialect, pl *ir.IR, tb *ir.Table, input func(string) string) (string, error) {
	var items []string
	for _, c := range tb.Columns {
		to := loadType(c.Type)
		if c.From == to {
			items = append(items, d.Ident(c.Name))
			continue
		}
		x, err := castCol(d, c.Name, c.From, to)
		if err != nil {
			return "", fmt.Errorf("table %s, column %s: %w", tb.Name, c.Name, err)
		}
		items = append(items, x+" AS "+d.Ident(c.Name))
	}
	return selectSQL(items, "FROM "+input(tb.From)), nil
}

// loadType is the engine type a value has when it is loaded into a Redshift
// column of type rt: smallint and integer load from int, real and double
// precision from double, char and varchar from string, timestamptz from
// timestamp, the others from their namesake.
func loadType(rt ir.RedshiftType) expr.Type {
	switch rt.Kind {
	case ir.RSSmallint, ir.RSInteger:
		return expr.Type{Kind: expr.Int}
	case ir.RSBigint:
		return expr.Type{Kind: expr.Bigint}
	case ir.RSDecimal:
		return expr.DecimalOf(rt.Precision, rt.Scale)
	case ir.RSReal, ir.RSDouble:
		return expr.Type{Kind: expr.Double}
	case ir.RSBoolean:
		return expr.Type{Kind: expr.Boolean}
	case ir.RSDate:
		return expr.Type{Kind: expr.Date}
	case ir.RSTimestamp, ir.RSTimestamptz:
		return expr.Type{Kind: expr.Timestamp}
	}
	return expr.Type{Kind: expr.String}
}

// LoadChecks are the checks a run makes before loading tb: the table's own,
// then, for a merge table, unique on its key (an upsert needs one row per
// key; rows whose key has a NULL are not counted).
func LoadChecks(tb *ir.Table) []*ir.Check {
	out := append([]*ir.Check(nil), tb.Checks...)
	if tb.Load == ir.LoadMerge && len(tb.Key) > 0 {
		out = append(out, &ir.Check{
			Kind:    ir.CheckUnique,
			Name:    "merge key unique(" + strings.Join(tb.Key, ",") + ")",
			Pos:     tb.Pos,
			Columns: append([]string(nil), tb.Key...),
		})
	}
	return out
}

// CheckSQL returns a query over rel (a relation with the table's columns,
// see TableRowsSQL) giving one row with one bigint column n:
//
//   - not_null: the rows with a NULL in any of the columns;
//   - unique: the rows whose value of the columns appears more than once
//     (rows with a NULL in those columns do not count, as in SQL UNIQUE);
//   - expect: the rows for which the expression is not TRUE (FALSE or NULL);
//   - row_count: the number of rows (CheckBroken compares it with the
//     bounds).
func CheckSQL(d Dialect, tb *ir.Table, c *ir.Check, rel string) (string, error) {
	n := d.Ident("n")
	switch c.Kind {
	case ir.CheckNotNull:
		var conds []string
		for _, col := range c.Columns {
			conds = append(conds, d.Ident(col)+" IS NULL")
		}
		return selectSQL([]string{"COUNT(*) AS " + n}, "FROM "+rel, "WHERE "+strings.Join(conds, " OR ")), nil
	case ir.CheckUnique:
		var keys, conds []string
		for _, col := range c.Columns {
			keys = append(keys, d.Ident(col))
			conds = append(conds, d.Ident(col)+" IS NOT NULL")
		}
		bigint, err := d.CastType(expr.Type{Kind: expr.Bigint})
		if err != nil {
			return "", err
		}
		inner := selectSQL([]string{"COUNT(*) AS " + n}, "FROM "+rel, "WHERE "+strings.Join(conds, " AND "),
			"GROUP BY "+strings.Join(keys, ", "), "HAVING COUNT(*) > 1")
		return selectSQL([]string{"CAST(COALESCE(SUM(" + n + "), 0) AS " + bigint + ") AS " + n},
			"FROM (\n"+indent(inner, "  ")+"\n) AS "+d.Ident("dups")), nil
	case ir.CheckExpect:
		if c.Expr == nil {
			return "", fmt.Errorf("check %s has no expression", c.Name)
		}
		e, err := rewriteCols(c.Expr, func(col *expr.Col) (*expr.Col, error) {
			if col.Qual != "" {
				return nil, fmt.Errorf("check %s: qualified column %s.%s", c.Name, col.Qual, col.Name)
			}
			return &expr.Col{Sp: col.Sp, T: col.T, Name: col.Name}, nil
		})
		if err != nil {
			return "", err
		}
		x, err := d.Expr(e)
		if err != nil {
			return "", fmt.Errorf("check %s: %w", c.Name, err)
		}
		return selectSQL([]string{"COUNT(*) AS " + n}, "FROM "+rel, "WHERE NOT COALESCE("+x+", FALSE)"), nil
	case ir.CheckRowCount:
		return selectSQL([]string{"COUNT(*) AS " + n}, "FROM "+rel), nil
	}
	return "", fmt.Errorf("table %s: unknown check kind %q", tb.Name, c.Kind)
}

// CheckBroken reports whether check c fails when its CheckSQL query gave
// n: for row_count, n outside [Min, Max]; for the others, any row.
func CheckBroken(c *ir.Check, n int64) bool {
	if c.Kind == ir.CheckRowCount {
		return (c.Min != nil && n < int64(*c.Min)) || (c.Max != nil && n > int64(*c.Max))
	}
	return n > 0
}

// LengthCheckSQL returns a query over rel (see TableRowsSQL) giving one
// row with one bigint column per char(n) or varchar(n) column of tb, named
// like it and in the order of cols: how many values do not fit. A
// varchar(n) value fits in n UTF-8 bytes; a char(n) value must also be
// single-byte characters only (Redshift CHAR holds no multi-byte
// characters). NULLs fit. sql is "" when tb has no such column.
func LengthCheckSQL(d Dialect, tb *ir.Table, rel string) (sql string, cols []*ir.TableColumn, err error) {
	var items []string
	for _, c := range tb.Columns {
		if c.Type.Kind != ir.RSChar && c.Type.Kind != ir.RSVarchar {
			continue
		}
		id := d.Ident(c.Name)
		cond := d.OctetLength(id) + " > " + strconv.Itoa(c.Type.Length)
		if c.Type.Kind == ir.RSChar {
			cond += " OR " + d.OctetLength(id) + " <> length(" + id + ")"
		}
		items = append(items, "COUNT(CASE WHEN "+cond+" THEN 1 END) AS "+id)
		cols = append(cols, c)
	}
	if len(items) == 0 {
		return "", nil, nil
	}
	return selectSQL(items, "FROM "+rel), cols, nil
}

// BadValuesSQL returns a query over raw, the relation holding source s as
// read with every column of s.Schema as text (see SourceSQL), that finds
// the values which do not parse. A value does not parse when it is not
// NULL, is not a null marker of the format (a csv source's empty string
// and its csv null string, which the local engine reads as NULL), and the
// CAST of SourceSQL turns it into NULL. cols are the columns that can
// hold such a value (those of s.Schema whose type is not string), in
// order; sql is "" when there is none. file is the SQL expression giving
// the name of the file a row of raw was read from.
//
// The query makes one pass and gives one row with five columns per column
// of cols, in order: the number of values that do not parse (bigint), the
// least file holding one, one such value from that file, and the least
// and the greatest such value (NULL when there is none).
func BadValuesSQL(d Dialect, s *ir.Source, raw, file string) (sql string, cols []expr.Column, err error) {
	str := expr.Type{Kind: expr.String}
	boolean := expr.Type{Kind: expr.Boolean}
	var inner, outer []string
	for _, c := range s.Schema {
		if c.Type.Kind == expr.String {
			continue
		}
		col := &expr.Col{Name: c.Name, T: str}
		var cond expr.Expr = &expr.IsNull{X: col, Not: true, T: boolean}
		if s.Format == "csv" {
			markers := []expr.Expr{&expr.Lit{Kind: expr.LitString, T: str}}
			if s.CSV.Null != "" {
				markers = append(markers, &expr.Lit{Kind: expr.LitString, Str: s.CSV.Null, T: str})
			}
			cond = &expr.Binary{Op: "AND", T: boolean, X: cond, Y: &expr.In{X: col, List: markers, Not: true, T: boolean}}
		}
		cast := &expr.Cast{X: col, To: c.Type, T: c.Type}
		cond = &expr.Binary{Op: "AND", T: boolean, X: cond, Y: &expr.IsNull{X: cast, T: boolean}}
		x, err := d.Expr(cond)
		if err != nil {
			return "", nil, fmt.Errorf("source %s, column %s: %w", s.Name, c.Name, err)
		}
		i := strconv.Itoa(len(cols))
		b, f := d.Ident("b"+i), "CASE WHEN "+d.Ident("b"+i)+" IS NOT NULL THEN "+d.Ident("file")+" END"
		inner = append(inner, "CASE WHEN "+x+" THEN "+d.Ident(c.Name)+" END AS "+b)
		outer = append(outer,
			"COUNT("+b+") AS "+d.Ident("n"+i),
			"MIN("+f+") AS "+d.Ident("file"+i),
			"min_by("+b+", "+f+") AS "+d.Ident("at"+i),
			"MIN("+b+") AS "+d.Ident("least"+i),
			"MAX("+b+") AS "+d.Ident("greatest"+i))
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return "", nil, nil
	}
	inner = append(inner, file+" AS "+d.Ident("file"))
	from := selectSQL(inner, "FROM "+raw)
	return selectSQL(outer, "FROM (\n"+indent(from, "  ")+"\n) AS "+d.Ident("bad")), cols, nil
}

// castCol renders CAST(column AS to) through the dialect, so that its
// cast semantics (Spark non-ANSI) apply.
func castCol(d Dialect, name string, from, to expr.Type) (string, error) {
	return d.Expr(&expr.Cast{X: &expr.Col{Name: name, T: from}, To: to, T: to})
}

// selectSQL lays out SELECT items, one per line, and the clauses that
// follow, each on its own line.
func selectSQL(items []string, clauses ...string) string {
	var b strings.Builder
	b.WriteString("SELECT\n")
	for i, it := range items {
		b.WriteString("  " + it)
		if i < len(items)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	for i, c := range clauses {
		if c == "" {
			continue
		}
		b.WriteString(c)
		if i < len(clauses)-1 {
			b.WriteByte('\n')
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
