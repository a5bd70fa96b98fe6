package main

import (
	"github.com/urfave/cli/v2"
)

// generateFlags are flowc test's flags for --generate.
func generateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "generate", Usage: "write a test of `TARGET` (a transform or table) from sampled input instead of running tests"},
		&cli.StringFlag{Name: "from", Usage: "with --generate: the input `PATH`, a file (when the target reads one source) or a folder of <source>/ folders (default: where flowc run reads)"},
		&cli.IntFlag{Name: "limit", Value: 10, Usage: "with --generate: at most `N` rows of each source"},
		&cli.StringFlag{Name: "out", Usage: "with --generate: the test `FILE` to write (default tests/TARGET.yaml beside the spec; never overwritten)"},
	}
}
