package expr

import (
	"fmt"
	"strings"
	"testing"
)

func TestWalk(t *testing.T) {
	e := mustParse(t, "CASE x WHEN 1 THEN f(a, -b) ELSE c END BETWEEN d AND e OR g IN (h, i) OR j LIKE k OR l IS NULL OR CAST(m AS int) = 1")
	var names []string
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Col); ok {
			names = append(names, c.Name)
		}
		return true
	})
	if got := strings.Join(names, ""); got != "xabcdeghijklm" {
		t.Errorf("pre-order columns %q", got)
	}
	// Returning false skips the children.
	var visited []string
	Walk(e, func(x Expr) bool {
		visited = append(visited, fmt.Sprintf("%T", x))
		_, isCall := x.(*Call)
		return !isCall
	})
	for _, v := range visited {
		if v == "*expr.Unary" {
			t.Error("Walk entered a skipped call")
		}
	}
	Walk(nil, func(Expr) bool { t.Error("visited nil"); return true })
}

func TestColumns(t *testing.T) {
	e := mustParse(t, "origin = dep.iata AND coalesce(arr.name, origin) <> ''")
	var got []string
	for _, c := range Columns(e) {
		got = append(got, Format(c))
	}
	if strings.Join(got, " ") != "origin dep.iata arr.name origin" {
		t.Errorf("Columns = %v", got)
	}
	if Columns(mustParse(t, "1 + 2")) != nil {
		t.Error("columns of a constant")
	}
}

func TestIsAggregate(t *testing.T) {
	for src, want := range map[string]bool{
		"count(*)": true, "1 + SUM(x)": true, "CASE WHEN a THEN max(b) END": true, "coalesce(avg(x), 0)": true,
		"x": false, "upper(x)": false, "countx(x)": false, "count": false,
	} {
		if got := isAggregate(mustParse(t, src)); got != want {
			t.Errorf("IsAggregate(%q) = %v", src, got)
		}
	}
}

func TestTypeBeforeCheck(t *testing.T) {
	Walk(mustParse(t, "a + 1 = upper(b)"), func(x Expr) bool {
		if x.Type().Kind != Unknown {
			t.Errorf("%s typed before Check", Format(x))
		}
		return true
	})
}

func TestErrorString(t *testing.T) {
	_, errs := Parse("a >")
	if got := errs[0].Error(); got != `3-3: expected expression after ">" [FC301]` {
		t.Errorf("Error() = %q", got)
	}
}
