package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
)

// runsFormat is a format of flowc runs.
type runsFormat string

const (
	runsText runsFormat = "text"
	runsJSON runsFormat = "json"
)

func runsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "runs",
		Usage:     "list the runs of a deployed environment",
		ArgsUsage: "SPEC",
		Description: `Lists the executions of the environment's state machine, newest first, one line per run: the
partition (from the execution's input, e.g. year=2001/month=01/day=17; "(all data)" for a run of
a source without partitions), the status (running, succeeded or failed; a timed out or aborted
execution is failed), the start (UTC) and the duration, and for a failed run the execution's
error and the first line of its cause. --since (default 7d; a Go duration or a number of days,
e.g. 36h, 30d) bounds how far back; --status and --partition filter.
Each source with freshness gets a line first: its state (ok, warn, error,
or unknown when no file arrived in the history read, which goes back at
least twice its error_after), the last partition that arrived and its age.
--format json prints {"freshness": [{"source", "partition", "arrived",
"age_seconds", "state", "warn_after", "error_after"}] (only with freshness),
"runs": [{"execution_arn", "name", "source", "partition", "status",
"started", "stopped", "tables": [{"table", "status", "job_run_id", "error"}], "error", "cause"}]};
"tables" is each table's outcome when the run reached the load (empty before it): succeeded,
failed, or skipped (a run started for other tables, flowc rerun --from-failure). A failed run's
text line is followed by one line per failed table, and a run that skipped tables by a line
naming them.

Exit codes: 0 listed; 1 spec errors; 2 usage errors and AWS failures.

Example:
   flowc runs --env dev --status failed examples/flights.yaml`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringFlag{Name: "since", Value: "7d", Usage: "list runs started within `DURATION` (e.g. 36h, 30d)"},
			&cli.StringFlag{Name: "status", Usage: "only runs with `STATUS`: running, succeeded or failed"},
			&cli.StringFlag{Name: "partition", Usage: "only runs of `PARTITION` (year=2001/month=01/day=17, 2001/01/17 or 2001-01-17)"},
			formatFlag(runsText, runsJSON),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("runs needs exactly one SPEC file")
			}
			format, err := parseFormat(c.String("format"), runsText, runsJSON)
			if err != nil {
				return err
			}
			since, err := parseSince(c.String("since"))
			if err != nil {
				return err
			}
			status := c.String("status")
			switch status {
			case "", "running", "succeeded", "failed":
			default:
				return usageErr("--status %q: want running, succeeded or failed", status)
			}
			return runRuns(e, c.String("env"), c.Args().First(), format, deploy.RunQuery{Since: time.Now().Add(-since), Status: status}, c.String("partition"))
		},
	}
}

// parseSince reads --since: a Go duration (36h) or a number of days (7d).
func parseSince(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days > 0 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usageErr("--since %q: want a duration such as 36h or 7d", s)
}

func runRuns(e *env, envName, specPath string, format runsFormat, q deploy.RunQuery, partition string) error {
	o, err := openEnv(e, specPath, envName)
	if err != nil {
		return err
	}
	if partition != "" {
		if q.Partition, err = o.canonical("--partition", partition); err != nil {
			return err
		}
	}
	if err := o.connect(e); err != nil {
		return err
	}
	runs, err := o.p.Runs(e.ctx, q)
	if err != nil {
		return awsFailure(err)
	}
	fresh, err := readFreshness(e.ctx, o.p, o.ir, q.Since, time.Now())
	if err != nil {
		return awsFailure(err)
	}
	if format == runsJSON {
		return printRunsJSON(e, runs, fresh)
	}
	printFreshness(e.stdout, fresh)
	if len(runs) == 0 {
		fmt.Fprintf(e.stdout, "No runs of %s since %s.\n", o.ir.Names.StateMachine(), q.Since.UTC().Format(time.RFC3339))
		return nil
	}
	width := len("PARTITION")
	for _, r := range runs {
		width = max(width, len(partitionWord(r)))
	}
	fmt.Fprintf(e.stdout, "%-*s  %-9s  %-20s  %s\n", width, "PARTITION", "STATUS", "STARTED", "DURATION")
	for _, r := range runs {
		fmt.Fprintf(e.stdout, "%-*s  %-9s  %-20s  %s\n", width, partitionWord(r), r.Status, r.Started.UTC().Format(timeLayout), duration(r))
		if r.Status == "failed" {
			fmt.Fprintf(e.stdout, "  %s\n", clip(reason(r), maxReason))
			for _, t := range r.Tables {
				if !t.OK {
					fmt.Fprintf(e.stdout, "  table %s failed: %s\n", t.Table, clip(firstLineOf(t.Error), maxReason))
				}
			}
		}
		var skipped []string
		for _, t := range r.Tables {
			if t.Skipped {
				skipped = append(skipped, t.Table)
			}
		}
		if len(skipped) > 0 {
			fmt.Fprintf(e.stdout, "  skipped (the run was started for other tables): %s\n", strings.Join(skipped, ", "))
		}
	}
	return nil
}

// maxReason is how much of a failure's reason a text line shows (--format
// json has all of it).
const maxReason = 200

// clip cuts s to n bytes, at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// canonical reads a partition argument (label names it in messages:
// "--partition", or "" for a command's PARTITION) against the sources with
// partitions: the first whose columns it fits.
func (o *opened) canonical(label, arg string) (string, error) {
	var firstErr error
	for _, s := range o.sources {
		if len(s.Columns) == 0 {
			continue
		}
		vals, err := parseValues(s.Columns, arg)
		if err == nil {
			return partitionPath(s.Columns, vals), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if label != "" {
		label += ": "
	}
	if firstErr == nil {
		return "", usageErr("%sthe pipeline has no source with partitions", label)
	}
	return "", usageErr("%s%v", label, firstErr)
}

// partitionWord is how a run's partition reads in the list.
func partitionWord(r deploy.Run) string {
	switch {
	case r.Partition != "":
		return r.Partition
	case r.Source != "":
		return r.Source + " (all data)"
	}
	return "(unknown input)"
}

// runJSON is one run of flowc runs --format json.
type runJSON struct {
	ExecutionArn string      `json:"execution_arn"`
	Name         string      `json:"name"`
	Source       string      `json:"source"`
	Partition    string      `json:"partition"`
	Status       string      `json:"status"`
	Started      string      `json:"started"`
	Stopped      *string     `json:"stopped"`
	Tables       []tableJSON `json:"tables"`
	Error        string      `json:"error"`
	Cause        string      `json:"cause"`
}

// tableJSON is one table's outcome in a run.
type tableJSON struct {
	Table    string `json:"table"`
	Status   string `json:"status"`
	JobRunID string `json:"job_run_id"`
	Error    string `json:"error"`
}

// runJSONOf is a run in JSON, its tables not yet filled in.
func runJSONOf(r deploy.Run) runJSON {
	j := runJSON{ExecutionArn: r.ExecutionArn, Name: r.Name, Source: r.Source, Partition: r.Partition, Status: r.Status,
		Started: r.Started.UTC().Format(time.RFC3339), Tables: []tableJSON{}, Error: r.Error, Cause: r.Cause}
	if !r.Stopped.IsZero() {
		s := r.Stopped.UTC().Format(time.RFC3339)
		j.Stopped = &s
	}
	return j
}

func printRunsJSON(e *env, runs []deploy.Run, fresh []sourceFreshness) error {
	doc := struct {
		Freshness []freshnessJSON `json:"freshness,omitempty"`
		Runs      []runJSON       `json:"runs"`
	}{Freshness: freshnessJSONOf(fresh), Runs: []runJSON{}}
	for _, r := range runs {
		j := runJSONOf(r)
		for _, t := range r.Tables {
			tj := tableJSON{Table: t.Table, Status: "succeeded", JobRunID: t.JobRunID, Error: t.Error}
			switch {
			case !t.OK:
				tj.Status = "failed"
			case t.Skipped:
				tj.Status = "skipped"
			}
			j.Tables = append(j.Tables, tj)
		}
		doc.Runs = append(doc.Runs, j)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// firstLineOf is s up to its first line break.
func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
