package main

import (
	"strings"
	"testing"
)

// TestEveryCommandHasAnExample: `flowc COMMAND --help` shows at least one
// example for every command, so a newcomer can copy a working line.
func TestEveryCommandHasAnExample(t *testing.T) {
	app := newApp(&env{})
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		i := strings.Index(c.Description, "Example:\n")
		if i < 0 || !strings.Contains(c.Description[i:], "flowc "+c.Name) {
			t.Errorf("flowc %s --help has no example (want a line `Example:` followed by `flowc %s ...` in its Description)", c.Name, c.Name)
		}
	}
}
