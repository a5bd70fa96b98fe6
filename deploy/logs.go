package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// CWLogs is the part of the CloudWatch Logs API `flowc logs` uses.
// *cloudwatchlogs.Client satisfies it.
type CWLogs interface {
	cloudwatchlogs.DescribeLogStreamsAPIClient
	cloudwatchlogs.GetLogEventsAPIClient
}

// GlueRuns is the part of the Glue API `flowc logs` uses. *glue.Client
// satisfies it.
type GlueRuns interface {
	GetJobRun(ctx context.Context, in *glue.GetJobRunInput, optFns ...func(*glue.Options)) (*glue.GetJobRunOutput, error)
}

// Step is one entry of a run's timeline, read from its execution history:
// the run started or ended, a state entered or left, a Glue job run (or a
// crawler) started or ended.
type Step struct {
	Time   time.Time
	Event  string // see the Step* constants
	State  string // the state's name ("" for the run's own steps)
	Table  string // the table a step of the load is for
	Job    string // the Glue job's name (job run steps)
	RunID  string // the Glue job run's ID, or the crawler's name
	Detail string // the error and its cause, the input's key
}

// The events of a timeline.
const (
	StepRunStarted   = "run started"
	StepEntered      = "entered"
	StepLeft         = "left"
	StepJobStarted   = "job run started"
	StepJobSucceeded = "job run succeeded"
	StepJobFailed    = "job run failed"
	StepCrawlStarted = "crawler started"
	StepTaskFailed   = "task failed"
	StepRunSucceeded = "run succeeded"
	StepRunFailed    = "run failed"
	StepRunTimedOut  = "run timed out"
	StepRunAborted   = "run aborted"
	maxStepDetail    = 2000
	jobRunResource   = "startJobRun"
	crawlerResource  = "startCrawler"
)

// visit is one state's visit in a history: the events between its
// entering and its leaving point at it through PreviousEventId.
type visit struct {
	state, table string
	params       string // the task's parameters (TaskScheduled)
}

// Timeline reads a run's steps from its execution history, oldest first
// (GetExecutionHistory's default order). Each event names the event before
// it (PreviousEventId), so the events of a state's visit lead back to its
// entering, even inside a Map whose iterations interleave; a step of the
// load says which table it is for from the state's input ("table").
func Timeline(events []sfntypes.HistoryEvent) []Step {
	visits := map[int64]*visit{}
	var steps []Step
	for _, ev := range events {
		v := visits[ev.PreviousEventId]
		if d := ev.StateEnteredEventDetails; d != nil {
			v = &visit{state: aws.ToString(d.Name), table: tableOf(aws.ToString(d.Input))}
		}
		visits[ev.Id] = v
		st := Step{Time: aws.ToTime(ev.Timestamp)}
		if v != nil {
			st.State, st.Table = v.state, v.table
		}
		switch {
		case ev.ExecutionStartedEventDetails != nil:
			st.Event = StepRunStarted
			st.Detail = keyOf(aws.ToString(ev.ExecutionStartedEventDetails.Input))
		case ev.StateEnteredEventDetails != nil:
			st.Event = StepEntered
		case ev.StateExitedEventDetails != nil:
			st.Event, st.State = StepLeft, aws.ToString(ev.StateExitedEventDetails.Name)
			// A Map state's exit follows its last iteration's events.
			if v == nil || v.state != st.State {
				st.Table = tableOf(aws.ToString(ev.StateExitedEventDetails.Output))
			}
		case ev.TaskScheduledEventDetails != nil:
			if v != nil {
				v.params = aws.ToString(ev.TaskScheduledEventDetails.Parameters)
			}
			continue
		case ev.TaskSubmittedEventDetails != nil:
			d := ev.TaskSubmittedEventDetails
			if !isGlue(d.ResourceType, d.Resource, jobRunResource) {
				continue
			}
			var out struct{ JobRunId, JobName string }
			_ = json.Unmarshal([]byte(aws.ToString(d.Output)), &out)
			st.Event, st.Job, st.RunID = StepJobStarted, out.JobName, out.JobRunId
		case ev.TaskSucceededEventDetails != nil:
			d := ev.TaskSucceededEventDetails
			switch {
			case isGlue(d.ResourceType, d.Resource, jobRunResource):
				run := jobRunOf(aws.ToString(d.Output))
				st.Event, st.Job, st.RunID = StepJobSucceeded, run.JobName, run.Id
				if run.Id == "" { // startJobRun without .sync: its output is the submission
					var out struct{ JobRunId string }
					_ = json.Unmarshal([]byte(aws.ToString(d.Output)), &out)
					st.Event, st.RunID, st.Job = StepJobStarted, out.JobRunId, jobNameOf(v)
				}
			case isGlue(d.ResourceType, d.Resource, crawlerResource):
				var in struct{ Name string }
				if v != nil {
					_ = json.Unmarshal([]byte(v.params), &in)
				}
				st.Event, st.RunID = StepCrawlStarted, in.Name
			default:
				continue
			}
		case ev.TaskFailedEventDetails != nil:
			d := ev.TaskFailedEventDetails
			errName, cause := aws.ToString(d.Error), aws.ToString(d.Cause)
			if isGlue(d.ResourceType, d.Resource, jobRunResource) {
				if run := jobRunOf(cause); run.Id != "" {
					st.Event, st.Job, st.RunID = StepJobFailed, run.JobName, run.Id
					st.Detail = joinReason(errName, strings.TrimSpace(run.JobRunState+": "+run.ErrorMessage))
					break
				}
			}
			st.Event, st.Detail = StepTaskFailed, joinReason(errName, cause)
			if isGlue(d.ResourceType, d.Resource, jobRunResource) {
				st.Job = jobNameOf(v)
			}
		case ev.TaskTimedOutEventDetails != nil:
			st.Event, st.Detail = StepTaskFailed, joinReason(aws.ToString(ev.TaskTimedOutEventDetails.Error), aws.ToString(ev.TaskTimedOutEventDetails.Cause))
			if isGlue(ev.TaskTimedOutEventDetails.ResourceType, ev.TaskTimedOutEventDetails.Resource, jobRunResource) {
				st.Job = jobNameOf(v)
			}
		case ev.ExecutionSucceededEventDetails != nil:
			st.Event = StepRunSucceeded
		case ev.ExecutionFailedEventDetails != nil:
			st.Event, st.Detail = StepRunFailed, joinReason(aws.ToString(ev.ExecutionFailedEventDetails.Error), aws.ToString(ev.ExecutionFailedEventDetails.Cause))
		case ev.ExecutionTimedOutEventDetails != nil:
			st.Event, st.Detail = StepRunTimedOut, joinReason(aws.ToString(ev.ExecutionTimedOutEventDetails.Error), aws.ToString(ev.ExecutionTimedOutEventDetails.Cause))
		case ev.ExecutionAbortedEventDetails != nil:
			st.Event, st.Detail = StepRunAborted, joinReason(aws.ToString(ev.ExecutionAbortedEventDetails.Error), aws.ToString(ev.ExecutionAbortedEventDetails.Cause))
		default:
			continue
		}
		if st.Event == StepRunStarted || st.Event == StepRunSucceeded || st.Event == StepRunFailed || st.Event == StepRunTimedOut || st.Event == StepRunAborted {
			st.State, st.Table = "", ""
		}
		if n := maxStepDetail; len(st.Detail) > n {
			for n > 0 && !utf8.RuneStart(st.Detail[n]) {
				n--
			}
			st.Detail = st.Detail[:n] + "..."
		}
		steps = append(steps, st)
	}
	return steps
}

// isGlue reports whether a task's resource is the Glue call op
// (startJobRun, startJobRun.sync; aws-sdk:glue:startCrawler).
func isGlue(typ, resource *string, op string) bool {
	t := aws.ToString(typ)
	return (t == "glue" || t == "aws-sdk:glue") && strings.HasPrefix(aws.ToString(resource), op)
}

// glueJobRun is the part of a Glue JobRun (GetJobRun's, and the output or
// the cause of a .sync job run task) flowc reads.
type glueJobRun struct {
	Id, JobName, JobRunState, ErrorMessage string
}

func jobRunOf(s string) glueJobRun {
	var r glueJobRun
	_ = json.Unmarshal([]byte(s), &r)
	return r
}

// jobNameOf is the JobName a visit's task was scheduled with.
func jobNameOf(v *visit) string {
	if v == nil {
		return ""
	}
	var in struct{ JobName string }
	_ = json.Unmarshal([]byte(v.params), &in)
	return in.JobName
}

// tableOf reads "table" from a state's input or output.
func tableOf(s string) string {
	var in struct {
		Table string `json:"table"`
	}
	_ = json.Unmarshal([]byte(s), &in)
	return in.Table
}

// keyOf reads the object key from a run's input.
func keyOf(s string) string {
	var in struct {
		Key string `json:"key"`
	}
	_ = json.Unmarshal([]byte(s), &in)
	return in.Key
}

func joinReason(errName, cause string) string {
	switch {
	case errName == "":
		return cause
	case cause == "":
		return errName
	}
	return errName + ": " + cause
}

// JobRun is a table's Glue job run in a run, as its timeline tells it.
type JobRun struct {
	Table  string
	Job    string
	RunID  string
	Status string // running, succeeded or failed
	Error  string
}

// JobRuns reads each table's last job run from a timeline, in the order the
// tables' jobs started.
func JobRuns(steps []Step) []JobRun {
	var out []JobRun
	at := map[string]int{}
	for _, s := range steps {
		if s.Table == "" {
			continue
		}
		var status string
		switch {
		case s.Event == StepJobStarted:
			status = "running"
		case s.Event == StepJobSucceeded:
			status = "succeeded"
		case s.Event == StepJobFailed, s.Event == StepTaskFailed && s.Job != "":
			status = "failed"
		default:
			continue
		}
		i, ok := at[s.Table]
		if !ok {
			i = len(out)
			at[s.Table] = i
			out = append(out, JobRun{Table: s.Table})
		}
		r := &out[i]
		if s.Event == StepJobStarted && r.RunID != "" && r.RunID != s.RunID {
			*r = JobRun{Table: s.Table} // a new attempt
		}
		r.Status = status
		if s.Job != "" {
			r.Job = s.Job
		}
		if s.RunID != "" {
			r.RunID = s.RunID
		}
		r.Error = ""
		if status == "failed" {
			r.Error = s.Detail
		}
	}
	return out
}

// History reads an execution's whole history, oldest first, every page.
func (p *Pipeline) History(ctx context.Context, arn string) ([]sfntypes.HistoryEvent, error) {
	var events []sfntypes.HistoryEvent
	pg := sfn.NewGetExecutionHistoryPaginator(p.SFN, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, MaxResults: 1000, IncludeExecutionData: aws.Bool(true)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the history of execution %s: %w", arn, awsErr(err))
		}
		events = append(events, out.Events...)
	}
	return events, nil
}

// Describe reads one execution.
func (p *Pipeline) Describe(ctx context.Context, arn string) (Run, error) {
	return p.describe(ctx, arn)
}

// ExecutionArn is the ARN of the state machine's execution named name
// (arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME); an ARN is
// returned as it is.
func (p *Pipeline) ExecutionArn(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return strings.Replace(p.Machine, ":stateMachine:", ":execution:", 1) + ":" + name
}

// IsMissing reports whether err says an execution does not exist.
func IsMissing(err error) bool {
	return errCode(err) == "ExecutionDoesNotExist"
}

// LatestRun finds the newest run of partition: ListExecutions pages newest
// first; on each page the executions that may be the partition's (by
// their names, see mayBe) are described, Parallel at a time, and the
// first whose input is the partition's is the answer. found is false when
// no execution of the state machine is a run of the partition.
func (p *Pipeline) LatestRun(ctx context.Context, partition string) (r Run, found bool, err error) {
	pg := sfn.NewListExecutionsPaginator(p.SFN, &sfn.ListExecutionsInput{StateMachineArn: &p.Machine, MaxResults: 1000})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return Run{}, false, fmt.Errorf("listing the executions of %s: %w", p.Machine, awsErr(err))
		}
		var items []sfntypes.ExecutionListItem
		for _, it := range out.Executions {
			if p.mayBe(aws.ToString(it.Name), partition) {
				items = append(items, it)
			}
		}
		runs, err := p.describeAll(ctx, items)
		if err != nil {
			return Run{}, false, err
		}
		for _, r := range runs {
			if r.NoRun == "" && r.Partition == partition {
				return r, true, nil
			}
		}
	}
	return Run{}, false, nil
}

// JobRunState reads a Glue job run's state and error message.
func (p *Pipeline) JobRunState(ctx context.Context, job, runID string) (state, message string, err error) {
	out, err := p.Glue.GetJobRun(ctx, &glue.GetJobRunInput{JobName: &job, RunId: &runID})
	if err != nil {
		return "", "", fmt.Errorf("reading Glue job run %s of %s: %w", runID, job, awsErr(err))
	}
	if out.JobRun == nil {
		return "", "", nil
	}
	return string(out.JobRun.JobRunState), aws.ToString(out.JobRun.ErrorMessage), nil
}

// JobLogGroups are the log groups a Glue job run writes to, each in log
// streams named by the job run's ID: "By default, system logs, Spark daemon
// logs, and user AWS Glue Logger logs are written to the
// /aws-glue/jobs/error log group in Amazon CloudWatch. On the other hand,
// user stdout (standard output) and stderr (standard error) logs are
// written to the /aws-glue/jobs/output log group by default" (AWS Glue
// developer guide, Logging for AWS Glue jobs,
// https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html);
// the streams are the job run ID (Glue 4.0 and earlier) or "jobrunid-driver"
// and "jobrunid-executorNum" (Glue 5.0; same page), so a stream's name
// starts with the ID either way. The runtime's "flowc: ..." lines are
// printed to stdout; an exception's traceback goes to stderr. flowc's jobs
// also turn on continuous logging (--enable-continuous-cloudwatch-log),
// which in Glue 4.0 and earlier streams the Spark driver's and executors'
// log4j output to /aws-glue/jobs/logs-v2 ("If not specified, the default
// log group name is /aws-glue/jobs/logs-v2", Enabling continuous logging
// for AWS Glue 4.0 and earlier jobs,
// https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging-enable.html):
// Spark's own lines, which `flowc logs` does not read.
var JobLogGroups = []string{"/aws-glue/jobs/output", "/aws-glue/jobs/error"}

// LogLine is one line a job run wrote to CloudWatch Logs.
type LogLine struct {
	Time    time.Time
	Group   string
	Stream  string
	Message string
	Flowc   bool // written by flowc's runtime ("flowc: ...")
}

// maxLogEvents and maxLogPages bound what is read from one log stream.
const (
	maxLogEvents = 50000
	maxLogPages  = 200
)

// JobLogs reads what a Glue job run wrote to JobLogGroups: flowc's
// runtime's lines first, then the others, each part in time order. A log
// group that does not exist (no job wrote to it yet) has no lines.
//
// The streams are found with DescribeLogStreams (the run ID as the
// prefix) and read with GetLogEvents from the head. GetLogEvents' forward
// token does not end: "If you have reached the end of the stream, it
// returns the same token you passed in" (CloudWatch Logs API reference,
// GetLogEvents, nextForwardToken), so paging stops when the token comes
// back unchanged (the paginator's StopOnDuplicateToken). FilterLogEvents
// with logStreamNamePrefix would need one call per group instead of one
// per stream, and pages with a nextToken that is simply absent at the
// end, but "can return empty results while there are more log events
// available through the token" (FilterLogEvents API reference); moto's
// FilterLogEvents ignores logStreamNamePrefix, so the tests could not
// tell it right from wrong.
func (p *Pipeline) JobLogs(ctx context.Context, runID string) ([]LogLine, error) {
	var lines []LogLine
	for _, group := range JobLogGroups {
		streams, err := p.logStreams(ctx, group, runID)
		if err != nil {
			return nil, err
		}
		for _, stream := range streams {
			pg := cloudwatchlogs.NewGetLogEventsPaginator(p.Logs, &cloudwatchlogs.GetLogEventsInput{
				LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true),
			}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
			// An empty page does not end the stream (only the
			// unchanged token does); the bounds keep a stream that
			// grows as fast as it is read from holding flowc forever.
			n := 0
			for pages := 0; pg.HasMorePages() && n < maxLogEvents && pages < maxLogPages; pages++ {
				out, err := pg.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("reading log stream %s of %s: %w", stream, group, awsErr(err))
				}
				for _, e := range out.Events {
					msg := strings.TrimRight(aws.ToString(e.Message), "\n")
					lines = append(lines, LogLine{Time: time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(), Group: group, Stream: stream, Message: msg, Flowc: IsFlowcLine(msg)})
				}
				n += len(out.Events)
			}
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Flowc != lines[j].Flowc {
			return lines[i].Flowc
		}
		return lines[i].Time.Before(lines[j].Time)
	})
	return lines, nil
}

// logStreams lists the streams of group whose names start with prefix
// (none when the group does not exist).
func (p *Pipeline) logStreams(ctx context.Context, group, prefix string) ([]string, error) {
	var names []string
	pg := cloudwatchlogs.NewDescribeLogStreamsPaginator(p.Logs, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String(prefix)},
		func(o *cloudwatchlogs.DescribeLogStreamsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if errCode(err) == "ResourceNotFoundException" {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the log streams of %s: %w", group, awsErr(err))
		}
		for _, s := range out.LogStreams {
			names = append(names, aws.ToString(s.LogStreamName))
		}
	}
	sort.Strings(names)
	return names, nil
}

// IsFlowcLine reports whether a log line was written by flowc's Glue
// runtime: its log lines start "flowc: ", and the exceptions it raises
// carry a message that does, so their line in a traceback reads
// "EmptyPartition: flowc: ...".
func IsFlowcLine(msg string) bool {
	msg = strings.TrimSpace(msg)
	if strings.HasPrefix(msg, "flowc: ") {
		return true
	}
	head, _, ok := strings.Cut(msg, ": flowc: ")
	return ok && !strings.ContainsAny(head, " \t")
}
