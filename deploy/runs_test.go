package deploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// validName is what flowc keeps execution names to: at most 80 characters
// of 0-9, A-Z, a-z, - and _ (Step Functions' limit and the characters that
// CloudWatch Logs logging needs; see ExecutionName).
var validName = regexp.MustCompile(`^[0-9A-Za-z_-]{1,80}$`)

// TestExecutionName: names carry the source and the partition's values,
// are valid, fit 80 characters however long the partition, and differ
// for two starts in the same second.
func TestExecutionName(t *testing.T) {
	now := time.Date(2026, 12, 4, 21, 13, 0, 0, time.FixedZone("CET", 3600))
	n := ExecutionName("flights", "year=2001/month=01/day=17", now)
	if !strings.HasPrefix(n, "flowc-flights-2001-01-17-20261204T201300Z-") || !validName.MatchString(n) || len(n) != len("flowc-flights-2001-01-17-20261204T201300Z-")+6 {
		t.Errorf("name %q", n)
	}
	if n2 := ExecutionName("flights", "year=2001/month=01/day=17", now); n2 == n {
		t.Errorf("two starts in the same second got the same name %q", n)
	}
	long := ExecutionName("a_very_long_source_name_indeed", "region=eu west:1/"+strings.Repeat("x", 60)+"=y{z}", now)
	if !validName.MatchString(long) {
		t.Errorf("long name %q (%d characters) is not valid", long, len(long))
	}
	if frag, whole := nameFragment("s", "a=b c/d=é"); frag != "flowc-s-b_c-__" || !whole {
		t.Errorf("fragment %q %v", frag, whole)
	}
	if n := ExecutionName("scheduled", "", now); !strings.HasPrefix(n, "flowc-scheduled-2026") {
		t.Errorf("name without a partition %q", n)
	}
}

// TestPartitionOf: the partition of an arriving file's input is the key's
// name=value folders past the source's prefix; a manual start's
// "partition" is taken as it is; anything else has none.
func TestPartitionOf(t *testing.T) {
	p := &Pipeline{Sources: []SourceLayout{
		{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}},
		{Name: "airports", Prefix: "raw/airports/"},
	}}
	for _, c := range []struct{ in, source, partition string }{
		{`{"source":"flights","bucket":"b","key":"raw/flights/year=2001/month=01/day=17/f.csv"}`, "flights", "year=2001/month=01/day=17"},
		{`{"source":"flights","partition":"year=2001/month=01/day=18"}`, "flights", "year=2001/month=01/day=18"},
		{`{"source":"flights","bucket":"b","key":"raw/flights/year=2001/f.csv"}`, "flights", ""},
		{`{"source":"flights","bucket":"b","key":"other/year=2001/month=01/day=17/f.csv"}`, "flights", ""},
		{`{"source":"airports","bucket":"b","key":"raw/airports/a.csv"}`, "airports", ""},
		{`not json`, "", ""},
	} {
		s, part := p.PartitionOf(c.in)
		if s != c.source || part != c.partition {
			t.Errorf("PartitionOf(%s) = %q, %q; want %q, %q", c.in, s, part, c.source, c.partition)
		}
	}
}

// TestMayBe: a flowc name of another partition is not described; a name
// of the partition, an EventBridge (UUID) name, and any name when the
// partition's names are cut, are.
func TestMayBe(t *testing.T) {
	p := &Pipeline{Sources: []SourceLayout{{Name: "flights", Columns: []string{"year", "month", "day"}}}}
	now := time.Now()
	want := "year=2001/month=01/day=17"
	if !p.mayBe(ExecutionName("flights", want, now), want) {
		t.Error("own name rejected")
	}
	if p.mayBe(ExecutionName("flights", "year=2001/month=01/day=1", now), want) || p.mayBe(ExecutionName("flights", "year=2001/month=01/day=18", now), want) {
		t.Error("another partition's name accepted")
	}
	if !p.mayBe("0b7f3c1e-7d0a-4b7e-9d0e-3f6a2a1c9e11", want) {
		t.Error("an EventBridge name rejected")
	}
	long := "year=" + strings.Repeat("9", 70)
	if !p.mayBe(ExecutionName("flights", "year=1", now), long) {
		t.Error("a cut name must not be used to reject")
	}
}

// fakeSFN serves executions in pages of two, newest first, and counts the
// DescribeExecution calls in flight.
type fakeSFN struct {
	execs               []sfntypes.ExecutionListItem
	inputs              map[string]string
	outputs             map[string]string
	history             map[string][]sfntypes.HistoryEvent
	mu                  sync.Mutex
	inFlight, maxFlight int
	described           []string
}

func (f *fakeSFN) ListExecutions(_ context.Context, in *sfn.ListExecutionsInput, _ ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error) {
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+2, len(f.execs))
	out := &sfn.ListExecutionsOutput{Executions: f.execs[start:end]}
	if end < len(f.execs) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *fakeSFN) DescribeExecution(_ context.Context, in *sfn.DescribeExecutionInput, _ ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	f.mu.Lock()
	f.inFlight++
	f.maxFlight = max(f.maxFlight, f.inFlight)
	f.described = append(f.described, *in.ExecutionArn)
	f.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
	for _, e := range f.execs {
		if *e.ExecutionArn == *in.ExecutionArn {
			return &sfn.DescribeExecutionOutput{ExecutionArn: e.ExecutionArn, Name: e.Name, Status: e.Status, StartDate: e.StartDate, Input: aws.String(f.inputs[*e.ExecutionArn]), Output: aws.String(f.outputs[*e.ExecutionArn])}, nil
		}
	}
	return nil, errors.New("no such execution")
}

func (f *fakeSFN) GetExecutionHistory(_ context.Context, in *sfn.GetExecutionHistoryInput, _ ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error) {
	return &sfn.GetExecutionHistoryOutput{Events: f.history[*in.ExecutionArn]}, nil
}

func (f *fakeSFN) StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	return nil, errors.New("not here")
}

// TestRunsPages: Runs reads every page of ListExecutions, stops at the
// first execution older than Since, describes at most Parallel at a time,
// and with a partition does not describe executions flowc named for
// another partition.
func TestRunsPages(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f := &fakeSFN{inputs: map[string]string{}}
	for i := 0; i < 9; i++ { // newest first, an hour apart
		day := fmt.Sprintf("%02d", 20-i)
		part := "year=2001/month=01/day=" + day
		name := fmt.Sprintf("uuid-%d", i)
		if i%2 == 1 {
			name = ExecutionName("flights", part, now)
		}
		arn := "arn:x:" + name
		f.execs = append(f.execs, sfntypes.ExecutionListItem{ExecutionArn: aws.String(arn), Name: aws.String(name),
			Status: sfntypes.ExecutionStatusSucceeded, StartDate: aws.Time(now.Add(-time.Duration(i) * time.Hour))})
		f.inputs[arn] = `{"source":"flights","bucket":"b","key":"raw/flights/` + part + `/f.csv"}`
	}
	p := &Pipeline{SFN: f, Parallel: 2, Sources: []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}}}
	runs, err := p.Runs(context.Background(), RunQuery{Since: now.Add(-6*time.Hour - time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 7 || runs[0].Partition != "year=2001/month=01/day=20" || runs[6].Partition != "year=2001/month=01/day=14" {
		t.Errorf("runs since 6h: %d, %+v", len(runs), runs)
	}
	if f.maxFlight > 2 || f.maxFlight < 1 {
		t.Errorf("%d DescribeExecution calls in flight, want at most 2", f.maxFlight)
	}
	f.described = nil
	runs, err = p.Runs(context.Background(), RunQuery{Partition: "year=2001/month=01/day=19"})
	if err != nil || len(runs) != 1 || runs[0].Name != *f.execs[1].Name {
		t.Fatalf("runs of day 19: %v %+v", err, runs)
	}
	for _, arn := range f.described {
		if strings.Contains(arn, "flowc-") && !strings.Contains(arn, "flowc-flights-2001-01-19-") {
			t.Errorf("described %s, another partition's flowc run", arn)
		}
	}
	if len(f.described) != 5+1 { // the five UUID names and day 19's own
		t.Errorf("described %d executions, want 6: %v", len(f.described), f.described)
	}
}

// fakeS3 serves ListObjectsV2 with the delimiter "/", one entry per page.
type fakeS3 struct{ keys []string }

func (f *fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	var entries []string // common prefixes end in "/"
	seen := map[string]bool{}
	for _, k := range f.keys {
		rest, ok := strings.CutPrefix(k, *in.Prefix)
		if !ok {
			continue
		}
		if i := strings.Index(rest, "/"); i >= 0 {
			cp := *in.Prefix + rest[:i+1]
			if !seen[cp] {
				seen[cp] = true
				entries = append(entries, cp)
			}
			continue
		}
		entries = append(entries, k)
	}
	start := 0
	if in.ContinuationToken != nil {
		start, _ = strconv.Atoi(*in.ContinuationToken)
	}
	out := &s3.ListObjectsV2Output{}
	if start < len(entries) {
		e := entries[start]
		if strings.HasSuffix(e, "/") {
			out.CommonPrefixes = []s3types.CommonPrefix{{Prefix: aws.String(e)}}
		} else {
			out.Contents = []s3types.Object{{Key: aws.String(e)}}
		}
	}
	if start+1 < len(entries) {
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(strconv.Itoa(start + 1))
	}
	return out, nil
}

// TestPartitions: the partitions of a source are its name=value folders,
// level by level over every page, that hold a data file (any case of the
// extension; not _ or . files); keep drops partitions before their files
// are looked for.
func TestPartitions(t *testing.T) {
	f := &fakeS3{keys: []string{
		"raw/f/year=2001/month=01/day=01/a.csv",
		"raw/f/year=2001/month=01/day=02/_SUCCESS",
		"raw/f/year=2001/month=01/day=03/.tmp.csv",
		"raw/f/year=2001/month=01/day=03/B.CSV",
		"raw/f/year=2001/month=02/day=01/x.json",
		"raw/f/year=2001/month=02/day=02/c.csv",
		"raw/f/year=2001/notes/day=01/c.csv",
		"raw/f/year=2002/month=01/day=01/d.csv",
		"raw/f/readme.txt",
	}}
	p := &Pipeline{S3: f}
	s := SourceLayout{Name: "f", Bucket: "b", Prefix: "raw/f/", Columns: []string{"year", "month", "day"}, Suffix: ".csv"}
	parts, files, err := p.Partitions(context.Background(), s, func(part string) bool { return !strings.HasPrefix(part, "year=2002") })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"year=2001/month=01/day=01", "year=2001/month=01/day=03", "year=2001/month=02/day=02"}
	if strings.Join(parts, " ") != strings.Join(want, " ") || files["year=2001/month=01/day=03"] != "raw/f/year=2001/month=01/day=03/B.CSV" {
		t.Errorf("partitions %v, files %v", parts, files)
	}
}

// TestRunsLeaveOutNoRuns: an execution whose output is {"flowc_no_run":
// ...} (a duplicate event, an arrival handed to the running run) is not
// a run: Runs leaves it out, so the partition's last run is the one that
// loaded it.
func TestRunsLeaveOutNoRuns(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f := &fakeSFN{inputs: map[string]string{}, outputs: map[string]string{}}
	for i, out := range []string{`{"flowc_no_run":"handed to the running run of the partition"}`, `{"flowc_no_run":"duplicate event"}`, `{"results":[]}`} {
		arn := fmt.Sprintf("arn:x:uuid-%d", i)
		status := sfntypes.ExecutionStatusSucceeded
		if i == 2 {
			status = sfntypes.ExecutionStatusFailed
		}
		f.execs = append(f.execs, sfntypes.ExecutionListItem{ExecutionArn: aws.String(arn), Name: aws.String(fmt.Sprintf("uuid-%d", i)),
			Status: status, StartDate: aws.Time(now.Add(-time.Duration(i) * time.Minute))})
		f.inputs[arn] = `{"source":"flights","bucket":"b","key":"raw/flights/year=2001/month=01/day=17/f` + strconv.Itoa(i) + `.csv"}`
		f.outputs[arn] = out
	}
	p := &Pipeline{SFN: f, Parallel: 2, Sources: []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}}}
	runs, err := p.Runs(context.Background(), RunQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Name != "uuid-2" || runs[0].Status != "failed" {
		t.Errorf("runs: %+v; want only the failed run uuid-2", runs)
	}
}

// TestRunsTables: a run's tables come from the load's results, in the
// execution's output when it succeeded and from the load state's exit in
// its history when it failed.
func TestRunsTables(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f := &fakeSFN{inputs: map[string]string{}, outputs: map[string]string{}, history: map[string][]sfntypes.HistoryEvent{}}
	results := `{"results":[{"table":"a","ok":true,"job_run":"jr_1","line":"x"},{"table":"b","ok":false,"error":"States.TaskFailed","cause":"boom","line":"y"},` +
		`{"table":"c","ok":false,"error":"States.TaskFailed","cause":"{\"Id\":\"jr_c\",\"JobName\":\"p-c\",\"JobRunState\":\"FAILED\",\"ErrorMessage\":\"flowc: partition is empty\"}"}]}`
	for i, st := range []sfntypes.ExecutionStatus{sfntypes.ExecutionStatusSucceeded, sfntypes.ExecutionStatusFailed} {
		arn := fmt.Sprintf("arn:x:uuid-%d", i)
		f.execs = append(f.execs, sfntypes.ExecutionListItem{ExecutionArn: aws.String(arn), Name: aws.String(fmt.Sprintf("uuid-%d", i)),
			Status: st, StartDate: aws.Time(now.Add(-time.Duration(i) * time.Minute))})
		f.inputs[arn] = `{"source":"flights","bucket":"b","key":"raw/flights/year=2001/month=01/day=17/f.csv"}`
	}
	f.outputs["arn:x:uuid-0"] = `{"results":[{"table":"a","ok":true,"job_run":"jr_0","line":"x"}]}`
	f.history["arn:x:uuid-1"] = []sfntypes.HistoryEvent{
		{Type: sfntypes.HistoryEventTypeExecutionFailed},
		{Type: sfntypes.HistoryEventTypeMapStateExited, StateExitedEventDetails: &sfntypes.StateExitedEventDetails{Name: aws.String("Load tables"), Output: aws.String(results)}},
	}
	p := &Pipeline{SFN: f, Parallel: 2, Sources: []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}}}
	runs, err := p.Runs(context.Background(), RunQuery{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs: %v %+v", err, runs)
	}
	if got := fmt.Sprint(runs[0].Tables); got != "[{a true jr_0  false}]" {
		t.Errorf("succeeded run's tables: %s", got)
	}
	if got := fmt.Sprint(runs[1].Tables); got != "[{a true jr_1  false} {b false  States.TaskFailed: boom false} {c false jr_c States.TaskFailed: FAILED: flowc: partition is empty false}]" {
		t.Errorf("failed run's tables: %s", got)
	}
}

// TestManualInput: a start by hand names the source and the partition,
// and the tables only when it is for some; flowc reads its partition back.
func TestManualInput(t *testing.T) {
	if got := ManualInput("flights", "year=2001/month=01/day=17", nil); got != `{"source":"flights","partition":"year=2001/month=01/day=17"}` {
		t.Errorf("every table: %s", got)
	}
	in := ManualInput("flights", "year=2001/month=01/day=17", []string{"b"})
	if in != `{"source":"flights","partition":"year=2001/month=01/day=17","tables":["b"]}` {
		t.Errorf("some tables: %s", in)
	}
	p := &Pipeline{Sources: []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}}}
	if src, part := p.PartitionOf(in); src != "flights" || part != "year=2001/month=01/day=17" {
		t.Errorf("PartitionOf: %s %s", src, part)
	}
}

// TestSkippedTables: a table the run was not started for is ok and
// skipped in the load's results.
func TestSkippedTables(t *testing.T) {
	got := loadResults(`{"results":[{"table":"a","ok":true,"skipped":true,"line":"x"},{"table":"b","ok":true,"job_run":"jr_1"}]}`)
	if fmt.Sprint(got) != "[{a true   true} {b true jr_1  false}]" {
		t.Errorf("%v", got)
	}
}
