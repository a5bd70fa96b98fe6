package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
)

// logsFormat is a format of flowc logs.
type logsFormat string

const (
	logsText logsFormat = "text"
	logsJSON logsFormat = "json"
)

// maxFollowPoll caps the backoff of logs --follow between two reads of a
// run that shows nothing new.
var maxFollowPoll = time.Minute

// maxOtherLines is how many of a job run's lines besides flowc's the text
// shows (the last ones; --format json has them all).
const maxOtherLines = 200

func logsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "logs",
		Usage:     "show a partition's run: its timeline and its Glue jobs' output",
		ArgsUsage: "SPEC PARTITION",
		Description: `Shows the newest run of PARTITION (year=2001/month=01/day=17, 2001/01/17 or 2001-01-17) in the
deployed environment, or the run --execution names (flowc runs --partition lists them), and says
which execution it is. First the run's timeline from its Step Functions history (UTC): each state
entered and left, each Glue job run (its ID, the table it loads) and crawler started, succeeded or
failed. Then, for each table whose job failed (or each --table), the Glue job run's state and what
it wrote to CloudWatch Logs (/aws-glue/jobs/output and /aws-glue/jobs/error, the streams named by
the job run's ID): the lines flowc's runtime writes ("flowc: ...") first, then the others (Python's
traceback, Spark), in time order; text shows the last 200 of those, --format json all of them.
--follow follows a run in progress: it prints the timeline as the run goes (reading it again every
few seconds, less often while nothing happens) and the failed tables' output when the run ends.
Ctrl-C stops following; the run goes on in AWS.
--format json prints one document when done: {"execution_arn", "name", "source", "partition",
"status", "started", "stopped", "error", "cause", "timeline": [{"time", "event", "state", "table",
"job", "job_run_id", "detail"}], "tables": [{"table", "status", "job", "job_run_id", "job_run_state",
"error", "lines": [{"time", "log_group", "log_stream", "message", "flowc"}]}]}.

Exit codes: 0 shown (whatever the run's outcome); 1 spec errors, or the partition has no run (or
no execution --execution); 2 usage errors and AWS failures (130 when Ctrl-C stops --follow).

Example:
   flowc logs --env dev examples/flights.yaml 2001-01-17
   flowc logs --env dev --table airport_delays --follow examples/flights.yaml 2001-01-18`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringSliceFlag{Name: "table", Usage: "show the job output of `TABLE` (repeatable; default: the tables whose job failed)"},
			&cli.BoolFlag{Name: "follow", Usage: "follow a run in progress until it ends"},
			&cli.StringFlag{Name: "execution", Usage: "show the run `NAME` (or ARN) of the partition instead of its newest (flowc runs --partition lists them)"},
			formatFlag(logsText, logsJSON),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usageErr("logs needs a SPEC file and one PARTITION")
			}
			format, err := parseFormat(c.String("format"), logsText, logsJSON)
			if err != nil {
				return err
			}
			return runLogs(e, c.String("env"), c.Args().Get(0), c.Args().Get(1), logsOptions{tables: c.StringSlice("table"), follow: c.Bool("follow"), execution: c.String("execution"), format: format})
		},
	}
}

// logsOptions are the flags of flowc logs.
type logsOptions struct {
	tables    []string
	follow    bool
	execution string
	format    logsFormat
}

func runLogs(e *env, envName, specPath, partArg string, opt logsOptions) error {
	tables, follow, format := opt.tables, opt.follow, opt.format
	o, err := openEnv(e, specPath, envName)
	if err != nil {
		return err
	}
	partition, err := o.canonical("", partArg)
	if err != nil {
		return err
	}
	var known []string
	for _, t := range o.ir.Tables {
		known = append(known, t.Name)
	}
	for _, t := range tables {
		if !slices.Contains(known, t) {
			return usageErr("--table %s: the pipeline has no such table (it has: %s)", t, strings.Join(known, ", "))
		}
	}
	if err := o.connect(e); err != nil {
		return err
	}
	r, err := findRun(e, o, partition, opt.execution)
	if err != nil {
		return err
	}
	pr := &logsPrinter{e: e, format: format}
	pr.header(r, opt.execution == "")
	printed := 0
	wait := runPoll
	for {
		events, err := o.p.History(e.ctx, r.ExecutionArn)
		if err != nil {
			return pr.stopped(e, r, awsFailure(err))
		}
		steps := deploy.Timeline(events)
		pr.steps(steps[min(printed, len(steps)):])
		if len(steps) > printed {
			wait = runPoll
		} else {
			wait = min(2*wait, maxFollowPoll)
		}
		printed = max(printed, len(steps))
		if !follow || r.Status != "running" {
			pr.tables(o.p, r, deploy.JobRuns(steps), tables)
			if pr.err != nil {
				return pr.stopped(e, r, awsFailure(pr.err))
			}
			if r.Status == "running" && format == logsText {
				fmt.Fprintf(e.stdout, "\nThe run is still running; `flowc logs --follow` follows it to its end.\n")
			}
			return pr.done()
		}
		select {
		case <-e.ctx.Done():
			return pr.stopped(e, r, nil)
		case <-time.After(wait):
		}
		// The status first: a history read after the run ended holds
		// its end.
		if r, err = o.p.Describe(e.ctx, r.ExecutionArn); err != nil {
			return pr.stopped(e, r, awsFailure(err))
		}
	}
}

// findRun finds the run to show: the execution asked for, which must be a
// run of partition, or partition's newest run.
func findRun(e *env, o *opened, partition, execution string) (deploy.Run, error) {
	var (
		r     deploy.Run
		found = true
		err   error
	)
	if execution != "" {
		r, err = o.p.Describe(e.ctx, o.p.ExecutionArn(execution))
		found = !deploy.IsMissing(err)
		if !found {
			return r, &exitError{code: exitFail, err: fmt.Errorf("--execution %s: the state machine %s has no such execution; `flowc runs --partition %s` lists the partition's runs", execution, o.ir.Names.StateMachine(), partition)}
		}
	} else {
		r, found, err = o.p.LatestRun(e.ctx, partition)
	}
	switch {
	case err != nil && e.ctx.Err() != nil:
		return r, interruptedBy(e, errors.New("cancelled"))
	case err != nil:
		return r, awsFailure(err)
	case !found:
		return r, &exitError{code: exitFail, err: fmt.Errorf("partition %s has no run among the executions of %s (Step Functions lists executions for 90 days after they end); `flowc runs` lists the runs there are, `flowc rerun` starts one",
			partition, o.ir.Names.StateMachine())}
	case r.Partition != partition || r.NoRun != "":
		what := "a run of partition " + r.Partition
		switch {
		case r.NoRun != "":
			what = "no run of its own (" + r.NoRun + ")"
		case r.Partition == "":
			what = "no run of a partition"
		}
		return r, usageErr("--execution %s is %s, not a run of %s", execution, what, partition)
	}
	return r, nil
}

// logsPrinter prints what flowc logs shows, as text as it goes, or as one
// JSON document at the end.
type logsPrinter struct {
	e      *env
	format logsFormat
	doc    logsDoc
	err    error // the first AWS failure while reading the tables' output
}

// logsDoc is flowc logs --format json: the run as flowc runs shows it (its
// "tables" shadowed by the tables' job output) and its timeline.
type logsDoc struct {
	runJSON
	Timeline []stepJSON     `json:"timeline"`
	Tables   []tableLogJSON `json:"tables"`
}

type stepJSON struct {
	Time     string `json:"time"`
	Event    string `json:"event"`
	State    string `json:"state"`
	Table    string `json:"table"`
	Job      string `json:"job"`
	JobRunID string `json:"job_run_id"`
	Detail   string `json:"detail"`
}

type tableLogJSON struct {
	Table       string        `json:"table"`
	Status      string        `json:"status"`
	Job         string        `json:"job"`
	JobRunID    string        `json:"job_run_id"`
	JobRunState string        `json:"job_run_state"`
	Error       string        `json:"error"`
	Lines       []logLineJSON `json:"lines"`
}

type logLineJSON struct {
	Time      string `json:"time"`
	LogGroup  string `json:"log_group"`
	LogStream string `json:"log_stream"`
	Message   string `json:"message"`
	Flowc     bool   `json:"flowc"`
}

const stampMilli = "2006-01-02T15:04:05.000Z07:00"

func (pr *logsPrinter) header(r deploy.Run, newest bool) {
	pr.setRun(r)
	pr.doc.Timeline, pr.doc.Tables = []stepJSON{}, []tableLogJSON{}
	if pr.format == logsJSON {
		return
	}
	which := "Run"
	if newest {
		which = "Newest run"
	}
	fmt.Fprintf(pr.e.stdout, "%s of %s: execution %s, %s, started %s", which, r.Partition, r.Name, r.Status, r.Started.UTC().Format("2006-01-02 15:04:05Z"))
	if r.Status != "running" {
		fmt.Fprintf(pr.e.stdout, ", took %s", duration(r))
	}
	fmt.Fprintf(pr.e.stdout, ".\n  %s\n\nTimeline (UTC):\n", r.ExecutionArn)
}

func (pr *logsPrinter) setRun(r deploy.Run) {
	pr.doc.runJSON = runJSONOf(r)
}

func (pr *logsPrinter) steps(steps []deploy.Step) {
	for _, s := range steps {
		if pr.format == logsJSON {
			pr.doc.Timeline = append(pr.doc.Timeline, stepJSON{Time: s.Time.UTC().Format(stampMilli), Event: s.Event, State: s.State, Table: s.Table, Job: s.Job, JobRunID: s.RunID, Detail: s.Detail})
			continue
		}
		fmt.Fprintf(pr.e.stdout, "  %s  %s\n", s.Time.UTC().Format("15:04:05.000"), stepLine(s))
	}
}

// stepLine is a timeline step in words.
func stepLine(s deploy.Step) string {
	var b strings.Builder
	b.WriteString(s.Event)
	switch s.Event {
	case deploy.StepEntered, deploy.StepLeft:
		fmt.Fprintf(&b, " %s", s.State)
	case deploy.StepJobStarted, deploy.StepJobSucceeded, deploy.StepJobFailed, deploy.StepCrawlStarted:
		fmt.Fprintf(&b, " %s", s.RunID)
	case deploy.StepTaskFailed:
		fmt.Fprintf(&b, " in %s", s.State)
	}
	var about []string
	if s.Table != "" {
		about = append(about, "table "+s.Table)
	}
	if s.Job != "" {
		about = append(about, "Glue job "+s.Job)
	}
	if len(about) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(about, ", "))
	}
	switch {
	case s.Detail == "":
	case s.Event == deploy.StepRunStarted:
		fmt.Fprintf(&b, " for %s", s.Detail)
	default:
		fmt.Fprintf(&b, ": %s", clip(firstLineOf(s.Detail), maxReason))
	}
	return b.String()
}

// tables shows the job output of the tables asked for, or of those whose
// job failed.
func (pr *logsPrinter) tables(p *deploy.Pipeline, r deploy.Run, runs []deploy.JobRun, asked []string) {
	pr.setRun(r)
	var show []deploy.JobRun
	if len(asked) == 0 {
		for _, jr := range runs {
			if jr.Status == "failed" {
				show = append(show, jr)
			}
		}
		if len(show) == 0 && pr.format == logsText {
			if r.Status == "failed" {
				fmt.Fprintf(pr.e.stdout, "\nNo table's Glue job failed in this run: the timeline's last steps say where it failed. --table TABLE shows a table's job output.\n")
			} else {
				fmt.Fprintf(pr.e.stdout, "\nNo table's Glue job failed in this run; --table TABLE shows a table's job output.\n")
			}
		}
	}
	for _, t := range asked {
		i := slices.IndexFunc(runs, func(jr deploy.JobRun) bool { return jr.Table == t })
		if i < 0 {
			show = append(show, deploy.JobRun{Table: t})
			continue
		}
		show = append(show, runs[i])
	}
	for _, jr := range show {
		tj := tableLogJSON{Table: jr.Table, Status: jr.Status, Job: jr.Job, JobRunID: jr.RunID, Error: jr.Error, Lines: []logLineJSON{}}
		if jr.RunID == "" {
			tj.Status = "not run"
			pr.table(tj, "", nil)
			continue
		}
		var lines []deploy.LogLine
		if pr.err == nil && jr.Job != "" {
			var msg string
			tj.JobRunState, msg, pr.err = p.JobRunState(pr.e.ctx, jr.Job, jr.RunID)
			if tj.Error == "" && msg != "" {
				tj.Error = msg
			}
		}
		if pr.err == nil {
			lines, pr.err = p.JobLogs(pr.e.ctx, jr.RunID)
		}
		for _, l := range lines {
			tj.Lines = append(tj.Lines, logLineJSON{Time: l.Time.UTC().Format(stampMilli), LogGroup: l.Group, LogStream: l.Stream, Message: l.Message, Flowc: l.Flowc})
		}
		pr.table(tj, jr.Error, lines)
	}
}

// table prints one table's job run and its lines.
func (pr *logsPrinter) table(tj tableLogJSON, reason string, lines []deploy.LogLine) {
	if pr.format == logsJSON {
		pr.doc.Tables = append(pr.doc.Tables, tj)
		return
	}
	w := pr.e.stdout
	if tj.JobRunID == "" {
		fmt.Fprintf(w, "\nTable %s: no Glue job run in this run (it has not reached the load, or the table is not loaded from this source).\n", tj.Table)
		return
	}
	fmt.Fprintf(w, "\nTable %s: %s, Glue job %s, job run %s", tj.Table, tj.Status, tj.Job, tj.JobRunID)
	if tj.JobRunState != "" {
		fmt.Fprintf(w, " (%s)", tj.JobRunState)
	}
	fmt.Fprintln(w)
	if reason != "" {
		fmt.Fprintf(w, "  %s\n", clip(firstLineOf(reason), maxReason))
	}
	if len(lines) == 0 {
		fmt.Fprintf(w, "  No log lines in %s for job run %s (Glue writes them as the job runs; they last as long as the log groups' retention).\n", strings.Join(deploy.JobLogGroups, " or "), tj.JobRunID)
		return
	}
	var other []deploy.LogLine
	for _, l := range lines {
		if !l.Flowc {
			other = append(other, l)
		}
	}
	ours := lines[:len(lines)-len(other)]
	if len(ours) > 0 {
		fmt.Fprintf(w, "  flowc's runtime:\n")
		printLogLines(pr, ours)
	}
	if len(other) > 0 {
		fmt.Fprintf(w, "  Other output:\n")
		if n := len(other) - maxOtherLines; n > 0 {
			fmt.Fprintf(w, "    (%d earlier lines left out; --format json has them all)\n", n)
			other = other[n:]
		}
		printLogLines(pr, other)
	}
}

func printLogLines(pr *logsPrinter, lines []deploy.LogLine) {
	for _, l := range lines {
		group := l.Group[strings.LastIndexByte(l.Group, '/')+1:]
		fmt.Fprintf(pr.e.stdout, "    %s  %-6s  %s\n", l.Time.UTC().Format("15:04:05.000"), group, l.Message)
	}
}

// done prints the JSON document.
func (pr *logsPrinter) done() error {
	if pr.format != logsJSON {
		return nil
	}
	enc := json.NewEncoder(pr.e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(pr.doc)
}

// stopped ends a read cut short: by err, or by Ctrl-C (SIGINT) or SIGTERM
// while following, which is the way to stop following: what was read is
// printed (JSON: the document so far), and the exit code is the signal's.
func (pr *logsPrinter) stopped(e *env, r deploy.Run, err error) error {
	if e.ctx.Err() == nil {
		return err
	}
	_ = pr.done()
	return interruptedBy(e, fmt.Errorf("stopped following execution %s; the run goes on in AWS", r.Name))
}

// interruptedBy is the error of a command whose context was cancelled: the
// exit code of the signal that did it (130 for SIGINT), else 2.
func interruptedBy(e *env, err error) error {
	var sc signalCause
	if errors.As(context.Cause(e.ctx), &sc) {
		return &exitError{code: sc.code(), err: err}
	}
	return &exitError{code: exitUsage, err: err}
}
