package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/testfile"
)

func envFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "env", Aliases: []string{"e"}, Usage: "environment `NAME` (may be left out when the spec has one environment)"}
}

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check specs and print every diagnostic",
		ArgsUsage: "SPEC...",
		Description: `Checks each spec: YAML structure, the JSON Schema, names and the AWS names derived
from them, references, cycles, triggers, e-mail addresses, parameters in every environment
(or only --env), and the types of the data flow from source columns into Redshift columns.
Every problem of every file is reported at once, at FILE:LINE:COL. A file that
cannot be read is reported too (FC111), the others are still checked, and the
exit code is then 2. Inside GitHub Actions (GITHUB_ACTIONS=true) the default format is github.

Example:
   flowc validate examples/flights.yaml
   flowc validate --format github specs/*.yaml`,
		Flags: []cli.Flag{
			envFlag(),
			formatFlag(diag.Formats()...),
		},
		Action: func(c *cli.Context) error {
			format, err := parseFormat(formatValue(c), diag.Formats()...)
			if err != nil {
				return err
			}
			if c.NArg() == 0 {
				return usageErr("validate needs at least one SPEC file")
			}
			ds := &diag.Set{}
			sources := map[string][]byte{}
			unreadable := false
			for _, name := range c.Args().Slice() {
				src, err := os.ReadFile(name)
				if err != nil {
					// One more diagnostic: the other files are still checked
					// and every format prints them (issue 9 item 6).
					unreadable = true
					ds.Errorf(diag.Pos{File: name}, diag.FC111, "cannot read the spec file: %v", readError(err))
					continue
				}
				sources[name] = src
				_, irs, fds := checkSpec(name, src, c.String("env"))
				ds.Merge(fds)
				if !fds.HasErrors() {
					ds.Merge(buildLimits(irs))
				}
			}
			if err := printDiagnostics(e.stdout, format, ds, sources); err != nil {
				return err
			}
			if unreadable {
				return &exitError{code: exitUsage} // reported as FC111 above; exit 2 as for a usage error
			}
			if ds.HasErrors() {
				return failed
			}
			if format == diag.FormatText && ds.Len() == 0 {
				for _, name := range c.Args().Slice() {
					fmt.Fprintf(e.stdout, "%s: ok\n", name)
				}
			}
			return nil
		},
	}
}

// readError is the reason a file could not be read, without the path the
// diagnostic already names.
func readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// buildLimits compiles the IRs of a valid spec (one per environment
// checked) and returns what the compiler found: the AWS limits a build
// would pass or come near (FC5xx). Messages name the environment when
// there are several.
func buildLimits(irs []*ir.IR) *diag.Set {
	out := &diag.Set{}
	// Environments compile independently: in parallel, merged in order.
	sets := make([]*diag.Set, len(irs))
	var wg sync.WaitGroup
	for i, pl := range irs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sets[i] = compiler.CheckLimits(pl)
		}()
	}
	wg.Wait()
	for i, pl := range irs {
		for _, d := range sets[i].Sorted() {
			if len(irs) > 1 {
				d.Message = fmt.Sprintf("environment %s: %s", pl.Env, d.Message)
			}
			out.Add(d)
		}
	}
	return out
}

func schemaCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "schema",
		Usage: "print the JSON Schema of the spec language (for editors)",
		Description: `Prints the JSON Schema (draft-07) that the spec language follows. Point
yaml-language-server at it for completion and checks in your editor.

Example:
   flowc schema > flowc.schema.json
   # then, first line of a spec:  # yaml-language-server: $schema=./flowc.schema.json
   flowc schema --tests > flowc-tests.schema.json   # for test files (flowc test)`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "tests", Usage: "print the JSON Schema of test files (flowc test) instead"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("schema takes no arguments")
			}
			schema := spec.SchemaJSON()
			if c.Bool("tests") {
				schema = testfile.SchemaJSON()
			}
			_, err := e.stdout.Write(schema)
			return err
		},
	}
}
