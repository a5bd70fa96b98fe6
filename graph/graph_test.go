package graph

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/ir"
	buildlayout "github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

// load lowers a spec file of the repository for an environment.
func load(t *testing.T, path, env string) *ir.IR {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pl, ds := spec.Load(path, src, env)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", path, ds)
	}
	return pl
}

var specs = []struct{ path, env string }{
	{"../examples/flights.yaml", "dev"},
	{"../testdata/graph/small/spec.yaml", "test"},
}

func TestDeterministic(t *testing.T) {
	for _, s := range specs {
		for _, aws := range []bool{false, true} {
			for _, f := range Formats {
				a, err := New(load(t, s.path, s.env), Options{AWS: aws}).Render(f)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := New(load(t, s.path, s.env), Options{AWS: aws}).Render(f)
				if !bytes.Equal(a, b) {
					t.Errorf("%s aws=%v %s: two renders differ", s.path, aws, f)
				}
				if !bytes.HasSuffix(a, []byte("\n")) {
					t.Errorf("%s aws=%v %s: no trailing newline", s.path, aws, f)
				}
			}
		}
	}
}

func TestModel(t *testing.T) {
	g := New(load(t, "../examples/flights.yaml", "dev"), Options{})
	var ids []string
	for _, b := range g.Blocks {
		if b.Label != "" || len(b.Nodes) != 1 {
			t.Errorf("plain graph has a group %q with %d nodes", b.Label, len(b.Nodes))
		}
		ids = append(ids, b.Nodes[0].ID)
	}
	want := "source_flights source_airports transform_delayed_flights transform_airport_delays table_delayed_flights_fact table_airport_delays alerts"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("nodes:\n got %s\nwant %s", got, want)
	}
	join := g.Edges[1]
	if join.From != "source_airports" || join.Style != Lookup || join.Label != "join dep, arr" {
		t.Errorf("the two joins of airports should be one edge labelled with both aliases, got %+v", join)
	}
	if n := g.Node("table_airport_delays"); n == nil || n.Lines[0] != "load: merge on flight_date, dep_airport" {
		t.Errorf("table node: %+v", n)
	}
	// Nothing that differs between environments appears without --aws.
	dev, _ := New(load(t, "../examples/flights.yaml", "dev"), Options{}).Render(FormatMermaid)
	prod, _ := New(load(t, "../examples/flights.yaml", "prod"), Options{}).Render(FormatMermaid)
	if !bytes.Equal(dev, prod) {
		t.Error("the plain graph differs between environments")
	}
}

func TestAWSResources(t *testing.T) {
	pl := load(t, "../examples/flights.yaml", "prod")
	g := New(pl, Options{AWS: true})
	n := pl.Names
	for id, want := range map[string]string{
		"source_flights_rule":            n.Rule("flights"),
		"source_airports_table":          "flights_prod.airports",
		"run_state_machine":              n.StateMachine(),
		"table_delayed_flights_fact_job": n.GlueJob("delayed_flights_fact"),
		"alerts_topic":                   n.Topic(),
		"source_flights_bucket":          "acme-flights-landing-prod",
		"table_airport_delays_redshift":  "airlines.airport_delays",
	} {
		node := g.Node(id)
		if node == nil {
			t.Errorf("no node %s", id)
			continue
		}
		if node.Lines[0] != want {
			t.Errorf("%s: got %q, want %q", id, node.Lines[0], want)
		}
	}
	if g.Node("source_airports_rule") != nil {
		t.Error("an unpartitioned source without a trigger has no EventBridge rule")
	}
	for _, b := range g.Blocks {
		for _, n := range b.Nodes {
			if n.Title == "Glue crawler" {
				t.Errorf("a Glue crawler is drawn (%s): the build has none", n.ID)
			}
		}
	}
	for _, b := range g.Blocks {
		if b.Label == "" || b.ID == "" {
			t.Errorf("--aws block %+v is not a group", b)
		}
	}
}

// TestAWSMatchesBuild: the AWS resources drawn are, name for name, the
// buckets, rules, jobs, state machine and topic of the template
// that `flowc build` writes.
func TestAWSMatchesBuild(t *testing.T) {
	for _, s := range specs {
		out, ds := compiler.Compile(load(t, s.path, s.env))
		if ds.HasErrors() {
			t.Fatalf("%s: %v", s.path, ds)
		}
		var tmpl struct {
			Resources map[string]struct {
				Type       string
				Properties map[string]any
			}
		}
		if err := json.Unmarshal(out.File(buildlayout.TemplatePath), &tmpl); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{
			"AWS::S3::Bucket": "S3 bucket", "AWS::Events::Rule": "EventBridge rule",
			"AWS::Glue::Job": "Glue job", "AWS::StepFunctions::StateMachine": "Step Functions state machine", "AWS::SNS::Topic": "SNS topic",
		}
		var built []string
		for _, r := range tmpl.Resources {
			what, ok := kinds[r.Type]
			if !ok {
				continue
			}
			for _, key := range []string{"Name", "BucketName", "StateMachineName", "TopicName"} {
				if name, ok := r.Properties[key].(string); ok {
					built = append(built, what+" "+name)
				}
			}
		}
		var drawn []string
		seen := map[string]bool{}
		for _, b := range New(out.IR, Options{AWS: true}).Blocks {
			for _, n := range b.Nodes {
				if n.Kind == KindResource && n.Title != "Redshift table" && n.Title != "Glue catalog table" {
					if r := n.Title + " " + n.Lines[0]; !seen[r] {
						seen[r] = true
						drawn = append(drawn, r)
					}
				}
			}
		}
		sort.Strings(built)
		sort.Strings(drawn)
		if strings.Join(built, "\n") != strings.Join(drawn, "\n") {
			t.Errorf("%s: drawn resources differ from the build's\n drawn: %q\n built: %q", s.path, drawn, built)
		}
	}
}

func TestMermaidEscapes(t *testing.T) {
	got := mermaidText(`a"b<c>d&e#f|g`)
	want := "a#34;b#60;c#62;d#38;e#35;f#124;g"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	out := string(New(load(t, "../testdata/graph/small/spec.yaml", "test"), Options{}).Mermaid())
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, `["`); i >= 0 && strings.Count(line, `"`) != 2 {
			t.Errorf("unescaped quote in %s", line)
		}
	}
}

func TestDOTEscapes(t *testing.T) {
	if got := dotString("a\"b\\c\nd"); got != `"a\"b\\c\nd"` {
		t.Errorf("got %s", got)
	}
}

// TestSVGLayout checks the picture: well-formed XML, every box inside the
// canvas, no two boxes of a column overlapping, every edge from the right of
// a box to the left of a box further right.
func TestSVGLayout(t *testing.T) {
	for _, s := range specs {
		for _, aws := range []bool{false, true} {
			g := New(load(t, s.path, s.env), Options{AWS: aws})
			svg := g.SVG()
			if err := xml.Unmarshal(svg, new(struct{})); err != nil {
				t.Fatalf("%s: SVG is not XML: %v", s.path, err)
			}
			l := place(g)
			for k, layer := range l.layers {
				for i, v := range layer {
					if v.block != nil {
						b := v.block
						if b.x < 0 || b.y < 0 || b.x+b.w > l.w || b.y+b.h > l.h {
							t.Errorf("%s aws=%v: %s outside the canvas", s.path, aws, b.block.Nodes[0].ID)
						}
					}
					if i > 0 && layer[i-1].y+layer[i-1].h > v.y-dummyGap+1e-6 {
						t.Errorf("%s aws=%v: column %d: vertices %d and %d overlap", s.path, aws, k, i-1, i)
					}
				}
			}
			for _, r := range l.routes {
				for _, sg := range r.segs {
					if sg.to.layer != sg.from.layer+1 {
						t.Errorf("%s: segment spans layers %d to %d", s.path, sg.from.layer, sg.to.layer)
					}
					if l.rightOf(sg.from) >= l.leftOf(sg.to) {
						t.Errorf("%s: edge %s -> %s runs backwards", s.path, r.edge.From, r.edge.To)
					}
				}
			}
		}
	}
}

func TestLayersAlignTables(t *testing.T) {
	l := place(New(load(t, "../testdata/graph/small/spec.yaml", "test"), Options{}))
	layerOf := map[string]int{}
	for k, layer := range l.layers {
		for _, v := range layer {
			if v.block != nil {
				layerOf[v.block.block.Nodes[0].ID] = k
			}
		}
	}
	if layerOf["table_raw_events"] != layerOf["table_clicks_by_country"] {
		t.Errorf("tables in different columns: %v", layerOf)
	}
	if layerOf["alerts"] != layerOf["table_raw_events"]+1 {
		t.Errorf("alerts not right after the tables: %v", layerOf)
	}
	// raw_events reads a source directly: its edge crosses two columns.
	for _, r := range l.routes {
		if r.edge.From == "source_events" && r.edge.To == "table_raw_events" && len(r.verts) != 4 {
			t.Errorf("long edge has %d vertices, want 4 (two dummies)", len(r.verts))
		}
	}
}

func TestIsotonic(t *testing.T) {
	for _, tc := range []struct{ want, weight, got []float64 }{
		{[]float64{1, 2, 3}, []float64{1, 1, 1}, []float64{1, 2, 3}},
		{[]float64{3, 1}, []float64{1, 1}, []float64{2, 2}},
		{[]float64{3, 1}, []float64{3, 1}, []float64{2.5, 2.5}},
		{[]float64{0, 5, 1, 2}, []float64{1, 1, 1, 1}, []float64{0, 8.0 / 3, 8.0 / 3, 8.0 / 3}},
	} {
		got := isotonic(tc.want, tc.weight)
		for i := range got {
			if math.Abs(got[i]-tc.got[i]) > 1e-9 {
				t.Errorf("isotonic(%v, %v) = %v, want %v", tc.want, tc.weight, got, tc.got)
				break
			}
		}
	}
}

// TestTextWidth: a text is as wide as in the widest font the SVG names
// (DejaVu Sans, where m is 975/1000 em; Helvetica's is 833), bold wider.
func TestTextWidth(t *testing.T) {
	if w := textWidth("m", 10, false); w != 9.75 {
		t.Errorf("width of m at 10px = %v", w)
	}
	if w := textWidth("ii", 10, false); math.Abs(w-5.56) > 1e-9 { // Helvetica's i is wider
		t.Errorf("width of ii at 10px = %v", w)
	}
	if textWidth("ab", 10, true) <= textWidth("ab", 10, false) {
		t.Error("bold is not wider")
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("abcd, ", 20)
	got := shorten(long)
	if n := len([]rune(got)); n > maxLine || !strings.HasSuffix(got, "…") {
		t.Errorf("shorten gave %q (%d runes)", got, n)
	}
	if shorten("short") != "short" {
		t.Error("short text changed")
	}
}

// TestNoIO: the package draws in memory; only cmd/ touches disk, network
// or AWS.
func TestNoIO(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for name, f := range p.Files {
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				switch {
				case path == "os", path == "io/ioutil", path == "os/exec", strings.HasPrefix(path, "net"),
					strings.HasPrefix(path, "github.com/aws/"), strings.HasPrefix(path, "github.com/awslabs/"):
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
}

// TestStepLines: an aggregate takes two lines, its keys and its measures;
// a window one, its partition and its measures.
func TestStepLines(t *testing.T) {
	ms := []*ir.NamedExpr{{Name: "newest"}, {Name: "prev"}}
	for _, tt := range []struct {
		s    *ir.Step
		want string
	}{
		{&ir.Step{Kind: spec.StepWindow, By: []string{"user_id", "c.code"}, Columns: ms}, "window by user_id, c.code: newest, prev"},
		{&ir.Step{Kind: spec.StepWindow, Columns: ms[:1]}, "window: newest"},
		{&ir.Step{Kind: spec.StepAggregate, By: []string{"day"}, Columns: ms[1:]}, "aggregate by day|measures prev"},
	} {
		if got := strings.Join(stepLines(tt.s), "|"); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
