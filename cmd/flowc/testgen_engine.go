//go:build cgo

package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/engine"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/testfile"
)

// generateTest writes a snapshot test of target: rows sampled from the
// input, the expectation what the pipeline computes from them now. The
// file is parsed, typed and run before it is written: it passes.
func generateTest(c *cli.Context, e *env, specName string, pl *ir.IR) error {
	target := c.String("generate")
	if c.Args().Len() > 1 {
		return usageErr("--generate takes only the SPEC")
	}
	if c.Int("limit") < 1 {
		return usageErr("--limit must be at least 1")
	}
	sources, ok := testfile.Sources(pl, target)
	if !ok {
		return usageErr("--generate %q: no transform or table of that name", target)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.ToSlash(filepath.Join(filepath.Dir(specName), testsDir, target+".yaml"))
	}
	if _, err := os.Stat(out); err == nil {
		return usageErr("%s exists: flowc test --generate does not overwrite a test file (--out names another)", out)
	}
	opts := engine.Options{SpecDir: filepath.Dir(specName), Inputs: map[string]string{}, S3: s3Client(pl.Region, e.stderr)}
	from := c.String("from")
	if from != "" {
		st, err := os.Stat(from)
		if err != nil {
			return usageErr("--from: %v", readError(err))
		}
		for _, s := range sources {
			sub := filepath.Join(from, s)
			if fi, err := os.Stat(sub); err == nil && fi.IsDir() && st.IsDir() {
				opts.Inputs[s] = sub
			}
		}
		if len(opts.Inputs) == 0 {
			if len(sources) != 1 {
				return usageErr("--from %s: target %s reads %d sources; give a folder with a folder per source", from, target, len(sources))
			}
			opts.Inputs[sources[0]] = from
		}
	} else {
		from = "the sources flowc run reads"
	}
	given, err := engine.Sample(c.Context, pl, opts, sources, c.Int("limit"))
	if err != nil {
		return runError(e.ctx, err)
	}
	res, err := engine.RunUnit(c.Context, pl, engine.Unit{Target: target, Given: given})
	if err != nil {
		return runError(e.ctx, err)
	}
	snap := &testfile.Snapshot{Name: target + " (generated)", Target: target, Env: pl.Env, From: filepath.ToSlash(from),
		Columns: res.Columns, Rows: res.Rows}
	for _, g := range given {
		snap.Given = append(snap.Given, &testfile.Relation{Name: g.Name, Columns: g.Columns, Rows: g.Rows})
	}
	if len(res.Failures) > 0 {
		snap.Failure = res.Failures[0].Check
	}
	src := testfile.Generate(snap)
	// The file must read back and pass as written.
	tf, ds := testfile.Parse(out, src)
	if ds.HasErrors() || len(tf.Tests) != 1 {
		return fmt.Errorf("internal error: the generated test does not parse (please report it):\n%s", ds.Error())
	}
	cs, ds := testfile.Bind(tf, tf.Tests[0], pl, func(string) ([]byte, error) { return nil, fs.ErrNotExist })
	if ds.HasErrors() {
		return fmt.Errorf("the sampled rows cannot be written as a test:\n%s", ds.Error())
	}
	if r := runTest(c.Context, out, cs, pl); !r.passed {
		return fmt.Errorf("internal error: the generated test fails (please report it): %s", r.message)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return err
	}
	what := pluralize(len(res.Rows), "expected row")
	if snap.Failure != "" {
		what = "expects check " + snap.Failure + " to fail"
	}
	fmt.Fprintf(e.stdout, "wrote %s: a test of %s on %s; %s. Review it before committing.\n", out, target, givenSummary(given), what)
	return nil
}

func givenSummary(given []*engine.Relation) string {
	s := ""
	for i, g := range given {
		if i > 0 {
			s += ", "
		}
		s += pluralize(len(g.Rows), "row") + " of " + g.Name
	}
	return s
}
