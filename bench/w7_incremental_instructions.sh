#!/bin/sh
# Instructions and simulated cache misses per incremental update of W7 (a part with ~8-10k
# ancestors in the 10M-part catalogue), under callgrind: repeatable on a loaded machine, unlike
# wall-clock or CPU time. Only the timed loop is instrumented (CALLGRIND_START_INSTRUMENTATION in
# bench/w7_bom_rollup.cc), 100 updates; generating the catalogue runs uninstrumented (a few minutes).
#   bench/w7_incremental_instructions.sh [build/release/bench/cordon_bench]
set -e
bench=${1:-build/release/bench/cordon_bench}
out=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" --instr-atstart=no --cache-sim=yes \
  "$bench" --benchmark_filter='BM_W7_IncrementalChange_10M/10000/iterations:100' >"$out/log" 2>&1
grep BM_W7 "$out/log"
# Events per update (100 updates): Ir instructions, Dr/Dw data reads/writes, D1mr/D1mw first-level
# data misses, DLmr/DLmw last-level misses (simulated caches of this machine's sizes).
callgrind_annotate "$out/cg.out" 2>/dev/null | awk '
  /^Events recorded:/ {for (i = 3; i <= NF; i++) name[i - 2] = $i; next}
  /PROGRAM TOTALS/ {k = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9,]+$/) {v = $i; gsub(",", "", v); printf "%s/update %d  ", name[++k], v / 100}; print ""; exit}'
[ -n "$KEEP" ] && cp "$out/cg.out" "$KEEP"
rm -rf "$out"
