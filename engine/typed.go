package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/spec/expr"
)

// readTyped makes the relation of a source whose files are all typed
// (canon.go): duckDB's typed CSV reader with the declared column types,
// and the partition values and run from the files table. scanFile has
// checked every value and counted every file's rows, so nothing is left to
// check or count: a source read once is a view, which duckDB reads in the
// query that needs it, pushing that query's filters and column choice into
// the read; one read more than once is a table. So is one read once by a
// reader that starts with filter steps: a table of the rows they keep.
// duckDB cannot estimate how many rows a list of CSV files holds (it
// guesses from the first file, 400 times too few on the benchmark), and
// from the guess builds the hash table of a join on the files' side,
// however small the other; a table of the kept rows gives it their count.
// Unless that reader meets a window, an aggregate or a dedupe before any
// join (blockingFirst): then it stays a view with the filters in it, read
// in the reader's own statement, whose blocking step counts the rows
// before the join is planned.
func (r *runner) readTyped(ctx context.Context, in *input, view bool, prefilter []expr.Expr) ([]int64, error) {
	src := in.src
	join := len(src.Partitions) > 0 || src.Triggered()
	var items []string
	for _, c := range src.Columns {
		items = append(items, "r."+duck.Ident(c.Name))
	}
	q := "SELECT " + strings.Join(items, ", ")
	if join {
		q += ", " + strings.Join(filesColumns(src, "f"), ", ") + " FROM " + typedRelation(in, true) + " AS r JOIN " + filesTable(src.Name) +
			" AS f ON r." + duck.Ident("_flowc_file") + " = f." + duck.Ident("_flowc_path")
	} else {
		q += " FROM " + typedRelation(in, false) + " AS r"
	}
	r.typed = append(r.typed, src.Name) // before the read: Run retries a typed run that fails
	kind := "VIEW"
	if view && len(prefilter) > 0 {
		conds, err := sqlConds(prefilter)
		if err != nil {
			return nil, err
		}
		q = "SELECT * FROM (" + q + ") AS s WHERE " + strings.Join(conds, " AND ")
		view = r.fused[src.Name]
	}
	if !view {
		kind = "TABLE"
	}
	if _, err := r.exec(ctx, "CREATE TEMP "+kind+" "+srcTable(src.Name)+" AS "+q); err != nil {
		// Not an InputError: Run reads again on the text path.
		return nil, fmt.Errorf("reading source %s with types: %s", src.Name, cleanErr(err))
	}
	r.stored[src.Name] = !view
	counts := make([]int64, len(in.runs))
	for _, f := range in.files {
		counts[f.run] += f.rows
	}
	return counts, emptyRuns(in, counts)
}

// typedRelation is the SQL reading a source's files with duckDB's typed CSV
// reader (with the options of rawRelation), plus the file name in
// _flowc_file when file is set.
func typedRelation(in *input, file bool) string {
	src := in.src
	var list, cols []string
	for _, f := range in.files {
		list = append(list, sqlString(f.path))
	}
	for _, c := range src.Columns {
		cols = append(cols, sqlString(c.Name)+": "+sqlString(duckType(c.Type)))
	}
	o := src.CSV
	nulls := "''"
	if o.Null != "" {
		nulls = "[" + sqlString(o.Null) + ", '']"
	}
	name := ""
	if file {
		name = ", filename = " + sqlString("_flowc_file")
	}
	return fmt.Sprintf("read_csv([%s], columns = {%s}, header = %t, delim = %s, quote = %s, escape = %s, nullstr = %s, auto_detect = false%s)",
		strings.Join(list, ", "), strings.Join(cols, ", "), o.Header, sqlString(o.Delimiter), sqlString(o.Quote), sqlString(o.Escape), nulls, name)
}
