package main

import (
	"fmt"
	"github.com/flowc-dev/flowc/internal/golden"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// graphRenders are what every case under testdata/graph/<case>/ is drawn
// as: golden file name, then the flags before the case's own.
var graphRenders = []struct {
	golden string
	flags  []string
}{
	{"graph.mmd", nil},
	{"graph.dot", []string{"--format", "dot"}},
	{"graph.svg", []string{"--format", "svg"}},
	{"aws.mmd", []string{"--aws"}},
	{"aws.dot", []string{"--aws", "--format", "dot"}},
	{"aws.svg", []string{"--aws", "--format", "svg"}},
}

// graphCaseSpec is the spec of a case: its spec.yaml, or the repo-relative
// path written in its spec.path (the example pipeline is drawn where it is).
func graphCaseSpec(t *testing.T, dir string) string {
	if b, err := os.ReadFile(filepath.Join(dir, "spec.path")); err == nil {
		return strings.TrimSpace(string(b))
	}
	return filepath.ToSlash(filepath.Join(dir, "spec.yaml"))
}

// TestGraphGolden draws every case under testdata/graph/ through the real
// CLI. A case with an args file is a transcript: stdout, stderr and exit
// code of `flowc graph ARGS SPEC`, compared with want.txt. Any other case is
// drawn in every format, with and without --aws (with `--env ENV` when it
// has an env file), and each picture compared with its golden file: stdout
// byte for byte, so the .svg files open in a browser.
func TestGraphGolden(t *testing.T) {
	t.Chdir(repoRoot(t))
	dirs, err := filepath.Glob("testdata/graph/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			specPath := graphCaseSpec(t, dir)
			if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args := append(append([]string{"graph"}, strings.Fields(string(b))...), specPath)
				out, errOut, code := runCLI(t, args...)
				got := fmt.Sprintf("$ flowc %s\n%s%s-- exit %d\n", strings.Join(args, " "), out, errOut, code)
				golden.Check(t, filepath.Join(dir, "want.txt"), []byte(got))
				return
			}
			var env []string
			if b, err := os.ReadFile(filepath.Join(dir, "env")); err == nil {
				env = []string{"--env", strings.TrimSpace(string(b))}
			}
			for _, r := range graphRenders {
				args := append(append(append([]string{"graph"}, r.flags...), env...), specPath)
				out, errOut, code := runCLI(t, args...)
				if code != 0 || withoutWarnings(errOut) != "" {
					t.Fatalf("flowc %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
				}
				golden.Check(t, filepath.Join(dir, r.golden), []byte(out))
				again, _, _ := runCLI(t, args...)
				if again != out {
					t.Errorf("flowc %s: two runs differ", strings.Join(args, " "))
				}
			}
		})
	}
}

// readmeGraph matches a diagram block of the README: the command that draws
// it, in a marker comment, then its Mermaid block, then the end marker.
var readmeGraph = regexp.MustCompile("(?s)<!-- flowc (graph [^>]*?) -->\n(.*?)<!-- end graph -->")

// TestReadmeGraph fails when a diagram in README.md is not what `flowc
// graph` draws today. Each diagram sits between
//
//	<!-- flowc graph examples/flights.yaml -->
//	```mermaid
//	...
//	```
//	<!-- end graph -->
//
// and -update redraws it in place.
func TestReadmeGraph(t *testing.T) {
	t.Chdir(repoRoot(t))
	readme, err := os.ReadFile("README.md")
	if os.IsNotExist(err) {
		t.Skip("no README.md yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeGraph.FindAllSubmatchIndex(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no diagram between <!-- flowc graph SPEC --> and <!-- end graph -->")
	}
	var updated []byte
	last := 0
	for _, m := range blocks {
		args := strings.Fields(string(readme[m[2]:m[3]]))
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("flowc %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
		}
		want := "```mermaid\n" + out + "```\n"
		got := string(readme[m[4]:m[5]])
		updated = append(append(updated, readme[last:m[4]]...), want...)
		last = m[5]
		if got != want && !golden.Updating() {
			t.Errorf("README.md: the diagram of `flowc %s` is stale (run go test ./cmd/flowc -run TestReadmeGraph -update); want:\n%s", strings.Join(args, " "), want)
		}
	}
	updated = append(updated, readme[last:]...)
	if golden.Updating() && string(updated) != string(readme) {
		if err := os.WriteFile("README.md", updated, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGraphUsage(t *testing.T) {
	t.Chdir(repoRoot(t))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"graph"}, "graph needs exactly one SPEC file"},
		{[]string{"graph", "a.yaml", "b.yaml"}, "graph needs exactly one SPEC file"},
		{[]string{"graph", "--format", "png", "examples/flights.yaml"}, `--format "png": want mermaid, dot or svg`},
		{[]string{"graph", "--aws", "examples/flights.yaml"}, "the spec has 2 environments; choose one with --env"},
		{[]string{"graph", "testdata/graph/no-such-file.yaml"}, "reading spec:"},
	} {
		out, errOut, code := runCLI(t, tc.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("flowc %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
}
