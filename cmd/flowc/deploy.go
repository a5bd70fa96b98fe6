package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/deploy"
)

// deployFlags are the options of flowc deploy.
type deployFlags struct {
	env    string
	yes    bool
	method deploy.Method
	params map[string]string
	allow  []string // --allow-destructive
	spec   string
}

func deployCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "deploy",
		Usage:     "create or update the stack of an environment",
		ArgsUsage: "SPEC",
		Description: `Builds SPEC for the environment in memory and deploys it to the environment's stack
(<pipeline>-<env>, or the environment's stack:) in the environment's region:
  1. checks the account guard (the environment's account:) against the credentials (STS);
  2. publishes the Glue scripts and nested templates to the asset bucket
     flowc-assets-<account>-<region> under content-addressed keys, skipping what is there
     (the bucket is created on first use: encrypted, public access blocked, TLS only);
  3. creates a change set and shows what will change, resource by resource and property by
     property, replacements flagged, and in pipeline words where flowc can tell;
  4. asks for confirmation (on a terminal; --yes for CI, where there is none);
  5. executes it, streams the stack events, and prints the stack outputs.
A destructive change of a Redshift table (a dropped column, a type change other than a varchar
widening, a distkey or diststyle change; see docs/table-evolution.md) is refused, exit 1 and
nothing deployed, unless the table says on_destructive_change: allow or --allow-destructive TABLE
names it (the table's Glue job then makes the change at its next run). A deploy that changes nothing says "No changes" and exits 0. A failed deploy shows the first
resource that failed and why. A stack left in ROLLBACK_COMPLETE by a failed first deploy is
deleted and created again (after confirmation). An operation already in progress on the stack is
waited for. Ctrl-C stops waiting; the operation goes on in AWS and a new deploy waits for it.
--method direct deploys with CreateStack/UpdateStack instead of a change set.

AWS configuration is the SDK's standard chain: AWS_PROFILE, credentials, AWS_ENDPOINT_URL for an
emulator. The region is the environment's region:, whatever AWS_REGION says; AWS_REGION (or
AWS_DEFAULT_REGION) is used only when the environment has none. Each AWS call waits at most FLOWC_AWS_TIMEOUT (default
60s) for an answer and is tried again once. Exit codes: 0 deployed or no changes; 1 spec errors,
a refused destructive table change, or the deploy was declined at the prompt; 2 usage errors,
other refusals and AWS failures.

Example:
   flowc deploy --env dev examples/flights.yaml
   flowc deploy --env prod --yes examples/flights.yaml     # in CI`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "deploy without asking (for CI)"},
			&cli.StringFlag{Name: "method", Value: string(deploy.MethodChangeSet), Usage: "`HOW` to change the stack: change-set or direct (CreateStack/UpdateStack)"},
			parameterFlag(),
			&cli.StringSliceFlag{Name: "allow-destructive", Usage: "allow the destructive changes of Redshift table `TABLE` in this deploy (repeatable)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("deploy needs exactly one SPEC file")
			}
			m, err := deploy.ParseMethod(c.String("method"))
			if err != nil {
				return usageErr("%v", err)
			}
			params, err := parseParameters(c.StringSlice("parameter"))
			if err != nil {
				return err
			}
			return runDeploy(e, deployFlags{env: c.String("env"), yes: c.Bool("yes"), method: m, params: params, allow: c.StringSlice("allow-destructive"), spec: c.Args().First()})
		},
	}
}

func runDeploy(e *env, fl deployFlags) error {
	// A table --allow-destructive names gets a Glue script that may make
	// the destructive change at its next run (docs/table-evolution.md).
	out, err := compileSpecWith(e, fl.spec, fl.env, compiler.Options{AllowDestructive: fl.allow})
	if err != nil {
		return err
	}
	b := bundleOf(out)
	d, err := newDeployer(e, b.Region, e.stdout)
	if err != nil {
		return err
	}
	res, err := d.Deploy(e.ctx, b, deploy.DeployOptions{
		Method:     fl.method,
		Confirm:    confirmer(e, fl.yes, "deploy"),
		Again:      again("deploy", b.Env, fl.spec),
		Parameters: fl.params,

		AllowDestructive: fl.allow,
	})
	var refused *evolve.RefusedError
	if errors.As(err, &refused) {
		return &exitError{code: exitFail, err: fmt.Errorf("%w\nNothing was deployed.", err)}
	}
	if err != nil {
		return awsFailure(err)
	}
	if res.Declined {
		return failed
	}
	return nil
}

// parameterFlag sets template parameters, as `cdk deploy --parameters` does.
func parameterFlag() *cli.StringSliceFlag {
	return &cli.StringSliceFlag{Name: "parameter", Aliases: []string{"p"}, Usage: "set template parameter `NAME=VALUE` (repeatable); others keep the template's defaults"}
}

func parseParameters(list []string) (map[string]string, error) {
	params := map[string]string{}
	for _, p := range list {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usageErr("--parameter %q: want NAME=VALUE", p)
		}
		params[k] = v
	}
	return params, nil
}

// bundleOf turns a build into what the deploy package needs.
func bundleOf(out *compiler.Output) *deploy.Bundle {
	ir := out.IR
	b := &deploy.Bundle{Pipeline: ir.Pipeline, Env: ir.Env, Stack: ir.Names.Stack(), Region: ir.Region, Account: ir.Account}
	for _, f := range out.Files {
		b.Files = append(b.Files, deploy.File{Path: f.Path, Data: f.Data})
	}
	for _, a := range out.Assets {
		b.Assets = append(b.Assets, deploy.Asset{Path: a.Path, Key: a.Key})
	}
	return b
}

// newDeployer connects to AWS once (deploy.Connect: the environment's
// region wins over AWS_REGION, credentials checked) and builds the clients
// with flowc's per-call timeouts. Output goes to out.
func newDeployer(e *env, region string, out io.Writer) (*deploy.Deployer, error) {
	conn, err := deploy.Connect(e.ctx, region, e.stderr)
	if err != nil {
		return nil, awsFailure(err)
	}
	clients := deploy.NewClients(conn.Config, conn.Options)
	return deploy.New(clients, deploy.Options{Out: out, Err: e.stderr, PlainHTTP: conn.PlainHTTP()}), nil
}

// confirmer asks on the terminal; with --yes it is nil (yes to all).
// Without a terminal and without --yes it refuses: exit 2.
func confirmer(e *env, yes bool, what string) deploy.Confirmer {
	if yes {
		return nil
	}
	var in *bufio.Reader
	return func(question string) (bool, error) {
		if !isTerminal(e.stdin) {
			return false, &exitError{code: exitUsage, err: fmt.Errorf("refusing to %s without confirmation: stdin is not a terminal; pass --yes to %s non-interactively (e.g. in CI)", what, what)}
		}
		if in == nil {
			in = bufio.NewReader(e.stdin)
		}
		fmt.Fprintf(e.stderr, "%s [y/N] ", question)
		answer, err := readLine(e.ctx, in)
		if err != nil {
			fmt.Fprintln(e.stderr)
			return false, err
		}
		answer = strings.ToLower(strings.TrimSpace(answer))
		return answer == "y" || answer == "yes", nil
	}
}

// readLine reads one line, giving up when ctx is cancelled (Ctrl-C).
func readLine(ctx context.Context, r *bufio.Reader) (string, error) {
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := r.ReadString('\n')
		ch <- result{s, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-ch:
		if res.err == io.EOF && res.s != "" {
			res.err = nil
		}
		return res.s, res.err
	}
}

// again is the command line that repeats a command, for messages.
func again(cmd, envName, specPath string) string {
	return fmt.Sprintf("flowc %s --env %s %s", cmd, envName, specPath)
}

// awsFailure maps a deploy error to its exit code: refusals, failed stack
// operations and AWS errors are 2; a cancelled wait says how to resume.
func awsFailure(err error) error {
	var xe *exitError
	if errors.As(err, &xe) {
		return err
	}
	var c *deploy.Cancelled
	if !errors.As(err, &c) && errors.Is(err, context.Canceled) {
		err = errors.New("cancelled; the stack was not changed")
	}
	return &exitError{code: exitUsage, err: err}
}
