package deploytest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// CreateCatalogTables creates a template's AWS::Glue::Table resources in
// the emulator's Data Catalog database db, as CloudFormation would: the
// moto-pipeline server (moto 5.2.1 and its patches) creates a stack's Glue
// database, jobs and connections but not its tables, and the pipeline's
// state machine registers partitions in them (glue:BatchCreatePartition).
// Each TableInput goes over as the template has it: its member names are
// the API's. The gap is the emulator's; ../shared is not this repository's
// to patch.
func (s *Server) CreateCatalogTables(t testing.TB, template []byte, db string) {
	t.Helper()
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct{ TableInput json.RawMessage }
		}
	}
	if err := json.Unmarshal(template, &tmpl); err != nil {
		t.Fatal(err)
	}
	gl := glue.NewFromConfig(s.Config())
	n := 0
	for id, r := range tmpl.Resources {
		if r.Type != "AWS::Glue::Table" {
			continue
		}
		var in gluetypes.TableInput
		if err := json.Unmarshal(r.Properties.TableInput, &in); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, err := gl.CreateTable(context.Background(), &glue.CreateTableInput{DatabaseName: aws.String(db), TableInput: &in}); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		n++
	}
	if n == 0 || db == "" {
		t.Fatalf("no catalog table created (database %q)", db)
	}
}
