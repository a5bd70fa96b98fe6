package spec

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

// loadsBase is laterBase with spend_fact appended and spend row-local (no
// dedupe); TestLoadsOnce edits it.
var loadsBase = strings.Replace(strings.Replace(laterBase, "      load: replace_partition\n", "", 1), "      - dedupe: {by: [id]}\n", "", 1)

// TestLoadsOnce (issue 16, requirements 2 and 3): append only where each
// row comes from one row of one file (FC413, an error at load:, or at the
// table when load: is the default); merge warns at the key when the key
// does not cover the triggered source's partition columns (FC414).
func TestLoadsOnce(t *testing.T) {
	cases := []struct {
		name       string
		old, new   string // replaced once in loadsBase
		old2, new2 string // then this
		code       string // "" = no diagnostic
		at         string // the diagnostic's line contains this
		appends    string // the IR's Appends of spend_fact, when valid
		owner      bool   // the IR's OwnerCheck of spend_fact
	}{
		{"join with reference data", "", "", "", "", "", "", "events", false},
		{"dedupe", "    steps:\n", "    steps:\n      - dedupe: {by: [id]}\n", "", "", "FC413", "spend_fact:", "", false},
		{"explicit append, dedupe", "      from: spend\n", "      from: spend\n      load: append\n", "      - join: countries\n", "      - dedupe: {by: [id]}\n      - join: countries\n", "FC413", "load: append", "", false},
		{"aggregate", "      - select: {day: day, id: id, amount: amount, country_name: c.name}\n", "      - aggregate: {by: [day, id, c.name], measures: {amount: sum(amount)}}\n      - select: {day: day, id: id, amount: amount, country_name: name}\n", "", "", "FC413", "spend_fact:", "", false},
		{"reference data only", "      from: spend\n", "      from: countries\n", "columns: {day: varchar(10), id: bigint, amount: double precision, country_name: varchar(64)}", "columns: {code: varchar(8), name: varchar(64)}", "", "", "countries", false},
		{"triggered rows left-joined to reference data", "    from: events\n    steps:\n      - join: countries\n        as: c\n        on: country = c.code\n      - select: {day: day, id: id, amount: amount, country_name: c.name}", "    from: countries\n    steps:\n      - join: events\n        as: e\n        kind: left\n        on: code = e.country\n      - select: {day: e.day, id: e.id, amount: e.amount, country_name: name}", "", "", "FC413", "spend_fact:", "", false},
		{"triggered rows inner-joined to reference data", "    from: events\n    steps:\n      - join: countries\n        as: c\n        on: country = c.code\n      - select: {day: day, id: id, amount: amount, country_name: c.name}", "    from: countries\n    steps:\n      - join: events\n        as: e\n        on: code = e.country\n      - select: {day: e.day, id: e.id, amount: e.amount, country_name: name}", "", "", "", "", "events", false},
		{"merge key without the partition", "      from: spend\n", "      from: spend\n      load: merge\n      key: [id]\n", "", "", "FC414", "key: [id]", "", true},
		{"merge key with the partition", "      from: spend\n", "      from: spend\n      load: merge\n      key: [day, id]\n", "", "", "", "", "", false},
		{"merge key with the partition cast to string", "select: {day: day,", "select: {day: cast(day as string),", "", "", "", "", "", false},
		{"merge key with a value computed from the partition", "select: {day: day,", "select: {day: upper(day),", "", "", "FC414", "key: [day, id]", "", true},
		{"window", "    steps:\n", "    steps:\n      - window: {partition_by: [id], measures: {total: sum(amount)}}\n", "", "", "FC413", "spend_fact:", "", false},
		{"merge key with a window measure computed from the partition", "    steps:\n", "    steps:\n      - window: {partition_by: [id], measures: {day: max(day)}}\n", "", "", "FC414", "key: [day, id]", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := loadsBase
			if tc.old != "" {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("base has no %q", tc.old)
				}
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			if tc.old2 != "" {
				if !strings.Contains(src, tc.old2) {
					t.Fatalf("base has no %q", tc.old2)
				}
				src = strings.Replace(src, tc.old2, tc.new2, 1)
			}
			if strings.Contains(tc.name, "cast to string") || strings.Contains(tc.name, "computed from") {
				src = strings.Replace(src, "      from: spend\n", "      from: spend\n      load: merge\n      key: [day, id]\n", 1)
			}
			pl, ds := Load("loads.yaml", []byte(src), "dev")
			var got []diag.Diagnostic
			for _, d := range ds.Sorted() {
				if d.Severity == diag.Error || d.Code == diag.FC414.String() {
					got = append(got, d)
				}
			}
			if tc.code == "" {
				if len(got) != 0 {
					t.Fatalf("want no diagnostic, got:\n%s", ds.Error())
				}
				tb := pl.Tables[0]
				if tc.appends != "" && (tb.Appends == nil || tb.Appends.Name != tc.appends) {
					t.Errorf("Appends = %v, want source %s", tb.Appends, tc.appends)
				}
				if tb.OwnerCheck != tc.owner {
					t.Errorf("OwnerCheck = %v, want %v", tb.OwnerCheck, tc.owner)
				}
				return
			}
			if len(got) != 1 || got[0].Code != tc.code {
				t.Fatalf("want one %s, got:\n%s", tc.code, ds.Error())
			}
			line := strings.Split(src, "\n")[got[0].Pos.Line-1]
			if !strings.Contains(line, tc.at) {
				t.Errorf("%s at line %q, want the line with %q", tc.code, line, tc.at)
			}
			if got[0].Hint == "" {
				t.Errorf("%s has no hint", tc.code)
			}
			if tc.code == "FC414" {
				if got[0].Severity != diag.Warning {
					t.Errorf("FC414 is a warning, got %v", got[0].Severity)
				}
				if tb := pl.Tables[0]; !tb.OwnerCheck {
					t.Error("a merge whose key does not cover the partition needs OwnerCheck")
				}
			}
		})
	}
}
