package main

import "github.com/urfave/cli/v2"

func deployCommand(e *env) *cli.Command {
	return &cli.Command{Name: "deploy", Usage: "create or update the stack of an environment (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("deploy")}
}
