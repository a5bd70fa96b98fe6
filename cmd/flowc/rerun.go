package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
)

func rerunCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rerun",
		Usage:     "run partitions of a deployed environment again",
		ArgsUsage: "SPEC PARTITION...",
		Description: `Starts a run of the deployed state machine for each PARTITION, by hand: the input is
{"source": SOURCE, "partition": "year=2001/month=01/day=17"}, and the run goes the way an arriving
file's run goes (the partition's lease, a slot, every table), except that it does not wait for the
partition to settle. A partition is written year=2001/month=01/day=17, as its values in order
(2001/01/17), or, for partitions [year, month, day], as a date (2001-01-17). A partition with no
data file in S3 is not started. Each run is named flowc-<source>-<values>-<time>-<random> (e.g.
flowc-flights-2001-01-17-20261204T211300Z-3fa9c1), so the Step Functions console and
'flowc runs --partition' find it by name.
Waits for every run with progress unless --no-wait. --source chooses the source when several have
partitions.

--from-failure runs only the tables that failed in the partition's last run (the input adds
"tables": [...]; the other tables are skipped, and 'flowc runs' shows them so). Tables loaded by
append are loaded exactly once all the same (the ledger), replace_partition and merge are
idempotent, and no table reads another table's output (a table's from: is a source or a
transform), so no other table has to run with them. When the last run failed before its tables
ran, every table runs. When the last run succeeded there is nothing to run again: it says so
(exit 0); with no run, or a run in progress, it says so and starts nothing for that partition
(exit 1). This is not Step Functions' RedriveExecution: a redrive "continues the failed execution
from the unsuccessful step and uses the same input", but a flowc run catches each table's failure,
notifies and ends in its Fail state, so a redrive would resume at that Fail state and fail again;
and a run releases its partition's lease before it ends, so a redriven load would run without it.

Exit codes: 0 every run succeeded (or, with --no-wait, started; or, --from-failure, nothing
failed); 1 a run failed, a partition has no data file, or (--from-failure) no run to start from;
2 usage errors and AWS failures.

Example:
   flowc rerun --env dev examples/flights.yaml 2001-01-17 2001-01-18
   flowc rerun --env dev --from-failure examples/flights.yaml 2001-01-17`,
		Flags: []cli.Flag{
			envFlag(),
			sourceFlag(),
			&cli.BoolFlag{Name: "no-wait", Usage: "start the runs and return"},
			&cli.BoolFlag{Name: "from-failure", Usage: "run only the tables that failed in the partition's last run"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 2 {
				return usageErr("rerun needs a SPEC file and at least one PARTITION")
			}
			return runRerun(e, c.String("env"), c.String("source"), c.Bool("no-wait"), c.Bool("from-failure"), c.Args().First(), c.Args().Tail())
		},
	}
}

func runRerun(e *env, envName, source string, noWait, fromFailure bool, specPath string, args []string) error {
	o, err := openEnv(e, specPath, envName)
	if err != nil {
		return err
	}
	src, err := o.partitioned(source)
	if err != nil {
		return err
	}
	var parts []string
	for _, a := range args {
		vals, err := parseValues(src.Columns, a)
		if err != nil {
			return usageErr("%v", err)
		}
		parts = append(parts, partitionPath(src.Columns, vals))
	}
	if err := o.connect(e); err != nil {
		return err
	}
	var jobs []job
	missing := 0
	for _, part := range parts {
		key, err := o.p.DataFile(e.ctx, src, part)
		if err != nil {
			return awsFailure(err)
		}
		if key == "" {
			fmt.Fprintf(e.stdout, "%s: no data file in s3://%s/%s%s/: nothing to run\n", part, src.Bucket, src.Prefix, part)
			missing++
			continue
		}
		j := job{partition: part}
		if fromFailure {
			var ok bool
			if j, ok, err = o.fromFailure(e, src, part); err != nil {
				return err
			}
			if !ok {
				missing++
				continue
			}
			if j.partition == "" { // nothing failed
				continue
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		if missing > 0 {
			return failed
		}
		return nil
	}
	return runJobs(e, o.p, src, jobs, 0, noWait, missing)
}

// fromFailure plans the --from-failure run of a partition from its last
// run (planFromFailure) and prints why: a job for the tables that failed,
// or for every table; a job without a partition when nothing is to run
// again; not ok when the partition has no run or one in progress.
func (o *opened) fromFailure(e *env, src deploy.SourceLayout, part string) (job, bool, error) {
	runs, err := o.p.Runs(e.ctx, deploy.RunQuery{Partition: part})
	if err != nil {
		return job{}, false, awsFailure(err)
	}
	var last *deploy.Run
	for i := range runs { // newest first
		if runs[i].Source == src.Name {
			last = &runs[i]
			break
		}
	}
	pl := planFromFailure(last, o.tablesOf(src.Name))
	fmt.Fprintf(e.stdout, "%s: %s\n", part, pl.msg)
	if !pl.run {
		return job{}, !pl.refused, nil
	}
	return job{partition: part, tables: pl.tables}, true, nil
}

// failurePlan is what --from-failure does for a partition.
type failurePlan struct {
	run     bool     // start a run
	tables  []string // of these tables only; nil: every table
	refused bool     // no run to start from, or one in progress (exit 1)
	msg     string
}

// planFromFailure decides a --from-failure run from the partition's last
// run (nil: none) and the tables the source's runs load, in spec order. A
// table that failed but is no longer in the spec is left out. No table
// reads another table's output (a table's from: is a source or a
// transform), so the failed tables need no dependents; append tables load
// each file once (the ledger), and replace_partition and merge are
// idempotent.
func planFromFailure(last *deploy.Run, known []string) failurePlan {
	switch {
	case last == nil:
		return failurePlan{refused: true, msg: "never run, so nothing failed: run it with `flowc rerun` without --from-failure"}
	case last.Status == "running":
		return failurePlan{refused: true, msg: fmt.Sprintf("a run is in progress (%s); wait for it, then run again what failed", last.Name)}
	case last.Status == "succeeded":
		return failurePlan{msg: fmt.Sprintf("the last run (%s, %s) succeeded: nothing failed to run again", last.Name, last.Started.UTC().Format("2006-01-02 15:04Z"))}
	}
	var tables, gone []string
	for _, t := range last.Tables {
		switch {
		case t.OK:
		case slices.Contains(known, t.Table):
			tables = append(tables, t.Table)
		default:
			gone = append(gone, t.Table)
		}
	}
	switch {
	case len(tables) == 0 && len(gone) > 0:
		return failurePlan{msg: fmt.Sprintf("the last run (%s) failed in %s, which the source's runs no longer load: nothing to run again", last.Name, strings.Join(gone, ", "))}
	case len(tables) == 0:
		return failurePlan{run: true, msg: fmt.Sprintf("the last run (%s) failed before its tables ran (%s): running every table", last.Name, clip(reason(*last), maxReason))}
	}
	slices.SortStableFunc(tables, func(a, b string) int { return slices.Index(known, a) - slices.Index(known, b) })
	msg := fmt.Sprintf("the last run (%s) failed in %s: running only that, the other tables are skipped", last.Name, strings.Join(tables, ", "))
	if len(gone) > 0 {
		msg += fmt.Sprintf(" (%s failed too and is no longer loaded)", strings.Join(gone, ", "))
	}
	return failurePlan{run: true, tables: tables, msg: msg}
}

// tablesOf is the tables a run of the source loads, in spec order.
func (o *opened) tablesOf(source string) []string {
	var out []string
	for _, run := range o.ir.Runs() {
		if run.Source.Name != source {
			continue
		}
		for _, t := range run.Tables {
			out = append(out, t.Name)
		}
	}
	return out
}
