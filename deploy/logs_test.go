package deploy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
)

// history builds an execution history: each event is one second after the
// one before, with its id and the id of the event it follows.
type history struct {
	events []sfntypes.HistoryEvent
	at     time.Time
}

func (h *history) add(prev int64, ev sfntypes.HistoryEvent) int64 {
	ev.Id = int64(len(h.events) + 1)
	ev.PreviousEventId = prev
	ev.Timestamp = aws.Time(h.at.Add(time.Duration(ev.Id) * time.Second))
	h.events = append(h.events, ev)
	return ev.Id
}

func (h *history) enter(prev int64, name, input string) int64 {
	return h.add(prev, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskStateEntered,
		StateEnteredEventDetails: &sfntypes.StateEnteredEventDetails{Name: aws.String(name), Input: aws.String(input)}})
}

func (h *history) leave(prev int64, name, output string) int64 {
	return h.add(prev, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskStateExited,
		StateExitedEventDetails: &sfntypes.StateExitedEventDetails{Name: aws.String(name), Output: aws.String(output)}})
}

func (h *history) scheduled(prev int64, resource, params string) int64 {
	return h.add(prev, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskScheduled,
		TaskScheduledEventDetails: &sfntypes.TaskScheduledEventDetails{ResourceType: aws.String("glue"), Resource: aws.String(resource), Parameters: aws.String(params)}})
}

func (h *history) submitted(prev int64, output string) int64 {
	return h.add(prev, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskSubmitted,
		TaskSubmittedEventDetails: &sfntypes.TaskSubmittedEventDetails{ResourceType: aws.String("glue"), Resource: aws.String("startJobRun.sync"), Output: aws.String(output)}})
}

// loadHistory is a failed run as the state machine writes it: two tables
// loaded by one Map whose iterations interleave; table b's job fails
// once with ConcurrentRunsExceeded (retried), then its run fails; a's
// succeeds.
func loadHistory() []sfntypes.HistoryEvent {
	h := &history{at: time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)}
	start := h.add(0, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeExecutionStarted,
		ExecutionStartedEventDetails: &sfntypes.ExecutionStartedEventDetails{Input: aws.String(`{"source":"flights","bucket":"b","key":"raw/flights/year=2001/month=01/day=02/f.csv"}`)}})
	load := h.add(start, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeMapStateEntered,
		StateEnteredEventDetails: &sfntypes.StateEnteredEventDetails{Name: aws.String("Load tables"), Input: aws.String(`{"run":{}}`)}})
	ia := h.add(load, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeMapIterationStarted})
	ib := h.add(load, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeMapIterationStarted})
	ea := h.enter(ia, "Run job", `{"job":"p-a","table":"a"}`)
	eb := h.enter(ib, "Run job", `{"job":"p-b","table":"b"}`)
	sa := h.scheduled(ea, "startJobRun.sync", `{"JobName":"p-a"}`)
	sb := h.scheduled(eb, "startJobRun.sync", `{"JobName":"p-b"}`)
	fb := h.add(sb, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskSubmitFailed}) // not shown
	fb = h.add(fb, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskFailed, TaskFailedEventDetails: &sfntypes.TaskFailedEventDetails{
		ResourceType: aws.String("glue"), Resource: aws.String("startJobRun.sync"), Error: aws.String("Glue.ConcurrentRunsExceededException"), Cause: aws.String("too many")}})
	sb = h.scheduled(fb, "startJobRun.sync", `{"JobName":"p-b"}`)
	ua := h.submitted(sa, `{"JobRunId":"jr_a","JobName":"p-a"}`)
	ub := h.submitted(sb, `{"JobRunId":"jr_b","JobName":"p-b"}`)
	ob := h.add(ub, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskFailed, TaskFailedEventDetails: &sfntypes.TaskFailedEventDetails{
		ResourceType: aws.String("glue"), Resource: aws.String("startJobRun.sync"), Error: aws.String("States.TaskFailed"),
		Cause: aws.String(`{"Id":"jr_b","JobName":"p-b","JobRunState":"FAILED","ErrorMessage":"flowc: partition year=2001/month=01/day=02 of source flights is empty"}`)}})
	oa := h.add(ua, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskSucceeded, TaskSucceededEventDetails: &sfntypes.TaskSucceededEventDetails{
		ResourceType: aws.String("glue"), Resource: aws.String("startJobRun.sync"), Output: aws.String(`{"Id":"jr_a","JobName":"p-a","JobRunState":"SUCCEEDED"}`)}})
	h.leave(ob, "Run job", `{"table":"b","error":{}}`)
	h.leave(oa, "Run job", `{"table":"a","result":{}}`)
	end := h.leave(oa, "Load tables", `{}`)
	h.add(end, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeExecutionFailed, ExecutionFailedEventDetails: &sfntypes.ExecutionFailedEventDetails{
		Error: aws.String("flowc.TablesFailed"), Cause: aws.String("1 of 2 tables failed")}})
	return h.events
}

// TestTimeline: a history reads as the run's steps, each step of the load
// with its table (from the state's input, followed through the events'
// previous ids across interleaved Map iterations), job runs with their
// IDs, a Glue failure with the job run's state and message.
func TestTimeline(t *testing.T) {
	var got []string
	for _, s := range Timeline(loadHistory()) {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", s.Time.Format("05"), s.Event, s.State, s.Table, s.Job, s.RunID, s.Detail))
	}
	want := []string{
		"01|run started|||||raw/flights/year=2001/month=01/day=02/f.csv",
		"02|entered|Load tables||||",
		"05|entered|Run job|a|||",
		"06|entered|Run job|b|||",
		"10|task failed|Run job|b|p-b||Glue.ConcurrentRunsExceededException: too many",
		"12|job run started|Run job|a|p-a|jr_a|",
		"13|job run started|Run job|b|p-b|jr_b|",
		"14|job run failed|Run job|b|p-b|jr_b|States.TaskFailed: FAILED: flowc: partition year=2001/month=01/day=02 of source flights is empty",
		"15|job run succeeded|Run job|a|p-a|jr_a|",
		"16|left|Run job|b|||",
		"17|left|Run job|a|||",
		"18|left|Load tables||||",
		"19|run failed|||||flowc.TablesFailed: 1 of 2 tables failed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	runs := JobRuns(Timeline(loadHistory()))
	if got := fmt.Sprint(runs); got != "[{b p-b jr_b failed States.TaskFailed: FAILED: flowc: partition year=2001/month=01/day=02 of source flights is empty} {a p-a jr_a succeeded }]" {
		t.Errorf("job runs: %s", got)
	}
	// A history read while the job runs: the job is running.
	if got := fmt.Sprint(JobRuns(Timeline(loadHistory()[:12]))); got != "[{b p-b  failed Glue.ConcurrentRunsExceededException: too many} {a p-a jr_a running }]" {
		t.Errorf("job runs while running: %s", got)
	}
}

// TestIsFlowcLine: the runtime's lines and the exceptions it raises are
// flowc's; other lines that mention flowc are not.
func TestIsFlowcLine(t *testing.T) {
	for msg, want := range map[string]bool{
		"flowc: loaded 12 rows into delayed_flights_fact": true,
		"  flowc: x\n": true,
		"EmptyPartition: flowc: partition year=2001 of source f is empty": true,
		"Traceback (most recent call last):":                              false,
		"INFO reading s3://b/flowc: odd key":                              false,
		"ValueError: flowc: bad value":                                    true,
		"Error: see flowc: later":                                         false,
	} {
		if got := IsFlowcLine(msg); got != want {
			t.Errorf("IsFlowcLine(%q) = %v", msg, got)
		}
	}
}

// fakeLogs serves log streams, one event per GetLogEvents page; at the end
// of a stream the forward token comes back unchanged, as AWS does.
type fakeLogs struct {
	groups map[string]map[string][]cwltypes.OutputLogEvent
	calls  int
}

func (f *fakeLogs) DescribeLogStreams(_ context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error) {
	g, ok := f.groups[*in.LogGroupName]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "The specified log group does not exist."}
	}
	out := &cloudwatchlogs.DescribeLogStreamsOutput{}
	for name := range g {
		if strings.HasPrefix(name, aws.ToString(in.LogStreamNamePrefix)) {
			out.LogStreams = append(out.LogStreams, cwltypes.LogStream{LogStreamName: aws.String(name)})
		}
	}
	return out, nil
}

func (f *fakeLogs) GetLogEvents(_ context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	f.calls++
	if f.calls > 100 {
		return nil, fmt.Errorf("paging does not stop")
	}
	events := f.groups[*in.LogGroupName][*in.LogStreamName]
	i := 0
	if in.NextToken != nil {
		i, _ = strconv.Atoi(strings.TrimPrefix(*in.NextToken, "f/"))
	}
	if i >= len(events) {
		return &cloudwatchlogs.GetLogEventsOutput{NextForwardToken: in.NextToken}, nil
	}
	return &cloudwatchlogs.GetLogEventsOutput{Events: events[i : i+1], NextForwardToken: aws.String("f/" + strconv.Itoa(i+1))}, nil
}

func logEvent(sec int64, msg string) cwltypes.OutputLogEvent {
	return cwltypes.OutputLogEvent{Timestamp: aws.Int64(time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC).UnixMilli() + sec*1000), Message: aws.String(msg)}
}

// TestJobLogs: a job run's lines from the output and error groups (streams
// named by, or starting with, the run ID; not another run's), every page,
// flowc's lines first, then the rest in time order; a missing group has
// none.
func TestJobLogs(t *testing.T) {
	f := &fakeLogs{groups: map[string]map[string][]cwltypes.OutputLogEvent{
		"/aws-glue/jobs/output": {
			"jr_b":  {logEvent(1, "flowc: reading s3://b/raw/"), logEvent(5, "some print"), logEvent(6, "flowc: loaded 0 rows")},
			"jr_bc": {logEvent(2, "flowc: another run's line")},
		},
		"/aws-glue/jobs/error": {
			"jr_b-driver": {logEvent(3, "Traceback (most recent call last):"), logEvent(4, "EmptyPartition: flowc: partition is empty\n")},
		},
	}}
	p := &Pipeline{Logs: f}
	lines, err := p.JobLogs(context.Background(), "jr_b-")
	if err != nil || len(lines) != 2 {
		t.Fatalf("prefix jr_b-: %v %v", err, lines)
	}
	f.groups["/aws-glue/jobs/output"]["jr_bc"] = nil
	lines, err = p.JobLogs(context.Background(), "jr_b")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s %s %s %v", l.Time.Format("05"), l.Group, l.Message, l.Flowc))
	}
	want := []string{
		"01 /aws-glue/jobs/output flowc: reading s3://b/raw/ true",
		"04 /aws-glue/jobs/error EmptyPartition: flowc: partition is empty true",
		"06 /aws-glue/jobs/output flowc: loaded 0 rows true",
		"03 /aws-glue/jobs/error Traceback (most recent call last): false",
		"05 /aws-glue/jobs/output some print false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	delete(f.groups, "/aws-glue/jobs/error")
	if lines, err = p.JobLogs(context.Background(), "jr_b"); err != nil || len(lines) != 3 {
		t.Errorf("without the error group: %v %d lines", err, len(lines))
	}
}

// TestLatestRun: the newest run of a partition is found without describing
// executions flowc named for other partitions, and past executions that
// are no run (flowc_no_run); a partition never run is not found.
func TestLatestRun(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f := &fakeSFN{inputs: map[string]string{}, outputs: map[string]string{}}
	add := func(name, part, output string, ago time.Duration) {
		arn := "arn:x:" + name
		f.execs = append(f.execs, sfntypes.ExecutionListItem{ExecutionArn: aws.String(arn), Name: aws.String(name), Status: sfntypes.ExecutionStatusSucceeded, StartDate: aws.Time(now.Add(-ago))})
		f.inputs[arn] = `{"source":"flights","bucket":"b","key":"raw/flights/` + part + `/f.csv"}`
		f.outputs[arn] = output
	}
	add(ExecutionName("flights", "year=2001/month=01/day=03", now), "year=2001/month=01/day=03", "{}", 0)
	add("uuid-dup", "year=2001/month=01/day=02", `{"flowc_no_run":"duplicate event"}`, time.Minute)
	add(ExecutionName("flights", "year=2001/month=01/day=04", now), "year=2001/month=01/day=04", "{}", 2*time.Minute)
	add("uuid-2", "year=2001/month=01/day=02", "{}", 3*time.Minute)
	add("uuid-old", "year=2001/month=01/day=02", "{}", 4*time.Minute)
	p := &Pipeline{SFN: f, Sources: []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}}}
	r, found, err := p.LatestRun(context.Background(), "year=2001/month=01/day=02")
	if err != nil || !found || r.Name != "uuid-2" {
		t.Fatalf("latest run of day 02: %v %v %+v", err, found, r)
	}
	for _, arn := range f.described {
		if strings.Contains(arn, "flowc-") || strings.Contains(arn, "uuid-old") {
			t.Errorf("described %s", arn)
		}
	}
	if _, found, err = p.LatestRun(context.Background(), "year=2001/month=01/day=09"); err != nil || found {
		t.Errorf("day 09, never run: found %v, %v", found, err)
	}
}

// TestTimelineCrawler: a crawler started by an aws-sdk task is a step
// with the crawler's name; other tasks' successes are not steps.
func TestTimelineCrawler(t *testing.T) {
	h := &history{at: time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)}
	e := h.enter(0, "Crawl", `{}`)
	s := h.add(e, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskScheduled, TaskScheduledEventDetails: &sfntypes.TaskScheduledEventDetails{
		ResourceType: aws.String("aws-sdk:glue"), Resource: aws.String("startCrawler"), Parameters: aws.String(`{"Name":"flights-dev-crawler"}`)}})
	s = h.add(s, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskSucceeded, TaskSucceededEventDetails: &sfntypes.TaskSucceededEventDetails{
		ResourceType: aws.String("aws-sdk:glue"), Resource: aws.String("startCrawler"), Output: aws.String(`{}`)}})
	s = h.add(s, sfntypes.HistoryEvent{Type: sfntypes.HistoryEventTypeTaskSucceeded, TaskSucceededEventDetails: &sfntypes.TaskSucceededEventDetails{
		Resource: aws.String("startCrawler"), Output: aws.String(`{}`)}}) // no resource type: not Glue's
	h.leave(s, "Crawl", `{}`)
	var got []string
	for _, st := range Timeline(h.events) {
		got = append(got, st.Event+" "+st.State+" "+st.RunID)
	}
	if want := "entered Crawl |crawler started Crawl flights-dev-crawler|left Crawl "; strings.Join(got, "|") != want {
		t.Errorf("timeline %q, want %q", strings.Join(got, "|"), want)
	}
}
