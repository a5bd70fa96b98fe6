package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/graph"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

func graphCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "graph",
		Usage:     "draw the pipeline as Mermaid, DOT or SVG",
		ArgsUsage: "SPEC",
		Description: `Prints the pipeline as a left-to-right graph: sources (format, partitions, trigger),
transforms (their steps, briefly), tables (load mode, columns, checks) and alerts.
With --aws, also the AWS resources a build creates for the environment (S3 buckets,
EventBridge rules, the Step Functions state machine, Glue jobs, Redshift
tables, the SNS topic), grouped under the pipeline nodes they serve.

Formats: mermaid (GitHub draws it in Markdown), dot (Graphviz), svg (a picture, laid out
by flowc itself: nothing to install). Without --env the first environment is used, and the
graph shows nothing that differs between environments; --aws needs --env when the spec
has several. Never calls AWS.

Example:
   flowc graph examples/flights.yaml
   flowc graph --format svg --aws --env dev examples/flights.yaml > flights.svg`,
		Flags: []cli.Flag{
			envFlag(),
			formatFlag(graph.Formats...),
			&cli.BoolFlag{Name: "aws", Usage: "show the AWS resources the build creates, grouped by pipeline node"},
		},
		Action: func(c *cli.Context) error {
			format, err := parseFormat(c.String("format"), graph.Formats...)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usageErr("graph needs exactly one SPEC file")
			}
			name := c.Args().First()
			pl, err := lowerForGraph(e, name, c.String("env"), c.Bool("aws"))
			if err != nil {
				return err
			}
			out, err := graph.New(pl, graph.Options{AWS: c.Bool("aws")}).Render(format)
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
}

// lowerForGraph loads a spec, prints its diagnostics to stderr, and lowers
// it for the environment the graph shows: the one named, the only one, or,
// for the plain graph (which shows nothing that differs between
// environments), the first.
func lowerForGraph(e *env, name, envName string, aws bool) (*ir.IR, error) {
	o := loadOptions{env: envName, def: spec.FirstEnv}
	if aws {
		o.def = spec.NeedEnv
	}
	s, err := loadSpec(e, name, o)
	var ee *spec.EnvError
	if errors.As(err, &ee) {
		// Shorter than spec.EnvError's text, which names the environments:
		// testdata/graph/aws-needs-env pins this one.
		return nil, usageErr("the spec has %d environments; choose one with --env", len(ee.Names))
	}
	if err != nil {
		return nil, err
	}
	if err := s.printWarnings(e); err != nil {
		return nil, err
	}
	return s.ir, nil
}
