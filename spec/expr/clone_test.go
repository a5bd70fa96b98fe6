package expr

import (
	"reflect"
	"testing"
)

// TestCloneIsDeep: Clone copies every node type, shares no node with the
// original, and checking the copy leaves the original untouched.
func TestCloneIsDeep(t *testing.T) {
	src := `case when -a > 1 and not (b is null) then substr(c, 1, 2) || 'x' ` +
		`when a between 1 and 3 or c like 'a%' or a in (1, 2) then cast(a as string) ` +
		`else coalesce(c, 'y') end`
	orig, errs := Parse(src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	again, _ := Parse(src)
	cp := Clone(orig)
	if !reflect.DeepEqual(cp, orig) {
		t.Fatal("the clone differs from the original")
	}
	seen := map[Expr]bool{}
	kinds := map[string]bool{}
	Walk(orig, func(e Expr) bool { seen[e] = true; kinds[reflect.TypeOf(e).String()] = true; return true })
	Walk(cp, func(e Expr) bool {
		if seen[e] {
			t.Errorf("node %T at %v is shared", e, e.Span())
		}
		return true
	})
	if len(kinds) != 11 {
		t.Errorf("the test covers %d node types, want all 11: %v", len(kinds), kinds)
	}
	sc := &Scope{Columns: []Column{{Name: "a", Type: Type{Kind: Int}}, {Name: "b", Type: Type{Kind: String}}, {Name: "c", Type: Type{Kind: String}}}}
	if _, errs := Check(cp, sc, Options{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	if !reflect.DeepEqual(orig, again) {
		t.Error("checking the clone changed the original")
	}
	if cp.Type().Kind != String {
		t.Errorf("the checked clone has type %v", cp.Type())
	}
}
