#!/usr/bin/env bash
# Runs one libFuzzer harness for a bounded time from its seed corpus; new inputs it finds go to
# FOUND_DIR (under the build directory), never into the committed corpus. The seed is fixed, so
# a run explores the same way each time (by hand: -seed=N to look elsewhere). Prints libFuzzer's
# final line (executions, coverage) and exits non-zero on a crash, a sanitizer report or a
# timeout.
# usage: run_fuzzer.sh HARNESS SEED_CORPUS FOUND_DIR SECONDS
set -euo pipefail
harness=$1 seeds=$2 found=$3 seconds=$4
mkdir -p "$found"
log="$found.log"
"$harness" -seed=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$found/" "$found" "$seeds" > "$log" 2>&1 || {
  tail -40 "$log"
  echo "FAIL: $(basename "$harness") found a crash; the input is in $found/"
  exit 1
}
grep -E "^#[0-9]+[[:space:]]+DONE" "$log" || tail -5 "$log"
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log"
