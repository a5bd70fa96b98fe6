package engine

import (
	"database/sql"
	"strings"
	"testing"
)

// appendSpec is the example with delayed_flights_fact loaded by append and
// without airport_delays: flights is read by append tables only.
func appendSpec(t *testing.T) string {
	return exampleSpec(t, func(s string) string {
		s = appendFact(s)
		i := strings.Index(s, "    airport_delays:\n      from: airport_delays")
		j := strings.Index(s, "\nalerts:")
		return s[:i] + s[j+1:]
	})
}

// appendFact loads the example's delayed_flights_fact by append, without
// the window steps that make a row depend on other rows of its day (FC413
// refuses append over them) and their columns.
func appendFact(s string) string {
	s = replace("load: replace_partition", "load: append")(s)
	i := strings.Index(s, "      - window:")
	j := strings.Index(s, "      - join: airports\n")
	s = s[:i] + s[j:]
	for _, l := range []string{"          delay_rank: delay_rank\n", "          prev_delay: prev_delay\n", "        delay_rank: integer\n", "        prev_delay: integer\n"} {
		s = replace(l, "")(s)
	}
	return s
}

// TestRunAppendOnce (issue 16, requirement 2): `flowc run` loads each file
// of an append table's source once, with the ledger _flowc_ledger in the
// warehouse, written in the run's transaction: a second run over the same
// files changes no row, a new file adds only its rows, a file changed after
// it was loaded fails the run and changes nothing.
func TestRunAppendOnce(t *testing.T) {
	f := newFixture(t, appendSpec(t))
	rep, err := f.run("")
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Tables[0].RowsLoaded; n != 21 {
		t.Fatalf("first run loaded %d rows, want 21", n)
	}
	fact := func() string {
		return strings.Join(tableRows(t, f.wh, "airlines.delayed_flights_fact"), "\n")
	}
	first := fact()
	if got := strings.Join(tableRows(t, f.wh, "main._flowc_ledger"), "\n"); strings.Count(got, "delayed_flights_fact | flights | year=2001/month=01/day=0") != 3 {
		t.Errorf("ledger:\n%s", got)
	}

	rep, err = f.run("")
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Tables[0].RowsLoaded; n != 0 || rep.Tables[0].Table != "airlines.delayed_flights_fact" {
		t.Errorf("second run: %+v, want nothing loaded", rep.Tables[0])
	}
	if got := fact(); got != first {
		t.Errorf("a second run over the same files changed the table")
	}

	// A late file in a loaded partition: only its rows are added (one
	// delayed flight; the early one is filtered out).
	f.write(t, "flights/year=2001/month=01/day=03/late.csv", "date,delay,distance,origin,destination\n2001-01-03 23:50,75,1000,DTW,ORD\n2001-01-03 23:55,5,1000,DTW,ORD\n")
	if rep, err = f.run(""); err != nil {
		t.Fatal(err)
	}
	if n := rep.Tables[0].RowsLoaded; n != 1 {
		t.Errorf("late file: loaded %d rows, want 1", n)
	}
	if got := fact(); len(strings.Split(got, "\n")) != 22 || !strings.Contains(got, "2001-01-03 23:50:00 | 4 | 75 |") {
		t.Errorf("late file: table\n%s", got)
	}
	after := fact()

	// A loaded file changed: the run fails, nothing changes.
	f.edit(t, day2, 2, "2001-01-02 00:01,99,100,DTW,ORD")
	_, err = f.run("")
	if err == nil || !strings.Contains(err.Error(), "day=02/flights.csv") || !strings.Contains(err.Error(), "table delayed_flights_fact loads with append and loaded this file before; it changed since (another SHA-256)") {
		t.Fatalf("changed file: %v", err)
	}
	if got := fact(); got != after {
		t.Error("a failed run changed the table")
	}
}

// TestRunAppendWithOtherLoads: when a source is also read by a table of
// another load, an append table with no new file is left out of the run,
// and one with some new files among loaded ones fails it with a hint; the
// new partition alone (--partition) loads.
func TestRunAppendWithOtherLoads(t *testing.T) {
	f := newFixture(t, exampleSpec(t, appendFact))
	if _, err := f.run(""); err != nil {
		t.Fatal(err)
	}
	first := f.tables(t)
	rep, err := f.run("")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 2 || rep.Tables[0].RowsLoaded != 0 || rep.Tables[1].RowsLoaded != 20 {
		t.Errorf("second run: %+v", rep.Tables)
	}
	if got := f.tables(t); got != first {
		t.Errorf("second run changed the tables:\n%s\nwant:\n%s", got, first)
	}
	f.write(t, "flights/year=2001/month=01/day=04/flights.csv", "date,delay,distance,origin,destination\n2001-01-04 10:00,75,1000,DTW,ORD\n")
	_, err = f.run("")
	if err == nil || !strings.Contains(err.Error(), "table delayed_flights_fact loads with append and loaded 3 of the 4 files of source flights before, and airport_delays reads all of them in this run") ||
		!strings.Contains(err.Error(), "--partition") {
		t.Fatalf("mixed run: %v", err)
	}
	if rep, err = f.run("year=2001/month=01/day=04"); err != nil {
		t.Fatal(err)
	}
	if rep.Tables[0].RowsLoaded != 1 || rep.Tables[1].RowsLoaded != 1 {
		t.Errorf("new partition: %+v", rep.Tables)
	}
}

// crossMidnight is a flight of 2001-01-02 from Detroit that lands in the
// next day's folder: its group (2001-01-02, Detroit Metropolitan-Wayne
// County) is also computed from day=02.
const crossMidnight = "flights/year=2001/month=01/day=03/late.csv"

// TestRunMergeOwnership (issue 16, requirement 3): airport_delays' key
// (flight_date, dep_airport) does not cover the partition columns, so
// each row remembers its partition; a run whose groups another partition
// computed fails, naming the keys and both partitions, and leaves the
// warehouse as it was, whether the partitions run one by one or together.
func TestRunMergeOwnership(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	for _, p := range []string{"day=01", "day=02"} {
		if _, err := f.run("year=2001/month=01/" + p); err != nil {
			t.Fatal(err)
		}
	}
	before := f.tables(t)
	f.write(t, crossMidnight, "date,delay,distance,origin,destination\n2001-01-02 23:59,61,1000,DTW,ORD\n")
	_, err := f.run("year=2001/month=01/day=03")
	want := `table airlines.airport_delays: merge key (flight_date, dep_airport): groups span partitions: ("2001-01-02", "Detroit Metropolitan-Wayne County") of partition year=2001/month=01/day=03, computed before from partition year=2001/month=01/day=02; ` +
		`loading would replace a group with the part of it in one partition; nothing was loaded (fix the files, or key the table by the partition columns)`
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got: %v\nwant: %s", err, want)
	}
	if got := f.tables(t); got != before {
		t.Error("a failed run changed the warehouse")
	}

	// All partitions at once: the group spans two runs of the invocation.
	all := newFixture(t, exampleSpec(t, nil))
	all.write(t, crossMidnight, "date,delay,distance,origin,destination\n2001-01-02 23:59,61,1000,DTW,ORD\n")
	_, err = all.run("")
	if err == nil || !strings.Contains(err.Error(), `("2001-01-02", "Detroit Metropolitan-Wayne County") from partitions year=2001/month=01/day=02 and year=2001/month=01/day=03`) {
		t.Fatalf("all partitions: %v", err)
	}

	// A re-run of a partition owns its groups: it replaces them.
	if _, err := f.run("year=2001/month=01/day=02"); err != nil {
		t.Fatal(err)
	}
}

// TestRunMergeOwnerColumnAdded: a warehouse table created before flowc
// checked ownership gets the column; its old rows have no owner and fail
// no check.
func TestRunMergeOwnerColumnAdded(t *testing.T) {
	f := newFixture(t, exampleSpec(t, nil))
	if _, err := f.run("year=2001/month=01/day=02"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", f.wh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("ALTER TABLE airlines.airport_delays DROP COLUMN _flowc_partition"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// day=03 with a row of day=02's group: the old rows have no owner.
	f.write(t, crossMidnight, "date,delay,distance,origin,destination\n2001-01-02 23:59,61,1000,DTW,ORD\n")
	if _, err := f.run("year=2001/month=01/day=03"); err != nil {
		t.Fatal(err)
	}
	rows := strings.Join(tableRows(t, f.wh, "airlines.airport_delays"), "\n")
	if !strings.Contains(rows, "2001-01-02 | Detroit Metropolitan-Wayne County | 1 | 1 | DTW-ORD | 61.0 | 61 | year=2001/month=01/day=03") ||
		!strings.Contains(rows, "2001-01-02 | William P Hobby | 1 | 1 | HOU-MSY | 64.0 | 64 | NULL") {
		t.Errorf("rows:\n%s", rows)
	}
}
