#!/usr/bin/env bash
# Start-up and size of the two builds of flowc, against a hello-world Go
# binary measured in the same run: the full build (DuckDB for flowc run and
# flowc test, cgo) and the build without the engine (CGO_ENABLED=0), each
# also with urfave/cli's documentation generators left out (the
# urfave_cli_no_docs tag drops blackfriday and its init). Rounds are
# interleaved so a noisy machine slows every binary alike; each figure is
# the median over ROUNDS rounds of the mean of RUNS runs.
# Usage: bench/startup.sh [ROUNDS] [RUNS]   (not part of make test)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
runs=${2:-40}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$dir/hello/main.go"
(cd "$dir/hello" && go mod init hello >/dev/null 2>&1 && go build -o "$dir/hello.bin" .)
go build -o "$dir/full" ./cmd/flowc
go build -tags urfave_cli_no_docs -o "$dir/full-nodocs" ./cmd/flowc
CGO_ENABLED=0 go build -o "$dir/nocgo" ./cmd/flowc
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o "$dir/nocgo-nodocs" ./cmd/flowc
bins=(full full-nodocs nocgo nocgo-nodocs)

mean_us() { # mean microseconds of $runs runs of "$@"
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for b in "${bins[@]}"; do "$dir/$b" validate examples/flights.yaml >/dev/null; done # warm the page cache
: >"$dir/times"
for r in $(seq "$rounds"); do
  echo "hello version $(mean_us "$dir/hello.bin")" >>"$dir/times"
  for b in "${bins[@]}"; do
    echo "$b version $(mean_us "$dir/$b" --version)" >>"$dir/times"
    echo "$b validate $(mean_us "$dir/$b" validate examples/flights.yaml)" >>"$dir/times"
    echo "$b build $(mean_us "$dir/$b" build --env dev --out "$dir/out" examples/flights.yaml)" >>"$dir/times"
  done
done
hello=$(awk '$1 == "hello" { print $3 }' "$dir/times" | median)
printf '%-14s %8s %10s %10s %10s %9s %9s\n' build size_MB version_us validate_us build_us ver/hello val/hello
printf '%-14s %8.1f %10s %10s %10s %9s %9s\n' hello "$(stat -c %s "$dir/hello.bin" | awk '{ print $1 / 1e6 }')" "$hello" - - 1.00 -
for b in "${bins[@]}"; do
  v=$(awk -v b="$b" '$1 == b && $2 == "version" { print $3 }' "$dir/times" | median)
  va=$(awk -v b="$b" '$1 == b && $2 == "validate" { print $3 }' "$dir/times" | median)
  bu=$(awk -v b="$b" '$1 == b && $2 == "build" { print $3 }' "$dir/times" | median)
  printf '%-14s %8.1f %10s %10s %10s %9.2f %9.2f\n' "$b" "$(stat -c %s "$dir/$b" | awk '{ print $1 / 1e6 }')" "$v" "$va" "$bu" \
    "$(awk -v a="$v" -v h="$hello" 'BEGIN { print a / h }')" "$(awk -v a="$va" -v h="$hello" 'BEGIN { print a / h }')"
done
