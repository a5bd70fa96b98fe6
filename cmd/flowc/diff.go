package main

import "github.com/urfave/cli/v2"

func diffCommand(e *env) *cli.Command {
	return &cli.Command{Name: "diff", Usage: "show what a deploy would change (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("diff")}
}
