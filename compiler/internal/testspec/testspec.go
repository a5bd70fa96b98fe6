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
	pl, ds := spec.Load(name, src, env)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", file, ds)
	}
	return pl
}

// Load lowers spec text for env.
func Load(t testing.TB, src, env string) *ir.IR {
	t.Helper()
	pl, ds := spec.Load("spec.yaml", []byte(src), env)
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	return pl
}

// Compile loads and compiles spec text for env.
func Compile(t testing.TB, src, env string, opt compiler.Options) *compiler.Output {
	t.Helper()
	out, cds := compiler.CompileWith(Load(t, src, env), opt)
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

// Wide is a pipeline of the shape a large team's spec has: nsrc
// partitioned sources, and n transforms (a filter and a derive) each
// feeding its own table, transform i reading source i mod nsrc. With
// nsrc == n every table has its own source.
func Wide(n, nsrc int) string {
	var b strings.Builder
	b.WriteString("version: 1\npipeline: wide\nenvironments:\n  dev:\n    region: us-east-1\nsources:\n")
	for i := 0; i < nsrc; i++ {
		fmt.Fprintf(&b, "  s%04d:\n    location: s3://wide-landing-dev/raw/s%04d/\n    partitions: [day]\n    trigger: on_arrival\n    columns: {id: bigint, kind: string, amount: double}\n", i, i)
	}
	b.WriteString("transforms:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  x%04d:\n    from: s%04d\n    steps:\n      - filter: amount > 0\n      - derive: {big: amount * 2}\n", i, i%nsrc)
	}
	b.WriteString("warehouse:\n  redshift:\n    workgroup: wg\n    database: dev\n    schema: wide\n    connection: redshift-dev\n    iam_role: arn:aws:iam::111111111111:role/redshift\n  tables:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    t%04d:\n      from: x%04d\n      load: replace_partition\n      columns: {day: varchar(16), id: bigint, kind: varchar(32), amount: double precision, big: double precision}\n", i, i)
	}
	return b.String()
}
