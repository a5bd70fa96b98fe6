package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWithoutEngine builds flowc as `CGO_ENABLED=0 go build` does (the
// validate/build/deploy binary without DuckDB, README "Two builds") and runs
// it: build writes the same bytes as the full build's golden output, run and
// test refuse with exit 2 and say why, --version says which build it is.
func TestBuildWithoutEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a second binary")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "flowc")
	build := exec.Command("go", "build", "-o", bin, "./cmd/flowc")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	flowc := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = root
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("flowc %s: %v", strings.Join(args, " "), err)
		}
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}

	if out, _, code := flowc("--version"); code != 0 || !strings.Contains(out, "without the local engine") {
		t.Errorf("--version: exit %d, %q: want the build named", code, out)
	}
	if _, errs, code := flowc("validate", "examples/flights.yaml"); code != 0 {
		t.Errorf("validate: exit %d\n%s", code, errs)
	}
	out := filepath.Join(dir, "out")
	if _, errs, code := flowc("build", "--env", "dev", "--out", out, "examples/flights.yaml"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, errs)
	}
	golden := filepath.Join(root, "testdata", "build", "flights", "out")
	n := 0
	err := filepath.WalkDir(golden, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(golden, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Errorf("%s: not written: %v", rel, err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s: differs from the full build's golden output", rel)
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("reading %s: %d files, %v", golden, n, err)
	}
	for _, cmd := range []string{"run", "test"} {
		_, errs, code := flowc(cmd, "examples/flights.yaml")
		if code != exitUsage || !strings.Contains(errs, "flowc "+cmd+" needs the local engine") || !strings.Contains(errs, "CGO_ENABLED=0") {
			t.Errorf("%s: exit %d, stderr %q: want exit %d and the reason", cmd, code, errs, exitUsage)
		}
	}
}
