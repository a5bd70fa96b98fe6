package engine

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Reading a source. The files are read with every column as text, and each
// column is converted to its declared type with the same CAST as the Glue
// script's (sqlgen.SourceSQL: Spark's non-ANSI CAST from string). A
// non-empty value that this CAST turns into NULL does not parse: the run
// stops with the file, line and column. Partition values come from the
// name=value folders and are converted the same way, once per file. A CSV
// source whose values are all in the plain forms on which duckDB's typed
// reader and Spark's CAST agree skips the conversions: see canon.go.

// runCol is the hidden column that numbers a row's run (partition) in a
// triggered source and everything computed from it.
const runCol = "_flowc_run"

// badValue marks the error a read raises at the first value that does not
// parse; the fields after it are separated by \x1f.
const badValue = "flowc-bad-value"

// duck is the engine's SQL dialect, shared by every statement it builds.
var duck = duckDB{}

func srcTable(name string) string   { return duck.Ident("_flowc_src_" + name) }
func filesTable(name string) string { return duck.Ident("_flowc_files_" + name) }

// readSource makes a source's relation and returns the number of rows of
// each run. A typed source (every file typed, canon.go) is read by
// readTyped. Else a source read more than once is a temporary table. One
// read once (view) is, when its reader starts with filter steps and the
// files' lines tell their rows, a table of the rows those filters keep,
// made in one pass that checks every value of every row; else a view, read
// here a first time to check every value and count the rows, which costs
// less than storing them.
func (r *runner) readSource(ctx context.Context, in *input, view bool, prefilter []expr.Expr) ([]int64, error) {
	src := in.src
	exact := src.Format == "csv"
	typed := exact && !r.textOnly && newCanonChecker(src) != nil
	<-in.scanned
	if src.Format == "csv" {
		if in.scanErr != nil {
			return nil, in.scanErr
		}
		for _, f := range in.files {
			exact = exact && f.exact
			typed = typed && f.typed
		}
	}
	if !typed || !exact {
		// The copies of the lines a filter keeps are for the typed read
		// (prefilter.go): the text path reads every file whole.
		for i := range in.files {
			if f := &in.files[i]; f.full != "" {
				f.path, f.full = f.full, ""
			}
		}
	}
	if err := r.filesTable(ctx, in); err != nil {
		return nil, err
	}
	if typed && exact {
		return r.readTyped(ctx, in, view, prefilter)
	}
	raw, err := rawRelation(in, in.files)
	if err != nil {
		return nil, err
	}
	checked := typedSQL(in, raw, true)
	rel := srcTable(src.Name)
	if view && exact && len(prefilter) > 0 {
		// The checked conversions stop duckDB from pushing the filter below
		// them (error() may not be skipped), and SELECT * keeps every
		// column: every value of every row is checked.
		conds, err := sqlConds(prefilter)
		if err != nil {
			return nil, err
		}
		q := "CREATE TEMP TABLE " + rel + " AS SELECT * FROM (" + checked + ") AS s WHERE " + strings.Join(conds, " AND ")
		if (len(src.Partitions) > 0 || src.Triggered()) && onFileColumns(src, prefilter) {
			// Filter first, then look up the partition values and run of
			// the rows kept.
			var items []string
			for _, c := range src.Columns {
				items = append(items, "s."+duck.Ident(c.Name))
			}
			items = append(items, filesColumns(src, "f")...)
			q = "CREATE TEMP TABLE " + rel + " AS SELECT " + strings.Join(items, ", ") + " FROM (SELECT * FROM (" + typedSQLJoin(in, raw, true, false) +
				") AS s0 WHERE " + strings.Join(conds, " AND ") + ") AS s JOIN " + filesTable(src.Name) + " AS f ON s." + duck.Ident("_flowc_file") + " = f." + duck.Ident("_flowc_path")
		}
		if _, err := r.exec(ctx, q); err != nil {
			return nil, r.readFailed(ctx, in, err)
		}
		r.stored[src.Name] = true
		counts := make([]int64, len(in.runs))
		for _, f := range in.files {
			counts[f.run] += f.rows
		}
		return counts, emptyRuns(in, counts)
	}
	items := []string{"count(*)"}
	if view {
		// The view has the plain conversions; the count reads the checked
		// ones, and counting every typed column makes it convert (and
		// check) every value.
		if _, err := r.exec(ctx, "CREATE TEMP VIEW "+rel+" AS "+typedSQL(in, raw, false)); err != nil {
			return nil, err
		}
		rel = "(" + checked + ")"
		for _, c := range src.Columns {
			if c.Type.Kind != expr.String {
				items = append(items, "count("+duck.Ident(c.Name)+")")
			}
		}
	} else if _, err := r.exec(ctx, "CREATE TEMP TABLE "+rel+" AS "+checked); err != nil {
		return nil, r.readFailed(ctx, in, err)
	} else {
		r.stored[src.Name] = true
	}
	group, key := "", "0"
	if src.Triggered() {
		group, key = " GROUP BY 1", duck.Ident(runCol)
	}
	rows, err := r.conn.QueryContext(ctx, "SELECT "+key+", "+strings.Join(items, ", ")+" FROM "+rel+group)
	if err != nil {
		return nil, r.readFailed(ctx, in, err)
	}
	defer rows.Close()
	counts := make([]int64, len(in.runs))
	vals := make([]int64, len(items)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		counts[vals[0]] = vals[1]
	}
	if err := rows.Err(); err != nil {
		return nil, r.readFailed(ctx, in, err)
	}
	return counts, emptyRuns(in, counts)
}

// sqlConds renders filter conditions in duckDB SQL.
func sqlConds(conds []expr.Expr) ([]string, error) {
	var out []string
	for _, c := range conds {
		x, err := duck.Expr(c)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// emptyRuns fails when a partition of a triggered source has no rows.
func emptyRuns(in *input, counts []int64) error {
	if !in.src.Triggered() {
		return nil
	}
	for i, n := range counts {
		if n == 0 && !in.loaded[in.runs[i].label] {
			var files []string
			for _, f := range in.files {
				if f.run == i {
					files = append(files, f.shown)
				}
			}
			return &InputError{File: dirOf(files[0]), Msg: fmt.Sprintf("partition %s of source %s is empty: no rows in %s", in.runs[i].label, in.src.Name, plural(int64(len(files)), "file"))}
		}
	}
	return nil
}

// readFailed explains why reading a source failed.
func (r *runner) readFailed(ctx context.Context, in *input, err error) error {
	if derr := r.diagnose(ctx, in); derr != nil {
		return derr
	}
	return readError(in, err)
}

func dirOf(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i > 0 {
		return p[:i]
	}
	return p
}

// filesTable makes the table of the source's files with each file's run and
// typed partition values, and checks the values parse.
func (r *runner) filesTable(ctx context.Context, in *input) error {
	var rows []string
	for _, f := range in.files {
		vals := []string{sqlString(f.path), strconv.Itoa(f.run)}
		for _, v := range f.part {
			vals = append(vals, sqlString(v))
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	names := []string{"c0", "c1"}
	items := []string{"c0 AS " + duck.Ident("_flowc_path"), "CAST(c1 AS INTEGER) AS " + duck.Ident(runCol)}
	for i, p := range in.src.Partitions {
		names = append(names, fmt.Sprintf("c%d", i+2))
		x, err := castText(fmt.Sprintf("c%d", i+2), p.Type)
		if err != nil {
			return err
		}
		items = append(items, x+" AS "+duck.Ident(p.Name))
	}
	q := "CREATE TEMP TABLE " + filesTable(in.src.Name) + " AS SELECT " + strings.Join(items, ", ") + " FROM (VALUES " + strings.Join(rows, ", ") + ") AS v(" + strings.Join(names, ", ") + ")"
	if _, err := r.exec(ctx, q); err != nil {
		return err
	}
	for i, p := range in.src.Partitions {
		if p.Type.Kind == expr.String {
			continue
		}
		var file string
		err := r.conn.QueryRowContext(ctx, "SELECT _flowc_path FROM "+filesTable(in.src.Name)+" WHERE "+duck.Ident(p.Name)+" IS NULL ORDER BY _flowc_path LIMIT 1").Scan(&file)
		if err == nil {
			for _, f := range in.files {
				if f.path == file {
					return &InputError{File: dirOf(f.shown), Msg: fmt.Sprintf("partition %s=%s of source %s is not a valid %s", p.Name, f.part[i], in.src.Name, p.Type)}
				}
			}
		}
	}
	return nil
}

// castText renders the Glue script's conversion of a text column to t.
func castText(col string, t expr.Type) (string, error) {
	if t.Kind == expr.String {
		return duck.Ident(col), nil
	}
	return duck.Expr(&expr.Cast{X: &expr.Col{Name: col, T: expr.Type{Kind: expr.String}}, To: t, T: t})
}

// rawRelation is the SQL reading the given files with every column as
// text, plus the file name in _flowc_file.
func rawRelation(in *input, files []inputFile) (string, error) {
	src := in.src
	var list []string
	for _, f := range files {
		list = append(list, sqlString(f.path))
	}
	paths := "[" + strings.Join(list, ", ") + "]"
	var cols []string
	for _, c := range src.Columns {
		cols = append(cols, sqlString(c.Name)+": 'VARCHAR'")
	}
	file := sqlString("_flowc_file")
	switch src.Format {
	case "csv":
		o := src.CSV
		nulls := "''"
		if o.Null != "" {
			nulls = "[" + sqlString(o.Null) + ", '']"
		}
		return fmt.Sprintf("read_csv(%s, columns = {%s}, header = %t, delim = %s, quote = %s, escape = %s, nullstr = %s, auto_detect = false, filename = %s)",
			paths, strings.Join(cols, ", "), o.Header, sqlString(o.Delimiter), sqlString(o.Quote), sqlString(o.Escape), nulls, file), nil
	case "json":
		return fmt.Sprintf("read_json(%s, columns = {%s}, format = 'newline_delimited', filename = %s)", paths, strings.Join(cols, ", "), file), nil
	case "parquet":
		var items []string
		for _, c := range src.Columns {
			items = append(items, "CAST("+duck.Ident(c.Name)+" AS VARCHAR) AS "+duck.Ident(c.Name))
		}
		return fmt.Sprintf("(SELECT %s, %s FROM read_parquet(%s, filename = %s))", strings.Join(items, ", "), duck.Ident("_flowc_file"), paths, file), nil
	}
	return "", fmt.Errorf("source %s: format %q cannot be read locally", src.Name, src.Format)
}

// typedSQL converts the raw relation to the source's row: each column with
// the CAST of the Glue script, the partition columns and run from the files
// table. With check, a value that does not parse stops the query (an error
// that names the file, the column and the value); without, the conversions
// are plain expressions that duckDB can push filters through.
func typedSQL(in *input, raw string, check bool) string {
	return typedSQLJoin(in, raw, check, true)
}

// typedSQLJoin is typedSQL, without the files table when join is false:
// then the row has _flowc_file instead of the partition columns and run.
func typedSQLJoin(in *input, raw string, check, join bool) string {
	src := in.src
	var inner, outer []string
	for i, c := range src.Columns {
		id := duck.Ident(c.Name)
		x, _ := castText(c.Name, c.Type)
		switch {
		case c.Type.Kind == expr.String:
			inner = append(inner, id)
			outer = append(outer, "r."+id)
		case !check:
			outer = append(outer, x+" AS "+id)
		default:
			v, rw := duck.Ident(fmt.Sprintf("_v%d", i)), duck.Ident(fmt.Sprintf("_r%d", i))
			inner = append(inner, x+" AS "+v, id+" AS "+rw)
			outer = append(outer, fmt.Sprintf("CASE WHEN %s IS NULL AND %s IS NOT NULL THEN error(concat(%s, chr(31), %s, chr(31), %s, chr(31), %s)) ELSE %s END AS %s",
				v, rw, sqlString(badValue), strconv.Itoa(i), duck.Ident("_flowc_file"), rw, v, id))
		}
	}
	from := raw + " AS r"
	if check {
		inner = append(inner, duck.Ident("_flowc_file"))
		from = "(SELECT " + strings.Join(inner, ", ") + " FROM " + raw + ") AS r"
	}
	switch {
	case !join:
		outer = append(outer, "r."+duck.Ident("_flowc_file"))
	case len(src.Partitions) > 0 || src.Triggered():
		outer = append(outer, filesColumns(src, "f")...)
		from += " JOIN " + filesTable(src.Name) + " AS f ON r." + duck.Ident("_flowc_file") + " = f." + duck.Ident("_flowc_path")
	}
	return "SELECT " + strings.Join(outer, ", ") + " FROM " + from
}

// filesColumns are the columns a row takes from the files table: the
// partition columns, and the run of a triggered source.
func filesColumns(src *ir.Source, rel string) []string {
	var out []string
	for _, p := range src.Partitions {
		out = append(out, rel+"."+duck.Ident(p.Name))
	}
	if src.Triggered() {
		out = append(out, rel+"."+duck.Ident(runCol))
	}
	return out
}

// onFileColumns reports whether the conditions read only the file's own
// columns (not the partition columns).
func onFileColumns(src *ir.Source, conds []expr.Expr) bool {
	for _, c := range conds {
		for _, col := range expr.Columns(c) {
			for _, p := range src.Partitions {
				if col.Name == p.Name {
					return false
				}
			}
		}
	}
	return true
}

// diagnose finds the first problem of a source that failed to read, file by
// file in order: a line duckDB's CSV reader rejects, or a value that does
// not parse as its column's type. It returns nil when it finds none.
func (r *runner) diagnose(ctx context.Context, in *input) error {
	// The run's transaction is aborted by the failed read: look on a
	// connection of its own.
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil
	}
	defer conn.Close()
	c := newSession(conn)
	src := in.src
	for _, f := range in.files {
		if src.Format == "csv" || src.Format == "json" {
			if line, b := badUTF8(f.path); line > 0 {
				return notUTF8Error(f.shown, line, b, src)
			}
		}
		if src.Format == "csv" {
			if err := rejects(ctx, c, in, f); err != nil {
				return err
			}
		}
		raw, err := rawRelation(in, []inputFile{f})
		if err != nil {
			return err
		}
		// The distinct bad values of each column, then the first record
		// holding one.
		var parts []string
		for i, c := range src.Columns {
			if c.Type.Kind == expr.String {
				continue
			}
			x, _ := castText(c.Name, c.Type)
			parts = append(parts, fmt.Sprintf("SELECT DISTINCT %d AS i, %s AS v FROM %s WHERE %s IS NOT NULL AND %s IS NULL", i, duck.Ident(c.Name), raw, duck.Ident(c.Name), x))
		}
		if len(parts) == 0 {
			continue
		}
		rows, err := c.QueryContext(ctx, "SELECT i, v FROM ("+strings.Join(parts, " UNION ALL ")+") LIMIT 10000")
		if err != nil {
			continue
		}
		bad := map[int]map[string]bool{}
		for rows.Next() {
			var i int
			var v string
			if rows.Scan(&i, &v) == nil {
				if bad[i] == nil {
					bad[i] = map[string]bool{}
				}
				bad[i][v] = true
			}
		}
		rows.Close()
		if len(bad) == 0 {
			continue
		}
		var value string
		line, col := 0, -1
		if src.Format == "csv" {
			line, col = recordLine(f, src.CSV, func(rec []string) int {
				for i, v := range rec {
					if bad[i][v] {
						value = v
						return i
					}
				}
				return -1
			})
		}
		if col < 0 {
			for i := range src.Columns {
				for v := range bad[i] {
					if col < 0 || i < col || (i == col && v < value) {
						col, value = i, v
					}
				}
			}
		}
		c := src.Columns[col]
		return &InputError{File: f.shown, Line: line, Msg: fmt.Sprintf("column %s: %s is not a valid %s", c.Name, quoteShort(value), c.Type)}
	}
	return nil
}

// rejects reads one CSV file with duckDB's reject tables and reports the
// first rejected line.
func rejects(ctx context.Context, c *session, in *input, f inputFile) error {
	for _, t := range []string{"_flowc_rejects", "_flowc_reject_scans"} {
		if _, err := c.ExecContext(ctx, "DROP TABLE IF EXISTS "+duck.Ident(t)); err != nil {
			return nil
		}
	}
	raw, err := rawRelation(in, []inputFile{f})
	if err != nil {
		return err
	}
	raw = strings.TrimSuffix(raw, ")") + ", store_rejects = true, rejects_table = '_flowc_rejects', rejects_scan = '_flowc_reject_scans')"
	var n int64
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM "+raw).Scan(&n); err != nil {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("not a readable CSV file: %v", cleanErr(err))}
	}
	var line int
	var typ, msg string
	err = c.QueryRowContext(ctx, `SELECT line, error_type, error_message FROM "_flowc_rejects" ORDER BY line LIMIT 1`).Scan(&line, &typ, &msg)
	if err != nil {
		return nil
	}
	want := len(in.src.Columns)
	switch typ {
	case "TOO MANY COLUMNS":
		return &InputError{File: f.shown, Line: line, Msg: fmt.Sprintf("the line has more than the %d columns source %s declares (%s)", want, in.src.Name, strings.Join(columnNames(in.src), ", "))}
	case "MISSING COLUMNS":
		return &InputError{File: f.shown, Line: line, Msg: fmt.Sprintf("the line has fewer than the %d columns source %s declares (%s)", want, in.src.Name, strings.Join(columnNames(in.src), ", "))}
	}
	return &InputError{File: f.shown, Line: line, Msg: strings.ToLower(typ) + ": " + shortLine(msg)}
}

var duckFile = regexp.MustCompile(`(?m)^\s*file = (.+)$`)

// readError turns a duckDB error reading a source into an InputError on
// the file it names, when it names one.
func readError(in *input, err error) error {
	file := in.display
	if m := duckFile.FindStringSubmatch(err.Error()); m != nil {
		for _, f := range in.files {
			if f.path == strings.TrimSpace(m[1]) {
				file = f.shown
			}
		}
	}
	return &InputError{File: file, Msg: fmt.Sprintf("cannot read source %s: %s", in.src.Name, cleanErr(err))}
}

// cleanErr shortens a duckDB error to its first line.
func cleanErr(err error) string {
	return shortLine(err.Error())
}

// shortLine cuts a message (which may quote the input) to its first line
// (\r too ends one), and to 200 characters.
func shortLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i > 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		i := 200
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "..."
	}
	return s
}
