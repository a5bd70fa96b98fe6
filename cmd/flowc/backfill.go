package main

import (
	"fmt"
	"path"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
)

// backfillFlags are the options of flowc backfill.
type backfillFlags struct {
	env, spec, source string
	from, to, glob    string
	mode              string // missing-or-failed (default), missing, failed, all
	maxParallel       int
	dryRun, yes       bool
}

func backfillCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "backfill",
		Usage:     "run the partitions present in S3 over a range",
		ArgsUsage: "SPEC",
		Description: `Lists the partitions of the source present under its S3 location (a folder per partition
column, with at least one data file) within --from and --to (inclusive) or matching --partition
GLOB, reads the run history of each (the state machine's executions), and plans for each whether
it will run (never run), re-run (its last run failed, or --all) or be skipped, and why:
  (default)        run partitions never run and re-run those whose last run failed
  --only-missing   run partitions never run only
  --only-failed    re-run partitions whose last run failed only
  --all            run every partition, also those that succeeded
A partition with a run in progress is always skipped. Partitions: for [year, month, day],
--from 2001-01-01 reads as a date; other shapes take their values in order (--from 2001/01/01),
or written out (year=2001/month=01/day=01). --partition takes a pattern of path.Match over the
partition (year=2001/month=01/day=1*, or 2001/01/1*).
Prints the plan, then asks before starting (--yes for CI; without --yes and without a terminal it
refuses, exit 2). --dry-run prints the plan only. Starts at most --max-parallel runs at a time
(default 4), each by hand for its partition (see flowc rerun), shows progress, and waits for all.

Exit codes: 0 every run succeeded, nothing to do, or --dry-run; 1 a run failed, or the plan was
declined at the prompt; 2 usage errors, refusals and AWS failures.

Example:
   flowc backfill --env dev --from 2001-01-01 --to 2001-03-31 --dry-run examples/flights.yaml
   flowc backfill --env prod --partition 'year=2001/month=02/*' --only-failed --yes examples/flights.yaml`,
		Flags: []cli.Flag{
			envFlag(),
			sourceFlag(),
			&cli.StringFlag{Name: "from", Usage: "first `PARTITION` of the range"},
			&cli.StringFlag{Name: "to", Usage: "last `PARTITION` of the range"},
			&cli.StringFlag{Name: "partition", Usage: "partitions matching `GLOB` instead of a range"},
			&cli.BoolFlag{Name: "only-missing", Usage: "run partitions never run only"},
			&cli.BoolFlag{Name: "only-failed", Usage: "re-run partitions whose last run failed only"},
			&cli.BoolFlag{Name: "all", Usage: "run every partition, also those that succeeded"},
			&cli.IntFlag{Name: "max-parallel", Value: 4, Usage: "start at most `N` runs at a time"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and start nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "start without asking (for CI)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("backfill needs exactly one SPEC file")
			}
			fl := backfillFlags{env: c.String("env"), spec: c.Args().First(), source: c.String("source"),
				from: c.String("from"), to: c.String("to"), glob: c.String("partition"),
				maxParallel: c.Int("max-parallel"), dryRun: c.Bool("dry-run"), yes: c.Bool("yes")}
			var modes []string
			for _, m := range []string{"only-missing", "only-failed", "all"} {
				if c.Bool(m) {
					modes = append(modes, m)
				}
			}
			switch {
			case len(modes) > 1:
				return usageErr("--%s: choose one", strings.Join(modes, " and --"))
			case len(modes) == 1:
				fl.mode = modes[0]
			}
			rng := fl.from != "" || fl.to != ""
			switch {
			case rng && fl.glob != "":
				return usageErr("give --from and --to, or --partition, not both")
			case rng && (fl.from == "" || fl.to == ""):
				return usageErr("a range needs both --from and --to")
			case !rng && fl.glob == "":
				return usageErr("backfill needs a range (--from and --to) or --partition GLOB")
			case fl.maxParallel < 1:
				return usageErr("--max-parallel %d: want 1 or more", fl.maxParallel)
			}
			return runBackfill(e, fl)
		},
	}
}

// planned is one partition of a backfill plan.
type planned struct {
	partition string
	action    string // run, re-run, skip
	why       string
}

func runBackfill(e *env, fl backfillFlags) error {
	o, err := openEnv(e, fl.spec, fl.env)
	if err != nil {
		return err
	}
	src, err := o.partitioned(fl.source)
	if err != nil {
		return err
	}
	keep, what, err := selector(src.Columns, fl)
	if err != nil {
		return err
	}
	if err := o.connect(e); err != nil {
		return err
	}
	parts, _, err := o.p.Partitions(e.ctx, src, keep)
	if err != nil {
		return awsFailure(err)
	}
	fmt.Fprintf(e.stdout, "Source %s, %s: %d partition(s) with data in s3://%s/%s.\n", src.Name, what, len(parts), src.Bucket, src.Prefix)
	if len(parts) == 0 {
		return nil
	}
	history, err := o.p.Runs(e.ctx, deploy.RunQuery{})
	if err != nil {
		return awsFailure(err)
	}
	last := map[string]deploy.Run{} // newest first: the first seen is the last run
	for _, r := range history {
		if _, seen := last[r.Partition]; !seen && r.Source == src.Name && r.Partition != "" {
			last[r.Partition] = r
		}
	}
	var plan []planned
	var jobs []job
	counts := map[string]int{}
	for _, part := range parts {
		pl := decide(part, last, fl.mode)
		plan = append(plan, pl)
		counts[pl.action]++
		if pl.action != "skip" {
			jobs = append(jobs, job{partition: part})
		}
	}
	fmt.Fprintf(e.stdout, "Plan: %d to run, %d to re-run, %d to skip.\n", counts["run"], counts["re-run"], counts["skip"])
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, p := range plan {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.action, p.partition, clip(p.why, maxReason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if fl.dryRun {
		fmt.Fprintln(e.stdout, "Dry run: nothing was started.")
		return nil
	}
	if len(jobs) == 0 {
		fmt.Fprintln(e.stdout, "Nothing to run.")
		return nil
	}
	if !fl.yes {
		ok, err := confirmer(e, false, "backfill")(fmt.Sprintf("Start %d run(s) of %s, at most %d at a time?", len(jobs), o.ir.Names.StateMachine(), fl.maxParallel))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(e.stdout, "Nothing was started.")
			return failed
		}
	}
	return runJobs(e, o.p, src, jobs, fl.maxParallel, false, 0)
}

// selector is the filter of partitions that --from/--to or --partition
// give, and its words for the report.
func selector(cols []string, fl backfillFlags) (func(string) bool, string, error) {
	if fl.glob != "" {
		g, err := globOf(cols, fl.glob)
		if err != nil {
			return nil, "", usageErr("--partition %q: %v", fl.glob, err)
		}
		return func(p string) bool { ok, _ := path.Match(g, p); return ok }, "partitions matching " + g, nil
	}
	from, err := parseValues(cols, fl.from)
	if err != nil {
		return nil, "", usageErr("--from: %v", err)
	}
	to, err := parseValues(cols, fl.to)
	if err != nil {
		return nil, "", usageErr("--to: %v", err)
	}
	if compareValues(from, to) > 0 {
		return nil, "", usageErr("--from %s is after --to %s", fl.from, fl.to)
	}
	keep := func(p string) bool {
		v := valuesOf(p)
		return compareValues(from, v) <= 0 && compareValues(v, to) <= 0
	}
	return keep, fmt.Sprintf("%s to %s", partitionPath(cols, from), partitionPath(cols, to)), nil
}

// decide plans one partition from its last run and the mode.
func decide(part string, last map[string]deploy.Run, mode string) planned {
	p := planned{partition: part, action: "skip"}
	r, ran := last[part]
	at := func() string { return r.Started.UTC().Format("2006-01-02 15:04Z") }
	switch {
	case !ran:
		p.why = "never run"
		if mode == "only-failed" {
			p.why += " (--only-failed)"
		} else {
			p.action = "run"
		}
	case r.Status == "running":
		p.why = fmt.Sprintf("a run is in progress (%s, started %s)", r.Name, at())
	case r.Status == "failed":
		p.why = fmt.Sprintf("last run failed (%s): %s", at(), reason(r))
		if mode == "only-missing" {
			p.why += " (--only-missing)"
		} else {
			p.action = "re-run"
		}
	default:
		p.why = fmt.Sprintf("last run succeeded (%s)", at())
		if mode == "all" {
			p.action = "re-run"
			p.why += " (--all)"
		}
	}
	return p
}
