package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Merge ownership (docs/run-model.md, issue 16 requirement 3), as the Glue
// job checks it: a merge table whose key does not prove that a group lies
// in one partition (ir.Table.OwnerCheck, spec FC414) has the hidden column
// ir.OwnerColumn, the partition that computed each row. A run fails, and
// the warehouse stays as it was, when a key of its rows is also a key of
// another partition's rows: of another run of this invocation (the Glue
// pipeline runs the partitions one by one, and the second would fail), or
// of the warehouse, computed by a run of another partition (a run of a
// leading part of this partition, or of the whole source, counts as
// another; rows of NULL owner, loaded before the column existed, as
// nobody's).

// runLabels is a relation (run, label) of the runs of the table's
// triggered source.
func (r *runner) runLabels(tb *ir.Table) string {
	var rows []string
	for i, run := range r.inputs[tb.Trigger.Name].runs {
		rows = append(rows, "("+strconv.Itoa(i)+", "+sqlString(run.label)+")")
	}
	return "(VALUES " + strings.Join(rows, ", ") + ") AS l(run, label)"
}

// keyItems are the table's merge key columns of relation alias, as text.
func keyItems(tb *ir.Table, alias string) []string {
	var out []string
	for _, k := range tb.Key {
		out = append(out, "CAST("+alias+"."+duck.Ident(k)+" AS VARCHAR)")
	}
	return out
}

// ownerCheck fails (before the table is changed) on a group of the staged
// rows that another partition computes or computed.
func (r *runner) ownerCheck(ctx context.Context, tb *ir.Table, stage string, sharedRuns bool) error {
	keys := keyItems(tb, "s")
	run := "s." + duck.Ident(runCol)
	var q string
	if sharedRuns {
		// The labels of the least and greatest run of each key.
		var ks []string
		for i := range keys {
			ks = append(ks, "k.k"+strconv.Itoa(i))
		}
		q = "SELECT " + strings.Join(ks, ", ") + ", l1.label, l2.label FROM (SELECT " + strings.Join(aliased(keys), ", ") + ", min(" + run + ") AS lo, max(" + run + ") AS hi FROM " + stage + " AS s GROUP BY ALL HAVING min(" + run + ") <> max(" + run + ")) AS k" +
			" JOIN " + strings.Replace(r.runLabels(tb), "AS l(", "AS l1(", 1) + " ON k.lo = l1.run JOIN " + strings.Replace(r.runLabels(tb), "AS l(", "AS l2(", 1) + " ON k.hi = l2.run"
		groups, err := r.ownerRows(ctx, tb, q+" ORDER BY ALL LIMIT 10")
		if err != nil {
			return err
		}
		if len(groups) > 0 {
			return r.splitGroup(tb, "", groups)
		}
	}
	var on []string
	for _, k := range tb.Key {
		on = append(on, "t."+duck.Ident(k)+" IS NOT DISTINCT FROM s."+duck.Ident(k))
	}
	owner := "t." + duck.Ident(ir.OwnerColumn)
	q = "SELECT DISTINCT " + strings.Join(keyItems(tb, "t"), ", ") + ", " + owner + ", l.label FROM " + r.target(tb) + " AS t JOIN " + stage + " AS s ON " + strings.Join(on, " AND ") +
		" JOIN " + r.runLabels(tb) + " ON " + run + " = l.run" +
		" WHERE " + owner + " IS NOT NULL AND " + owner + " <> l.label AND NOT starts_with(" + owner + ", l.label || '/')"
	groups, err := r.ownerRows(ctx, tb, q+" ORDER BY ALL LIMIT 10")
	if err != nil {
		return err
	}
	if len(groups) > 0 {
		return r.splitGroup(tb, "before", groups)
	}
	return nil
}

func aliased(items []string) []string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = x + " AS k" + strconv.Itoa(i)
	}
	return out
}

// ownerRows runs q, whose rows are the key's values then two partitions.
func (r *runner) ownerRows(ctx context.Context, tb *ir.Table, q string) ([][]sql.NullString, error) {
	rows, err := r.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("checking the groups of table %s: %s", tb.Name, cleanErr(err))
	}
	defer rows.Close()
	var out [][]sql.NullString
	for rows.Next() {
		vals := make([]sql.NullString, len(tb.Key)+2)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// splitGroup is the error naming the groups computed by two partitions:
// each row holds the key's values, the other partition and this run's.
func (r *runner) splitGroup(tb *ir.Table, when string, groups [][]sql.NullString) error {
	var said []string
	for _, g := range groups {
		var vals []string
		for _, v := range g[:len(tb.Key)] {
			if v.Valid {
				vals = append(vals, quoteShort(v.String))
			} else {
				vals = append(vals, "NULL")
			}
		}
		other, this := g[len(tb.Key)].String, g[len(tb.Key)+1].String
		if when == "" {
			said = append(said, fmt.Sprintf("(%s) from partitions %s and %s", strings.Join(vals, ", "), other, this))
		} else {
			said = append(said, fmt.Sprintf("(%s) of partition %s, computed before from partition %s", strings.Join(vals, ", "), this, other))
		}
	}
	more := ""
	if len(groups) == 10 {
		more = " (the first 10)"
	}
	return settledError{fmt.Errorf("table %s.%s: merge key (%s): groups span partitions: %s%s; loading would replace a group with the part of it in one partition; nothing was loaded (fix the files, or key the table by the partition columns)",
		r.schema(), tb.Name, strings.Join(tb.Key, ", "), strings.Join(said, "; "), more)}
}

// setOwners names, after the insert, the partition of the rows the load
// inserted: those of the run's keys whose owner is NULL (the merge deleted
// the old rows of those keys).
func (r *runner) setOwners(ctx context.Context, tb *ir.Table, stage string, conds []string) error {
	var keys []string
	for _, k := range tb.Key {
		keys = append(keys, duck.Ident(k))
	}
	q := "UPDATE " + r.target(tb) + " AS t SET " + duck.Ident(ir.OwnerColumn) + " = s.label FROM (SELECT DISTINCT " + strings.Join(keys, ", ") + ", l.label FROM " + stage + " JOIN " + r.runLabels(tb) + " ON " + duck.Ident(runCol) + " = l.run) AS s" +
		" WHERE t." + duck.Ident(ir.OwnerColumn) + " IS NULL AND " + strings.Join(conds, " AND ")
	_, err := r.exec(ctx, q)
	return err
}
