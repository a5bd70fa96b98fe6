package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/engine"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// runFormats are the formats of flowc run's report.
var runFormats = []string{"text", "json"}

// defaultWarehouse is where `flowc run` loads when --warehouse is not given.
const defaultWarehouse = ".flowc/warehouse.duckdb"

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the pipeline locally on an embedded engine (DuckDB) and load a local warehouse",
		ArgsUsage: "SPEC",
		Description: `Reads the sources, computes the transforms with the same SQL as the Glue scripts
(Spark SQL semantics), runs the table checks and loads the tables into a local warehouse,
a DuckDB file, with the tables' load modes. The run is all or nothing: bad input or a failed
check loads nothing and leaves the warehouse as it was. The run loads a copy of the warehouse
and renames it over the file at the end, so even a killed run leaves the warehouse as it was
before or as the run left it. SIGINT (Ctrl-C) and SIGTERM roll the run back: exit 130 and 143.
A table whose columns changed in the spec is migrated before its load, in the same transaction,
with the classes flowc deploy uses (docs/table-evolution.md): additive and in-place changes
always, destructive ones only when the table says on_destructive_change: allow (else exit 1).

Where each source is read from, first match wins:
   1. --input NAME=PATH        a folder or file, a file:// URL or an s3:// URL
   2. <spec folder>/data/NAME/  a local mirror of the source, laid out as in S3
   3. the source's location     s3:// through the AWS SDK (AWS_PROFILE, AWS_ENDPOINT_URL, ...),
                                in the environment's region: (AWS_REGION only when it has none)
Files and folders whose names start with . or _ are skipped, as Spark skips them.

Partitions: a run is one partition of the triggered source, as one S3 arrival. Without
--partition, every partition found is run, one after the other in sorted order (a later
partition's merge wins); --partition year=2001/month=01/day=17 runs that one (a leading part,
such as year=2001/month=01, runs each partition under it), and only the tables fed by that
source are loaded. Other sources are read whole. A run of several partitions is still all or
nothing.

Environments: --env picks the params; without it, the only environment, or else the first one
listed (a note says so).

Example:
   flowc run examples/flights.yaml
   flowc run --partition year=2001/month=01/day=02 examples/flights.yaml
   flowc run --input flights=s3://my-bucket/raw/flights/ --warehouse /tmp/w.duckdb spec.yaml
   duckdb .flowc/warehouse.duckdb "select * from airlines.airport_delays"`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringSliceFlag{Name: "input", Aliases: []string{"i"}, Usage: "`NAME=PATH`: read source NAME from PATH, a folder, a file, file:// or s3:// (repeatable)"},
			&cli.StringFlag{Name: "warehouse", Aliases: []string{"w"}, Value: defaultWarehouse, Usage: "the DuckDB `FILE` to load (created when missing)"},
			&cli.StringFlag{Name: "partition", Aliases: []string{"p"}, Usage: "run one `PARTITION` of the triggered source, e.g. year=2001/month=01/day=17"},
			formatFlag(runFormats...),
		},
		Action: func(c *cli.Context) error { return runAction(c, e) },
	}
}

func runAction(c *cli.Context, e *env) error {
	format, err := parseFormat(c.String("format"), runFormats...)
	if err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("run needs exactly one SPEC file")
	}
	inputs := map[string]string{}
	for _, kv := range c.StringSlice("input") {
		name, path, ok := strings.Cut(kv, "=")
		if !ok || name == "" || path == "" {
			return usageErr("--input %q: want NAME=PATH", kv)
		}
		inputs[name] = path
	}
	name := c.Args().First()
	s, err := loadSpec(e, name, loadOptions{env: c.String("env"), def: spec.FirstEnv, errorsJSON: format == "json"})
	if err != nil {
		return err
	}
	if err := s.printWarnings(e); err != nil {
		return err
	}
	if s.first {
		fmt.Fprintf(e.stderr, "flowc: no --env given: running with environment %s, the first of %d\n", s.env, len(s.file.Environments))
	}
	for n := range inputs {
		if s.ir.Source(n) == nil {
			return usageErr("--input %s=...: the spec has no source %q", n, n)
		}
	}
	pl := s.ir
	opts := engine.Options{
		SpecDir:   filepath.Dir(name),
		Inputs:    inputs,
		Warehouse: c.String("warehouse"),
		Partition: c.String("partition"),
		S3:        s3Client(pl.Region, e.stderr),
	}
	if isTerminal(e.stderr) {
		opts.Progress = func(msg string) { fmt.Fprintf(e.stderr, "flowc: %s...\n", msg) }
	}
	rep, err := engine.Run(e.ctx, pl, opts)
	if format == "json" {
		if werr := writeRunJSON(e.stdout, pl, opts.Warehouse, rep, err); werr != nil {
			return werr
		}
	} else if err == nil {
		writeRunText(e.stdout, rep)
	}
	return runError(e.ctx, err)
}

// runError maps a run's error to the exit code: bad input and failed
// checks are 1; a run stopped by SIGINT or SIGTERM (rolled back) 130 or
// 143, as the shell reports a process the signal ended; the rest 2.
func runError(ctx context.Context, err error) error {
	var ie *engine.InputError
	var ce *engine.CheckError
	var sc signalCause
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && errors.As(context.Cause(ctx), &sc):
		return &exitError{code: sc.code(), err: fmt.Errorf("%v: the run was rolled back, nothing was loaded", sc)}
	case errors.As(err, &ie), errors.As(err, &ce):
		return &exitError{code: exitFail, err: err}
	case errors.Is(err, context.Canceled):
		return &exitError{code: exitUsage, err: errors.New("interrupted: nothing was loaded")}
	}
	var ne *deploy.NoAnswerError
	if errors.As(err, &ne) {
		err = fmt.Errorf("%w\n  hint: %s", err, ne.Hint())
	}
	return &exitError{code: exitUsage, err: err}
}

// s3Client connects to AWS as deploy does (deploy.Connect: the
// environment's region wins over AWS_REGION) when the run first reads an
// s3:// source; retries after a timeout are announced on warn.
func s3Client(region string, warn io.Writer) func(context.Context) (engine.S3Client, error) {
	return func(ctx context.Context) (engine.S3Client, error) {
		conn, err := deploy.Connect(ctx, region, warn)
		if err != nil {
			return nil, err
		}
		return deploy.NewReadS3(conn.Config, conn.Options), nil
	}
}

func writeRunText(w io.Writer, rep *engine.Report) {
	fmt.Fprintf(w, "flowc run: pipeline %s, environment %s, warehouse %s\n\n", rep.Pipeline, rep.Env, rep.Warehouse)
	src := [][]string{{"SOURCE", "READ FROM", "FILES", "PARTITIONS", "ROWS"}}
	for _, s := range rep.Sources {
		parts := "-"
		if len(s.Partitions) > 0 {
			parts = strconv.Itoa(len(s.Partitions))
		}
		src = append(src, []string{s.Name, s.From, strconv.Itoa(s.Files), parts, thousands(s.Rows)})
	}
	writeTable(w, src, "llrrr")
	fmt.Fprintln(w)
	tab := [][]string{{"TABLE", "LOAD", "ROWS IN", "ROWS LOADED", "CHECKS PASSED", "TIME"}}
	for _, t := range rep.Tables {
		tab = append(tab, []string{t.Table, t.Load, thousands(t.RowsIn), thousands(t.RowsLoaded),
			fmt.Sprintf("%d/%d", t.ChecksPassed, t.Checks), fmt.Sprintf("%.2fs", t.Seconds)})
	}
	writeTable(w, tab, "llrrrr")
	for _, t := range rep.Tables {
		for _, m := range t.Migrated {
			fmt.Fprintf(w, "migrated table %s: %s\n", t.Table, m)
		}
	}
	fmt.Fprintf(w, "\nok: %s loaded in %.2fs\n", pluralize(len(rep.Tables), "table"), rep.Seconds)
}

// writeTable lays rows out in columns two spaces apart; align has an l or r
// per column.
func writeTable(w io.Writer, rows [][]string, align string) {
	width := make([]int, len(align))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if align[i] == 'r' {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// thousands renders 3000000 as 3,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// runDoc is the --format json document.
type runDoc struct {
	OK        bool                  `json:"ok"`
	Pipeline  string                `json:"pipeline"`
	Env       string                `json:"env"`
	Warehouse string                `json:"warehouse"`
	Sources   []engine.SourceReport `json:"sources"`
	Tables    []engine.TableReport  `json:"tables"`
	Seconds   float64               `json:"seconds"`
	Error     *runErrorDoc          `json:"error,omitempty"`
}

type runErrorDoc struct {
	Kind       string   `json:"kind"` // input, check or tool
	Message    string   `json:"message"`
	File       string   `json:"file,omitempty"`
	Line       int      `json:"line,omitempty"`
	Table      string   `json:"table,omitempty"`
	Check      string   `json:"check,omitempty"`
	Rows       int64    `json:"rows,omitempty"`
	Partitions []string `json:"partitions,omitempty"`
}

func writeRunJSON(w io.Writer, pl *ir.IR, warehouse string, rep *engine.Report, err error) error {
	doc := runDoc{OK: err == nil, Pipeline: pl.Pipeline, Env: pl.Env, Warehouse: warehouse, Sources: []engine.SourceReport{}, Tables: []engine.TableReport{}}
	if rep != nil {
		doc.Sources, doc.Tables, doc.Seconds = rep.Sources, rep.Tables, rep.Seconds
	}
	if err != nil {
		ed := &runErrorDoc{Kind: "tool", Message: err.Error()}
		var ie *engine.InputError
		var ce *engine.CheckError
		switch {
		case errors.As(err, &ie):
			ed.Kind, ed.File, ed.Line = "input", ie.File, ie.Line
		case errors.As(err, &ce):
			ed.Kind, ed.Table, ed.Check, ed.Rows, ed.Partitions = "check", ce.Table, ce.Check, ce.Rows, ce.Partitions
		}
		doc.Error = ed
	}
	b, merr := json.MarshalIndent(doc, "", "  ")
	if merr != nil {
		return merr
	}
	_, werr := w.Write(append(b, '\n'))
	return werr
}
