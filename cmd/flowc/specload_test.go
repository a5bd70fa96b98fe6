package main

import (
	"strings"
	"testing"
)

// TestEnvRule: every command chooses the environment by spec.ChooseEnv.
// Without --env, a spec of several environments is a usage error naming
// them for the commands that need one (before any AWS call), and the first
// environment, said so on stderr, for run; an unknown --env is FC213 (exit
// 1) everywhere, never an internal error.
func TestEnvRule(t *testing.T) {
	t.Chdir(repoRoot(t))
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // nothing may call AWS
	const several = "flowc: examples/flights.yaml has 2 environments (dev, prod); choose one with --env\n"
	for _, cmd := range []string{"build", "diff", "deploy", "destroy"} {
		out, errOut, code := runCLI(t, cmd, "examples/flights.yaml")
		if code != exitUsage || out != "" || errOut != several {
			t.Errorf("flowc %s examples/flights.yaml: exit %d, stdout %q, stderr %q; want exit 2 and %q", cmd, code, out, errOut, several)
		}
	}
	for _, cmd := range []string{"build", "diff", "deploy", "destroy", "graph", "run", "validate"} {
		out, errOut, code := runCLI(t, cmd, "--env", "prd", "examples/flights.yaml")
		stdout := cmd == "validate"
		got := errOut
		if stdout {
			got = out
		}
		if code != exitFail || !strings.Contains(got, `error: environment "prd" is not defined in this spec [FC213]`) ||
			!strings.Contains(got, `hint: did you mean "prod"?`) || strings.Contains(out+errOut, "internal error") {
			t.Errorf("flowc %s --env prd: exit %d, stdout %q, stderr %q; want exit 1 and FC213", cmd, code, out, errOut)
		}
	}
}
