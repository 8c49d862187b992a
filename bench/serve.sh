#!/bin/bash
# make bench-serve: cordon serve on loopback under wrk — /check then /screen, DURATION seconds each,
# with the server's RSS before and after (docs/performance.md § Service).
# Usage: bench/serve.sh BUILD_DIR [DURATION] [CONNECTIONS] [WRK_THREADS] [SERVER_THREADS]
set -euo pipefail
build=${1:-build/release}
duration=${2:-60}
conns=${3:-16}
wrk_threads=${4:-2}
server_threads=${5:-16}
cordon=$build/cordon
. "$(dirname "$0")/serve_lib.sh"
serve_scratch
export CORDON_TOKEN=$("$cordon" tokens add bench --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
# No --lists: /check screens parties against the bundled list entries (exact), and /screen uses the
# full CSL beside the checkout (../shared), as `cordon screen` does. LISTS=PATH screens /check too.
lists=()
[ -n "${LISTS:-}" ] && lists=(--lists "$LISTS")
serve_start "$cordon" "$tmp" --threads "$server_threads" --context examples/context.json "${lists[@]}" || exit 1
run() {  # name script
  local before after out
  before=$(cpu)
  echo "== POST $1  ${duration}s, $conns connections, $wrk_threads wrk threads"
  out=$(wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --latency -s "$2" "http://127.0.0.1:$port")
  after=$(cpu)
  echo "$out"
  local n
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v a="$after" -v b="$before" -v n="$n" 'BEGIN {printf "server CPU: %.1f s for %d requests = %.1f us/request\n", a - b, n, (a - b) * 1e6 / n}'
  echo "RSS after: $(rss) kB"
}
echo "cordon serve pid $pid on port $port, $server_threads worker threads; lists: ${lists[*]:-(bundled for /check; full CSL for /screen)}"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm up (and check the answer is a determination), then measure.
curl -sf -H "Authorization: Bearer $CORDON_TOKEN" --data-binary @examples/shipment.json "http://127.0.0.1:$port/check" | grep -q '"overall"' || { echo "warm-up /check failed"; exit 1; }
wrk -t"$wrk_threads" -c"$conns" -d5s -s bench/wrk/check.lua "http://127.0.0.1:$port" > /dev/null
echo "RSS before: $(rss) kB"
run "/check?trace=0" bench/wrk/check.lua
run "/screen (answers cached)" bench/wrk/screen.lua
run "/screen (a new name each request: screened afresh)" bench/wrk/screen_unique.lua
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
