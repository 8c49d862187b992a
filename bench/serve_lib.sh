# Sourced by bench/serve.sh, bench/soak.sh, bench/serve_instructions.sh and tests/serve/*.sh:
# `cordon serve` on a free loopback port.
# serve_scratch: a scratch folder $tmp and an exit trap that stops the server $pid (if started) and
# removes the folder.
serve_scratch() {
  tmp=$(mktemp -d)
  pid=
  trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
}
# serve_start CORDON TMP [SERVE ARGS...] starts it with the token file TMP/tokens.txt and sets the
# globals pid and port (the caller's trap stops $pid); its stderr goes to TMP/serve.err.
serve_start() {
  cordon_=$1 tmp_=$2
  shift 2
  "$cordon_" serve --port 0 --tokens "$tmp_/tokens.txt" "$@" 2> "$tmp_/serve.err" &
  pid=$!
  serve_wait "$tmp_" 600
}
# serve_wait TMP TRIES: waits up to TRIES × 0.1 s for the server $pid to say where it listens in
# TMP/serve.err and sets port; fails (printing the server's stderr) if it exits or never says.
serve_wait() {
  port=
  for _ in $(seq 1 "$2"); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$1/serve.err")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$1/serve.err" >&2; return 1; }
    sleep 0.1
  done
  echo "cordon serve did not say where it listens" >&2
  return 1
}
# The server's resident memory (kB) and the CPU seconds it has used (user + system): on a shared
# machine the wall-clock rate measures the other load as much as cordon.
rss() { awk '/VmRSS/ {print $2}' /proc/"$pid"/status; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' /proc/"$pid"/stat; }
