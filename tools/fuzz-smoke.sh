#!/usr/bin/env bash
# fuzz-smoke.sh PKG TARGET FUZZTIME [MIN_RATE]
#
# Runs one fuzz target briefly and fails when it does not really fuzz.
# Why a floor: `go test -fuzz` minimizes every new interesting input for up to
# -fuzzminimizetime (60 s by default) and does not count those executions, so
# a target whose seeds are large (a whole spec) spent the whole smoke
# minimizing its first finding, printing "0/sec" and passing (issue 9 item 9).
# Minimization is capped here by count, and the smoke fails when the average
# rate over the run falls under MIN_RATE executions per second (default 200,
# far under what any target reaches on a loaded 2-core machine).
set -euo pipefail
pkg=$1 target=$2 fuzztime=$3 min_rate=${4:-200}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# A failing target ends the script here (set -e with pipefail).
go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg" 2>&1 | tee "$log"
elapsed=$(( $(date +%s) - start ))
execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
[ "$elapsed" -ge 1 ] || elapsed=1
rate=$(( execs / elapsed ))
echo "fuzz-smoke: $target: $execs executions in ${elapsed}s ($rate/s, floor $min_rate/s)"
if [ "$rate" -lt "$min_rate" ]; then
  echo "fuzz-smoke: $target did not fuzz: $rate executions/s is under the floor of $min_rate/s" >&2
  exit 1
fi
