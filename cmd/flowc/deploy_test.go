package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// runWith runs the real entry point with a context and stdin.
func runWith(t *testing.T, ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(ctx, append([]string{"flowc"}, args...), stdin, &out, &errb)
	return out.String(), errb.String(), code
}

// flowcOK runs flowc and fails the test unless it exits with want.
func flowcExit(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, code := runWith(t, context.Background(), strings.NewReader(""), args...)
	if code != want {
		t.Fatalf("flowc %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// exampleSpec copies examples/flights.yaml into a temporary directory,
// applying replacements (old, new pairs), and returns its path.
// withoutWarnings is stderr without a leading report of warnings only
// ("... 0 errors, N warning(s)"): the example's merge key gets FC414 (issue
// 16, requirement 3), which every command that loads it prints.
func withoutWarnings(errOut string) string {
	i := strings.Index(errOut, "\n0 errors, ")
	if i < 0 || strings.Contains(errOut[:i], ": error: ") {
		return errOut
	}
	end := strings.IndexByte(errOut[i+1:], '\n')
	if end < 0 {
		return ""
	}
	return strings.TrimLeft(errOut[i+1+end+1:], "\n")
}

func exampleSpec(t *testing.T, replace ...string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "flights.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("example spec has no %q", replace[i])
		}
		s = strings.ReplaceAll(s, replace[i], replace[i+1])
	}
	p := filepath.Join(t.TempDir(), "flights.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// updated is the example with a column added to table airport_delays, a
// second alert recipient and more Glue workers.
var updated = []string{
	"            max_delay: max(delay)\n", "            max_delay: max(delay)\n            min_delay: min(delay)\n",
	"max_delay: integer}", "max_delay: integer, min_delay: integer}",
	`on_failure: {email: ["${params.oncall}"]}`, `on_failure: {email: ["${params.oncall}", "oncall@example.com"]}`,
	"  workers: 2\n", "  workers: 4\n",
}

func s3Of(srv *deploytest.Server) *s3.Client {
	return s3.NewFromConfig(srv.Config(), func(o *s3.Options) { o.UsePathStyle = true })
}

// inlineNote is the line deploy and diff write for a template over the
// inline limit.
var inlineNote = regexp.MustCompile(`(?m)^The template is \d+ bytes, over CloudFormation's 51200-byte inline limit: deploying it from s3://\S+\.\n`)

// TestDeployLifecycle drives deploy, diff and destroy through the CLI
// against stock moto: first deploy, no-op redeploy, diff before and after
// an update (online and offline), the update, a direct deploy, destroy.
func TestDeployLifecycle(t *testing.T) {
	srv := deploytest.Moto(t)
	srv.SetEnv(t)
	spec := exampleSpec(t)
	next := exampleSpec(t, updated...)

	// Before the first deploy everything is new.
	out, _ := flowcExit(t, 1, "diff", "--env", "dev", "--exit-code", spec)
	contains(t, "diff before deploy", out, "compared with nothing: the stack does not exist yet",
		"+ table delayed_flights_fact (17 columns)", "+ source flights at s3://acme-flights-landing-dev/raw/flights/",
		"+ alert recipient data-dev@example.com (email)", "+ StateMachine", "AWS::StepFunctions::StateMachine")

	// No terminal, no --yes: the plan is shown, nothing is deployed. The
	// example's template (77 KB since issue 16's partition leases) is over
	// the 51,200-byte inline limit, so it is the fifth asset, beside the
	// two Glue scripts, the runtime and pipeline.json.
	out, errOut := flowcExit(t, 2, "deploy", "--env", "dev", spec)
	contains(t, "deploy without --yes", out, "Created asset bucket flowc-assets-123456789012-us-east-1", "Assets: 5 uploaded, 0 already",
		"Added lifecycle rule flowc-tmp to asset bucket flowc-assets-123456789012-us-east-1",
		"over CloudFormation's 51200-byte inline limit: deploying it from s3://", "to add, 0 to modify")
	contains(t, "deploy without --yes", errOut, "refusing to deploy without confirmation: stdin is not a terminal; pass --yes")
	out, _ = flowcExit(t, 1, "diff", "--env", "dev", "--exit-code", spec)
	contains(t, "diff after the refusal", out, "the stack does not exist yet")

	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	contains(t, "first deploy", out, "Assets: 0 uploaded, 5 already", "replacements from change set",
		"CREATE_COMPLETE", "Stack flights-dev: CREATE_COMPLETE in")

	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	contains(t, "no-op redeploy", out, "Assets: 0 uploaded, 5 already", "No changes: stack flights-dev is up to date.")
	if strings.Contains(out, "Added lifecycle rule") {
		t.Errorf("the lifecycle rule was added twice:\n%s", out)
	}
	out, errOut = flowcExit(t, 0, "diff", "--env", "dev", "--exit-code", spec)
	contains(t, "diff after deploy", out, "compared with the deployed stack", "No changes.")
	// diff writes nothing to stderr but warnings (FC414 on the example)
	// and, for a template over the inline limit, where the template is
	// read from.
	if rest := inlineNote.ReplaceAllString(withoutWarnings(errOut), ""); rest != "" {
		t.Errorf("diff after deploy wrote to stderr:\n%s", rest)
	}

	// Keep this build for the offline diff.
	before := filepath.Join(t.TempDir(), "before")
	flowcExit(t, 0, "build", "--env", "dev", "--out", before, spec)

	out, _ = flowcExit(t, 1, "diff", "--env", "dev", "--exit-code", next)
	contains(t, "diff of the update", out, "compared with the deployed stack",
		"~ table airport_delays: + column min_delay integer (additive)",
		"+ alert recipient oncall@example.com (email) on failure",
		"~ Glue job flights-dev-airport-delays: workers 2 -> 4",
		"~ TableAirportDelaysJob", "NumberOfWorkers: 2 -> 4",
		"content of glue/airport_delays.py changed",
		"--- a/glue/airport_delays.py", "+++ b/glue/airport_delays.py",
		"+ AlertEmail", "replacements from create-only properties",
		"the change set gave no replacement information")
	js, _ := flowcExit(t, 1, "diff", "--env", "dev", "--exit-code", "--format", "json", next)
	var doc struct {
		Changed          bool   `json:"changed"`
		ReplacementsFrom string `json:"replacements_from"`
		Resources        []struct {
			Action    string `json:"action"`
			LogicalID string `json:"logical_id"`
		} `json:"resources"`
		Summary struct{ Add, Modify int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("diff --format json: %v\n%s", err, js)
	}
	if !doc.Changed || doc.Summary.Add != 1 || doc.Summary.Modify < 2 || doc.ReplacementsFrom != "create-only properties" {
		t.Errorf("diff --format json: %+v", doc)
	}

	out, _ = flowcExit(t, 1, "diff", "--env", "dev", "--against", before, "--exit-code", next)
	contains(t, "offline diff", out, "compared with the build in "+before,
		"~ table airport_delays: + column min_delay integer (additive)",
		"--- a/sql/airport_delays.sql", "+  min_delay", "replacements from create-only properties")
	flowcExit(t, 0, "diff", "--env", "dev", "--against", before, "--exit-code", spec)

	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", next)
	// The updated example's template goes through S3 too.
	contains(t, "update", out, "over CloudFormation's 51200-byte inline limit: deploying it from s3://", "UPDATE_COMPLETE")
	flowcExit(t, 0, "diff", "--env", "dev", "--exit-code", next)

	// Back to the first spec drops min_delay: refused (exit 1, nothing
	// deployed) unless --allow-destructive names the table.
	_, errOut = flowcExit(t, 2, "deploy", "--env", "dev", "--yes", "--method", "direct", "--allow-destructive", "other", spec)
	contains(t, "unknown table", errOut, "--allow-destructive other: the spec has no table other (its tables: delayed_flights_fact, airport_delays)")
	out, errOut = flowcExit(t, 1, "deploy", "--env", "dev", "--yes", "--method", "direct", spec)
	contains(t, "refused deploy", errOut, "table airport_delays: destructive change not allowed: - column min_delay integer (destructive: drop)",
		"--allow-destructive airport_delays", "Nothing was deployed.")
	if strings.Contains(out, "UPDATE_") {
		t.Errorf("the refused deploy changed the stack:\n%s", out)
	}
	flowcExit(t, 0, "diff", "--env", "dev", "--exit-code", next)
	// Without a change set.
	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", "--method", "direct", "--allow-destructive", "airport_delays", spec)
	contains(t, "direct deploy", out, "--method direct: no change set", "~ table airport_delays: - column min_delay integer (destructive: drop)",
		"content of glue/airport_delays.py changed", "UPDATE_COMPLETE")
	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", "--method", "direct", "--allow-destructive", "airport_delays", spec)
	contains(t, "direct no-op", out, "No changes: stack flights-dev is up to date.")
	// Without the flag, the job's script no longer allows destructive changes.
	out, _ = flowcExit(t, 0, "deploy", "--env", "dev", "--yes", "--method", "direct", spec)
	contains(t, "back to the spec's policy", out, "content of glue/airport_delays.py changed", "UPDATE_COMPLETE")

	tmpl, err := cloudformation.NewFromConfig(srv.Config()).GetTemplate(context.Background(), &cloudformation.GetTemplateInput{StackName: aws.String("flights-dev")})
	if err != nil || !strings.Contains(aws.ToString(tmpl.TemplateBody), `"DeletionPolicy": "RetainExceptOnCreate"`) {
		t.Errorf("the deployed data bucket is not DeletionPolicy RetainExceptOnCreate: %v", err)
	}
	out, errOut = flowcExit(t, 2, "destroy", "--env", "dev", spec)
	contains(t, "destroy without --yes", out, "Stack flights-dev (UPDATE_COMPLETE, account 123456789012, us-east-1) holds", "S3 bucket acme-flights-landing-dev (BucketAcmeFlightsLandingDev)")
	contains(t, "destroy without --yes", errOut, "refusing to destroy without confirmation")
	out, _ = flowcExit(t, 0, "destroy", "--env", "dev", "--yes", spec)
	contains(t, "destroy", out, "DELETE_COMPLETE", "Deleted stack flights-dev.",
		"Kept (delete them yourself when the data is no longer needed):\n  S3 bucket acme-flights-landing-dev",
		"The asset bucket flowc-assets-123456789012-us-east-1 is kept too")
	// AWS keeps a RetainExceptOnCreate bucket when the stack is deleted
	// ("behaves like Retain for stack operations, except for the stack
	// operation that initially created the resource", CloudFormation,
	// DeletionPolicy attribute). Stock moto 5.2.1 keeps only "Retain"
	// (moto/cloudformation/parsing.py) and deletes the bucket, so the
	// emulator cannot show it: the deployed template's attribute (above)
	// and the destroy output are what is checked.
	if _, err := s3Of(srv).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("acme-flights-landing-dev")}); err != nil {
		t.Logf("stock moto deleted the RetainExceptOnCreate data bucket, as it does (AWS keeps it): %v", err)
	}
	out, _ = flowcExit(t, 0, "destroy", "--env", "dev", "--yes", spec)
	contains(t, "destroy again", out, "Stack flights-dev does not exist")
}

// TestDeployConfirmOnTerminal: on a terminal, deploy asks; "n" deploys
// nothing (exit 1), "y" deploys.
func TestDeployConfirmOnTerminal(t *testing.T) {
	srv := deploytest.Moto(t)
	srv.SetEnv(t)
	spec := exampleSpec(t)
	master, tty := openPTY(t)

	io.WriteString(master, "n\n")
	out, errOut, code := runWith(t, context.Background(), tty, "deploy", "--env", "dev", spec)
	if code != 1 {
		t.Fatalf("answering no: exit %d\n%s\n%s", code, out, errOut)
	}
	contains(t, "prompt", errOut, "Deploy these changes to stack flights-dev? [y/N]")
	contains(t, "declined", out, "Not deployed; nothing was changed.")

	io.WriteString(master, "y\n")
	out, errOut, code = runWith(t, context.Background(), tty, "deploy", "--env", "dev", spec)
	if code != 0 {
		t.Fatalf("answering yes: exit %d\n%s\n%s", code, out, errOut)
	}
	contains(t, "confirmed", out, "Stack flights-dev: CREATE_COMPLETE")
}

// TestDeployGuardAndDirectCreate: the prod environment's account guard
// matches the emulator's account and a direct deploy creates the stack; a
// guard naming another account is refused.
func TestDeployGuardAndDirectCreate(t *testing.T) {
	srv := deploytest.Moto(t)
	srv.SetEnv(t)
	spec := exampleSpec(t)
	out, _ := flowcExit(t, 0, "deploy", "--env", "prod", "--yes", "--method", "direct", spec)
	contains(t, "direct create", out, "stack flights-prod (account 123456789012, us-east-1)", "+ table delayed_flights_fact", "CREATE_COMPLETE")

	other := exampleSpec(t, `account: "123456789012"`, `account: "111111111111"`)
	for _, cmd := range []string{"deploy", "diff", "destroy"} {
		_, errOut := flowcExit(t, 2, cmd, "--env", "prod", "--yes", other)
		if cmd == "diff" {
			_, errOut = flowcExit(t, 2, cmd, "--env", "prod", other)
		}
		contains(t, cmd, errOut, "environment prod may only be deployed to account 111111111111, but the credentials in use are for account 123456789012")
	}
}

// TestDeployUsage: flags and arguments are checked before AWS is called.
func TestDeployUsage(t *testing.T) {
	spec := exampleSpec(t)
	for _, args := range [][]string{
		{"deploy", "--env", "dev"},
		{"deploy", "--env", "dev", "--method", "sideways", spec},
		{"deploy", "--env", "dev", "--parameter", "novalue", spec},
		{"diff", "--env", "dev", "--format", "yaml", spec},
		{"diff", "--env", "dev", "--against", filepath.Join(t.TempDir(), "missing"), spec},
		{"destroy", spec},
	} {
		_, errOut := flowcExit(t, 2, args...)
		if !strings.HasPrefix(withoutWarnings(errOut), "flowc: ") {
			t.Errorf("flowc %v: stderr %q", args, errOut)
		}
	}
}

// TestDeployInterrupted: Ctrl-C (a cancelled context) while deploy waits
// for another operation on the stack exits 2, changes nothing and says how
// to resume. Moto finishes operations at once, so a fault proxy reports
// the stack busy.
func TestDeployInterrupted(t *testing.T) {
	srv := deploytest.Moto(t)
	srv.SetEnv(t)
	spec := exampleSpec(t)
	flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	f := deploytest.NewFaults(t, srv)
	t.Setenv("AWS_ENDPOINT_URL", f.URL)
	f.Hold("UPDATE_IN_PROGRESS", -1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, errOut, code := runWith(t, ctx, strings.NewReader(""), "deploy", "--env", "dev", "--yes", exampleSpec(t, updated...))
	if code != 2 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	contains(t, "progress", out, "Stack flights-dev has an operation in progress (UPDATE_IN_PROGRESS); waiting for it to finish before deploying.")
	contains(t, "message", errOut, "flowc: interrupted while waiting for the operation in progress on stack flights-dev.",
		"flowc changed nothing. Run `flowc deploy --env dev ", "aws cloudformation describe-stack-events --stack-name flights-dev")
	if f.Requests("CreateChangeSet") != 0 {
		t.Error("a change set was created")
	}
	f.Release()
	out, _ = flowcExit(t, 0, "diff", "--env", "dev", "--exit-code", spec)
	contains(t, "diff", out, "No changes.")
}
