package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec"
)

func buildCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "compile a spec to CloudFormation, a state machine, Glue scripts and Redshift DDL",
		ArgsUsage: "SPEC",
		Description: `Compiles SPEC for one environment into a directory a reviewer can read and flowc deploy
can deploy: template.json (and stacks/*.json when the pipeline needs nested stacks),
statemachine.asl.json, glue/<table>.py, sql/<table>.sql and manifest.json (every file with its
sha256, the assets to upload, and the sizes against the AWS limits). The output is byte-identical
for the same spec and environment, however SPEC's path is typed (generated files name only its
base name). Nothing is sent to AWS.

build writes the files and removes the files an earlier build wrote (listed in the old
manifest.json) that this build no longer has; other files in DIR are left alone. It is all
or nothing: the new files are written aside first, and when any step fails DIR is left as it was.
With --check nothing is written: build compares DIR with what it would write, prints a unified
diff, and exits 1 when they differ (for CI).

Example:
   flowc build --env dev examples/flights.yaml          # writes build/dev/
   flowc build --env prod --out out/prod flights.yaml
   flowc build --env dev --check examples/flights.yaml  # is build/dev/ up to date?`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default build/ENV)"},
			&cli.BoolFlag{Name: "check", Usage: "compare DIR with the build instead of writing; exit 1 if they differ"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("build needs exactly one SPEC file")
			}
			out, err := compileSpec(e, c.Args().First(), c.String("env"))
			if err != nil {
				return err
			}
			dir := c.String("out")
			if dir == "" {
				dir = filepath.Join("build", out.IR.Env)
			}
			if c.Bool("check") {
				return checkBuild(e, out, dir)
			}
			return writeBuild(e, out, dir)
		},
	}
}

// compileSpec reads, checks and compiles a spec for one environment,
// printing diagnostics (warnings too) to stderr. Errors in the spec are
// exit 1; an unreadable file or a missing --env is a usage error.
func compileSpec(e *env, name, envName string) (*compiler.Output, error) {
	return compileSpecWith(e, name, envName, compiler.Options{})
}

// compileSpecWith is compileSpec with compiler options; a table that
// --allow-destructive names must be a table of the spec (exit 2).
func compileSpecWith(e *env, name, envName string, opt compiler.Options) (*compiler.Output, error) {
	s, err := loadSpec(e, name, loadOptions{env: envName, def: spec.NeedEnv})
	if err != nil {
		return nil, err
	}
	var tables []string
	for _, t := range s.ir.Tables {
		tables = append(tables, t.Name)
	}
	for _, a := range opt.AllowDestructive {
		if !slices.Contains(tables, a) {
			return nil, usageErr("--allow-destructive %s: the spec has no table %s (its tables: %s)", a, a, strings.Join(tables, ", "))
		}
	}
	return s.compile(e, opt)
}

// safePath resolves a build path inside dir, rejecting any that would
// leave it.
func safePath(dir, p string) (string, error) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("internal error: build path %q is outside the output directory (please report this bug)", p)
	}
	return filepath.Join(dir, filepath.FromSlash(p)), nil
}

// previousFiles lists the files an earlier build wrote to dir, from its
// manifest.json (nil when there is none or it cannot be read).
func previousFiles(dir string) []string {
	data, err := os.ReadFile(filepath.Join(dir, layout.ManifestPath))
	if err != nil {
		return nil
	}
	var m struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	var out []string
	for _, f := range m.Files {
		out = append(out, f.Path)
	}
	return append(out, layout.ManifestPath)
}

// stale are the files of an earlier build that this one does not have.
func stale(out *compiler.Output, dir string) []string {
	var gone []string
	for _, p := range previousFiles(dir) {
		if out.File(p) == nil {
			if _, err := safePath(dir, p); err == nil {
				gone = append(gone, p)
			}
		}
	}
	sort.Strings(gone)
	return gone
}

func writeBuild(e *env, out *compiler.Output, dir string) error {
	gone := stale(out, dir)
	var changed []compiler.File
	for _, f := range out.Files {
		dst, err := safePath(dir, f.Path)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		changed = append(changed, f)
	}
	if err := commitBuild(dir, changed, gone); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("writing build: %w", err)}
	}
	m := out.Manifest
	fmt.Fprintf(e.stdout, "wrote %s: %d files (%d changed, %d removed)\n", dir, len(out.Files), len(changed), len(gone))
	printSummary(e.stdout, m)
	return nil
}

// printSummary is the build's size against the limits, in a few lines.
func printSummary(w io.Writer, m compiler.Manifest) {
	l := m.Limits
	stacks := "1 stack"
	if n := len(m.Stacks); n > 1 {
		stacks = fmt.Sprintf("1 stack + %d nested", n-1)
	}
	total := 0
	for _, s := range m.Stacks {
		total += s.Resources
	}
	fmt.Fprintf(w, "  resources:  %d in %s (largest stack %d of %d)\n", total, stacks, l.Resources.Used, l.Resources.Limit)
	inline := "fits inline"
	if !l.Inline {
		inline = "deploy uploads it to S3"
	}
	fmt.Fprintf(w, "  template:   %d bytes (inline limit %d: %s; largest template %d of %d)\n", l.InlineBytes.Used, l.InlineBytes.Limit, inline, l.TemplateBytes.Used, l.TemplateBytes.Limit)
	fmt.Fprintf(w, "  definition: %d bytes of %d\n", l.DefinitionBytes.Used, l.DefinitionBytes.Limit)
}

// checkBuild compares dir with the build and prints a unified diff of
// every file that differs, is missing, or is stale.
func checkBuild(e *env, out *compiler.Output, dir string) error {
	var diffs []string
	for _, f := range out.Files {
		dst, err := safePath(dir, f.Path)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		old, err := os.ReadFile(dst)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &exitError{code: exitUsage, err: fmt.Errorf("reading build: %w", err)}
		}
		if err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		diffs = append(diffs, f.Path)
		fromFile := dir + "/" + f.Path
		if err != nil {
			fromFile = "/dev/null"
		}
		writeDiff(e.stdout, fromFile, dir+"/"+f.Path+" (flowc build)", old, f.Data)
	}
	for _, p := range stale(out, dir) {
		dst, _ := safePath(dir, p)
		old, err := os.ReadFile(dst)
		if err != nil {
			continue
		}
		diffs = append(diffs, p)
		writeDiff(e.stdout, dir+"/"+p, "/dev/null (flowc build)", old, nil)
	}
	if len(diffs) == 0 {
		fmt.Fprintf(e.stdout, "%s is up to date (%d files)\n", dir, len(out.Files))
		return nil
	}
	fmt.Fprintf(e.stderr, "flowc: %s is out of date: %d of the build's files differ; run flowc build without --check to update it\n", dir, len(diffs))
	return failed
}

// writeDiff prints a unified diff of two versions of a file.
func writeDiff(w io.Writer, from, to string, a, b []byte) {
	ud := difflib.UnifiedDiff{
		A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)),
		FromFile: from, ToFile: to, Context: 3,
	}
	if len(a) == 0 {
		ud.A = nil
	}
	if len(b) == 0 {
		ud.B = nil
	}
	s, err := difflib.GetUnifiedDiffString(ud)
	if err != nil {
		fmt.Fprintf(w, "--- %s\n+++ %s\n(cannot diff: %v)\n", from, to, err)
		return
	}
	if !strings.HasSuffix(s, "\n") && s != "" {
		s += "\n"
	}
	io.WriteString(w, s)
}
