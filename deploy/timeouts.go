package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// envTimeout names the environment variable that sets how long flowc
// waits for each answer from AWS (a Go duration such as 90s or 2m, or
// seconds).
const envTimeout = "FLOWC_AWS_TIMEOUT"

// defaultTimeout is how long flowc waits, per attempt of an AWS call, to
// connect, to finish the TLS handshake and to get the answer's headers
// after sending the request. It is the AWS CLI's default for
// --cli-read-timeout and --cli-connect-timeout (60 seconds, see "Command
// line options" in the AWS CLI user guide). AWS APIs answer in well under
// a second; long operations (a stack update, a change set) are started by
// one call and then polled, so no single call legitimately waits this long.
const defaultTimeout = 60 * time.Second

// noAnswerAttempts is how many times a call is tried when an attempt gets
// no answer (timed out, or the connection was refused). The SDK's standard
// retryer treats both as retryable ("Retries and Timeouts", AWS SDK for Go
// v2 developer guide; retry.RetryableConnectionError), and with
// maxAttempts (10, for throttling) an endpoint that accepts connections
// and never answers would keep flowc silent for ten timeouts.
const noAnswerAttempts = 2

// timeoutFromEnv returns the per-attempt timeout envTimeout sets, or
// defaultTimeout when it is unset.
func timeoutFromEnv() (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(envTimeout))
	if v == "" {
		return defaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		n, err2 := strconv.ParseFloat(v, 64)
		if err2 != nil {
			return 0, fmt.Errorf("%s=%s: want a duration such as 30s or 2m", envTimeout, v)
		}
		d = time.Duration(n * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s=%s: want a duration above zero, such as 30s or 2m", envTimeout, v)
	}
	return d, nil
}

// NoAnswerError is an AWS call whose last attempt got no answer: the
// endpoint did not answer within the timeout, or refused the connection.
type NoAnswerError struct {
	Service, Operation string
	Endpoint           string // scheme://host of the request
	Timeout            time.Duration
	Refused            bool // the connection was refused, rather than timed out
	Attempts           int  // attempts that got no answer so far
	Err                error
	final              bool
}

func (e *NoAnswerError) Error() string {
	tries := ""
	if e.Attempts > 1 {
		tries = fmt.Sprintf(" (tried %d times)", e.Attempts)
	}
	if e.Refused {
		return fmt.Sprintf("cannot connect to %s: connection refused%s", e.Endpoint, tries)
	}
	return fmt.Sprintf("no answer from %s within %s%s", e.Endpoint, e.Timeout, tries)
}

// Hint says what to check.
func (e *NoAnswerError) Hint() string {
	if e.Refused {
		return "check AWS_ENDPOINT_URL (is the emulator running?) and the network"
	}
	return fmt.Sprintf("check the network, AWS_REGION, and AWS_ENDPOINT_URL if you use an emulator; %s sets how long flowc waits for each answer (now %s)", envTimeout, e.Timeout)
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer whether to try again: the first
// noAnswerAttempts-1 misses of a call are retried, the last is final.
func (e *NoAnswerError) RetryableError() bool { return !e.final }

// noAnswer reports whether err is an attempt that got no answer, and
// whether the connection was refused.
func noAnswer(err error) (yes, refused bool) {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true, true
	}
	if anyTimeout(err) {
		return true, false
	}
	return false, false
}

// anyTimeout reports whether an error in err's chain says it is a timeout.
// errors.As would stop at the first error with a Timeout method: a
// *url.Error whose direct cause hides the SDK's read timeout behind a
// wrapper answers false, and the attempt was then not counted as a miss
// (seen on loaded machines: the second attempt ended as a plain network
// error without the no-answer message).
func anyTimeout(err error) bool {
	for err != nil {
		if te, ok := err.(interface{ Timeout() bool }); ok && te.Timeout() {
			return true
		}
		if multi, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range multi.Unwrap() {
				if anyTimeout(e) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}

type missesKey struct{}

// countMisses (Initialize step, once per call) gives the call a counter of
// attempts without an answer.
type countMisses struct{}

func (countMisses) ID() string { return "FlowcCountMisses" }

func (countMisses) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	return next.HandleInitialize(context.WithValue(ctx, missesKey{}, new(int)), in)
}

// limitMisses (Finalize step, after the retry middleware, so once per
// attempt) turns an attempt without an answer into a *NoAnswerError,
// retryable until the call has had noAnswerAttempts of them. Errors of a
// cancelled or expired context (Ctrl-C, a waiter's maximum wait) pass
// through unchanged.
type limitMisses struct {
	timeout time.Duration
	warn    io.Writer
}

func (*limitMisses) ID() string { return "FlowcLimitMisses" }

func (m *limitMisses) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	if err == nil || ctx.Err() != nil {
		return out, md, err
	}
	yes, refused := noAnswer(err)
	misses, _ := ctx.Value(missesKey{}).(*int)
	if !yes || misses == nil {
		return out, md, err
	}
	*misses++
	ne := &NoAnswerError{
		Service: awsmiddle.GetServiceID(ctx), Operation: awsmiddle.GetOperationName(ctx),
		Endpoint: endpointOf(in.Request), Timeout: m.timeout, Refused: refused,
		Attempts: *misses, Err: err, final: *misses >= noAnswerAttempts,
	}
	if !ne.final && !refused && m.warn != nil { // a refusal is instant; a timeout was a long silence
		fmt.Fprintf(m.warn, "flowc: %s %s: %s; trying again\n", ne.Service, ne.Operation, ne.Error())
	}
	return out, md, ne
}

func endpointOf(req any) string {
	if r, ok := req.(*smithyhttp.Request); ok && r.URL != nil {
		return r.URL.Scheme + "://" + r.URL.Host
	}
	return "the AWS endpoint"
}

// guard adds countMisses and limitMisses to a client's middleware stack.
func guard(timeout time.Duration, warn io.Writer) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		if err := st.Initialize.Add(countMisses{}, middleware.Before); err != nil {
			return err
		}
		return st.Finalize.Add(&limitMisses{timeout: timeout, warn: warn}, middleware.After)
	}
}

// httpClient is the HTTP client of an SDK service client: the one the
// configuration carries (it may hold a custom CA bundle) with a connect,
// TLS handshake and response-header timeout per attempt. The SDK's own
// default has a 30 s dial timeout and none for the answer ("Customizing
// the HTTP Client", AWS SDK for Go v2 developer guide), so an endpoint
// that accepts and never answers blocks forever.
//
// idle also fails a connection that delivers nothing for the timeout
// (BuildableClient.WithReadTimeout: "It resets on every byte received, so
// a slow but progressing response does not fail"). It covers a stalled
// response body, but it runs from the moment the connection opens, so it
// would also fail an upload that takes longer than the timeout: the SDK
// exempts S3 from its own default read timeout for that reason. It is off
// for clients that upload (S3 PutObject).
func httpClient(from aws.HTTPClient, timeout time.Duration, idle bool) aws.HTTPClient {
	b, ok := from.(*awshttp.BuildableClient)
	if !ok {
		if from != nil {
			return from // the caller's own client: leave it alone
		}
		b = awshttp.NewBuildableClient()
	}
	b = b.WithDialerOptions(func(d *net.Dialer) { d.Timeout = timeout }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = timeout
			tr.ResponseHeaderTimeout = timeout
		})
	if idle {
		b = b.WithReadTimeout(timeout)
	}
	return b
}

// credentialsRetryer retries the calls of the credential providers
// (IMDS, SSO, STS) as the SDK does, except a refused connection: the SDK
// retries it "as the service may not yet be running on the port"
// (retry.RetryableConnectionError), which makes a machine without a
// metadata service wait seconds for nothing. The IMDS client keeps its own
// limits on top (max backoff 1 s, 5 s per operation: imds.Options
// DisableDefaultMaxBackoff and DisableDefaultTimeout; aws-sdk-go-v2#2571).
func credentialsRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		refusedIsFinal := retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if errors.Is(err, syscall.ECONNREFUSED) {
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})
		o.Retryables = append([]retry.IsErrorRetryable{refusedIsFinal}, o.Retryables...)
	})
}

// checkCredentials resolves the credentials before the first AWS call,
// within timeout, so that a machine without any fails at once with a hint
// instead of in the middle of the first call (where each of its attempts
// would look for them again). Resolved credentials are cached by the
// configuration's credentials cache for the calls that follow.
func checkCredentials(ctx context.Context, cfg aws.Config, timeout time.Duration) error {
	if cfg.Credentials == nil {
		return &awsError{Message: "no usable AWS credentials", Hint: credentialsHint}
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := cfg.Credentials.Retrieve(cctx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := "no usable AWS credentials"
	if cctx.Err() != nil {
		msg = fmt.Sprintf("no usable AWS credentials: looking for them took more than %s", timeout)
	}
	return &awsError{Message: msg, Hint: credentialsHint, Err: err}
}
