#!/bin/bash
# make soak: cordon serve on loopback under wrk for DURATION seconds with a mixed load
# (bench/wrk/mixed.lua: /check, /screen, /healthz and three kinds of refused request), sampling the
# server's resident memory (VmRSS) and open file descriptors every INTERVAL seconds
# (docs/reliability.md § Soak). Fails if wrk saw socket errors or unexpected statuses, or if memory
# or descriptors grew after the warm-up (RSS: more than SOAK_RSS_SLACK_KB above its level at the first
# sample; descriptors: any more than at the first sample).
# Usage: bench/soak.sh BUILD_DIR [DURATION] [CONNECTIONS] [WRK_THREADS] [SERVER_THREADS]
set -euo pipefail
build=${1:-build/release}
duration=${2:-600}
conns=${3:-16}
wrk_threads=${4:-2}
server_threads=${5:-16}
interval=${INTERVAL:-10}
slack_kb=${SOAK_RSS_SLACK_KB:-16384}
cordon=$build/cordon
tmp=$(mktemp -d)
pid=
wrk_pid=
trap '[ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null; [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export CORDON_TOKEN=$("$cordon" tokens add soak --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
. "$(dirname "$0")/serve_lib.sh"
serve_start "$cordon" "$tmp" --threads "$server_threads" --context examples/context.json --db "$tmp/soak.db" || exit 1
fds() { ls /proc/"$pid"/fd | wc -l; }
echo "cordon serve pid $pid on port $port, $server_threads worker threads; wrk: $conns connections, $wrk_threads threads, ${duration}s"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
curl -sf -H "Authorization: Bearer $CORDON_TOKEN" --data-binary @examples/shipment.json "http://127.0.0.1:$port/check" |
  grep -q '"overall"' || { echo "warm-up /check failed"; exit 1; }
echo "idle: RSS $(rss) kB, $(fds) fds"
wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" -s bench/wrk/mixed.lua "http://127.0.0.1:$port" > "$tmp/wrk.out" 2>&1 &
wrk_pid=$!
samples=$tmp/samples.tsv
printf 'seconds\trss_kb\tfds\tcpu_s\tload1\n' > "$samples"
start=$(date +%s)
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep "$interval"
  kill -0 "$wrk_pid" 2>/dev/null || break
  kill -0 "$pid" || { echo "cordon serve died"; cat "$tmp/serve.err"; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\n' $(( $(date +%s) - start )) "$(rss)" "$(fds)" "$(cpu)" "$(cut -d' ' -f1 /proc/loadavg)" >> "$samples"
done
wait "$wrk_pid" || { cat "$tmp/wrk.out"; echo "wrk failed"; exit 1; }
wrk_pid=
echo "after: RSS $(rss) kB, $(fds) fds, server CPU $(cpu) s"
cat "$samples"
cat "$tmp/wrk.out"
# The verdict: the figures docs/reliability.md reports.
awk -F'\t' -v slack="$slack_kb" '
  NR == 2 { r0 = $2; f0 = $3 }
  NR >= 2 { n++; if ($2 > rmax) rmax = $2; if ($3 > fmax) fmax = $3; if (rmin == "" || $2 < rmin) rmin = $2; r = $2; f = $3; load += $5 }
  END {
    printf "samples %d: RSS first %d kB, last %d kB, min %d, max %d; fds first %d, last %d, max %d; mean load %.1f\n", n, r0, r, rmin, rmax, f0, f, fmax, load / n
    bad = 0
    if (rmax > r0 + slack) { print "FAIL: RSS grew more than " slack " kB above the first sample"; bad = 1 }
    if (fmax > f0) { print "FAIL: open file descriptors grew"; bad = 1 }
    exit bad
  }' "$samples"
grep -q '^unexpected answers: 0 ' "$tmp/wrk.out" || { echo "FAIL: unexpected answers"; exit 1; }
grep -q 'socket errors: connect 0 read 0 write 0 timeout 0$' "$tmp/wrk.out" || { echo "FAIL: socket errors"; exit 1; }
echo "soak: PASS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
