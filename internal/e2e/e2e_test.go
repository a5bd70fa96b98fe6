package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/deploy/deploytest"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

const (
	region  = "us-east-1"
	account = "123456789012" // moto's account
	env     = "dev"
)

// emulator is a running moto_pipeline_server.
type emulator struct {
	url string
	srv *deploytest.Server
	cfg aws.Config
}

// startEmulator starts the server from FLOWC_TEST_EMULATOR on a free
// 127.0.0.1 port (deploytest stops it by its PID when the test ends).
func startEmulator(t *testing.T) *emulator {
	t.Helper()
	srv := deploytest.Pipeline(t)
	return &emulator{url: srv.URL, srv: srv, cfg: aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}}
}

func (e *emulator) endpoint() *string { return aws.String(e.url) }

// post sends a JSON body to one of moto's own endpoints.
func (e *emulator) post(t *testing.T, path string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(e.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %s", path, resp.Status)
	}
}

// putEvents sends events to the default event bus, as EventBridge's
// PutEvents (JSON 1.1 protocol), so a test can deliver an S3 event again.
func (e *emulator) putEvents(t *testing.T, entries ...map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"Entries": entries})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSEvents.PutEvents")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+region+"/events/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ FailedEntryCount int }
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 || out.FailedEntryCount != 0 {
		t.Fatalf("PutEvents: %s, %d failed", resp.Status, out.FailedEntryCount)
	}
}

// notifications returns the messages published to each SNS topic.
func (e *emulator) notifications(t *testing.T) map[string][]string {
	t.Helper()
	ns, err := e.srv.Published(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range ns {
		out[n.TopicArn] = append(out[n.TopicArn], n.Message)
	}
	return out
}

// build compiles the example with a settle window of two seconds, two
// partitions at a time and a one-second wait for a slot (the waits sleep
// for real on the emulator).
func build(t *testing.T) *compiler.Output {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	name := filepath.Join(filepath.Dir(file), "..", "..", "examples", "flights.yaml")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), "trigger: on_arrival ", "trigger: {on_arrival: {settle_seconds: 2, max_wait_seconds: 60}}", 1)
	src = strings.Replace(src, "\nalerts:", "\nruns: {max_parallel_partitions: 2}\nalerts:", 1)
	if src == string(b) {
		t.Fatal("the example changed: no trigger or alerts to edit")
	}
	pl, ds := spec.Load("flights.yaml", []byte(src), env)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	out, cds := compiler.CompileWith(pl, compiler.Options{SlotPollSeconds: 1})
	if cds.HasErrors() {
		t.Fatal(cds)
	}
	return out
}

// TestPipelineRunsOnEmulator deploys the example's build to the emulator
// and runs it: a file landing in S3 starts a run that registers its
// partition, loads and says so; a failing job fails the run and says why,
// the other tables loading.
func TestPipelineRunsOnEmulator(t *testing.T) {
	em := startEmulator(t)
	ctx := context.Background()
	out := build(t)
	cfn := cloudformation.NewFromConfig(em.cfg, func(o *cloudformation.Options) { o.BaseEndpoint = em.endpoint() })
	s3c := s3.NewFromConfig(em.cfg, func(o *s3.Options) { o.BaseEndpoint = em.endpoint(); o.UsePathStyle = true })
	sfc := sfn.NewFromConfig(em.cfg, func(o *sfn.Options) { o.BaseEndpoint = em.endpoint() })
	gl := glue.NewFromConfig(em.cfg, func(o *glue.Options) { o.BaseEndpoint = em.endpoint() })

	// Publish the assets as flowc deploy does, then create the stack.
	const assets = "flowc-assets-e2e"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(assets)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range out.Assets {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(assets), Key: aws.String(a.Key), Body: bytes.NewReader(out.File(a.Path))}); err != nil {
			t.Fatal(err)
		}
	}
	stack := out.IR.Names.Stack()
	_, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName:    aws.String(stack),
		TemplateBody: aws.String(string(out.File(layout.TemplatePath))),
		Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("AssetBucket"), ParameterValue: aws.String(assets)}},
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
	})
	if err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	w := cloudformation.NewStackCreateCompleteWaiter(cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second
	})
	desc, err := w.WaitForOutput(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)}, 2*time.Minute)
	if err != nil {
		t.Fatalf("stack %s not created: %v", stack, err)
	}
	outputs := map[string]string{}
	for _, o := range desc.Stacks[0].Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	sm, topic := outputs["StateMachineArn"], outputs["AlertTopicArn"]
	if sm == "" || topic == "" {
		t.Fatalf("stack outputs lack the state machine or topic: %v", outputs)
	}
	em.srv.CreateCatalogTables(t, out.File(layout.TemplatePath), outputs["GlueDatabaseName"])

	var mu sync.Mutex // the emulator's crawl and job outcomes are global: one scenario at a time
	run := func(t *testing.T, input map[string]string) *sfn.DescribeExecutionOutput {
		t.Helper()
		b, _ := json.Marshal(input)
		start, err := sfc.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(string(b))})
		if err != nil {
			t.Fatal(err)
		}
		return waitExecution(t, sfc, aws.ToString(start.ExecutionArn))
	}
	lastMessage := func(t *testing.T, before int) string {
		t.Helper()
		msgs := em.notifications(t)[topic]
		if len(msgs) != before+1 {
			t.Fatalf("%d messages published to %s, want 1:\n%s", len(msgs)-before, topic, strings.Join(msgs[before:], "\n"))
		}
		return msgs[before]
	}
	mustContain := func(t *testing.T, what, s string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(s, p) {
				t.Errorf("%s lacks %q:\n%s", what, p, s)
			}
		}
	}
	head := "Pipeline flights, environment dev: the run of source flights for partition "

	t.Run("file lands, run succeeds", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		before := len(em.notifications(t)[topic])
		known := executions(t, sfc, sm)
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("acme-flights-landing-dev"),
			Key:    aws.String("raw/flights/year=2001/month=01/day=17/flights.csv"),
			Body:   strings.NewReader("date,delay,distance,origin,destination\n2001-01-17 06:05,75,500,ATL,ORD\n"),
		})
		if err != nil {
			t.Fatal(err)
		}
		arn := newExecution(t, sfc, sm, known)
		d := waitExecution(t, sfc, arn)
		if d.Status != sfntypes.ExecutionStatusSucceeded {
			t.Fatalf("run %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		mustContain(t, "success message", lastMessage(t, before),
			head+"year=2001/month=01/day=17 succeeded", "delayed_flights_fact, airport_delays")
	})

	t.Run("extension in any case, other prefixes quiet", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		put := func(key string) {
			t.Helper()
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-flights-landing-dev"), Key: aws.String(key),
				Body: strings.NewReader("date,delay,distance,origin,destination\n2001-01-18 06:05,75,500,ATL,ORD\n")}); err != nil {
				t.Fatal(err)
			}
		}
		before := len(em.notifications(t)[topic])
		// Not a data file: .csvx starts nothing.
		known := executions(t, sfc, sm)
		put("raw/flights/year=2001/month=01/day=18/flights.csvx")
		time.Sleep(2 * time.Second)
		if n := len(executions(t, sfc, sm)) - len(known); n != 0 {
			t.Errorf(".csvx started %d executions", n)
		}
		// .CSV is loaded.
		put("raw/flights/year=2001/month=01/day=18/flights.CSV")
		d := waitExecution(t, sfc, newExecution(t, sfc, sm, known))
		if d.Status != sfntypes.ExecutionStatusSucceeded {
			t.Fatalf(".CSV run %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		mustContain(t, "success message", lastMessage(t, before), head+"year=2001/month=01/day=18 succeeded")
		// A .csv under another prefix of the bucket: the run ends at once,
		// without a message.
		known = executions(t, sfc, sm)
		put("exports/report.csv")
		arn := newExecution(t, sfc, sm, known)
		if d := waitExecution(t, sfc, arn); d.Status != sfntypes.ExecutionStatusSucceeded || !visited(t, sfc, arn, "Not this source's object") {
			t.Errorf("run of another prefix: %s, or it did not end at \"not this source's object\"", d.Status)
		}
		if n := len(em.notifications(t)[topic]) - before; n != 1 {
			t.Errorf("%d messages, want 1 (the .CSV run's)", n)
		}
	})

	// Requirement 5 of issue 16: a run registers its partition with one
	// glue:BatchCreatePartition call, whatever the number of partitions
	// already in the catalog: the state machine does the same for the
	// 100th partition as for the first.
	t.Run("registering the 100th partition costs what the first did", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		const db = "flights_dev"
		day := func(n int) string {
			d := time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n-1)
			return d.Format("year=2006/month=01/day=02")
		}
		runDay := func(n int) (string, *sfn.DescribeExecutionOutput) {
			t.Helper()
			b, _ := json.Marshal(map[string]string{"source": "flights", "bucket": "acme-flights-landing-dev", "key": "raw/flights/" + day(n) + "/flights.csv"})
			start, err := sfc.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(string(b))})
			if err != nil {
				t.Fatal(err)
			}
			arn := aws.ToString(start.ExecutionArn)
			d := waitExecution(t, sfc, arn)
			if d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Fatalf("run of %s: %s %s %s", day(n), d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			return arn, d
		}
		first, _ := runDay(1)
		// Partitions 2-99 straight into the catalog, as 98 earlier runs
		// would have left them.
		table, err := gl.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(db), Name: aws.String("flights")})
		if err != nil {
			t.Fatal(err)
		}
		sd := *table.Table.StorageDescriptor
		var inputs []gluetypes.PartitionInput
		for n := 2; n <= 99; n++ {
			psd := sd
			psd.Location = aws.String(aws.ToString(sd.Location) + day(n) + "/")
			values := []string{day(n)[5:9], day(n)[16:18], day(n)[23:25]}
			inputs = append(inputs, gluetypes.PartitionInput{Values: values, StorageDescriptor: &psd})
		}
		if _, err := gl.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: aws.String(db), TableName: aws.String("flights"), PartitionInputList: inputs}); err != nil {
			t.Fatal(err)
		}
		hundredth, _ := runDay(100)
		a, b := historyShape(t, sfc, first), historyShape(t, sfc, hundredth)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("the 100th partition's run differs from the first's:\nfirst:\n%s\n100th:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		if n := strings.Count(strings.Join(a, "\n"), "aws-sdk:glue:batchCreatePartition"); n != 1 {
			t.Errorf("%d batchCreatePartition calls in a run, want 1:\n%s", n, strings.Join(a, "\n"))
		}
		parts, err := gl.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String(db), TableName: aws.String("flights")})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range parts.Partitions {
			got[strings.Join(p.Values, "/")] = aws.ToString(p.StorageDescriptor.Location)
		}
		for _, n := range []int{1, 100} {
			want := "s3://acme-flights-landing-dev/raw/flights/" + day(n) + "/"
			if loc := got[day(n)[5:9]+"/"+day(n)[16:18]+"/"+day(n)[23:25]]; loc != want {
				t.Errorf("partition %s registered at %q, want %q", day(n), loc, want)
			}
		}
		// A second file of a registered day: AlreadyExistsException in the
		// response's Errors is no failure.
		again, _ := runDay(1)
		if !visited(t, sfc, again, "Partition registered?") || visited(t, sfc, again, "Partition not registered") {
			t.Error("the second run of day 1 did not take the registered partition as registered")
		}
	})

	// Requirement 1 of issue 16: one run per partition, however the files
	// arrive; at most max_parallel_partitions (2 here) partitions at once.
	jobRunsOf := func(t *testing.T, table, partition string) []gluetypes.JobRun {
		t.Helper()
		runs, err := gl.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String(out.IR.Names.GlueJob(table))})
		if err != nil {
			t.Fatal(err)
		}
		var out []gluetypes.JobRun
		for _, r := range runs.JobRuns {
			if r.Arguments["--flowc_partition"] == partition {
				out = append(out, r)
			}
		}
		return out
	}
	oneRunPerTable := func(t *testing.T, partition string) {
		t.Helper()
		for _, table := range []string{"delayed_flights_fact", "airport_delays"} {
			if n := len(jobRunsOf(t, table, partition)); n != 1 {
				t.Errorf("%s: %d job runs for %s, want 1", table, n, partition)
			}
		}
	}
	waitAll := func(t *testing.T, known map[string]bool, n int) []string {
		t.Helper()
		var arns []string
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(300 * time.Millisecond) {
			arns = arns[:0]
			running := 0
			out, err := sfc.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range out.Executions {
				if known[aws.ToString(e.ExecutionArn)] {
					continue
				}
				arns = append(arns, aws.ToString(e.ExecutionArn))
				if e.Status == sfntypes.ExecutionStatusRunning {
					running++
				}
			}
			if len(arns) >= n && running == 0 {
				return arns
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d executions started, %d still running after 2 minutes", len(arns), n, running)
			}
		}
	}
	successes := func(t *testing.T, before int, partition string) int {
		n := 0
		for _, m := range em.notifications(t)[topic][before:] {
			if strings.Contains(m, partition+" succeeded") {
				n++
			}
		}
		return n
	}

	t.Run("burst into one partition: one run", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		before := len(em.notifications(t)[topic])
		known := executions(t, sfc, sm)
		partition := "year=2001/month=04/day=01"
		const files = 10
		for i := range files {
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-flights-landing-dev"),
				Key:  aws.String(fmt.Sprintf("raw/flights/%s/part-%02d.csv", partition, i)),
				Body: strings.NewReader("date,delay,distance,origin,destination\n2001-04-01 06:05,75,500,ATL,ORD\n")}); err != nil {
				t.Fatal(err)
			}
		}
		arns := waitAll(t, known, files)
		loaded, pickedUp := 0, 0
		for _, arn := range arns {
			d := waitExecution(t, sfc, arn)
			if d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Errorf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			switch {
			case visited(t, sfc, arn, "Load tables"):
				loaded++
			case visited(t, sfc, arn, "Picked up by the running run"):
				pickedUp++
			}
		}
		if len(arns) != files || loaded != 1 || pickedUp != files-1 {
			t.Errorf("%d executions: %d loaded, %d picked up by the running run; want %d, 1, %d", len(arns), loaded, pickedUp, files, files-1)
		}
		oneRunPerTable(t, partition)
		if n, all := successes(t, before, partition), len(em.notifications(t)[topic])-before; n != 1 || all != 1 {
			t.Errorf("%d success messages of %d messages, want 1 of 1", n, all)
		}
	})

	t.Run("redelivered event: no second run", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		before := len(em.notifications(t)[topic])
		known := executions(t, sfc, sm)
		partition := "year=2001/month=04/day=02"
		// The same S3 event twice, as EventBridge may deliver it (at least
		// once): same key, same sequencer.
		detail := map[string]any{
			"version": "0", "bucket": map[string]any{"name": "acme-flights-landing-dev"},
			"object": map[string]any{"key": "raw/flights/" + partition + "/flights.csv", "size": 70, "etag": "0123", "sequencer": "0062E99A88DC407460"},
			"reason": "PutObject",
		}
		b, _ := json.Marshal(detail)
		entry := map[string]any{"Source": "aws.s3", "DetailType": "Object Created", "Detail": string(b), "Resources": []string{"arn:aws:s3:::acme-flights-landing-dev"}}
		for range 2 {
			em.putEvents(t, entry)
		}
		arns := waitAll(t, known, 2)
		dup := 0
		for _, arn := range arns {
			if d := waitExecution(t, sfc, arn); d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Errorf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			if visited(t, sfc, arn, "Duplicate event") {
				dup++
				if visited(t, sfc, arn, "Load tables") {
					t.Error("the duplicate's execution loaded")
				}
			}
		}
		if len(arns) != 2 || dup != 1 {
			t.Errorf("%d executions, %d ended at Duplicate event; want 2, 1", len(arns), dup)
		}
		oneRunPerTable(t, partition)
		if n := successes(t, before, partition); n != 1 {
			t.Errorf("%d success messages, want 1", n)
		}
	})

	t.Run("several partitions: at most 2 at a time", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		// Job runs take 2 seconds, so loads overlap unless the slots keep
		// them apart.
		em.post(t, "/moto-api/state-manager/set-transition", map[string]any{"model_name": "glue::job_run", "transition": map[string]any{"progression": "time", "seconds": 2}})
		defer em.post(t, "/moto-api/state-manager/set-transition", map[string]any{"model_name": "glue::job_run", "transition": map[string]any{"progression": "immediate"}})
		before := len(em.notifications(t)[topic])
		known := executions(t, sfc, sm)
		var parts []string
		for d := 10; d < 15; d++ {
			p := fmt.Sprintf("year=2001/month=04/day=%02d", d)
			parts = append(parts, p)
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-flights-landing-dev"), Key: aws.String("raw/flights/" + p + "/flights.csv"),
				Body: strings.NewReader("date,delay,distance,origin,destination\n2001-04-10 06:05,75,500,ATL,ORD\n")}); err != nil {
				t.Fatal(err)
			}
		}
		arns := waitAll(t, known, len(parts))
		type span struct{ from, to time.Time }
		var spans []span
		waited := 0
		for _, arn := range arns {
			if d := waitExecution(t, sfc, arn); d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Errorf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			h, err := sfc.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var sp span
			for _, e := range h.Events {
				if e.TaskFailedEventDetails != nil && strings.Contains(aws.ToString(e.TaskFailedEventDetails.Error), "ConcurrentRunsExceeded") {
					t.Errorf("%s: a job refused a run: %s", arn, aws.ToString(e.TaskFailedEventDetails.Error))
				}
				if e.StateExitedEventDetails != nil && aws.ToString(e.StateExitedEventDetails.Name) == "Take slot" {
					sp.from = aws.ToTime(e.Timestamp)
				}
				if e.StateEnteredEventDetails != nil && aws.ToString(e.StateEnteredEventDetails.Name) == "Release slot" {
					sp.to = aws.ToTime(e.Timestamp)
				}
				if e.StateEnteredEventDetails != nil && aws.ToString(e.StateEnteredEventDetails.Name) == "Slots full" {
					waited++
				}
			}
			if sp.from.IsZero() || sp.to.IsZero() {
				t.Errorf("%s took no slot or released none", arn)
				continue
			}
			spans = append(spans, sp)
		}
		// The most loads holding a slot at one instant.
		most := 0
		for _, a := range spans {
			n := 0
			for _, b := range spans {
				if !b.from.After(a.from) && b.to.After(a.from) {
					n++
				}
			}
			most = max(most, n)
		}
		if most > 2 || most == 0 {
			t.Errorf("%d partitions loaded at once, want at most 2 (and some)", most)
		}
		if waited == 0 {
			t.Error("no partition waited for a slot: the test did not exercise the bound")
		}
		for _, p := range parts {
			oneRunPerTable(t, p)
			if n := successes(t, before, p); n != 1 {
				t.Errorf("%s: %d success messages, want 1", p, n)
			}
		}
	})

	t.Run("file during a run: a second pass loads it", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		// Job runs take 3 seconds: the second file lands while the first
		// file's run is loading.
		em.post(t, "/moto-api/state-manager/set-transition", map[string]any{"model_name": "glue::job_run", "transition": map[string]any{"progression": "time", "seconds": 3}})
		defer em.post(t, "/moto-api/state-manager/set-transition", map[string]any{"model_name": "glue::job_run", "transition": map[string]any{"progression": "immediate"}})
		before := len(em.notifications(t)[topic])
		known := executions(t, sfc, sm)
		partition := "year=2001/month=04/day=20"
		put := func(name string) time.Time {
			t.Helper()
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-flights-landing-dev"), Key: aws.String("raw/flights/" + partition + "/" + name),
				Body: strings.NewReader("date,delay,distance,origin,destination\n2001-04-20 06:05,75,500,ATL,ORD\n")}); err != nil {
				t.Fatal(err)
			}
			return time.Now()
		}
		put("first.csv")
		first := newExecution(t, sfc, sm, known)
		for deadline := time.Now().Add(time.Minute); !visited(t, sfc, first, "Load tables"); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the first run never reached Load tables")
			}
		}
		landed := put("second.csv")
		arns := waitAll(t, known, 2)
		if len(arns) != 2 {
			t.Fatalf("%d executions, want 2", len(arns))
		}
		for _, arn := range arns {
			d := waitExecution(t, sfc, arn)
			if d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Errorf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			if arn == first {
				if !visited(t, sfc, arn, "Next pass") {
					t.Error("the first run did not go round again after a file arrived during its load")
				}
			} else if !visited(t, sfc, arn, "Picked up by the running run") || visited(t, sfc, arn, "Load tables") {
				t.Error("the second file's execution did not leave its file to the running run")
			}
		}
		// Each table loaded twice, and the second pass's load began after
		// the second file landed, so it read both files (the history's
		// times: the emulator stamps job runs when they are created).
		for _, table := range []string{"delayed_flights_fact", "airport_delays"} {
			if n := len(jobRunsOf(t, table, partition)); n != 2 {
				t.Errorf("%s: %d job runs for %s, want 2 (one per pass)", table, n, partition)
			}
		}
		h, err := sfc.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first), MaxResults: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var loads []time.Time
		for _, e := range h.Events {
			if e.StateEnteredEventDetails != nil && aws.ToString(e.StateEnteredEventDetails.Name) == "Load tables" {
				loads = append(loads, aws.ToTime(e.Timestamp))
			}
		}
		if len(loads) != 2 || !loads[1].After(landed) {
			t.Errorf("the first run entered Load tables at %v; want twice, the second after the second file landed (%v)", loads, landed)
		}
		if n, all := successes(t, before, partition), len(em.notifications(t)[topic])-before; n != 1 || all != 1 {
			t.Errorf("%d success messages of %d messages, want 1 of 1", n, all)
		}
	})

	// Requirement 7 of issue 16: tables succeed or fail independently and
	// one message lists every failed table.
	jobARN := func(table string) string {
		return fmt.Sprintf("arn:aws:glue:%s:%s:job/%s", region, account, out.IR.Names.GlueJob(table))
	}
	lastRun := func(t *testing.T, table string) string {
		t.Helper()
		runs, err := gl.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String(out.IR.Names.GlueJob(table))})
		if err != nil {
			t.Fatal(err)
		}
		var last *time.Time
		state := ""
		for _, r := range runs.JobRuns {
			if last == nil || aws.ToTime(r.StartedOn).After(*last) || aws.ToTime(r.StartedOn).Equal(*last) {
				last, state = r.StartedOn, string(r.JobRunState)
			}
		}
		return state
	}
	for _, tc := range []struct {
		name   string
		failed []string
		day    string
	}{
		{"one table fails, the other loads", []string{"airport_delays"}, "06"},
		{"two tables fail, one message", []string{"delayed_flights_fact", "airport_delays"}, "07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			defer mu.Unlock()
			for _, table := range tc.failed {
				if _, err := gl.TagResource(ctx, &glue.TagResourceInput{ResourceArn: aws.String(jobARN(table)), TagsToAdd: map[string]string{"moto-test-outcome": "FAILED"}}); err != nil {
					t.Fatal(err)
				}
				defer gl.UntagResource(ctx, &glue.UntagResourceInput{ResourceArn: aws.String(jobARN(table)), TagsToRemove: []string{"moto-test-outcome"}})
			}
			before := len(em.notifications(t)[topic])
			partition := "year=2001/month=03/day=" + tc.day
			d := run(t, map[string]string{"source": "flights", "bucket": "acme-flights-landing-dev", "key": "raw/flights/" + partition + "/flights.csv"})
			if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "flowc.RunFailed" || !strings.HasPrefix(aws.ToString(d.Cause), "flowc.TablesFailed: ") {
				t.Fatalf("run %s %s: %s, want FAILED flowc.RunFailed with cause flowc.TablesFailed", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			msg := lastMessage(t, before)
			mustContain(t, "failure message", msg, head+partition+" failed", "Error: flowc.TablesFailed",
				fmt.Sprintf("%d of 2 tables failed", len(tc.failed)))
			for _, table := range tc.failed {
				// The table, the partition, the job and the cause (the
				// emulator's failed job run says "moto-test-outcome").
				mustContain(t, "failure message", msg, table+" (partition "+partition+"): Glue job "+out.IR.Names.GlueJob(table)+" failed: States.TaskFailed: ")
				if got := lastRun(t, table); got != "FAILED" {
					t.Errorf("%s: last job run %s, want FAILED", table, got)
				}
			}
			// The cause is the failed job run, with its error message.
			if n := strings.Count(msg, "Job run ended FAILED because job is tagged moto-test-outcome=FAILED"); n != len(tc.failed) {
				t.Errorf("failure message carries %d job run errors, want %d:\n%s", n, len(tc.failed), msg)
			}
			for _, table := range []string{"delayed_flights_fact", "airport_delays"} {
				if !slices.Contains(tc.failed, table) {
					if got := lastRun(t, table); got != "SUCCEEDED" {
						t.Errorf("%s: last job run %s, want SUCCEEDED (a failing table must not stop it)", table, got)
					}
					if strings.Contains(msg, table+" (partition") {
						t.Errorf("failure message lists %s, which loaded:\n%s", table, msg)
					}
				}
			}
		})
	}

	type failure struct {
		name, tagARN, input, errName string
		message                      []string
	}
	for _, f := range []failure{
		{"empty partition value", "", `{"source": "flights", "key": "raw/flights/year=2001/month=/day=05/flights.csv"}`, "flowc.BadKey",
			[]string{"Error: flowc.BadKey", "raw/flights/year=*/month=*/day=*/FILE.csv"}},
		{"key without partitions", "", `{"source": "flights", "key": "raw/flights/flights.csv"}`, "flowc.BadKey",
			[]string{"Error: flowc.BadKey", "raw/flights/year=*/month=*/day=*/FILE.csv"}},
		{"unknown source", "", `{"source": "airports"}`, "flowc.BadInput",
			[]string{"Error: flowc.BadInput", `one of flights`}},
	} {
		t.Run(f.name, func(t *testing.T) {
			mu.Lock()
			defer mu.Unlock()
			if f.tagARN != "" {
				tag := map[string]string{"moto-test-outcome": "FAILED"}
				if _, err := gl.TagResource(ctx, &glue.TagResourceInput{ResourceArn: aws.String(f.tagARN), TagsToAdd: tag}); err != nil {
					t.Fatal(err)
				}
				defer gl.UntagResource(ctx, &glue.UntagResourceInput{ResourceArn: aws.String(f.tagARN), TagsToRemove: []string{"moto-test-outcome"}})
			}
			before := len(em.notifications(t)[topic])
			var input map[string]string
			json.Unmarshal([]byte(f.input), &input)
			d := run(t, input)
			if d.Status != sfntypes.ExecutionStatusFailed {
				t.Fatalf("run %s, want FAILED", d.Status)
			}
			if aws.ToString(d.Error) != "flowc.RunFailed" || !strings.HasPrefix(aws.ToString(d.Cause), f.errName+": ") {
				t.Errorf("run failed with %s: %s; want flowc.RunFailed and a cause starting %q", aws.ToString(d.Error), aws.ToString(d.Cause), f.errName)
			}
			mustContain(t, "failure message", lastMessage(t, before), f.message...)
		})
	}
}

// executions lists the ARNs of the state machine's executions.
func executions(t *testing.T, c *sfn.Client, sm string) map[string]bool {
	t.Helper()
	out, err := c.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, e := range out.Executions {
		m[aws.ToString(e.ExecutionArn)] = true
	}
	return m
}

// newExecution waits for an execution that is not in known.
func newExecution(t *testing.T, c *sfn.Client, sm string, known map[string]bool) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		for arn := range executions(t, c, sm) {
			if !known[arn] {
				return arn
			}
		}
	}
	t.Fatal("no execution started: the EventBridge rule did not match the object or did not start the state machine")
	return ""
}

// waitExecution waits for an execution to end.
func waitExecution(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != sfntypes.ExecutionStatusRunning {
			return d
		}
	}
	t.Fatalf("execution %s still running after 2 minutes", arn)
	return nil
}

// historyShape is what an execution did, without times, ids or data: per
// event its type, with the state's name for state events and the
// integration for task events, sorted (the Map's iterations interleave).
func historyShape(t *testing.T, c *sfn.Client, arn string) []string {
	t.Helper()
	h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range h.Events {
		line := string(e.Type)
		switch {
		case e.StateEnteredEventDetails != nil:
			line += " " + aws.ToString(e.StateEnteredEventDetails.Name)
		case e.StateExitedEventDetails != nil:
			line += " " + aws.ToString(e.StateExitedEventDetails.Name)
		case e.TaskScheduledEventDetails != nil:
			line += " " + aws.ToString(e.TaskScheduledEventDetails.ResourceType) + ":" + aws.ToString(e.TaskScheduledEventDetails.Resource)
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}

// visited reports whether an execution entered the named state.
func visited(t *testing.T, c *sfn.Client, arn, state string) bool {
	t.Helper()
	h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h.Events {
		if e.StateEnteredEventDetails != nil && aws.ToString(e.StateEnteredEventDetails.Name) == state {
			return true
		}
	}
	return false
}
