//go:build cgo

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/engine"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/testfile"
)

func testAction(c *cli.Context, e *env) error {
	format, err := parseFormat(formatValue(c), testFormats...)
	if err != nil {
		return err
	}
	if c.NArg() < 1 {
		return usageErr("test needs a SPEC file")
	}
	var filter *regexp.Regexp
	if s := c.String("run"); s != "" {
		if filter, err = regexp.Compile(s); err != nil {
			return usageErr("--run %q: %v", s, err)
		}
	}
	specName := c.Args().First()
	src, err := os.ReadFile(specName)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("reading spec: %w", readError(err))}
	}
	f, irs, ds := checkSpec(specName, src, "")
	sources := map[string][]byte{specName: src}
	if ds.HasErrors() {
		return testDiagnostics(e, format, ds, sources)
	}
	defEnv, _, err := chooseEnv(f, c.String("env"), spec.FirstEnv)
	if err != nil {
		return err
	}
	byEnv := map[string]*ir.IR{}
	for _, pl := range irs {
		byEnv[pl.Env] = pl
	}
	if c.IsSet("generate") {
		return generateTest(c, e, specName, byEnv[defEnv])
	}
	names := c.Args().Tail()
	if len(names) == 0 {
		if names, err = findTestFiles(filepath.Dir(specName)); err != nil {
			return err
		}
	}
	ds = &diag.Set{} // the spec's warnings are validate's to print
	type job struct {
		file string
		c    *testfile.Case
		pl   *ir.IR
	}
	var jobs []job
	for _, name := range names {
		tsrc, err := os.ReadFile(name)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("reading test file %s: %w", name, readError(err))}
		}
		sources[name] = tsrc
		tf, pds := testfile.Parse(name, tsrc)
		ds.Merge(pds)
		for _, t := range tf.Tests {
			if filter != nil && !filter.MatchString(t.Name) {
				continue
			}
			envName := defEnv
			if t.Env != "" {
				envName = t.Env
			}
			pl := byEnv[envName]
			if pl == nil {
				ds.Errorf(t.EnvPos, diag.FC600, "environment %q is not defined in the spec %s", t.Env, specName)
				continue
			}
			cs, bds := testfile.Bind(tf, t, pl, func(p string) ([]byte, error) {
				b, err := os.ReadFile(filepath.FromSlash(p))
				if err == nil {
					sources[p] = b
				}
				return b, err
			})
			ds.Merge(bds)
			if cs != nil {
				jobs = append(jobs, job{name, cs, pl})
			}
		}
	}
	if ds.HasErrors() {
		return testDiagnostics(e, format, ds, sources)
	}
	if ds.Len() > 0 {
		if err := printDiagnostics(e.stderr, diag.FormatText, ds, sources); err != nil {
			return err
		}
	}
	// Run in parallel, report in file order.
	results := make([]*testResult, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runTest(c.Context, j.file, j.c, j.pl)
		}()
	}
	wg.Wait()
	if err := printTestResults(e, format, results); err != nil {
		return err
	}
	for _, r := range results {
		if !r.passed {
			return failed
		}
	}
	return nil
}

// runTest runs one bound test and judges its outcome.
func runTest(ctx context.Context, file string, c *testfile.Case, pl *ir.IR) *testResult {
	t := c.Test
	res := &testResult{file: file, test: t, env: pl.Env}
	x := t.Expect
	runErr := c.RunError
	var out *engine.UnitResult
	if runErr == "" {
		u := engine.Unit{Target: c.Target}
		for _, g := range c.Given {
			u.Given = append(u.Given, &engine.Relation{Name: g.Name, Columns: g.Columns, Rows: g.Rows})
		}
		if c.Expected != nil {
			u.Expected = &engine.Relation{Name: c.Target, Columns: c.Expected.Columns, Rows: c.Expected.Rows}
		}
		var err error
		if out, err = engine.RunUnit(ctx, pl, u); err != nil {
			runErr = err.Error()
		}
	}
	var failures []string
	if out != nil {
		for _, f := range out.Failures {
			failures = append(failures, f.Msg)
		}
	}
	switch {
	case x.Kind == testfile.ExpectError:
		for _, m := range append([]string{runErr}, failures...) {
			if m != "" && strings.Contains(m, x.Error) {
				res.passed = true
			}
		}
		if !res.passed {
			res.message = fmt.Sprintf("expected the run to fail with an error containing %q", x.Error)
			if runErr == "" && len(failures) == 0 {
				res.message += "; it succeeded"
			}
			res.details = append(res.details, nonEmpty(runErr)...)
			res.details = append(res.details, failures...)
		}
	case runErr != "":
		res.message = "the run failed: " + runErr
	case x.Kind == testfile.ExpectFailure:
		for _, f := range out.Failures {
			if failureMatches(c.Table, f.Check, x.Failure) {
				res.passed = true
			}
		}
		if !res.passed {
			res.message = fmt.Sprintf("expected check %s to fail", x.Failure)
			if len(failures) == 0 {
				res.message += "; every check passed"
			}
			res.details = failures
		}
	default:
		d := testfile.Compare(c.Expected, out.Expected, out.Columns, out.Rows, c.Key, x.Ordered)
		switch {
		case !d.Empty():
			res.message = fmt.Sprintf("target %s: %s computed, %s expected", c.Target, pluralize(d.Got, "row"), pluralize(d.Want, "row"))
			if x.Ordered {
				res.message += " (ordered)"
			}
			res.details = append(d.Lines(), failures...)
		case len(failures) > 0:
			res.message = "the rows are as expected, but a check failed, so nothing would be loaded"
			res.details = failures
		default:
			res.passed = true
		}
	}
	return res
}
