#!/bin/sh
# Instructions per determination of W6 (BM_Determine), under callgrind: repeatable on a loaded
# machine, unlike wall-clock time. Counts only inside Evaluator::Evaluate (and what it calls),
# divided by the number of Evaluate calls.
#   [MIN_TIME=seconds] [SIM=1] bench/instructions_per_determination.sh [build/release/bench/cordon_bench]
# The memos an evaluator keeps (Country Chart, set membership) start cold in each benchmark run;
# a longer run (MIN_TIME, default 1 s of valgrind time) lets the steady state dominate.
# SIM=1 also simulates the caches (32 KB L1 data, 1 MB last level) and the branch predictor and
# prints, per determination, L1 data read misses, last-level read misses, and mispredicted
# conditional and indirect branches: on this VM there are no hardware counters, and wall-clock
# time swings by half from one minute to the next, so these are the figures to compare.
set -e
bench=${1:-build/release/bench/cordon_bench}
out=$(mktemp -d)
sim=
[ -n "$SIM" ] && sim="--cache-sim=yes --D1=32768,8,64 --LL=1048576,16,64 --branch-sim=yes"
# shellcheck disable=SC2086
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" --compress-strings=no --compress-pos=no $sim \
  --toggle-collect='cordon::Evaluator::Evaluate(*' \
  "$bench" --benchmark_filter='BM_Determine$' --benchmark_min_time=${MIN_TIME:-1} >"$out/log" 2>&1
calls=$(awk '/^cfn=cordon::Evaluator::Evaluate\(/ {want=1; next}
             want && /^calls=/ {split($0, a, "[= ]"); n += a[2]; want=0}
             END {print n + 0}' "$out/cg.out")
if [ -z "$SIM" ]; then
  ir=$(callgrind_annotate "$out/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
  echo "instructions: $ir  determinations: $calls  per determination: $((ir / calls))"
else
  callgrind_annotate --show=Ir,D1mr,DLmr,Bcm,Bim "$out/cg.out" 2>/dev/null | awk -v n="$calls" '/PROGRAM TOTALS/ {
    for (i = 1; i <= NF; ++i) gsub(",", "", $i)
    printf "determinations: %d  per determination: instructions %d, L1 data read misses %.1f, last-level read misses %.1f, mispredicted branches %.1f conditional + %.1f indirect\n", n, $1 / n, $3 / n, $5 / n, $7 / n, $9 / n; exit }'
fi
[ -n "$KEEP" ] && cp "$out/cg.out" "$KEEP"
rm -rf "$out"
