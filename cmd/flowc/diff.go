package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
)

// diffFlags are the options of flowc diff.
type diffFlags struct {
	env, against, format, spec string
	exitCode                   bool
	params                     map[string]string
}

func diffCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show what a deploy would change",
		ArgsUsage: "SPEC",
		Description: `Compares what SPEC builds for the environment with the deployed stack, or, with
--against DIR, with an earlier flowc build in DIR (offline: no AWS call). It shows
  - what changes in pipeline words where flowc can tell (a table gained a column, a source
    moved, a trigger moved, an alert recipient was added, a Glue job got more workers);
  - every resource added, modified or removed, property by property, with replacements
    flagged: against the stack, CloudFormation's own answer from a change set that flowc
    creates and deletes again; offline, predicted from each resource type's create-only
    properties (the output says which);
  - the generated state machine and Glue scripts (and, offline, the DDL) as unified diffs.
--exit-code exits 1 when there are differences (for a pull request check). The stack is looked
up in the environment's region: (AWS_REGION only when it has none), as flowc deploy does.

Example:
   flowc diff --env prod examples/flights.yaml
   flowc build --env dev --out /tmp/before flights.yaml   # on the main branch
   flowc diff --env dev --against /tmp/before --exit-code flights.yaml`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringFlag{Name: "against", Usage: "compare with the flowc build in `DIR` instead of the deployed stack (offline)"},
			formatFlag(deploy.Formats...),
			&cli.BoolFlag{Name: "exit-code", Usage: "exit 1 when there are differences"},
			parameterFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("diff needs exactly one SPEC file")
			}
			params, err := parseParameters(c.StringSlice("parameter"))
			if err != nil {
				return err
			}
			return runDiff(e, diffFlags{env: c.String("env"), against: c.String("against"), format: c.String("format"), exitCode: c.Bool("exit-code"), params: params, spec: c.Args().First()})
		},
	}
}

func runDiff(e *env, fl diffFlags) error {
	format, err := parseFormat(fl.format, deploy.Formats...)
	if err != nil {
		return err
	}
	out, err := compileSpec(e, fl.spec, fl.env)
	if err != nil {
		return err
	}
	b := bundleOf(out)
	var plan *deploy.Plan
	if fl.against != "" {
		files, err := readBuildDir(fl.against)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		if plan, err = deploy.DiffOffline(b, files, fl.against); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	} else {
		d, err := newDeployer(e, b.Region, e.stderr)
		if err != nil {
			return err
		}
		if plan, err = d.Diff(e.ctx, b, fl.params); err != nil {
			return awsFailure(err)
		}
	}
	if err := deploy.Render(e.stdout, plan, format); err != nil {
		return err
	}
	if fl.exitCode && !plan.Empty() {
		return failed
	}
	return nil
}

// readBuildDir reads every regular file of a build directory by its
// slash-separated path relative to the directory.
func readBuildDir(dir string) (map[string][]byte, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--against %s: not a build directory", dir)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	return files, nil
}
