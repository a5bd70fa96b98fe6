package expr

import "testing"

// TestRowResolve holds the one resolution rule the checker, the SQL
// generator and the engine share: a qualified name matches exactly; a
// bare one prefers the main input's column, else the only joined column
// of that name, else it is ambiguous or unknown.
func TestRowResolve(t *testing.T) {
	i := Type{Kind: Int}
	s := Type{Kind: String}
	row := Row{{Name: "id", Type: i}, {Qual: "a", Name: "id", Type: s}, {Qual: "a", Name: "code", Type: s},
		{Qual: "b", Name: "name", Type: s}, {Qual: "c", Name: "name", Type: i}}
	cases := []struct {
		ref  string
		want Column
		ok   bool
	}{
		{"id", row[0], true},
		{"a.id", row[1], true},
		{"code", row[2], true},
		{"a.code", row[2], true},
		{"b.code", Column{}, false},
		{"name", Column{}, false}, // ambiguous: b.name, c.name
		{"c.name", row[4], true},
		{"nope", Column{}, false},
	}
	for _, c := range cases {
		got, ok := row.Lookup(c.ref)
		if got != c.want || ok != c.ok {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, %v", c.ref, got, ok, c.want, c.ok)
		}
	}
	if _, n := row.Resolve("", "name"); n != 2 {
		t.Errorf("Resolve(name): %d matches, want 2", n)
	}
	if got := row.Names(); len(got) != 5 || got[1] != "a.id" || got[0] != "id" {
		t.Errorf("Names() = %v", got)
	}
	q := row[:1].Qualified("x")
	if q[0].Qual != "x" || row[0].Qual != "" || !q.HasQualified() || q.Unqualified().HasQualified() {
		t.Errorf("Qualified/Unqualified: %+v %+v", q, row[0])
	}
	r := Row{{Name: "id", Type: i}}.Set("id", s).Set("n", i)
	if len(r) != 2 || r[0].Type != s || r[1].Name != "n" {
		t.Errorf("Set: %+v", r)
	}
}
