package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/golden"
)

// TestTestGolden runs `flowc test` on every case under
// testdata/test/<case>/: the arguments after `flowc test` are in the
// case's args file (the spec first, usually testdata/test/shop.yaml, then
// the case's test files and flags); stdout, stderr and the exit code are
// compared with want.txt. Output in json, junit and sarif must parse.
func TestTestGolden(t *testing.T) {
	t.Chdir(repoRoot(t))
	cases, err := filepath.Glob("testdata/test/*/args")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, argsPath := range cases {
		dir := filepath.Dir(argsPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(argsPath)
			if err != nil {
				t.Fatal(err)
			}
			// $OUT in args is a file in a temporary folder (--generate
			// --out); what is written there is compared with want.yaml.
			outFile := filepath.Join(t.TempDir(), "generated.yaml")
			args := append([]string{"test"}, strings.Fields(strings.ReplaceAll(string(b), "$OUT", outFile))...)
			out, errOut, code := runCLI(t, args...)
			got := fmt.Sprintf("$ flowc %s\n%s%s-- exit %d\n", strings.Join(args, " "), out, errOut, code)
			golden.Check(t, filepath.Join(dir, "want.txt"), []byte(strings.ReplaceAll(got, outFile, "$OUT")))
			checkTestOutput(t, args, out)
			if written, err := os.ReadFile(outFile); err == nil {
				golden.Check(t, filepath.Join(dir, "want.yaml"), written)
				// What --generate wrote passes.
				out, errOut, code := runCLI(t, "test", filepath.ToSlash(args[len(args)-1]), outFile)
				if code != 0 {
					t.Errorf("the generated test fails: exit %d\n%s%s", code, out, errOut)
				}
			}
		})
	}
}

// checkTestOutput parses machine-readable output strictly.
func checkTestOutput(t *testing.T, args []string, out string) {
	t.Helper()
	format := ""
	for i, a := range args {
		if a == "--format" && i+1 < len(args) {
			format = args[i+1]
		}
	}
	switch format {
	case "json", "sarif":
		var v map[string]any
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Errorf("%s output is not one JSON document: %v", format, err)
		}
	case "junit":
		if strings.TrimSpace(out) == "" {
			return // the test files had errors: diagnostics on stderr
		}
		var doc junitSuites
		dec := xml.NewDecoder(strings.NewReader(out))
		dec.Strict = true
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("junit output is not XML: %v", err)
		}
		n, f := 0, 0
		for _, s := range doc.Suites {
			if s.Name == "" || s.Tests != len(s.Cases) {
				t.Errorf("testsuite %q: tests=%d, %d testcases", s.Name, s.Tests, len(s.Cases))
			}
			for _, c := range s.Cases {
				n++
				if c.Name == "" || c.Classname == "" {
					t.Errorf("testcase without name or classname: %+v", c)
				}
				if c.Failure != nil {
					f++
					if c.Failure.Message == "" {
						t.Errorf("testcase %q: failure without message", c.Name)
					}
				}
			}
		}
		if doc.Tests != n || doc.Failures != f {
			t.Errorf("testsuites: tests=%d failures=%d, counted %d and %d", doc.Tests, doc.Failures, n, f)
		}
	}
}

// TestGitHubActionsDefault: with GITHUB_ACTIONS=true, diagnostics and test
// results default to the github format; --format still wins.
func TestGitHubActionsDefault(t *testing.T) {
	t.Chdir(repoRoot(t))
	t.Setenv("GITHUB_ACTIONS", "true")
	out, _, code := runCLI(t, "validate", "testdata/validate/formats/spec.yaml")
	if code != exitFail || !strings.HasPrefix(out, "::error file=testdata/validate/formats/spec.yaml,") {
		t.Errorf("validate in GitHub Actions: exit %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "test", "testdata/test/shop.yaml", "testdata/test/fail_kinds/tests.yaml")
	if code != exitFail || !strings.Contains(out, "\n::error file=testdata/test/fail_kinds/tests.yaml,line=2,col=5,title=flowc test::") {
		t.Errorf("test in GitHub Actions: exit %d\n%s", code, out)
	}
	out, _, _ = runCLI(t, "validate", "--format", "text", "testdata/validate/formats/spec.yaml")
	if strings.HasPrefix(out, "::") {
		t.Errorf("--format text in GitHub Actions printed annotations:\n%s", out)
	}
}
