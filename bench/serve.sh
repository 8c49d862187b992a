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
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export CORDON_TOKEN=$("$cordon" tokens add bench --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
lists=()
csl=../shared/data/peer-mcp/expanded/consolidated.csv
[ -f "$csl" ] && lists=(--lists "$csl")
"$cordon" serve --port 0 --tokens "$tmp/tokens.txt" --threads "$server_threads" "${lists[@]}" 2> "$tmp/serve.err" &
pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.err")
  [ -n "$port" ] && break
  kill -0 "$pid" || { cat "$tmp/serve.err"; exit 1; }
  sleep 0.1
done
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/"$pid"/status; }
echo "cordon serve pid $pid on port $port, $server_threads worker threads; lists: ${lists[*]:-(bundled only)}"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm up (and check the answer is a determination), then measure.
curl -sf -H "Authorization: Bearer $CORDON_TOKEN" -d @<(printf '{"transaction": %s, "context": %s}' "$(cat examples/shipment.json)" "$(cat examples/context.json)") \
  "http://127.0.0.1:$port/check" | grep -q '"overall"' || { echo "warm-up /check failed"; exit 1; }
wrk -t"$wrk_threads" -c"$conns" -d5s -s bench/wrk/check.lua "http://127.0.0.1:$port" > /dev/null
echo "RSS before: $(rss)"
echo "== POST /check?trace=0  ${duration}s, $conns connections, $wrk_threads wrk threads"
wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --latency -s bench/wrk/check.lua "http://127.0.0.1:$port"
echo "RSS after /check: $(rss)"
echo "== POST /screen  ${duration}s, $conns connections, $wrk_threads wrk threads"
wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --latency -s bench/wrk/screen.lua "http://127.0.0.1:$port"
echo "RSS after /screen: $(rss)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
