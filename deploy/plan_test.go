package deploy

import (
	"bytes"
	"encoding/json"
	"github.com/flowc-dev/flowc/internal/golden"
	"os"
	"path/filepath"
	"testing"
)

// planCase is testdata/plan/<case>/case.json.
type planCase struct {
	Old string `json:"old"` // tree under testdata/trees, "" for no stack
	New string `json:"new"`
	// View "stack" compares as against a deployed stack: the files are the
	// state machine definitions in the templates and the assets only.
	View      string            `json:"view"`
	ChangeSet []changeSetChange `json:"changeset"`
	HasCS     bool              `json:"has_changeset"`
	// OlderFlowc makes the old side a build of a flowc from before the
	// pipeline's description (olderFlowc).
	OlderFlowc bool `json:"older_flowc"`
}

// TestPlanGolden renders the plan of every case under testdata/plan as text
// and JSON and compares them with plan.txt and plan.json.
func TestPlanGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/plan/*/case.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, cf := range dirs {
		dir := filepath.Dir(cf)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var c planCase
			b, err := os.ReadFile(cf)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			nb := loadTree(t, filepath.Join("testdata/trees", c.New))
			in := planInput{Stack: nb.Stack, Region: nb.Region, Against: "the build in " + c.Old, ChangeSet: c.ChangeSet, HasCS: c.HasCS || c.ChangeSet != nil}
			in.New = side{Template: nb.Template(), Files: nb.FileMap(), Assets: assetMap(nb)}
			if c.Old == "" {
				in.Against = "nothing: the stack does not exist yet"
			} else {
				ob := loadTree(t, filepath.Join("testdata/trees", c.Old))
				if c.OlderFlowc {
					ob = olderFlowc(t, ob)
				}
				in.Old = side{Template: ob.Template(), Files: ob.FileMap()}
				if c.View == "stack" {
					in.Against = "the deployed stack"
					in.Old.Files = stackView(t, ob)
					in.New.Files = stackView(t, nb)
				}
			}
			p, err := buildPlan(in)
			if err != nil {
				t.Fatal(err)
			}
			var js bytes.Buffer
			if err := Render(&js, p, formatJSON); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, "plan.txt"), []byte(renderText(p)))
			golden.Check(t, filepath.Join(dir, "plan.json"), js.Bytes())
			golden.Check(t, filepath.Join(dir, "plan.md"), []byte(renderMarkdown(p)))
			// Rendering is a pure function: twice gives the same bytes.
			if again := renderText(p); again != renderText(p) {
				t.Error("rendering twice differs")
			}
		})
	}
}

func assetMap(b *Bundle) map[string]string {
	m := map[string]string{}
	for _, a := range b.Assets {
		m[a.Key] = a.Path
	}
	return m
}

func stackView(t *testing.T, b *Bundle) map[string][]byte {
	tm, err := parseTemplate(b.Template())
	if err != nil {
		t.Fatal(err)
	}
	return bundleStackFiles(b, tm)
}
