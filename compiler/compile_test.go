package compiler_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

func TestCompileDeterministic(t *testing.T) {
	src := testspec.Example(t)
	a := testspec.Compile(t, src, "dev", compiler.Options{})
	for i := 0; i < 3; i++ {
		b := testspec.Compile(t, src, "dev", compiler.Options{})
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
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	var paths []string
	for _, f := range out.Files {
		paths = append(paths, f.Path)
		if !bytes.HasSuffix(f.Data, []byte("\n")) {
			t.Errorf("%s does not end in a newline", f.Path)
		}
	}
	want := "glue/airport_delays.py glue/delayed_flights_fact.py glue/flowc_runtime.py manifest.json pipeline.json sql/_flowc_schema.sql sql/airport_delays.sql sql/delayed_flights_fact.sql statemachine.asl.json template.json"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("files:\n got %s\nwant %s", got, want)
	}
	if out.File("template.json") == nil || out.File("nope") != nil {
		t.Error("Output.File lookup is wrong")
	}
}

// TestSchemaFile (issue 16, AWS detail D7): sql/_flowc_schema.sql is what
// an administrator runs once: the schema, the grants its loader user needs
// and, with an append table, the ledger.
func TestSchemaFile(t *testing.T) {
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	got := string(out.File(layout.SchemaDDLPath))
	for _, want := range []string{"\nCREATE SCHEMA IF NOT EXISTS airlines;\n", "\nGRANT USAGE, CREATE ON SCHEMA airlines TO loader_user;\n", "Glue connection redshift-dev"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s has no %q:\n%s", layout.SchemaDDLPath, want, got)
		}
	}
	if strings.Contains(got, "flowc_ledger") {
		t.Error("the example has no append table: no ledger")
	}
	// append needs rows that each come from one row of one file: without
	// the example's window steps (FC413) and their columns.
	ex := strings.Replace(testspec.Example(t), "load: replace_partition", "load: append", 1)
	ex = ex[:strings.Index(ex, "      - window:")] + ex[strings.Index(ex, "      - join: airports"):]
	for _, l := range []string{"          delay_rank: delay_rank\n", "          prev_delay: prev_delay\n", "        delay_rank: integer\n", "        prev_delay: integer\n"} {
		ex = strings.Replace(ex, l, "", 1)
	}
	appends := testspec.Compile(t, ex, "dev", compiler.Options{})
	if got := string(appends.File(layout.SchemaDDLPath)); !strings.Contains(got, "CREATE TABLE IF NOT EXISTS airlines.flowc_ledger (") {
		t.Errorf("with an append table, the ledger:\n%s", got)
	}
}

// TestManifest: the manifest lists every other file with its hash and
// size, the assets with content-addressed keys the template refers to,
// and the sizes against the limits.
func TestManifest(t *testing.T) {
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	var m compiler.Manifest
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
	if len(m.Assets) != 4 {
		t.Fatalf("assets: %+v", m.Assets)
	}
	for _, a := range m.Assets {
		key, sum := layout.AssetKey(a.Path, out.File(a.Path))
		if a.Key != key || a.SHA256 != sum || !strings.HasPrefix(a.Key, "flowc/assets/") || !strings.HasSuffix(a.Key, path.Ext(a.Path)) {
			t.Errorf("asset %+v: want key %s", a, key)
		}
		if a.Path == layout.DescriptionPath {
			continue // TestDescription
		}
		if !strings.Contains(tmpl, "s3://${AssetBucket}/"+a.Key) {
			t.Errorf("template does not refer to asset %s", a.Key)
		}
	}
	l := m.Limits
	// The example's template passed the inline limit when each Glue job got
	// its own role and the trigger its dead-letter queue (issue 16, D6; 25
	// resources with the alarm on timed-out runs):
	// deploy uploads it to the asset bucket.
	if l.Resources.Used != 25 || l.Resources.Limit != 500 || l.InlineBytes.Limit != 51200 || l.TemplateBytes.Limit != 1000000 ||
		l.DefinitionBytes.Limit != 1<<20 || l.InlineBytes.Used != len(out.File(layout.TemplatePath)) || l.Inline != (l.InlineBytes.Used <= l.InlineBytes.Limit) || l.Inline {
		t.Errorf("limits: %+v", l)
	}
	if l.DefinitionBytes.Used <= 0 || l.DefinitionBytes.Used >= len(out.File(layout.StateMachinePath)) {
		t.Errorf("definition size %d: want the compacted size, below the pretty file's %d", l.DefinitionBytes.Used, len(out.File(layout.StateMachinePath)))
	}
}

// TestDescription: the build describes the pipeline in pipeline.json, an
// asset; manifest.json embeds the same description, and the root
// template's Metadata points at its asset key, nothing more.
func TestDescription(t *testing.T) {
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	data := out.File(layout.DescriptionPath)
	d, err := ir.ParseDescription(data)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := d.JSON(); !bytes.Equal(again, data) {
		t.Error("pipeline.json does not survive a read and a write")
	}
	if !reflect.DeepEqual(d, out.IR.Describe()) {
		t.Error("pipeline.json is not the IR's description")
	}
	var m struct {
		Description *ir.Description `json:"description"`
	}
	if err := json.Unmarshal(out.File(layout.ManifestPath), &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Description, d) {
		t.Error("manifest.json's description differs from pipeline.json")
	}
	var tmpl struct{ Metadata map[string]map[string]string }
	if err := json.Unmarshal(out.File(layout.TemplatePath), &tmpl); err != nil {
		t.Fatal(err)
	}
	key, _ := layout.AssetKey(layout.DescriptionPath, data)
	want := map[string]map[string]string{layout.MetadataKey: {layout.MetadataDescriptionKey: key}}
	if !reflect.DeepEqual(tmpl.Metadata, want) {
		t.Errorf("template Metadata = %v, want %v", tmpl.Metadata, want)
	}
	fact := d.Table("delayed_flights_fact")
	if fact == nil || fact.Load != ir.LoadReplacePartition || fact.Distkey != "dep_airport" || fact.Diststyle != "key" ||
		fact.Trigger != "flights" || len(fact.Columns) != 17 || fact.Columns[0] != (ir.ColumnDescription{Name: "year", Type: "char(4)"}) {
		t.Errorf("delayed_flights_fact: %+v", fact)
	}
}

// TestInternalErrorsHaveNoCode: a bug is reported as one, without a code.
func TestInternalErrorsHaveNoCode(t *testing.T) {
	pl, ds := spec.Load("spec.yaml", []byte(testspec.Example(t)), "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	// An IR spec.Check never builds: a table reading what is not there.
	pl.Tables[0].Reads = append(pl.Tables[0].Reads, "nope")
	out, cds := compiler.Compile(pl)
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
		src := testspec.Gen(n)
		pl, ds := spec.Load("spec.yaml", []byte(src), "dev")
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, ds := compiler.Compile(pl); ds.HasErrors() {
					b.Fatal(ds)
				}
			}
		})
	}
}

// BenchmarkCompileExample compiles examples/flights.yaml for dev. Run with
// -benchtime=1x -count=1 in a fresh process for the cold (first call) time.
func BenchmarkCompileExample(b *testing.B) {
	pl, ds := spec.Load("spec.yaml", []byte(testspec.Example(b)), "dev")
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ds := compiler.Compile(pl); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
