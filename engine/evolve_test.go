package engine

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
)

// evolveSpec is the chain's spec: one source whose file carries every
// column any version loads, and table route_day with the given columns.
func evolveSpec(columns string, allow bool) string {
	policy := ""
	if allow {
		policy = "      on_destructive_change: allow\n"
	}
	return `version: 1
pipeline: evolve
environments:
  test:
    region: us-east-1
sources:
  legs:
    location: s3://flowc-evolve/legs/
    trigger: on_arrival
    columns: {id: bigint, route: string, legs: int, leg_count: int, late_legs: bigint}
warehouse:
  redshift: {workgroup: wg, database: dev, schema: s, connection: c, iam_role: "arn:aws:iam::111111111111:role/r"}
  tables:
    route_day:
      from: legs
` + policy + `      columns:
` + columns
}

// TestEvolveChain runs one warehouse through a chain of spec versions (v1,
// add a column, widen a varchar, rename, retype refused then allowed, drop
// refused then allowed), one new row per run, and checks after each that
// the earlier rows survive with the right values and the columns have the
// right types; a refused change leaves the warehouse as it was.
func TestEvolveChain(t *testing.T) {
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	header := []string{"id bigint", "route string", "legs int", "leg_count int", "late_legs bigint"}
	step := func(name, columns string, allow bool, row string, wantErr string, want []string, wantTypes string) {
		t.Helper()
		pl := loadSpec(t, "evolve.yaml", evolveSpec(columns, allow))
		input := filepath.Join(dir, name+".csv")
		writeCSV(t, input, header, []string{row})
		var before []string
		if _, err := os.Stat(wh); err == nil {
			before = tableRows(t, wh, "s.route_day")
		}
		rep := evolveRun(t, name, pl, input, wh, before, wantErr)
		if rep == nil {
			return
		}
		if got := tableRows(t, wh, "s.route_day"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: rows\n  %s\nwant\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		if got := columnTypes(t, wh); got != wantTypes {
			t.Errorf("%s: columns %s, want %s", name, got, wantTypes)
		}
		if got := strings.Join(rep.Tables[0].Migrated, "; "); got != chainMigrated[name] {
			t.Errorf("%s: migrated %q, want %q", name, got, chainMigrated[name])
		}
	}
	step("v1", "        id: bigint\n        route: varchar(8)\n        legs: integer\n", false, "1,ab,3,3,7", "",
		[]string{"1 | ab | 3"}, "id BIGINT note=bigint, route VARCHAR note=varchar(8), legs INTEGER note=integer")
	step("add", "        id: bigint\n        route: varchar(8)\n        legs: integer\n        late_legs: bigint\n", false, "2,cd,4,4,8", "",
		[]string{"1 | ab | 3 | NULL", "2 | cd | 4 | 8"}, "id BIGINT note=bigint, route VARCHAR note=varchar(8), legs INTEGER note=integer, late_legs BIGINT note=bigint")
	// route_too_long: varchar(8) refuses a 12-byte route; varchar(32) loads it.
	step("too-long", "        id: bigint\n        route: varchar(8)\n        legs: integer\n        late_legs: bigint\n", false, "3,abcdefghijkl,5,5,9", "longer than 8 bytes", nil, "")
	step("widen", "        id: bigint\n        route: varchar(32)\n        legs: integer\n        late_legs: bigint\n", false, "3,abcdefghijkl,5,5,9", "",
		[]string{"1 | ab | 3 | NULL", "2 | cd | 4 | 8", "3 | abcdefghijkl | 5 | 9"}, "id BIGINT note=bigint, route VARCHAR note=varchar(32), legs INTEGER note=integer, late_legs BIGINT note=bigint")
	renamed := "        id: bigint\n        route: varchar(32)\n        leg_count: {type: integer, renamed_from: legs}\n        late_legs: bigint\n"
	step("rename", renamed, false, "4,ef,6,6,10", "",
		[]string{"1 | ab | 3 | NULL", "2 | cd | 4 | 8", "3 | abcdefghijkl | 5 | 9", "4 | ef | 6 | 10"}, "id BIGINT note=bigint, route VARCHAR note=varchar(32), leg_count INTEGER note=integer, late_legs BIGINT note=bigint")
	retyped := strings.Replace(renamed, "{type: integer,", "{type: bigint,", 1)
	step("retype-refused", retyped, false, "5,gh,7,7,11", "table route_day: destructive change not allowed: ~ column leg_count integer -> bigint (destructive: rebuild)", nil, "")
	step("retype", retyped, true, "5,gh,7,7,11", "",
		[]string{"1 | ab | 3 | NULL", "2 | cd | 4 | 8", "3 | abcdefghijkl | 5 | 9", "4 | ef | 6 | 10", "5 | gh | 7 | 11"}, "id BIGINT note=bigint, route VARCHAR note=varchar(32), leg_count BIGINT note=bigint, late_legs BIGINT note=bigint")
	dropped := "        id: bigint\n        route: varchar(32)\n        leg_count: {type: bigint, renamed_from: legs}\n"
	step("drop-refused", dropped, false, "6,ij,8,8,12", "- column late_legs bigint (destructive: drop)", nil, "")
	step("drop", dropped, true, "6,ij,8,8,12", "",
		[]string{"1 | ab | 3", "2 | cd | 4", "3 | abcdefghijkl | 5", "4 | ef | 6", "5 | gh | 7", "6 | ij | 8"}, "id BIGINT note=bigint, route VARCHAR note=varchar(32), leg_count BIGINT note=bigint")
	// The same spec again: nothing to migrate.
	step("again", dropped, true, "7,kl,9,9,13", "",
		[]string{"1 | ab | 3", "2 | cd | 4", "3 | abcdefghijkl | 5", "4 | ef | 6", "5 | gh | 7", "6 | ij | 8", "7 | kl | 9"}, "id BIGINT note=bigint, route VARCHAR note=varchar(32), leg_count BIGINT note=bigint")
}

// evolveRun runs pl on the one input of source legs into warehouse wh.
// With wantErr, the run must fail saying it and leave route_day's rows
// (before) as they were: evolveRun returns nil then.
func evolveRun(t *testing.T, name string, pl *ir.IR, input, wh string, before []string, wantErr string) *Report {
	t.Helper()
	rep, err := Run(context.Background(), pl, Options{Inputs: map[string]string{"legs": input}, Warehouse: wh})
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("%s: err = %v, want %q", name, err, wantErr)
		}
		if after := tableRows(t, wh, "s.route_day"); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("%s: the refused run changed the warehouse:\n%s", name, strings.Join(after, "\n"))
		}
		return nil
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

// chainMigrated are the changes each step of TestEvolveChain reports.
var chainMigrated = map[string]string{
	"add":    "+ column late_legs bigint (additive)",
	"widen":  "~ column route varchar(8) -> varchar(32) (in_place)",
	"rename": "~ column legs renamed to leg_count (in_place)",
	"retype": "~ column leg_count integer -> bigint (destructive: rebuild)",
	"drop":   "- column late_legs bigint (destructive: drop)",
}

// columnTypes lists route_day's columns: name, DuckDB type and the noted
// Redshift type.
func columnTypes(t *testing.T, wh string) string {
	t.Helper()
	db, err := sql.Open("duckdb", wh+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() WHERE table_name = 'route_day' ORDER BY column_index")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n, typ, note string
		if err := rows.Scan(&n, &typ, &note); err != nil {
			t.Fatal(err)
		}
		out = append(out, n+" "+typ+" note="+note)
	}
	return strings.Join(out, ", ")
}

// TestEvolveKeepsOwnerColumn: a merge table that checks ownership keeps
// flowc's owner column through a local rebuild (an allowed retype), and the
// rows survive with their values.
func TestEvolveKeepsOwnerColumn(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	before := tableRows(t, f.wh, "airlines.airport_delays")
	f.pl = loadSpec(t, "flights.yaml", exampleSpec(t, func(s string) string {
		s = replace("max_delay: integer}", "max_delay: bigint}")(s)
		return strings.Replace(s, "    airport_delays:\n", "    airport_delays:\n      on_destructive_change: allow\n", 1)
	}))
	rep, err := f.run("")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rep.Tables[1].Migrated, "; "); got != "~ column max_delay integer -> bigint (destructive: rebuild)" {
		t.Errorf("migrated %q", got)
	}
	if after := tableRows(t, f.wh, "airlines.airport_delays"); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("rows changed:\n%s\nwere:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

// TestEvolveKeysLocal: the local warehouse has no keys, but a change of
// distkey, diststyle or sortkey is compared (against the keys the table's
// comment notes), reported with its Redshift class and refused as the Glue
// job refuses it; allowed, it changes no row and rebuilds nothing (the
// table keeps a mark a rebuild would lose), only the note.
func TestEvolveKeysLocal(t *testing.T) {
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	header := []string{"id bigint", "route string", "legs int", "leg_count int", "late_legs bigint"}
	columns := "        id: bigint\n        route: varchar(8)\n        legs: integer\n"
	var rows []string
	step := func(name, keys string, allow bool, wantErr, wantMigrated string) {
		t.Helper()
		spec := strings.Replace(evolveSpec(columns, allow), "      from: legs\n", "      from: legs\n"+keys, 1)
		pl := loadSpec(t, "evolve.yaml", spec)
		input := filepath.Join(dir, name+".csv")
		id := len(rows) + 1
		writeCSV(t, input, header, []string{itoa(id) + ",r" + itoa(id) + ",3,3,7"})
		mark := ""
		if len(rows) > 0 {
			mark = markOf(t, wh)
		}
		rep := evolveRun(t, name, pl, input, wh, rows, wantErr)
		if rep == nil {
			return
		}
		rows = append(rows, itoa(id)+" | r"+itoa(id)+" | 3")
		if got := tableRows(t, wh, "s.route_day"); strings.Join(got, "\n") != strings.Join(rows, "\n") {
			t.Errorf("%s: rows\n  %s\nwant\n  %s", name, strings.Join(got, "\n  "), strings.Join(rows, "\n  "))
		}
		if got := strings.Join(rep.Tables[0].Migrated, "; "); got != wantMigrated {
			t.Errorf("%s: migrated %q, want %q", name, got, wantMigrated)
		}
		if mark != "" && markOf(t, wh) != mark {
			t.Errorf("%s: the table was rebuilt", name)
		}
	}
	step("v1", "      distkey: route\n      sortkey: [id]\n", false, "", "")
	marker(t, wh)
	step("distkey refused", "      distkey: legs\n      sortkey: [id]\n", false,
		"table route_day: destructive change not allowed: ~ distkey route -> legs (destructive: rebuild)", "")
	step("distkey", "      distkey: legs\n      sortkey: [id]\n", true, "", "~ distkey route -> legs (destructive: rebuild)")
	step("sortkey", "      distkey: legs\n      sortkey: [route, id]\n", false, "", "~ sortkey (id) -> (route, id) (in_place)")
	step("diststyle all", "      diststyle: all\n      sortkey: [route, id]\n", true, "", "~ diststyle key (legs) -> all (destructive: rebuild)")
	step("again", "      diststyle: all\n      sortkey: [route, id]\n", false, "", "")
}

func itoa(n int) string { return strconv.Itoa(n) }

// marker gives route_day a mark a rebuild (a new table, the old one
// dropped) leaves behind: a DEFAULT on column id, which no CREATE TABLE of
// flowc writes (the table's oid would not do: DuckDB numbers the tables
// anew when it opens a file).
func marker(t *testing.T, wh string) {
	t.Helper()
	db, err := sql.Open("duckdb", wh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("ALTER TABLE s.route_day ALTER COLUMN id SET DEFAULT 42"); err != nil {
		t.Fatal(err)
	}
}

// markOf is route_day's mark ("" when it has none).
func markOf(t *testing.T, wh string) string {
	t.Helper()
	db, err := sql.Open("duckdb", wh+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var def string
	if err := db.QueryRow("SELECT coalesce(column_default, '') FROM duckdb_columns() WHERE table_name = 'route_day' AND column_name = 'id'").Scan(&def); err != nil {
		t.Fatal(err)
	}
	return def
}
