// Package arch holds tests of the repository's shape: imports flow one way
// (spec -> ir -> compiler and its backends -> deploy/engine -> cmd), the
// spec knows nothing of AWS, the IR knows no backend, the backends know
// neither each other nor the spec, and the compiler does no I/O.
package arch

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/flowc-dev/flowc"

// list runs go list with a template over the given patterns.
func list(t *testing.T, format string, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", format}, args...)...).Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	return strings.Fields(string(out))
}

// deps are the packages pkg imports, directly or not (tests excluded).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	return list(t, "{{.ImportPath}}", "-deps", pkg)
}

// forbidden reports whether dep is f: an exact package for flowc's own
// (mod/spec forbids spec, not spec/expr), a prefix for anything else.
func forbidden(dep, f string) bool {
	if strings.HasPrefix(f, mod) {
		return dep == f
	}
	return dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/")
}

func TestImportDirection(t *testing.T) {
	aws := []string{"github.com/aws/", "github.com/awslabs/"}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{mod + "/spec/diag", []string{mod + "/spec", mod + "/spec/expr", mod + "/compiler", "github.com/aws/"}},
		{mod + "/spec/expr", []string{mod + "/spec", mod + "/compiler", "github.com/aws/"}},
		{mod + "/spec", append([]string{mod + "/compiler", mod + "/deploy", mod + "/engine", mod + "/cmd/flowc", "net/http"}, aws...)},
		{mod + "/ir", append([]string{mod + "/spec", mod + "/compiler", mod + "/deploy", mod + "/engine", mod + "/cmd/flowc", mod + "/layout", "net/http"}, aws...)},
		{mod + "/compiler", []string{mod + "/deploy", mod + "/engine", mod + "/cmd/flowc", "github.com/aws/aws-sdk-go-v2", "net/http", "os/exec"}},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			for _, f := range r.forbidden {
				if forbidden(d, f) {
					t.Errorf("%s imports %s (forbidden: imports flow one way)", r.pkg, d)
				}
			}
		}
	}
}

// TestLayoutIsALeaf: the build layout imports nothing of flowc and nothing
// of AWS, so every stage may import it.
func TestLayoutIsALeaf(t *testing.T) {
	for _, d := range deps(t, mod+"/layout") {
		if d != mod+"/layout" && (strings.HasPrefix(d, mod+"/") || strings.HasPrefix(d, "github.com/")) {
			t.Errorf("layout imports %s", d)
		}
	}
}

// TestBackendsReadOnlyTheIR: a backend (a package under compiler/ other
// than compiler/internal/...) imports no other backend, except that glue
// may import sqlgen (the engine imports it too), and not the spec: it
// reads only the IR.
func TestBackendsReadOnlyTheIR(t *testing.T) {
	backend := func(p string) bool {
		return strings.HasPrefix(p, mod+"/compiler/") && !strings.HasPrefix(p, mod+"/compiler/internal/")
	}
	seen := map[string]bool{}
	for _, p := range list(t, "{{.ImportPath}}", "./../../compiler/...") {
		if !backend(p) {
			continue
		}
		seen[strings.TrimPrefix(p, mod+"/compiler/")] = true
		for _, d := range deps(t, p) {
			switch {
			case d == p:
			case d == mod+"/spec" || d == mod+"/compiler":
				t.Errorf("backend %s imports %s: a backend reads only the IR", p, d)
			case backend(d) && !(d == mod+"/compiler/sqlgen" && p == mod+"/compiler/glue"):
				t.Errorf("backend %s imports backend %s", p, d)
			}
		}
	}
	for _, b := range []string{"asl", "cfn", "ddl", "glue", "sqlgen"} {
		if !seen[b] {
			t.Errorf("backend compiler/%s not checked", b)
		}
	}
}

// TestCompilerDoesNoIO: the compiler and its backends import no package
// that reads or writes files, starts processes or talks to the network;
// they return a build's files as bytes for cmd/flowc to write.
func TestCompilerDoesNoIO(t *testing.T) {
	io := map[string]bool{"os": true, "os/exec": true, "io/ioutil": true, "net": true, "net/http": true, "path/filepath": true, "syscall": true}
	pkgs := append(list(t, "{{.ImportPath}}", "./../../compiler/..."), mod+"/ir", mod+"/layout")
	for _, p := range pkgs {
		if p == testspec {
			continue // a test helper; TestTestHelpersOnlyInTests holds that
		}
		for _, imp := range list(t, `{{join .Imports "\n"}}`, p) {
			if io[imp] {
				t.Errorf("%s imports %s: the compiler does no I/O", p, imp)
			}
		}
	}
}

// testspec loads specs and golden files for the compiler's tests.
const testspec = mod + "/compiler/internal/testspec"

// TestTestHelpersOnlyInTests: no package but a test imports testspec, so
// its file reads are not the compiler's.
func TestTestHelpersOnlyInTests(t *testing.T) {
	for _, line := range list(t, `{{.ImportPath}}:{{join .Imports ","}}`, "./../../...") {
		p, imps, _ := strings.Cut(line, ":")
		for _, imp := range strings.Split(imps, ",") {
			if imp == testspec {
				t.Errorf("%s imports %s, a helper for tests only", p, imp)
			}
		}
	}
}
