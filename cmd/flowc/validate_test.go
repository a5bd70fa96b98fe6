package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
)

// TestValidateGolden runs `flowc validate` on every case under
// testdata/validate/<case>/spec.yaml (extra flags in an optional `args`
// file) and compares stdout and the exit code with want.txt.
func TestValidateGolden(t *testing.T) {
	root := repoRoot(t)
	t.Chdir(root)
	cases, err := filepath.Glob("testdata/validate/*/spec.yaml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, specPath := range cases {
		dir := filepath.Dir(specPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := []string{"validate"}
			if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args = append(args, strings.Fields(string(b))...)
			}
			args = append(args, filepath.ToSlash(specPath))
			out, errOut, code := runCLI(t, args...)
			got := fmt.Sprintf("$ flowc %s\n%s%s-- exit %d\n", strings.Join(args, " "), out, errOut, code)
			golden.Check(t, filepath.Join(dir, "want.txt"), []byte(got))
		})
	}
}

// TestValidateFormats renders one case with many diagnostics in every format.
func TestValidateFormats(t *testing.T) {
	t.Chdir(repoRoot(t))
	const specPath = "testdata/validate/formats/spec.yaml"
	for _, f := range diag.Formats() {
		t.Run(string(f), func(t *testing.T) {
			out, errOut, code := runCLI(t, "validate", "--format", string(f), specPath)
			if code != exitFail {
				t.Errorf("exit %d, want 1; stderr: %s", code, errOut)
			}
			if f == diag.FormatJSON || f == diag.FormatSARIF {
				var v any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Errorf("%s output is not JSON: %v", f, err)
				}
			}
			golden.Check(t, filepath.Join("testdata/validate/formats", "want."+string(f)), []byte(out))
		})
	}
}

// TestEveryCodeHasACase keeps one golden case per diagnostic code.
func TestEveryCodeHasACase(t *testing.T) {
	t.Chdir(repoRoot(t))
	seen := map[string]bool{}
	codeRe := regexp.MustCompile(`\[(FC\d{3})\]`)
	wants, _ := filepath.Glob("testdata/*/*/want*")
	for _, w := range wants {
		b, _ := os.ReadFile(w)
		for _, m := range codeRe.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	var missing []string
	for _, c := range diag.Codes() {
		if !seen[c.ID] {
			missing = append(missing, c.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("codes without a golden case under testdata/: %s", strings.Join(missing, ", "))
	}
}

// TestValidCasesPassTheSchema: the example and every case that validates
// cleanly also pass the JSON Schema, so editors agree with flowc.
func TestValidCasesPassTheSchema(t *testing.T) {
	t.Chdir(repoRoot(t))
	paths, _ := filepath.Glob("testdata/validate/*/spec.yaml")
	paths = append(paths, "examples/flights.yaml")
	n := 0
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, ds := spec.Load(p, src, ""); ds.HasErrors() {
			continue
		}
		n++
		if ds := spec.ValidateSchema(p, src); ds.Len() > 0 {
			t.Errorf("%s is valid for flowc but not for the JSON Schema:\n%s", p, ds.Error())
		}
	}
	if n < 2 {
		t.Fatalf("only %d valid specs checked", n)
	}
}

// TestDocsDiagnostics keeps docs/diagnostics.md generated from the code tables.
func TestDocsDiagnostics(t *testing.T) {
	t.Chdir(repoRoot(t))
	var b strings.Builder
	if err := diag.WriteMarkdown(&b, diag.Codes()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "docs/diagnostics.md", []byte(b.String()))
}
