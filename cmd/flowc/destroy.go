package main

import (
	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/spec"
)

// destroyFlags are the options of flowc destroy.
type destroyFlags struct {
	env, spec string
	yes       bool
}

func destroyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "destroy",
		Usage:     "delete the stack of an environment (data buckets are kept)",
		ArgsUsage: "SPEC",
		Description: `Deletes the environment's stack after confirmation (--yes for CI), with progress.
Resources with DeletionPolicy Retain are kept and listed: the data (source) buckets keep their
objects. The asset bucket flowc-assets-<account>-<region> is shared by every flowc deploy in
the account and region and is kept too. The account guard and the region (the environment's
region:, AWS_REGION only when it has none) are as for deploy.

Example:
   flowc destroy --env dev examples/flights.yaml`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "destroy without asking (for CI)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("destroy needs exactly one SPEC file")
			}
			return runDestroy(e, destroyFlags{env: c.String("env"), yes: c.Bool("yes"), spec: c.Args().First()})
		},
	}
}

func runDestroy(e *env, fl destroyFlags) error {
	b, err := stackOf(e, fl.spec, fl.env)
	if err != nil {
		return err
	}
	d, err := newDeployer(e, b.Region, e.stdout)
	if err != nil {
		return err
	}
	res, err := d.Destroy(e.ctx, b, deploy.DeployOptions{Confirm: confirmer(e, fl.yes, "destroy"), Again: again("destroy", b.Env, fl.spec)})
	if err != nil {
		return awsFailure(err)
	}
	if res.Declined {
		return failed
	}
	return nil
}

// stackOf names an environment's stack without building it: destroy must
// work even when the spec no longer compiles for the environment. The
// checks' warnings are not printed: they do not matter to a destroy.
func stackOf(e *env, name, envName string) (*deploy.Bundle, error) {
	s, err := loadSpec(e, name, loadOptions{env: envName, def: spec.NeedEnv})
	if err != nil {
		return nil, err
	}
	pl := s.ir
	return &deploy.Bundle{Pipeline: pl.Pipeline, Env: pl.Env, Stack: pl.Names.Stack(), Region: pl.Region, Account: pl.Account, EventBuckets: pl.EventBuckets()}, nil
}
