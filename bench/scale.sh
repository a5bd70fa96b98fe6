#!/usr/bin/env bash
# How `flowc validate` and `flowc build` grow with the spec: whole commands
# on generated specs (n transforms, each feeding its own table, over 10
# sources; and n sources, one per table, whose resources go into nested
# stacks but whose state machine definition passes Step Functions' 1 MB at
# 500 and 2000, so validate reports it and build stops), timed in interleaved
# rounds so a busy machine slows every size alike. Prints medians (wall and
# user+sys CPU) and the ratios 2000/500 and 500/100 (4.00 and 5.00 are
# linear). The Go benchmarks are BenchmarkValidate and BenchmarkBuild in
# compiler/scale_test.go. Not part of make test.
#
# Usage: bench/scale.sh [RUNS]     (default 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/scale.sh [RUNS]" >&2; exit 2 ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/flowc" ./cmd/flowc
gen() { # n sources-per-spec -> spec file (the same shape as testspec.Wide)
  local n=$1 ns=$2 f="$dir/wide-$1-$2.yaml"
  {
    printf 'version: 1\npipeline: wide\nenvironments:\n  dev:\n    region: us-east-1\nsources:\n'
    for ((i = 0; i < ns; i++)); do
      printf '  s%04d:\n    location: s3://wide-landing-dev/raw/s%04d/\n    partitions: [day]\n    trigger: on_arrival\n    columns: {id: bigint, kind: string, amount: double}\n' "$i" "$i"
    done
    printf 'transforms:\n'
    for ((i = 0; i < n; i++)); do
      printf '  x%04d:\n    from: s%04d\n    steps:\n      - filter: amount > 0\n      - derive: {big: amount * 2}\n' "$i" $((i % ns))
    done
    printf 'warehouse:\n  redshift:\n    workgroup: wg\n    database: dev\n    schema: wide\n    connection: redshift-dev\n    iam_role: arn:aws:iam::111111111111:role/redshift\n  tables:\n'
    for ((i = 0; i < n; i++)); do
      printf '    t%04d:\n      from: x%04d\n      load: replace_partition\n      columns: {day: varchar(16), id: bigint, kind: varchar(32), amount: double precision, big: double precision}\n' "$i" "$i"
    done
  } >"$f"
  echo "$f"
}
cases=()
for n in 100 500 2000; do cases+=("validate:$(gen $n 10)" "build:$dir/wide-$n-10.yaml"); done
for n in 100 500 2000; do cases+=("validate:$(gen $n $n)"); done
declare -A wall cpu
for ((r = 0; r < runs; r++)); do
  for c in "${cases[@]}"; do
    cmd=${c%%:*} spec=${c#*:}
    args=("$cmd" "$spec")
    if [ "$cmd" = build ]; then
      # Into a directory never used before, as a first build. Not `rm -rf`
      # of the last round's: creating thousands of files just after
      # deleting as many costs ext4 seconds of system time in its inode
      # allocator (perf: recently_deleted): that measures the file system.
      out="$dir/out-$r-$(basename "$spec" .yaml)"
      args=(build --out "$out" "$spec")
    fi
    /usr/bin/time -o "$dir/time" -f '%e %U %S' "$dir/flowc" "${args[@]}" >/dev/null 2>&1 || true
    read -r e u s < <(tail -1 "$dir/time")
    wall[$c]+="$e "
    cpu[$c]+="$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') "
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-9s %-22s %8s %8s\n' command spec wall_s cpu_s
declare -A mw mc
for c in "${cases[@]}"; do
  cmd=${c%%:*} spec=$(basename "${c#*:}" .yaml)
  mw[$c]=$(median <<<"${wall[$c]}") mc[$c]=$(median <<<"${cpu[$c]}")
  printf '%-9s %-22s %8s %8s\n' "$cmd" "$spec" "${mw[$c]}" "${mc[$c]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }'; }
for kind in "validate 10" "build 10" "validate same"; do
  set -- $kind
  cmd=$1
  k() { local ns=$2; [ "$ns" = same ] && ns=$1; echo "$cmd:$dir/wide-$1-$ns.yaml"; }
  a=$(k 100 "$2") b=$(k 500 "$2") c=$(k 2000 "$2")
  echo "$cmd, sources=$2: 500/100 wall $(ratio "${mw[$b]}" "${mw[$a]}") cpu $(ratio "${mc[$b]}" "${mc[$a]}") (5.00 linear); 2000/500 wall $(ratio "${mw[$c]}" "${mw[$b]}") cpu $(ratio "${mc[$c]}" "${mc[$b]}") (4.00 linear)"
done
