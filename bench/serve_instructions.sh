#!/bin/bash
# Instructions per request of `cordon serve` under callgrind: a figure that does not move with the
# load of a shared machine, unlike req/s or even CPU seconds (docs/performance.md § Service).
# Counts user-space instructions of the whole server process (HTTP, parsing, engine, rendering,
# malloc), not the kernel's share (socket calls), over the requests of one wrk run after a warm-up.
#   bench/serve_instructions.sh [BUILD_DIR] [SCRIPT] [SECONDS]     e.g. ... build/release bench/wrk/check.lua 20
# KEEP=FILE keeps the callgrind profile (callgrind_annotate --inclusive=yes FILE).
set -euo pipefail
build=${1:-build/release}
script=${2:-bench/wrk/check.lua}
duration=${3:-20}
cordon=$build/cordon
. "$(dirname "$0")/serve_lib.sh"
serve_scratch
export CORDON_TOKEN=$("$cordon" tokens add bench --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
  "$cordon" serve --port 0 --tokens "$tmp/tokens.txt" --threads 4 --context examples/context.json 2> "$tmp/serve.err" &
pid=$!
serve_wait "$tmp" 3000 || exit 1  # valgrind starts slowly
# Warm-up, not counted (screen_unique.lua: other names than the measured run's, or these would be
# answered from the cache).
SCREEN_UNIQUE_FROM=11 wrk -t1 -c2 -d"${WARMUP:-10}s" -s "$script" "http://127.0.0.1:$port" > /dev/null
callgrind_control -z "$pid" > /dev/null 2>&1  # count from here
out=$(wrk -t1 -c2 -d"${duration}s" -s "$script" "http://127.0.0.1:$port")
callgrind_control -d "$pid" > /dev/null 2>&1; sleep 1
echo "$out" > "$tmp/wrk.txt"
n=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
bad=$(awk '/^non-2xx/ {print $2}' "$tmp/wrk.txt")
f=$(ls -t "$tmp"/cg.out* | head -1)
ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
echo "$script: $n requests ($bad non-2xx), $ir instructions = $((ir / n)) per request"
[ -n "${KEEP:-}" ] && cp "$f" "$KEEP"
exit 0
