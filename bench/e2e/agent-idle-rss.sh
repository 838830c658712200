#!/bin/sh
# The idle orrery-agent's resident memory: bench_scale with nothing but the agent (enrolled,
# connected over TLS, heartbeating, nothing to run), RUNS times; prints each run's figure, the
# median, and where the last run's pages are (anonymous vs. file-backed, largest mappings).
#
#   bench/e2e/agent-idle-rss.sh [BUILD_DIR] [RUNS]      (defaults: build, 5)
set -eu
build=${1:-build}
runs=${2:-5}
bench="$build/bench/e2e/bench_scale"
[ -x "$bench" ] || { echo "no $bench: build the bench_scale target first" >&2; exit 1; }
out=$(mktemp)
values=$(mktemp)
trap 'rm -f "$out" "$values"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
    "$bench" --jobs 0 --seconds 0 --burst 0 --agents 0 >"$out" 2>/dev/null
    grep '^agent idle RSS' "$out"
    grep '^agent idle RSS' "$out" | awk '{ print $4 }' >>"$values"
    i=$((i + 1))
done
sort -n "$values" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "median of %d runs: %.1f MB\n", NR, m }'
echo "last run:"
sed -n '/^agent RSS/,/^registered/p' "$out" | grep -v '^registered'
