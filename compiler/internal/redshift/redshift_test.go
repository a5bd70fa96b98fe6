package redshift

import "testing"

func TestRedshiftIdent(t *testing.T) {
	for in, want := range map[string]string{
		"year":       "year",
		"dep_city":   "dep_city",
		"_x$1":       "_x$1",
		"timestamp":  `"timestamp"`,
		"Select":     `"Select"`,
		"1st":        `"1st"`,
		`a"b`:        `"a""b"`,
		"with space": `"with space"`,
	} {
		if got := Ident(in); got != want {
			t.Errorf("redshift.Ident(%q) = %s, want %s", in, got, want)
		}
	}
}
