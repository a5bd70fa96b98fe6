package deploy

import (
	"context"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// CloudFormation is the part of the CloudFormation API flowc uses.
// *cloudformation.Client satisfies it.
type CloudFormation interface {
	cloudformation.DescribeStacksAPIClient
	cloudformation.DescribeChangeSetAPIClient
	cloudformation.DescribeStackEventsAPIClient
	cloudformation.ListStackResourcesAPIClient
	CreateChangeSet(ctx context.Context, in *cloudformation.CreateChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error)
	ExecuteChangeSet(ctx context.Context, in *cloudformation.ExecuteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
	DeleteChangeSet(ctx context.Context, in *cloudformation.DeleteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error)
	CreateStack(ctx context.Context, in *cloudformation.CreateStackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	UpdateStack(ctx context.Context, in *cloudformation.UpdateStackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
	DeleteStack(ctx context.Context, in *cloudformation.DeleteStackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
	GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
}

// S3 is the part of the S3 API flowc uses for its asset bucket.
// *s3.Client satisfies it.
type S3 interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, optFns ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// STS is the part of the STS API flowc uses for the account guard.
// *sts.Client satisfies it.
type STS interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Clients are the AWS clients of a Deployer, all for the stack's region.
type Clients struct {
	CFN CloudFormation
	S3  S3
	STS STS
}

// maxAttempts is how many times a throttled or otherwise retryable AWS
// call is tried before giving up (the SDK default is 3).
const maxAttempts = 10

// maxBackoff caps the wait between two attempts of a call.
const maxBackoff = 20 * time.Second

// retryer is the SDK retryer flowc uses: the standard one (exponential
// backoff with jitter on throttling, transient and 5xx errors) with more
// attempts and no client-side retry quota, so long deploys ride out
// throttling instead of failing.
func retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// ClientOptions tune NewClients.
type ClientOptions struct {
	// PathStyle addresses S3 buckets in the path (http://host/bucket/key),
	// as emulators need. Set it when an endpoint URL is configured.
	PathStyle bool
	// Timeout is how long each attempt of a call may wait to connect and
	// for an answer; 0 is defaultTimeout. A call is tried at most
	// noAnswerAttempts times without an answer, so it fails in about
	// noAnswerAttempts*Timeout: the limit is per call, never on a whole
	// deploy, whose waits for a stack are many short calls.
	Timeout time.Duration
	// Warn, when set, is told when an attempt got no answer and the call
	// is tried again, so a long wait is not a silent one.
	Warn io.Writer
}

// config applies Retryer, the timeouts and the no-answer limit to a copy
// of cfg. idle is as for httpClient.
func (o ClientOptions) config(cfg aws.Config, idle bool) aws.Config {
	cfg = cfg.Copy()
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	cfg.Retryer = retryer
	cfg.HTTPClient = httpClient(cfg.HTTPClient, o.Timeout, idle)
	// A new slice: copies of a configuration share the backing array.
	cfg.APIOptions = append(append([]func(*middleware.Stack) error{}, cfg.APIOptions...), guard(o.Timeout, o.Warn))
	return cfg
}

// NewClients creates the SDK clients from a loaded configuration, with
// retryer and the timeouts of o. The configuration's region must be the
// stack's region.
func NewClients(cfg aws.Config, o ClientOptions) Clients {
	small := o.config(cfg, true) // requests of a few KB: an idle connection is a dead one
	return Clients{
		CFN: cloudformation.NewFromConfig(small),
		S3: s3.NewFromConfig(o.config(cfg, false), func(so *s3.Options) { // uploads assets
			so.UsePathStyle = o.PathStyle
			// Emulators send no checksums; the SDK would log each skip.
			so.DisableLogOutputChecksumValidationSkipped = true
		}),
		STS: sts.NewFromConfig(small),
	}
}

// NewReadS3 creates an S3 client that only reads (ListObjectsV2,
// GetObject), as `flowc run` does for s3:// sources, with Retryer and the
// timeouts of o; a download that stops delivering data for o.Timeout
// fails too.
func NewReadS3(cfg aws.Config, o ClientOptions) *s3.Client {
	return s3.NewFromConfig(o.config(cfg, true), func(so *s3.Options) {
		so.UsePathStyle = o.PathStyle
		so.DisableLogOutputChecksumValidationSkipped = true
	})
}
