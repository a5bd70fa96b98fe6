package main

import "github.com/urfave/cli/v2"

func initCommand(e *env) *cli.Command {
	return &cli.Command{Name: "init", Usage: "write a starter spec (not built yet)", ArgsUsage: "[DIR]", Action: notBuilt("init")}
}
