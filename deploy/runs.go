package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/flowc-dev/flowc/layout"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// SFN is the part of the Step Functions API the run commands (runs,
// rerun, backfill) use. *sfn.Client satisfies it.
type SFN interface {
	sfn.ListExecutionsAPIClient
	DescribeExecution(ctx context.Context, in *sfn.DescribeExecutionInput, optFns ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, optFns ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	GetExecutionHistory(ctx context.Context, in *sfn.GetExecutionHistoryInput, optFns ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)
}

// ListS3 is the part of the S3 API the run commands use to find a
// source's partitions. *s3.Client satisfies it.
type ListS3 interface {
	s3.ListObjectsV2APIClient
}

// SourceLayout is where a source's files land: what the run commands need
// to read a partition from an execution's input and to list partitions.
type SourceLayout struct {
	Name    string
	Bucket  string
	Prefix  string   // "" or ending in "/"
	Columns []string // the partition columns, in order
	Suffix  string   // the format's extension, ".csv"
}

// Pipeline operates one deployed environment: its state machine, its
// sources' files.
type Pipeline struct {
	SFN     SFN
	S3      ListS3
	Logs    CWLogs   // flowc logs
	Glue    GlueRuns // flowc logs
	Machine string   // the state machine's ARN
	Sources []SourceLayout
	// Parallel bounds the DescribeExecution calls in flight (default 8).
	Parallel int
	// Poll is the wait between two polls of a running execution (default 5s).
	Poll time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// StateMachineOutput is the stack output that holds the state machine's
// ARN (compiler/cfn).
const StateMachineOutput = "StateMachineArn"

// StateMachineArn reads the state machine's ARN from the stack's outputs.
// A stack that does not exist is an error that says to deploy first.
func StateMachineArn(ctx context.Context, cfn cloudformation.DescribeStacksAPIClient, stack, again string) (string, error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &stack})
	if err != nil && !stackMissing(err) {
		return "", fmt.Errorf("describing stack %s: %w", stack, awsErr(err))
	}
	if err == nil && len(out.Stacks) > 0 {
		for _, o := range out.Stacks[0].Outputs {
			if aws.ToString(o.OutputKey) == StateMachineOutput && aws.ToString(o.OutputValue) != "" {
				return aws.ToString(o.OutputValue), nil
			}
		}
		return "", fmt.Errorf("stack %s has no output %s (status %s); deploy it with `%s`", stack, StateMachineOutput, out.Stacks[0].StackStatus, again)
	}
	return "", fmt.Errorf("stack %s does not exist; deploy it first with `%s`", stack, again)
}

// Run is one execution of the state machine, in pipeline words.
type Run struct {
	ExecutionArn string
	Name         string
	Source       string // "" when the input names none
	Partition    string // "" for a run of all data or an input flowc cannot read
	Status       string // running, succeeded or failed
	Started      time.Time
	Stopped      time.Time // zero while running
	Error, Cause string
	// NoRun is why an execution ended without a run of its own (the
	// state machine's output layout.NoRun); Runs leaves these out.
	NoRun string
	// Tables is each table's outcome, from the load's results: the
	// execution's output when it succeeded, the load state's output in
	// its history when it failed (nil when the run never reached it).
	Tables []TableRun
}

// TableRun is one table's outcome in a run.
type TableRun struct {
	Table    string
	OK       bool
	JobRunID string
	Error    string // "Error: cause" of a failed job
	// Skipped: the run was started for other tables (flowc rerun
	// --from-failure) and did not run this one; OK is true.
	Skipped bool
}

// loadResults reads the tables' outcomes from a state's output JSON
// (layout.LoadState's "results").
func loadResults(output string) []TableRun {
	var out struct {
		Results []struct {
			Table   string `json:"table"`
			OK      bool   `json:"ok"`
			JobRun  string `json:"job_run"`
			Error   string `json:"error"`
			Cause   string `json:"cause"`
			Skipped bool   `json:"skipped"`
		} `json:"results"`
	}
	if json.Unmarshal([]byte(output), &out) != nil {
		return nil
	}
	var tables []TableRun
	for _, r := range out.Results {
		t := TableRun{Table: r.Table, OK: r.OK, JobRunID: r.JobRun, Skipped: r.Skipped}
		if !r.OK {
			t.Error = strings.TrimSpace(r.Error + ": " + r.Cause)
			// A failed startJobRun.sync's cause is the job run itself:
			// its id, and its error message rather than the JSON.
			if run := jobRunOf(r.Cause); run.Id != "" {
				if t.JobRunID == "" {
					t.JobRunID = run.Id
				}
				t.Error = joinReason(r.Error, strings.TrimSpace(run.JobRunState+": "+run.ErrorMessage))
			}
		}
		tables = append(tables, t)
	}
	return tables
}

// failedLoad reads the load state's output from the history of a failed
// execution, newest events first: the run fails after the load, so its
// exit is among the last events.
func (p *Pipeline) failedLoad(ctx context.Context, arn string) ([]TableRun, error) {
	out, err := p.SFN.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, ReverseOrder: true, MaxResults: 100})
	if err != nil {
		return nil, fmt.Errorf("reading the history of execution %s: %w", arn, awsErr(err))
	}
	for _, ev := range out.Events {
		if d := ev.StateExitedEventDetails; d != nil && aws.ToString(d.Name) == layout.LoadState {
			return loadResults(aws.ToString(d.Output)), nil
		}
	}
	return nil, nil
}

// statusWord maps an execution status to the run statuses flowc shows:
// TIMED_OUT and ABORTED are failures too.
func statusWord(s sfntypes.ExecutionStatus) string {
	switch s {
	case sfntypes.ExecutionStatusRunning, sfntypes.ExecutionStatusPendingRedrive:
		return "running"
	case sfntypes.ExecutionStatusSucceeded:
		return "succeeded"
	}
	return "failed"
}

// RunQuery selects runs.
type RunQuery struct {
	Since     time.Time // runs started at or after; zero: all
	Status    string    // running, succeeded, failed; "" every one
	Partition string    // "" every one
}

// Runs lists the state machine's executions that match q, newest first.
// ListExecutions pages newest first ("Results are sorted by time, with the
// most recent execution first", StepFunctions ListExecutions API
// reference), so paging stops at the first execution older than q.Since.
// Each execution's input (its partition), error and cause come from
// DescribeExecution, at most Parallel calls at a time. With a partition,
// executions flowc named for another partition are not described.
func (p *Pipeline) Runs(ctx context.Context, q RunQuery) ([]Run, error) {
	in := &sfn.ListExecutionsInput{StateMachineArn: &p.Machine, MaxResults: 1000}
	switch q.Status {
	case "running":
		in.StatusFilter = sfntypes.ExecutionStatusRunning
	case "succeeded":
		in.StatusFilter = sfntypes.ExecutionStatusSucceeded
	}
	var items []sfntypes.ExecutionListItem
	pg := sfn.NewListExecutionsPaginator(p.SFN, in)
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the executions of %s: %w", p.Machine, awsErr(err))
		}
		old := false
		for _, it := range out.Executions {
			if !q.Since.IsZero() && aws.ToTime(it.StartDate).Before(q.Since) {
				old = true
				break
			}
			if q.Status != "" && statusWord(it.Status) != q.Status {
				continue
			}
			if q.Partition != "" && !p.mayBe(aws.ToString(it.Name), q.Partition) {
				continue
			}
			items = append(items, it)
		}
		if old {
			break
		}
	}
	runs, err := p.describeAll(ctx, items)
	if err != nil {
		return nil, err
	}
	var out []Run
	for _, r := range runs {
		if r.NoRun != "" { // a duplicate event, an arrival handed to the running run: not a run
			continue
		}
		if q.Partition != "" && r.Partition != q.Partition {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// describeAll describes executions, Parallel at a time, in their order.
func (p *Pipeline) describeAll(ctx context.Context, items []sfntypes.ExecutionListItem) ([]Run, error) {
	return p.eachExecution(items, func(arn string) (Run, error) { return p.describe(ctx, arn) })
}

// parallel is how many executions are read at a time.
func (p *Pipeline) parallel() int {
	if p.Parallel <= 0 {
		return 8
	}
	return p.Parallel
}

// eachExecution calls read for each execution, parallel() at a time, and
// returns the results in the executions' order, or the first error.
func (p *Pipeline) eachExecution(items []sfntypes.ExecutionListItem, read func(arn string) (Run, error)) ([]Run, error) {
	runs := make([]Run, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, p.parallel())
	var wg sync.WaitGroup
	for i := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			runs[i], errs[i] = read(aws.ToString(items[i].ExecutionArn))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// mayBe reports whether the execution named name may be a run of
// partition: false only for a name flowc gave to a run of another
// partition (the name alone cannot prove a match: values are sanitized).
func (p *Pipeline) mayBe(name, partition string) bool {
	if !strings.HasPrefix(name, namePrefix) {
		return true
	}
	for _, s := range p.Sources {
		frag, whole := nameFragment(s.Name, partition)
		if !whole || strings.HasPrefix(name, frag+"-") {
			return true
		}
	}
	return false
}

// Describe reads one execution.
func (p *Pipeline) describe(ctx context.Context, arn string) (Run, error) {
	d, err := p.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		return Run{}, fmt.Errorf("describing execution %s: %w", arn, awsErr(err))
	}
	r := Run{
		ExecutionArn: arn,
		Name:         aws.ToString(d.Name),
		Status:       statusWord(d.Status),
		Started:      aws.ToTime(d.StartDate),
		Stopped:      aws.ToTime(d.StopDate),
		Error:        aws.ToString(d.Error),
		Cause:        aws.ToString(d.Cause),
	}
	if r.Status == "failed" && r.Error == "" && d.Status != sfntypes.ExecutionStatusFailed {
		r.Error = string(d.Status) // TIMED_OUT, ABORTED
	}
	r.Source, r.Partition = p.PartitionOf(aws.ToString(d.Input))
	var out map[string]any
	if json.Unmarshal([]byte(aws.ToString(d.Output)), &out) == nil {
		if why, ok := out[layout.NoRun].(string); ok {
			r.NoRun = why
		}
	}
	switch {
	case r.NoRun != "":
	case d.Status == sfntypes.ExecutionStatusSucceeded:
		r.Tables = loadResults(aws.ToString(d.Output))
	case d.Status == sfntypes.ExecutionStatusFailed:
		if r.Tables, err = p.failedLoad(ctx, arn); err != nil {
			return Run{}, err
		}
	}
	return r, nil
}

// PartitionOf reads the source and partition from an execution's input:
// the "partition" a manual start may give, else the object key's
// name=value folders past the source's prefix, as the state machine
// reads them. An input flowc cannot read gives "", "".
func (p *Pipeline) PartitionOf(input string) (source, partition string) {
	var in struct {
		Source    string `json:"source"`
		Key       string `json:"key"`
		Partition string `json:"partition"`
	}
	if json.Unmarshal([]byte(input), &in) != nil {
		return "", ""
	}
	if in.Partition != "" {
		return in.Source, in.Partition
	}
	for _, s := range p.Sources {
		if s.Name != in.Source || len(s.Columns) == 0 {
			continue
		}
		rest, ok := strings.CutPrefix(in.Key, s.Prefix)
		if !ok {
			return in.Source, ""
		}
		parts := strings.Split(rest, "/")
		if len(parts) <= len(s.Columns) {
			return in.Source, ""
		}
		for i, c := range s.Columns {
			if !strings.HasPrefix(parts[i], c+"=") {
				return in.Source, ""
			}
		}
		return in.Source, strings.Join(parts[:len(s.Columns)], "/")
	}
	return in.Source, ""
}

// Execution names. Step Functions: names "must not exceed 80 characters
// in length" (Step Functions service quotas, General quotas,
// https://docs.aws.amazon.com/step-functions/latest/dg/limits.html) and
// must not contain white space, brackets, wildcards, the special
// characters " # % \ ^ | ~ ` $ & , ; : / or control characters; "To
// enable logging with CloudWatch Logs, the name should only contain 0-9,
// A-Z, a-z, - and _" (StartExecution API reference, name). flowc's names
// keep to those 64 characters:
//
//	flowc-<source>-<partition values joined by ->-<UTC yyyymmddThhmmssZ>-<6 hex>
//
// e.g. flowc-flights-2001-01-17-20261204T211300Z-3fa9c1. The time and
// random tail make a name unique (a name cannot be reused for 90 days);
// the head is cut to fit 80 characters.
const (
	maxExecutionName = 80
	namePrefix       = "flowc-"
	nameTail         = len("-20060102T150405Z-") + 6
)

// ExecutionName names a run of source's partition started at now.
func ExecutionName(source, partition string, now time.Time) string {
	frag, _ := nameFragment(source, partition)
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	return frag + "-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(rnd[:])
}

// nameFragment is the head of the names of source's partition runs, and
// whether it is whole (not cut to fit).
func nameFragment(source, partition string) (string, bool) {
	parts := []string{sanitizeName(source)}
	if partition != "" {
		for _, seg := range strings.Split(partition, "/") {
			_, v, _ := strings.Cut(seg, "=")
			parts = append(parts, sanitizeName(v))
		}
	}
	frag := namePrefix + strings.Join(parts, "-")
	if max := maxExecutionName - nameTail; len(frag) > max {
		return frag[:max], false
	}
	return frag, true
}

// sanitizeName keeps 0-9, A-Z, a-z, - and _ and writes _ for the rest.
func sanitizeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Start starts a run of source's partition with input, named by
// ExecutionName, and returns its ARN and name.
func (p *Pipeline) Start(ctx context.Context, source, partition, input string) (arn, name string, err error) {
	name = ExecutionName(source, partition, p.now())
	out, err := p.SFN.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &p.Machine, Name: &name, Input: &input})
	if err != nil {
		return "", name, fmt.Errorf("starting a run of %s: %w", partition, awsErr(err))
	}
	return aws.ToString(out.ExecutionArn), name, nil
}

// Wait polls an execution until it stops and returns it.
func (p *Pipeline) Wait(ctx context.Context, arn string) (Run, error) {
	poll := p.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	for {
		r, err := p.describe(ctx, arn)
		if err != nil || r.Status != "running" {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// Partitions lists the partitions of a source present in S3: the
// name=value folders under its prefix, one level per partition column
// (ListObjectsV2 with the delimiter "/", every page), that hold a data
// file. keep, when set, drops a partition before its files are looked for.
// The result maps each partition to one of its data files' keys, in the
// order S3 lists them (UTF-8 binary order).
func (p *Pipeline) Partitions(ctx context.Context, s SourceLayout, keep func(partition string) bool) ([]string, map[string]string, error) {
	level := []string{""}
	for _, col := range s.Columns {
		var next []string
		for _, part := range level {
			prefixes, _, err := p.list(ctx, s.Bucket, s.Prefix+part)
			if err != nil {
				return nil, nil, err
			}
			for _, cp := range prefixes {
				seg := strings.TrimSuffix(strings.TrimPrefix(cp, s.Prefix+part), "/")
				if strings.HasPrefix(seg, col+"=") {
					next = append(next, part+seg+"/")
				}
			}
		}
		level = next
	}
	var parts []string
	files := map[string]string{}
	for _, part := range level {
		name := strings.TrimSuffix(part, "/")
		if keep != nil && !keep(name) {
			continue
		}
		key, err := p.DataFile(ctx, s, name)
		if err != nil {
			return nil, nil, err
		}
		if key != "" {
			parts = append(parts, name)
			files[name] = key
		}
	}
	return parts, files, nil
}

// DataFile returns the key of one data file of a partition ("" when it has
// none): a file directly in the partition's folder whose name ends in the
// format's extension in any case and does not start with _ or . (as the
// runtime reads them; docs/run-model.md).
func (p *Pipeline) DataFile(ctx context.Context, s SourceLayout, partition string) (string, error) {
	prefix := s.Prefix + partition + "/"
	_, keys, err := p.list(ctx, s.Bucket, prefix)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		base := strings.TrimPrefix(k, prefix)
		if base != "" && base[0] != '_' && base[0] != '.' && strings.HasSuffix(strings.ToLower(base), strings.ToLower(s.Suffix)) {
			return k, nil
		}
	}
	return "", nil
}

// list is ListObjectsV2 with the delimiter "/" over every page: the
// common prefixes and the keys directly under prefix.
func (p *Pipeline) list(ctx context.Context, bucket, prefix string) (prefixes, keys []string, err error) {
	in := &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/")}
	pg := s3.NewListObjectsV2Paginator(p.S3, in)
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, awsErr(err))
		}
		for _, cp := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return prefixes, keys, nil
}

// ManualInput is the input of a run started by hand for one partition
// (docs/run-model.md, "A start by hand"): {"source", "partition"}, and
// "tables" when the run is to load only those (flowc rerun
// --from-failure). The state machine takes the partition's values from the
// partition itself; no object key is needed.
func ManualInput(source, partition string, tables []string) string {
	b, _ := json.Marshal(struct {
		Source    string   `json:"source"`
		Partition string   `json:"partition"`
		Tables    []string `json:"tables,omitempty"`
	}{source, partition, tables})
	return string(b)
}

// OpenPipeline connects the run commands to a deployed environment: the
// state machine's ARN from the stack's outputs, and clients with flowc's
// timeouts. again is the deploy command, for the message of a stack that
// is not there.
func OpenPipeline(ctx context.Context, conn *Connection, stack, again string, sources []SourceLayout) (*Pipeline, error) {
	small := conn.Options.config(conn.Config, true)
	arn, err := StateMachineArn(ctx, cloudformation.NewFromConfig(small), stack, again)
	if err != nil {
		return nil, err
	}
	return &Pipeline{SFN: sfn.NewFromConfig(small), S3: NewReadS3(conn.Config, conn.Options), Logs: cloudwatchlogs.NewFromConfig(small), Glue: glue.NewFromConfig(small),
		Machine: arn, Sources: sources}, nil
}
