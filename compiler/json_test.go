package compiler

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/sns"

	"github.com/flowc-dev/flowc/spec"
)

// renderCases are the pipelines whose templates the fast writer is checked
// on: the example in every environment, the build goldens' specs, and
// generated pipelines of one stack and split into nested stacks.
func renderCases(t *testing.T) map[string]string {
	t.Helper()
	cases := map[string]string{"example": exampleSrc(t), "gen20": genSpec(20), "gen500": genSpec(500)}
	specs, _ := filepath.Glob("../testdata/build/*/spec.yaml")
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
	n := 0
	for name, src := range renderCases(t) {
		_, irs, ds := spec.LoadAll("spec.yaml", []byte(src))
		if ds.HasErrors() {
			continue // the spec_error golden
		}
		for _, pl := range irs {
			def, err := StateMachine(pl, Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := &cfn{pl: pl, assets: map[string]string{}, defn: json.RawMessage(def)}
			var tmpls []*cloudformation.Template
			root := c.newTemplate(c.description())
			c.globalResources(root)
			tmpls = append(tmpls, root)
			shard := c.newTemplate("shard")
			for _, tb := range pl.Tables {
				c.addJob(root, tb, cloudformation.GetAtt(idGlueRole, "Arn"))
				c.addJob(shard, tb, cloudformation.Ref(paramGlueRoleArn))
			}
			tmpls = append(tmpls, shard)
			for _, tm := range tmpls {
				if _, err := templateTree(tm); err != nil {
					t.Fatalf("%s/%s: fast path refused: %v", name, pl.Env, err)
				}
				fast, err := render(tm)
				if err != nil {
					t.Fatal(err)
				}
				slow, err := renderSlow(tm)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(fast, slow) {
					t.Errorf("%s/%s: render differs from goformation's output", name, pl.Env)
				}
				n++
			}
		}
	}
	if n < 6 {
		t.Errorf("checked %d templates", n)
	}
}

// TestRenderSlowPath: what goformation would evaluate rather than copy (a
// literal Ref object) and what the tree does not model (bytes) go through
// goformation, with the same result as before.
func TestRenderSlowPath(t *testing.T) {
	for name, res := range map[string]cloudformation.Resource{
		"literal ref": &sns.Topic{TopicName: cloudformation.String("t"),
			DataProtectionPolicy: map[string]any{"Ref": "AWS::Region"}},
		"bytes": &cloudformation.CustomResource{Type: "Custom::X", Properties: map[string]any{"b": []byte("hi")}},
	} {
		tm := cloudformation.NewTemplate()
		tm.Resources["R"] = res
		fast, err := render(tm)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := renderSlow(tm)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, fast, slow)
		}
	}
}

// TestPrettyJSON: the writer's layout is encoding/json's indented layout.
func TestPrettyJSON(t *testing.T) {
	v := obj{}.set("b", []any{}).set("a", map[string]any{"z": 1.5, "y": []string{"<&>", "é\u2028\n"}, "e": map[string]any{}}).
		set("n", null).set("o", obj{}).set("i", 3).set("s", struct {
		X int `json:"x"`
		Y []int
	}{1, []int{1, 2}}).set("nil", []string(nil))
	got, err := prettyJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if got := string(got); got != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got, want.String())
	}
}

// BenchmarkCompileExample compiles examples/flights.yaml for dev. Run with
// -benchtime=1x -count=1 in a fresh process for the cold (first call) time.
func BenchmarkCompileExample(b *testing.B) {
	pl, ds := spec.Load("spec.yaml", []byte(exampleSrc(b)), "dev")
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ds := Compile(pl); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
