package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// Checks run over the staged rows of a table with the shared SQL
// (sqlgen.CheckSQL): a check holds for a run (partition) when it holds
// for that run's rows. Row-wise checks (not_null, expect) and unique within
// a run (the run joins the columns) are counted over all runs at once; only
// when one fails are the runs told apart, to name them.

// check runs one check; a failure is a *CheckError.
func (r *runner) check(ctx context.Context, tb, plan *ir.Table, c *ir.Check, stage string, carries bool) error {
	if c.Kind == spec.CheckRowCount && carries {
		return r.rowCount(ctx, tb, c, stage)
	}
	cc := c
	if c.Kind == spec.CheckUnique && carries {
		cp := *c
		cp.Columns = append(append([]string(nil), c.Columns...), runCol)
		cc = &cp
	}
	q, err := sqlgen.CheckSQL(duck, plan, cc, stage)
	if err != nil {
		return err
	}
	n, err := r.count(ctx, q)
	if err != nil {
		return fmt.Errorf("check %s of table %s: %s", c.Name, tb.Name, cleanErr(err))
	}
	if !sqlgen.CheckBroken(c, n) {
		return nil
	}
	var parts []string
	if carries {
		// Which runs: the check per run, over that run's rows.
		in := r.inputs[tb.Trigger.Name]
		for i, run := range in.runs {
			q, err := sqlgen.CheckSQL(duck, plan, c, "(SELECT * FROM "+stage+" WHERE "+duck.Ident(runCol)+" = "+strconv.Itoa(i)+")")
			if err != nil {
				return err
			}
			if k, err := r.count(ctx, q); err == nil && sqlgen.CheckBroken(c, k) {
				parts = append(parts, run.label)
			}
		}
	}
	return r.checkError(tb, c, n, parts)
}

// rowCount checks the number of rows of each run, runs without rows
// included.
func (r *runner) rowCount(ctx context.Context, tb *ir.Table, c *ir.Check, stage string) error {
	in := r.inputs[tb.Trigger.Name]
	counts := make([]int64, len(in.runs))
	rows, err := r.conn.QueryContext(ctx, "SELECT "+duck.Ident(runCol)+", count(*) FROM "+stage+" GROUP BY 1")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var run, n int64
		if err := rows.Scan(&run, &n); err != nil {
			return err
		}
		counts[run] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var parts []string
	var first int64 = -1
	for i, n := range counts {
		if sqlgen.CheckBroken(c, n) {
			parts = append(parts, in.runs[i].label)
			if first < 0 {
				first = n
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return r.checkError(tb, c, first, parts)
}

func (r *runner) checkError(tb *ir.Table, c *ir.Check, n int64, parts []string) error {
	name := r.schema() + "." + tb.Name
	what := plural(n, "row") + " break it"
	if c.Kind == spec.CheckRowCount {
		what = fmt.Sprintf("the table gets %s", plural(n, "row"))
		var bounds []string
		if c.Min != nil {
			bounds = append(bounds, fmt.Sprintf("at least %d", *c.Min))
		}
		if c.Max != nil {
			bounds = append(bounds, fmt.Sprintf("at most %d", *c.Max))
		}
		what += ", the check wants " + strings.Join(bounds, " and ")
	}
	where := ""
	if len(parts) > 0 {
		where = " in partition " + listShort(parts)
		if c.Kind == spec.CheckRowCount && len(parts) > 1 {
			what = fmt.Sprintf("%s (the first)", what)
		}
	}
	pos := ""
	if p := c.Pos.String(); p != "" {
		pos = p + ": "
	}
	return &CheckError{
		Table: name, Check: c.Name, Rows: n, Partitions: parts,
		Msg: fmt.Sprintf("%scheck %s of table %s failed%s: %s; nothing was loaded", pos, c.Name, name, where, what),
	}
}

// lengths fails when a char(n) or varchar(n) value does not fit.
func (r *runner) lengths(ctx context.Context, tb *ir.Table, stage string) error {
	q, cols, err := sqlgen.LengthCheckSQL(duck, tb, stage)
	if err != nil || q == "" {
		return err
	}
	counts := make([]int64, len(cols))
	ptrs := make([]any, len(cols))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	if err := r.conn.QueryRowContext(ctx, q).Scan(ptrs...); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("length checks of table %s: %s", tb.Name, cleanErr(err))
	}
	for i, c := range cols {
		if counts[i] == 0 {
			continue
		}
		name := r.schema() + "." + tb.Name
		fit := fmt.Sprintf("longer than %d bytes", c.Type.Length)
		if c.Type.Kind == spec.RSChar {
			fit += " or with multi-byte characters"
		}
		pos := ""
		if p := c.Pos.String(); p != "" {
			pos = p + ": "
		}
		return &CheckError{
			Table: name, Check: "length(" + c.Name + ")", Rows: counts[i],
			Msg: fmt.Sprintf("%scolumn %s of table %s is %s: %s %s; nothing was loaded", pos, c.Name, name, c.Type, plural(counts[i], "value"), fit),
		}
	}
	return nil
}
