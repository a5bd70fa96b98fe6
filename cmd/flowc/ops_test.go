package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/deploy/deploytest"
)

var dateCols = []string{"year", "month", "day"}

// TestParseValues: a partition as a date (for [year, month, day] only),
// as values in order, or written out; wrong shapes are errors.
func TestParseValues(t *testing.T) {
	for _, c := range []struct {
		cols []string
		arg  string
		want string // the partition path, or "error"
	}{
		{dateCols, "2001-01-17", "year=2001/month=01/day=17"},
		{dateCols, "2001/1/17", "year=2001/month=1/day=17"},
		{dateCols, "year=2001/month=01/day=17", "year=2001/month=01/day=17"},
		{dateCols, "2001-02-30", "error"},
		{dateCols, "2001/01", "error"},
		{dateCols, "year=2001/day=01/month=17", "error"},
		{[]string{"region", "dt"}, "eu/2001-01-17", "region=eu/dt=2001-01-17"},
		{[]string{"region", "dt"}, "2001-01-17", "error"},
		{[]string{"dt"}, "2001-01-17", "dt=2001-01-17"},
	} {
		vals, err := parseValues(c.cols, c.arg)
		got := "error"
		if err == nil {
			got = partitionPath(c.cols, vals)
		}
		if got != c.want {
			t.Errorf("parseValues(%v, %q) = %s (%v), want %s", c.cols, c.arg, got, err, c.want)
		}
	}
}

// TestCompareValues: integers compare as numbers (month=1 is month=01),
// the rest as strings.
func TestCompareValues(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2001/01/09", "2001/01/10", -1},
		{"2001/1/9", "2001/01/09", 0},
		{"2001/02/01", "2001/01/31", 1},
		{"eu/x", "us/a", -1},
	} {
		if got := compareValues(strings.Split(c.a, "/"), strings.Split(c.b, "/")); sign(got) != c.want {
			t.Errorf("compareValues(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// TestDecide: the backfill plan of one partition, for each last run and
// mode.
func TestDecide(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	last := map[string]deploy.Run{
		"ok":   {Status: "succeeded", Started: at},
		"bad":  {Status: "failed", Started: at, Error: "flowc.RunFailed", Cause: "flowc.JobFailed: Glue job x failed\nmore"},
		"busy": {Status: "running", Started: at, Name: "flowc-x"},
	}
	for _, c := range []struct{ part, mode, want string }{
		{"new", "", "run never run"},
		{"new", "only-missing", "run never run"},
		{"new", "only-failed", "skip never run (--only-failed)"},
		{"bad", "", "re-run last run failed (2026-12-01 10:00Z): flowc.RunFailed: flowc.JobFailed: Glue job x failed"},
		{"bad", "only-missing", "skip last run failed (2026-12-01 10:00Z): flowc.RunFailed: flowc.JobFailed: Glue job x failed (--only-missing)"},
		{"ok", "", "skip last run succeeded (2026-12-01 10:00Z)"},
		{"ok", "only-failed", "skip last run succeeded (2026-12-01 10:00Z)"},
		{"ok", "all", "re-run last run succeeded (2026-12-01 10:00Z) (--all)"},
		{"busy", "all", "skip a run is in progress (flowc-x, started 2026-12-01 10:00Z)"},
	} {
		p := decide(c.part, last, c.mode)
		if got := p.action + " " + p.why; got != c.want {
			t.Errorf("decide(%s, %q) = %q, want %q", c.part, c.mode, got, c.want)
		}
	}
}

// TestOpsUsage: the run commands' usage errors are exit 2, before any AWS
// call.
func TestOpsUsage(t *testing.T) {
	spec := exampleSpec(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"runs", "--env", "dev", "--since", "soon", spec}, `--since "soon"`},
		{[]string{"runs", "--env", "dev", "--status", "ok", spec}, `--status "ok"`},
		{[]string{"runs", "--env", "dev", "--format", "xml", spec}, `--format "xml": want text or json`},
		{[]string{"rerun", "--env", "dev", spec}, "at least one PARTITION"},
		{[]string{"backfill", "--env", "dev", spec}, "needs a range"},
		{[]string{"backfill", "--env", "dev", "--from", "2001-01-01", spec}, "both --from and --to"},
		{[]string{"backfill", "--env", "dev", "--from", "2001-01-01", "--to", "2001-01-02", "--partition", "*", spec}, "not both"},
		{[]string{"backfill", "--env", "dev", "--partition", "*/*/*", "--all", "--only-failed", spec}, "--only-failed and --all: choose one"},
		{[]string{"backfill", "--env", "dev", "--partition", "*/*/*", "--max-parallel", "0", spec}, "--max-parallel 0"},
		// Arguments read against the spec are checked before AWS is reached
		// (no stack, no credentials needed to be told).
		{[]string{"rerun", "--env", "dev", spec, "2001-13"}, `partition "2001-13"`},
		{[]string{"runs", "--env", "dev", "--partition", "someday", spec}, "--partition"},
		{[]string{"backfill", "--env", "dev", "--from", "2001-01-01", "--to", "soon", spec}, "soon"},
		{[]string{"logs", "--env", "dev", spec}, "logs needs a SPEC file and one PARTITION"},
		{[]string{"logs", "--env", "dev", "--format", "yaml", spec, "2001-01-01"}, `--format "yaml": want text or json`},
		{[]string{"logs", "--env", "dev", spec, "2001-13"}, `partition "2001-13": want a date`},
		{[]string{"logs", "--env", "dev", "--table", "nope", spec, "2001-01-01"}, "--table nope: the pipeline has no such table (it has: "},
	} {
		_, errOut := flowcExit(t, 2, c.args...)
		contains(t, strings.Join(c.args[:1], " "), errOut, c.want)
	}
}

// TestOperate drives runs, rerun and backfill against the emulator: two
// days land (one run succeeds, one fails with the job tagged to fail),
// two more land with the trigger off (never run). runs shows each run;
// backfill --dry-run plans skip / re-run / run; rerun of the failed day
// (tag removed) succeeds under a flowc name; backfill --yes runs the day
// never run; a rerun that fails is exit 1.
func TestOperate(t *testing.T) {
	defer func(p, h time.Duration) { runPoll, heartbeat = p, h }(runPoll, heartbeat)
	runPoll, heartbeat = 100*time.Millisecond, time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, spec, _ := deployedExample(t)

	cfg := srv.Config()
	s3c, sfnc, gluec := s3Of(srv), sfn.NewFromConfig(cfg), glue.NewFromConfig(cfg)
	job := "arn:aws:glue:us-east-1:123456789012:job/flights-dev-delayed-flights-fact"
	failJob := func(fail bool) {
		t.Helper()
		var err error
		if fail {
			_, err = gluec.TagResource(ctx, &glue.TagResourceInput{ResourceArn: &job, TagsToAdd: map[string]string{"moto-test-outcome": "FAILED"}})
		} else {
			_, err = gluec.UntagResource(ctx, &glue.UntagResourceInput{ResourceArn: &job, TagsToRemove: []string{"moto-test-outcome"}})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	landDay(ctx, t, s3c, "01")
	finishedRuns(ctx, t, srv, sfnc, 1)
	failJob(true)
	landDay(ctx, t, s3c, "02")
	finishedRuns(ctx, t, srv, sfnc, 2)
	failJob(false)
	// Files that land while the trigger is off are never run (as files
	// from before the pipeline existed).
	removeTarget(ctx, t, srv, "flights-dev-flights", "StateMachine")
	landDay(ctx, t, s3c, "03")
	landDay(ctx, t, s3c, "04")
	count := func() int {
		t.Helper()
		out, err := sfnc.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(exampleMachine)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Executions)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d executions with the trigger off, want 2", n)
	}

	out, _ := flowcExit(t, 0, "runs", "--env", "dev", spec)
	t.Logf("flowc runs:\n%s", out)
	contains(t, "runs", out, "PARTITION", "year=2001/month=01/day=01  succeeded", "year=2001/month=01/day=02  failed", "flowc.RunFailed: ",
		"  table delayed_flights_fact failed: ")
	if strings.Index(out, "day=02") > strings.Index(out, "day=01") {
		t.Errorf("runs are not newest first:\n%s", out)
	}
	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--format", "json", "--status", "failed", spec)
	var doc struct {
		Runs []struct {
			ExecutionArn, Partition, Status, Started, Error, Cause string
			Stopped                                                *string
			Tables                                                 []struct {
				Table, Status, JobRunID, Error string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("runs --format json: %v\n%s", err, out)
	}
	if len(doc.Runs) != 1 || doc.Runs[0].Partition != "year=2001/month=01/day=02" || doc.Runs[0].Status != "failed" ||
		doc.Runs[0].Error != "flowc.RunFailed" || !strings.Contains(doc.Runs[0].Cause, "delayed") || doc.Runs[0].Stopped == nil {
		t.Errorf("runs --status failed --format json:\n%s", out)
	}
	// The load's results, from the failed execution's history: the
	// tagged job failed, the other loaded.
	if len(doc.Runs) == 1 {
		got := map[string]string{}
		for _, tb := range doc.Runs[0].Tables {
			got[tb.Table] = tb.Status
			if tb.Status == "failed" && tb.Error == "" {
				t.Errorf("failed table %s without its error", tb.Table)
			}
		}
		if got["delayed_flights_fact"] != "failed" || got["airport_delays"] != "succeeded" {
			t.Errorf("tables of the failed run: %v\n%s", got, out)
		}
	}
	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--partition", "2001-01-01", spec)
	if !strings.Contains(out, "day=01") || strings.Contains(out, "day=02") {
		t.Errorf("runs --partition 2001-01-01:\n%s", out)
	}

	rng := []string{"backfill", "--env", "dev", "--from", "2001-01-01", "--to", "2001-01-03"}
	out, _ = flowcExit(t, 0, append(rng, "--dry-run", spec)...)
	t.Logf("flowc backfill --dry-run:\n%s", out)
	contains(t, "backfill --dry-run", out, "3 partition(s) with data",
		"Plan: 1 to run, 1 to re-run, 1 to skip.",
		"skip    year=2001/month=01/day=01  last run succeeded",
		"re-run  year=2001/month=01/day=02  last run failed",
		"run     year=2001/month=01/day=03  never run",
		"Dry run: nothing was started.")
	if strings.Contains(out, "day=04") || count() != 2 {
		t.Errorf("the dry run went outside its range or started a run:\n%s", out)
	}
	_, errOut := flowcExit(t, 2, append(rng, spec)...)
	contains(t, "backfill without --yes", errOut, "refusing to backfill without confirmation")

	out, _ = flowcExit(t, 0, "rerun", "--env", "dev", spec, "2001-01-02")
	contains(t, "rerun", out, "year=2001/month=01/day=02: started flowc-flights-2001-01-02-", "year=2001/month=01/day=02: succeeded in", "1 succeeded, 0 failed.")

	out, _ = flowcExit(t, 0, append(rng, "--yes", "--max-parallel", "2", spec)...)
	contains(t, "backfill --yes", out, "Plan: 1 to run, 0 to re-run, 2 to skip.", "year=2001/month=01/day=03: started flowc-flights-2001-01-03-", "1 succeeded, 0 failed.")

	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--format", "json", "--partition", "year=2001/month=01/day=02", spec)
	doc.Runs = nil
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 2 || doc.Runs[0].Status != "succeeded" || doc.Runs[1].Status != "failed" {
		t.Errorf("runs of day 02 after the rerun (%v):\n%s", err, out)
	}

	failJob(true)
	out, _ = flowcExit(t, 1, "rerun", "--env", "dev", spec, "year=2001/month=01/day=04", "2001-01-05")
	t.Logf("flowc rerun (failing):\n%s", out)
	contains(t, "failed rerun", out, "year=2001/month=01/day=04: FAILED in", "flowc.RunFailed", "year=2001/month=01/day=05: no data file in s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=05/")

	// The runs flowc starts are starts by hand: {"source", "partition"},
	// and the job ran for that partition.
	last := finishedRuns(ctx, t, srv, sfnc, count())
	if in := describe(ctx, t, sfnc, last); !strings.Contains(in, `"partition":"year=2001/month=01/day=04"`) || strings.Contains(in, `"key"`) {
		t.Errorf("the rerun's input: %s", in)
	}
	jobRuns := func(name string) []gluetypes.JobRun {
		t.Helper()
		out, err := gluec.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.JobRuns
	}
	delayed, airport := "flights-dev-delayed-flights-fact", "flights-dev-airport-delays"
	if runs := jobRuns(delayed); len(runs) == 0 || newest(runs).Arguments["--flowc_partition"] != "year=2001/month=01/day=04" {
		t.Errorf("the job of a start by hand ran without its partition: %+v", runs)
	}

	// --from-failure: only the table that failed runs; the other is
	// skipped, and runs shows it so.
	failJob(false)
	airportBefore := len(jobRuns(airport))
	delayedBefore := len(jobRuns(delayed))
	out, _ = flowcExit(t, 0, "rerun", "--env", "dev", "--from-failure", spec, "2001-01-04")
	t.Logf("flowc rerun --from-failure:\n%s", out)
	contains(t, "rerun --from-failure", out, "year=2001/month=01/day=04: the last run (flowc-flights-2001-01-04-",
		"failed in delayed_flights_fact: running only that", "year=2001/month=01/day=04: succeeded in", "1 succeeded, 0 failed.")
	if a, d := len(jobRuns(airport)), len(jobRuns(delayed)); a != airportBefore || d != delayedBefore+1 {
		t.Errorf("--from-failure ran airport_delays %d and delayed_flights_fact %d more times, want 0 and 1", a-airportBefore, d-delayedBefore)
	}
	if in := describe(ctx, t, sfnc, finishedRuns(ctx, t, srv, sfnc, count())); !strings.Contains(in, `"tables":["delayed_flights_fact"]`) {
		t.Errorf("the --from-failure input: %s", in)
	}
	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--partition", "2001-01-04", spec)
	contains(t, "runs after --from-failure", out, "skipped (the run was started for other tables): airport_delays")
	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--format", "json", "--partition", "2001-01-04", spec)
	doc.Runs = nil
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 2 || doc.Runs[0].Status != "succeeded" {
		t.Fatalf("runs of day 04 (%v):\n%s", err, out)
	}
	got := map[string]string{}
	for _, tb := range doc.Runs[0].Tables {
		got[tb.Table] = tb.Status
	}
	if got["delayed_flights_fact"] != "succeeded" || got["airport_delays"] != "skipped" {
		t.Errorf("tables of the --from-failure run: %v\n%s", got, out)
	}
	// Nothing failed last: said, and nothing started.
	n := count()
	out, _ = flowcExit(t, 0, "rerun", "--env", "dev", "--from-failure", spec, "2001-01-04")
	contains(t, "rerun --from-failure after success", out, "year=2001/month=01/day=04: the last run (", "succeeded: nothing failed to run again")
	if count() != n {
		t.Error("--from-failure started a run after a success")
	}

	// Starts by hand the state machine refuses end failed at once (no
	// hang), with their reason: an unknown source, a partition of the
	// wrong shape, "tables" that is not a non-empty list of the run's
	// tables.
	for _, c := range []struct{ input, want string }{
		{`{"source": "nope", "partition": "year=2001/month=01/day=01"}`, "flowc.BadInput: the run input"},
		{`{"source": "flights", "partition": "year=2001/month=01"}`, "flowc.BadPartition: the run input"},
		{`{"source": "flights", "partition": "year=2001/month=01/day="}`, "flowc.BadPartition: the run input"},
		{`{"source": "flights", "partition": "year=2001/month=01/day=01", "tables": ["nope"]}`, "flowc.BadTables: the run input"},
		{`{"source": "flights", "partition": "year=2001/month=01/day=01", "tables": []}`, "flowc.BadTables: the run input"},
		{`{"source": "flights", "partition": "year=2001/month=01/day=01", "tables": "delayed_flights_fact"}`, "flowc.BadTables: the run input"},
	} {
		start, err := sfnc.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(exampleMachine), Input: aws.String(c.input)})
		if err != nil {
			t.Fatal(err)
		}
		var d *sfn.DescribeExecutionOutput
		for d == nil || d.Status == sfntypes.ExecutionStatusRunning {
			if ctx.Err() != nil {
				t.Fatalf("%s: still running", c.input)
			}
			time.Sleep(200 * time.Millisecond)
			if d, err = sfnc.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn}); err != nil {
				t.Fatal(err)
			}
		}
		if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "flowc.RunFailed" || !strings.HasPrefix(aws.ToString(d.Cause), c.want) {
			t.Errorf("%s: %s %s: %s, want FAILED flowc.RunFailed %s...", c.input, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), c.want)
		}
	}
}

// newest is the job run started last.
func newest(runs []gluetypes.JobRun) gluetypes.JobRun {
	out := runs[0]
	for _, r := range runs[1:] {
		if aws.ToTime(r.StartedOn).After(aws.ToTime(out.StartedOn)) {
			out = r
		}
	}
	return out
}

// removeTarget removes a target from an EventBridge rule on the emulator
// (the repository has no EventBridge client: a JSON 1.1 call by hand).
func removeTarget(ctx context.Context, t *testing.T, srv *deploytest.Server, rule, id string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"Rule": rule, "Ids": []string{id}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSEvents.RemoveTargets")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20010101/"+deploytest.Region+"/events/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("RemoveTargets: %s", resp.Status)
	}
}

// TestOpsWithoutStack: before the first deploy, runs, rerun and backfill
// say to deploy first (exit 2).
func TestOpsWithoutStack(t *testing.T) {
	srv := deploytest.Moto(t)
	srv.SetEnv(t)
	spec := exampleSpec(t)
	for _, args := range [][]string{
		{"runs", "--env", "dev", spec},
		{"rerun", "--env", "dev", spec, "2001-01-01"},
		{"backfill", "--env", "dev", "--partition", "*/*/*", "--dry-run", spec},
	} {
		_, errOut := flowcExit(t, 2, args...)
		contains(t, args[0], errOut, "stack flights-dev does not exist; deploy it first with `flowc deploy --env dev "+spec+"`")
	}
}

// TestPlanFromFailure: --from-failure runs the tables that failed in the
// last run, in spec order, leaving out tables no longer in the spec; every
// table when the run failed before its tables; nothing after a success
// (not refused: exit 0), and it refuses (exit 1) with no run or one in
// progress.
func TestPlanFromFailure(t *testing.T) {
	known := []string{"a", "b", "c"}
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	failedRun := func(tables ...deploy.TableRun) *deploy.Run {
		return &deploy.Run{Name: "r1", Status: "failed", Started: at, Error: "flowc.RunFailed", Cause: "x: y", Tables: tables}
	}
	for _, c := range []struct {
		name          string
		last          *deploy.Run
		run, refused  bool
		tables, inMsg string
	}{
		{"never run", nil, false, true, "[]", "never run"},
		{"running", &deploy.Run{Name: "r1", Status: "running"}, false, true, "[]", "in progress (r1)"},
		{"succeeded", &deploy.Run{Name: "r1", Status: "succeeded", Started: at}, false, false, "[]", "succeeded: nothing failed"},
		{"failed tables, spec order", failedRun(
			deploy.TableRun{Table: "c", Error: "boom"}, deploy.TableRun{Table: "b", OK: true}, deploy.TableRun{Table: "a", Error: "boom"}),
			true, false, "[a c]", "failed in a, c: running only that"},
		{"skipped tables stay skipped", failedRun(
			deploy.TableRun{Table: "a", OK: true, Skipped: true}, deploy.TableRun{Table: "b", Error: "boom"}),
			true, false, "[b]", "failed in b"},
		{"a failed table left the spec", failedRun(
			deploy.TableRun{Table: "old", Error: "boom"}, deploy.TableRun{Table: "b", Error: "boom"}),
			true, false, "[b]", "(old failed too and is no longer loaded)"},
		{"only tables that left the spec", failedRun(deploy.TableRun{Table: "old", Error: "boom"}),
			false, false, "[]", "no longer load: nothing to run again"},
		{"failed before the load", failedRun(), true, false, "[]", "failed before its tables ran (flowc.RunFailed: x: y): running every table"},
	} {
		pl := planFromFailure(c.last, known)
		if pl.run != c.run || pl.refused != c.refused || fmt.Sprint(pl.tables) != c.tables || !strings.Contains(pl.msg, c.inMsg) {
			t.Errorf("%s: %+v", c.name, pl)
		}
		if c.name == "failed before the load" && pl.tables != nil {
			t.Errorf("%s: tables %v, want nil (every table)", c.name, pl.tables)
		}
	}
}
