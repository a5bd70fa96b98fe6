//go:build !cgo

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// This file is the whole of flowc run and flowc test in a binary built
// without cgo (CGO_ENABLED=0): the local engine is DuckDB, a C++ library,
// so such a build leaves it out. validate, build, diff, deploy and the
// operating commands are the same as in the full build; the binary is a
// third of the size, starts faster and cross-compiles (README, "Two builds").

// buildNote follows the version: the build leaves the engine out.
const buildNote = " (without the local engine: built with CGO_ENABLED=0)"

// noEngine is what run and test say in a build without the engine.
const noEngine = "%s needs the local engine (DuckDB, a C++ library), which this flowc leaves out: it was built with CGO_ENABLED=0; use the full build (CGO_ENABLED=1, the default where a C compiler is installed)"

func runAction(c *cli.Context, e *env) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(noEngine, "flowc run")}
}

func testAction(c *cli.Context, e *env) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(noEngine, "flowc test")}
}
