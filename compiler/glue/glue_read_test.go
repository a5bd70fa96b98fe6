package glue_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
)

// readEvent returns the options and paths of the first "read" event of
// the stand-ins whose paths start with prefix.
func readEvent(t *testing.T, events []string, prefix string) (paths []string, options map[string]any) {
	t.Helper()
	for _, e := range events {
		var ev []any
		if err := json.Unmarshal([]byte(e), &ev); err != nil || len(ev) < 4 || ev[0] != "read" {
			continue
		}
		ps, _ := ev[2].([]any)
		if len(ps) == 0 || !strings.HasPrefix(ps[0].(string), prefix) {
			continue
		}
		for _, p := range ps {
			paths = append(paths, p.(string))
		}
		options, _ = ev[3].(map[string]any)
		return paths, options
	}
	t.Fatalf("no read of %s; events:\n%s", prefix, strings.Join(events, "\n"))
	return nil, nil
}

// viewRows returns the rows a raw view was made of, as JSON.
func viewRows(t *testing.T, events []string, view string) string {
	t.Helper()
	for _, e := range events {
		if rest, ok := strings.CutPrefix(e, `["view","`+view+`",`); ok {
			return strings.TrimSuffix(rest, "]")
		}
	}
	t.Fatalf("no view %s with rows; events:\n%s", view, strings.Join(events, "\n"))
	return ""
}

// TestGlueRunReadsExactText (issue 16, requirement 6): a source's files
// are read with spark.read, an all-string schema of the file's columns and
// the spec's CSV options, so every value reaches the views as the text of
// the file: leading and trailing zeros, a plus sign, spaces and a quoted
// separator are kept; an empty field and the null string are NULL (the
// views make every empty field NULL anyway, as flowc run does); the
// partition columns come from the folder names, as text.
func TestGlueRunReadsExactText(t *testing.T) {
	dir := "s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=17/"
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{
		"argv": jobArgs("year=2001/month=01/day=17"), "rows": 2,
		"files": map[string]string{
			dir + "a.csv": "date,delay,distance,origin,destination\n" +
				"2001-01-17 06:05,00123,+1, ORD ,\"\"\n" +
				"2001-01-17 07:00,1.50,,\"a,b\",\"J\"\"FK\"\n",
			dir + "_SUCCESS":   "",
			dir + ".a.csv.crc": "x",
			"s3://acme-flights-landing-dev/reference/airports/airports.csv": "iata,name,city,state,country,latitude,longitude\n" +
				"ORD,O'Hare,Chicago,IL,USA,41.9786,-87.9048\n",
		},
	})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	paths, options := readEvent(t, ev, dir)
	if want := []string{dir + "a.csv"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("read %v, want %v (hidden files are skipped)", paths, want)
	}
	// The options of Spark 3.3's CSV reader the runtime sets (see
	// read_files in templates/glue_runtime.py for what the docs say).
	want := map[string]any{
		"header": true, "enforceSchema": false, "sep": ",", "quote": `"`, "escape": `"`,
		"nullValue": "", "emptyValue": "", "ignoreLeadingWhiteSpace": false, "ignoreTrailingWhiteSpace": false,
		"mode": "FAILFAST", "multiLine": true, "encoding": "UTF-8",
	}
	if !reflect.DeepEqual(options, want) {
		t.Errorf("csv options\n got: %v\nwant: %v", options, want)
	}
	rows := viewRows(t, ev, "flowc_raw_flights")
	if want := `[["2001-01-17 06:05","00123","+1"," ORD ",null,"2001","01","17"],["2001-01-17 07:00","1.50",null,"a,b","J\"FK","2001","01","17"]]`; rows != want {
		t.Errorf("rows read\n got: %s\nwant: %s", rows, want)
	}
	if index(ev, `"resolveChoice"`) >= 0 || index(ev, `"from_catalog"`) >= 0 {
		t.Error("the job reads no DynamicFrame")
	}
}

// TestGlueRunReadsSpecCSVOptions: the spec's delimiter and null string
// reach the reader; the null string is NULL, other text is kept; a JSON
// source's values keep their text too.
func TestGlueRunReadsSpecCSVOptions(t *testing.T) {
	ev, errText := runGlue(t, "values", "joined", map[string]any{
		"argv": jobArgs("dt=2024-01-02/hour=07"), "rows": 1,
		"files": map[string]string{
			"s3://values-dev/readings/dt=2024-01-02/hour=07/r.csv": "id;at;ok;level;ratio;note\n" +
				"007;2024-01-02 07:00:00;true;1.50;NA;\" a \"\n",
			"s3://values-dev/sites/s.json":  `{"id": 7, "name": "x", "opened": "2020-01-01"}` + "\n" + `{"id": 8.50, "name": null}` + "\n",
			"s3://values-dev/tags/tags.csv": "id,tag\n a ,NA\n",
		},
	})
	if errText != "" {
		t.Fatalf("the run failed: %s", errText)
	}
	_, options := readEvent(t, ev, "s3://values-dev/readings/")
	if options["sep"] != ";" || options["nullValue"] != "NA" {
		t.Errorf("csv options %v: want the spec's delimiter ; and null NA", options)
	}
	if got, want := viewRows(t, ev, "flowc_raw_readings"), `[["007","2024-01-02 07:00:00","true","1.50",null," a ","2024-01-02","07"]]`; got != want {
		t.Errorf("readings\n got: %s\nwant: %s", got, want)
	}
	if got, want := viewRows(t, ev, "flowc_raw_sites"), `[["7","x","2020-01-01"],["8.50",null,null]]`; got != want {
		t.Errorf("sites\n got: %s\nwant: %s", got, want)
	}
	// tags has the default null string (""): NA is text there.
	if got, want := viewRows(t, ev, "flowc_raw_tags"), `[[" a ","NA"]]`; got != want {
		t.Errorf("tags\n got: %s\nwant: %s", got, want)
	}
}

// TestGlueRunEmptyPartition (issue 16, requirement 4): a run whose
// partition has no data file (nothing landed, or only _SUCCESS), or whose
// files hold only the header, fails with a message naming the source, the
// partition and where it looked, before any Redshift connection: no
// DELETE, no INSERT, no staging table, no job commit.
func TestGlueRunEmptyPartition(t *testing.T) {
	base := "s3://acme-flights-landing-dev/raw/flights/"
	airports := "s3://acme-flights-landing-dev/reference/airports/a.csv"
	header := "date,delay,distance,origin,destination\n"
	row := "2001-01-17 06:05,90,100,ORD,JFK\n"
	tests := []struct {
		name, partition string
		files           map[string]string
		want            string
	}{
		{"no files", "year=2001/month=01/day=17", map[string]string{base + "year=2001/month=01/day=16/a.csv": header + row},
			"EmptyPartition: flowc: source flights has no data files in partition year=2001/month=01/day=17 (" + base + "year=2001/month=01/day=17/): nothing was loaded"},
		{"only a marker", "year=2001/month=01/day=17", map[string]string{base + "year=2001/month=01/day=17/_SUCCESS": ""},
			"EmptyPartition: flowc: source flights has no data files in partition year=2001/month=01/day=17"},
		{"header only", "year=2001/month=01/day=17", map[string]string{base + "year=2001/month=01/day=17/a.csv": header, base + "year=2001/month=01/day=17/b.csv": header},
			"EmptyPartition: flowc: partition year=2001/month=01/day=17 of source flights is empty: no rows in 2 files (" + base + "year=2001/month=01/day=17/): nothing was loaded"},
		{"one day of a month empty", "year=2001/month=01", map[string]string{base + "year=2001/month=01/day=16/a.csv": header + row, base + "year=2001/month=01/day=17/a.csv": header},
			"EmptyPartition: flowc: partition year=2001/month=01/day=17 of source flights is empty: no rows in 1 file (" + base + "year=2001/month=01/): nothing was loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{airports: "iata,name,city,state,country,latitude,longitude\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			for _, table := range []string{"delayed_flights_fact", "airport_delays"} {
				ev, errText := runGlue(t, "flights", table, map[string]any{"argv": jobArgs(tt.partition), "rows": 5, "files": files})
				if !strings.HasPrefix(errText, tt.want) {
					t.Errorf("%s: error\n got: %s\nwant: %s", table, errText, tt.want)
				}
				for _, e := range ev {
					if strings.Contains(e, `"connect"`) || strings.Contains(e, `"sql"`) || strings.Contains(e, `"write"`) || strings.Contains(e, `"job.commit"`) {
						t.Errorf("%s: an empty partition must change nothing, but: %s", table, e)
					}
				}
			}
		})
	}
}

// TestGlueRunMissingReferenceSource: a source read whole with no data file
// fails the run too (as flowc run does), before Redshift; a reference
// source with only a header is an empty table, not a failure.
func TestGlueRunMissingReferenceSource(t *testing.T) {
	flights := map[string]string{"s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=17/a.csv": "date,delay,distance,origin,destination\n2001-01-17 06:05,90,100,ORD,JFK\n"}
	ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs("year=2001/month=01/day=17"), "rows": 1, "files": flights})
	if want := "BadInput: flowc: source airports has no data files under s3://acme-flights-landing-dev/reference/airports/: nothing was loaded"; errText != want {
		t.Errorf("error\n got: %s\nwant: %s", errText, want)
	}
	if index(ev, `"connect"`) >= 0 {
		t.Error("the run connected to Redshift")
	}
	flights["s3://acme-flights-landing-dev/reference/airports/a.csv"] = "iata,name,city,state,country,latitude,longitude\n"
	if _, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs("year=2001/month=01/day=17"), "rows": 1, "files": flights}); errText != "" {
		t.Errorf("an empty reference source: %s", errText)
	}
}

// TestGlueRunBadFiles: a header that does not name the declared columns in
// order, a line with too few fields, and a file outside the partition
// folders fail the run before Redshift.
func TestGlueRunBadFiles(t *testing.T) {
	dir := "s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=17/"
	airports := "s3://acme-flights-landing-dev/reference/airports/a.csv"
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"header":    {map[string]string{dir + "a.csv": "date,distance,delay,origin,destination\n1,2,3,4,5\n"}, "CSV header does not conform to the schema"},
		"short row": {map[string]string{dir + "a.csv": "date,delay,distance,origin,destination\n1,2,3\n"}, "Parse Mode: FAILFAST"},
		"no folder": {map[string]string{"s3://acme-flights-landing-dev/raw/flights/a.csv": "x\n"},
			"BadInput: s3://acme-flights-landing-dev/raw/flights/a.csv: not in a year=VALUE/month=VALUE/day=VALUE folder: source flights is partitioned by year, month, day"},
	} {
		tc.files[airports] = "iata,name,city,state,country,latitude,longitude\nORD,O'Hare,Chicago,IL,USA,41.9786,-87.9048\n"
		partition := "year=2001/month=01/day=17"
		if name == "no folder" {
			partition = ""
		}
		ev, errText := runGlue(t, "flights", "delayed_flights_fact", map[string]any{"argv": jobArgs(partition), "rows": 1, "files": tc.files})
		if !strings.Contains(errText, tc.want) {
			t.Errorf("%s: error %q, want %q", name, errText, tc.want)
		}
		if index(ev, `"connect"`) >= 0 {
			t.Errorf("%s: the run connected to Redshift", name)
		}
	}
}

// TestGlueRunSemanticsText: the CSV rows of the semantics case
// exact_text (engine/testdata/semantics/text.yaml, which flowc run runs on
// DuckDB) reach the Glue job's raw view as the same text: the value the
// case expects for v, with NULL for an empty field.
func TestGlueRunSemanticsText(t *testing.T) {
	data, err := os.ReadFile("../../engine/testdata/semantics/text.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name string   `yaml:"name"`
			Rows []string `yaml:"rows"`
			Want []string `yaml:"want"`
		} `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	src := `version: 1
pipeline: sem
environments: {dev: {region: us-east-1}}
sources:
  input:
    location: s3://flowc-sem/input/
    trigger: on_arrival
    columns: {k: string, v: string}
warehouse:
  redshift: {workgroup: wg, database: dev, schema: sem, connection: c, iam_role: "arn:aws:iam::111111111111:role/r"}
  tables:
    out:
      from: input
      load: append
      columns: {k: varchar(64), v: varchar(64)}
`
	specFile := filepath.Join(t.TempDir(), "sem.yaml")
	if err := os.WriteFile(specFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pl := testspec.IR(t, specFile, "sem.yaml", "dev")
	py, err := glue.Script(pl, pl.Tables[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range file.Cases {
		if c.Name != "exact_text" {
			continue
		}
		var want [][]any
		for _, w := range c.Want {
			f := strings.Split(w, " | ")
			var v any = f[1]
			if f[1] == "NULL" {
				v = nil
			}
			want = append(want, []any{f[0], v})
		}
		sort.Slice(want, func(i, j int) bool { return want[i][0].(string) < want[j][0].(string) })
		ev, errText := runScript(t, py, "out", map[string]any{
			"argv": jobArgs(""), "rows": len(c.Rows),
			"files": map[string]string{"s3://flowc-sem/input/input.csv": "k,v\n" + strings.Join(c.Rows, "\n") + "\n"},
		})
		if errText != "" {
			t.Fatalf("the run failed: %s", errText)
		}
		var got [][]any
		if err := json.Unmarshal([]byte(viewRows(t, ev, "flowc_raw_input")), &got); err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i][0].(string) < got[j][0].(string) })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Glue read\n got: %v\nwant: %v (as flowc run reads them)", got, want)
		}
		return
	}
	t.Fatal("no case exact_text")
}
