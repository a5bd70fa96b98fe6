package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/starter"
)

// TestInitWritesWorkingSpec: the starter validates without a single
// diagnostic, builds for both environments, and points editors at the
// schema written beside it.
func TestInitWritesWorkingSpec(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Orders_2024")
	out, errOut, code := runCLI(t, "init", dir)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	specPath := filepath.Join(dir, starter.SpecFile)
	for _, p := range []string{specPath, filepath.Join(dir, starter.SchemaFile)} {
		if !strings.Contains(out, "wrote "+p+"\n") {
			t.Errorf("stdout does not say it wrote %s:\n%s", p, out)
		}
	}
	src, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(src), "\n")
	if first != "# yaml-language-server: $schema=./"+starter.SchemaFile {
		t.Errorf("first line: %q", first)
	}
	schema, err := os.ReadFile(filepath.Join(dir, starter.SchemaFile))
	if err != nil || !bytes.Equal(schema, spec.SchemaJSON()) {
		t.Errorf("the schema file is not what `flowc schema` prints (err %v)", err)
	}
	f, irs, ds := spec.LoadAll(specPath, src)
	if ds.Len() > 0 {
		t.Fatalf("the starter spec has diagnostics:\n%v", ds)
	}
	if f.Pipeline.Raw != "orders-2024" {
		t.Errorf("pipeline %q, want orders-2024 (from the directory)", f.Pipeline.Raw)
	}
	if len(f.Sources) != 1 || len(f.Transforms) != 1 || len(f.Tables()) != 1 || f.Alerts == nil || len(f.Environments) != 2 {
		t.Errorf("want one source, transform and table, alerts and two environments")
	}
	for _, pl := range irs {
		if _, ds := compiler.Compile(pl); ds.HasErrors() {
			t.Errorf("the starter does not build for %s:\n%v", pl.Env, ds)
		}
	}
	if _, errOut, code := runCLI(t, "validate", specPath); code != 0 {
		t.Errorf("flowc validate: exit %d\n%s", code, errOut)
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, starter.SpecFile)
	if err := os.WriteFile(specPath, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "init", dir)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if out != "" || !strings.Contains(errOut, specPath+" already exists; init never overwrites files") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	if b, _ := os.ReadFile(specPath); string(b) != "mine\n" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, starter.SchemaFile)); err == nil {
		t.Error("init wrote the schema although it refused the spec")
	}
}

// TestInitAsksNothingWithoutTerminal: with standard input not a terminal,
// init reads nothing from it and prompts nothing.
func TestInitAsksNothingWithoutTerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "clicks")
	stdin := strings.NewReader("typed-name\n")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"flowc", "init", dir}, stdin, &out, &errb)
	if code != 0 || errb.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if stdin.Len() != len("typed-name\n") {
		t.Error("init read standard input")
	}
	src, _ := os.ReadFile(filepath.Join(dir, starter.SpecFile))
	if !strings.Contains(string(src), "\npipeline: clicks ") {
		t.Error("pipeline name not taken from the directory")
	}
}

func TestInitName(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "init", "--name", "web-events", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	src, _ := os.ReadFile(filepath.Join(dir, starter.SpecFile))
	if !strings.Contains(string(src), "\npipeline: web-events ") {
		t.Error("--name not used")
	}
	_, errOut, code := runCLI(t, "init", "--name", "Web Events", t.TempDir())
	if code != exitUsage || !strings.Contains(errOut, `pipeline name "Web Events" is invalid`) {
		t.Errorf("invalid --name: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "init", "a", "b"); code != exitUsage || !strings.Contains(errOut, "at most one DIR") {
		t.Errorf("two dirs: exit %d, stderr %q", code, errOut)
	}
}

func TestAskPipeline(t *testing.T) {
	for _, tc := range []struct {
		input, want, errWant string
	}{
		{"\n", "from-dir", ""},
		{"", "from-dir", ""},
		{"  orders  \n", "orders", ""},
		{"Bad Name\norders\n", "orders", ""},
		{"orders", "orders", ""}, // no newline before EOF
		{"X\nY\nZ\n", "", "no valid pipeline name given"},
		{"X", "", "no valid pipeline name given"},
	} {
		var prompts bytes.Buffer
		got, err := askPipeline(strings.NewReader(tc.input), &prompts, "from-dir")
		if got != tc.want || (err == nil) != (tc.errWant == "") || (err != nil && !strings.Contains(err.Error(), tc.errWant)) {
			t.Errorf("input %q: got %q, %v; want %q, %q", tc.input, got, err, tc.want, tc.errWant)
		}
		if !strings.HasPrefix(prompts.String(), "Pipeline name [from-dir]: ") {
			t.Errorf("input %q: prompt %q", tc.input, prompts.String())
		}
	}
}
