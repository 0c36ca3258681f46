#!/usr/bin/env bash
# The cost of each export format (docs/performance.md): `export` of N generated reports to
# JSON Lines, JSON, long CSV, wide CSV, Excel and SQLite, in alternating rounds so that a busy
# machine slows every format alike; each format's median wall time and its ratio to JSON Lines.
# Usage: scripts/bench-export.sh [N] [ROUNDS]   (default: 10000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
rounds=${2:-3}
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --bin tablereview --example corpus
bin=target/release/tablereview
dir=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$dir" "$out"' EXIT
target/release/examples/corpus "$dir" "$n" 7 2>/dev/null
find "$dir" -name "*.txt" -exec cat {} + > /dev/null
TIMEFORMAT='%R'
formats=(jsonl json csv csv-wide xlsx sqlite)
ext() { case $1 in csv-wide) echo wide.csv;; sqlite) echo sqlite;; *) echo "$1";; esac; }
declare -A all sizes
for r in $(seq 1 "$rounds"); do
  for f in "${formats[@]}"; do
    file="$out/data.$(ext "$f")"
    rm -f "$file"
    t=$( { time $bin export -q --no-series --format "$f" -o "$file" "$dir" > /dev/null 2>&1 || true; } 2>&1 )
    all[$f]+="$t "
    sizes[$f]=$(du -h "$file" | cut -f1)
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${all[jsonl]}" | median)
for f in "${formats[@]}"; do
  m=$(echo "${all[$f]}" | median)
  printf '%s reports %-8s median %6.2f s of [%s]  %.2fx jsonl  %s\n' "$n" "$f" "$m" "${all[$f]% }" \
    "$(echo "$m / $base" | bc -l)" "${sizes[$f]}"
done
