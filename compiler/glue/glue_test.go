package glue_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler/ddl"
	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/layout"
)

// glueCase is a spec whose Glue scripts and DDL have goldens under
// testdata/glue/<name>/ and testdata/sql/<name>/.
type glueCase struct {
	name, file, specName, env string
}

// glueCases are the example and every spec under testdata/sparksql/ and
// testdata/glue/ (env dev).
func glueCases(t *testing.T) []glueCase {
	cases := []glueCase{{"flights", "../../examples/flights.yaml", "examples/flights.yaml", "dev"}}
	files, err := filepath.Glob("../testdata/sparksql/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../testdata/glue/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, more...) {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		cases = append(cases, glueCase{name, f, name + ".yaml", "dev"})
	}
	return cases
}

func TestGlueScriptsAndDDLGolden(t *testing.T) {
	for _, c := range glueCases(t) {
		if c.name == "flights" {
			// The example's scripts and DDL are goldens of the end-to-end
			// build case (testdata/build/flights/out/{glue,sql}); one copy
			// is enough to review.
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			pl := testspec.IR(t, c.file, c.specName, c.env)
			for _, tb := range pl.Tables {
				py, err := glue.Script(pl, tb)
				if err != nil {
					t.Fatalf("table %s: %v", tb.Name, err)
				}
				golden.Check(t, filepath.Join("../testdata/glue", c.name, tb.Name+".py"), py)
				golden.Check(t, filepath.Join("../testdata/sql", c.name, tb.Name+".sql"), ddl.File(pl, tb))
			}
		})
	}
}

// TestGlueDeterministic generates every script twice, from two loads of
// the spec, and compares the bytes.
func TestGlueDeterministic(t *testing.T) {
	for _, c := range glueCases(t) {
		a, b := testspec.IR(t, c.file, c.specName, c.env), testspec.IR(t, c.file, c.specName, c.env)
		for i, tb := range a.Tables {
			p1, err1 := glue.Script(a, tb)
			p2, err2 := glue.Script(b, b.Tables[i])
			if err1 != nil || err2 != nil {
				t.Fatalf("%s/%s: %v %v", c.name, tb.Name, err1, err2)
			}
			if !bytes.Equal(p1, p2) || !bytes.Equal(ddl.File(a, tb), ddl.File(b, b.Tables[i])) {
				t.Errorf("%s/%s: two generations differ", c.name, tb.Name)
			}
		}
	}
}

// TestGlueScriptsCompile runs python3 -m py_compile on the runtime and
// every generated script.
func TestGlueScriptsCompile(t *testing.T) {
	py := python(t, "compile the generated Glue scripts (py_compile)")
	dir := t.TempDir()
	rt, err := glue.Runtime()
	if err != nil {
		t.Fatal(err)
	}
	runtime := filepath.Join(dir, filepath.Base(layout.GlueRuntimePath))
	if err := os.WriteFile(runtime, rt, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-m", "py_compile", runtime}
	for _, c := range glueCases(t) {
		pl := testspec.IR(t, c.file, c.specName, c.env)
		for _, tb := range pl.Tables {
			src, err := glue.Script(pl, tb)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, c.name+"__"+tb.Name+".py")
			if err := os.WriteFile(f, src, 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, f)
		}
	}
	cmd := exec.Command(py, args...)
	cmd.Env = append(os.Environ(), "PYTHONPYCACHEPREFIX="+filepath.Join(dir, "pycache"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("py_compile: %v\n%s", err, out)
	}
}
