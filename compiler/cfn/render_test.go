package cfn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/cfn"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/spec"
)

// renderCases are the pipelines whose templates the fast writer is checked
// on: the example in every environment, the build goldens' specs, and
// generated pipelines of one stack and split into nested stacks.
func renderCases(t *testing.T) map[string]string {
	t.Helper()
	cases := map[string]string{"example": testspec.Example(t), "gen20": testspec.Gen(20), "gen500": testspec.Gen(500)}
	specs, _ := filepath.Glob("../../testdata/build/*/spec.yaml")
	for _, p := range specs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cases[p] = string(b)
	}
	return cases
}

// TestRenderMatchesGoformation: every template flowc builds takes the fast
// path, and its bytes are those of goformation's Template.JSON followed by
// canonicalJSON.
func TestRenderMatchesGoformation(t *testing.T) {
	n, goldens := 0, 0
	for name, src := range renderCases(t) {
		_, irs, ds := spec.LoadAll("spec.yaml", []byte(src))
		if ds.HasErrors() {
			continue // the spec_error golden
		}
		if name != "example" && name[0] == '.' {
			goldens++
		}
		for _, pl := range irs {
			env := pl.Env
			def, err := asl.StateMachine(pl, asl.Options{SlotPollSeconds: 30})
			if err != nil {
				t.Fatal(err)
			}
			fast, slow, err := cfn.RenderBothWays(pl, def)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, env, err)
			}
			for i := range fast {
				if !bytes.Equal(fast[i], slow[i]) {
					t.Errorf("%s/%s: render differs from goformation's output", name, env)
				}
				n++
			}
		}
	}
	if n < 6 || goldens == 0 {
		t.Errorf("checked %d templates, %d of the build goldens' specs", n, goldens)
	}
}
