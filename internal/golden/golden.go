// Package golden is the one golden-file helper of flowc's tests: Check
// compares output with a file under testdata/, and `go test -update`
// rewrites the file instead. Read the diff (git diff) before committing a
// rewritten golden.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

// update is the -update flag of every test binary that imports this package.
var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them (read the diff before committing)")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Check compares got with the file at path, or writes got to it (creating
// its directory) when -update is given. A difference is reported as a
// unified diff from the golden file to got.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file: %v (go test -run '%s' -update writes it; read it before committing)", err, t.Name())
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -run '%s' -update rewrites it; read the diff before committing):\n%s", path, t.Name(), diff(path, want, got))
	}
}

// diff is the unified diff from want (the golden file at path) to got.
func diff(path string, want, got []byte) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
		FromFile: path, ToFile: "got", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return d
}
