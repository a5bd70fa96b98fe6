package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/engine"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/testfile"
)

// testFormat is an output format of flowc test.
type testFormat string

const (
	testText   testFormat = "text"
	testJSON   testFormat = "json"
	testGitHub testFormat = "github"
	testJUnit  testFormat = "junit"
	testSARIF  testFormat = "sarif"
)

var testFormats = []testFormat{testText, testJSON, testGitHub, testJUnit, testSARIF}

// testsDir is where flowc test looks for test files beside the spec.
const testsDir = "tests"

func testCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run unit tests of transforms and tables on given rows (embedded engine)",
		ArgsUsage: "SPEC [TEST_FILE...]",
		Description: `Runs the tests of the test files named, or of every tests/*.yaml beside the spec, on the
embedded engine (DuckDB, the same SQL as flowc run and the Glue scripts). A test names a
target (a transform, or a table: then its checks and Redshift casts and length checks run
too), gives rows for what it reads, and expects rows (order ignored unless ordered: true),
a failed check, or an error. Fixture values are checked against the spec's column types
and reported at FILE:LINE:COL like flowc validate. See docs/testing.md.

Formats: text (github inside GitHub Actions, GITHUB_ACTIONS=true); json (one document); github (text, and an annotation per failed test);
junit (JUnit XML for CI test reports); sarif (the test files' diagnostics as SARIF on
stdout, the results as text on stderr). Exit 0 when every test passes, 1 when one fails
or a test file has errors, 2 for usage errors.

--generate TARGET writes a first test of TARGET (tests/TARGET.yaml beside the spec, or --out):
the first --limit rows of each source it reads (from --from, else where flowc run reads them)
and, as expected rows, what the pipeline computes from them now: a snapshot to review.

Example:
   flowc test examples/flights.yaml
   flowc test --run 'late' --format junit examples/flights.yaml > junit.xml
   flowc test --generate airport_delays --limit 5 examples/flights.yaml`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "env", Aliases: []string{"e"}, Usage: "environment `NAME` of the tests that name none (default: the first)"},
			&cli.StringFlag{Name: "run", Usage: "run only the tests whose name matches `REGEX`"},
			formatFlag(testFormats...),
		}, generateFlags()...),
		Action: func(c *cli.Context) error { return testAction(c, e) },
	}
}

// testResult is the outcome of one test.
type testResult struct {
	file    string
	test    *testfile.Test
	env     string
	passed  bool
	message string   // why it failed (one line)
	details []string // the row diff, the check messages
	seconds float64
}

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

// testDiagnostics prints the spec's or the test files' errors and fails.
func testDiagnostics(e *env, format testFormat, ds *diag.Set, sources map[string][]byte) error {
	w, f := e.stdout, diag.Format(format)
	if format == testJUnit {
		w, f = e.stderr, diag.FormatText
	}
	if err := printDiagnostics(w, f, ds, sources); err != nil {
		return err
	}
	return failed
}

// findTestFiles lists tests/*.yaml (and *.yml) beside the spec.
func findTestFiles(specDir string) ([]string, error) {
	dir := filepath.Join(specDir, testsDir)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("reading %s: %w", dir, err)}
	}
	var out []string
	for _, en := range entries {
		n := en.Name()
		if !en.IsDir() && !strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			out = append(out, filepath.ToSlash(filepath.Join(dir, n)))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, usageErr("no test files: none in %s, and none named after the spec", filepath.ToSlash(dir))
	}
	return out, nil
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

// failureMatches says whether a failed check (its name) is the one a test
// expects: by name, by kind, or length(col).
func failureMatches(tb *ir.Table, failed, want string) bool {
	if failed == want {
		return true
	}
	for _, c := range tb.Checks {
		if c.Name == failed && string(c.Kind) == want {
			return true
		}
	}
	return want == string(ir.CheckUnique) && strings.HasPrefix(failed, "merge key unique(")
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
