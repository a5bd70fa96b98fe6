package compiler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/spec"
)

// TestCheckLimitsAgreesWithCompile: what validate reports about a build's
// limits (CheckLimits, which writes no Glue script) is what the build
// reports, for every spec of the build and validate goldens and for
// generated specs within, near and beyond the limits.
func TestCheckLimitsAgreesWithCompile(t *testing.T) {
	srcs := map[string][]byte{}
	for _, pat := range []string{"../testdata/build/*/spec.yaml", "../testdata/validate/*/spec.yaml", "../examples/*.yaml"} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			srcs[f] = b
		}
	}
	if len(srcs) < 10 {
		t.Fatalf("only %d specs found", len(srcs))
	}
	srcs["wide 300/300 (sources nested)"] = []byte(testspec.Wide(300, 300))
	srcs["wide 150/150"] = []byte(testspec.Wide(150, 150))
	srcs["wide 400/10 (nested stacks)"] = []byte(testspec.Wide(400, 10))
	srcs["wide 240/240 (nested sources)"] = []byte(testspec.Wide(240, 240))
	srcs["wide 2000/2000 (nested sources, the root with the definition over 1 MB)"] = []byte(testspec.Wide(2000, 2000))
	checked, reported := 0, 0
	for name, src := range srcs {
		f, ds := spec.Parse(name, src)
		if ds.HasErrors() {
			continue
		}
		irs, ds := spec.CheckAll(f)
		if ds.HasErrors() {
			continue
		}
		for _, pl := range irs {
			_, want := compiler.Compile(pl)
			got := compiler.CheckLimits(pl)
			if !reflect.DeepEqual(got.Sorted(), want.Sorted()) {
				t.Errorf("%s, env %s:\nCheckLimits: %v\nCompile:     %v", name, pl.Env, got.Sorted(), want.Sorted())
			}
			checked++
			reported += len(want.Sorted())
		}
	}
	if checked < 10 || reported < 3 {
		t.Errorf("only %d environments compiled, %d limit diagnostics compared", checked, reported)
	}
}

// BenchmarkValidate is `flowc validate`'s work on a valid spec (parse,
// check every environment, the build's limits) at 100, 500 and 2000
// transforms and tables over 10 sources, and at 500 and 2000 with a source
// each (their sources go into nested stacks; both are over the 1 MB the
// state machine's definition may have: validate reports it).
// bench/scale.sh prints the ratios.
func BenchmarkValidate(b *testing.B) {
	for _, c := range wideCases() {
		src := []byte(testspec.Wide(c.n, c.nsrc))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, ds := spec.Parse("spec.yaml", src)
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				irs, _ := spec.CheckAll(f)
				for _, pl := range irs {
					compiler.CheckLimits(pl)
				}
			}
		})
	}
}

// BenchmarkBuild is `flowc build`'s work in memory (parse, check, compile
// every file) for the cases of BenchmarkValidate that build.
func BenchmarkBuild(b *testing.B) {
	for _, c := range wideCases() {
		if c.n == c.nsrc && c.n > 250 {
			continue // over the limits: no build
		}
		src := []byte(testspec.Wide(c.n, c.nsrc))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				pl, ds := spec.Load("spec.yaml", src, "dev")
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				if _, ds := compiler.Compile(pl); ds.HasErrors() {
					b.Fatal(ds)
				}
			}
		})
	}
}

type wideCase struct {
	name    string
	n, nsrc int
}

func wideCases() []wideCase {
	var out []wideCase
	for _, n := range []int{100, 500, 2000} {
		out = append(out, wideCase{fmt.Sprintf("tables=%d/sources=10", n), n, 10})
	}
	for _, n := range []int{500, 2000} {
		out = append(out, wideCase{fmt.Sprintf("tables=%d/sources=%d", n, n), n, n})
	}
	return out
}

// TestRunsAsDefined: ir.Runs (one pass over the tables) plans, for every
// triggered source s, the tables whose triggered source is s or who have
// none, in table order, for every golden spec and a wide one.
func TestRunsAsDefined(t *testing.T) {
	files, _ := filepath.Glob("../testdata/build/*/spec.yaml")
	files = append(files, "../examples/flights.yaml")
	srcs := map[string][]byte{"wide": []byte(testspec.Wide(40, 7))}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	runs := 0
	for name, src := range srcs {
		f, ds := spec.Parse(name, src)
		if ds.HasErrors() {
			continue
		}
		irs, _ := spec.CheckAll(f)
		for _, pl := range irs {
			if pl == nil {
				continue
			}
			var want []string
			for _, s := range pl.Sources {
				if !s.Triggered() {
					continue
				}
				line := s.Name + ":"
				for _, tb := range pl.Tables {
					if tb.Trigger == nil || tb.Trigger.Name == s.Name {
						line += " " + tb.Name
					}
				}
				want = append(want, line)
			}
			var got []string
			for _, r := range pl.Runs() {
				line := r.Source.Name + ":"
				for _, tb := range r.Tables {
					line += " " + tb.Name
				}
				got = append(got, line)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%s):\ngot  %q\nwant %q", name, pl.Env, got, want)
			}
			runs += len(got)
		}
	}
	if runs < 10 {
		t.Errorf("only %d runs compared", runs)
	}
}

// TestNearLimitHints: near a limit of the root, the warning says what the
// build does past it: move the jobs (one stack), then the definition and
// the sources (jobs nested), then the definition to S3 (sources nested);
// near Step Functions' limit of the definition, nothing more.
func TestNearLimitHints(t *testing.T) {
	for _, c := range []struct {
		n    int
		hint string
	}{
		{170, "moves the sources into nested stacks"},
		{1500, "read the state machine's definition from S3"},
		{2000, "past the limit the build fails"},
	} {
		pl, ds := spec.Load("spec.yaml", []byte(testspec.Wide(c.n, c.n)), "dev")
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		found := false
		for _, d := range compiler.CheckLimits(pl).Sorted() {
			found = found || d.Code == "FC501" && strings.Contains(d.Hint, c.hint)
		}
		if !found {
			t.Errorf("%d sources: no FC501 hint %q in %v", c.n, c.hint, compiler.CheckLimits(pl).Sorted())
		}
	}
}

// TestDefinitionAt2000Sources: with one source per table, the state
// machine's definition (compact, as the build measures it) stays within
// Step Functions' 1,048,576 bytes at 2000 sources, and each source adds
// one routing rule per kind of input and one Pass of its constants, not
// its own states: under 500 bytes (issue 15, item 2).
func TestDefinitionAt2000Sources(t *testing.T) {
	size := func(n int) int {
		pl, ds := spec.Load("spec.yaml", []byte(testspec.Wide(n, n)), "dev")
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		def, err := asl.StateMachine(pl, asl.Options{SlotPollSeconds: 30})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, def); err != nil {
			t.Fatal(err)
		}
		return b.Len()
	}
	small, big := size(1000), size(2000)
	if big >= 1048576 {
		t.Errorf("definition at 2000 sources: %d bytes, over 1048576", big)
	}
	if per := (big - small) / 1000; per >= 500 {
		t.Errorf("each source adds %d bytes to the definition, want under 500", per)
	}
	t.Logf("definition: %d bytes at 1000 sources, %d at 2000", small, big)
}
