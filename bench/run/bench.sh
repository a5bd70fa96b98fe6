#!/usr/bin/env bash
# Benchmark of `flowc run` (issue 5). Converts the 3-million-flight Parquet
# file to CSV files laid out as they land in S3 (one file per day, Hive
# partitions year=/month=/day=), runs the example pipeline over all of them
# with `flowc run`, and, in the same run, the floor: hand-written DuckDB SQL
# doing the same work over the same files (bench/run/benchtool floor). It
# reports rows per second, peak memory (maximum resident set size) and
# flowc's time as a ratio of the floor's (the target is 1.3x).
#
#   bench/run/bench.sh              # RUNS=5 rounds: best and median of each side
#   RUNS=9 bench/run/bench.sh
#
# Not part of `make test`. Needs Go (cgo) and GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
parquet="${FLIGHTS_PARQUET:-$shared/data/flights/flights-3m.parquet}"
airports="${AIRPORTS_CSV:-$shared/data/flights/airports.csv}"
runs="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "building flowc and benchtool..."
go build -o "$tmp/flowc" ./cmd/flowc
go build -o "$tmp/benchtool" ./bench/run/benchtool
echo "converting $parquet..."
"$tmp/benchtool" convert "$parquet" "$tmp/landing"
echo "CSV: $(du -sh "$tmp/landing" | cut -f1) in $(find "$tmp/landing" -name '*.csv' | wc -l) files"

# measure NAME CMD...: runs CMD under GNU time, prints "wall cpu maxrss_kb".
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" || {
    cat "$tmp/out" "$tmp/err" >&2
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$tmp/time"
}

# stats FILE COLUMN: the best (lowest) and the median of a column of the
# times file.
stats() {
  cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print v[1], m}'
}

: > "$tmp/flowc.times"
: > "$tmp/floor.times"
for i in $(seq "$runs"); do
  rm -f "$tmp"/*.duckdb "$tmp"/*.duckdb.wal
  measure "$tmp/flowc" run --env dev --format json --input flights="$tmp/landing" --input airports="$airports" \
    --warehouse "$tmp/flowc.duckdb" examples/flights.yaml >> "$tmp/flowc.times"
  cp "$tmp/out" "$tmp/flowc.json"
  measure "$tmp/benchtool" floor "$tmp/landing" "$airports" "$tmp/floor.duckdb" >> "$tmp/floor.times"
  cp "$tmp/out" "$tmp/floor.out"
  echo "round $i: flowc $(tail -1 "$tmp/flowc.times" | cut -d' ' -f1)s, floor $(tail -1 "$tmp/floor.times" | cut -d' ' -f1)s"
done

rows=$(grep -m1 '"rows":' "$tmp/flowc.json" | tr -dc '0-9')
loaded=$(grep '"rows_loaded":' "$tmp/flowc.json" | tr -dc '0-9\n' | paste -sd/)
floor_loaded=$(sed -E 's/^floor: ([0-9]+) fact rows, ([0-9]+) airport_delays.*/\1\/\2/' "$tmp/floor.out")
read -r fw fwm < <(stats "$tmp/flowc.times" 1)
read -r fc fcm < <(stats "$tmp/flowc.times" 2)
read -r lw lwm < <(stats "$tmp/floor.times" 1)
read -r lc lcm < <(stats "$tmp/floor.times" 2)
fmem=$(cut -d' ' -f3 "$tmp/flowc.times" | sort -n | tail -1)
lmem=$(cut -d' ' -f3 "$tmp/floor.times" | sort -n | tail -1)
echo
echo "flowc run of examples/flights.yaml over $rows rows ($(nproc) cores, $runs rounds; rows loaded: flowc $loaded, floor $floor_loaded):"
awk -v rows="$rows" -v fw="$fw" -v fwm="$fwm" -v fc="$fc" -v fcm="$fcm" -v fmem="$fmem" \
  -v lw="$lw" -v lwm="$lwm" -v lc="$lc" -v lcm="$lcm" -v lmem="$lmem" 'BEGIN {
  printf "  %-20s %10s %12s %10s %12s %14s %12s\n", "", "best wall", "median wall", "best cpu", "median cpu", "rows/s (best)", "peak memory"
  printf "  %-20s %9.2fs %11.2fs %9.2fs %11.2fs %14.0f %8.0f MiB\n", "flowc run", fw, fwm, fc, fcm, rows / fw, fmem / 1024
  printf "  %-20s %9.2fs %11.2fs %9.2fs %11.2fs %14.0f %8.0f MiB\n", "hand-written DuckDB", lw, lwm, lc, lcm, rows / lw, lmem / 1024
  printf "  flowc / floor: %.2fx best wall, %.2fx median wall, %.2fx best cpu (target 1.3x)\n", fw / lw, fwm / lwm, fc / lc
}'
