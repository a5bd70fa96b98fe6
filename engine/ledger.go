package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Append loads each file once (docs/run-model.md, issue 16 requirement 2),
// as the Glue job does with its ledger in Redshift: the warehouse holds the
// table _flowc_ledger (the file's path under the source's location, its
// size and SHA-256, per table and source), written in the run's
// transaction. It has no load time: two runs over the same files leave
// the same warehouse (TestRunDeterministic). A run reads only the files of an append table's source
// (ir.Table.Appends) that its ledger does not hold, fails when a file it
// holds changed, and loads nothing for a table whose files it holds all.
//
// The engine reads a source once for all the tables of a run. Its files
// are narrowed to the new ones when every table of the run that reads it
// is an append table of it with the same new files; otherwise a table
// with no new file is left out, and one with some new files fails the run
// (run the partitions of the new files with --partition).

// ledgerTable is the ledger in the warehouse.
var ledgerTable = "main." + duck.Ident(ir.LocalLedger)

// ledgerFile is a file of a source as the ledger records it.
type ledgerFile struct {
	rel  string
	size int64
	sum  string
}

// ledgerPlan is what the ledger decided for a run: the tables it runs,
// those it leaves out (nothing new), and the files to record per table.
type ledgerPlan struct {
	tables  []*ir.Table
	skipped map[string]bool
	records map[string][]ledgerFile
	source  map[string]string // table -> the source its records are of
}

// ledger narrows the run's append tables to their new files (see above).
func (r *runner) ledger(ctx context.Context, tables []*ir.Table) (*ledgerPlan, error) {
	lp := &ledgerPlan{tables: tables, skipped: map[string]bool{}, records: map[string][]ledgerFile{}, source: map[string]string{}}
	var srcs []string
	seen := map[string]bool{}
	for _, tb := range tables {
		if tb.Load == ir.LoadAppend && tb.Appends != nil && !seen[tb.Appends.Name] && r.inputs[tb.Appends.Name] != nil {
			seen[tb.Appends.Name] = true
			srcs = append(srcs, tb.Appends.Name)
		}
	}
	if len(srcs) == 0 {
		return lp, nil
	}
	exists, err := r.count(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = "+sqlString(ir.LocalLedger))
	if err != nil {
		return nil, err
	}
	for _, name := range srcs {
		in := r.inputs[name]
		<-in.scanned
		files := make([]ledgerFile, len(in.files))
		for i, f := range in.files {
			if files[i], err = fileSum(f); err != nil {
				return nil, err
			}
		}
		news := map[string][]int{} // table -> indices of its new files
		var readers []*ir.Table
		allAppend := true
		for _, tb := range tables {
			if !needed([]*ir.Table{tb}, name) {
				continue
			}
			readers = append(readers, tb)
			if tb.Load != ir.LoadAppend || tb.Appends == nil || tb.Appends.Name != name {
				allAppend = false
				continue
			}
			held := map[string]string{}
			if exists > 0 {
				if held, err = r.ledgerHeld(ctx, tb.Name, name); err != nil {
					return nil, err
				}
			}
			for i, f := range files {
				sum, ok := held[f.rel]
				switch {
				case !ok:
					news[tb.Name] = append(news[tb.Name], i)
				case sum != f.sum:
					return nil, &InputError{File: in.files[i].shown, Msg: fmt.Sprintf("table %s loads with append and loaded this file before; it changed since (another SHA-256): append cannot take back the rows it loaded from it; use replace_partition or merge, or restore the file; nothing was loaded", tb.Name)}
				}
			}
		}
		same := allAppend
		for _, tb := range readers {
			same = same && fmt.Sprint(news[tb.Name]) == fmt.Sprint(news[readers[0].Name])
		}
		for _, tb := range readers {
			n, ok := news[tb.Name], tb.Load == ir.LoadAppend && tb.Appends != nil && tb.Appends.Name == name
			switch {
			case !ok:
			case len(n) == 0:
				lp.skipped[tb.Name] = true
			case same || len(n) == len(files):
				for _, i := range n {
					lp.records[tb.Name] = append(lp.records[tb.Name], files[i])
				}
				lp.source[tb.Name] = name
			default:
				var others []string
				for _, o := range readers {
					if o != tb {
						others = append(others, o.Name)
					}
				}
				return nil, settledError{fmt.Errorf("table %s loads with append and loaded %d of the %s of source %s before, and %s %s all of them in this run: flowc run reads a source once, so it cannot read only the new files for %s; run the partitions of the new files with --partition",
					tb.Name, len(files)-len(n), plural(int64(len(files)), "file"), name, strings.Join(others, ", "), map[bool]string{true: "reads", false: "read"}[len(others) == 1], tb.Name)}
			}
		}
		if same && len(readers) > 0 {
			keep := news[readers[0].Name]
			in.narrow(keep)
		}
	}
	var keep []*ir.Table
	for _, tb := range tables {
		if !lp.skipped[tb.Name] {
			keep = append(keep, tb)
		}
	}
	lp.tables = keep
	return lp, nil
}

// narrow keeps the files of the given indices (sorted) and numbers their
// runs again; a partition whose files were all dropped is no run, one
// with files dropped may be empty (its new files header-only).
func (in *input) narrow(keep []int) {
	if len(keep) == len(in.files) {
		return
	}
	kept := map[int]bool{}
	for _, i := range keep {
		kept[i] = true
	}
	in.loaded = map[string]bool{}
	var files []inputFile
	for i, f := range in.files {
		if kept[i] {
			files = append(files, f)
		} else {
			in.loaded[partLabel(in.src.Partitions, f.part)] = true
		}
	}
	in.files = files
	in.number()
}

// ledgerHeld is {path: SHA-256} of the files the ledger holds for a table
// and source.
func (r *runner) ledgerHeld(ctx context.Context, table, source string) (map[string]string, error) {
	rows, err := r.conn.QueryContext(ctx, "SELECT path, sha256 FROM "+ledgerTable+" WHERE tbl = ? AND source = ?", table, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	held := map[string]string{}
	for rows.Next() {
		var p, s string
		if err := rows.Scan(&p, &s); err != nil {
			return nil, err
		}
		held[p] = s
	}
	return held, rows.Err()
}

// fileSum is a file's ledger entry.
func fileSum(f inputFile) (ledgerFile, error) {
	path := f.path
	if f.full != "" {
		path = f.full // not the copy of the lines a filter keeps
	}
	fh, err := os.Open(path)
	if err != nil {
		return ledgerFile{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return ledgerFile{}, fmt.Errorf("reading %s: %w", f.shown, err)
	}
	return ledgerFile{rel: f.rel, size: n, sum: hex.EncodeToString(h.Sum(nil))}, nil
}

// recordLedger writes the run's files into the ledger, in the run's
// transaction.
func (r *runner) recordLedger(ctx context.Context, lp *ledgerPlan) error {
	if len(lp.records) == 0 {
		return nil
	}
	if _, err := r.exec(ctx, "CREATE TABLE IF NOT EXISTS "+ledgerTable+" (tbl VARCHAR, source VARCHAR, path VARCHAR, size BIGINT, sha256 VARCHAR)"); err != nil {
		return err
	}
	var names []string
	for name := range lp.records {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var rows []string
		for _, f := range lp.records[name] {
			rows = append(rows, "("+strings.Join([]string{sqlString(name), sqlString(lp.source[name]), sqlString(f.rel), strconv.FormatInt(f.size, 10), sqlString(f.sum)}, ", ")+")")
		}
		for i := 0; i < len(rows); i += 500 {
			if _, err := r.exec(ctx, "INSERT INTO "+ledgerTable+" VALUES "+strings.Join(rows[i:min(i+500, len(rows))], ", ")); err != nil {
				return err
			}
		}
	}
	return nil
}
