package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/ir"
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
