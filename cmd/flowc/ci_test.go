package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// actionFile is the part of action.yml the tests read.
type actionFile struct {
	Inputs map[string]struct {
		Default *string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) *actionFile {
	t.Helper()
	b, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// TestActionFile: action.yml is a composite action whose scripts are bash
// that parses, and take inputs only through env (never ${{ }} in a
// script, where a value could inject shell).
func TestActionFile(t *testing.T) {
	t.Chdir(repoRoot(t))
	a := readAction(t)
	if a.Runs.Using != "composite" || len(a.Runs.Steps) < 5 {
		t.Fatalf("runs.using %q with %d steps", a.Runs.Using, len(a.Runs.Steps))
	}
	for _, s := range a.Runs.Steps {
		if s.Run == "" {
			continue
		}
		if s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q: an expression inside the script; pass it through env:", s.Name)
		}
		cmd := exec.Command("bash", "-n")
		cmd.Stdin = strings.NewReader(s.Run)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("step %q: bash -n: %v\n%s", s.Name, err, out)
		}
		if sc, err := exec.LookPath("shellcheck"); err == nil {
			cmd := exec.Command(sc, "-s", "bash", "-")
			cmd.Stdin = strings.NewReader(s.Run)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("step %q: shellcheck:\n%s", s.Name, out)
			}
		}
	}
}

// TestActionLint lints the example workflow (docs/ci/flowc.yml) and a
// workflow using the action from this repository with actionlint, when it
// is installed (make tools: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12,
// or FLOWC_ACTIONLINT=path); with CI=true a missing actionlint fails.
func TestActionLint(t *testing.T) {
	root := repoRoot(t)
	lint := os.Getenv("FLOWC_ACTIONLINT")
	if lint == "" {
		lint, _ = exec.LookPath("actionlint")
	}
	if lint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("actionlint not found (CI=true)")
		}
		t.Skip("actionlint not installed")
	}
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows")
	os.MkdirAll(wf, 0o755)
	for _, f := range []string{"action.yml", "docs/ci/flowc.yml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "action.yml")
		if f != "action.yml" {
			// The example, using the action of this checkout.
			dst = filepath.Join(wf, "flowc.yml")
			b = []byte(strings.ReplaceAll(string(b), "flowc-dev/flowc@v1", "./"))
		}
		os.WriteFile(dst, b, 0o644)
	}
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil { // actionlint looks for the repository
		t.Fatalf("git init: %v\n%s", err, out)
	}
	cmd := exec.Command(lint, "-no-color")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// TestActionStepsRun runs the action's validate, test and build --check
// scripts locally, as GitHub runs them, with this test binary as flowc.
func TestActionStepsRun(t *testing.T) {
	root := repoRoot(t)
	t.Chdir(root)
	a := readAction(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	os.MkdirAll(bin, 0o755)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nFLOWC_TEST_MAIN=1 exec '" + self + "' -test.run='^$' -- \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "flowc"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	build := filepath.Join(tmp, "build")
	if _, errOut, code := runCLI(t, "build", "--env", "dev", "--out", filepath.Join(build, "dev"), "examples/flights.yaml"); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	env := map[string]string{
		"SPEC": "examples/flights.yaml", "SARIF": "true", "ENVS": "dev", "BUILD_DIR": build,
		"RUNNER_TEMP": tmp, "GITHUB_OUTPUT": filepath.Join(tmp, "output"),
	}
	ran := 0
	for _, s := range a.Runs.Steps {
		if s.Run == "" || strings.Contains(s.Name, "Install") || strings.Contains(s.Name, "diff") {
			continue
		}
		cmd := exec.Command("bash", "-e", "-c", s.Run)
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GITHUB_ACTIONS=true")
		for k := range s.Env {
			if v, ok := env[k]; ok {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
		}
		for k, v := range env {
			if strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "GITHUB_") {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("step %q: %v\n%s", s.Name, err, out)
		}
		ran++
	}
	if ran != 3 {
		t.Errorf("ran %d steps, want validate, test and build --check", ran)
	}
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	for _, f := range []string{"flowc.sarif", "flowc-junit.xml"} {
		if !strings.Contains(string(outputs), filepath.Join(tmp, f)) {
			t.Errorf("GITHUB_OUTPUT does not name %s:\n%s", f, outputs)
		}
		if b, err := os.ReadFile(filepath.Join(tmp, f)); err != nil || len(b) == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

// TestPreCommitHooks: every hook runs a flowc command that exists.
func TestPreCommitHooks(t *testing.T) {
	t.Chdir(repoRoot(t))
	b, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Entry, Language string
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	app := newApp(&env{})
	ids := map[string]bool{}
	for _, h := range hooks {
		ids[h.ID] = true
		f := strings.Fields(h.Entry)
		if len(f) < 2 || f[0] != "flowc" || app.Command(f[1]) == nil || h.Language != "golang" {
			t.Errorf("hook %s: entry %q, language %q", h.ID, h.Entry, h.Language)
		}
	}
	for _, id := range []string{"flowc-validate", "flowc-build-check"} {
		if !ids[id] {
			t.Errorf("no hook %s", id)
		}
	}
}

// TestReadmeWorkflow: the workflow in README.md ("Use in CI") is the
// linted one, docs/ci/flowc.yml, without its comments.
func TestReadmeWorkflow(t *testing.T) {
	t.Chdir(repoRoot(t))
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## Use in CI")
	_, block, ok2 := strings.Cut(after, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no yaml block under \"## Use in CI\"")
	}
	doc, err := os.ReadFile("docs/ci/flowc.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := yaml.Unmarshal([]byte(block), &a); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(doc, &b); err != nil {
		t.Fatal(err)
	}
	ya, _ := yaml.Marshal(a)
	yb, _ := yaml.Marshal(b)
	if string(ya) != string(yb) {
		t.Errorf("README.md's workflow differs from docs/ci/flowc.yml:\n%s\n---\n%s", ya, yb)
	}
}
