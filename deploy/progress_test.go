package deploy

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// Moto finishes every stack operation within the API call, so these tests
// put a fault proxy in front of it that reports the stack as busy.

// TestWaitsForOperationInProgress: a deploy that finds an operation in
// progress waits for it (with progress) and then deploys.
func TestWaitsForOperationInProgress(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	ctx := context.Background()
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	out.Reset()
	f.Hold("UPDATE_IN_PROGRESS", 4)
	res, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{})
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	mustContain(t, "output", out.String(),
		"Stack flights-dev has an operation in progress (UPDATE_IN_PROGRESS); waiting for it to finish before deploying.",
		"Stack flights-dev is now CREATE_COMPLETE.",
		"UPDATE_COMPLETE")
	if res.Status != "UPDATE_COMPLETE" {
		t.Errorf("status %s", res.Status)
	}
}

// TestRefusesOperationInProgress: when the operation in progress does not
// finish within MaxWait, the deploy is refused with a clear message and
// nothing is changed.
func TestRefusesOperationInProgress(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	ctx := context.Background()
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	d.opt.MaxWait = 300 * time.Millisecond
	f.Hold("UPDATE_ROLLBACK_IN_PROGRESS", -1)
	before := f.Requests("CreateChangeSet")
	_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{})
	if err == nil {
		t.Fatal("deploy went ahead while an operation was in progress")
	}
	mustContain(t, "error", err.Error(), "refusing to deploy: stack flights-dev still has an operation in progress",
		"UPDATE_ROLLBACK_IN_PROGRESS", "try again when it has finished")
	if f.Requests("CreateChangeSet") != before {
		t.Error("a change set was created")
	}
}

// TestCancelWhileWaitingForOtherOperation: Ctrl-C while waiting for someone
// else's operation changes nothing and says how to resume.
func TestCancelWhileWaitingForOtherOperation(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	if _, err := d.Deploy(context.Background(), loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	f.Hold("UPDATE_IN_PROGRESS", -1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{Again: "flowc deploy --env dev flights.yaml"})
	var c *Cancelled
	if !errors.As(err, &c) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want Cancelled", err)
	}
	mustContain(t, "message", err.Error(), "interrupted while waiting for the operation in progress on stack flights-dev",
		"flowc changed nothing", "Run `flowc deploy --env dev flights.yaml` again")
	f.Release()
	if got := stackStatus(t, srv.URL, "flights-dev"); got != "CREATE_COMPLETE" {
		t.Errorf("stack is %s after the cancelled deploy", got)
	}
}

// TestCancelWhileDeploying: Ctrl-C after the change set was executed stops
// waiting; the deploy goes on in CloudFormation, and the message says how
// to follow it and that a new deploy waits for it.
func TestCancelWhileDeploying(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	if _, err := d.Deploy(context.Background(), loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	f.HoldAfter("ExecuteChangeSet", "UPDATE_IN_PROGRESS", -1)
	executed := f.Requests("ExecuteChangeSet")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{Again: "flowc deploy --env dev flights.yaml"})
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for f.Requests("ExecuteChangeSet") == executed && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	err := <-done
	var c *Cancelled
	if !errors.As(err, &c) {
		t.Fatalf("err = %v, want Cancelled\n%s", err, out.String())
	}
	mustContain(t, "message", err.Error(), "interrupted while waiting for stack flights-dev", "The deploy goes on in AWS",
		"aws cloudformation describe-stack-events --stack-name flights-dev", "`flowc deploy --env dev flights.yaml` again")
	f.Release()
	if got := stackStatus(t, srv.URL, "flights-dev"); got != "UPDATE_COMPLETE" {
		t.Errorf("stack is %s; the executed change set should have completed", got)
	}
}

// TestCancelAtPrompt: Ctrl-C (or "no") at the confirmation deletes the
// change set and, for a new stack, the empty stack CloudFormation made.
func TestCancelAtPrompt(t *testing.T) {
	srv := deploytest.Moto(t)
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	res, err := d.Deploy(context.Background(), loadTree(t, "testdata/trees/base"), DeployOptions{
		Confirm: func(q string) (bool, error) {
			if !strings.Contains(q, "Deploy these changes to stack flights-dev?") {
				t.Errorf("question %q", q)
			}
			return false, nil
		},
	})
	if err != nil || !res.Declined {
		t.Fatalf("res %+v err %v", res, err)
	}
	mustContain(t, "output", out.String(), "Not deployed; nothing was changed.")
	st, err := d.describeStack(context.Background(), "flights-dev")
	if err != nil || st != nil {
		t.Errorf("a stack was left behind: %+v %v", st, err)
	}
}

// TestRollbackShowsFirstFailure (moto-pipeline): a failed create rolls back
// and the error names the resource that failed first, not the cascade. The
// emulator reports a nested stack's failure on the nested stack resource
// (with the inner reason and no physical ID), so that is the first failure.
func TestRollbackShowsFirstFailure(t *testing.T) {
	srv := deploytest.Pipeline(t)
	ctx := context.Background()
	if _, err := s3Client(srv.URL).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-taken")}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/nested-fail"), DeployOptions{Again: "flowc deploy --env dev flights.yaml"})
	var f *failed
	if !errors.As(err, &f) {
		t.Fatalf("err = %v, want Failed\n%s", err, out.String())
	}
	if f.Status != "ROLLBACK_COMPLETE" || f.First == nil || f.First.LogicalID != "StackTables" {
		t.Fatalf("failure %+v (first %+v)\n%s", f, f.First, out.String())
	}
	mustContain(t, "error", err.Error(), "stack flights-dev failed: ROLLBACK_COMPLETE", "first failure: StackTables (AWS::CloudFormation::Stack) CREATE_FAILED: The requested bucket name is not available")
	if strings.Count(err.Error(), "CREATE_FAILED") != 1 {
		t.Errorf("more than the first failure: %v", err)
	}
	mustContain(t, "progress", out.String(), "CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE")
}

// TestNoAnswerWhileWatchingDeploy: when CloudFormation stops answering after
// the change set was executed, the error says the deploy goes on in AWS and
// how to follow it, instead of only "no answer".
func TestNoAnswerWhileWatchingDeploy(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	ctx := context.Background()
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	// The timeout must be long enough for every answered call of the
	// deploy (a loaded machine's moto took more than 200 ms for one, and the
	// test failed before the silence): only the silenced calls reach it.
	d = New(NewClients((&deploytest.Server{URL: f.URL}).Config(), ClientOptions{PathStyle: true, Timeout: 2 * time.Second}),
		Options{Out: &out, Err: &out, Poll: 20 * time.Millisecond, PlainHTTP: true})
	f.SilenceAfter("ExecuteChangeSet", "DescribeStacks")
	_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{Again: "flowc deploy spec.yaml --env dev"})
	if err == nil {
		t.Fatalf("deploy succeeded without an answer:\n%s", out.String())
	}
	mustContain(t, "error", err.Error(), "no answer from", "The deploy goes on in AWS",
		"describe-stack-events --stack-name flights-dev", "flowc deploy spec.yaml --env dev")
}
