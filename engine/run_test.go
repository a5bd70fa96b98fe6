package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/golden"
	"github.com/flowc-dev/flowc/ir"
)

// exampleSpec reads examples/flights.yaml, optionally edited.
func exampleSpec(t *testing.T, edit func(string) string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if edit != nil {
		s = edit(s)
	}
	return s
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("example spec has no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

// copyTree copies a folder.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is a spec folder with a copy of the example data.
type fixture struct {
	dir, wh string
	pl      *ir.IR
}

func newFixture(t *testing.T, specText string) *fixture {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, "../examples/data", filepath.Join(dir, "data"))
	return &fixture{dir: dir, wh: filepath.Join(dir, ".flowc", "warehouse.duckdb"), pl: loadSpec(t, "flights.yaml", specText)}
}

func (f *fixture) run(partition string) (*Report, error) {
	return Run(context.Background(), f.pl, Options{SpecDir: f.dir, Warehouse: f.wh, Partition: partition})
}

func (f *fixture) write(t *testing.T, rel, data string) {
	t.Helper()
	p := filepath.Join(f.dir, "data", rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// edit rewrites line n (1-based) of a data file.
func (f *fixture) edit(t *testing.T, rel string, n int, line string) {
	t.Helper()
	p := filepath.Join(f.dir, "data", rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	nl := "\n"
	if strings.Contains(string(b), "\r\n") {
		nl = "\r\n"
	}
	lines := strings.Split(string(b), nl)
	lines[n-1] = line
	f.write(t, rel, strings.Join(lines, nl))
}

func (f *fixture) tables(t *testing.T) string {
	t.Helper()
	return strings.Join(tableRows(t, f.wh, "airlines.delayed_flights_fact"), "\n") + "\n--\n" +
		strings.Join(tableRows(t, f.wh, "airlines.airport_delays"), "\n") + "\n"
}

const day2 = "flights/year=2001/month=01/day=02/flights.csv"

func TestRunExample(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	rep, err := f.run("")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Sources) != 2 || rep.Sources[0].Rows != 331 || len(rep.Sources[0].Partitions) != 3 || rep.Sources[1].Rows != 3376 {
		t.Errorf("sources: %+v", rep.Sources)
	}
	want := []TableReport{
		{Table: "airlines.delayed_flights_fact", Load: "replace_partition", RowsIn: 331, RowsLoaded: 21, ChecksPassed: 3, Checks: 3},
		{Table: "airlines.airport_delays", Load: "merge", RowsIn: 331, RowsLoaded: 20, ChecksPassed: 1, Checks: 1},
	}
	for i := range want {
		got := rep.Tables[i]
		got.Seconds = 0
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("table %d: got %+v, want %+v", i, got, want[i])
		}
	}
	first := f.tables(t)
	golden.Check(t, "testdata/run/example.golden", []byte(first))

	// Re-running every partition, or one, never duplicates rows.
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.run("year=2001/month=01/day=02"); err != nil {
		t.Fatal(err)
	}
	if got := f.tables(t); got != first {
		t.Errorf("re-runs changed the tables:\n%s\nwant:\n%s", got, first)
	}
}

// The runs of all partitions computed together load exactly what running
// the partitions one by one loads.
func TestRunEqualsSequentialRuns(t *testing.T) {
	specs := map[string]string{
		"example": exampleSpec(t, nil),
	}
	for name, text := range specs {
		t.Run(name, func(t *testing.T) {
			all := newFixture(t, text)
			if _, err := all.run(""); err != nil {
				t.Fatal(err)
			}
			one := newFixture(t, text)
			for _, p := range []string{"day=01", "day=02", "day=03"} {
				if _, err := one.run("year=2001/month=01/" + p); err != nil {
					t.Fatal(err)
				}
			}
			if a, b := all.tables(t), one.tables(t); a != b {
				t.Errorf("all at once:\n%s\none by one:\n%s", a, b)
			}
		})
	}
}

func TestRunPartition(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	rep, err := f.run("year=2001/month=01/day=02")
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Sources[0].Partitions; len(p) != 1 || p[0] != "year=2001/month=01/day=02" || rep.Sources[0].Rows != 119 {
		t.Errorf("flights: %+v", rep.Sources[0])
	}
	if n := rep.Tables[0].RowsLoaded; n != 3 {
		t.Errorf("loaded %d rows, want 3", n)
	}
	for _, p := range []string{"year=2001/month=01/day=02/", "year=2001", "year=2001/month=01"} {
		if _, err := f.run(p); err != nil {
			t.Errorf("--partition %s: %v", p, err)
		}
	}
}

// --partition takes what the Glue job takes (run_partition in the Glue
// runtime): a leading part of the partition columns, in order.
func TestRunPartitionNotLeading(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	for p, example := range map[string]string{
		"day=02":             "e.g. year=2001/month=01/day=02",
		"month=01":           "e.g. year=2001/month=01",
		"month=01/year=2001": "e.g. year=2001/month=01",
		"year=2001/day=03":   "e.g. year=2001/month=01/day=03",
	} {
		_, err := f.run(p)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "year=..., year=.../month=... or year=.../month=.../day=...") || !strings.HasSuffix(err.Error(), example) {
			t.Errorf("--partition %s: got %v, want an input error ending %q", p, err, example)
		}
	}
}

// Bad input and failed checks fail the run with a precise reason and leave
// the warehouse as it was.
func TestRunFailures(t *testing.T) {
	cases := []struct {
		name      string
		spec      func(string) string
		data      func(t *testing.T, f *fixture)
		partition string
		kind      string // input or check
		want      string // the error message, with DATA for the data folder
	}{
		{name: "bad value", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 5, "2001-01-02 06:00,abc,100,LAX,SFO") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:5: column delay: "abc" is not a valid int`},
		{name: "bad value in a row the filter drops", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 6, "2001-01-02 06:00,5,far,LAX,SFO") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:6: column distance: "far" is not a valid int`},
		{name: "bad timestamp", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 7, "2001-01-02 25:00,5,100,LAX,SFO") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:7: column date: "2001-01-02 25:00" is not a valid timestamp`},
		{name: "missing column", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 1, "date,delay,origin,destination") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:1: the header does not match: missing column distance (source flights declares date, delay, distance, origin, destination)`},
		{name: "extra column", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 1, "date,delay,distance,origin,destination,carrier") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:1: the header does not match: unexpected column carrier (source flights declares date, delay, distance, origin, destination)`},
		{name: "columns reordered", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 1, "delay,date,distance,origin,destination") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:1: the header has the columns in another order (delay, date, distance, origin, destination); source flights declares date, delay, distance, origin, destination, in that order`},
		{name: "extra field on a line", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 9, "2001-01-02 06:00,5,100,LAX,SFO,extra") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:9: the line has more than the 5 columns source flights declares (date, delay, distance, origin, destination)`},
		{name: "missing field on a line", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 3, "2001-01-02 06:00,5,100,LAX") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:3: the line has fewer than the 5 columns source flights declares (date, delay, distance, origin, destination)`},
		{name: "not csv", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=2001/month=01/day=02/extra.csv", "PAR1\x00\x01binary")
			},
			want: `DATA/flights/year=2001/month=01/day=02/extra.csv: not a CSV file: it is a Parquet file (source flights is format: csv)`},
		{name: "json", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=2001/month=01/day=02/extra.json", "{\"date\": \"2001-01-02\"}\n")
			},
			want: `DATA/flights/year=2001/month=01/day=02/extra.json: not a CSV file: it looks like JSON (source flights is format: csv)`},
		{name: "not UTF-8 in the first lines", kind: "input",
			data: func(t *testing.T, f *fixture) { f.edit(t, day2, 3, "2001-01-02 06:00,5,100,L\xc0X,SFO") },
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:3: not UTF-8 text: byte 0xc0 (source flights is format: csv; save the file as UTF-8)`},
		{name: "not UTF-8 far into the file", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=2001/month=01/day=02/more.csv", "date,delay,distance,origin,destination\n"+
					strings.Repeat("2001-01-02 06:00,5,100,LAX,SFO\n", 400)+"2001-01-02 06:00,5,100,L\xc0X,SFO\n")
			},
			want: `DATA/flights/year=2001/month=01/day=02/more.csv:402: not UTF-8 text: byte 0xc0 (source flights is format: csv; save the file as UTF-8)`},
		{name: "bad value in a file of mixed line ends", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.edit(t, day2, 7, "2001-01-02 06:00,abc,100,LAX,SFO\n2001-01-02 06:00,5,100,LAX,SFO\r2001-01-02 06:00,5,100,LAX,SFO")
			},
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:7: column delay: "abc" is not a valid int`},
		{name: "long bad value", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.edit(t, day2, 5, "2001-01-02 06:00,"+strings.Repeat("9", 5000)+",100,LAX,SFO")
			},
			want: `DATA/flights/year=2001/month=01/day=02/flights.csv:5: column delay: "9999999999999999999999999999999999999999"... is not a valid int`},
		{name: "empty partition", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=2001/month=01/day=04/flights.csv", "date,delay,distance,origin,destination\n")
			},
			want: `DATA/flights/year=2001/month=01/day=04: partition year=2001/month=01/day=04 of source flights is empty: no rows in 1 file`},
		{name: "file outside partitions", kind: "input",
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=2001/month=01/stray.csv", "date,delay,distance,origin,destination\n")
			},
			want: `DATA/flights/year=2001/month=01/stray.csv: not in a year=.../month=.../day=... folder: source flights is partitioned by year, month, day`},
		{name: "no such partition", kind: "input", partition: "year=2001/month=01/day=09",
			want: `DATA/flights: source flights has no files in partition year=2001/month=01/day=09`},
		{name: "unknown partition column", kind: "input", partition: "hour=01",
			want: `--partition "hour=01": source flights has no partition column hour (it has year, month, day)`},
		{name: "bad typed partition", kind: "input",
			spec: func(s string) string {
				s = replace("partitions: [year, month, day]", "partitions: [{name: year, type: int}, month, day]")(s)
				return replace("year: char(4)", "year: integer")(s)
			},
			data: func(t *testing.T, f *fixture) {
				f.write(t, "flights/year=20x1/month=01/day=01/flights.csv", "date,delay,distance,origin,destination\n2001-01-01 00:47,66,1750,DTW,LAS\n")
			},
			want: `DATA/flights/year=20x1/month=01/day=01: partition year=20x1 of source flights is not a valid int`},
		{name: "expect fails", kind: "check",
			spec: replace("expect: delay > 60", "expect: delay > 100"),
			want: `flights.yaml:131:11: check expect(delay > 100) of table airlines.delayed_flights_fact failed in partition year=2001/month=01/day=01, year=2001/month=01/day=02, year=2001/month=01/day=03: 14 rows break it; nothing was loaded`},
		{name: "row count fails", kind: "check",
			spec: replace("row_count: {min: 1}", "row_count: {min: 4}"),
			want: `flights.yaml:132:11: check row_count(min=4) of table airlines.delayed_flights_fact failed in partition year=2001/month=01/day=02: the table gets 3 rows, the check wants at least 4; nothing was loaded`},
		{name: "value too long", kind: "check",
			spec: replace("dep_state: varchar(8)", "dep_state: char(1)"),
			want: `flights.yaml:125:9: column dep_state of table airlines.delayed_flights_fact is char(1): 21 values longer than 1 bytes or with multi-byte characters; nothing was loaded`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := exampleSpec(t, c.spec)
			f := newFixture(t, text)
			// A good run first: the failed one must leave it as it is.
			good := &fixture{dir: f.dir, wh: f.wh, pl: loadSpec(t, "flights.yaml", exampleSpec(t, nil))}
			if _, err := good.run(""); err != nil {
				t.Fatal(err)
			}
			before := f.tables(t)
			if c.data != nil {
				c.data(t, f)
			}
			_, err := f.run(c.partition)
			var ie *InputError
			var ce *CheckError
			switch {
			case err == nil:
				t.Fatal("the run did not fail")
			case c.kind == "input" && !errors.As(err, &ie), c.kind == "check" && !errors.As(err, &ce):
				t.Fatalf("got %T %v, want a %s error", err, err, c.kind)
			}
			want := strings.ReplaceAll(c.want, "DATA", filepath.Join(f.dir, "data"))
			if err.Error() != want {
				t.Errorf("got  %s\nwant %s", err, want)
			}
			if after := f.tables(t); after != before {
				t.Errorf("the warehouse changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// A run that fails on a warehouse it created leaves no file behind.
func TestRunFailureRemovesNewWarehouse(t *testing.T) {
	f := newFixture(t, exampleSpec(t, replace("expect: delay > 60", "expect: delay > 100")))
	if _, err := f.run(""); err == nil {
		t.Fatal("the run did not fail")
	}
	if _, err := os.Stat(f.wh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("warehouse file left behind: %v", err)
	}
}

// A destructive change of a table in the warehouse that the spec does not
// allow is an error that names the table and column and says what to do,
// and leaves the warehouse as it was.
func TestRunWarehouseMismatch(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	before := f.tables(t)
	f.pl = loadSpec(t, "flights.yaml", exampleSpec(t, replace("max_delay: integer}", "max_delay: bigint}")))
	_, err := f.run("")
	if err == nil || !strings.Contains(err.Error(), "table airport_delays: destructive change not allowed: ~ column max_delay integer -> bigint (destructive: rebuild)") ||
		!strings.Contains(err.Error(), "on_destructive_change: allow") {
		t.Errorf("got %v", err)
	}
	if after := f.tables(t); after != before {
		t.Errorf("the warehouse changed:\n%s\nwas:\n%s", after, before)
	}
}

// Merge keys match NULL-safely, as in the Glue job: a re-run replaces the
// row whose key has a NULL instead of adding another.
func TestRunMergeNullKey(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	f.edit(t, day2, 4, "2001-01-02 06:17,95,719,ZZZ,STL") // no such airport: dep_airport is NULL
	for i := 0; i < 2; i++ {
		if _, err := f.run(""); err != nil {
			t.Fatal(err)
		}
	}
	var nulls []string
	for _, r := range tableRows(t, f.wh, "airlines.airport_delays") {
		if strings.Contains(r, "| NULL |") {
			nulls = append(nulls, r)
		}
	}
	if len(nulls) != 1 || nulls[0] != "2001-01-02 | NULL | 1 | 1 | ZZZ-STL | 95.0 | 95 | year=2001/month=01/day=02" {
		t.Errorf("rows with a NULL key: %q", nulls)
	}
}

// A file whose lines end in a mix of \r\n, \n and lone \r (which Spark
// reads, and duckDB's reader does not) loads the rows of the same file
// with \n line ends, on the typed read and on the text path.
func TestRunLineEnds(t *testing.T) {
	ends := map[string]func(i int) string{
		"01": func(i int) string { return []string{"\r\n", "\n", "\n"}[i%3] },
		"02": func(int) string { return "\r\r\n" },
		"03": func(int) string { return "\r" },
	}
	var want string
	for _, textOnly := range []bool{false, true} {
		clean := newFixture(t, exampleSpec(t, nil))
		if _, err := runMode(t, clean.pl, Options{SpecDir: clean.dir, Warehouse: clean.wh}, textOnly); err != nil {
			t.Fatal(err)
		}
		want = clean.tables(t)
		f := newFixture(t, exampleSpec(t, nil))
		for day, end := range ends {
			rel := "flights/year=2001/month=01/day=" + day + "/flights.csv"
			b, err := os.ReadFile(filepath.Join(f.dir, "data", rel))
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for i, line := range strings.Split(strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n") {
				out.WriteString(line + end(i))
			}
			f.write(t, rel, out.String())
		}
		if _, err := runMode(t, f.pl, Options{SpecDir: f.dir, Warehouse: f.wh}, textOnly); err != nil {
			t.Fatalf("text only %v: %v", textOnly, err)
		}
		if got := f.tables(t); got != want {
			t.Errorf("text only %v: got\n%s\nwant\n%s", textOnly, got, want)
		}
	}
}

// TestFusedReadLoadsTheSame: the example's flights source is read by one
// transform that filters, derives and then windows, so it is read in that
// transform's statement instead of being stored first (blockingFirst): the
// tables are the same either way (about 8% faster on the 3 M-row benchmark).
func TestFusedReadLoadsTheSame(t *testing.T) {
	spec := exampleSpec(t, nil)
	fused := newFixture(t, spec)
	if _, err := fused.run(""); err != nil {
		t.Fatal(err)
	}
	fuseReads = false
	defer func() { fuseReads = true }()
	stored := newFixture(t, spec)
	if _, err := stored.run(""); err != nil {
		t.Fatal(err)
	}
	if a, b := fused.tables(t), stored.tables(t); a != b {
		t.Errorf("read in the transform:\n%s\nstored first:\n%s", a, b)
	}
	pl := fused.pl
	r := &runner{pl: pl, plan: pl}
	if !r.blockingFirst("flights", pl.Tables) {
		t.Error("the example's flights reader (filter, derive, window) is not taken as blocking first")
	}
	if r.blockingFirst("airports", pl.Tables) {
		t.Error("airports, joined, taken as blocking first")
	}
}
