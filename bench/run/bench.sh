#!/usr/bin/env bash
# Benchmark of `flowc run` (issues 5, 15). Converts the 3-million-flight
# Parquet file to CSV files laid out as they land in S3 (one file per day,
# Hive partitions year=/month=/day=, with bench/run/benchtool convert), and
# times, interleaved in the same rounds on fresh warehouses:
#
#   flowc      `flowc run --env dev examples/flights.yaml` over all of it;
#   floor      bench/run/floor: hand-written DuckDB SQL doing the same work
#              (header checks, typed read, checks before the load, the loads
#              in one transaction on a copy renamed over the warehouse),
#              written from the docs only, not from the engine: the floor the
#              target is measured against;
#   old floor  bench/run/benchtool floor: the first floor, written alongside
#              the engine (a second reference; OLD=0 skips it);
#   before     with FLOWC_BEFORE=BINARY, another flowc (e.g. built from main)
#              run the same way, for a before/after ratio in the same rounds.
#
# It reports medians of wall and cpu time, peak memory, flowc's time as a
# ratio of each floor's (the median of the rounds' ratios and the ratio of
# the medians), and checks that the warehouses are equal: per table, the row
# count and an order-independent checksum of the rows (bench/run/floor sum).
#
#   bench/run/bench.sh                  # RUNS=5 rounds over 3 M rows / 182 partitions
#   RUNS=3 SCALE=3 bench/run/bench.sh   # 9 M rows / 546 partitions (copies as 2002, 2003)
#
# FLOWC_ENGINE_TRACE=1 makes flowc run print each statement with its time
# (FLOOR_TRACE=1 the floor's), to see where a difference comes from.
#
# Not part of `make test`. Needs Go (cgo) and GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
parquet="${FLIGHTS_PARQUET:-$shared/data/flights/flights-3m.parquet}"
airports="${AIRPORTS_CSV:-$shared/data/flights/airports.csv}"
runs="${RUNS:-5}"
scale="${SCALE:-1}"
old="${OLD:-1}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "building flowc, floor and benchtool..."
go build -o "$tmp/flowc" ./cmd/flowc
go build -o "$tmp/floor" ./bench/run/floor
go build -o "$tmp/benchtool" ./bench/run/benchtool
echo "converting $parquet..."
"$tmp/benchtool" convert "$parquet" "$tmp/landing"
# SCALE=N: N-1 more years of the same flights, dates shifted a year each.
for k in $(seq 2 "$scale"); do
  y=$((2000 + k))
  for f in "$tmp"/landing/year=2001/*/*/flights.csv; do
    d="$(dirname "${f/year=2001/year=$y}")"
    mkdir -p "$d"
    sed "s/^2001-/$y-/" "$f" > "$d/flights.csv"
  done
done
echo "CSV: $(du -sh "$tmp/landing" | cut -f1) in $(find "$tmp/landing" -name '*.csv' | wc -l) files"

# measure NAME CMD...: runs CMD under GNU time, appends "wall cpu maxrss_kb"
# to NAME.times and keeps its output in NAME.out.
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || {
    cat "$tmp/$name.out" "$tmp/$name.err" >&2
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$tmp/time" >> "$tmp/$name.times"
}

run_flowc() {
  rm -f "$tmp/flowc.duckdb"
  measure flowc "$tmp/flowc" run --env dev --format json --input flights="$tmp/landing" --input airports="$airports" \
    --warehouse "$tmp/flowc.duckdb" examples/flights.yaml
}
run_floor() {
  rm -f "$tmp/floor.duckdb"
  measure floor "$tmp/floor" run "$tmp/landing" "$airports" "$tmp/floor.duckdb"
}
run_before() {
  rm -f "$tmp/before.duckdb"
  measure before "$FLOWC_BEFORE" run --env dev --format json --input flights="$tmp/landing" --input airports="$airports" \
    --warehouse "$tmp/before.duckdb" examples/flights.yaml
}
run_old() {
  rm -f "$tmp/old.duckdb" "$tmp/old.duckdb.wal"
  measure old "$tmp/benchtool" floor "$tmp/landing" "$airports" "$tmp/old.duckdb"
}

sides="flowc floor"
[ "$old" = 1 ] && sides="$sides old"
[ -n "${FLOWC_BEFORE:-}" ] && sides="$sides before"
for s in $sides; do : > "$tmp/$s.times"; done
for i in $(seq "$runs"); do
  # Alternate the order, so that no side always runs first.
  order="$sides"
  [ $((i % 2)) = 0 ] && order="$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' ')"
  line="round $i:"
  for s in $order; do
    "run_$s"
    line="$line $s $(tail -1 "$tmp/$s.times" | awk '{printf "%ss (cpu %ss)", $1, $2}')"
  done
  echo "$line"
done

# The results must be equal, table by table.
"$tmp/floor" sum "$tmp/flowc.duckdb" > "$tmp/flowc.sum"
"$tmp/floor" sum "$tmp/floor.duckdb" > "$tmp/floor.sum"
if ! diff -u "$tmp/floor.sum" "$tmp/flowc.sum"; then
  echo "FAIL: flowc's warehouse differs from the floor's (- floor, + flowc)" >&2
  exit 1
fi
if [ "$old" = 1 ]; then
  "$tmp/floor" sum "$tmp/old.duckdb" > "$tmp/old.sum"
  diff -u "$tmp/floor.sum" "$tmp/old.sum" || { echo "FAIL: the old floor's warehouse differs" >&2; exit 1; }
fi

if [ -n "${FLOWC_BEFORE:-}" ]; then
  "$tmp/floor" sum "$tmp/before.duckdb" > "$tmp/before.sum"
  diff -u "$tmp/floor.sum" "$tmp/before.sum" || { echo "FAIL: the before flowc's warehouse differs" >&2; exit 1; }
fi

# median FILE COLUMN
median() {
  cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# ratios A B: the median of the rounds' wall-time ratios A/B.
ratios() {
  paste -d' ' "$tmp/$1.times" "$tmp/$2.times" | awk '{print $1 / $4}' | sort -n |
    awk '{v[NR] = $1} END {printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

rows=$(grep -m1 '"rows":' "$tmp/flowc.out" | tr -dc '0-9')
parts=$(find "$tmp/landing" -mindepth 3 -maxdepth 3 -type d | wc -l)
echo
echo "flowc run of examples/flights.yaml over $rows rows, $parts partitions ($(nproc) cores, $runs rounds, interleaved)"
echo "tables equal (rows, checksum):"
sed 's/^/  /' "$tmp/floor.sum"
printf "  %-12s %12s %12s %14s %12s\n" "" "median wall" "median cpu" "rows/s" "peak memory"
for s in $sides; do
  w=$(median "$tmp/$s.times" 1)
  c=$(median "$tmp/$s.times" 2)
  m=$(cut -d' ' -f3 "$tmp/$s.times" | sort -n | tail -1)
  awk -v s="$s" -v w="$w" -v c="$c" -v m="$m" -v rows="$rows" \
    'BEGIN {printf "  %-12s %11.2fs %11.2fs %14.0f %8.0f MiB\n", s, w, c, rows / w, m / 1024}'
done
fw=$(median "$tmp/flowc.times" 1)
lw=$(median "$tmp/floor.times" 1)
awk -v a="$fw" -v b="$lw" -v r="$(ratios flowc floor)" -v fc="$(median "$tmp/flowc.times" 2)" -v lc="$(median "$tmp/floor.times" 2)" \
  'BEGIN {printf "flowc / floor: %sx (median of the rounds'"'"' ratios), %.2fx (ratio of the medians); target <= 1.10x; cpu %.2fx\n", r, a / b, fc / lc}'
if [ "$old" = 1 ]; then
  ow=$(median "$tmp/old.times" 1)
  awk -v a="$fw" -v b="$ow" -v r="$(ratios flowc old)" -v r2="$(ratios old floor)" \
    'BEGIN {printf "flowc / old floor: %sx (median of ratios), %.2fx (ratio of medians); old floor / floor: %sx\n", r, a / b, r2}'
fi
if [ -n "${FLOWC_BEFORE:-}" ]; then
  bw=$(median "$tmp/before.times" 1)
  awk -v a="$bw" -v b="$lw" -v r="$(ratios before floor)" -v r2="$(ratios flowc before)" \
    'BEGIN {printf "before / floor: %sx (median of ratios), %.2fx (ratio of medians); flowc / before: %sx\n", r, a / b, r2}'
fi
