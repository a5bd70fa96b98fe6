package main

import "github.com/urfave/cli/v2"

func buildCommand(e *env) *cli.Command {
	return &cli.Command{Name: "build", Usage: "compile a spec to CloudFormation, state machine, Glue scripts and DDL (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("build")}
}
