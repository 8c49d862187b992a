#!/bin/bash
# Runs every libFuzzer target for SECONDS each: run.sh BUILD_DIR SECONDS [TARGET...]; FUZZ_PARALLEL=N
# runs N targets at once.
# Corpora grow in BUILD_DIR/corpus/<target>; crashes land in BUILD_DIR/artifacts/ (copy each
# into fuzz/regressions/<target>/ with its fix). One line per run is appended to
# BUILD_DIR/results.tsv: date, target, seconds, executions, corpus size, peak RSS, result.
set -uo pipefail
build=$1
seconds=$2
shift 2
targets=${*:-check rules lists catalog whatif http}
root=$(cd "$(dirname "$0")/.." && pwd)
export CORDON_HOME=$root
# A UBSan report stops the run like a crash (the fuzz build does not make UBSan fatal itself).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
sh "$root/fuzz/seed_corpus.sh" "$build/seeds" 16384 >/dev/null
mkdir -p "$build/artifacts"
# FUZZ_PARALLEL targets run at once (default 1: one after the other).
parallel=${FUZZ_PARALLEL:-1}
fuzz_one() {  # TARGET
  local t=$1
  mkdir -p "$build/corpus/$t"
  local log="$build/$t.log"
  echo "fuzz: $t for ${seconds}s (log $log)"
  local dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  "$build/fuzz/${t}_fuzzer" "$build/corpus/$t" "$build/seeds/$t" "$root/fuzz/regressions/$t" "${dict[@]}" \
    -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1
  local rc=$?
  local execs rss corpus result=ok
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$')
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ] && grep -q -E "runtime error|ERROR: (Address|Leak|Undefined)Sanitizer" "$log"; then rc=99; fi
  if [ $rc -ne 0 ]; then result="FAILED(rc=$rc)"; grep -m3 -E "ERROR|SUMMARY" "$log"; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-?}" "$corpus" "${rss:-?}" "$result" |
    tee -a "$build/results.tsv"
  return $rc
}
status=0
running=0
for t in $targets; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
