package glue_test

import (
	"strings"
	"testing"
)

// jsonText is s as the events print it (json.Marshal escapes < and >).
func jsonText(s string) string {
	return strings.NewReplacer("<", `\u003c`, ">", `\u003e`).Replace(s)
}

// noneWith fails when an event contains all parts.
func noneWith(t *testing.T, events []string, why string, parts ...string) {
	t.Helper()
	if i := index(events, parts...); i >= 0 {
		t.Errorf("%s, but: %s", why, events[i])
	}
}

// TestGlueRunSchemaOnlyWhenMissing (issue 16, AWS detail D7): the job
// creates the schema only when pg_namespace has no such schema (a loader
// user without the CREATE SCHEMA privilege works once an administrator
// created it), the table only when pg_tables has no such table, and says
// what to do when the schema is missing and cannot be created.
func TestGlueRunSchemaOnlyWhenMissing(t *testing.T) {
	args := jobArgs("year=2001/month=01/day=17")
	present := [][]any{{"FROM pg_namespace WHERE nspname = 'airlines'", [][]any{{"1"}}}, {"tablename = 'delayed_flights_fact'", [][]any{{"1"}}}}
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": args, "rows": 5, "query_rows": present})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev,
		[]string{`"query","SELECT 1 FROM pg_namespace WHERE nspname = 'airlines'"`},
		[]string{`"query","SELECT 1 FROM pg_tables WHERE schemaname = 'airlines' AND tablename = 'delayed_flights_fact'"`},
		[]string{`CREATE TABLE airlines.delayed_flights_fact__flowc_stage_X (LIKE`},
		[]string{`"commit"`})
	noneWith(t, ev, "the schema exists: no CREATE SCHEMA", "CREATE SCHEMA")
	noneWith(t, ev, "the table exists: no CREATE TABLE IF NOT EXISTS", "CREATE TABLE IF NOT EXISTS")

	ev, errText = runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": args, "rows": 5})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev, []string{`FROM pg_namespace`}, []string{`"sql","CREATE SCHEMA IF NOT EXISTS airlines"`},
		[]string{`FROM pg_tables`}, []string{`"sql","CREATE TABLE IF NOT EXISTS airlines.delayed_flights_fact (`})

	ev, errText = runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": args, "rows": 5, "fail_sql": []string{"CREATE SCHEMA"}})
	want := "SchemaMissing: schema airlines does not exist and user loader may not create it (redshift failed: CREATE SCHEMA): run sql/_flowc_schema.sql once as an administrator; nothing was loaded"
	if errText != want {
		t.Errorf("error\n got: %s\nwant: %s", errText, want)
	}
	noneWith(t, ev, "without the schema nothing is written", `"write"`)
	noneWith(t, ev, "without the schema nothing is created", "CREATE TABLE")
	inOrder(t, ev, []string{`"close"`})
}

// ledgerCase is the steps case's append table plain: orders (triggered,
// partitioned by dt, JSON) joined with customers. Two files of orders in
// partition dt=2024-01-01, with the ETags e1 and e2.
func ledgerCase(held [][]any, etags map[string]string) map[string]any {
	const day = "s3://shop-landing-dev/orders/dt=2024-01-01/"
	files := map[string]string{
		day + "a.json": `{"id": 1, "customer": "c1", "amount": "1.50", "qty": 1, "status": "paid", "at": "2024-01-01 10:00:00"}` + "\n",
		day + "b.json": `{"id": 2, "customer": "c1", "amount": "2.50", "qty": 2, "status": "paid", "at": "2024-01-01 11:00:00"}` + "\n",
		"s3://shop-landing-dev/customers/part-0.parquet": `{"id": "c1", "name": "Ann", "country": "fr", "vip": true}` + "\n",
	}
	if held == nil {
		held = [][]any{}
	}
	if etags == nil {
		etags = map[string]string{day + "a.json": "e1", day + "b.json": "e2"}
	}
	queries := [][]any{{"tablename = 'flowc_ledger'", [][]any{{"1"}}}, {"FROM shop.flowc_ledger", held}}
	return map[string]any{"argv": append(jobArgs("dt=2024-01-01"), "--JOB_RUN_ID", "jr_1"), "rows": 1, "files": files, "etags": etags, "query_rows": queries}
}

// TestGlueRunAppendOnce (issue 16, requirement 2): an append table loads
// each file once. The ledger lists the files each run loaded, written in
// the transaction that inserts their rows; a run reads only the files the
// ledger does not hold, succeeds with nothing to load when it holds them
// all, and fails before writing anything when a loaded file was replaced
// (same key, another ETag).
func TestGlueRunAppendOnce(t *testing.T) {
	const day = "s3://shop-landing-dev/orders/dt=2024-01-01/"
	t.Run("first run", func(t *testing.T) {
		ev, errText := runGlue(t, "steps", "plain", ledgerCase(nil, nil))
		if errText != "" {
			t.Fatalf("the run failed: %s", errText)
		}
		paths, _ := readEvent(t, ev, day)
		if strings.Join(paths, " ") != day+"a.json "+day+"b.json" {
			t.Errorf("read %v, want both files", paths)
		}
		inOrder(t, ev,
			[]string{`"query","SELECT object_key, etag FROM shop.flowc_ledger WHERE tbl = 'plain' AND source = 'orders' AND object_key IN ('` + day + `a.json', '` + day + `b.json')"`},
			[]string{`"read"`, day},
			[]string{`"write"`},
			[]string{`"autocommit",false`},
			[]string{`"sql","INSERT INTO shop.plain (order_id, name, amount, qty, at) SELECT`},
			[]string{`"sql","INSERT INTO shop.flowc_ledger (tbl, source, part, object_key, etag, run_id) VALUES ` +
				`('plain', 'orders', 'dt=2024-01-01', '` + day + `a.json', 'e1', 'jr_1'), ('plain', 'orders', 'dt=2024-01-01', '` + day + `b.json', 'e2', 'jr_1')"`},
			[]string{`"commit"`},
			[]string{`"job.commit"`})
		noneWith(t, ev, "the ledger exists", "CREATE TABLE IF NOT EXISTS shop.flowc_ledger")
	})
	t.Run("late file", func(t *testing.T) {
		ev, errText := runGlue(t, "steps", "plain", ledgerCase([][]any{{day + "a.json", "e1"}}, nil))
		if errText != "" {
			t.Fatalf("the run failed: %s", errText)
		}
		paths, _ := readEvent(t, ev, day)
		if strings.Join(paths, " ") != day+"b.json" {
			t.Errorf("read %v, want only the new file", paths)
		}
		inOrder(t, ev, []string{`"autocommit",false`}, []string{`INSERT INTO shop.plain`},
			[]string{`"sql","INSERT INTO shop.flowc_ledger (tbl, source, part, object_key, etag, run_id) VALUES ('plain', 'orders', 'dt=2024-01-01', '` + day + `b.json', 'e2', 'jr_1')"`},
			[]string{`"commit"`})
	})
	t.Run("nothing new", func(t *testing.T) {
		ev, errText := runGlue(t, "steps", "plain", ledgerCase([][]any{{day + "a.json", "e1"}, {day + "b.json", "e2"}}, nil))
		if errText != "" {
			t.Fatalf("a run with nothing new to load must succeed: %s", errText)
		}
		noneWith(t, ev, "nothing new: nothing read", `"read"`, day)
		noneWith(t, ev, "nothing new: nothing written", `"write"`)
		noneWith(t, ev, "nothing new: no statement", `"sql"`)
		inOrder(t, ev, []string{`"close"`}, []string{`"job.commit"`})
	})
	t.Run("replaced file", func(t *testing.T) {
		ev, errText := runGlue(t, "steps", "plain", ledgerCase([][]any{{day + "a.json", "e0ld"}}, nil))
		if !strings.HasPrefix(errText, "ObjectReplaced: table plain loads with append and already loaded "+day+"a.json, which changed since (another ETag)") ||
			!strings.Contains(errText, "nothing was loaded") {
			t.Fatalf("error %q", errText)
		}
		noneWith(t, ev, "a replaced file fails the run before any statement", `"sql"`)
		noneWith(t, ev, "a replaced file fails the run before reading", `"read"`, day)
		noneWith(t, ev, "a replaced file loads nothing", `"job.commit"`)
		inOrder(t, ev, []string{`"close"`})
	})
	t.Run("no ledger yet", func(t *testing.T) {
		cfg := ledgerCase(nil, nil)
		cfg["query_rows"] = [][]any{}
		ev, errText := runGlue(t, "steps", "plain", cfg)
		if errText != "" {
			t.Fatalf("the run failed: %s", errText)
		}
		noneWith(t, ev, "no ledger table: nothing to look up", `"query","SELECT object_key`)
		inOrder(t, ev, []string{`"sql","CREATE TABLE IF NOT EXISTS shop.flowc_ledger (`}, []string{`"autocommit",false`},
			[]string{`INSERT INTO shop.flowc_ledger`}, []string{`"commit"`})
	})
	t.Run("failed insert", func(t *testing.T) {
		cfg := ledgerCase(nil, nil)
		cfg["fail_sql"] = []string{"INSERT INTO shop.flowc_ledger"}
		ev, errText := runGlue(t, "steps", "plain", cfg)
		if !strings.Contains(errText, "redshift failed") {
			t.Fatalf("error %q", errText)
		}
		// The rows and the ledger commit together or not at all.
		inOrder(t, ev, []string{`"autocommit",false`}, []string{`INSERT INTO shop.plain`}, []string{`INSERT INTO shop.flowc_ledger`}, []string{`"rollback"`})
		noneWith(t, ev, "a failed ledger insert commits nothing", `"commit"`)
	})
}

// TestGlueRunMergeOwnership (issue 16, requirement 3): airport_delays'
// key does not cover the partition columns (FC414), so each row carries
// the partition that computed it, and the load's transaction first looks
// for rows of the run's keys that another partition computed: then it
// rolls back and the error names the keys and both partitions. A table
// created before the owner column existed gets it.
func TestGlueRunMergeOwnership(t *testing.T) {
	args := jobArgs("year=2001/month=01/day=18")
	ev, errText := runGlue(t, "flights", "airport_delays", map[string]any{"argv": args, "rows": 3})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev,
		[]string{`"sql","CREATE TABLE IF NOT EXISTS airlines.airport_delays (`, `_flowc_partition varchar(1024) )`},
		[]string{`"withColumn","_flowc_partition","year=2001/month=01/day=18"`},
		[]string{`"write"`},
		[]string{`"autocommit",false`},
		[]string{`"query","SELECT DISTINCT airport_delays.flight_date, airport_delays.dep_airport, airport_delays._flowc_partition FROM airlines.airport_delays JOIN airlines.airport_delays__flowc_stage_X ON`,
			jsonText(`WHERE airport_delays._flowc_partition IS NOT NULL AND airport_delays._flowc_partition <> 'year=2001/month=01/day=18' AND LEFT(airport_delays._flowc_partition, 26) <> 'year=2001/month=01/day=18/' ORDER BY 3 LIMIT 10"`)},
		[]string{`"sql","DELETE FROM airlines.airport_delays USING`},
		[]string{`"sql","INSERT INTO airlines.airport_delays (flight_date, dep_airport, flights, routes, worst_route, avg_delay, max_delay, _flowc_partition) SELECT flight_date, dep_airport, flights, routes, worst_route, avg_delay, max_delay, _flowc_partition FROM airlines.airport_delays__flowc_stage_X"`},
		[]string{`"commit"`})

	// Another partition computed two of the run's groups.
	owned := [][]any{{"_flowc_partition <>", [][]any{{"2001-01-17", "O'Hare", "year=2001/month=01/day=17"}, {"2001-01-17", nil, "year=2001/month=01/day=17"}}}}
	ev, errText = runGlue(t, "flights", "airport_delays", map[string]any{"argv": args, "rows": 3, "query_rows": owned})
	want := `SplitGroup: table airport_delays: merge key (flight_date, dep_airport): this run, of partition year=2001/month=01/day=18, computed groups that other partitions computed before: ` +
		`("2001-01-17", "O'Hare") from partition year=2001/month=01/day=17; ("2001-01-17", NULL) from partition year=2001/month=01/day=17; ` +
		`a group spans partitions, and loading would replace it with the part of it in year=2001/month=01/day=18; nothing was loaded (fix the files, or key the table by the partition columns)`
	if errText != want {
		t.Errorf("error\n got: %s\nwant: %s", errText, want)
	}
	inOrder(t, ev, []string{`"autocommit",false`}, []string{`"query","SELECT DISTINCT`}, []string{`"rollback"`}, []string{`"sql","DROP TABLE IF EXISTS`}, []string{`"close"`})
	noneWith(t, ev, "a split group changes nothing", `"sql","DELETE FROM`)
	noneWith(t, ev, "a split group changes nothing", `"commit"`)

	// A table created before the owner column: it is added once.
	old := [][]any{{"tablename = 'airport_delays'", [][]any{{"1"}}}}
	ev, _ = runGlue(t, "flights", "airport_delays", map[string]any{"argv": args, "rows": 3, "query_rows": old})
	inOrder(t, ev, []string{`"query","SELECT 1 FROM svv_columns WHERE table_schema = 'airlines' AND table_name = 'airport_delays' AND column_name = '_flowc_partition'"`},
		[]string{`"sql","ALTER TABLE airlines.airport_delays ADD COLUMN _flowc_partition varchar(1024)"`}, []string{`CREATE TABLE airlines.airport_delays__flowc_stage_X (LIKE`})
	has := append(old, []any{"FROM svv_columns", [][]any{{"1"}}})
	ev, _ = runGlue(t, "flights", "airport_delays", map[string]any{"argv": args, "rows": 3, "query_rows": has})
	noneWith(t, ev, "the column exists", "ALTER TABLE")

	// A run of the whole source computes every group whole: no check.
	ev, _ = runGlue(t, "flights", "airport_delays", map[string]any{"argv": jobArgs(""), "rows": 3})
	noneWith(t, ev, "a run of the whole source checks nothing", `"query","SELECT DISTINCT`)
}
