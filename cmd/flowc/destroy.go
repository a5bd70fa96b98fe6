package main

import "github.com/urfave/cli/v2"

func destroyCommand(e *env) *cli.Command {
	return &cli.Command{Name: "destroy", Usage: "delete the stack of an environment (not built yet)", ArgsUsage: "SPEC", Action: notBuilt("destroy")}
}
