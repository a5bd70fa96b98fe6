package main

import (
	"os"

	"github.com/urfave/cli/v2"
)

// formatValue is the --format of a command that prints diagnostics: the
// flag when given; else, inside GitHub Actions (GITHUB_ACTIONS=true, which
// GitHub sets in every job), github, so that the diagnostics become
// annotations of the pull request; else the flag's default. Colour follows
// NO_COLOR and the terminal (useColor).
func formatValue(c *cli.Context) string {
	if !c.IsSet("format") && os.Getenv("GITHUB_ACTIONS") == "true" {
		return "github"
	}
	return c.String("format")
}
