package compiler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

// compileSrc loads and compiles spec text for env.
func compileSrc(t testing.TB, src, env string, opt Options) *Output {
	t.Helper()
	pl, ds := spec.Load("spec.yaml", []byte(src), env)
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	out, cds := CompileWith(pl, opt)
	if cds.HasErrors() {
		t.Fatalf("compile: %v", cds)
	}
	return out
}

func exampleSrc(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// genSpec is a pipeline with one partitioned source and n tables.
func genSpec(n int) string {
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

func TestCompileDeterministic(t *testing.T) {
	src := exampleSrc(t)
	a := compileSrc(t, src, "dev", Options{})
	for i := 0; i < 3; i++ {
		b := compileSrc(t, src, "dev", Options{})
		if len(a.Files) != len(b.Files) {
			t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
		}
		for j := range a.Files {
			if a.Files[j].Path != b.Files[j].Path || !bytes.Equal(a.Files[j].Data, b.Files[j].Data) {
				t.Errorf("%s differs between two compiles", a.Files[j].Path)
			}
		}
	}
}

func TestOutputFiles(t *testing.T) {
	out := compileSrc(t, exampleSrc(t), "dev", Options{})
	var paths []string
	for _, f := range out.Files {
		paths = append(paths, f.Path)
		if !validPath(f.Path) {
			t.Errorf("invalid path %q", f.Path)
		}
		if !bytes.HasSuffix(f.Data, []byte("\n")) {
			t.Errorf("%s does not end in a newline", f.Path)
		}
	}
	want := "glue/airport_delays.py glue/delayed_flights_fact.py glue/flowc_runtime.py manifest.json sql/airport_delays.sql sql/delayed_flights_fact.sql statemachine.asl.json template.json"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("files:\n got %s\nwant %s", got, want)
	}
	if out.File("template.json") == nil || out.File("nope") != nil {
		t.Error("Output.File lookup is wrong")
	}
	for _, bad := range []string{"", "/x", "../x", "a/../b", "a//b"} {
		if validPath(bad) {
			t.Errorf("validPath(%q) = true", bad)
		}
	}
}

// TestManifest: the manifest lists every other file with its hash and
// size, the assets with content-addressed keys the template refers to,
// and the sizes against the limits.
func TestManifest(t *testing.T) {
	out := compileSrc(t, exampleSrc(t), "dev", Options{})
	var m Manifest
	if err := json.Unmarshal(out.File(layout.ManifestPath), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(out.Files)-1 {
		t.Errorf("manifest lists %d files, build has %d besides the manifest", len(m.Files), len(out.Files)-1)
	}
	for _, f := range m.Files {
		h := sha256.Sum256(out.File(f.Path))
		if hex.EncodeToString(h[:]) != f.SHA256 || len(out.File(f.Path)) != f.Bytes {
			t.Errorf("%s: manifest hash or size is wrong", f.Path)
		}
	}
	tmpl := string(out.File(layout.TemplatePath))
	if len(m.Assets) != 3 {
		t.Fatalf("assets: %+v", m.Assets)
	}
	for _, a := range m.Assets {
		key, sum := layout.AssetKey(a.Path, out.File(a.Path))
		if a.Key != key || a.SHA256 != sum || !strings.HasPrefix(a.Key, "flowc/assets/") || !strings.HasSuffix(a.Key, ".py") {
			t.Errorf("asset %+v: want key %s", a, key)
		}
		if !strings.Contains(tmpl, "s3://${AssetBucket}/"+a.Key) {
			t.Errorf("template does not refer to asset %s", a.Key)
		}
	}
	l := m.Limits
	if l.Resources.Used != 18 || l.Resources.Limit != 500 || l.InlineBytes.Limit != 51200 || l.TemplateBytes.Limit != 1000000 ||
		l.DefinitionBytes.Limit != 1<<20 || l.InlineBytes.Used != len(out.File(layout.TemplatePath)) || !l.Inline {
		t.Errorf("limits: %+v", l)
	}
	if l.DefinitionBytes.Used <= 0 || l.DefinitionBytes.Used >= len(out.File(layout.StateMachinePath)) {
		t.Errorf("definition size %d: want the compacted size, below the pretty file's %d", l.DefinitionBytes.Used, len(out.File(layout.StateMachinePath)))
	}
}

// TestInternalErrorsHaveNoCode: a bug is reported as one, without a code.
func TestInternalErrorsHaveNoCode(t *testing.T) {
	pl, ds := spec.Load("spec.yaml", []byte(exampleSrc(t)), "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	// An IR spec.Check never builds: a table reading what is not there.
	pl.Tables[0].Reads = append(pl.Tables[0].Reads, "nope")
	out, cds := Compile(pl)
	if out != nil || !cds.HasErrors() {
		t.Fatal("compiling a broken IR succeeded")
	}
	d := cds.Sorted()[0]
	if d.Code != "" || !strings.Contains(d.Message, "internal error") || !strings.Contains(d.Hint, "report") {
		t.Errorf("diagnostic %+v", d)
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{100, 500} {
		src := genSpec(n)
		pl, ds := spec.Load("spec.yaml", []byte(src), "dev")
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, ds := Compile(pl); ds.HasErrors() {
					b.Fatal(ds)
				}
			}
		})
	}
}
