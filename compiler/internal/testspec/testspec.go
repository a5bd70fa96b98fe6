// Package testspec is for the tests of the compiler and its backends: it
// loads a spec and lowers it to the IR or compiles it (golden files are
// internal/golden's). Only _test.go files import it (internal/arch holds
// that), so its file reads are no I/O of the compiler.
package testspec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// IR loads a spec file (path relative to the test's package directory)
// under the name a user would give it and lowers it for env.
func IR(t testing.TB, file, name, env string) *ir.IR {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := spec.Load(name, src, env)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", file, ds)
	}
	return Lower(t, f, env)
}

// Lower lowers a loaded spec for env.
func Lower(t testing.TB, f *spec.File, env string) *ir.IR {
	t.Helper()
	pl, err := compiler.Lower(f, env)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// Compile loads and compiles spec text for env.
func Compile(t testing.TB, src, env string, opt compiler.Options) *compiler.Output {
	t.Helper()
	f, ds := spec.Load("spec.yaml", []byte(src), env)
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	out, cds := compiler.CompileWith(f, env, opt)
	if cds.HasErrors() {
		t.Fatalf("compile: %v", cds)
	}
	return out
}

// Example is the text of examples/flights.yaml.
func Example(t testing.TB) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testspec: no caller information")
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "examples", "flights.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Gen is a pipeline with one partitioned source and n tables.
func Gen(n int) string {
	var b strings.Builder
	b.WriteString(`version: 1
pipeline: big
environments:
  dev:
    region: us-east-1
sources:
  events:
    location: s3://big-landing-dev/raw/events/
    partitions: [day]
    trigger: on_arrival
    columns: {id: bigint, kind: string}
warehouse:
  redshift:
    workgroup: wg
    database: dev
    schema: big
    connection: redshift-dev
    iam_role: arn:aws:iam::111111111111:role/redshift
  tables:
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    t%03d:\n      from: events\n      columns: {day: varchar(16), id: bigint, kind: varchar(32)}\n", i)
	}
	return b.String()
}
