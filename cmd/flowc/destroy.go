package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
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
the account and region and is kept too. The account guard applies as for deploy.

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
// work even when the spec no longer compiles for the environment.
func stackOf(e *env, name, envName string) (*deploy.Bundle, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("reading spec: %w", err)}
	}
	f, ds := spec.Load(name, src, envName)
	if ds.HasErrors() {
		if err := printDiagnostics(e.stderr, diag.FormatText, ds, map[string][]byte{name: src}); err != nil {
			return nil, err
		}
		return nil, failed
	}
	if envName, _, err = chooseEnv(f, envName, spec.NeedEnv); err != nil {
		return nil, err
	}
	ir, err := compiler.Lower(f, envName)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return &deploy.Bundle{Pipeline: ir.Pipeline, Env: ir.Env, Stack: ir.Names.Stack(), Region: ir.Region, Account: ir.Account}, nil
}
