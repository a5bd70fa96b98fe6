package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/flowc-dev/flowc/spec/diag"
)

// Exit codes, as README.md documents them for every command (flowc run
// also exits 130 or 143 when SIGINT or SIGTERM stops it).
const (
	exitOK    = 0 // success, warnings allowed
	exitFail  = 1 // spec errors, failed checks, differences (--check, --exit-code)
	exitUsage = 2 // usage errors, tool and AWS failures
)

// exitError carries an exit code up to run. A nil err with a code means the
// command already reported what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage error: exit 2 with the message.
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failed is exit 1 after the command has printed why.
var failed = &exitError{code: exitFail}

// env carries what commands need of the process: streams and context.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor reports whether to colour output written to w.
func useColor(w any) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// run is the whole program: it builds a fresh app, runs it, and maps errors
// to exit codes. Nothing else calls os.Exit.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	app := newApp(e)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil {
			fmt.Fprintf(stderr, "flowc: %v\n", xe.err)
		}
		return xe.code
	}
	var ds *diag.Set
	if errors.As(err, &ds) {
		fmt.Fprintln(stderr, ds.Error())
		return exitFail
	}
	// Flag parsing and other urfave/cli errors are usage errors.
	msg := err.Error()
	if topic, ok := strings.CutPrefix(msg, "No help topic for "); ok {
		msg = "unknown command " + topic
	}
	fmt.Fprintf(stderr, "flowc: %s\n", msg)
	if strings.Contains(msg, "flag") || strings.Contains(msg, "command") {
		fmt.Fprintln(stderr, "Run 'flowc --help' for usage.")
	}
	return exitUsage
}

// version is set at link time by release builds (-ldflags "-X main.version=...").
var version = "dev"

func newApp(e *env) *cli.App {
	return &cli.App{
		Name:                 "flowc",
		Usage:                "one YAML file to a serverless data pipeline on AWS",
		UsageText:            "flowc COMMAND [options] SPEC",
		Description:          "flowc validates a pipeline spec, compiles it to CloudFormation, a Step Functions state machine,\nGlue PySpark scripts and Redshift DDL, deploys it per environment, and runs it locally on DuckDB.\n\nExit codes: 0 success (warnings allowed); 1 spec errors, failed checks or differences;\n2 usage errors and failures of the tool or of AWS.",
		Version:              version + buildNote,
		Reader:               e.stdin,
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {}, // run maps errors to exit codes
		Commands: []*cli.Command{
			validateCommand(e),
			buildCommand(e),
			diffCommand(e),
			deployCommand(e),
			destroyCommand(e),
			runCommand(e),
			runsCommand(e),
			logsCommand(e),
			rerunCommand(e),
			backfillCommand(e),
			graphCommand(e),
			testCommand(e),
			schemaCommand(e),
			initCommand(e),
			completionCommand(e),
		},
	}
}

// printDiagnostics renders a set with the one printer.
func printDiagnostics(w io.Writer, format diag.Format, ds *diag.Set, sources map[string][]byte) error {
	p := &diag.Printer{
		Format:      format,
		Sources:     func(f string) []byte { return sources[f] },
		Color:       format == diag.FormatText && useColor(w),
		ToolVersion: version,
	}
	return p.Print(w, ds.Sorted())
}

// interspersed moves a command's flags before its arguments, so
// `flowc build SPEC --env dev` works as users of other CLIs expect
// (urfave/cli v2 stops reading flags at the first argument). A "--" ends
// flag parsing; what follows it stays an argument.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	var cmd *cli.Command
	at := 1
	for ; at < len(args); at++ {
		if !strings.HasPrefix(args[at], "-") {
			cmd = app.Command(args[at])
			break
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	tail := args[at+1:]
	for i := 0; i < len(tail); i++ {
		a := tail[i]
		switch {
		case a == "--":
			rest = append(rest, tail[i:]...)
			i = len(tail)
		case len(a) > 1 && strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(tail) {
				flags = append(flags, tail[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	out := append([]string{}, args[:at+1]...)
	out = append(out, flags...)
	return append(out, rest...)
}
