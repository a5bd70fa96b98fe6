package main

import "github.com/urfave/cli/v2"

func graphCommand(e *env) *cli.Command {
	return &cli.Command{Name: "graph", Usage: "draw the pipeline (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("graph")}
}
