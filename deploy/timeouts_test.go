package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// bounded runs f and fails the test when it has not returned within limit:
// the calls under test must end, whatever they answer. The limit is far
// above what the short timeouts of the tests need.
func bounded(t *testing.T, limit time.Duration, what string, f func(ctx context.Context)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); f(ctx) }()
	select {
	case <-done:
	case <-time.After(limit):
		cancel()
		<-done
		t.Fatalf("%s did not end within %s", what, limit)
	}
}

// TestNoAnswerEveryService: a call to an endpoint that accepts connections
// and never answers ends after noAnswerAttempts timed-out attempts, with
// an error naming the service, the operation and the endpoint, and a
// hint; the retry is announced on Warn. It holds for every client flowc
// makes: CloudFormation, STS, the asset bucket's S3 (uploads) and the S3
// reader of `flowc run`.
func TestNoAnswerEveryService(t *testing.T) {
	url := deploytest.NoAnswer(t)
	const timeout = 200 * time.Millisecond
	var warn bytes.Buffer
	o := ClientOptions{PathStyle: true, Timeout: timeout, Warn: &warn}
	cfg := (&deploytest.Server{URL: url}).Config()
	c := NewClients(cfg, o)
	reader := NewReadS3(cfg, o)
	bucket, key := "b", "k"
	calls := []struct {
		want string
		call func(ctx context.Context) error
	}{
		{"STS GetCallerIdentity", func(ctx context.Context) error {
			_, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
		{"CloudFormation DescribeStacks", func(ctx context.Context) error {
			_, err := c.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("s")})
			return err
		}},
		{"S3 HeadBucket", func(ctx context.Context) error {
			_, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
			return err
		}},
		{"S3 PutObject", func(ctx context.Context) error {
			_, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("x")})
			return err
		}},
		{"S3 ListObjectsV2", func(ctx context.Context) error {
			_, err := reader.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
			return err
		}},
		{"S3 GetObject", func(ctx context.Context) error {
			_, err := reader.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
			return err
		}},
	}
	for _, tc := range calls {
		warn.Reset()
		var err error
		bounded(t, 30*time.Second, tc.want, func(ctx context.Context) { err = awsErr(tc.call(ctx)) })
		if err == nil {
			t.Fatalf("%s: no error", tc.want)
		}
		var ae *awsError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %T %v, want an *AWSError", tc.want, err, err)
		}
		mustContain(t, tc.want, err.Error(), tc.want+": no answer from "+url+" within 200ms (tried 2 times)",
			"hint: check the network, AWS_REGION, and AWS_ENDPOINT_URL", envTimeout+" sets how long")
		mustContain(t, tc.want+" warning", warn.String(), tc.want+": no answer from "+url+" within 200ms; trying again")
	}
}

// TestNoAnswerRefused: a refused connection is tried noAnswerAttempts
// times, not maxAttempts times with backoff, and says so.
func TestNoAnswerRefused(t *testing.T) {
	url := deploytest.Refused(t)
	c := NewClients((&deploytest.Server{URL: url}).Config(), ClientOptions{Timeout: time.Second})
	var err error
	bounded(t, 30*time.Second, "GetCallerIdentity", func(ctx context.Context) {
		_, err = c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		err = awsErr(err)
	})
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "STS GetCallerIdentity: cannot connect to "+url+": connection refused (tried 2 times)", "is the emulator running?")
}

const callerIdentity = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
	`<Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>TEST</UserId><Account>123456789012</Account>` +
	`</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`

// TestNoAnswerRetriedOnce: one attempt without an answer is tried again,
// and the call succeeds when the next attempt is answered.
func TestNoAnswerRetriedOnce(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if n == 1 {
			<-release // never answers the first attempt
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, callerIdentity)
	}))
	defer srv.Close()
	defer close(release)
	var warn bytes.Buffer
	c := NewClients((&deploytest.Server{URL: srv.URL}).Config(), ClientOptions{Timeout: 200 * time.Millisecond, Warn: &warn})
	var id Identity
	var err error
	bounded(t, 30*time.Second, "Identity", func(ctx context.Context) { id, err = (&Deployer{c: c}).Identity(ctx) })
	if err != nil || id.Account != "123456789012" {
		t.Fatalf("identity %+v, %v", id, err)
	}
	mustContain(t, "warning", warn.String(), "STS GetCallerIdentity: no answer from "+srv.URL+" within 200ms; trying again")
}

// TestStalledDownload: an S3 object whose download stops delivering data
// fails after the timeout instead of blocking `flowc run`.
func TestStalledDownload(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "date,delay\n")
		w.(http.Flusher).Flush()
		<-release // and nothing more
	}))
	defer srv.Close()
	defer close(release)
	reader := NewReadS3((&deploytest.Server{URL: srv.URL}).Config(), ClientOptions{PathStyle: true, Timeout: 200 * time.Millisecond})
	var err error
	bounded(t, 30*time.Second, "reading the object", func(ctx context.Context) {
		out, gerr := reader.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")})
		if gerr != nil {
			err = gerr
			return
		}
		defer out.Body.Close()
		_, err = io.ReadAll(out.Body)
	})
	if err == nil {
		t.Fatal("a stalled download succeeded")
	}
}

// TestNoCredentials: with no credentials anywhere and a metadata service
// that refuses connections, checkCredentials fails at once (the SDK would
// retry each refused IMDS request with backoff) with the credentials hint.
func TestNoCredentials(t *testing.T) {
	deploytest.NoCredentials(t)
	var err error
	bounded(t, 20*time.Second, "checkCredentials", func(ctx context.Context) {
		var cfg aws.Config
		if cfg, err = loadConfig(ctx, deploytest.Region); err == nil {
			err = checkCredentials(ctx, cfg, defaultTimeout)
		}
	})
	if err == nil {
		t.Fatal("credentials found")
	}
	var ae *awsError
	if !errors.As(err, &ae) || ae.Hint != credentialsHint {
		t.Fatalf("%T %v, want an *AWSError with the credentials hint", err, err)
	}
	mustContain(t, "error", err.Error(), "no usable AWS credentials", "hint: set AWS_PROFILE")
}

func TestTimeoutFromEnv(t *testing.T) {
	for v, want := range map[string]time.Duration{"": defaultTimeout, "90s": 90 * time.Second, "2m": 2 * time.Minute, "15": 15 * time.Second, "0.5": 500 * time.Millisecond} {
		t.Setenv(envTimeout, v)
		if got, err := timeoutFromEnv(); err != nil || got != want {
			t.Errorf("%s=%q: %v, %v; want %v", envTimeout, v, got, err, want)
		}
	}
	for _, v := range []string{"soon", "0", "-3s"} {
		t.Setenv(envTimeout, v)
		if _, err := timeoutFromEnv(); err == nil || !strings.Contains(err.Error(), envTimeout+"="+v) {
			t.Errorf("%s=%q: %v", envTimeout, v, err)
		}
	}
}

// hiddenTimeout wraps a timeout without saying it is one, as net/http's
// internal wrappers can.
type hiddenTimeout struct{ err error }

func (h hiddenTimeout) Error() string { return h.err.Error() }
func (h hiddenTimeout) Unwrap() error { return h.err }

// TestNoAnswerSeesWrappedTimeouts: a timeout anywhere in the chain is a
// miss, even under a *url.Error whose Timeout() is false because its direct
// cause hides it (the flaky TestAWSNoAnswer on loaded machines).
func TestNoAnswerSeesWrappedTimeouts(t *testing.T) {
	inner := &awshttp.ResponseTimeoutError{TimeoutDur: time.Second}
	err := &url.Error{Op: "Get", URL: "http://x", Err: hiddenTimeout{inner}}
	if err.Timeout() {
		t.Fatal("test premise: url.Error should not see the hidden timeout")
	}
	if yes, _ := noAnswer(fmt.Errorf("send: %w", err)); !yes {
		t.Error("a wrapped read timeout is not counted as a miss")
	}
	if yes, _ := noAnswer(errors.Join(errors.New("a"), err)); !yes {
		t.Error("a joined read timeout is not counted as a miss")
	}
	if yes, _ := noAnswer(&url.Error{Op: "Get", URL: "http://x", Err: errors.New("boom")}); yes {
		t.Error("a plain error is counted as a miss")
	}
}
