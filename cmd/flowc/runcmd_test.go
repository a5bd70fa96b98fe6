package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// timings are the parts of `flowc run` output that vary from run to run.
var timings = regexp.MustCompile(`\b\d+\.\d\ds\b|"seconds": [0-9.e+-]+`)

// TestRunGolden runs every case under testdata/run/<case>/ through the real
// CLI: `flowc run ARGS` with the words of its args file, where $WAREHOUSE
// is a fresh warehouse file; stdout, stderr and the exit code are compared
// with want.txt (times masked). A case with a setup file runs those args
// first, on the same warehouse.
func TestRunGolden(t *testing.T) {
	t.Chdir(repoRoot(t))
	dirs, err := filepath.Glob("testdata/run/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			wh := filepath.Join(t.TempDir(), "warehouse.duckdb")
			words := func(file string) []string {
				b, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil {
					return nil
				}
				var out []string
				for _, w := range strings.Fields(string(b)) {
					out = append(out, strings.ReplaceAll(w, "$WAREHOUSE", wh))
				}
				return out
			}
			if setup := words("setup"); setup != nil {
				if _, errOut, code := runCLI(t, append([]string{"run"}, setup...)...); code != 0 {
					t.Fatalf("setup: exit %d\n%s", code, errOut)
				}
			}
			args := append([]string{"run"}, words("args")...)
			out, errOut, code := runCLI(t, args...)
			got := fmt.Sprintf("$ flowc %s\n%s%s-- exit %d\n", strings.Join(args, " "), out, errOut, code)
			got = strings.ReplaceAll(got, wh, "$WAREHOUSE")
			got = timings.ReplaceAllStringFunc(got, func(s string) string {
				if strings.HasPrefix(s, `"seconds"`) {
					return `"seconds": 0`
				}
				return "0.00s"
			})
			checkGolden(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}
