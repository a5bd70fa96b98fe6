package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

// TestCreateOnlyFresh regenerates the create-only table from the installed
// cfn-lint and compares it with the committed createonly_gen.go.
func TestCreateOnlyFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	if err := exec.Command("python3", "-c", "import cfnlint").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cfn-lint is not installed (pip install cfn-lint); CI=true: %v", err)
		}
		t.Skipf("cfn-lint is not installed: %v", err)
	}
	out := filepath.Join(t.TempDir(), "gen.go")
	cmd := exec.Command("go", "run", "./internal/createonlygen", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("createonly_gen.go")
	// The header names the cfn-lint version; a newer cfn-lint may differ
	// in version only.
	if !bytes.Equal(body(got), body(want)) {
		t.Errorf("createonly_gen.go is stale; run go generate ./deploy:\n%s", unified("createonly_gen.go", want, got))
	}
}

func body(b []byte) []byte {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return rest
}

// TestCreateOnlyCoversEmittedTypes: every resource type the compiler emits
// for the example belongs to a namespace the generated table covers, and
// the replacements that matter are known.
func TestCreateOnlyCoversEmittedTypes(t *testing.T) {
	src, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pl, ds := spec.Load("examples/flights.yaml", src, "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	out, ds := compiler.Compile(pl)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tmpl, err := parseTemplate(out.File(layout.TemplatePath))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for typ := range createOnlyProperties {
		covered[typ[:strings.LastIndex(typ, "::")]] = true
	}
	for id, r := range tmpl.Resources {
		if ns := r.Type[:strings.LastIndex(r.Type, "::")]; !covered[ns] {
			t.Errorf("%s: type %s is of a namespace the create-only table does not cover; add it to createonlygen's services", id, r.Type)
		}
	}
	for typ, prop := range map[string]string{
		"AWS::S3::Bucket": "BucketName", "AWS::Glue::Job": "Name", "AWS::Glue::Crawler": "Name",
		"AWS::SNS::Subscription": "Endpoint", "AWS::Events::Rule": "Name", "AWS::IAM::Role": "RoleName",
		"AWS::StepFunctions::StateMachine": "StateMachineName", "AWS::SNS::Topic": "TopicName",
	} {
		found := false
		for _, p := range createOnlyProperties[typ] {
			found = found || p == prop
		}
		if !found {
			t.Errorf("%s.%s is not create-only in the table", typ, prop)
		}
	}
}
