//go:build cgo

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

// buildNote follows the version: empty, the full build.
const buildNote = ""

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
