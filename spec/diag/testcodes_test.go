package diag

import "strings"

// testCodes are registered for this package's tests only, so that Lookup
// and the SARIF rules do not depend on the real tables being filled. Their
// IDs start with "T", which no real code does.
var (
	T101 = def("T101", Error, "a table has no columns")
	T102 = def("T102", Warning, "a key is not used")
	T201 = def("T201", Error, "no environment is declared")
	T301 = def("T301", Warning, "an expression sits in a quoted string")
	T302 = def("T302", Error, "an expression | spans lines")
	T501 = def("T501", Warning, "an input is never read")
)

// isTestCode reports whether id is one of testCodes.
func isTestCode(id string) bool { return strings.HasPrefix(id, "T") }
