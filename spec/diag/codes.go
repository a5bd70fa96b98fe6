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
type Code struct {
	ID       string
	Severity Severity
	Summary  string
}

// codeTables are the per-stage tables, concatenated by Codes.
var codeTables [][]Code

// Codes returns every code, sorted by ID.
func Codes() []Code {
	var all []Code
	for _, t := range codeTables {
		all = append(all, t...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// Lookup returns the code with the given ID.
func Lookup(id string) (Code, bool) {
	for _, t := range codeTables {
		for _, c := range t {
			if c.ID == id {
				return c, true
			}
		}
	}
	return Code{}, false
}
