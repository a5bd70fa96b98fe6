package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/diag"
)

// loadedSpec is the shared first half of build, diff, deploy, destroy,
// graph and run: the spec file read and checked, the environment chosen by
// the one rule (spec.ChooseEnv), and the checker's IR of it.
type loadedSpec struct {
	name  string
	src   []byte
	file  *spec.File
	diags *diag.Set // the checks' warnings, not printed yet
	env   string    // the environment chosen
	first bool      // no --env: the first of several (spec.FirstEnv)
	ir    *ir.IR    // the environment's IR
}

// loadOptions say how a command loads its spec.
type loadOptions struct {
	env string          // --env, "" when absent
	def spec.EnvDefault // without --env and with several environments
	// errorsJSON prints a spec's errors to stdout as `flowc validate
	// --format json` does (run --format json: stdout stays one JSON document).
	errorsJSON bool
}

// loadSpec reads and checks the spec file name and chooses its
// environment. An unreadable file, or no --env where one is needed, is a
// usage error (exit 2); a spec with errors prints every diagnostic and is
// exit 1. Warnings wait in diags for the command to print (printWarnings,
// or compile with the compiler's).
func loadSpec(e *env, name string, o loadOptions) (*loadedSpec, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("reading spec: %w", err)}
	}
	s := &loadedSpec{name: name, src: src}
	var irs []*ir.IR
	s.file, irs, s.diags = checkSpec(name, src, o.env)
	if s.diags.HasErrors() {
		w, format := e.stderr, diag.FormatText
		if o.errorsJSON {
			w, format = e.stdout, diag.FormatJSON
		}
		if err := s.printTo(w, format); err != nil {
			return nil, err
		}
		return nil, failed
	}
	if s.env, s.first, err = chooseEnv(s.file, o.env, o.def); err != nil {
		return nil, err
	}
	for _, pl := range irs {
		if pl.Env == s.env {
			s.ir = pl
		}
	}
	return s, nil
}

// checkSpec parses and checks a spec for the environment asked for ("" =
// every one, as validate does) and returns the IR of each environment
// checked (none when the spec has errors).
func checkSpec(name string, src []byte, envName string) (*spec.File, []*ir.IR, *diag.Set) {
	f, ds := spec.Parse(name, src)
	var irs []*ir.IR
	var cds *diag.Set
	if envName == "" {
		irs, cds = spec.CheckAll(f)
	} else {
		var pl *ir.IR
		pl, cds = spec.Check(f, envName)
		if pl != nil {
			irs = []*ir.IR{pl}
		}
	}
	ds.Merge(cds)
	ds.KeepInside(name, src)
	return f, irs, ds
}

// chooseEnv is spec.ChooseEnv, the one rule for the environment a command
// works on, with its errors as exit codes: no --env where the spec has
// several environments is a usage error (exit 2); an unknown name is the
// FC213 diagnostic set (exit 1), as spec.Check reports it.
func chooseEnv(f *spec.File, flag string, def spec.EnvDefault) (env string, first bool, err error) {
	env, first, err = f.ChooseEnv(flag, def)
	var ee *spec.EnvError
	if errors.As(err, &ee) {
		return "", false, &exitError{code: exitUsage, err: err}
	}
	return env, first, err
}

// printTo prints the diagnostics, if any, in format.
func (s *loadedSpec) printTo(w io.Writer, format diag.Format) error {
	if s.diags.Len() == 0 {
		return nil
	}
	return printDiagnostics(w, format, s.diags, map[string][]byte{s.name: s.src})
}

// printWarnings prints the checks' warnings to stderr, as text.
func (s *loadedSpec) printWarnings(e *env) error {
	return s.printTo(e.stderr, diag.FormatText)
}

// compile compiles the spec for its environment and prints the checks'
// warnings with the compiler's diagnostics, as one sorted set, to stderr.
// Errors are exit 1.
func (s *loadedSpec) compile(e *env, opt compiler.Options) (*compiler.Output, error) {
	out, cds := compiler.CompileWith(s.ir, opt)
	s.diags.Merge(cds)
	if err := s.printWarnings(e); err != nil {
		return nil, err
	}
	if s.diags.HasErrors() || out == nil {
		return nil, failed
	}
	return out, nil
}
