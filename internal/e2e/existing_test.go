package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

// TestExistingBucketOnEmulator: with bucket: existing, the landing bucket
// is there before the stack (with data in it) and is not part of it;
// flowc deploy turns its EventBridge notifications on, and a file landing
// afterwards starts a run that succeeds. The five minutes AWS takes to
// start delivering are not modelled by the emulator.
func TestExistingBucketOnEmulator(t *testing.T) {
	em := startEmulator(t)
	ctx := context.Background()
	cfg := em.srv.Config()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	sfc := sfn.NewFromConfig(cfg)
	const landing = "acme-flights-landing-dev"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(landing)}); err != nil {
		t.Fatal(err)
	}
	csv := "date,delay,distance,origin,destination\n2001-01-17 06:05,75,500,ATL,ORD\n"
	put := func(key string) {
		t.Helper()
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(landing), Key: aws.String(key), Body: strings.NewReader(csv)}); err != nil {
			t.Fatal(err)
		}
	}
	put("reference/airports/airports.csv")
	put("raw/flights/year=2001/month=01/day=16/flights.csv") // landed before the pipeline

	_, file, _, _ := runtime.Caller(0)
	src, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "flights.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// As build does: a settle window of two seconds, a one-second wait for
	// a slot; and both sources in the existing bucket.
	existing := strings.ReplaceAll(string(src), "    location: s3://${params.landing_bucket}/", "    bucket: existing\n    location: s3://${params.landing_bucket}/")
	existing = strings.Replace(existing, "trigger: on_arrival ", "trigger: {on_arrival: {settle_seconds: 2, max_wait_seconds: 60}}", 1)
	if !strings.Contains(existing, "settle_seconds: 2") || !strings.Contains(existing, "bucket: existing") {
		t.Fatal("the example changed: no trigger or location to edit")
	}
	pl, ds := spec.Load("flights.yaml", []byte(existing), env)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	out, cds := compiler.CompileWith(pl, compiler.Options{SlotPollSeconds: 1})
	if cds.HasErrors() {
		t.Fatal(cds)
	}
	b := &deploy.Bundle{Pipeline: out.IR.Pipeline, Env: out.IR.Env, Stack: out.IR.Names.Stack(), Region: out.IR.Region, EventBuckets: out.IR.EventBuckets()}
	for _, f := range out.Files {
		b.Files = append(b.Files, deploy.File{Path: f.Path, Data: f.Data})
	}
	for _, a := range out.Assets {
		b.Assets = append(b.Assets, deploy.Asset{Path: a.Path, Key: a.Key})
	}
	var log bytes.Buffer
	d := deploy.New(deploy.NewClients(cfg, deploy.ClientOptions{PathStyle: true}), deploy.Options{Out: &log, Err: &log, Poll: 100 * time.Millisecond, PlainHTTP: true})
	res, err := d.Deploy(ctx, b, deploy.DeployOptions{})
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "Turned on EventBridge notifications of existing bucket "+landing) {
		t.Errorf("deploy did not turn the notifications on:\n%s", log.String())
	}
	cfn := cloudformation.NewFromConfig(cfg)
	rs, err := cfn.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(res.Stack)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.StackResources {
		if aws.ToString(r.ResourceType) == "AWS::S3::Bucket" {
			t.Errorf("the stack holds bucket %s", aws.ToString(r.PhysicalResourceId))
		}
	}
	var sm, db string
	for _, o := range res.Outputs {
		switch o.Key {
		case "StateMachineArn":
			sm = o.Value
		case "GlueDatabaseName":
			db = o.Value
		}
	}
	// The emulator has no AWS::Glue::Table: create the catalog tables as
	// TestPipelineRunsOnEmulator does.
	em.srv.CreateCatalogTables(t, out.File(layout.TemplatePath), db)
	if sm == "" {
		t.Fatalf("no StateMachineArn output: %+v", res.Outputs)
	}

	known := executions(t, sfc, sm)
	put("raw/flights/year=2001/month=01/day=17/flights.csv")
	arn := newExecution(t, sfc, sm, known)
	if d := waitExecution(t, sfc, arn); d.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("run %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}
