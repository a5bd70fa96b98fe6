// Package engine runs a pipeline on one machine: `flowc run`. It reads the
// sources (local folders, file:// or s3:// locations) laid out as they land
// in S3, computes the transforms and the table rows with the same relational
// plan as the Glue scripts (sqlgen.TransformSQL and friends, rendered by
// the duckDB dialect of this package), runs the table checks, and loads a
// local warehouse: a duckDB database file with the spec's Redshift schema
// and tables, and the same load modes (append, replace_partition, merge).
//
// The contract:
//
//   - Run reads only the IR (spec.Check of a spec without errors) and
//     Options; besides cmd/ and deploy/ this is the only package that
//     touches disk and network.
//   - A run is all or nothing: it happens in one duckDB transaction on a
//     copy of the warehouse, and any error (bad input, a failed check, a
//     tool failure, an interrupt) rolls it back, so the warehouse is exactly
//     as it was before. A warehouse file that the run created is removed
//     again. The copy replaces the warehouse by one rename, so a run killed
//     at any moment also leaves it as before or as after (run.go, open).
//   - Without Options.Partition every partition of a triggered source is a
//     run of its own, in sorted order, as if the objects had landed one
//     partition after the other; the runs are computed together (each row
//     carries its run), so a partition's aggregates, dedupes, checks and
//     merges see only that partition, and a later partition's merge wins.
//   - Errors that are the input's or the checks' fault are *InputError and
//     *CheckError (the CLI exits 1); others are the tool's (exit 2).
//
// Expressions mean what they mean in Spark SQL non-ANSI mode (Glue 4.0):
// see duckDB and the flowc_* macros. Source values are read as the Glue
// script's CAST from string reads them; CSV files whose values are all in
// plain forms are read by duckDB's typed reader, which reads those forms
// the same (canon.go), and the others as text, converted value by value.
package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/ir"
)

// Options tune a run.
type Options struct {
	// SpecDir is the directory of the spec file: a local mirror of a source
	// is looked for at SpecDir/data/<source name>/.
	SpecDir string
	// Inputs override sources' locations: source name -> a local path, a
	// file:// URL or an s3:// URL.
	Inputs map[string]string
	// Warehouse is the duckDB database file to load.
	Warehouse string
	// Partition, when set, is one partition of the triggered source(s):
	// "year=2001/month=01/day=17", or a leading part of one
	// ("year=2001/month=01": each partition under it is a run). It may be
	// prefixed with "SOURCE:" when the pipeline has several triggered
	// sources.
	Partition string
	// S3 returns the client used for s3:// locations; called at most
	// once, and only when a source is read from S3.
	S3 func(ctx context.Context) (S3Client, error)
	// TempDir is where objects downloaded from S3 go ("" = the system's).
	TempDir string
	// Progress, when set, is told what the run is doing.
	Progress func(msg string)
	// Now is the clock (tests fix it); nil is time.Now.
	Now func() time.Time
}

// Report is what a run did.
type Report struct {
	Pipeline  string         `json:"pipeline"`
	Env       string         `json:"env"`
	Warehouse string         `json:"warehouse"`
	Sources   []SourceReport `json:"sources"`
	Tables    []TableReport  `json:"tables"`
	Seconds   float64        `json:"seconds"`
}

// SourceReport says where a source was read from and how much of it.
type SourceReport struct {
	Name       string   `json:"name"`
	From       string   `json:"from"` // the location read, as the user would write it
	Files      int      `json:"files"`
	Rows       int64    `json:"rows"`
	Partitions []string `json:"partitions,omitempty"` // the runs, for a triggered source
}

// TableReport is what a run loaded into one table.
type TableReport struct {
	Table        string  `json:"table"` // schema.table
	Load         string  `json:"load"`
	RowsIn       int64   `json:"rows_in"` // rows read from the source its rows start from
	RowsLoaded   int64   `json:"rows_loaded"`
	ChecksPassed int     `json:"checks_passed"`
	Checks       int     `json:"checks"`
	Seconds      float64 `json:"seconds"`
	// Migrated lists the changes made to the warehouse's table before the
	// load, in `flowc diff`'s words (docs/table-evolution.md).
	Migrated []string `json:"migrated,omitempty"`
}

// Run runs the pipeline ir and loads the warehouse; see the package doc.
func Run(ctx context.Context, pl *ir.IR, opts Options) (*Report, error) {
	r := &runner{pl: pl, opts: opts, now: opts.Now}
	if r.now == nil {
		r.now = time.Now
	}
	rep, err := r.run(ctx)
	var ie *InputError
	var ce *CheckError
	var se settledError
	if err != nil && len(r.typed) > 0 && ctx.Err() == nil && !errors.As(err, &ie) && !errors.As(err, &ce) && !errors.As(err, &se) {
		// The typed read (canon.go) must not change an outcome: if the run
		// failed otherwise than on bad input or a check, it is run again,
		// all of it, on the text path, which says what is wrong (or
		// succeeds). The failed run left the warehouse as it was.
		r.progress("the run failed (%s): running it again, reading %s as text", cleanErr(err), strings.Join(r.typed, ", "))
		r = &runner{pl: pl, opts: opts, now: r.now, textOnly: true}
		return r.run(ctx)
	}
	return rep, err
}

func (r *runner) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		r.opts.Progress(sprintf(format, args...))
	}
}
