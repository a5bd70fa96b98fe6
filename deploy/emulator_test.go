package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/deploy/deploytest"
	"github.com/flowc-dev/flowc/layout"
)

// testDeployer is a Deployer on an emulator (or a fault proxy in front of
// it) that polls quickly, with its output in buf.
func testDeployer(t *testing.T, url string, buf *bytes.Buffer, opt Options) *Deployer {
	t.Helper()
	cfg := (&deploytest.Server{URL: url}).Config()
	opt.Out, opt.Err = buf, buf
	if opt.Poll == 0 {
		opt.Poll = 20 * time.Millisecond
	}
	opt.PlainHTTP = true
	return New(NewClients(cfg, ClientOptions{PathStyle: true}), opt)
}

func cfnClient(url string) *cloudformation.Client {
	return cloudformation.NewFromConfig((&deploytest.Server{URL: url}).Config())
}

func s3Client(url string) *s3.Client {
	return s3.NewFromConfig((&deploytest.Server{URL: url}).Config(), func(o *s3.Options) { o.UsePathStyle = true })
}

func stackStatus(t *testing.T, url, stack string) string {
	t.Helper()
	out, err := cfnClient(url).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: &stack})
	if err != nil {
		t.Fatalf("describe %s: %v", stack, err)
	}
	return string(out.Stacks[0].StackStatus)
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// TestAssetBucket: the first deploy creates the asset bucket encrypted and
// closed to the public, uploads the assets under content-addressed keys,
// and the next deploy skips what is there.
func TestAssetBucket(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	if _, err := d.Deploy(ctx, b, DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	bucket := assetBucketName(deploytest.Account, deploytest.Region)
	mustContain(t, "output", out.String(), "Created asset bucket "+bucket, "Assets: 2 uploaded, 0 already", "CREATE_COMPLETE")
	s3c := s3Client(srv.URL)
	enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0 {
		t.Errorf("asset bucket encryption: %v", err)
	}
	pab, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Errorf("asset bucket public access block: %+v %v", pab, err)
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &b.Assets[0].Key})
	if err != nil {
		t.Fatalf("asset %s: %v", b.Assets[0].Key, err)
	}
	got, _ := io.ReadAll(obj.Body)
	if !bytes.Equal(got, b.File(b.Assets[0].Path)) {
		t.Errorf("asset %s holds other bytes", b.Assets[0].Key)
	}

	out.Reset()
	b2 := loadTree(t, "testdata/trees/column")
	if _, err := d.Deploy(ctx, b2, DeployOptions{}); err != nil {
		t.Fatalf("update: %v\n%s", err, out.String())
	}
	// The table words come from the deployed description, read back from the asset bucket.
	mustContain(t, "update output", out.String(), "Assets: 2 uploaded, 0 already", "~ table delayed_flights_fact: + column distance integer (additive)")
	if strings.Contains(out.String(), "Created asset bucket") {
		t.Errorf("the asset bucket was created twice:\n%s", out.String())
	}
	out.Reset()
	// Back to base drops the column: a destructive change, allowed here.
	if res, err := d.Deploy(ctx, b, DeployOptions{AllowDestructive: []string{"delayed_flights_fact"}}); err != nil || res.NoChanges {
		t.Fatalf("back to base: %v %+v", err, res)
	}
	mustContain(t, "third output", out.String(), "Assets: 0 uploaded, 2 already", "~ table delayed_flights_fact: - column distance integer (destructive: drop)")
}

// TestDeployRefusesDestructive: a deploy whose table change is destructive
// (integer -> varchar(8)) and allowed neither by the spec nor by
// --allow-destructive fails naming the table and the column, and leaves
// the stack as it was; the flag, or the spec's on_destructive_change:
// allow, lets it through.
func TestDeployRefusesDestructive(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column"), DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	before := stackTemplate(ctx, t, srv.URL)
	retype := loadTree(t, "testdata/trees/retype")
	_, err := d.Deploy(ctx, retype, DeployOptions{AllowDestructive: []string{"other_table"}})
	var refused *evolve.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("deploy of a destructive change: err = %v\n%s", err, out.String())
	}
	mustContain(t, "refusal", err.Error(), "table delayed_flights_fact", "column delay integer -> varchar(8) (destructive: rebuild)", "--allow-destructive delayed_flights_fact")
	if strings.Contains(err.Error(), "dep_airport") {
		t.Errorf("the refusal names the in-place change: %v", err)
	}
	if after := stackTemplate(ctx, t, srv.URL); after != before {
		t.Error("the refused deploy changed the stack")
	}

	if _, err := d.Deploy(ctx, retype, DeployOptions{AllowDestructive: []string{"delayed_flights_fact"}}); err != nil {
		t.Fatalf("deploy with --allow-destructive: %v\n%s", err, out.String())
	}
	// The spec's allow: back to integer, the table allowing it.
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/column-allow"), DeployOptions{}); err != nil {
		t.Fatalf("deploy allowed by the spec: %v\n%s", err, out.String())
	}
}

// stackTemplate is the deployed template of the test stack.
func stackTemplate(ctx context.Context, t *testing.T, url string) string {
	t.Helper()
	got, err := cfnClient(url).GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("flights-dev")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(got.TemplateBody)
}

// TestDeployedDescription: the table words against a deployed stack come
// from the description its template points at; a stack deployed by an
// older flowc (no pointer) and a description gone from the asset bucket
// each give one note and no table words.
func TestDeployedDescription(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	if _, err := d.Deploy(ctx, olderFlowc(t, loadTree(t, "testdata/trees/base")), DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	column := loadTree(t, "testdata/trees/column")
	plan, err := d.Diff(ctx, column, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := renderText(plan)
	mustContain(t, "diff against an older flowc's stack", text, "~ source flights gained column distance int",
		"the deployed stack has no pipeline description (deployed by an older flowc); table changes are shown after the next deploy")
	if strings.Contains(text, "table delayed_flights_fact") {
		t.Errorf("table words without a deployed description:\n%s", text)
	}

	if _, err := d.Deploy(ctx, column, DeployOptions{}); err != nil {
		t.Fatalf("deploy column: %v\n%s", err, out.String())
	}
	var key string
	for _, a := range column.Assets {
		if a.Path == layout.DescriptionPath {
			key = a.Key
		}
	}
	bucket := assetBucketName(deploytest.Account, deploytest.Region)
	if _, err := s3Client(srv.URL).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
		t.Fatal(err)
	}
	if plan, err = d.Diff(ctx, loadTree(t, "testdata/trees/base"), nil); err != nil {
		t.Fatal(err)
	}
	text = renderText(plan)
	mustContain(t, "diff with the description gone", text, "~ source flights lost column distance int",
		"the deployed pipeline description (s3://"+bucket+"/"+key+") is no longer in the asset bucket; table changes are not shown")
	if strings.Contains(text, "table delayed_flights_fact") {
		t.Errorf("table words without a deployed description:\n%s", text)
	}
}

// TestTLSOnlyPolicy: on a TLS endpoint (real S3) the asset bucket denies
// plain-http requests. The emulator speaks http, so the policy is checked
// as a document and by the emulator refusing plain http once it is set.
func TestTLSOnlyPolicy(t *testing.T) {
	p := tlsOnlyPolicy("aws", "b")
	mustContain(t, "policy", p, `"aws:SecureTransport":"false"`, `"Effect":"Deny"`, `"arn:aws:s3:::b/*"`)
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	d.opt.PlainHTTP = false
	id := Identity{Account: deploytest.Account, Partition: "aws"}
	bucket := assetBucketName(id.Account, deploytest.Region)
	if err := d.ensureAssetBucket(ctx, id, deploytest.Region, bucket); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "output", out.String(), "TLS only")
	var n published
	err := d.putAsset(ctx, bucket, "flowc/assets/x.py", []byte("x"), &n)
	if err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("plain http to a TLS-only bucket: err = %v, want Forbidden", err)
	}
}

// TestLargeTemplate: a template over 51,200 bytes is uploaded to the asset
// bucket and deployed from its URL.
func TestLargeTemplate(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	body := b.Template()
	pad := fmt.Sprintf(`"padding": %q,`, strings.Repeat("x", layout.MaxTemplateInline))
	big := bytes.Replace(body, []byte(`"flowc": {`), []byte(pad+"\n    \"flowc\": {"), 1)
	for i := range b.Files {
		if b.Files[i].Path == layout.TemplatePath {
			b.Files[i].Data = big
		}
	}
	if _, err := d.Deploy(ctx, b, DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	key := templateKey(big)
	mustContain(t, "output", out.String(), "over CloudFormation's 51200-byte inline limit", key, "CREATE_COMPLETE")
	got, err := cfnClient(srv.URL).GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(b.Stack)})
	if err != nil || aws.ToString(got.TemplateBody) != string(big) {
		t.Errorf("deployed template differs from the uploaded one (err %v)", err)
	}
}

// TestNestedStacks: nested templates are assets; the root refers to them by
// URL and needs CAPABILITY_AUTO_EXPAND.
func TestNestedStacks(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	if _, err := d.Deploy(ctx, loadTree(t, "testdata/trees/nested"), DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	mustContain(t, "output", out.String(), "Assets: 3 uploaded", "CREATE_COMPLETE")
	out.Reset()
	plan, err := d.Diff(ctx, loadTree(t, "testdata/trees/nested2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := renderText(plan)
	mustContain(t, "nested diff", text, "~ StackTables", "tables/TableDelayedFlightsFactJob  AWS::Glue::Job  REPLACED", `Name: "flights-dev-delayed-flights-fact" -> "flights-dev-delayed"  [requires replacement]`)
}

// TestAccountGuard: an environment guarded to another account is refused
// before anything is created.
func TestAccountGuard(t *testing.T) {
	srv := deploytest.Moto(t)
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	b.Account = "111111111111"
	for name, call := range map[string]func() error{
		"deploy":  func() error { _, err := d.Deploy(context.Background(), b, DeployOptions{}); return err },
		"diff":    func() error { _, err := d.Diff(context.Background(), b, nil); return err },
		"destroy": func() error { _, err := d.Destroy(context.Background(), b, DeployOptions{}); return err },
	} {
		var ge *guardError
		if err := call(); !errors.As(err, &ge) {
			t.Errorf("%s: err = %v, want a GuardError", name, err)
		} else {
			mustContain(t, name, err.Error(), "account 111111111111", "account 123456789012", "refusing")
		}
	}
	if strings.Contains(out.String(), "asset bucket") {
		t.Errorf("something was created despite the guard:\n%s", out.String())
	}
}

// TestThrottling: throttled calls are retried with backoff and the deploy
// succeeds.
func TestThrottling(t *testing.T) {
	srv := deploytest.Moto(t)
	f := deploytest.NewFaults(t, srv)
	var out bytes.Buffer
	d := testDeployer(t, f.URL, &out, Options{})
	want := map[string]int{"GetCallerIdentity": 1, "CreateChangeSet": 2, "DescribeStacks": 2, "ExecuteChangeSet": 1}
	for action, n := range want {
		f.Throttle(action, n)
	}
	if _, err := d.Deploy(context.Background(), loadTree(t, "testdata/trees/base"), DeployOptions{}); err != nil {
		t.Fatalf("deploy under throttling: %v\n%s", err, out.String())
	}
	for action, n := range want {
		if got := f.Throttled(action); got != n {
			t.Errorf("%s throttled %d times, want %d", action, got, n)
		}
	}
	if got := stackStatus(t, srv.URL, "flights-dev"); got != "CREATE_COMPLETE" {
		t.Errorf("stack is %s", got)
	}
}

// TestThrottlingGivesUp: the retryer tries maxAttempts times; throttling
// that outlasts it is an error that says what happened and what to do.
func TestThrottlingGivesUp(t *testing.T) {
	if got := retryer().MaxAttempts(); got != maxAttempts {
		t.Errorf("retryer tries %d times, want %d", got, maxAttempts)
	}
	api := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	err := awsErr(&smithy.OperationError{ServiceID: "CloudFormation", OperationName: "DescribeStacks", Err: api})
	mustContain(t, "error", err.Error(), "CloudFormation DescribeStacks: Rate exceeded (Throttling)", "try again in a minute")
}

// TestExecuteFailsOnStockMoto: stock moto fails ExecuteChangeSet itself
// when a resource cannot be created (no rollback); the error is AWS's
// message, cleanly.
func TestExecuteFailsOnStockMoto(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	if _, err := s3Client(srv.URL).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-flights-landing-dev")}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	_, err := d.Deploy(ctx, loadTree(t, "testdata/trees/base"), DeployOptions{})
	if err == nil {
		t.Fatal("deploy succeeded")
	}
	mustContain(t, "error", err.Error(), "executing change set: CloudFormation ExecuteChangeSet: The requested bucket name is not available", "(BucketAlreadyExists)")
}

// TestNoChangesBothWays: an unchanged deploy is "no changes" whether the
// service refuses the change set ("No updates are to be performed.", stock
// moto) or creates it FAILED ("didn't contain changes", AWS and the
// moto-pipeline server), which flowc then deletes.
func TestNoChangesBothWays(t *testing.T) {
	for name, start := range map[string]func(testing.TB) *deploytest.Server{"stock": deploytest.Moto, "pipeline": deploytest.Pipeline} {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			f := deploytest.NewFaults(t, srv)
			var out bytes.Buffer
			d := testDeployer(t, f.URL, &out, Options{})
			b := loadTree(t, "testdata/trees/base")
			if _, err := d.Deploy(context.Background(), b, DeployOptions{}); err != nil {
				t.Fatalf("deploy: %v\n%s", err, out.String())
			}
			described, deleted := f.Requests("DescribeChangeSet"), f.Requests("DeleteChangeSet")
			res, err := d.Deploy(context.Background(), b, DeployOptions{})
			if err != nil || !res.NoChanges {
				t.Fatalf("redeploy: %+v %v\n%s", res, err, out.String())
			}
			mustContain(t, "output", out.String(), "No changes: stack flights-dev is up to date.")
			refused := f.Requests("DescribeChangeSet") == described
			if want := name == "stock"; refused != want {
				t.Errorf("CreateChangeSet refused: %v, want %v", refused, want)
			}
			if !refused && f.Requests("DeleteChangeSet") != deleted+1 {
				t.Errorf("the FAILED change set was not deleted")
			}
		})
	}
}
