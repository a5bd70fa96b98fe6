#!/usr/bin/env bash
# Whole-command speed of `flowc build` against `cdk synth` of the equivalent
# AWS CDK v2 app (bench/cdk), measured in the same run, plus the Go
# benchmarks of the compiler at 100 and 500 tables. Not part of make test.
#
# Usage: bench/build.sh [RUNS]     (default 10 runs of each command)
#
# It installs the CDK app's pinned dependencies (npm ci into
# bench/cdk/node_modules), builds flowc, checks that the app's template is
# equivalent to flowc's (bench/cdk/compare.js), then times, in interleaved
# rounds so a busy machine slows every command alike:
#   flowc build            flowc build --env dev --out DIR examples/flights.yaml
#   cdk synth              npx cdk synth --quiet -o DIR (as users run it)
#   node app.js            CDK_VALIDATION=false node app.js (the fairest floor:
#                          no CLI, no built-in template validation)
#   node app.js, validated node app.js (no CLI, aws-cdk-lib's validation on)
#   flowc build, 500 tables  testdata/build/large/spec.yaml
# Wall time is measured around each process; peak memory is GNU time's
# "Maximum resident set size", which for `npx cdk synth` is the largest
# single process of the tree (the CLI and the app it starts run at once).
# CDK runs offline: no AWS credentials, no instance metadata, no notices, no
# telemetry, no version check, and the stack is environment agnostic, so
# nothing is looked up and nothing is sent to AWS.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-10}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/build.sh [RUNS]" >&2; exit 2 ;; esac
for tool in go node npm npx; do
  command -v "$tool" >/dev/null || { echo "bench/build.sh: $tool is needed" >&2; exit 2; }
done
if [ ! -x /usr/bin/time ]; then
  echo "bench/build.sh: GNU time is needed at /usr/bin/time (apt-get install time)" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== npm ci (bench/cdk)"
(cd bench/cdk && npm ci --no-audit --no-fund --loglevel=error)
echo "== go build ./cmd/flowc"
go build -o "$tmp/flowc" ./cmd/flowc

# The CDK app reads the state machine definition and the Glue scripts from
# a flowc build of the example (what a CDK user keeps next to the app).
"$tmp/flowc" build --env dev --out "$tmp/ref" examples/flights.yaml >/dev/null
offline=(env -C "$root/bench/cdk" -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
  AWS_REGION=us-east-1 CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=1
  FLOWC_BUILD_DIR="$tmp/ref")

names=(flowc synth app app-validated large)
declare -A label=(
  [flowc]="flowc build"
  [synth]="cdk synth"
  [app]="node app.js, validation off"
  [app-validated]="node app.js, validation on"
  [large]="flowc build, 500 tables"
)
# run NAME: runs command NAME once with a fresh output directory and prints
# its wall time in microseconds and its peak RSS in KB.
run() {
  local out="$tmp/out-$1" t0 t1 rss
  rm -rf "$out"
  local -a cmd
  case $1 in
    flowc) cmd=("$tmp/flowc" build --env dev --out "$out" examples/flights.yaml) ;;
    synth) cmd=("${offline[@]}" npx --no-install cdk synth --quiet --no-notices -o "$out") ;;
    app) cmd=("${offline[@]}" CDK_VALIDATION=false CDK_OUTDIR="$out" node app.js) ;;
    app-validated) cmd=("${offline[@]}" CDK_OUTDIR="$out" node app.js) ;;
    large) cmd=("$tmp/flowc" build --env dev --out "$out" testdata/build/large/spec.yaml) ;;
  esac
  t0=$(date +%s%N)
  if ! /usr/bin/time -v -o "$tmp/time" "${cmd[@]}" >"$tmp/log" 2>&1; then
    echo "bench/build.sh: ${label[$1]} failed:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
  echo "$(((t1 - t0) / 1000)) $rss"
}

echo "== equivalence (warm-up run of each command)"
for n in "${names[@]}"; do run "$n" >/dev/null; done
for n in synth app app-validated; do
  node bench/cdk/compare.js "$tmp/out-flowc/template.json" "$tmp/out-$n/flights-dev.template.json" >"$tmp/cmp" ||
    { echo "bench/build.sh: the CDK app no longer matches flowc build; fix bench/cdk/app.js" >&2; exit 1; }
done
cat "$tmp/cmp"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== $runs interleaved rounds"
for i in $(seq "$runs"); do
  for n in "${names[@]}"; do echo "$n $(run "$n")" >>"$tmp/samples"; done
  printf '.'
done
echo
load1=$(cut -d' ' -f1-3 /proc/loadavg)

version() { node -p "require('$root/bench/cdk/node_modules/$1/package.json').version"; }
echo
echo "$(go version | cut -d' ' -f3), node $(node --version), aws-cdk-lib $(version aws-cdk-lib), aws-cdk $(version aws-cdk), constructs $(version constructs)"
echo "$(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average $load0 before, $load1 after"
echo
awk -v order="${names[*]}" -v labels="$(for n in "${names[@]}"; do printf '%s\t' "${label[$n]}"; done)" '
  { n[$1]++; s[$1] += $2; r[$1] += $3
    if (!($1 in lo) || $2 < lo[$1]) lo[$1] = $2
    if ($2 > hi[$1]) hi[$1] = $2
    if ($3 > rmax[$1]) rmax[$1] = $3 }
  END {
    nk = split(order, k, " "); split(labels, l, "\t")
    for (i = 1; i <= nk; i++) m[k[i]] = s[k[i]] / n[k[i]]
    printf "| command (%d runs each) | mean wall | min .. max | mean vs flowc build | peak RSS |\n", n[k[1]]
    printf "|---|---:|---:|---:|---:|\n"
    for (i = 1; i <= nk; i++) {
      c = k[i]
      printf "| %s | %.0f ms | %.0f .. %.0f ms | %.1fx | %.0f MB |\n", l[i], m[c] / 1000, lo[c] / 1000, hi[c] / 1000, m[c] / m["flowc"], rmax[c] / 1024
    }
    printf "\nratio cdk synth / flowc build: %.1f (fastest runs: %.1f)\n", m["synth"] / m["flowc"], lo["synth"] / lo["flowc"]
    printf "ratio node app.js (validation off) / flowc build: %.1f (fastest runs: %.1f)\n", m["app"] / m["flowc"], lo["app"] / lo["flowc"]
    printf "ratio peak RSS cdk synth / flowc build: %.1f\n", rmax["synth"] / rmax["flowc"]
  }' "$tmp/samples"

echo
echo "== go test -bench BenchmarkCompile ./compiler/"
go test -run '^$' -bench '^BenchmarkCompile$' -benchmem -count 1 ./compiler/ | awk '
  { print }
  /^BenchmarkCompile\/tables=100-/ { a = $3 } /^BenchmarkCompile\/tables=500-/ { b = $3 }
  END { if (a && b) printf "ratio Compile500 / Compile100: %.2f (5.00 is linear)\n", b / a }'
