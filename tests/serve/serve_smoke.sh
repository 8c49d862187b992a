#!/bin/sh
# A `cordon serve` subprocess starts on a free loopback port, answers /healthz without a token,
# refuses /licenses without one, and stops on SIGTERM.
set -eu
cordon=$1
. "$(dirname "$0")/../../bench/serve_lib.sh"  # serve_scratch, serve_start
serve_scratch
fail() { echo "FAIL: $*" >&2; cat "$tmp/serve.err" >&2 || true; exit 1; }
token=$("$cordon" tokens add ci --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
grep -q "$token" "$tmp/tokens.txt" && fail "the token file holds the token itself"
serve_start "$cordon" "$tmp" --db "$tmp/state.db" --web "$tmp" || fail "cordon serve did not start"
python3 - "$port" "$token" <<'PY'
import json, sys, urllib.request, urllib.error
port, token = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
r = urllib.request.urlopen(base + "/healthz", timeout=10)
assert r.status == 200 and json.load(r) == {"status": "ok"}
try:
    urllib.request.urlopen(base + "/licenses", timeout=10)
    raise SystemExit("FAIL: /licenses answered without a token")
except urllib.error.HTTPError as e:
    assert e.code == 401, e.code
    assert json.load(e)["error"]["code"] == "unauthorized"
req = urllib.request.Request(base + "/licenses", headers={"Authorization": "Bearer " + token})
assert json.load(urllib.request.urlopen(req, timeout=10)) == []
PY
kill -TERM "$pid"
wait "$pid" || fail "cordon serve did not stop cleanly on SIGTERM"
pid=
echo "service_serve_healthz: ok"
