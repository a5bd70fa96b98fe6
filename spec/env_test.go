package spec

import (
	"errors"
	"os"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

// TestChooseEnv holds the one rule for the environment of a command:
// the name given, else the only one, else (several) an *EnvError or, with
// FirstEnv, the first listed; an unknown name is the FC213 that Load
// reports, with the known names.
func TestChooseEnv(t *testing.T) {
	two := loadFile(t, "../examples/flights.yaml", "flights.yaml") // dev, prod
	one := loadFile(t, "../testdata/validate/fc213_unknown_env/spec.yaml", "spec.yaml")
	for _, tc := range []struct {
		f         *File
		name      string
		def       EnvDefault
		env       string
		first     bool
		errString string
	}{
		{two, "prod", NeedEnv, "prod", false, ""},
		{two, "prod", FirstEnv, "prod", false, ""},
		{one, "", NeedEnv, "dev", false, ""},
		{one, "", FirstEnv, "dev", false, ""},
		{two, "", FirstEnv, "dev", true, ""},
		{two, "", NeedEnv, "", false, "flights.yaml has 2 environments (dev, prod); choose one with --env"},
		{two, "stage", FirstEnv, "", false, `flights.yaml:7:3: error: environment "stage" is not defined in this spec [FC213]`},
	} {
		env, first, err := tc.f.ChooseEnv(tc.name, tc.def)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if env != tc.env || first != tc.first || got != tc.errString {
			t.Errorf("%s ChooseEnv(%q, %d) = %q, %v, %q; want %q, %v, %q", tc.f.Name, tc.name, tc.def, env, first, got, tc.env, tc.first, tc.errString)
		}
	}
	var ee *EnvError
	if _, _, err := two.ChooseEnv("", NeedEnv); !errors.As(err, &ee) || len(ee.Names) != 2 {
		t.Errorf("several environments: %v, want an *EnvError naming both", err)
	}
	// The FC213 of ChooseEnv is the one Load reports, hint and all.
	_, _, err := two.ChooseEnv("prd", NeedEnv)
	var ds *diag.Set
	if !errors.As(err, &ds) {
		t.Fatalf("unknown name: %v, want a *diag.Set", err)
	}
	src, _ := os.ReadFile("../examples/flights.yaml")
	_, lds := Load("flights.yaml", src, "prd")
	var want []diag.Diagnostic
	for _, d := range lds.Sorted() {
		if d.Severity == diag.Error {
			want = append(want, d)
		}
	}
	if len(want) != 1 || ds.Sorted()[0] != want[0] {
		t.Errorf("ChooseEnv: %+v\nLoad: %+v", ds.Sorted(), want)
	} else if want[0].Hint != `did you mean "prod"?` {
		t.Errorf("hint %q", want[0].Hint)
	}
}

// loadFile loads the spec at path, named name in positions.
func loadFile(t *testing.T, path, name string) *File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _, ds := LoadAll(name, src)
	if ds.HasErrors() {
		t.Fatalf("%s: %s", path, ds.Error())
	}
	return f
}
