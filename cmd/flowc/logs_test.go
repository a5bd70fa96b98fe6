package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// putJobLogs writes log events into a Glue job run's log stream as Glue
// would (the emulator's Glue writes none): the group and the stream, named
// by the run ID, are created when missing.
func putJobLogs(ctx context.Context, t *testing.T, c *cloudwatchlogs.Client, group, stream string, at time.Time, msgs ...string) {
	t.Helper()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &group}); err != nil && !strings.Contains(err.Error(), "ResourceAlreadyExists") {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &stream}); err != nil {
		t.Fatal(err)
	}
	var events []cwltypes.InputLogEvent
	for i, m := range msgs {
		events = append(events, cwltypes.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(at.Add(time.Duration(i) * time.Second).UnixMilli())})
	}
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &group, LogStreamName: &stream, LogEvents: events}); err != nil {
		t.Fatal(err)
	}
}

// TestLogs drives flowc logs against the emulator: a day whose
// delayed_flights_fact job was tagged to fail; its job run's output and
// error lines are put into CloudWatch Logs as Glue would write them. The
// timeline names the failed table and its job run ID; the table's lines
// follow, flowc's first; --table chooses a table; JSON has it all; a
// partition never run is exit 1; --follow follows a run to its end, and
// Ctrl-C stops it cleanly.
func TestLogs(t *testing.T) {
	defer func(p time.Duration) { runPoll = p }(runPoll)
	runPoll = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, spec, _ := deployedExample(t)
	cfg := srv.Config()
	s3c, sfnc, gluec, logc := s3Of(srv), sfn.NewFromConfig(cfg), glue.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)
	job := "arn:aws:glue:us-east-1:123456789012:job/flights-dev-delayed-flights-fact"
	if _, err := gluec.TagResource(ctx, &glue.TagResourceInput{ResourceArn: &job, TagsToAdd: map[string]string{"moto-test-outcome": "FAILED"}}); err != nil {
		t.Fatal(err)
	}
	landDay(ctx, t, s3c, "02")
	ex := finishedRuns(ctx, t, srv, sfnc, 1)
	if _, err := gluec.UntagResource(ctx, &glue.UntagResourceInput{ResourceArn: &job, TagsToRemove: []string{"moto-test-outcome"}}); err != nil {
		t.Fatal(err)
	}
	jr, err := gluec.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String("flights-dev-delayed-flights-fact")})
	if err != nil || len(jr.JobRuns) != 1 {
		t.Fatalf("job runs: %v %v", err, jr)
	}
	id := aws.ToString(jr.JobRuns[0].Id)
	at := time.Now().Add(-time.Minute)
	// Glue 4.0: stdout to /aws-glue/jobs/output, stderr to /aws-glue/jobs/error,
	// each in the stream named by the run ID (Glue 5.0: <id>-driver).
	putJobLogs(ctx, t, logc, "/aws-glue/jobs/error", id+"-driver", at,
		"Traceback (most recent call last):", `  File "delayed_flights_fact.py", line 9, in <module>`,
		"flowc_runtime.EmptyPartition: flowc: partition year=2001/month=01/day=02 of source flights is empty")
	putJobLogs(ctx, t, logc, "/aws-glue/jobs/output", id, at.Add(500*time.Millisecond),
		"flowc: reading s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=02/", "a line of Spark's")
	putJobLogs(ctx, t, logc, "/aws-glue/jobs/output", "jr_another", at, "flowc: another run's line")

	out, _ := flowcExit(t, 0, "logs", "--env", "dev", spec, "2001-01-02")
	t.Logf("flowc logs:\n%s", out)
	contains(t, "logs", out, "Newest run of year=2001/month=01/day=02: execution "+aws.ToString(ex.Name)+", failed, started ",
		aws.ToString(ex.ExecutionArn), "Timeline (UTC):",
		"  run started for raw/flights/year=2001/month=01/day=02/flights.csv\n",
		"  entered Run job (table delayed_flights_fact)\n",
		"  job run started "+id+" (table delayed_flights_fact, Glue job flights-dev-delayed-flights-fact)\n",
		"  job run failed "+id+" (table delayed_flights_fact, Glue job flights-dev-delayed-flights-fact): States.TaskFailed: FAILED: Job run ended FAILED because job is tagged moto-test-outcome=FAILED\n",
		"  job run succeeded jr_", "(table airport_delays, Glue job flights-dev-airport-delays)\n",
		"  left Load tables\n", "  run failed: flowc.RunFailed: flowc.TablesFailed: 1 of 2 tables failed",
		"\nTable delayed_flights_fact: failed, Glue job flights-dev-delayed-flights-fact, job run "+id+" (FAILED)\n",
		"  flowc's runtime:\n", "  Other output:\n",
		"  output  flowc: reading s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=02/\n",
		"  error   flowc_runtime.EmptyPartition: flowc: partition year=2001/month=01/day=02 of source flights is empty\n",
		"  error   Traceback (most recent call last):\n", "  output  a line of Spark's\n")
	order := []string{"flowc: reading", "EmptyPartition: flowc:", "Other output:", "Traceback", `File "delayed_flights_fact.py"`, "a line of Spark's"}
	for i := 1; i < len(order); i++ {
		if strings.Index(out, order[i-1]) > strings.Index(out, order[i]) {
			t.Errorf("%q before %q:\n%s", order[i], order[i-1], out)
		}
	}
	if strings.Contains(out, "another run's line") || strings.Contains(out, "Table airport_delays") {
		t.Errorf("another run's lines, or a table that did not fail:\n%s", out)
	}

	out, _ = flowcExit(t, 0, "logs", "--env", "dev", "--table", "airport_delays", spec, "year=2001/month=01/day=02")
	contains(t, "logs --table", out, "\nTable airport_delays: succeeded, Glue job flights-dev-airport-delays, job run jr_", " (SUCCEEDED)\n",
		"  No log lines in /aws-glue/jobs/output or /aws-glue/jobs/error for job run jr_")
	if strings.Contains(out, "Table delayed_flights_fact") {
		t.Errorf("--table airport_delays shows another table:\n%s", out)
	}

	out, _ = flowcExit(t, 0, "logs", "--env", "dev", "--format", "json", spec, "2001/01/02")
	var doc struct {
		ExecutionArn                   string `json:"execution_arn"`
		Name, Partition, Status, Error string
		Stopped                        *string
		Timeline                       []struct {
			Time, Event, State, Table, Job, Detail string
			JobRunID                               string `json:"job_run_id"`
		}
		Tables []struct {
			Table, Status, Job, Error string
			JobRunID                  string `json:"job_run_id"`
			JobRunState               string `json:"job_run_state"`
			Lines                     []struct {
				Time, Message string
				LogGroup      string `json:"log_group"`
				LogStream     string `json:"log_stream"`
				Flowc         bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("logs --format json: %v\n%s", err, out)
	}
	if doc.ExecutionArn != aws.ToString(ex.ExecutionArn) || doc.Partition != "year=2001/month=01/day=02" || doc.Status != "failed" || doc.Error != "flowc.RunFailed" || doc.Stopped == nil ||
		len(doc.Timeline) < 10 || doc.Timeline[0].Event != "run started" || doc.Timeline[len(doc.Timeline)-1].Event != "run failed" {
		t.Errorf("logs --format json: the run:\n%s", out)
	}
	failedStep := false
	for _, s := range doc.Timeline {
		failedStep = failedStep || s.Event == "job run failed" && s.Table == "delayed_flights_fact" && s.JobRunID == id && s.Job == "flights-dev-delayed-flights-fact"
	}
	if !failedStep {
		t.Errorf("no step says the job run %s of delayed_flights_fact failed:\n%s", id, out)
	}
	if len(doc.Tables) != 1 || doc.Tables[0].Table != "delayed_flights_fact" || doc.Tables[0].JobRunID != id || doc.Tables[0].JobRunState != "FAILED" || len(doc.Tables[0].Lines) != 5 {
		t.Fatalf("logs --format json: tables:\n%s", out)
	}
	var got []string
	for _, l := range doc.Tables[0].Lines {
		got = append(got, fmt.Sprintf("%v %s %s", l.Flowc, strings.TrimPrefix(l.LogGroup, "/aws-glue/jobs/"), strings.TrimPrefix(l.LogStream, id)))
	}
	if want := "true output |true error -driver|false error -driver|false error -driver|false output "; strings.Join(got, "|") != want {
		t.Errorf("lines (flowc, group, stream): %q, want %q", strings.Join(got, "|"), want)
	}

	_, errOut := flowcExit(t, 1, "logs", "--env", "dev", spec, "2001-01-09")
	contains(t, "logs of a partition never run", errOut, "flowc: partition year=2001/month=01/day=09 has no run among the executions of flights-dev", "`flowc runs`")

	// --follow: a run in progress is followed to its end, each step once.
	running := func(day string) {
		t.Helper()
		landDay(ctx, t, s3c, day)
		for ctx.Err() == nil {
			list, err := sfnc.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(exampleMachine), StatusFilter: sfntypes.ExecutionStatusRunning})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Executions) > 0 {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	running("03")
	out, _ = flowcExit(t, 0, "logs", "--env", "dev", "--follow", spec, "2001-01-03")
	t.Logf("flowc logs --follow:\n%s", out)
	contains(t, "logs --follow", out, ", running, started ", "  entered Wait for quiet\n", "  job run succeeded jr_", "  run succeeded\n", "No table's Glue job failed in this run")
	if strings.Count(out, "  run started for") != 1 || strings.Count(out, "entered Check source") != 1 || strings.Contains(out, "still running") {
		t.Errorf("logs --follow repeats steps or stops early:\n%s", out)
	}

	// --execution shows a run by its name, which must be the partition's.
	out, _ = flowcExit(t, 0, "logs", "--env", "dev", "--execution", aws.ToString(ex.Name), spec, "2001-01-02")
	contains(t, "logs --execution", out, "Run of year=2001/month=01/day=02: execution "+aws.ToString(ex.Name)+", failed", "\nTable delayed_flights_fact: failed")
	_, errOut = flowcExit(t, 2, "logs", "--env", "dev", "--execution", aws.ToString(ex.ExecutionArn), spec, "2001-01-03")
	contains(t, "logs --execution of another partition", errOut, "is a run of partition year=2001/month=01/day=02, not a run of year=2001/month=01/day=03")
	_, errOut = flowcExit(t, 1, "logs", "--env", "dev", "--execution", "nope", spec, "2001-01-03")
	contains(t, "logs --execution nope", errOut, "--execution nope: the state machine flights-dev has no such execution")

	// Ctrl-C stops following once the timeline shows: exit 130, what was
	// read stays printed, the run goes on.
	running("04")
	sig, stop := context.WithCancelCause(ctx)
	var outb, errb bytes.Buffer
	w := &onWrite{w: &outb, when: "entered Check source", do: func() { stop(signalCause{syscall.SIGINT}) }}
	code := run(sig, []string{"flowc", "logs", "--env", "dev", "--follow", spec, "2001-01-04"}, strings.NewReader(""), w, &errb)
	if code != 130 || !strings.Contains(errb.String(), "flowc: stopped following execution ") || !strings.Contains(errb.String(), "the run goes on in AWS") ||
		!strings.Contains(outb.String(), "entered Check source") || strings.Contains(outb.String(), "run succeeded") {
		t.Errorf("Ctrl-C during logs --follow: exit %d\nstdout:\n%s\nstderr:\n%s", code, outb.String(), errb.String())
	}
	finishedRuns(ctx, t, srv, sfnc, 3)
}

// onWrite calls do once what was written contains when.
type onWrite struct {
	w    *bytes.Buffer
	when string
	do   func()
	done bool
}

func (o *onWrite) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if !o.done && strings.Contains(o.w.String(), o.when) {
		o.done = true
		o.do()
	}
	return n, err
}
