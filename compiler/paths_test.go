package compiler

import "testing"

// TestValidPath: a build path is clean, relative and stays inside the
// build directory (compileIR refuses any other).
func TestValidPath(t *testing.T) {
	for _, good := range []string{"template.json", "glue/x.py", "stacks/tables-01.json"} {
		if !validPath(good) {
			t.Errorf("validPath(%q) = false", good)
		}
	}
	for _, bad := range []string{"", "/x", "../x", "..", "a/../b", "a//b", "./a", "a/"} {
		if validPath(bad) {
			t.Errorf("validPath(%q) = true", bad)
		}
	}
}
