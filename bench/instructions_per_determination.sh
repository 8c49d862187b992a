#!/bin/sh
# Instructions per determination of W6 (BM_Determine), under callgrind: repeatable on a loaded
# machine, unlike wall-clock time. Counts only inside Evaluator::Evaluate (and what it calls),
# divided by the number of Evaluate calls.
#   [MIN_TIME=seconds] bench/instructions_per_determination.sh [build/release/bench/cordon_bench]
# The memos an evaluator keeps (Country Chart, set membership) start cold in each benchmark run;
# a longer run (MIN_TIME, default 1 s of valgrind time) lets the steady state dominate.
set -e
bench=${1:-build/release/bench/cordon_bench}
out=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" --compress-strings=no --compress-pos=no \
  --toggle-collect='cordon::Evaluator::Evaluate(*' \
  "$bench" --benchmark_filter='BM_Determine$' --benchmark_min_time=${MIN_TIME:-1} >"$out/log" 2>&1
ir=$(callgrind_annotate "$out/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
calls=$(awk '/^cfn=cordon::Evaluator::Evaluate\(/ {want=1; next}
             want && /^calls=/ {split($0, a, "[= ]"); n += a[2]; want=0}
             END {print n + 0}' "$out/cg.out")
echo "instructions: $ir  determinations: $calls  per determination: $((ir / calls))"
[ -n "$KEEP" ] && cp "$out/cg.out" "$KEEP"
rm -rf "$out"
