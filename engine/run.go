package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/expr"
)

// runner holds the state of one Run.
type runner struct {
	pl   *ir.IR // as lowered
	plan *ir.IR // with runs carried (carryRuns)
	opts Options
	now  func() time.Time

	lock     *sql.DB  // the warehouse, held open for the run (see open)
	whFile   *os.File // the warehouse, read to copy it (see copyFile)
	work     string   // the copy of the warehouse the run loads
	db       *sql.DB  // the copy
	conn     *session
	s3client S3Client
	tmp      string     // the run's temporary folder, made by tempDir
	tmpMu    sync.Mutex // guards tmp

	textOnly bool     // read every source on the text path (the retry of a typed read that failed)
	typed    []string // the sources read with duckDB's typed reader

	carries map[string]bool
	stored  map[string]bool // sources and transforms held in a table, not a view
	fused   map[string]bool // sources read in their only reader's statement (blockingFirst)
	inputs  map[string]*input
	counts  map[string][]int64 // rows per run of each source read
}

func (r *runner) run(ctx context.Context) (rep *Report, err error) {
	start := r.now()
	pf, err := parsePartition(r.opts.Partition)
	if err != nil {
		return nil, &InputError{Msg: err.Error()}
	}
	tables, err := r.selectTables(pf)
	if err != nil {
		return nil, err
	}
	r.plan, r.carries, err = carryRuns(r.pl)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r.tmp != "" {
			os.RemoveAll(r.tmp)
		}
	}()

	// Read what the tables need before touching the warehouse.
	r.inputs, r.counts, r.stored, r.fused = map[string]*input{}, map[string][]int64{}, map[string]bool{}, map[string]bool{}
	var order []*ir.Source
	for _, s := range r.pl.Sources {
		if needed(tables, s.Name) {
			order = append(order, s)
		}
	}
	for _, s := range order {
		in, err := r.list(ctx, s, pf)
		if err != nil {
			return nil, err
		}
		r.inputs[s.Name] = in
	}
	// The files are scanned while the warehouse opens.
	scanned := r.scan(order, tables)
	defer func() { <-scanned }()

	created, err := r.open(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r.conn != nil {
			r.exec(context.WithoutCancel(ctx), "ROLLBACK")
			r.conn.Close()
			r.db.Close()
		}
		removeDB(r.work)
		if err != nil && created {
			removeDB(r.opts.Warehouse) // while this run holds it (see open)
		}
		if r.lock != nil {
			r.lock.Close()
		}
		r.whFile.Close()
	}()

	// Append tables read only the files their ledger does not hold.
	lp, err := r.ledger(ctx, tables)
	if err != nil {
		return nil, err
	}
	all := tables
	tables = lp.tables
	order = order[:0:0]
	for _, s := range r.pl.Sources {
		if needed(tables, s.Name) {
			order = append(order, s)
		}
	}

	// When the order of the rows can change no result (orderSensitive),
	// duckDB need not keep it: its parallel reads and inserts then do less
	// work. Else the transforms run on one thread, below.
	serial := r.orderSensitive(tables)
	if !serial {
		if _, err := r.exec(ctx, "SET preserve_insertion_order = false"); err != nil {
			return nil, err
		}
	}

	rep = &Report{Pipeline: r.pl.Pipeline, Env: r.pl.Env, Warehouse: r.opts.Warehouse}
	uses := r.uses(tables)
	for _, s := range order {
		in := r.inputs[s.Name]
		<-in.scanned // the read starts when the files are scanned
		r.progress("reading %s: %s from %s%s", s.Name, plural(int64(len(in.files)), "file"), in.display, dropped(in))
		r.fused[s.Name] = fuseReads && uses[s.Name] == 1 && r.blockingFirst(s.Name, tables)
		counts, err := r.readSource(ctx, in, uses[s.Name] == 1, r.prefilter(s.Name, tables))
		if err != nil {
			return nil, err
		}
		r.counts[s.Name] = counts
		sr := SourceReport{Name: s.Name, From: in.display, Files: len(in.files)}
		for i, n := range counts {
			sr.Rows += n
			if s.Triggered() {
				sr.Partitions = append(sr.Partitions, in.runs[i].label)
			}
		}
		rep.Sources = append(rep.Sources, sr)
	}
	// Transforms and the tables' rows are computed on one thread, from
	// tables in the files' order, when the order of the rows could change
	// them (see orderSensitive).
	if serial {
		if err := r.threads(ctx, "1"); err != nil {
			return nil, err
		}
	}
	if err := r.transforms(ctx, tables); err != nil {
		return nil, err
	}
	// Everything is staged and checked outside any transaction (each
	// statement commits on its own, to the session's temporary objects, so
	// duckDB reads them on every core); only the loads run in the run's
	// transaction, which is short. The warehouse file is a copy until
	// commit renames it: all or nothing does not rest on this transaction.
	var loads []*staged
	for _, tb := range tables {
		t0 := r.now()
		r.progress("table %s: checks", tb.Name)
		st, err := r.stageTable(ctx, tb)
		if err != nil {
			return nil, err
		}
		st.rep.Seconds = r.now().Sub(t0).Seconds()
		loads = append(loads, st)
	}
	if serial {
		if err := r.threads(ctx, ""); err != nil {
			return nil, err
		}
	}
	if _, err := r.exec(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, err
	}
	if err := r.createSchema(ctx); err != nil {
		return nil, err
	}
	for _, st := range loads {
		t0 := r.now()
		r.progress("table %s: %s load", st.tb.Name, st.tb.Load)
		if err := r.loadTable(ctx, st); err != nil {
			return nil, err
		}
		st.rep.Seconds += r.now().Sub(t0).Seconds()
	}
	if err := r.recordLedger(ctx, lp); err != nil {
		return nil, err
	}
	// The report lists every table of the run, those with nothing new to
	// load too, in the spec's order.
	i := 0
	for _, tb := range all {
		if lp.skipped[tb.Name] {
			r.progress("table %s: nothing new to load (its ledger holds every file)", tb.Name)
			rep.Tables = append(rep.Tables, TableReport{Table: r.schema() + "." + tb.Name, Load: tb.Load})
			continue
		}
		rep.Tables = append(rep.Tables, *loads[i].rep)
		i++
	}
	r.progress("committing the warehouse")
	if err := r.commit(ctx); err != nil {
		return nil, err
	}
	rep.Seconds = r.now().Sub(start).Seconds()
	return rep, nil
}

// dropped says how many lines of a source's files the scan's filter
// dropped (prefilter.go), for the progress line.
func dropped(in *input) string {
	var rows, kept int64
	for _, f := range in.files {
		if f.full != "" {
			rows += f.rows
			kept += f.kept
		}
	}
	if rows == 0 {
		return ""
	}
	return sprintf(" (%d of its %s dropped early by the filter it is read with)", rows-kept, plural(rows, "line"))
}

// scan scans the CSV files of the sources (scanFiles), one source after
// the other, in the background; each input's scanned is closed when its
// files are, and the channel returned when all are.
func (r *runner) scan(order []*ir.Source, tables []*ir.Table) <-chan struct{} {
	all := make(chan struct{})
	for _, s := range order {
		r.inputs[s.Name].scanned = make(chan struct{})
	}
	// The lines of a source read once, by a reader starting with filters,
	// that they reject are dropped (prefilter.go). The ledger may take
	// tables out of the run; a source's uses can only drop then.
	filters := map[string]lineFilter{}
	if len(tables) > 0 && !r.textOnly {
		uses := r.uses(tables)
		for _, s := range order {
			if uses[s.Name] == 1 {
				filters[s.Name] = newLineFilter(s, r.prefilter(s.Name, tables))
			}
		}
	}
	go func() {
		defer close(all)
		for _, s := range order {
			in := r.inputs[s.Name]
			if s.Format == "csv" {
				in.scanErr = scanFiles(in.files, s, !r.textOnly, filters[s.Name], r.tempDir)
			}
			close(in.scanned)
		}
	}()
	return all
}

// selectTables picks the tables of the run: all of them, or with a
// partition filter those triggered by the source it applies to.
func (r *runner) selectTables(pf *partFilter) ([]*ir.Table, error) {
	if len(r.pl.Tables) == 0 {
		return nil, errors.New("the spec loads no tables: nothing to run")
	}
	if pf == nil {
		return r.pl.Tables, nil
	}
	var trig []string
	seen := map[string]bool{}
	for _, tb := range r.pl.Tables {
		if tb.Trigger != nil && !seen[tb.Trigger.Name] {
			seen[tb.Trigger.Name] = true
			trig = append(trig, tb.Trigger.Name)
		}
	}
	sort.Strings(trig)
	src := pf.source
	switch {
	case src != "" && !seen[src]:
		return nil, &InputError{Msg: fmt.Sprintf("--partition %q: %s is not a triggered source read by a table (triggered: %s)", pf.text, src, strings.Join(trig, ", "))}
	case src == "" && len(trig) == 0:
		return nil, &InputError{Msg: fmt.Sprintf("--partition %q: no table reads a triggered source", pf.text)}
	case src == "" && len(trig) > 1:
		return nil, &InputError{Msg: fmt.Sprintf("--partition %q: several triggered sources (%s); write SOURCE:%s", pf.text, strings.Join(trig, ", "), pf.text)}
	case src == "":
		src = trig[0]
	}
	pf.source = src
	var out []*ir.Table
	for _, tb := range r.pl.Tables {
		if tb.Trigger != nil && tb.Trigger.Name == src {
			out = append(out, tb)
		}
	}
	return out, nil
}

func needed(tables []*ir.Table, name string) bool {
	for _, tb := range tables {
		for _, n := range tb.Reads {
			if n == name {
				return true
			}
		}
	}
	return false
}

// The warehouse is replaced, never written in place: a run loads a copy
// of it (the work file, next to it) in one transaction, checkpoints the
// copy and renames it over the warehouse. The rename is the run's only
// commit point, one atomic file operation, so a process killed at any
// moment (SIGKILL, a power cut, a second Ctrl-C) leaves the warehouse
// exactly as it was before the run or exactly as the run left it, whatever
// duckDB's write-ahead log replay does with a transaction torn mid-write.
// While the run works, it holds the lock duckDB takes on the warehouse
// file (lockWarehouse; or the warehouse open in duckDB, see open), which
// makes a second run, or a duckDB session, fail to open it instead of a
// second run loading a copy of its own and replacing this run's work.

// workSuffix names the work file: WAREHOUSE.flowc-run (and duckDB's
// WAREHOUSE.flowc-run.wal). A killed run leaves them; the next run removes
// them.
const workSuffix = ".flowc-run"

// open opens the warehouse file (creating it and its folder) and locks it,
// copies it to the work file and opens the copy. created says the
// warehouse is new.
func (r *runner) open(ctx context.Context) (created bool, err error) {
	wh := r.opts.Warehouse
	if wh == "" {
		return false, errors.New("no warehouse file given")
	}
	if dir := filepath.Dir(wh); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("creating the warehouse folder: %w", err)
		}
	}
	_, serr := os.Stat(wh)
	missing := errors.Is(serr, os.ErrNotExist)
	defer func() {
		if err != nil {
			// The warehouse this run created goes while the run still
			// holds it: a run that opened it meanwhile finds it gone
			// when it gets the lock (lockWarehouse).
			if created {
				removeDB(wh)
			}
			if r.work != "" {
				removeDB(r.work)
			}
			if r.lock != nil {
				r.lock.Close()
			}
			if r.whFile != nil {
				r.whFile.Close()
			}
			r.lock, r.whFile, r.work = nil, nil, ""
		}
	}()
	if _, werr := os.Stat(wh + ".wal"); werr == nil || !fileLocks {
		// The warehouse has a write-ahead log (a session that did not
		// close it): open it in duckDB, which holds its lock, and fold the
		// log into the file, so that the file alone is the warehouse. A
		// missing warehouse is created, empty.
		r.lock, err = sql.Open("duckdb", wh)
		if err == nil {
			_, err = r.lock.ExecContext(ctx, "CHECKPOINT")
		}
		if err == nil {
			created = missing // only once this run holds it
			r.whFile, err = os.Open(wh)
		}
	} else {
		// Else the file is the warehouse, and locking it is enough (no
		// duckDB to start: 20 ms of CPU). A missing warehouse is an empty
		// file until the run replaces it.
		r.whFile, created, err = lockWarehouse(wh)
	}
	if err != nil {
		return created, fmt.Errorf("opening the warehouse %s: %s", wh, cleanErr(err))
	}
	r.work = wh + workSuffix
	removeDB(r.work) // left by a killed run
	// An empty file is a new warehouse (or one a killed first run left):
	// the work file starts empty too.
	if fi, err := r.whFile.Stat(); err != nil || fi.Size() > 0 {
		if err == nil {
			err = copyFile(r.whFile, r.work)
		}
		if err != nil {
			return created, fmt.Errorf("copying the warehouse %s to load it: %w", wh, err)
		}
	}
	r.db, err = sql.Open("duckdb", r.work)
	if err == nil {
		var c *sql.Conn
		c, err = r.db.Conn(ctx)
		if err != nil {
			r.db.Close()
		} else {
			r.conn = newSession(c)
		}
	}
	if err != nil {
		r.conn = nil
		// What is wrong with the copy (not a DuckDB file, another
		// version's) is wrong with the warehouse: name the file the user
		// gave.
		return created, fmt.Errorf("opening the warehouse %s: %s", wh, strings.ReplaceAll(cleanErr(err), r.work, wh))
	}
	return created, nil
}

// commit commits the run's transaction in the work file, checkpoints and
// closes it, and renames it over the warehouse (see workSuffix).
func (r *runner) commit(ctx context.Context) error {
	wh := r.opts.Warehouse
	fail := func(err error) error {
		return settledError{fmt.Errorf("committing the warehouse %s: %w", wh, err)}
	}
	// A commit whose log would pass checkpoint_threshold checkpoints
	// instead of writing the log; at 0 bytes, every one does. The work
	// file needs no log (it is renamed only once checkpointed and
	// closed), and writing the run's rows to it once, not to the log and
	// then the file, takes 10 ms less of the example's run. The CHECKPOINT
	// after it folds in a log the commit did write, if any.
	if _, err := r.exec(ctx, "SET checkpoint_threshold = '0b'"); err != nil {
		return fail(err)
	}
	if _, err := r.exec(ctx, "COMMIT"); err != nil {
		return fail(err)
	}
	if _, err := r.exec(ctx, "CHECKPOINT"); err != nil {
		return fail(err)
	}
	r.conn.Close()
	err := r.db.Close()
	r.conn = nil
	if err != nil {
		return fail(err)
	}
	if _, err := os.Stat(r.work + ".wal"); err == nil {
		return fail(errors.New("the checkpoint left a write-ahead log"))
	}
	if err := syncFile(r.work); err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: the warehouse is still as it was
	}
	if err := os.Rename(r.work, wh); err != nil {
		return fail(err)
	}
	syncDir(filepath.Dir(wh))
	return nil
}

// copyFile copies a file (os.File.ReadFrom uses copy_file_range on Linux,
// which clones the blocks where the file system can) and syncs the copy.
// The caller closes in only when it closes the warehouse: closing any
// descriptor of a file drops the POSIX locks the process holds on it, here
// duckDB's lock on the warehouse.
func copyFile(in *os.File, dst string) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable; best effort, as not every system
// can sync a directory.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// removeDB removes a duckDB file and its write-ahead log.
func removeDB(name string) {
	if name != "" {
		os.Remove(name)
		os.Remove(name + ".wal")
	}
}

func (r *runner) exec(ctx context.Context, q string) (sql.Result, error) {
	return r.conn.ExecContext(ctx, q)
}

func (r *runner) count(ctx context.Context, q string) (int64, error) {
	var n int64
	err := r.conn.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

// relation is the SQL name of a source's table or a transform's view.
func (r *runner) relation(name string) string {
	if r.pl.Source(name) != nil {
		return srcTable(name)
	}
	return duck.Ident("_flowc_t_" + name)
}

// fuseReads lets a source be read in its only reader's statement
// (blockingFirst); tests turn it off to compare.
var fuseReads = true

// blockingFirst reports whether a source's only reader, after its filter
// steps and any derive steps, meets a window, an aggregate or a dedupe
// before any join. Such a step collects its input whole before it passes
// anything on, so the join after it is planned on counted rows: the
// filtered source need not be stored for DuckDB to build the join's hash
// table on the small side (readTyped), and reading it in the reader's own
// statement saves writing and reading the kept rows again.
func (r *runner) blockingFirst(name string, tables []*ir.Table) bool {
	for _, t := range r.plan.Transforms {
		if t.From != name || !needed(tables, t.Name) {
			continue
		}
		for _, st := range t.Steps {
			switch st.Kind {
			case spec.StepFilter, spec.StepDerive:
				continue
			case spec.StepWindow, spec.StepAggregate, spec.StepDedupe:
				return true
			}
			return false
		}
		return false
	}
	return false
}

// prefilter returns the conditions of the filter steps a source's only
// reader starts with.
func (r *runner) prefilter(name string, tables []*ir.Table) []expr.Expr {
	for _, t := range r.plan.Transforms {
		if t.From != name || !needed(tables, t.Name) {
			continue
		}
		var out []expr.Expr
		for _, st := range t.Steps {
			if st.Kind != spec.StepFilter {
				break
			}
			out = append(out, st.Cond)
		}
		return out
	}
	return nil
}

// orderSensitive reports whether a transform the tables need computes
// something the order of its input rows can change: a dedupe (which row of
// a tie is kept) or a sum or avg of doubles, in an aggregate or a window
// (floating-point addition is not associative). DuckDB's parallel operators
// meet the rows in whatever order its threads take them, so the same input could load values that differ
// in their last bits from one run to the next; computed on one thread, from
// tables that keep the files' order, they never do.
func (r *runner) orderSensitive(tables []*ir.Table) bool {
	for _, t := range r.plan.Transforms {
		if !needed(tables, t.Name) {
			continue
		}
		for _, st := range t.Steps {
			switch st.Kind {
			case spec.StepDedupe:
				return true
			case spec.StepAggregate, spec.StepWindow:
				for _, m := range st.Columns {
					found := false
					expr.Walk(m.Expr, func(e expr.Expr) bool {
						if c, ok := e.(*expr.Call); ok && (c.Name == "sum" || c.Name == "avg") && len(c.Args) == 1 && c.Args[0].Type().Kind == expr.Double {
							found = true
						}
						return !found
					})
					if found {
						return true
					}
				}
			}
		}
	}
	return false
}

// threads sets how many threads duckDB uses; "" restores the number it
// started with.
func (r *runner) threads(ctx context.Context, n string) error {
	q := "SET threads = " + n
	if n == "" {
		q = "RESET threads"
	}
	_, err := r.exec(ctx, q)
	return err
}

// uses counts how often each source and transform is read by the tables
// and the transforms they need.
func (r *runner) uses(tables []*ir.Table) map[string]int {
	uses := map[string]int{}
	for _, tb := range tables {
		uses[tb.From]++
	}
	for _, t := range r.plan.Transforms {
		if needed(tables, t.Name) {
			uses[t.From]++
			for _, st := range t.Steps {
				if st.Join != "" {
					uses[st.Join]++
				}
			}
		}
	}
	return uses
}

// transforms creates a view (or, when read more than once, a table) for
// each transform the tables need, in dependency order.
func (r *runner) transforms(ctx context.Context, tables []*ir.Table) error {
	uses := r.uses(tables)
	for _, t := range r.plan.Transforms {
		if !needed(tables, t.Name) {
			continue
		}
		r.progress("transform %s", t.Name)
		qs, err := sqlgen.TransformSQL(duck, r.plan, t, r.relation)
		if err != nil {
			return err
		}
		kind := "VIEW"
		if uses[t.Name] > 1 {
			kind = "TABLE"
			r.stored[t.Name] = true
		}
		for _, q := range qs {
			if _, err := r.exec(ctx, "CREATE TEMP "+kind+" "+r.relation(q.Name)+" AS "+q.SQL); err != nil {
				return fmt.Errorf("computing transform %s: %s", t.Name, cleanErr(err))
			}
		}
	}
	return nil
}
