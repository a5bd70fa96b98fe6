package glue_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

var (
	pythonOnce sync.Once
	pythonPath string
)

// python returns the python3 interpreter (resolved once, past any version
// manager's shim), or skips the test when there is none and CI is unset.
func python(t *testing.T, why string) string {
	t.Helper()
	pythonOnce.Do(func() {
		if p, err := exec.LookPath("python3"); err == nil {
			pythonPath = p
			if out, err := exec.Command(p, "-c", "import sys; print(sys.executable)").Output(); err == nil {
				if exe := strings.TrimSpace(string(out)); exe != "" {
					pythonPath = exe
				}
			}
		}
	})
	if pythonPath == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is needed to %s, and CI is set", why)
		}
		t.Skipf("python3 not found: cannot %s", why)
	}
	return pythonPath
}

// glueRun is what a generated script did under the stand-ins of
// testdata/gluestub: its events, in order, and its failure.
type glueRun struct {
	Events [][]any `json:"events"`
	Error  *string `json:"error"`
}

var stageRe = regexp.MustCompile(`__flowc_stage_[0-9a-f]{16}`)

// caseTable returns the IR of the named case and its table.
func caseTable(t *testing.T, gcase, table string) (*ir.IR, *ir.Table) {
	t.Helper()
	for _, c := range glueCases(t) {
		if c.name != gcase {
			continue
		}
		pl := testspec.IR(t, c.file, c.specName, c.env)
		for _, tb := range pl.Tables {
			if tb.Name == table {
				return pl, tb
			}
		}
	}
	t.Fatalf("no table %s in case %s", table, gcase)
	return nil, nil
}

// generatedScript compiles the Glue script of table in the named case.
func generatedScript(t *testing.T, gcase, table string) []byte {
	t.Helper()
	py, err := glue.Script(caseTable(t, gcase, table))
	if err != nil {
		t.Fatal(err)
	}
	return py
}

// someFiles is a stub "files" configuration: for each source the table
// reads, one data file with a header and one row of 1s, in the folder of
// the given partition of the triggering source (its other partition
// columns, and those of other sources, are 1).
func someFiles(t *testing.T, gcase, table, partition string) map[string]string {
	t.Helper()
	pl, tb := caseTable(t, gcase, table)
	given := map[string]string{}
	for _, kv := range strings.Split(partition, "/") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			given[k] = v
		}
	}
	files := map[string]string{}
	for _, name := range tb.Reads {
		s := pl.Source(name)
		if s == nil {
			continue
		}
		key := s.Location
		for _, p := range s.Partitions {
			v, ok := given[p.Name]
			if !ok || tb.Trigger != s {
				v = "1"
			}
			key += p.Name + "=" + v + "/"
		}
		var names, ones []string
		obj := map[string]string{}
		for _, c := range s.Columns {
			names = append(names, c.Name)
			ones = append(ones, "1")
			obj[c.Name] = "1"
		}
		if s.Format == "csv" {
			files[key+"part-0.csv"] = strings.Join(names, s.CSV.Delimiter) + "\n" + strings.Join(ones, s.CSV.Delimiter) + "\n"
		} else {
			line, _ := json.Marshal(obj)
			files[key+"part-0."+s.Format] = string(line) + "\n"
		}
	}
	return files
}

// runGlue runs the script of table in the case with the stub
// configuration cfg. Events are rendered as strings, staging table names
// normalised to __flowc_stage_X.
func runGlue(t *testing.T, gcase, table string, cfg map[string]any) (events []string, errText string) {
	t.Helper()
	raw, errText := runGlueRaw(t, gcase, table, cfg)
	for _, e := range raw {
		events = append(events, stageRe.ReplaceAllString(e, "__flowc_stage_X"))
	}
	return events, errText
}

// runGlueRaw is runGlue without the normalisation of staging table names.
func runGlueRaw(t *testing.T, gcase, table string, cfg map[string]any) (events []string, errText string) {
	t.Helper()
	if _, ok := cfg["files"]; !ok {
		partition := ""
		if argv, ok := cfg["argv"].([]string); ok && len(argv) > 0 {
			partition = argv[len(argv)-1]
		}
		cfg["files"] = someFiles(t, gcase, table, partition)
	}
	return runScript(t, generatedScript(t, gcase, table), table, cfg)
}

// runScript runs a Glue script (of table) with the stand-ins.
func runScript(t *testing.T, scriptText []byte, table string, cfg map[string]any) (events []string, errText string) {
	t.Helper()
	py := python(t, "run the Glue scripts against the stand-ins")
	c, _ := json.Marshal(cfg)
	// The runtime as the build writes it, on the Python path as Glue puts
	// an --extra-py-files file there: under its base name.
	rt, err := glue.Runtime()
	if err != nil {
		t.Fatal(err)
	}
	lib := t.TempDir()
	if err := os.WriteFile(filepath.Join(lib, filepath.Base(layout.GlueRuntimePath)), rt, 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(lib, table+".py")
	if err := os.WriteFile(script, scriptText, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("..", "testdata", "gluestub", "run.py"), script)
	cmd.Env = append(os.Environ(), "FLOWC_STUB="+string(c), "PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH="+lib)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run.py: %v\n%s", err, out)
	}
	var r glueRun
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("run.py output: %v\n%s", err, out)
	}
	for _, e := range r.Events {
		b, _ := json.Marshal(e)
		events = append(events, string(b))
	}
	if r.Error != nil {
		errText = *r.Error
	}
	return events, errText
}

func jobArgs(partition string) []string {
	return []string{"--JOB_NAME", "flights-dev-x", "--TempDir", "s3://assets/flowc/tmp/", "--flowc_partition", partition}
}

// index returns the position of the first event containing all parts, or -1.
func index(events []string, parts ...string) int {
	for i, e := range events {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(e, p)
		}
		if ok {
			return i
		}
	}
	return -1
}

// inOrder asserts that events matching each list of parts occur in order.
func inOrder(t *testing.T, events []string, steps ...[]string) {
	t.Helper()
	last := -1
	for _, parts := range steps {
		i := index(events[last+1:], parts...)
		if i < 0 {
			t.Fatalf("no event with %q after event %d; events:\n%s", parts, last, strings.Join(events, "\n"))
		}
		last += i + 1
	}
}

func TestGlueRunReplacePartition(t *testing.T) {
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=1'7"), "rows": 5,
	})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev,
		[]string{`"conf","spark.sql.ansi.enabled","false"`},
		[]string{`"list","acme-flights-landing-dev","raw/flights/year=2001/month=01/day=1'7/"`},
		[]string{`"view","flowc_raw_flights",[["1","1","1","1","1","2001","01","1'7"]]`},
		[]string{`"list","acme-flights-landing-dev","reference/airports/"`},
		[]string{`"view","delayed_flights"`},
		[]string{`"connect","jdbc:redshift://example.internal:5439/dev?ssl=true"`},
		[]string{`CREATE SCHEMA IF NOT EXISTS airlines`},
		[]string{`CREATE TABLE IF NOT EXISTS airlines.delayed_flights_fact (`},
		[]string{`DROP TABLE IF EXISTS airlines.delayed_flights_fact__flowc_stage_X`},
		[]string{`CREATE TABLE airlines.delayed_flights_fact__flowc_stage_X (LIKE airlines.delayed_flights_fact)`},
		[]string{`"write","redshift-dev"`, `"dbtable":"airlines.delayed_flights_fact__flowc_stage_X"`, `"aws_iam_role":"arn:aws:iam::111111111111:role/redshift-copy-dev"`},
		[]string{`"autocommit",false`},
		[]string{`DELETE FROM airlines.delayed_flights_fact WHERE year = '2001' AND month = '01' AND day = '1''7'`},
		[]string{`INSERT INTO airlines.delayed_flights_fact (year, month, day,`, `FROM airlines.delayed_flights_fact__flowc_stage_X`},
		[]string{`"commit"`},
		[]string{`DROP TABLE IF EXISTS airlines.delayed_flights_fact__flowc_stage_X`},
		[]string{`"job.commit"`},
	)
}

func TestGlueRunWholeSourceWithoutPartition(t *testing.T) {
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs(""), "rows": 2})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev, []string{`"list","acme-flights-landing-dev","raw/flights/"]`}, []string{`"sql","DELETE FROM airlines.delayed_flights_fact"]`})
}

func TestGlueRunMerge(t *testing.T) {
	ev, errText := runGlue(t, "flights", "airport_delays", map[string]any{"argv": jobArgs("year=2001/month=01"), "rows": 3})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	inOrder(t, ev,
		[]string{`"list","acme-flights-landing-dev","raw/flights/year=2001/month=01/"`},
		[]string{`"autocommit",false`},
		[]string{`DELETE FROM airlines.airport_delays USING airlines.airport_delays__flowc_stage_X WHERE ` +
			`(airport_delays.flight_date = airport_delays__flowc_stage_X.flight_date OR (airport_delays.flight_date IS NULL AND airport_delays__flowc_stage_X.flight_date IS NULL)) AND ` +
			`(airport_delays.dep_airport = airport_delays__flowc_stage_X.dep_airport OR (airport_delays.dep_airport IS NULL AND airport_delays__flowc_stage_X.dep_airport IS NULL))`},
		[]string{`INSERT INTO airlines.airport_delays (flight_date, dep_airport, flights, routes, worst_route, avg_delay, max_delay, _flowc_partition) SELECT`},
		[]string{`"commit"`},
	)
}

func TestGlueRunFailedChecksLoadNothing(t *testing.T) {
	tests := []struct {
		name  string
		cfg   map[string]any
		table string
		want  []string
	}{
		{"not_null", map[string]any{"rows": 5, "checks": [][]any{{"IS NULL", 3}}}, "delayed_flights_fact",
			[]string{"CheckFailed", "check not_null(flight_date,dep_time) failed: 3 rows break it", "nothing was loaded"}},
		{"expect", map[string]any{"rows": 5, "checks": [][]any{{"NOT COALESCE", 2}}}, "delayed_flights_fact",
			[]string{"check expect(delay > 60) failed: 2 rows break it"}},
		{"row_count", map[string]any{"rows": 0}, "delayed_flights_fact",
			[]string{"check row_count(min=1) failed: the table would get 0 rows"}},
		{"length", map[string]any{"rows": 5, "lengths": []int{0, 0, 1, 0, 0, 0, 0, 0, 4, 0}}, "delayed_flights_fact",
			[]string{"check length(day) failed: 1 values do not fit in char(2)", "check length(arr_city) failed: 4 values do not fit in varchar(64)"}},
		{"merge key", map[string]any{"rows": 5, "checks": [][]any{{"HAVING COUNT(*) > 1", 2}}}, "airport_delays",
			[]string{"check merge key unique(flight_date,dep_airport) failed: 2 rows break it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg["argv"] = jobArgs("year=2001/month=01/day=17")
			ev, errText := runGlue(t, "flights", tt.table, tt.cfg)
			for _, w := range tt.want {
				if !strings.Contains(errText, w) {
					t.Errorf("error %q does not say %q", errText, w)
				}
			}
			for _, e := range ev {
				if strings.Contains(e, `"connect"`) || strings.Contains(e, `"write"`) || strings.Contains(e, `"sql"`) {
					t.Errorf("a failed check must load nothing, but: %s", e)
				}
			}
		})
	}
}

func TestGlueRunBadPartition(t *testing.T) {
	for _, p := range []string{"month=01/year=2001", "year=2001/month=01/day=17/hour=3", "year=", "year", "dt=2001"} {
		ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs(p), "rows": 1})
		if !strings.Contains(errText, "ValueError") || !strings.Contains(errText, "expected year=VALUE/month=VALUE/day=VALUE") {
			t.Errorf("partition %q: error %q", p, errText)
		}
		if index(ev, `"read"`) >= 0 {
			t.Errorf("partition %q: the run read data", p)
		}
	}
}

func TestGlueRunRedshiftFailureRollsBack(t *testing.T) {
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 5, "fail_sql": []string{"INSERT INTO"},
	})
	if !strings.Contains(errText, "redshift failed") {
		t.Fatalf("error %q", errText)
	}
	inOrder(t, ev, []string{`"autocommit",false`}, []string{"DELETE FROM"}, []string{`"rollback"`},
		[]string{"DROP TABLE IF EXISTS airlines.delayed_flights_fact__flowc_stage_X"}, []string{`"close"`})
	if index(ev, `"commit"`) >= 0 || index(ev, `"job.commit"`) >= 0 {
		t.Error("a failed load must not commit")
	}
}

func TestGlueRunEmptyAppend(t *testing.T) {
	ev, errText := runGlue(t, "steps", "plain", map[string]any{"argv": jobArgs(""), "rows": 0})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	if index(ev, `"write"`) >= 0 {
		t.Error("no rows: nothing to copy")
	}
	inOrder(t, ev, []string{`CREATE TABLE IF NOT EXISTS shop.plain (`},
		[]string{"INSERT INTO shop.plain"}, []string{`"commit"`})
	if index(ev, "DELETE") >= 0 {
		t.Error("append deletes nothing")
	}
}

// TestGlueRunBadValuesLoadNothing: values that do not parse as their
// column's type fail the run before anything is written, with a message
// naming the source, the column, the type, the count, examples and a file
// (as `flowc run` fails on them).
func TestGlueRunBadValuesLoadNothing(t *testing.T) {
	file := "s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=02/flights.csv"
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=02"), "rows": 5,
		"bad_values": map[string]any{
			"flowc_raw_flights": map[string]any{
				"delay":    []any{2, file, "6x", "6x", `a"b`},
				"distance": []any{1, file, "far", "far", "far"},
			},
			"flowc_raw_airports": map[string]any{
				"latitude": []any{3, "", "north", "n", strings.Repeat("9", 50)},
			},
		},
	})
	want := `BadValues: source flights: 2 rows have a value that is not a valid int in column delay (e.g. "6x" in ` + file + `; also "a\"b"); ` +
		`1 row has a value that is not a valid int in column distance (e.g. "far" in ` + file + `); ` +
		`source airports: 3 rows have a value that is not a valid double in column latitude (e.g. "north"; also "n", "` + strings.Repeat("9", 40) + `"...); ` +
		`nothing was loaded`
	if errText != want {
		t.Errorf("error\n got: %s\nwant: %s", errText, want)
	}
	inOrder(t, ev,
		[]string{`"view","flowc_raw_flights"`},
		[]string{`"list","acme-flights-landing-dev","reference/airports/"`},
		[]string{`"view","flowc_raw_airports"`},
	)
	for _, e := range ev {
		if strings.Contains(e, `"connect"`) || strings.Contains(e, `"write"`) || strings.Contains(e, `"sql"`) || strings.Contains(e, `"job.commit"`) {
			t.Errorf("values that do not parse must load nothing, but: %s", e)
		}
		if strings.Contains(e, `"view","delayed_flights"`) || strings.Contains(e, `"view","flowc_rows"`) {
			t.Errorf("the values are checked before the transforms run, but: %s", e)
		}
	}
}

// TestGlueRunStagingTable (issue 16, requirement 7): the staging table is
// named after the table and the run's partition (16 hex digits of the
// SHA-1 of the partition, as the runtime normalises it), so a run finds
// the one a killed run of its partition left: it drops it before creating
// it, and drops it again after the load, also when the load fails or the
// drop itself fails (the load's error is the one reported).
func TestGlueRunStagingTable(t *testing.T) {
	stage := func(partition string) string {
		sum := sha1.Sum([]byte(partition))
		return "airlines." + glue.StagePrefix("delayed_flights_fact") + hex.EncodeToString(sum[:])[:16]
	}
	day17, day18 := stage("year=2001/month=01/day=17"), stage("year=2001/month=01/day=18")
	if day17 == day18 {
		t.Fatal("two partitions share a staging table")
	}
	for _, arg := range []string{"year=2001/month=01/day=17", "/year=2001/month=01/day=17/ "} {
		ev, errText := runGlueRaw(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs(arg), "rows": 5})
		if errText != "" {
			t.Fatalf("%q: the run failed: %s", arg, errText)
		}
		inOrder(t, ev,
			[]string{`CREATE TABLE IF NOT EXISTS airlines.delayed_flights_fact (`},
			[]string{`"DROP TABLE IF EXISTS ` + day17 + `"`},
			[]string{`"CREATE TABLE ` + day17 + ` (LIKE airlines.delayed_flights_fact)"`},
			[]string{`"dbtable":"` + day17 + `"`},
			[]string{`"commit"`},
			[]string{`"DROP TABLE IF EXISTS ` + day17 + `"`},
			[]string{`"close"`},
		)
	}
	ev, _ := runGlueRaw(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs("year=2001/month=01/day=18"), "rows": 5})
	inOrder(t, ev, []string{`"CREATE TABLE ` + day18 + ` (LIKE`})
	whole, _ := runGlueRaw(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs(""), "rows": 5})
	inOrder(t, whole, []string{`"CREATE TABLE ` + stage("") + ` (LIKE`})

	// A failed load: the staging table is dropped all the same.
	ev, errText := runGlueRaw(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 5, "fail_sql": []string{"DELETE FROM"},
	})
	if !strings.Contains(errText, "redshift failed: DELETE FROM") {
		t.Fatalf("error %q", errText)
	}
	inOrder(t, ev, []string{`"rollback"`}, []string{`"DROP TABLE IF EXISTS ` + day17 + `"`}, []string{`"close"`})

	// A failed load whose drop fails too: the load's error is reported,
	// the connection closed; the next run of the partition drops the table.
	ev, errText = runGlueRaw(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 5, "fail_sql": []string{"INSERT INTO"},
		"fail_sql_nth": [][]any{{"DROP TABLE IF EXISTS", 2}},
	})
	if !strings.Contains(errText, "redshift failed: INSERT INTO") {
		t.Fatalf("error %q: the drop's failure hid the load's", errText)
	}
	inOrder(t, ev, []string{`"rollback"`}, []string{`"DROP TABLE IF EXISTS ` + day17 + `"`}, []string{`"close"`})
	if index(ev, `"job.commit"`) >= 0 {
		t.Error("a failed load must not commit the job")
	}
}
