package deploy

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/flowc-dev/flowc/deploy/deploytest"
	"github.com/flowc-dev/flowc/layout"
)

// TestExistingBucketEvents: a source bucket that exists outside the stack
// (bucket: existing) and already notifies an SQS queue keeps that queue
// configuration, byte for byte, and gains EventBridge when the stack is
// deployed; the plan (and flowc diff) says so beforehand, a second deploy
// finds it on and changes nothing, and destroy leaves it on. On the
// moto-pipeline emulator: stock moto 5.2.1 stores EventBridgeConfiguration
// but never returns it from GetBucketNotificationConfiguration (its patch
// P10).
func TestExistingBucketEvents(t *testing.T) {
	srv := deploytest.Pipeline(t)
	ctx := context.Background()
	s3c := s3Client(srv.URL)
	bucket := "landing-existing"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	queue := s3types.QueueConfiguration{
		Id:       aws.String("to-ingest"),
		QueueArn: aws.String("arn:aws:sqs:" + deploytest.Region + ":" + deploytest.Account + ":ingest"),
		Events:   []s3types.Event{"s3:ObjectCreated:*"},
		Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{
			{Name: s3types.FilterRuleNamePrefix, Value: aws.String("incoming/")},
		}}},
	}
	_, err := s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket:                    &bucket,
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{queue}},
		SkipDestinationValidation: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	b.EventBuckets = []string{bucket}

	plan, err := d.Diff(ctx, b, nil)
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	mustContain(t, "diff notes", strings.Join(plan.Notes, "\n"), "turns on EventBridge notifications of existing bucket "+bucket)

	if _, err := d.Deploy(ctx, b, DeployOptions{}); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	mustContain(t, "deploy output", out.String(),
		"after the stack update, flowc deploy turns on EventBridge notifications of existing bucket "+bucket, // the plan, before the confirmation
		"Turned on EventBridge notifications of existing bucket "+bucket+" (its 1 other notification configuration(s) kept)",
		"about five minutes", "consider a lifecycle rule expiring noncurrent versions")
	got, err := s3c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	if got.EventBridgeConfiguration == nil {
		t.Errorf("EventBridge notifications are off after the deploy")
	}
	if len(got.QueueConfigurations) != 1 {
		t.Fatalf("queue configurations after the deploy: %+v", got.QueueConfigurations)
	}
	q := got.QueueConfigurations[0]
	if aws.ToString(q.Id) != "to-ingest" || aws.ToString(q.QueueArn) != aws.ToString(queue.QueueArn) || len(q.Events) != 1 || q.Events[0] != "s3:ObjectCreated:*" ||
		q.Filter == nil || len(q.Filter.Key.FilterRules) != 1 || aws.ToString(q.Filter.Key.FilterRules[0].Value) != "incoming/" {
		t.Errorf("the queue configuration changed: %+v", q)
	}

	out.Reset()
	if _, err := d.Deploy(ctx, b, DeployOptions{}); err != nil {
		t.Fatalf("second deploy: %v\n%s", err, out.String())
	}
	mustContain(t, "second deploy output", out.String(), "Existing bucket "+bucket+" already sends its events to EventBridge")

	out.Reset()
	if _, err := d.Destroy(ctx, b, DeployOptions{}); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out.String())
	}
	mustContain(t, "destroy output", out.String(), "Existing bucket "+bucket+" is not part of the stack", "stay on")
	if got, err := s3c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &bucket}); err != nil || got.EventBridgeConfiguration == nil || len(got.QueueConfigurations) != 1 {
		t.Errorf("after destroy: %+v %v", got, err)
	}
}

// TestExistingBucketMissing: bucket: existing on a bucket that is not
// there fails before anything changes, saying what to do.
func TestExistingBucketMissing(t *testing.T) {
	srv := deploytest.Moto(t)
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	b.EventBuckets = []string{"no-such-landing"}
	_, err := d.Deploy(context.Background(), b, DeployOptions{})
	if err == nil || !strings.Contains(err.Error(), "bucket: existing") {
		t.Fatalf("want an error naming bucket: existing, got %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "CREATE_COMPLETE") {
		t.Errorf("the stack was deployed:\n%s", out.String())
	}
}

// TestAssetBucketTmpLifecycle: the deploy adds the rule flowc-tmp
// (flowc/tmp/, 3 days) to the asset bucket once, keeping a rule someone
// else put there, and a second deploy leaves the rules as they are.
func TestAssetBucketTmpLifecycle(t *testing.T) {
	srv := deploytest.Moto(t)
	ctx := context.Background()
	s3c := s3Client(srv.URL)
	bucket := assetBucketName(deploytest.Account, deploytest.Region)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	theirs := s3types.LifecycleRule{
		ID: aws.String("team-archive"), Status: s3types.ExpirationStatusEnabled,
		Filter:     &s3types.LifecycleRuleFilter{Prefix: aws.String("archive/")},
		Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(400)},
	}
	if _, err := s3c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: &bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{theirs}},
	}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	d := testDeployer(t, srv.URL, &out, Options{})
	b := loadTree(t, "testdata/trees/base")
	rules := func() map[string]s3types.LifecycleRule {
		t.Helper()
		got, err := s3c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &bucket})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]s3types.LifecycleRule{}
		for _, r := range got.Rules {
			if _, dup := m[aws.ToString(r.ID)]; dup {
				t.Errorf("rule %s twice", aws.ToString(r.ID))
			}
			m[aws.ToString(r.ID)] = r
		}
		return m
	}
	for i := 0; i < 2; i++ {
		out.Reset()
		if _, err := d.Deploy(ctx, b, DeployOptions{}); err != nil {
			t.Fatalf("deploy %d: %v\n%s", i, err, out.String())
		}
		if added := strings.Contains(out.String(), "Added lifecycle rule flowc-tmp"); added != (i == 0) {
			t.Errorf("deploy %d: rule added: %v\n%s", i, added, out.String())
		}
		m := rules()
		if len(m) != 2 {
			t.Fatalf("deploy %d: rules %v", i, m)
		}
		tmp, ok := m[tmpRuleID]
		if !ok || tmp.Filter == nil || aws.ToString(tmp.Filter.Prefix) != layout.TempPrefix || tmp.Expiration == nil || aws.ToInt32(tmp.Expiration.Days) != 3 || tmp.Status != s3types.ExpirationStatusEnabled {
			t.Errorf("deploy %d: rule flowc-tmp %+v", i, tmp)
		}
		if r, ok := m["team-archive"]; !ok || aws.ToString(r.Filter.Prefix) != "archive/" || aws.ToInt32(r.Expiration.Days) != 400 {
			t.Errorf("deploy %d: their rule changed: %+v", i, r)
		}
	}
}

// TestDiffOfflineNotesExistingBucket: an offline diff, which calls no AWS
// API, still says that the deploy sees to an existing bucket's EventBridge
// notifications.
func TestDiffOfflineNotesExistingBucket(t *testing.T) {
	b := loadTree(t, "testdata/trees/base")
	b.EventBuckets = []string{"landing-existing"}
	plan, err := DiffOffline(b, b.FileMap(), "before")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "offline notes", strings.Join(plan.Notes, "\n"), "flowc deploy makes sure existing bucket landing-existing sends its events to EventBridge")
}
