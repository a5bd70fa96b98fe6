package diag

import "sort"

// Code is a stable diagnostic code with a one-line purpose. Codes are
// never renumbered or reused; a retired code stays in the table.
//
// Ranges:
//
//	FC1xx  YAML, structure and JSON Schema           (codes_spec.go)
//	FC2xx  names, references, environments, triggers (codes_spec.go)
//	FC3xx  expressions: syntax and types             (codes_expr.go)
//	FC4xx  data flow into Redshift tables            (codes_spec.go)
//	FC5xx  limits and compilation                    (codes_build.go)
//	FC6xx  test files of flowc test                  (codes_testfile.go)
type Code struct {
	ID       string
	Severity Severity
	Summary  string
}

// ID names a diagnostic code in the code that reports it. Its only values
// are the variables FCnnn declared with def in the code tables, so a check
// cannot report an undeclared code: diag.FC999 does not compile, and a
// string is not an ID.
type ID struct{ id string }

// String returns the code as printed, e.g. "FC101".
func (c ID) String() string { return c.id }

// IsZero reports whether c is the zero ID (no code).
func (c ID) IsZero() bool { return c.id == "" }

// registry holds every code declared with def.
var registry []Code

// def declares a code with its severity and one-line purpose and returns
// its ID. Codes are declared once, as package variables of this package.
func def(id string, sev Severity, summary string) ID {
	registry = append(registry, Code{ID: id, Severity: sev, Summary: summary})
	return ID{id}
}

// Codes returns every code, sorted by ID.
func Codes() []Code {
	all := append([]Code(nil), registry...)
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// Lookup returns the code with the given ID.
func Lookup(id string) (Code, bool) {
	for _, c := range registry {
		if c.ID == id {
			return c, true
		}
	}
	return Code{}, false
}
