#!/bin/bash
# Runs every libFuzzer target for SECONDS each: run.sh BUILD_DIR SECONDS [TARGET...].
# Corpora grow in BUILD_DIR/corpus/<target>; crashes land in BUILD_DIR/artifacts/ (copy each
# into fuzz/regressions/<target>/ with its fix). One line per run is appended to
# BUILD_DIR/results.tsv: date, target, seconds, executions, corpus size, peak RSS, result.
set -uo pipefail
build=$1
seconds=$2
shift 2
targets=${*:-check rules lists catalog whatif}
root=$(cd "$(dirname "$0")/.." && pwd)
export CORDON_HOME=$root
sh "$root/fuzz/seed_corpus.sh" "$build/seeds" 16384 >/dev/null
mkdir -p "$build/artifacts"
status=0
for t in $targets; do
  mkdir -p "$build/corpus/$t"
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds}s (log $log)"
  "$build/fuzz/${t}_fuzzer" "$build/corpus/$t" "$build/seeds/$t" "$root/fuzz/regressions/$t" \
    -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$')
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  result=ok
  if [ $rc -ne 0 ]; then result="FAILED(rc=$rc)"; status=1; grep -m3 -E "ERROR|SUMMARY" "$log"; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-?}" "$corpus" "${rss:-?}" "$result" |
    tee -a "$build/results.tsv"
done
exit $status
