// Package arch holds tests of the repository's shape: imports flow one way
// (spec -> compiler -> deploy/engine -> cmd), the spec knows nothing of AWS,
// and the compiler does no I/O.
package arch

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/flowc-dev/flowc"

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	return strings.Fields(string(out))
}

func TestImportDirection(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{mod + "/spec/diag", []string{mod + "/spec", mod + "/spec/expr", mod + "/compiler", "github.com/aws/"}},
		{mod + "/spec/expr", []string{mod + "/spec", mod + "/compiler", "github.com/aws/"}},
		{mod + "/spec", []string{mod + "/compiler", mod + "/deploy", mod + "/engine", mod + "/cmd", "github.com/aws/", "github.com/awslabs/", "net/http"}},
		{mod + "/compiler", []string{mod + "/deploy", mod + "/engine", mod + "/cmd", "github.com/aws/aws-sdk-go-v2", "net/http", "os/exec"}},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			for _, f := range r.forbidden {
				external := !strings.HasPrefix(f, mod)
				if d == f || (external && strings.HasPrefix(d, strings.TrimSuffix(f, "/")+"/")) {
					t.Errorf("%s imports %s (forbidden: imports flow one way)", r.pkg, d)
				}
			}
		}
	}
}
