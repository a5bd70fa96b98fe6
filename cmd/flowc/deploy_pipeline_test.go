package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// These tests need the moto-pipeline server (FLOWC_TEST_EMULATOR): stock
// moto has no rollbacks, stack events or outputs, and does not run the
// pipeline's resources.

// TestDeployRollback: a first deploy that fails shows the first failing
// resource and rolls back to ROLLBACK_COMPLETE; the next deploy reports it
// and, after confirmation, deletes and recreates the stack. A failing
// update rolls back to the previous state.
func TestDeployRollback(t *testing.T) {
	srv := deploytest.Pipeline(t)
	srv.SetEnv(t)
	ctx := context.Background()
	s3c := s3Of(srv)
	spec := exampleSpec(t)

	// The landing bucket's name is taken: its creation fails.
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-flights-landing-dev")}); err != nil {
		t.Fatal(err)
	}
	out, errOut := flowcExit(t, 2, "deploy", "--env", "dev", "--yes", spec)
	contains(t, "failed deploy progress", out, "CREATE_FAILED", "ROLLBACK_COMPLETE")
	contains(t, "failed deploy", errOut, "flowc: stack flights-dev failed: ROLLBACK_COMPLETE",
		"first failure: BucketAcmeFlightsLandingDev (AWS::S3::Bucket) CREATE_FAILED: ",
		"`flowc deploy --env dev "+spec+"` deletes it and creates it again (after confirmation)")
	if strings.Count(errOut, "first failure") != 1 {
		t.Errorf("more than the first failure:\n%s", errOut)
	}
	if _, err := s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("acme-flights-landing-dev")}); err != nil {
		t.Fatal(err)
	}

	// Without a terminal and without --yes the replacement is refused.
	out, errOut = flowcExit(t, 2, "deploy", "--env", "dev", spec)
	contains(t, "rollback report", out, "Stack flights-dev is in ROLLBACK_COMPLETE: its creation failed (first failure: BucketAcmeFlightsLandingDev (AWS::S3::Bucket) CREATE_FAILED:",
		"It has to be deleted before it can be created again.")
	contains(t, "refusal", errOut, "refusing to deploy without confirmation")

	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	contains(t, "replacement", out, "is in ROLLBACK_COMPLETE", "DELETE_COMPLETE", "Deleted stack flights-dev.",
		"Stack flights-dev: CREATE_COMPLETE", "Outputs:", "StateMachineArn = arn:aws:states:us-east-1:123456789012:stateMachine:flights-dev")
	if i, j := strings.Index(out, "Deleted stack"), strings.Index(out, "CREATE_COMPLETE"); i < 0 || j < i {
		t.Errorf("not deleted before created:\n%s", out)
	}

	// An update adding a bucket whose name is taken rolls back.
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-reference-dev")}); err != nil {
		t.Fatal(err)
	}
	moved := exampleSpec(t, "location: s3://${params.landing_bucket}/reference/airports/", "location: s3://acme-reference-dev/airports/")
	out, errOut = flowcExit(t, 2, "deploy", "--env", "dev", "--yes", moved)
	contains(t, "failed update", out, "~ source airports moved from s3://acme-flights-landing-dev/reference/airports/ to s3://acme-reference-dev/airports/",
		"+ data bucket acme-reference-dev", "UPDATE_ROLLBACK_COMPLETE")
	contains(t, "failed update", errOut, "stack flights-dev failed: UPDATE_ROLLBACK_COMPLETE",
		"first failure: BucketAcmeReferenceDev (AWS::S3::Bucket) ", "rolled back to its previous state")
	out, _ = flowcExit(t, 0, "diff", "--env", "dev", "--exit-code", spec)
	contains(t, "diff after the rollback", out, "No changes.")
}

// TestEndToEnd deploys the example and runs it as S3 would: a CSV object
// under the landing prefix starts an execution that succeeds and publishes
// the success message; with the Glue job tagged to fail, the next object's
// run fails and publishes the failure message.
func TestEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, spec, out := deployedExample(t)
	args := []string{"deploy", "--env", "dev", "--yes"}
	contains(t, "deploy", out, "CREATE_COMPLETE", "AWS::Glue::Job", "TableDelayedFlightsFactJob", "StateMachineArn = ")
	// The emulator answers an unchanged template as AWS does: a FAILED change set.
	out, _ = flowcExit(t, 0, append(args, spec)...)
	contains(t, "redeploy", out, "No changes: stack flights-dev is up to date.")

	cfg := srv.Config()
	s3c, sfnc, gluec := s3Of(srv), sfn.NewFromConfig(cfg), glue.NewFromConfig(cfg)
	land := func(day string) { t.Helper(); landDay(ctx, t, s3c, day) }
	finished := func(n int) sfntypes.ExecutionListItem { t.Helper(); return finishedRuns(ctx, t, srv, sfnc, n) }
	land("01")
	ex := finished(1)
	if ex.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("first run: %s\n%s", ex.Status, describe(ctx, t, sfnc, ex))
	}
	in := describe(ctx, t, sfnc, ex)
	contains(t, "execution input", in, `"key": "raw/flights/year=2001/month=01/day=01/flights.csv"`)
	contains(t, "published", strings.Join(published(t, srv), "\n"), "year=2001/month=01/day=01 succeeded")

	job := "arn:aws:glue:us-east-1:123456789012:job/flights-dev-delayed-flights-fact"
	if _, err := gluec.TagResource(ctx, &glue.TagResourceInput{ResourceArn: &job, TagsToAdd: map[string]string{"moto-test-outcome": "FAILED"}}); err != nil {
		t.Fatal(err)
	}
	land("02")
	ex = finished(2)
	if ex.Status != sfntypes.ExecutionStatusFailed {
		t.Fatalf("second run: %s, want FAILED\n%s", ex.Status, describe(ctx, t, sfnc, ex))
	}
	msgs := strings.Join(published(t, srv), "\n")
	contains(t, "published", msgs, "day=02", "failed")
}

// deployedExample starts the pipeline emulator, points the SDK at it and
// deploys the example's dev environment (settle window 1s) and creates
// the catalog tables as Glue would; it returns the server, the spec
// and the deploy's output.
func deployedExample(t *testing.T) (*deploytest.Server, string, string) {
	t.Helper()
	srv := deploytest.Pipeline(t)
	srv.SetEnv(t)
	// A settle window of one second: the emulator's Wait states sleep.
	spec := exampleSpec(t, "trigger: on_arrival ", "trigger: {on_arrival: {settle_seconds: 1, max_wait_seconds: 60}} ")
	out, _ := flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	srv.CreateCatalogTables(t, builtTemplate(t, spec), "flights_dev")
	return srv, spec, out
}

// exampleMachine is the example's state machine on the emulator.
const exampleMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:flights-dev"

// landDay drops the example's flights file of a day of January 2001 where
// the dev environment's source reads it.
func landDay(ctx context.Context, t *testing.T, s3c *s3.Client, day string) {
	t.Helper()
	part := filepath.Join("year=2001", "month=01", "day="+day, "flights.csv")
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "data", "flights", part))
	if err != nil { // the shared data set beside the repository
		data, err = os.ReadFile(filepath.Join(repoRoot(t), "..", "shared", "data", "flights", "landing", part))
	}
	if err != nil {
		t.Skipf("no flight data for day %s: %v", day, err)
	}
	key := "raw/flights/year=2001/month=01/day=" + day + "/flights.csv"
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-flights-landing-dev"), Key: &key, Body: strings.NewReader(string(data))}); err != nil {
		t.Fatal(err)
	}
}

// finishedRuns waits until the example's state machine has n finished
// executions and returns the newest.
func finishedRuns(ctx context.Context, t *testing.T, srv *deploytest.Server, sfnc *sfn.Client, n int) sfntypes.ExecutionListItem {
	t.Helper()
	machine := exampleMachine
	for ctx.Err() == nil {
		list, err := sfnc.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &machine})
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, e := range list.Executions {
			if e.Status != sfntypes.ExecutionStatusRunning {
				done++
			}
		}
		if len(list.Executions) >= n && done >= n {
			return list.Executions[0] // newest first
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("execution %d did not finish:\n%s", n, srv.Log())
	return sfntypes.ExecutionListItem{}
}

// builtTemplate is the dev template flowc builds from spec.
func builtTemplate(t *testing.T, spec string) []byte {
	dir := t.TempDir()
	flowcExit(t, 0, "build", "--env", "dev", "--out", dir, spec)
	b, err := os.ReadFile(filepath.Join(dir, "template.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func describe(ctx context.Context, t *testing.T, c *sfn.Client, ex sfntypes.ExecutionListItem) string {
	t.Helper()
	d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	return "input: " + aws.ToString(d.Input) + "\nerror: " + aws.ToString(d.Error) + "\ncause: " + aws.ToString(d.Cause)
}

// published lists the messages SNS sent, as "topic: subject: message".
func published(t *testing.T, srv *deploytest.Server) []string {
	t.Helper()
	ns, err := srv.Published(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, n := range ns {
		msgs = append(msgs, n.TopicName+": "+n.Subject+": "+n.Message)
	}
	return msgs
}

// TestDeployNestedSources deploys a pipeline whose sources are in nested
// stacks (240 sources, each with its own table: the nested_sources build
// case): the root and its 32 nested stacks are created, `flowc diff` then
// finds no change, and with a source and its table added it shows the new
// catalog table and rule inside their nested stack of sources and the
// job in its nested stack of jobs.
func TestDeployNestedSources(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys 33 stacks")
	}
	srv := deploytest.Pipeline(t)
	srv.SetEnv(t)
	dir := t.TempDir()
	spec, grown := filepath.Join(dir, "wide.yaml"), filepath.Join(dir, "wide241.yaml")
	for p, n := range map[string]int{spec: 240, grown: 241} {
		if err := os.WriteFile(p, []byte(genSourcesSpec("wide", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	contains(t, "deploy", out, "+ sources-", "/SourceS000Rule", "AWS::Events::Rule", "StackSources00", "Stack wide-dev: CREATE_COMPLETE")
	cfc := cloudformation.NewFromConfig(srv.Config())
	st, err := cfc.ListStacks(context.Background(), &cloudformation.ListStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	nested := 0
	for _, s := range st.StackSummaries {
		if strings.HasPrefix(aws.ToString(s.StackName), "wide-dev-Stack") && s.StackStatus == cfntypes.StackStatusCreateComplete {
			nested++
		}
	}
	if nested != 32 {
		t.Errorf("%d nested stacks created, want 32", nested)
	}
	out, _ = flowcExit(t, 0, "diff", "--env", "dev", spec)
	contains(t, "diff of the deployed spec", out, "No changes.")
	out, _ = flowcExit(t, 0, "diff", "--env", "dev", grown)
	contains(t, "diff with a source added", out, "/SourceS240Table", "/SourceS240Rule", "/TableT240Job")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "SourceS240") && !strings.Contains(line, "sources-") {
			t.Errorf("the new source's resource is not in a nested stack of sources: %s", line)
		}
	}
}
