package main

import "github.com/urfave/cli/v2"

func runCommand(e *env) *cli.Command {
	return &cli.Command{Name: "run", Usage: "run the pipeline locally on an embedded engine (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("run")}
}
