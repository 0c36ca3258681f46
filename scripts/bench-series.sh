#!/usr/bin/env bash
# The cost of the checks across reports (docs/performance.md): `check --json` over N generated
# reports with the series checks and with --no-series, cold (--no-cache) and warm (from the
# results cache), in alternating runs so that a busy machine slows both alike.
# Usage: scripts/bench-series.sh [N] [ROUNDS] [series]   (default: 10000 5; `series` makes the
# corpus's synthetic reports four-year series of one body each, see examples/corpus.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
rounds=${2:-5}
shape=${3:-}
cargo build --release --quiet --bin tablereview --example corpus
bin=target/release/tablereview
dir=$(mktemp -d)
target/release/examples/corpus "$dir" "$n" 7 $shape 2>/dev/null
find "$dir" -name "*.txt" -exec cat {} + > /dev/null
cache=$(mktemp -d)
export TABLEREVIEW_CACHE_DIR=$cache
# Wall time, and CPU time (user + system): on a machine shared with other work the CPU time
# moves less, and the checks across reports add work, not waiting.
TIMEFORMAT='%R %U %S'
time_of() { local t; t=$( { time "$@" > /dev/null 2>&1 || true; } 2>&1 ); set -- $t; echo "$1 $(echo "$2 + $3" | bc)"; }
declare -A all cpu
for r in $(seq 1 "$rounds"); do
  for mode in series no-series; do
    flag=(); [ "$mode" = no-series ] && flag=(--no-series)
    read -r w c < <(time_of $bin check --json -q --no-cache "${flag[@]}" "$dir")
    all[$mode-cold]+="$w "; cpu[$mode-cold]+="$c "
    # Warm: the cache filled by a first run of the same mode.
    rm -rf "$cache"/*; $bin check --json -q "${flag[@]}" "$dir" > /dev/null || true
    read -r w c < <(time_of $bin check --json -q "${flag[@]}" "$dir")
    all[$mode-warm]+="$w "; cpu[$mode-warm]+="$c "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
findings=$($bin check --json -q --no-cache "$dir" | grep -c '"kind":"series"' || true)
for k in series-cold no-series-cold series-warm no-series-warm; do
  printf '%s reports %s: wall median %.3f s of [%s]; cpu median %.3f s of [%s]\n' "$n" "$k" \
    "$(echo "${all[$k]}" | median)" "${all[$k]% }" "$(echo "${cpu[$k]}" | median)" "${cpu[$k]% }"
done
echo "series findings: $findings"
rm -rf "$dir" "$cache"
