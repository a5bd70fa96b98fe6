package glue_test

import (
	"bytes"
	"strings"
	"testing"

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

// liveRows is the stand-ins' query_rows for a live table: its SVV_COLUMNS
// rows, and pg_namespace and pg_tables saying the schema and table exist
// (nothing for no table).
func liveRows(live [][]any) [][]any {
	if len(live) == 0 {
		return [][]any{}
	}
	return [][]any{
		{"SELECT column_name, data_type", live},
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
// key, with a cast); a rename.
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
	if bytes.Equal(allowed, script) || bytes.Equal(renamed, script) {
		t.Fatal("the script's TABLE_DESCRIPTION is not where the test expects it")
	}
	cases := []struct {
		name   string
		script []byte
		live   [][]any
		err    string
	}{
		{"add and widen", script, liveFlights(map[string][]any{"distance": nil, "dep_city": {"dep_city", "character varying", "32", nil, nil}}), ""},
		{"already migrated", script, liveFlights(nil), ""},
		{"new table", script, [][]any{}, ""},
		{"columns in another order", script, append(liveFlights(map[string][]any{"distance": nil}), []any{"distance", "integer", nil, "32", "0"}), ""},
		{"widen only", script, liveFlights(map[string][]any{"dep_city": {"dep_city", "character varying", "32", nil, nil}}), ""},
		{"retype refused", script, liveFlights(map[string][]any{"delay": {"delay", "character varying", "8", nil, nil}}),
			"DestructiveChangeRefused: table delayed_flights_fact: destructive change not allowed: ~ column delay varchar(8) -> integer (destructive: rebuild)"},
		{"retype allowed", allowed, liveFlights(map[string][]any{"delay": {"delay", "character varying", "8", nil, nil}, "distance": nil}), ""},
		{"drop refused", script, append(liveFlights(nil), []any{"legacy", "bigint", nil, "64", "0"}), "- column legacy bigint (destructive: drop)"},
		{"drop allowed", allowed, append(liveFlights(nil), []any{"legacy", "bigint", nil, "64", "0"}), ""},
		{"rename", renamed, liveFlights(map[string][]any{"dep_city": {"city", "character varying", "64", nil, nil}}), ""},
		{"rename done", renamed, liveFlights(nil), ""},
	}
	var b strings.Builder
	for _, c := range cases {
		cfg := map[string]any{"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2, "query_rows": liveRows(c.live)}
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
