# Sourced by bench/serve.sh and bench/soak.sh: `cordon serve` on a free loopback port.
# serve_start CORDON TMP [SERVE ARGS...] starts it with the token file TMP/tokens.txt and sets the
# globals pid and port (the caller's trap stops $pid); its stderr goes to TMP/serve.err.
serve_start() {
  local cordon=$1 tmp=$2
  shift 2
  "$cordon" serve --port 0 --tokens "$tmp/tokens.txt" "$@" 2> "$tmp/serve.err" &
  pid=$!
  port=
  for _ in $(seq 1 600); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.err")
    [ -n "$port" ] && return 0
    kill -0 "$pid" || { cat "$tmp/serve.err"; return 1; }
    sleep 0.1
  done
  echo "cordon serve did not start within 60 s"
  return 1
}
# The server's resident memory (kB) and the CPU seconds it has used (user + system): on a shared
# machine the wall-clock rate measures the other load as much as cordon.
rss() { awk '/VmRSS/ {print $2}' /proc/"$pid"/status; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' /proc/"$pid"/stat; }
