package main

import (
	"testing"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/graph"
	"github.com/flowc-dev/flowc/spec/diag"
)

// TestFormatFlag: every command parses --format with parseFormat, so an
// unknown format is a usage error in the same words everywhere, and the
// help lists the formats parseFormat accepts, the default first.
func TestFormatFlag(t *testing.T) {
	t.Chdir(repoRoot(t))
	for _, tc := range []struct {
		cmd, want string
	}{
		{"validate", "text, json, github or sarif"},
		{"graph", "mermaid, dot or svg"},
		{"diff", "text, json or markdown"},
		{"test", "text, json, github, junit or sarif"},
		{"run", "text or json"},
	} {
		_, errOut, code := runCLI(t, tc.cmd, "--env", "dev", "--format", "xml", "examples/flights.yaml")
		if want := "flowc: --format \"xml\": want " + tc.want + "\n"; code != exitUsage || errOut != want {
			t.Errorf("flowc %s --format xml: exit %d, stderr %q; want exit 2 and %q", tc.cmd, code, errOut, want)
		}
	}
	if got := formatFlag(graph.Formats...); got.Value != "mermaid" || got.Usage != "output `FORMAT`: mermaid, dot or svg" {
		t.Errorf("graph's --format: %q, %q", got.Value, got.Usage)
	}
	for _, f := range diag.Formats() {
		if got, err := parseFormat(string(f), diag.Formats()...); err != nil || got != f {
			t.Errorf("parseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"", "TEXT", " json"} {
		if _, err := parseFormat(s, deploy.Formats...); err == nil {
			t.Errorf("parseFormat(%q) succeeded", s)
		}
	}
	if s := orList([]string{"a"}); s != "a" {
		t.Errorf("orList of one: %q", s)
	}
}
