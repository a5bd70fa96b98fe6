package diag

import (
	"regexp"
	"strings"
	"testing"
)

// TestCodeTables checks the real code tables: unique IDs in the FC1xx to
// FC6xx ranges, a valid severity and a one-line summary.
func TestCodeTables(t *testing.T) {
	id := regexp.MustCompile(`^FC[1-6][0-9][0-9]$`)
	seen := map[string]bool{}
	for _, c := range Codes() {
		if isTestCode(c.ID) {
			continue
		}
		if !id.MatchString(c.ID) {
			t.Errorf("code %q: want FC1xx to FC6xx", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("code %s declared twice", c.ID)
		}
		seen[c.ID] = true
		if c.Severity != Error && c.Severity != Warning {
			t.Errorf("code %s: invalid severity %d", c.ID, c.Severity)
		}
		if s := strings.TrimSpace(c.Summary); s == "" || s != c.Summary || strings.ContainsAny(s, "\r\n") {
			t.Errorf("code %s: summary %q must be one non-empty line", c.ID, c.Summary)
		}
	}
}

func TestCodesSortedAndLookup(t *testing.T) {
	all := Codes()
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Errorf("Codes not sorted: %s before %s", all[i-1].ID, all[i].ID)
		}
	}
	c, ok := Lookup("T301")
	if !ok || c.Severity != Warning || c.Summary != "an expression sits in a quoted string" {
		t.Errorf("Lookup(T301) = %+v, %v", c, ok)
	}
	if _, ok := Lookup("T999"); ok {
		t.Error("Lookup(T999) found an unregistered code")
	}
}
