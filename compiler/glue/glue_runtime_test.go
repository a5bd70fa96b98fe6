package glue_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/templates"
)

// TestGlueRuntimeAsset: the build holds the runtime once, as an asset whose
// key ends in its module's file name, and every Glue job, in the root and
// in nested stacks, loads it with --extra-py-files.
func TestGlueRuntimeAsset(t *testing.T) {
	want, err := templates.FS.ReadFile(templates.GlueRuntime)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		jobs      int
	}{{"example", testspec.Example(t), 2}, {"split", testspec.Gen(120), 120}} {
		t.Run(tc.name, func(t *testing.T) {
			out := testspec.Compile(t, tc.src, "dev", compiler.Options{})
			if !bytes.Equal(out.File(layout.GlueRuntimePath), want) {
				t.Fatalf("%s is not %s as is", layout.GlueRuntimePath, templates.GlueRuntime)
			}
			var key string
			for _, a := range out.Assets {
				if a.Path == layout.GlueRuntimePath {
					key = a.Key
				}
			}
			if !regexp.MustCompile(`^flowc/assets/[0-9a-f]{64}/flowc_runtime\.py$`).MatchString(key) {
				t.Fatalf("runtime asset key %q", key)
			}
			arg := map[string]any{"Fn::Sub": "s3://${AssetBucket}/" + key}
			jobs := 0
			for _, f := range out.Files {
				if f.Path != layout.TemplatePath && !strings.HasPrefix(f.Path, layout.StacksDir) {
					continue
				}
				var doc struct {
					Resources map[string]struct {
						Type       string
						Properties struct{ DefaultArguments map[string]any }
					}
				}
				if err := json.Unmarshal(f.Data, &doc); err != nil {
					t.Fatalf("%s: %v", f.Path, err)
				}
				for id, r := range doc.Resources {
					if r.Type != "AWS::Glue::Job" {
						continue
					}
					jobs++
					got, _ := json.Marshal(r.Properties.DefaultArguments["--extra-py-files"])
					if w, _ := json.Marshal(arg); !bytes.Equal(got, w) {
						t.Errorf("%s %s: --extra-py-files %s, want %s", f.Path, id, got, w)
					}
				}
			}
			if jobs != tc.jobs {
				t.Errorf("%d Glue jobs, want %d", jobs, tc.jobs)
			}
		})
	}
}

var (
	fieldsRe   = regexp.MustCompile(`(?s)\nFIELDS = \((.*?)\n\)`)
	quotedRe   = regexp.MustCompile(`"([A-Z_]+)"`)
	constantRe = regexp.MustCompile(`(?m)^([A-Z_]+) = `)
)

// TestGlueScriptsAreDeclarative: a table script defines exactly the
// constants the runtime reads (FIELDS), no function, and hands them to
// flowc_runtime.main.
func TestGlueScriptsAreDeclarative(t *testing.T) {
	rt, err := glue.Runtime()
	if err != nil {
		t.Fatal(err)
	}
	m := fieldsRe.FindSubmatch(rt)
	if m == nil {
		t.Fatal("the runtime has no FIELDS")
	}
	var fields []string
	for _, q := range quotedRe.FindAllSubmatch(m[1], -1) {
		fields = append(fields, string(q[1]))
	}
	sort.Strings(fields)
	for _, c := range glueCases(t) {
		pl := testspec.IR(t, c.file, c.specName, c.env)
		for _, tb := range pl.Tables {
			py, err := glue.Script(pl, tb)
			if err != nil {
				t.Fatal(err)
			}
			var defined []string
			for _, d := range constantRe.FindAllSubmatch(py, -1) {
				defined = append(defined, string(d[1]))
			}
			sort.Strings(defined)
			if strings.Join(defined, " ") != strings.Join(fields, " ") {
				t.Errorf("%s/%s defines %v, the runtime reads %v", c.name, tb.Name, defined, fields)
			}
			if bytes.Contains(py, []byte("\ndef ")) || bytes.Contains(py, []byte("\nclass ")) ||
				!bytes.HasSuffix(py, []byte("\nif __name__ == \"__main__\":\n    flowc_runtime.main(sys.argv, globals())\n")) {
				t.Errorf("%s/%s is not declarative:\n%s", c.name, tb.Name, py)
			}
		}
	}
}

// TestTableNamedLikeTheRuntime: a table whose script would overwrite the
// runtime is an error at the table (FC216 from the spec's checks), and the
// compiler refuses it too, as an internal error, rather than overwrite the
// runtime.
func TestTableNamedLikeTheRuntime(t *testing.T) {
	src := strings.ReplaceAll(testspec.Gen(2), "t001:", "flowc_runtime:")
	if _, ds := spec.Load("spec.yaml", []byte(src), "dev"); len(ds.Sorted()) != 1 || ds.Sorted()[0].Code != "FC216" {
		t.Fatalf("spec diagnostics: %v", ds)
	}
	// spec.Check builds no IR for that spec; the compiler is given one.
	pl, ds := spec.Load("spec.yaml", []byte(testspec.Gen(2)), "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, tb := range pl.Tables {
		if tb.Name == "t001" {
			tb.Name = "flowc_runtime"
		}
	}
	out, cds := compiler.Compile(pl)
	if out != nil || !cds.HasErrors() {
		t.Fatal("the build succeeded")
	}
	d := cds.Sorted()[0]
	if d.Pos.Line == 0 || !strings.Contains(d.Message, "internal error naming the Glue script of table flowc_runtime") {
		t.Errorf("diagnostic %+v", d)
	}
}
