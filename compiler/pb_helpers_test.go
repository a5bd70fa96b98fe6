package compiler

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// The -update flag rewrites golden files. Another test file of the package
// may define it as a package variable (initialised before any init runs);
// otherwise it is defined here.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

// updating reports whether -update was given.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// loadTestIR loads a spec file (path relative to the package directory)
// under the name a user would give it and lowers it for env.
func loadTestIR(t *testing.T, file, name, env string) *ir.IR {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pl, ds := spec.Load(name, src, env)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", file, ds)
	}
	return pl
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
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
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated text (go test -update rewrites it); got:\n%s", path, got)
	}
}
