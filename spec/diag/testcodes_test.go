package diag

import "strings"

// testCodes are registered for this package's tests only, so that Lookup
// and the SARIF rules do not depend on the real tables being filled. Their
// IDs start with "T", which no real code does.
var testCodes = []Code{
	{ID: "T101", Severity: Error, Summary: "a table has no columns"},
	{ID: "T102", Severity: Warning, Summary: "a key is not used"},
	{ID: "T201", Severity: Error, Summary: "no environment is declared"},
	{ID: "T301", Severity: Warning, Summary: "an expression sits in a quoted string"},
	{ID: "T302", Severity: Error, Summary: "an expression | spans lines"},
	{ID: "T501", Severity: Warning, Summary: "an input is never read"},
}

func init() { codeTables = append(codeTables, testCodes) }

// isTestCode reports whether id is one of testCodes.
func isTestCode(id string) bool { return strings.HasPrefix(id, "T") }
