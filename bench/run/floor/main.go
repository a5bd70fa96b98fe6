// Command floor is the reference that bench/run/bench.sh measures `flowc run`
// against: hand-written DuckDB SQL doing what `flowc run --env dev
// examples/flights.yaml` does over the same files, written from the docs only
// (README "Run it locally", docs/spec.md, the spec), not from the engine's
// code, and as fast as DuckDB allows while keeping the same guarantees:
//
//   - every flights file's header is the declared columns, in order, and the
//     file has at least one row (an empty partition fails the run);
//   - the files are read with DuckDB's typed CSV reader (a value that does not
//     parse fails the run), partitions year/month/day as strings;
//   - the transform (filter, derive, two windows, two left joins on the small airports table,
//     select) and the aggregate are staged and every check is run before the
//     load: not_null, expect and row_count per partition, the lengths of
//     char(n)/varchar(n) columns;
//   - the loads (replace_partition of every partition, merge of the per-run
//     aggregates in partition order: a later partition wins) run in one short
//     transaction on a copy of the warehouse, which is checkpointed, synced
//     and renamed over the warehouse: all or nothing, even if killed.
//
// Usage:
//
//	floor run LANDING AIRPORTS.csv WAREHOUSE   # load; prints the rows loaded
//	floor sum WAREHOUSE                        # per table: rows and an order-independent checksum
//	floor query WAREHOUSE SQL                  # print a query's rows (tab-separated)
package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 5 && os.Args[1] == "run":
		err = run(os.Args[2], os.Args[3], os.Args[4])
	case len(os.Args) == 3 && os.Args[1] == "sum":
		err = sum(os.Args[2])
	case len(os.Args) == 4 && os.Args[1] == "query":
		err = query(os.Args[2], os.Args[3])
	default:
		err = errors.New("usage: floor run LANDING AIRPORTS WAREHOUSE | floor sum WAREHOUSE | floor query WAREHOUSE SQL")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

const flightsHeader = "date,delay,distance,origin,destination"
const airportsHeader = "iata,name,city,state,country,latitude,longitude"

// partition is one Hive partition directory of the flights source.
type partition struct {
	path  string // year=2001/month=01/day=02
	files []string
}

// scan lists the partitions under root in sorted order, skipping names that
// start with . or _, and checks each file's header and that it has a row.
func scan(root string) ([]partition, []string, error) {
	byPath := map[string]*partition{}
	var all []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 || !strings.HasPrefix(parts[0], "year=") || !strings.HasPrefix(parts[1], "month=") || !strings.HasPrefix(parts[2], "day=") {
			return fmt.Errorf("%s: not under year=/month=/day=", p)
		}
		if err := checkHeader(p, flightsHeader); err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if byPath[key] == nil {
			byPath[key] = &partition{path: key}
		}
		byPath[key].files = append(byPath[key].files, p)
		all = append(all, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	out := make([]partition, 0, len(byPath))
	for _, p := range byPath {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%s: no flights files", root)
	}
	return out, all, nil
}

// checkHeader checks that the first line of a file is the declared header
// and that a data line follows it.
func checkHeader(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 4096)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	line = strings.TrimRight(line, "\r\n")
	line = strings.TrimPrefix(line, "\ufeff")
	if line != want {
		return fmt.Errorf("%s:1: header %q, want %q", path, line, want)
	}
	next, _ := r.Peek(64)
	if len(bytes.TrimLeft(next, "\r\n")) == 0 {
		return fmt.Errorf("%s: no rows", path)
	}
	return nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sqlList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = sqlString(p)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func run(landing, airports, warehouse string) error {
	parts, files, err := scan(landing)
	if err != nil {
		return err
	}
	if err := checkHeader(airports, airportsHeader); err != nil {
		return err
	}

	// The loads go into a copy of the warehouse, renamed over it at the end.
	tmp := warehouse + ".floor-tmp"
	os.Remove(tmp)
	os.Remove(tmp + ".wal")
	if err := copyFile(warehouse, tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	db, err := sql.Open("duckdb", tmp)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: temp tables and the transaction live on it
	exec := func(q string) error {
		t := time.Now()
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
		trace(t, q)
		return nil
	}
	if err := exec(`SET preserve_insertion_order = false`); err != nil {
		return err
	}

	// Stage, outside any explicit transaction (each statement commits, and
	// the big scan runs on every core). The small side first, materialized,
	// so the joins build their hash tables on it.
	if err := exec(`CREATE TEMP TABLE airports AS SELECT * FROM read_csv(` + sqlString(airports) + `,
		header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '',
		columns = {'iata': 'VARCHAR', 'name': 'VARCHAR', 'city': 'VARCHAR', 'state': 'VARCHAR',
		           'country': 'VARCHAR', 'latitude': 'DOUBLE', 'longitude': 'DOUBLE'})`); err != nil {
		return err
	}
	// The transform: filter, derive, two windows over (origin, flight_date),
	// two left joins, select. docs/spec.md "window": rank gives ties one
	// rank; lag sees rows in order, ties of order_by ordered by the row's
	// other columns ascending, NULLs first (the tied rows share origin and
	// date, so delay, distance and destination order them); NULLs sort
	// first ascending and last descending. dayofweek is Spark's, 1 = Sunday
	// (docs/functions.md), DuckDB's plus one.
	if err := exec(`CREATE TEMP TABLE fact AS
		WITH f AS (
		  SELECT date, delay, distance, origin, destination, year, month, day,
		         CAST(date AS DATE) AS flight_date,
		         concat_ws('-', origin, destination) AS route,
		         CAST(dayofweek(date) + 1 AS INTEGER) AS dep_weekday
		  FROM read_csv(` + sqlList(files) + `,
		       header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '',
		       columns = {'date': 'TIMESTAMP', 'delay': 'INTEGER', 'distance': 'INTEGER',
		                  'origin': 'VARCHAR', 'destination': 'VARCHAR'},
		       hive_partitioning = true,
		       hive_types = {'year': 'VARCHAR', 'month': 'VARCHAR', 'day': 'VARCHAR'})
		  WHERE delay > 60),
		w AS (
		  SELECT *,
		    CAST(rank() OVER (PARTITION BY origin, flight_date ORDER BY delay DESC NULLS LAST) AS INTEGER) AS delay_rank,
		    lag(delay) OVER (PARTITION BY origin, flight_date
		                     ORDER BY date ASC NULLS FIRST, delay ASC NULLS FIRST, distance ASC NULLS FIRST,
		                              destination ASC NULLS FIRST) AS prev_delay
		  FROM f)
		SELECT w.year, w.month, w.day, w.flight_date, w.date AS dep_time, w.dep_weekday, w.delay, w.delay_rank,
		       w.prev_delay, w.distance, w.route,
		       dep.name AS dep_airport, dep.city AS dep_city, dep.state AS dep_state,
		       arr.name AS arr_airport, arr.city AS arr_city, arr.state AS arr_state
		FROM w
		LEFT JOIN airports dep ON w.origin = dep.iata
		LEFT JOIN airports arr ON w.destination = arr.iata`); err != nil {
		return err
	}
	// The merge's input: each run's aggregate, the last partition's row per key.
	// max_by(route, delay): the route of the largest delay, NULL delays
	// skipped, among ties the largest non-NULL route (docs/functions.md).
	if err := exec(`CREATE TEMP TABLE delays AS
		SELECT flight_date, dep_airport, flights, routes, worst_route, avg_delay, max_delay FROM (
		  SELECT year, month, day, flight_date, dep_airport,
		         count(*) AS flights, count(DISTINCT route) AS routes,
		         first(route ORDER BY delay DESC NULLS LAST, route DESC NULLS LAST) FILTER (WHERE delay IS NOT NULL) AS worst_route,
		         avg(delay) AS avg_delay, max(delay) AS max_delay
		  FROM fact GROUP BY ALL)
		QUALIFY row_number() OVER (PARTITION BY flight_date, dep_airport
		                           ORDER BY 'year=' || year || '/month=' || month || '/day=' || day DESC) = 1`); err != nil {
		return err
	}

	// The checks, per partition, before the load.
	rows, err := db.Query(`SELECT 'year=' || year || '/month=' || month || '/day=' || day,
		  count(*),
		  count_if(flight_date IS NULL), count_if(dep_time IS NULL),
		  count_if(NOT coalesce(delay > 60, false)),
		  count_if(strlen(year) > 4), count_if(strlen(month) > 2), count_if(strlen(day) > 2),
		  count_if(strlen(route) > 16),
		  count_if(strlen(dep_airport) > 128), count_if(strlen(dep_city) > 64), count_if(strlen(dep_state) > 8),
		  count_if(strlen(arr_airport) > 128), count_if(strlen(arr_city) > 64), count_if(strlen(arr_state) > 8)
		FROM fact GROUP BY ALL`)
	if err != nil {
		return err
	}
	names := []string{"not_null flight_date", "not_null dep_time", "expect delay > 60",
		"year char(4)", "month char(2)", "day char(2)", "route varchar(16)", "dep_airport varchar(128)", "dep_city varchar(64)",
		"dep_state varchar(8)", "arr_airport varchar(128)", "arr_city varchar(64)", "arr_state varchar(8)"}
	counted := map[string]int64{}
	var total int64
	for rows.Next() {
		var part string
		var n int64
		bad := make([]int64, len(names))
		dest := []any{&part, &n}
		for i := range bad {
			dest = append(dest, &bad[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		for i, b := range bad {
			if b > 0 {
				rows.Close()
				return fmt.Errorf("delayed_flights_fact: check %s failed in partition %s: %d rows", names[i], part, b)
			}
		}
		counted[part] = n
		total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if counted[p.path] < 1 {
			return fmt.Errorf("delayed_flights_fact: check row_count min 1 failed in partition %s: 0 rows", p.path)
		}
	}
	// The merge key does not cover the partition columns (FC414): a run
	// checks that each group comes from one partition (README, spec.md).
	var spanning int64
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT flight_date, dep_airport FROM fact
		GROUP BY ALL HAVING count(DISTINCT (year, month, day)) > 1)`).Scan(&spanning); err != nil {
		return err
	}
	if spanning > 0 {
		return fmt.Errorf("airport_delays: %d groups of the merge key span partitions", spanning)
	}
	var long, merged int64
	if err := db.QueryRow(`SELECT count_if(strlen(dep_airport) > 128 OR strlen(worst_route) > 16), count(*) FROM delays`).Scan(&long, &merged); err != nil {
		return err
	}
	if long > 0 {
		return fmt.Errorf("airport_delays: %d values of dep_airport or worst_route longer than varchar(128) or varchar(16)", long)
	}

	// The load: one short transaction.
	load := []string{
		`BEGIN`,
		`CREATE SCHEMA IF NOT EXISTS airlines`,
		`CREATE TABLE IF NOT EXISTS airlines.delayed_flights_fact (year VARCHAR, month VARCHAR, day VARCHAR,
		   flight_date DATE, dep_time TIMESTAMP, dep_weekday INTEGER, delay INTEGER, delay_rank INTEGER,
		   prev_delay INTEGER, distance INTEGER, route VARCHAR,
		   dep_airport VARCHAR, dep_city VARCHAR, dep_state VARCHAR,
		   arr_airport VARCHAR, arr_city VARCHAR, arr_state VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS airlines.airport_delays (flight_date DATE, dep_airport VARCHAR,
		   flights BIGINT, routes BIGINT, worst_route VARCHAR, avg_delay DOUBLE, max_delay INTEGER)`,
		`DELETE FROM airlines.delayed_flights_fact WHERE (year, month, day) IN (SELECT DISTINCT year, month, day FROM fact)`,
		`INSERT INTO airlines.delayed_flights_fact SELECT * FROM fact`,
		`DELETE FROM airlines.airport_delays t USING delays d
		   WHERE t.flight_date IS NOT DISTINCT FROM d.flight_date AND t.dep_airport IS NOT DISTINCT FROM d.dep_airport`,
		`INSERT INTO airlines.airport_delays SELECT * FROM delays`,
		`COMMIT`,
		`CHECKPOINT`,
	}
	for _, q := range load {
		if err := exec(q); err != nil {
			db.Exec(`ROLLBACK`)
			return err
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, warehouse); err != nil {
		return err
	}
	if err := syncFile(filepath.Dir(warehouse)); err != nil {
		return err
	}
	fmt.Printf("floor: %d fact rows, %d airport_delays rows, %d partitions\n", total, merged, len(parts))
	return nil
}

// trace prints how long a step took when FLOOR_TRACE is set.
func trace(start time.Time, what string) {
	if os.Getenv("FLOOR_TRACE") != "" {
		what = strings.Join(strings.Fields(what), " ")
		if len(what) > 60 {
			what = what[:60]
		}
		fmt.Fprintf(os.Stderr, "%6.3fs %s\n", time.Since(start).Seconds(), what)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// sum prints, for each table of the warehouse, its row count and the sum of
// the hashes of its rows (equal tables, in any row order, give equal lines),
// over the columns the spec declares.
func sum(warehouse string) error {
	db, err := sql.Open("duckdb", warehouse+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := db.Query(`SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL`)
	if err != nil {
		return err
	}
	var names [][2]string
	for tables.Next() {
		var s, t string
		if err := tables.Scan(&s, &t); err != nil {
			return err
		}
		names = append(names, [2]string{s, t})
	}
	tables.Close()
	for _, n := range names {
		// The table's own columns: flowc keeps bookkeeping of its own in
		// columns named _flowc_* (a merge table's _flowc_partition, which
		// partition wrote a row), which the floor has no need of.
		cols, err := db.Query(`SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?
			AND NOT starts_with(column_name, '_flowc') ORDER BY column_index`, n[0], n[1])
		if err != nil {
			return err
		}
		var quoted []string
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				cols.Close()
				return err
			}
			quoted = append(quoted, `"`+c+`"`)
		}
		cols.Close()
		var rows int64
		var h string
		q := fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(%s)::HUGEINT), 0)::VARCHAR FROM "%s"."%s"`, strings.Join(quoted, ", "), n[0], n[1])
		if err := db.QueryRow(q).Scan(&rows, &h); err != nil {
			return err
		}
		fmt.Printf("%s.%s %d %s\n", n[0], n[1], rows, h)
	}
	return nil
}

func query(warehouse, q string) error {
	db, err := sql.Open("duckdb", warehouse+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	fmt.Println(strings.Join(cols, "\t"))
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]string, len(cols))
		for i, v := range vals {
			out[i] = fmt.Sprint(v)
		}
		fmt.Println(strings.Join(out, "\t"))
	}
	return rows.Err()
}
