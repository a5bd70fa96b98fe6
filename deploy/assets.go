package deploy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/flowc-dev/flowc/layout"
)

// Identity is who the credentials in use belong to.
type Identity struct {
	Account   string
	ARN       string
	Partition string // aws, aws-cn, aws-us-gov
}

// Identity asks STS who the credentials belong to.
func (d *Deployer) Identity(ctx context.Context) (Identity, error) {
	out, err := d.c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("checking the AWS account: %w", awsErr(err))
	}
	id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), Partition: "aws"}
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) == 3 && parts[0] == "arn" {
		id.Partition = parts[1]
	}
	return id, nil
}

// guardError is returned when the credentials are for another account than
// the environment's guard.
type guardError struct {
	Env, Want, Got, ARN string
}

func (e *guardError) Error() string {
	return fmt.Sprintf("environment %s may only be deployed to account %s, but the credentials in use are for account %s (%s); refusing to go on",
		e.Env, e.Want, e.Got, e.ARN)
}

// checkAccount applies the environment's account guard.
func (d *Deployer) checkAccount(ctx context.Context, b *Bundle) (Identity, error) {
	id, err := d.Identity(ctx)
	if err != nil {
		return id, err
	}
	if b.Account != "" && b.Account != id.Account {
		return id, &guardError{Env: b.Env, Want: b.Account, Got: id.Account, ARN: id.ARN}
	}
	return id, nil
}

// assetBucketName is flowc's asset bucket of an account and region, shared
// by every pipeline deployed there (as `cdk bootstrap` does).
func assetBucketName(account, region string) string {
	return "flowc-assets-" + account + "-" + region
}

// assetBucketExists reports whether the account's asset bucket exists.
func (d *Deployer) assetBucketExists(ctx context.Context, id Identity, bucket string) (bool, error) {
	_, err := d.c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket, ExpectedBucketOwner: &id.Account})
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	case errCode(err) == "Forbidden" || errCode(err) == "403":
		return false, fmt.Errorf("asset bucket %s exists but is not accessible to account %s (another account may own the name)", bucket, id.Account)
	}
	return false, fmt.Errorf("checking asset bucket %s: %w", bucket, awsErr(err))
}

// ensureAssetBucket creates the asset bucket when it is missing: default
// encryption, every public access blocked, bucket-owner-enforced
// ownership, and a policy denying requests without TLS.
func (d *Deployer) ensureAssetBucket(ctx context.Context, id Identity, region, bucket string) error {
	ok, err := d.assetBucketExists(ctx, id, bucket)
	if err != nil || ok {
		return err
	}
	in := &s3.CreateBucketInput{Bucket: &bucket, ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := d.c.S3.CreateBucket(ctx, in); err != nil && errCode(err) != "BucketAlreadyOwnedByYou" {
		return fmt.Errorf("creating asset bucket %s: %w", bucket, awsErr(err))
	}
	_, err = d.c.S3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: &bucket,
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			BucketKeyEnabled:                   aws.Bool(true),
		}}},
	})
	if err != nil {
		return fmt.Errorf("encrypting asset bucket %s: %w", bucket, awsErr(err))
	}
	_, err = d.c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: &bucket,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	})
	if err != nil {
		return fmt.Errorf("blocking public access to asset bucket %s: %w", bucket, awsErr(err))
	}
	tls := "TLS only"
	if d.opt.PlainHTTP {
		tls = "no TLS-only policy: the S3 endpoint is plain http"
	} else {
		policy := tlsOnlyPolicy(id.Partition, bucket)
		if _, err := d.c.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy}); err != nil {
			return fmt.Errorf("setting the policy of asset bucket %s: %w", bucket, awsErr(err))
		}
	}
	d.outf("Created asset bucket %s (encrypted, public access blocked, %s), as `cdk bootstrap` would; it is shared by every flowc pipeline of account %s in %s.\n",
		bucket, tls, id.Account, region)
	return nil
}

// tlsOnlyPolicy denies every request to the bucket that does not use TLS.
func tlsOnlyPolicy(partition, bucket string) string {
	arn := "arn:" + partition + ":s3:::" + bucket
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
		}},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// published counts what a publish did.
type published struct{ uploaded, present int }

// putAsset uploads data under key unless an object is already there: keys
// are content-addressed, so an existing object has the same bytes.
func (d *Deployer) putAsset(ctx context.Context, bucket, key string, data []byte, n *published) error {
	_, err := d.c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err == nil {
		n.present++
		return nil
	}
	if !isNotFound(err) {
		return fmt.Errorf("checking asset s3://%s/%s: %w", bucket, key, awsErr(err))
	}
	_, err = d.c.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      &bucket,
		Key:         &key,
		Body:        bytes.NewReader(data),
		ContentType: aws.String(contentType(key)),
	})
	if err != nil {
		return fmt.Errorf("uploading asset s3://%s/%s: %w", bucket, key, awsErr(err))
	}
	n.uploaded++
	return nil
}

// publishAssets uploads the bundle's assets that are not in the bucket yet.
func (d *Deployer) publishAssets(ctx context.Context, b *Bundle, bucket string, n *published) error {
	for _, a := range b.Assets {
		data := b.File(a.Path)
		if data == nil {
			return fmt.Errorf("internal error: asset %s is not in the build (please report this bug)", a.Path)
		}
		if err := d.putAsset(ctx, bucket, a.Key, data, n); err != nil {
			return err
		}
	}
	return nil
}

// templateKey is the content-addressed key of a template uploaded because
// it is too large to pass inline.
func templateKey(body []byte) string {
	h := sha256.Sum256(body)
	return layout.AssetPrefix + hex.EncodeToString(h[:]) + ".json"
}

// templateURL is the https URL CloudFormation reads an uploaded template
// from (path style, as CloudFormation accepts in every region).
func templateURL(partition, region, bucket, key string) string {
	suffix := "amazonaws.com"
	if partition == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return "https://s3." + region + "." + suffix + "/" + bucket + "/" + key
}

// getAsset reads an object of the asset bucket; nil when it is gone.
func (d *Deployer) getAsset(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := d.c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, awsErr(err))
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func contentType(key string) string {
	switch path.Ext(key) {
	case ".json":
		return "application/json"
	case ".py":
		return "text/x-python"
	case ".sql":
		return "application/sql"
	}
	return "application/octet-stream"
}
