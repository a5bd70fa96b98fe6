package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// freshnessMachine is the example's freshness check on the emulator.
const freshnessMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:flights-dev-freshness"

// TestFreshnessAlerts deploys the example with a tiny freshness (warn
// after 20s, error after 30s: the emulator takes seconds from a file to
// its run's check) on the emulator and lands day 01, then day 02 within
// 20s: day 01's check finds the newer arrival and stays quiet; day
// 03 never comes, so day 02's check publishes a WARN and then an ERROR
// alert naming the source and day 02 to the alert topic.
func TestFreshnessAlerts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := deploytest.Pipeline(t)
	srv.SetEnv(t)
	spec := exampleSpec(t, "trigger: on_arrival ", "trigger: {on_arrival: {settle_seconds: 1, max_wait_seconds: 60}}\n    freshness: {warn_after: 20s, error_after: 30s} ")
	flowcExit(t, 0, "deploy", "--env", "dev", "--yes", spec)
	srv.CreateCatalogTables(t, builtTemplate(t, spec), "flights_dev")
	s3c, sfnc := s3Of(srv), sfn.NewFromConfig(srv.Config())

	checks := func(finished bool) []sfntypes.ExecutionListItem {
		t.Helper()
		m := freshnessMachine
		list, err := sfnc.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &m})
		if err != nil {
			t.Fatal(err)
		}
		var out []sfntypes.ExecutionListItem
		for _, e := range list.Executions {
			if !finished || e.Status != sfntypes.ExecutionStatusRunning {
				out = append(out, e)
			}
		}
		return out
	}
	waitFor := func(what string, n int, finished bool) []sfntypes.ExecutionListItem {
		t.Helper()
		for ctx.Err() == nil {
			if got := checks(finished); len(got) >= n {
				return got
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("%s: fewer than %d freshness checks; the pipeline's last run:\n%s", what, n, lastHistory(t, sfnc))
		return nil
	}
	late := func() []string {
		var out []string
		for _, m := range published(t, srv) {
			if strings.Contains(m, "source late") {
				out = append(out, m)
			}
		}
		return out
	}

	landDay(ctx, t, s3c, "01")
	waitFor("day 01", 1, false)
	start := time.Now()
	landDay(ctx, t, s3c, "02")
	waitFor("day 02", 2, false)
	if time.Since(start) > 15*time.Second {
		t.Skipf("the emulator took %s to start day 02's check: the 20s window cannot be tested", time.Since(start))
	}
	done := waitFor("both checks", 2, true)
	for _, e := range done {
		if e.Status != sfntypes.ExecutionStatusSucceeded {
			t.Errorf("freshness check %s: %s\n%s", *e.Name, e.Status, describe(ctx, t, sfnc, e))
		}
	}
	msgs := late()
	if len(msgs) != 2 {
		t.Fatalf("%d late alerts, want a warn and an error:\n%s", len(msgs), strings.Join(published(t, srv), "\n"))
	}
	for i, want := range []string{"source late (WARN)", "source late (ERROR)"} {
		contains(t, "alert", msgs[i], "flights-dev-alerts: flowc flights (dev): "+want,
			"source flights is late", "for partition year=2001/month=01/day=02, at 20")
	}
	contains(t, "warn", msgs[0], "No new file has arrived for 20s (its freshness warn_after)")
	contains(t, "error", msgs[1], "No new file has arrived for 30s (its freshness error_after)")
	if all := strings.Join(msgs, "\n"); strings.Contains(all, "day=01") {
		t.Errorf("day 01's check alerted though day 02 came in time:\n%s", all)
	}

	// flowc runs says the same from the run history: day 02 is the last
	// partition, more than error_after ago.
	out, _ := flowcExit(t, 0, "runs", "--env", "dev", spec)
	if first, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(first, "freshness flights: error, last partition year=2001/month=01/day=02 arrived ") ||
		!strings.HasSuffix(first, "(warn after 20s, error after 30s)") {
		t.Errorf("runs: first line %q\n%s", first, out)
	}
	out, _ = flowcExit(t, 0, "runs", "--env", "dev", "--format", "json", spec)
	var doc struct {
		Freshness []freshnessJSON `json:"freshness"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Freshness) != 1 {
		t.Fatalf("runs JSON: %v\n%s", err, out)
	}
	if f := doc.Freshness[0]; f.Source != "flights" || f.Partition != "year=2001/month=01/day=02" || f.State != "error" || f.AgeSeconds == nil || *f.AgeSeconds < 30 {
		t.Errorf("runs JSON freshness: %+v", f)
	}
}

// lastHistory is the newest run's history, one line per event, for a
// failure message.
func lastHistory(t *testing.T, c *sfn.Client) string {
	t.Helper()
	ctx := context.Background()
	m := exampleMachine
	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &m})
	if err != nil || len(list.Executions) == 0 {
		return fmt.Sprint("no run: ", err)
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: list.Executions[0].ExecutionArn})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, e := range h.Events {
		b.WriteString(string(e.Type))
		if d := e.StateEnteredEventDetails; d != nil {
			b.WriteString(" " + aws.ToString(d.Name))
		}
		if d := e.TaskFailedEventDetails; d != nil {
			b.WriteString(" " + aws.ToString(d.Error) + ": " + aws.ToString(d.Cause))
		}
		if d := e.ExecutionFailedEventDetails; d != nil {
			b.WriteString(" " + aws.ToString(d.Error) + ": " + aws.ToString(d.Cause))
		}
		b.WriteString("\n")
	}
	return b.String()
}
