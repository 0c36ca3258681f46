#!/usr/bin/env bash
# Corpus-scale measurements (docs/performance.md): check over N generated reports (cold,
# filling the results cache, and warm from it) against ripgrep's scan of the same files, and
# the review screen's first frame and peak memory.
# Usage: scripts/bench-corpus.sh [N ...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null; }
command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc >/dev/null; }
command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }
cargo build --release --quiet --bin tablereview --example corpus
bin=target/release/tablereview
for n in "${sizes[@]}"; do
  dir=$(mktemp -d)
  target/release/examples/corpus "$dir" "$n" 7 2>/dev/null
  bytes=$(du -sb "$dir" | cut -f1)
  # Warm the page cache so both tools read from memory.
  find "$dir" -name "*.txt" -exec cat {} + > /dev/null
  t0=$(date +%s.%N); rg -c 总计 "$dir" > /dev/null; t1=$(date +%s.%N)
  rg_s=$(echo "$t1 - $t0" | bc)
  cache=$(mktemp -d)
  export TABLEREVIEW_CACHE_DIR=$cache
  # Cold: every report extracted and checked; first: the same, filling the results cache;
  # warm: the unchanged corpus again, answered from the cache (the usual re-check).
  t0=$(date +%s.%N); $bin check --json -q --no-cache "$dir" > /dev/null || true; t1=$(date +%s.%N)
  cold_s=$(echo "$t1 - $t0" | bc)
  t0=$(date +%s.%N); $bin check --json -q "$dir" > /dev/null || true; t1=$(date +%s.%N)
  first_s=$(echo "$t1 - $t0" | bc)
  t0=$(date +%s.%N); $bin check --json -q "$dir" > /dev/null || true; t1=$(date +%s.%N)
  check_s=$(echo "$t1 - $t0" | bc)
  t0=$(date +%s.%N); rg -c 总计 "$dir" > /dev/null; t1=$(date +%s.%N)
  rg2_s=$(echo "$t1 - $t0" | bc)
  check_rss=$( { /usr/bin/time -f "%M" $bin check --json -q --no-cache "$dir" > /dev/null; } 2>&1 | tail -1 || true)
  warm_rss=$( { /usr/bin/time -f "%M" $bin check --json -q "$dir" > /dev/null; } 2>&1 | tail -1 || true)
  cache_mb=$(( $(du -sb "$cache" | cut -f1) / 1000000 ))
  unset TABLEREVIEW_CACHE_DIR
  rm -rf "$cache"
  # Review: first frame (written by the program itself) and peak memory, in a real terminal.
  frame_log=$(mktemp); rss_log=$(mktemp)
  tmux -L bench kill-server 2>/dev/null || true
  tmux -L bench new-session -d -s b -x 160 -y 48 \
    "TABLEREVIEW_FIRST_FRAME_LOG=$frame_log /usr/bin/time -f %M -o $rss_log $bin review --reviewer bench $dir"
  for _ in $(seq 1 100); do [ -s "$frame_log" ] && break; sleep 0.1; done
  sleep 2   # let the background counts run a while before measuring memory
  for k in "]" "]" "]" "L" Escape q; do tmux -L bench send-keys -t b "$k"; sleep 0.3; done
  for _ in $(seq 1 100); do tmux -L bench has-session -t b 2>/dev/null || break; sleep 0.1; done
  tmux -L bench kill-server 2>/dev/null || true
  printf '%s reports (%s MB): rg -c %.3fs / %.3fs | check --json cold %.3fs (%.0f us/report, peak %s KB), first %.3fs, warm %.3fs (%.1fx rg, peak %s KB, cache %s MB) | review first frame %s ms, peak %s KB\n' \
    "$n" "$((bytes / 1000000))" "$rg_s" "$rg2_s" "$cold_s" "$(echo "$cold_s * 1000000 / $n" | bc -l)" "$check_rss" \
    "$first_s" "$check_s" "$(echo "$check_s / $rg_s" | bc -l)" "$warm_rss" "$cache_mb" \
    "$(cat "$frame_log")" "$(cat "$rss_log")"
  rm -rf "$dir" "$frame_log" "$rss_log"
done
