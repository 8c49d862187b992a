#!/bin/sh
# Instructions and simulated cache misses of one screening index build over 100,000 generated
# names (W8 at a tenth of its size), under callgrind: repeatable on a loaded machine, unlike CPU
# time. Only ScreeningIndex::Build is counted (generating and copying the names is not).
#   bench/w8_build_instructions.sh [build/release/bench/cordon_bench]
#   KEEP=file.out bench/w8_build_instructions.sh   # keeps the profile for callgrind_annotate
set -e
bench=${1:-build/release/bench/cordon_bench}
out=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" --cache-sim=yes \
  --toggle-collect='cordon::screening::ScreeningIndex::Build*' \
  "$bench" --benchmark_filter='BM_W8_IndexBuild_100k' >"$out/log" 2>&1
grep BM_W8 "$out/log"
callgrind_annotate "$out/cg.out" 2>/dev/null | awk '
  /^Events recorded:/ {for (i = 3; i <= NF; i++) name[i - 2] = $i; next}
  /PROGRAM TOTALS/ {k = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9,]+$/) {v = $i; gsub(",", "", v); printf "%s %d  ", name[++k], v}; print ""; exit}'
[ -n "$KEEP" ] && cp "$out/cg.out" "$KEEP"
rm -rf "$out"
