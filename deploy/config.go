package deploy

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/smithy-go/logging"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// errNoRegion is a configuration without a region: the environment has no
// region: and neither AWS_REGION, AWS_DEFAULT_REGION nor the profile sets one.
var errNoRegion = errors.New("no AWS region: set region: in the environment, or AWS_REGION")

// loadConfig loads the SDK's standard configuration (AWS_PROFILE, the
// credential chain, AWS_ENDPOINT_URL...) for flowc, with flowc's one region
// rule: the environment's region (the spec's region:, passed as region)
// wins; AWS_REGION, AWS_DEFAULT_REGION or the profile's region is used only
// when the environment has none. A region given to LoadDefaultConfig as an
// option takes precedence over the environment variables and the shared
// files ("Config sources passed in will take precedence over the default
// environment and shared config sources used by the SDK", package doc of
// aws-sdk-go-v2/config). No region at all is errNoRegion.
func loadConfig(ctx context.Context, region string, optFns ...func(*config.LoadOptions) error) (aws.Config, error) {
	// The SDK's own log lines (e.g. "WARN falling back to IMDSv1" while it
	// looks for credentials) are not for flowc's users: what fails reaches
	// them as an error with a hint.
	opts := []func(*config.LoadOptions) error{config.WithRetryer(credentialsRetryer), config.WithLogger(logging.Nop{})}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(opts, optFns...)...)
	if err != nil {
		return cfg, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return cfg, errNoRegion
	}
	cfg.Retryer = nil // the service clients choose theirs
	return cfg, nil
}

// Connection is how flowc reaches AWS: the configuration and the options
// every client is built with.
type Connection struct {
	Config  aws.Config
	Options ClientOptions
	// S3Endpoint is the S3 endpoint that AWS_ENDPOINT_URL_S3 or
	// AWS_ENDPOINT_URL (or the profile) sets, "" for AWS's own.
	S3Endpoint string
}

// Connect is the one way into AWS for deploy, diff, destroy, runs, rerun,
// backfill and run's s3:// reads: FLOWC_AWS_TIMEOUT, loadConfig with the
// environment's region, the credentials checked before the first call,
// and path-style S3 addressing when an endpoint is configured (emulators). Warn is told about
// calls tried again (ClientOptions.Warn).
func Connect(ctx context.Context, region string, warn io.Writer) (*Connection, error) {
	timeout, err := timeoutFromEnv()
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(ctx, cfg, timeout); err != nil {
		return nil, err
	}
	s3Endpoint := os.Getenv("AWS_ENDPOINT_URL_S3")
	if s3Endpoint == "" && cfg.BaseEndpoint != nil {
		s3Endpoint = *cfg.BaseEndpoint
	}
	return &Connection{
		Config:     cfg,
		Options:    ClientOptions{PathStyle: s3Endpoint != "", Timeout: timeout, Warn: warn},
		S3Endpoint: s3Endpoint,
	}, nil
}

// PlainHTTP reports whether S3 is reached over plain HTTP (an emulator).
func (c *Connection) PlainHTTP() bool { return strings.HasPrefix(c.S3Endpoint, "http://") }
