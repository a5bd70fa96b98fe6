package main

import (
	"fmt"
	"github.com/flowc-dev/flowc/internal/golden"
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
			golden.Check(t, filepath.Join(dir, "want.txt"), []byte(got))
		})
	}
}

// A spec fresh from `flowc init`, run before any data is at hand, reads its
// source from S3; without AWS credentials the error says so in a sentence
// and names the two ways to run on local files, not the SDK's chain.
func TestRunFreshInitNoData(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "init", "--name", "shop", dir); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	// No credentials anywhere and no instance metadata: the SDK's chain
	// finds nothing without a network call.
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, errOut, code := runCLI(t, "run", "--env", "dev", "--warehouse", filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "flowc.yaml"))
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{"source orders: cannot read s3://", "no usable AWS credentials", "--input orders=PATH", filepath.Join(dir, "data", "orders") + string(filepath.Separator)} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr has no %q:\n%s", want, errOut)
		}
	}
	for _, raw := range []string{"operation error", "get identity", "IMDS"} {
		if strings.Contains(errOut, raw) {
			t.Errorf("stderr shows the SDK's %q:\n%s", raw, errOut)
		}
	}
}
