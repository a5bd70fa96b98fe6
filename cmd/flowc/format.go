package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// formatFlag is a command's --format flag: its formats, in the order the
// help and parseFormat's message list them, the first being the default.
func formatFlag[F ~string](formats ...F) *cli.StringFlag {
	return &cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: string(formats[0]), Usage: "output `FORMAT`: " + orList(formats)}
}

// parseFormat is the one parser of --format: the value when the command
// offers it, else a usage error listing what it offers, in the words of
// testdata/run/bad_format: `--format "xml": want text or json`.
func parseFormat[F ~string](value string, formats ...F) (F, error) {
	for _, f := range formats {
		if string(f) == value {
			return f, nil
		}
	}
	return "", usageErr("--format %q: want %s", value, orList(formats))
}

// orList renders a, b or c.
func orList[F ~string](items []F) string {
	var b strings.Builder
	for i, it := range items {
		switch {
		case i == 0:
		case i == len(items)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(it))
	}
	return b.String()
}
