// Command benchtool is the helper of bench/run/bench.sh: it converts the
// benchmark's Parquet file to CSV files laid out as they land in S3, and it
// runs the floor, hand-written DuckDB SQL doing the work of the example
// pipeline over those files, to time flowc run against.
//
//	benchtool convert FLIGHTS.parquet DIR      one DIR/year=Y/month=MM/day=DD/flights.csv per day
//	benchtool floor DIR AIRPORTS.csv WAREHOUSE the example pipeline's loads, by hand
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "convert":
		return convert(args[1], args[2])
	case len(args) == 4 && args[0] == "floor":
		return floor(args[1], args[2], args[3])
	}
	return fmt.Errorf("usage: benchtool convert FLIGHTS.parquet DIR | benchtool floor DIR AIRPORTS.csv WAREHOUSE")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// convert writes one CSV file per day, with the date as YYYY-MM-DD HH:MM as
// in ../shared/data/flights/landing.
func convert(parquet, dir string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `CREATE TABLE f AS SELECT strftime(date, '%Y-%m-%d %H:%M') AS date, delay, distance, origin, destination,
		strftime(date, '%Y') AS y, strftime(date, '%m') AS m, strftime(date, '%d') AS d FROM read_parquet(`+quote(parquet)+`) ORDER BY date`); err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, "SELECT DISTINCT y, m, d FROM f ORDER BY ALL")
	if err != nil {
		return err
	}
	var days [][3]string
	for rows.Next() {
		var day [3]string
		if err := rows.Scan(&day[0], &day[1], &day[2]); err != nil {
			return err
		}
		days = append(days, day)
	}
	rows.Close()
	for _, day := range days {
		out := filepath.Join(dir, "year="+day[0], "month="+day[1], "day="+day[2])
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		q := fmt.Sprintf("COPY (SELECT date, delay, distance, origin, destination FROM f WHERE y = %s AND m = %s AND d = %s) TO %s (FORMAT csv, HEADER)",
			quote(day[0]), quote(day[1]), quote(day[2]), quote(filepath.Join(out, "flights.csv")))
		if _, err := c.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	fmt.Printf("%d days written under %s\n", len(days), dir)
	return nil
}

// floor is what a careful engineer writes by hand for the example pipeline:
// typed CSV reads (DuckDB's own parser fails on bad values), the filter and
// the two airport joins, the table's checks per partition, replace the
// partitions, the per-partition aggregate merged on its key with the latest
// partition winning, in one transaction, into a DuckDB file.
func floor(dir, airports, warehouse string) error {
	start := time.Now()
	db, err := sql.Open("duckdb", warehouse)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	glob := quote(filepath.Join(dir, "*", "*", "*", "*.csv"))
	stmts := []string{
		"BEGIN TRANSACTION",
		"CREATE SCHEMA IF NOT EXISTS airlines",
		`CREATE TABLE IF NOT EXISTS airlines.delayed_flights_fact (year VARCHAR, month VARCHAR, day VARCHAR, flight_date DATE, dep_time TIMESTAMP,
			delay INTEGER, distance INTEGER, dep_airport VARCHAR, dep_city VARCHAR, dep_state VARCHAR, arr_airport VARCHAR, arr_city VARCHAR, arr_state VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS airlines.airport_delays (flight_date DATE, dep_airport VARCHAR, flights BIGINT, avg_delay DOUBLE, max_delay INTEGER)`,
		`CREATE TEMP TABLE airports AS SELECT * FROM read_csv(` + quote(airports) + `, header = true, auto_detect = false,
			columns = {'iata': 'VARCHAR', 'name': 'VARCHAR', 'city': 'VARCHAR', 'state': 'VARCHAR', 'country': 'VARCHAR', 'latitude': 'DOUBLE', 'longitude': 'DOUBLE'})`,
		`CREATE TEMP TABLE fact AS
			SELECT f.year, f.month, f.day, CAST(f.date AS DATE) AS flight_date, f.date AS dep_time, f.delay, f.distance,
				dep.name AS dep_airport, dep.city AS dep_city, dep.state AS dep_state, arr.name AS arr_airport, arr.city AS arr_city, arr.state AS arr_state
			FROM read_csv(` + glob + `, header = true, auto_detect = false, hive_partitioning = true,
				hive_types = {'year': 'VARCHAR', 'month': 'VARCHAR', 'day': 'VARCHAR'},
				columns = {'date': 'TIMESTAMP', 'delay': 'INTEGER', 'distance': 'INTEGER', 'origin': 'VARCHAR', 'destination': 'VARCHAR'}) AS f
			LEFT JOIN airports AS dep ON f.origin = dep.iata
			LEFT JOIN airports AS arr ON f.destination = arr.iata
			WHERE f.delay > 60`,
		`CREATE TEMP TABLE agg AS SELECT year, month, day, flight_date, dep_airport, count(*) AS flights, avg(delay) AS avg_delay, max(delay) AS max_delay
			FROM fact GROUP BY year, month, day, flight_date, dep_airport`,
	}
	checks := []string{
		"SELECT count(*) FROM fact WHERE flight_date IS NULL OR dep_time IS NULL",
		"SELECT count(*) FROM fact WHERE NOT coalesce(delay > 60, false)",
		"SELECT count(*) FROM (SELECT year, month, day FROM fact GROUP BY ALL HAVING count(*) < 1)",
		`SELECT count(*) FROM fact WHERE strlen(year) > 4 OR strlen(month) > 2 OR strlen(day) > 2 OR strlen(dep_airport) > 128 OR strlen(dep_city) > 64
			OR strlen(dep_state) > 8 OR strlen(arr_airport) > 128 OR strlen(arr_city) > 64 OR strlen(arr_state) > 8`,
		"SELECT count(*) FROM (SELECT 1 FROM agg WHERE flight_date IS NOT NULL AND dep_airport IS NOT NULL GROUP BY year, month, day, flight_date, dep_airport HAVING count(*) > 1)",
		"SELECT count(*) FROM agg WHERE strlen(dep_airport) > 128",
	}
	loads := []string{
		`DELETE FROM airlines.delayed_flights_fact AS t WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT year, month, day FROM fact) AS p
			WHERE t.year = p.year AND t.month = p.month AND t.day = p.day)`,
		"INSERT INTO airlines.delayed_flights_fact SELECT * FROM fact",
		`DELETE FROM airlines.airport_delays AS t WHERE EXISTS (SELECT 1 FROM agg AS s WHERE t.flight_date = s.flight_date AND t.dep_airport = s.dep_airport)`,
		`INSERT INTO airlines.airport_delays SELECT flight_date, dep_airport, flights, avg_delay, max_delay
			FROM (SELECT *, max(year || month || day) OVER (PARTITION BY flight_date, dep_airport) AS last FROM agg)
			WHERE year || month || day = last OR flight_date IS NULL OR dep_airport IS NULL`,
		"COMMIT",
	}
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	for _, q := range checks {
		var n int64
		if err := c.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			return fmt.Errorf("check failed: %s: %d", q, n)
		}
	}
	var fact, agg int64
	for _, s := range loads {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	if err := c.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM airlines.delayed_flights_fact), (SELECT count(*) FROM airlines.airport_delays)").Scan(&fact, &agg); err != nil {
		return err
	}
	fmt.Printf("floor: %d fact rows, %d airport_delays rows in %.2fs\n", fact, agg, time.Since(start).Seconds())
	return nil
}
