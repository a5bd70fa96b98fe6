package glue_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/internal/golden"
)

// liveFlights is table delayed_flights_fact of the example as the
// warehouse holds it (SVV_COLUMNS rows: name, type, length, precision,
// scale, as strings), with edit applied to its rows by column name: a nil
// row drops the column.
func liveFlights(edit map[string][]any) [][]any {
	base := [][]any{
		{"year", "character", "4", nil, nil}, {"month", "character", "2", nil, nil}, {"day", "character", "2", nil, nil},
		{"flight_date", "date", nil, nil, nil}, {"dep_time", "timestamp without time zone", nil, nil, nil},
		{"dep_weekday", "integer", nil, "32", "0"}, {"delay", "integer", nil, "32", "0"},
		{"delay_rank", "integer", nil, "32", "0"}, {"prev_delay", "integer", nil, "32", "0"},
		{"distance", "integer", nil, "32", "0"}, {"route", "character varying", "16", nil, nil},
		{"dep_airport", "character varying", "128", nil, nil}, {"dep_city", "character varying", "64", nil, nil},
		{"dep_state", "character varying", "8", nil, nil}, {"arr_airport", "character varying", "128", nil, nil},
		{"arr_city", "character varying", "64", nil, nil}, {"arr_state", "character varying", "8", nil, nil},
	}
	out := [][]any{}
	for _, r := range base {
		if e, ok := edit[r[0].(string)]; ok {
			if e != nil {
				out = append(out, e)
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// flightsKeys are the catalog rows of delayed_flights_fact's keys as the
// spec declares them (reldiststyle, column, attisdistkey, attsortkeyord):
// DISTSTYLE KEY DISTKEY (dep_airport) COMPOUND SORTKEY (flight_date).
var flightsKeys = [][]any{{"1", "flight_date", "0", "1"}, {"1", "dep_airport", "1", "0"}}

// noted is keys' catalog rows with the table's comment note (the
// pg_description column of each row).
func noted(keys [][]any, note string) [][]any {
	out := [][]any{}
	for _, r := range keys {
		out = append(out, append(append([]any{}, r...), note))
	}
	return out
}

// liveRows is the stand-ins' query_rows for a live table: its SVV_COLUMNS
// rows, its keys as the spec declares them, and pg_namespace and pg_tables
// saying the schema and table exist (nothing for no table).
func liveRows(live [][]any) [][]any { return liveKeyRows(live, flightsKeys) }

// liveKeyRows is liveRows with the keys' catalog rows keys (rows of
// reldiststyle, column, attisdistkey, attsortkeyord).
func liveKeyRows(live, keys [][]any) [][]any {
	if len(live) == 0 {
		return [][]any{}
	}
	return [][]any{
		{"SELECT column_name, data_type", live},
		{"FROM pg_class c JOIN pg_namespace", keys},
		{"FROM pg_namespace", [][]any{{"1"}}},
		{"FROM pg_tables", [][]any{{"1"}}},
	}
}

// statements keeps a run's Redshift events: queries, statements,
// transaction boundaries and the write.
func statements(events []string) string {
	var b strings.Builder
	for _, e := range events {
		for _, k := range []string{`["query"`, `["sql"`, `["autocommit"`, `["commit"`, `["rollback"`, `["write"`} {
			if strings.HasPrefix(e, k) {
				if k == `["write"` {
					e = `["write"]`
				}
				b.WriteString(e + "\n")
			}
		}
	}
	return b.String()
}

// TestGlueRunMigrations runs the example's delayed_flights_fact job
// against live tables that differ from the spec and records its Redshift
// statements (testdata/glue/migrations.txt): an added column and a
// widened varchar (the widening before the transaction, the add in the
// load's transaction, the staging table declared from the description); a
// table already migrated (no migration, staging LIKE the target); a new
// table; the same columns in another order (staging declared, so the rows
// are written in the description's order); a widening only; a destructive
// change refused (nothing written or changed); the same
// change allowed by the spec (a deep copy keeping the distkey and sort
// key, with a cast); a rename. Keys: a distkey or diststyle change refused
// (nothing changed, the error names the table and the keys) and allowed (a
// deep copy with the spec's keys); a sort key change (ALTER SORTKEY in the
// load's transaction, in place: no allowance needed), from an interleaved
// one too; a dropped column that is a live sort key (a deep copy); a spec
// whose distribution is auto against an AUTO table whatever its effective
// style (no change) and against an explicit one (a change); a spec without
// sort key against a live one Redshift's SORTKEY AUTO may have chosen (no
// change); the keys already migrated ("already migrated": no statement).
// The note of the keys flowc declared (the table's comment): written with
// the CREATE of a new table and with every key change (deep copy, ALTER
// SORTKEY); a sort key removed from the spec whose note says flowc
// declared it is ALTER SORTKEY AUTO and a new note; without the note, or
// with a comment that is not flowc's, the live sort key stays; the run
// after (the note declares no sort key) does nothing.
func TestGlueRunMigrations(t *testing.T) {
	script := generatedScript(t, "flights", "delayed_flights_fact")
	pl, tb := caseTable(t, "flights", "delayed_flights_fact")
	// Allowed as deploy --allow-destructive allows it (the spec says error).
	allowed, err := glue.NewWriter(pl).ScriptWith(tb, glue.ScriptOptions{AllowDestructive: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(allowed, []byte(`"on_destructive_change": "allow",`)) {
		t.Fatalf("ScriptWith(AllowDestructive) does not allow:\n%s", allowed)
	}
	renamed := bytes.Replace(script, []byte(`"name": "dep_city",`), []byte(`"name": "dep_city",
            "renamed_from": "city",`), 1)
	// The spec's distribution auto (no distkey), and no sort key.
	auto := bytes.Replace(script, []byte(`    "distkey": "dep_airport",
    "diststyle": "key",
`), nil, 1)
	unsorted := bytes.Replace(script, []byte(`    "sortkey": [
        "flight_date"
    ],
`), nil, 1)
	if bytes.Equal(allowed, script) || bytes.Equal(renamed, script) || bytes.Equal(auto, script) || bytes.Equal(unsorted, script) {
		t.Fatal("the script's TABLE_DESCRIPTION is not where the test expects it")
	}
	routeKey := [][]any{{"1", "flight_date", "0", "1"}, {"1", "route", "1", "0"}}
	// The notes of the spec's keys and of its keys without the sort key
	// (compiler/evolve writes them as the runtime must).
	td := tb.Describe()
	declared := evolve.KeysNote(&td)
	td.Sortkey = nil
	undeclared := evolve.KeysNote(&td)
	unsortedAllowed := bytes.Replace(allowed, []byte(`    "sortkey": [
        "flight_date"
    ],
`), nil, 1)
	if bytes.Equal(unsortedAllowed, allowed) {
		t.Fatal("the allowed script's TABLE_DESCRIPTION is not where the test expects it")
	}
	even := [][]any{{"0", "flight_date", "0", "1"}}
	cases := []struct {
		name   string
		script []byte
		live   [][]any
		err    string
		keys   [][]any // the live keys' catalog rows; nil: the spec's
	}{
		{"add and widen", script, liveFlights(map[string][]any{"distance": nil, "dep_city": {"dep_city", "character varying", "32", nil, nil}}), "", nil},
		{"already migrated", script, liveFlights(nil), "", nil},
		{"new table", script, [][]any{}, "", nil},
		{"columns in another order", script, append(liveFlights(map[string][]any{"distance": nil}), []any{"distance", "integer", nil, "32", "0"}), "", nil},
		{"widen only", script, liveFlights(map[string][]any{"dep_city": {"dep_city", "character varying", "32", nil, nil}}), "", nil},
		{"retype refused", script, liveFlights(map[string][]any{"delay": {"delay", "character varying", "8", nil, nil}}),
			"DestructiveChangeRefused: table delayed_flights_fact: destructive change not allowed: ~ column delay varchar(8) -> integer (destructive: rebuild)", nil},
		{"retype allowed", allowed, liveFlights(map[string][]any{"delay": {"delay", "character varying", "8", nil, nil}, "distance": nil}), "", nil},
		{"drop refused", script, append(liveFlights(nil), []any{"legacy", "bigint", nil, "64", "0"}), "- column legacy bigint (destructive: drop)", nil},
		{"drop allowed", allowed, append(liveFlights(nil), []any{"legacy", "bigint", nil, "64", "0"}), "", nil},
		{"rename", renamed, liveFlights(map[string][]any{"dep_city": {"city", "character varying", "64", nil, nil}}), "", nil},
		{"rename done", renamed, liveFlights(nil), "", nil},
		{"distkey refused", script, liveFlights(nil),
			"DestructiveChangeRefused: table delayed_flights_fact: destructive change not allowed: ~ distkey route -> dep_airport (destructive: rebuild); set on_destructive_change: allow on the table, or deploy with --allow-destructive delayed_flights_fact; nothing was loaded", routeKey},
		{"distkey allowed", allowed, liveFlights(nil), "", routeKey},
		{"diststyle refused", script, liveFlights(nil), "~ diststyle even -> key (dep_airport) (destructive: rebuild)", even},
		{"diststyle allowed", allowed, liveFlights(nil), "", even},
		{"sort key", script, liveFlights(nil), "", [][]any{{"1", "dep_time", "0", "1"}, {"1", "flight_date", "0", "2"}, {"1", "dep_airport", "1", "0"}}},
		{"interleaved sort key", script, liveFlights(nil), "", [][]any{{"1", "flight_date", "0", "-1"}, {"1", "dep_airport", "1", "0"}}},
		{"sort key and add", script, liveFlights(map[string][]any{"distance": nil}), "", [][]any{{"1", "dep_time", "0", "1"}, {"1", "dep_airport", "1", "0"}}},
		{"drop a sort key column allowed", allowed, append(liveFlights(nil), []any{"legacy", "bigint", nil, "64", "0"}), "",
			[][]any{{"1", "legacy", "0", "1"}, {"1", "flight_date", "0", "2"}, {"1", "dep_airport", "1", "0"}}},
		{"auto against AUTO(KEY)", auto, liveFlights(nil), "", [][]any{{"9", "flight_date", "0", "1"}, {"9", "route", "1", "0"}}},
		{"auto against AUTO(EVEN)", auto, liveFlights(nil), "", [][]any{{"9", "flight_date", "0", "1"}}},
		{"auto against key", auto, liveFlights(nil), "~ diststyle key (dep_airport) -> auto (destructive: rebuild)", nil},
		{"no sort key against one", unsorted, liveFlights(nil), "", [][]any{{"1", "dep_time", "0", "1"}, {"1", "dep_airport", "1", "0"}}},
		{"sort key removed, noted", unsorted, liveFlights(nil), "", noted(flightsKeys, declared)},
		{"sort key removed, without the note", unsorted, liveFlights(nil), "", flightsKeys},
		{"sort key removed, another comment", unsorted, liveFlights(nil), "", noted(flightsKeys, "flight facts")},
		{"sort key removed, the run after", unsorted, liveFlights(nil), "", noted(flightsKeys, undeclared)},
		{"sort key removed and distkey allowed, noted", unsortedAllowed, liveFlights(nil), "", noted(routeKey, declared)},
	}
	var b strings.Builder
	for _, c := range cases {
		keys := c.keys
		if keys == nil {
			keys = flightsKeys
		}
		cfg := map[string]any{"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2, "query_rows": liveKeyRows(c.live, keys)}
		cfg["files"] = someFiles(t, "flights", "delayed_flights_fact", "year=2001/month=01/day=17")
		ev, errText := runScript(t, c.script, "delayed_flights_fact", cfg)
		for i := range ev {
			ev[i] = stageRe.ReplaceAllString(ev[i], "__flowc_stage_X")
		}
		switch {
		case c.err == "" && errText != "":
			t.Errorf("%s: the run failed: %s", c.name, errText)
		case c.err != "" && !strings.Contains(errText, c.err):
			t.Errorf("%s: error %q, want %q", c.name, errText, c.err)
		}
		if c.err != "" {
			// Only the staging table's cleanup (the load's finally) runs.
			for _, e := range strings.Split(strings.TrimSpace(statements(ev)), "\n") {
				if !strings.HasPrefix(e, `["query"`) && e != `["sql","DROP TABLE IF EXISTS airlines.delayed_flights_fact__flowc_stage_X"]` {
					t.Errorf("%s: the refused run did %s", c.name, e)
				}
			}
		}
		b.WriteString("== " + c.name + "\n" + statements(ev))
		if errText != "" {
			b.WriteString("error: " + errText + "\n")
		}
		b.WriteString("\n")
	}
	// The runtime notes the keys in the text compiler/evolve (and the local
	// warehouse) writes.
	for _, note := range []string{declared, undeclared} {
		if want := `"COMMENT ON TABLE airlines.delayed_flights_fact IS '` + note + `'"`; !strings.Contains(strings.ReplaceAll(b.String(), `\"`, `"`), want) {
			t.Errorf("no %s among the statements", want)
		}
	}
	golden.Check(t, "../testdata/glue/migrations.txt", []byte(b.String()))
}

// TestGlueRunMigrationRerun: a run that fails in the load's transaction
// after widening a varchar rolls the migration back with the load; the
// rerun reads the live table, finds the widening made, and makes only the
// rest.
func TestGlueRunMigrationRerun(t *testing.T) {
	live := liveFlights(map[string][]any{"distance": nil, "dep_city": {"dep_city", "character varying", "32", nil, nil}})
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2, "query_rows": liveRows(live), "fail_sql": []string{"DELETE FROM"},
	})
	if errText == "" {
		t.Fatal("the run did not fail")
	}
	inOrder(t, ev,
		[]string{`ALTER TABLE airlines.delayed_flights_fact ALTER COLUMN \"dep_city\" TYPE varchar(64)`},
		[]string{`"autocommit",false`},
		[]string{`ALTER TABLE airlines.delayed_flights_fact ADD COLUMN \"distance\" integer`},
		[]string{`"rollback"`})
	// Redshift kept the widening (it ran on its own); the add rolled back.
	live = liveFlights(map[string][]any{"distance": nil})
	ev, errText = runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2, "query_rows": liveRows(live),
	})
	if errText != "" {
		t.Fatalf("the rerun failed: %s", errText)
	}
	if strings.Contains(statements(ev), "ALTER COLUMN") {
		t.Errorf("the rerun widened again:\n%s", statements(ev))
	}
	inOrder(t, ev, []string{`"autocommit",false`}, []string{`ADD COLUMN \"distance\" integer`}, []string{`INSERT INTO airlines.delayed_flights_fact`}, []string{`"commit"`})
}

// TestGlueRunMigrationKeepsOwner: a merge table that checks ownership has
// flowc's owner column, which the spec does not declare: the comparison
// leaves it out (no drop), a declared staging table and a deep copy keep
// it, and the copy carries the rows' owners.
func TestGlueRunMigrationKeepsOwner(t *testing.T) {
	pl, tb := caseTable(t, "flights", "airport_delays")
	script, err := glue.NewWriter(pl).ScriptWith(tb, glue.ScriptOptions{AllowDestructive: true})
	if err != nil {
		t.Fatal(err)
	}
	live := [][]any{
		{"flight_date", "date", nil, nil, nil}, {"dep_airport", "character varying", "128", nil, nil},
		{"flights", "bigint", nil, "64", "0"}, {"avg_delay", "double precision", nil, "53", nil},
		{"max_delay", "smallint", nil, "16", "0"}, {"_flowc_partition", "character varying", "1024", nil, nil},
	}
	cfg := map[string]any{"argv": jobArgs("year=2001/month=01"), "rows": 2, "query_rows": liveRows(live)}
	cfg["files"] = someFiles(t, "flights", "airport_delays", "year=2001/month=01")
	ev, errText := runScript(t, script, "airport_delays", cfg)
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	got := statements(ev)
	for _, want := range []string{
		`_flowc_partition varchar(1024))`, // the declared staging table and the new table
		`INSERT INTO airlines.\"airport_delays__flowc_new\" (_flowc_partition, \"flight_date\"`,
		`CAST(\"max_delay\" AS integer)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "DROP COLUMN") {
		t.Errorf("the owner column was dropped:\n%s", got)
	}
}

// TestGlueRunKeyRebuildRerun: an allowed distkey change is a deep copy in
// the load's transaction, with the note of the new keys; a run that fails
// after it (at the load's DELETE) rolls the copy and the note back with
// the load, and the rerun, finding the old keys, makes both again and
// commits; a run that finds the new keys copies and notes nothing.
func TestGlueRunKeyRebuildRerun(t *testing.T) {
	pl, tb := caseTable(t, "flights", "delayed_flights_fact")
	script, err := glue.NewWriter(pl).ScriptWith(tb, glue.ScriptOptions{AllowDestructive: true})
	if err != nil {
		t.Fatal(err)
	}
	old := [][]any{{"1", "flight_date", "0", "1"}, {"1", "route", "1", "0"}}
	run := func(keys [][]any, fail []string) ([]string, string) {
		cfg := map[string]any{"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2, "query_rows": liveKeyRows(liveFlights(nil), keys)}
		if fail != nil {
			cfg["fail_sql"] = fail
		}
		cfg["files"] = someFiles(t, "flights", "delayed_flights_fact", "year=2001/month=01/day=17")
		return runScript(t, script, "delayed_flights_fact", cfg)
	}
	ev, errText := run(old, []string{"DELETE FROM"})
	if errText == "" {
		t.Fatal("the run did not fail")
	}
	inOrder(t, ev, []string{`"autocommit",false`},
		[]string{`CREATE TABLE airlines.\"delayed_flights_fact__flowc_new\"`, `DISTSTYLE KEY DISTKEY (\"dep_airport\")`},
		[]string{`"sql","DROP TABLE airlines.delayed_flights_fact"`},
		[]string{`RENAME TO \"delayed_flights_fact\"`},
		[]string{`COMMENT ON TABLE airlines.delayed_flights_fact IS 'flowc keys: `},
		[]string{`"rollback"`})
	noneWith(t, ev, "the failed run committed", `"commit"`)
	// Redshift rolled the copy back: the rerun finds the old keys.
	ev, errText = run(old, nil)
	if errText != "" {
		t.Fatalf("the rerun failed: %s", errText)
	}
	inOrder(t, ev, []string{`"autocommit",false`}, []string{`DROP TABLE IF EXISTS airlines.\"delayed_flights_fact__flowc_new\"`},
		[]string{`DISTSTYLE KEY DISTKEY (\"dep_airport\")`}, []string{`COMMENT ON TABLE`}, []string{`"sql","DELETE FROM`}, []string{`"commit"`})
	// Done: the next run finds the new keys.
	ev, errText = run(flightsKeys, nil)
	if errText != "" {
		t.Fatalf("the run after failed: %s", errText)
	}
	noneWith(t, ev, "the keys were migrated", "__flowc_new")
	noneWith(t, ev, "the keys were migrated", "ALTER TABLE")
	noneWith(t, ev, "the keys were migrated", "COMMENT ON")
}
