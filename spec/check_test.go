package spec

import (
	"os"
	"reflect"
	"testing"
)

// TestIRFile: the IR carries the spec's file name as given.
func TestIRFile(t *testing.T) {
	src, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pl, ds := Load("../examples/flights.yaml", src, "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if pl.File != "../examples/flights.yaml" || pl.SpecFile() != pl.File || pl.SpecName() != "flights.yaml" {
		t.Errorf("File %q, SpecFile %q, SpecName %q", pl.File, pl.SpecFile(), pl.SpecName())
	}
}

// TestCheckAllOnePerEnvironment: CheckAll returns one IR per environment,
// in the spec's order, each with its own expanded values; Check returns
// the named one.
func TestCheckAllOnePerEnvironment(t *testing.T) {
	src, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, irs, ds := LoadAll("flights.yaml", src)
	if ds.HasErrors() || len(irs) != len(f.Environments) {
		t.Fatalf("%d IRs for %d environments: %v", len(irs), len(f.Environments), ds)
	}
	for i, e := range f.Environments {
		if irs[i].Env != e.Name.Raw {
			t.Errorf("IR %d is for %q, want %q", i, irs[i].Env, e.Name.Raw)
		}
		pl, ds := Check(f, e.Name.Raw)
		if ds.HasErrors() || pl == nil || pl.Env != e.Name.Raw || pl.Region != irs[i].Region {
			t.Errorf("Check(%q): %v, %v", e.Name.Raw, pl, ds)
		}
	}
	if pl, _ := Check(f, ""); len(f.Environments) > 1 && pl != nil {
		t.Errorf("Check(f, \"\") with %d environments returned an IR", len(f.Environments))
	}
	if pl, ds := Check(f, "nope"); pl != nil || !ds.HasErrors() {
		t.Errorf("Check of an unknown environment: %v, %v", pl, ds)
	}
}

// TestCheckLeavesTreeAlone: Check records what it computes in the IR and
// leaves the syntax tree as Parse made it (expression ASTs included).
func TestCheckLeavesTreeAlone(t *testing.T) {
	for _, path := range []string{"../examples/flights.yaml", "../testdata/build/minimal/spec.yaml", "../testdata/run/check_failed/spec.yaml"} {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Parse(path, src)
		fresh, _ := Parse(path, src)
		if !reflect.DeepEqual(f, fresh) {
			t.Fatalf("%s: two parses differ", path)
		}
		irs, ds := CheckAll(f)
		if ds.HasErrors() || len(irs) == 0 {
			t.Fatalf("%s: %v", path, ds)
		}
		if !reflect.DeepEqual(f, fresh) {
			t.Errorf("%s: CheckAll changed the syntax tree", path)
		}
	}
}
