package evolve

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/ir"
)

func cols(pairs ...string) []ir.ColumnDescription {
	var out []ir.ColumnDescription
	for i := 0; i+1 < len(pairs); i += 2 {
		name, old, _ := strings.Cut(pairs[i], "<-")
		out = append(out, ir.ColumnDescription{Name: name, Type: pairs[i+1], RenamedFrom: old})
	}
	return out
}

// v1 is the table every case starts from.
func v1() *ir.TableDescription {
	return &ir.TableDescription{Name: "route_day", Distkey: "route", Diststyle: "key", Sortkey: []string{"day"},
		Columns: cols("day", "date", "route", "varchar(16)", "legs", "integer", "code", "char(3)")}
}

// evolveCases are the migrations of docs/table-evolution.md, one class or
// kind each, and some together.
var evolveCases = []struct {
	name string
	edit func(t *ir.TableDescription)
}{
	{"no change", func(t *ir.TableDescription) {}},
	{"add a column", func(t *ir.TableDescription) { t.Columns = append(t.Columns, cols("late_legs", "bigint")...) }},
	{"widen a varchar", func(t *ir.TableDescription) { t.Columns[1].Type = "varchar(64)" }},
	{"narrow a varchar", func(t *ir.TableDescription) { t.Columns[1].Type = "varchar(8)" }},
	{"widen a char", func(t *ir.TableDescription) { t.Columns[3].Type = "char(8)" }},
	{"integer to bigint", func(t *ir.TableDescription) { t.Columns[2].Type = "bigint" }},
	{"rename", func(t *ir.TableDescription) { t.Columns[2] = cols("leg_count<-legs", "integer")[0] }},
	{"rename done", func(t *ir.TableDescription) { t.Columns[2] = cols("legs<-leg_count", "integer")[0] }},
	{"rename and widen", func(t *ir.TableDescription) {
		t.Columns[1] = cols("route_id<-route", "varchar(32)")[0]
		t.Distkey = "route_id"
	}},
	{"rename and retype", func(t *ir.TableDescription) { t.Columns[2] = cols("leg_count<-legs", "bigint")[0] }},
	{"drop a column", func(t *ir.TableDescription) { t.Columns = t.Columns[:3] }},
	{"drop a sort key column", func(t *ir.TableDescription) { t.Columns = t.Columns[1:]; t.Sortkey = []string{"route"} }},
	{"sort key", func(t *ir.TableDescription) { t.Sortkey = []string{"day", "route"} }},
	{"no sort key", func(t *ir.TableDescription) { t.Sortkey = nil }},
	{"distkey", func(t *ir.TableDescription) { t.Distkey = "code" }},
	{"diststyle even", func(t *ir.TableDescription) { t.Distkey, t.Diststyle = "", "even" }},
	{"diststyle auto", func(t *ir.TableDescription) { t.Distkey, t.Diststyle = "", "" }},
	{"diststyle auto declared", func(t *ir.TableDescription) { t.Distkey, t.Diststyle = "", "auto" }},
	{"distkey and sort key", func(t *ir.TableDescription) { t.Distkey, t.Sortkey = "code", []string{"route", "day"} }},
	{"distkey renamed", func(t *ir.TableDescription) {
		t.Columns[1] = cols("route_id<-route", "varchar(16)")[0]
		t.Distkey = "route_id"
	}},
	{"add, widen and drop", func(t *ir.TableDescription) {
		t.Columns = append(t.Columns[:3], cols("late_legs", "bigint")...)
		t.Columns[1].Type = "varchar(20)"
	}},
}

// TestMigrationsGolden: the changes and the Redshift migration of every
// case (testdata/migrations.txt), and the local dialect's (no keys, ALTER
// COLUMN TYPE inside the transaction).
func TestMigrationsGolden(t *testing.T) {
	local := Dialect{Ident: redshiftDialect.Ident, Type: strings.ToUpper}
	var b strings.Builder
	for _, c := range evolveCases {
		old, new := v1(), v1()
		c.edit(new)
		b.WriteString("== " + c.name + "\n")
		changes := Compare(old, new, Options{Keys: true})
		for _, ch := range changes {
			b.WriteString(ch.Words() + "\n")
		}
		write := func(what string, m Migration) {
			for _, s := range m.Before {
				b.WriteString(what + " before: " + s + ";\n")
			}
			for _, s := range m.Statements {
				b.WriteString(what + ": " + s + ";\n")
			}
		}
		write("redshift", Migrate(redshiftDialect, "sales", old, new, changes))
		write("local", Migrate(local, "sales", old, new, Compare(old, new, Options{})))
		b.WriteString("\n")
	}
	golden.Check(t, "testdata/migrations.txt", []byte(b.String()))
}

// TestCompareUnknownLength: a live character column without a recorded
// length matches any char(n) or varchar(n), and no other type.
func TestCompareUnknownLength(t *testing.T) {
	live := &ir.TableDescription{Name: "t", Columns: cols("a", UnknownLength, "b", UnknownLength)}
	want := &ir.TableDescription{Name: "t", Columns: cols("a", "varchar(8)", "b", "integer")}
	got := Compare(live, want, Options{})
	if len(got) != 1 || got[0].Column != "b" || got[0].Class != Destructive {
		t.Errorf("changes %+v", got)
	}
}

// TestCheckPolicy: a destructive change is refused unless the table allows
// it or the flag names it; the error names the table, the column and how
// to allow it.
func TestCheckPolicy(t *testing.T) {
	old, new := v1(), v1()
	new.Columns[2].Type = "varchar(8)"
	changes := Compare(old, new, Options{Keys: true})
	err := Check(new, changes, nil, "--allow-destructive")
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{"table route_day", "column legs integer -> varchar(8) (destructive: rebuild)", "--allow-destructive route_day", "on_destructive_change: allow"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err, s)
		}
	}
	if err := Check(new, changes, []string{"route_day"}, "--allow-destructive"); err != nil {
		t.Errorf("flag: %v", err)
	}
	new.OnDestructiveChange = ir.OnDestructiveAllow
	if err := Check(new, changes, nil, ""); err != nil {
		t.Errorf("allow: %v", err)
	}
	add := v1()
	add.Columns = append(add.Columns, cols("x", "bigint")...)
	if err := Check(add, Compare(old, add, Options{Keys: true}), nil, ""); err != nil {
		t.Errorf("additive refused: %v", err)
	}
}

// TestKeysNote: the note of a table's keys is the JSON the Glue runtime
// writes too (distkey, diststyle, sortkey, each left out when empty) and
// reads back; a comment that is not a note notes nothing.
func TestKeysNote(t *testing.T) {
	note := KeysNote(v1())
	if want := `flowc keys: {"distkey":"route","diststyle":"key","sortkey":["day"]}`; note != want {
		t.Errorf("KeysNote = %s, want %s", note, want)
	}
	if got := KeysNote(&ir.TableDescription{Name: "t"}); got != "flowc keys: {}" {
		t.Errorf("KeysNote without keys = %s", got)
	}
	k, ok := NotedKeys(note)
	if !ok || k.Distkey != "route" || k.Diststyle != "key" || strings.Join(k.Sortkey, ",") != "day" {
		t.Errorf("NotedKeys(%s) = %+v, %v", note, k, ok)
	}
	for _, other := range []string{"", "route facts", "flowc keys: [1]", "flowc keys: {"} {
		if k, ok := NotedKeys(other); ok {
			t.Errorf("NotedKeys(%q) = %+v, a note", other, k)
		}
	}
}
