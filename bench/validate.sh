#!/usr/bin/env bash
# Whole-command timing of `flowc validate` on the example, against the
# process-start floor (`flowc --version`) measured in the same run, plus the
# Go benchmarks of the front end at 100 and 500 sources/transforms/tables.
# Usage: bench/validate.sh [RUNS]   (not part of make test)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
bin=$(mktemp -d)/flowc
go build -o "$bin" ./cmd/flowc
time_runs() { # prints mean milliseconds of $runs runs of "$@"
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(( (end - start) / runs / 1000 ))
}
"$bin" validate examples/flights.yaml >/dev/null # warm the page cache
floor=$(time_runs "$bin" --version)
val=$(time_runs "$bin" validate examples/flights.yaml)
echo "process start (flowc --version): ${floor} µs/run"
echo "flowc validate examples/flights.yaml: ${val} µs/run"
awk -v a="$val" -v b="$floor" 'BEGIN { printf "ratio validate / process start: %.2f\n", a / b }'
go test -run '^$' -bench 'BenchmarkLoad' -count 1 ./spec/ | awk '/^Benchmark/ { print; ns[$1] = $3 }
  END { for (k in ns) if (k ~ /Load500/) a = ns[k]; for (k in ns) if (k ~ /Load100/) b = ns[k];
        if (a && b) printf "ratio Load500 / Load100: %.2f (5.00 is linear)\n", a / b }'
