package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/flowc-dev/flowc/layout"
)

// Buckets the stack does not own (issue 16, AWS details D1 and D6).
//
// A source bucket that exists outside the pipeline (bucket: existing)
// sends its object events to EventBridge only when its notification
// configuration says so ("Unlike other destinations, delivery of events to
// EventBridge can be either enabled or disabled for a bucket",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-eventbridgeconfiguration.html),
// and the stack cannot say it for a bucket it does not own. So the deploy
// turns it on after the stack update. PutBucketNotificationConfiguration
// "replaces the existing notification configuration with the configuration
// you include in the request body"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html):
// the deploy reads the configuration first and puts it back whole, with
// EventBridgeConfiguration added. "After you enable EventBridge, it takes
// around five minutes for the changes to take effect"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html).
// Nothing turns it off again: other consumers of the bucket's events may
// rely on it.
//
// The asset bucket, which flowc deploy creates and shares between the
// pipelines of an account and region, holds the Glue jobs' TempDirs under
// flowc/tmp/; the Redshift connector writes its temporary files there and
// never deletes them. The deploy adds the lifecycle rule flowc-tmp
// (expire after tmpExpireDays) by its ID: PutBucketLifecycleConfiguration
// "creates a new lifecycle configuration for the bucket or replaces an
// existing lifecycle configuration"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html),
// so it reads the rules first and puts them back with its own added.

// tmpRuleID is the ID of the asset bucket's lifecycle rule for the TempDirs.
const tmpRuleID = "flowc-tmp"

// tmpExpireDays is how long the Glue jobs' temporary files are kept: a
// run's files are read back within the run (at most the Glue timeout).
const tmpExpireDays = 3

// eventsOn reports whether a bucket's notification configuration sends
// its events to EventBridge, with the configuration as read.
func (d *Deployer) eventsOn(ctx context.Context, id Identity, bucket string) (bool, *s3.GetBucketNotificationConfigurationOutput, error) {
	out, err := d.c.S3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &bucket, ExpectedBucketOwner: &id.Account})
	if err != nil {
		return false, nil, bucketErr(bucket, "reading the notification configuration of", "s3:GetBucketNotification", err)
	}
	return out.EventBridgeConfiguration != nil, out, nil
}

// bucketErr explains a failed call on a bucket flowc does not own.
func bucketErr(bucket, doing, permission string, err error) error {
	switch errCode(err) {
	case "AccessDenied", "Forbidden", "403":
		return fmt.Errorf("%s bucket %s: access denied: the deployer needs %s on arn:aws:s3:::%s (see docs/deployer-policy.json): %w", doing, bucket, permission, bucket, awsErr(err))
	case "NoSuchBucket", "NotFound", "404":
		return fmt.Errorf("%s bucket %s: the bucket does not exist; the spec says bucket: existing, so flowc does not create it: create it, or say bucket: create: %w", doing, bucket, awsErr(err))
	}
	return fmt.Errorf("%s bucket %s: %w", doing, bucket, awsErr(err))
}

// bucketEventNotes say, for the plan, what the deploy will do to the
// existing buckets' notifications. It only reads.
func (d *Deployer) bucketEventNotes(ctx context.Context, id Identity, b *Bundle) ([]string, error) {
	var notes []string
	for _, bucket := range b.EventBuckets {
		on, _, err := d.eventsOn(ctx, id, bucket)
		if err != nil {
			return nil, err
		}
		if on {
			notes = append(notes, fmt.Sprintf("existing bucket %s already sends its events to EventBridge; flowc deploy leaves its notification configuration as it is", bucket))
		} else {
			notes = append(notes, fmt.Sprintf("after the stack update, flowc deploy turns on EventBridge notifications of existing bucket %s, keeping its other notification configurations; AWS takes about five minutes to start delivering", bucket))
		}
	}
	return notes, nil
}

// enableBucketEvents turns on EventBridge notifications of the existing
// buckets the bundle names, keeping every other configuration.
func (d *Deployer) enableBucketEvents(ctx context.Context, id Identity, b *Bundle) error {
	for _, bucket := range b.EventBuckets {
		on, cur, err := d.eventsOn(ctx, id, bucket)
		if err != nil {
			return err
		}
		if on {
			d.outf("Existing bucket %s already sends its events to EventBridge.\n", bucket)
			continue
		}
		_, err = d.c.S3.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
			Bucket:              &bucket,
			ExpectedBucketOwner: &id.Account,
			NotificationConfiguration: &s3types.NotificationConfiguration{
				EventBridgeConfiguration:     &s3types.EventBridgeConfiguration{},
				LambdaFunctionConfigurations: cur.LambdaFunctionConfigurations,
				QueueConfigurations:          cur.QueueConfigurations,
				TopicConfigurations:          cur.TopicConfigurations,
			},
			// The other destinations are put back unchanged; S3 would
			// otherwise test each again, and one that no longer accepts
			// S3's test message would stop this change
			// (SkipDestinationValidation: "Skips validation of Amazon SQS,
			// Amazon SNS, and Lambda destinations", same API page).
			SkipDestinationValidation: aws.Bool(true),
		})
		if err != nil {
			return bucketErr(bucket, "turning on EventBridge notifications of", "s3:PutBucketNotification", err)
		}
		kept := len(cur.LambdaFunctionConfigurations) + len(cur.QueueConfigurations) + len(cur.TopicConfigurations)
		d.outf("Turned on EventBridge notifications of existing bucket %s (its %d other notification configuration(s) kept). AWS takes about five minutes to start delivering: files that land before then start no run; start those runs by hand.\n", bucket, kept)
		d.outf("flowc changes nothing else on %s: if it is versioned, consider a lifecycle rule expiring noncurrent versions (flowc gives the buckets it creates 30 days).\n", bucket)
	}
	return nil
}

// ensureTmpLifecycle adds the rule flowc-tmp to the asset bucket's
// lifecycle configuration unless a rule with that ID is there already,
// keeping every other rule.
func (d *Deployer) ensureTmpLifecycle(ctx context.Context, id Identity, bucket string) error {
	var rules []s3types.LifecycleRule
	var minSize s3types.TransitionDefaultMinimumObjectSize
	out, err := d.c.S3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &bucket, ExpectedBucketOwner: &id.Account})
	switch {
	case err == nil:
		rules, minSize = out.Rules, out.TransitionDefaultMinimumObjectSize
	case errCode(err) == "NoSuchLifecycleConfiguration":
	default:
		return fmt.Errorf("reading the lifecycle configuration of asset bucket %s: %w", bucket, awsErr(err))
	}
	for _, r := range rules {
		if aws.ToString(r.ID) == tmpRuleID {
			return nil
		}
	}
	rules = append(rules, s3types.LifecycleRule{
		ID:         aws.String(tmpRuleID),
		Status:     s3types.ExpirationStatusEnabled,
		Filter:     &s3types.LifecycleRuleFilter{Prefix: aws.String(layout.TempPrefix)},
		Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(tmpExpireDays)},
	})
	_, err = d.c.S3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                             &bucket,
		ExpectedBucketOwner:                &id.Account,
		LifecycleConfiguration:             &s3types.BucketLifecycleConfiguration{Rules: rules},
		TransitionDefaultMinimumObjectSize: minSize,
	})
	if err != nil {
		return fmt.Errorf("adding lifecycle rule %s to asset bucket %s: %w", tmpRuleID, bucket, awsErr(err))
	}
	d.outf("Added lifecycle rule %s to asset bucket %s: the Glue jobs' temporary files under %s expire after %d days.\n", tmpRuleID, bucket, layout.TempPrefix, tmpExpireDays)
	return nil
}
