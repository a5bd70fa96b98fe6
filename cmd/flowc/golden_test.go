package main

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// repoRoot returns the repository root (two levels above this file).
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// runCLI runs the real entry point with buffers, from the repo root so
// paths in output are stable.
func runCLI(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"flowc"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestFlagsAfterArguments(t *testing.T) {
	app := newApp(&env{})
	cases := []struct{ in, want string }{
		{"flowc build examples/flights.yaml --env dev", "flowc build --env dev examples/flights.yaml"},
		{"flowc build examples/flights.yaml --env=dev --check", "flowc build --env=dev --check examples/flights.yaml"},
		{"flowc validate a.yaml -f json b.yaml", "flowc validate -f json a.yaml b.yaml"},
		{"flowc validate -- -odd.yaml --env", "flowc validate -- -odd.yaml --env"},
		{"flowc --help", "flowc --help"},
	}
	for _, c := range cases {
		got := strings.Join(interspersed(app, strings.Fields(c.in)), " ")
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
