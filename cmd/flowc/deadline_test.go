package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// runBounded runs flowc and fails the test when it has not ended within
// limit (then its context is cancelled). Limits are far above what the
// short timeouts of the tests need: they catch a hang, not a slow run.
func runBounded(t *testing.T, limit time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		stdout, stderr, code = runWith(t, ctx, strings.NewReader(""), args...)
	}()
	select {
	case <-done:
	case <-time.After(limit):
		cancel()
		<-done
		t.Fatalf("flowc %s did not end within %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), limit, stdout, stderr)
	}
	return stdout, stderr, code
}

// awsEnv points the standard SDK chain at url with test credentials, as
// a user with an emulator would, isolated from the machine's AWS files.
func awsEnv(t *testing.T, url string) {
	t.Helper()
	(&deploytest.Server{URL: url}).SetEnv(t)
}

// TestAWSNoAnswer: against an endpoint that accepts connections and never
// answers, diff, deploy, destroy and a run reading s3:// end with exit 2
// and a message naming the call and the endpoint, with a hint, after
// NoAnswerAttempts attempts of FLOWC_AWS_TIMEOUT each. It failed now and
// then on loaded machines: an attempt whose read timeout net/http wrapped
// was not counted as a miss (deploy TestNoAnswerSeesWrappedTimeouts holds
// the fix); 1s rather than 300ms keeps scheduling noise out of it.
func TestAWSNoAnswer(t *testing.T) {
	url := deploytest.NoAnswer(t)
	awsEnv(t, url)
	t.Setenv("FLOWC_AWS_TIMEOUT", "1s")
	spec := exampleSpec(t)
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	for _, args := range [][]string{
		{"diff", "--env", "dev", spec},
		{"deploy", "--env", "dev", "--yes", spec},
		{"destroy", "--env", "dev", "--yes", spec},
		{"run", "--env", "dev", "--warehouse", wh, "--input", "flights=s3://acme-flights-landing-dev/raw/flights/", spec},
	} {
		_, errOut, code := runBounded(t, time.Minute, args...)
		if code != 2 {
			t.Errorf("flowc %s: exit %d, want 2\n%s", args[0], code, errOut)
		}
		call := "STS GetCallerIdentity"
		if args[0] == "run" {
			call = "S3 ListObjectsV2"
		}
		contains(t, "flowc "+args[0], errOut,
			call+": no answer from "+url+" within 1s; trying again",
			"no answer from "+url+" within 1s (tried 2 times)",
			"hint: check the network, AWS_REGION, and AWS_ENDPOINT_URL if you use an emulator; FLOWC_AWS_TIMEOUT sets how long flowc waits for each answer (now 1s)")
	}
}

// TestAWSNoAnswerFromCloudFormation: the deadline is on every call, not
// only the first: with STS answering and CloudFormation silent, diff
// ends at DescribeStacks.
func TestAWSNoAnswerFromCloudFormation(t *testing.T) {
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>TEST</UserId><Account>123456789012</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	defer sts.Close()
	awsEnv(t, sts.URL)
	silent := deploytest.NoAnswer(t)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", silent)
	t.Setenv("FLOWC_AWS_TIMEOUT", "300ms")
	_, errOut, code := runBounded(t, time.Minute, "diff", "--env", "dev", exampleSpec(t))
	if code != 2 {
		t.Errorf("exit %d, want 2\n%s", code, errOut)
	}
	contains(t, "stderr", errOut, "flowc: describing stack flights-dev: CloudFormation DescribeStacks: no answer from "+silent+" within 300ms (tried 2 times)", "FLOWC_AWS_TIMEOUT")
}

// TestNoCredentialsFailsFast: no credentials anywhere and a metadata
// service that refuses connections: diff and deploy fail at once (they
// used to retry for half a minute in silence) with the credentials hint.
func TestNoCredentialsFailsFast(t *testing.T) {
	deploytest.NoCredentials(t)
	spec := exampleSpec(t)
	for _, args := range [][]string{{"diff"}, {"deploy", "--yes"}, {"destroy", "--yes"}} {
		_, errOut, code := runBounded(t, 20*time.Second, append(args, "--env", "dev", spec)...)
		if code != 2 {
			t.Errorf("flowc %s: exit %d, want 2\n%s", args[0], code, errOut)
		}
		contains(t, "flowc "+args[0], errOut, "flowc: no usable AWS credentials\n  hint: set AWS_PROFILE (and run `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
}

// TestBadAWSTimeout: an unreadable FLOWC_AWS_TIMEOUT is a usage error.
func TestBadAWSTimeout(t *testing.T) {
	awsEnv(t, deploytest.Refused(t))
	t.Setenv("FLOWC_AWS_TIMEOUT", "soon")
	_, errOut := flowcExit(t, 2, "diff", "--env", "dev", exampleSpec(t))
	contains(t, "stderr", errOut, "FLOWC_AWS_TIMEOUT=soon: want a duration such as 30s or 2m")
}
