package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func rerunCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rerun",
		Usage:     "run partitions of a deployed environment again",
		ArgsUsage: "SPEC PARTITION...",
		Description: `Starts a run of the deployed state machine for each PARTITION, exactly as an arriving file
would: the input is the one the EventBridge rule gives ({"source", "bucket", "key"}), naming one of
the partition's data files in S3. A partition is written year=2001/month=01/day=17, as its values in
order (2001/01/17), or, for partitions [year, month, day], as a date (2001-01-17). Each run is named
flowc-<source>-<values>-<time>-<random> (e.g. flowc-flights-2001-01-17-20261204T211300Z-3fa9c1), so
the Step Functions console and 'flowc runs --partition' find it by name.
Waits for every run with progress unless --no-wait. --source chooses the source when several have
partitions. Resuming a failed execution where it failed (Step Functions RedriveExecution) is not
offered: the state machine catches every failure into its failure notification and a Fail state,
so a redrive would resume at that Fail state and fail again.

Exit codes: 0 every run succeeded (or, with --no-wait, started); 1 a run failed or a partition has
no data file; 2 usage errors and AWS failures.

Example:
   flowc rerun --env dev examples/flights.yaml 2001-01-17 2001-01-18`,
		Flags: []cli.Flag{
			envFlag(),
			sourceFlag(),
			&cli.BoolFlag{Name: "no-wait", Usage: "start the runs and return"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 2 {
				return usageErr("rerun needs a SPEC file and at least one PARTITION")
			}
			return runRerun(e, c.String("env"), c.String("source"), c.Bool("no-wait"), c.Args().First(), c.Args().Tail())
		},
	}
}

func runRerun(e *env, envName, source string, noWait bool, specPath string, args []string) error {
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
		jobs = append(jobs, job{partition: part, key: key})
	}
	return runJobs(e, o.p, src, jobs, 0, noWait, missing)
}
