#!/bin/sh
# `cordon serve` answers what the command line prints: POST /check the bytes of
# `cordon check --format json --jsonl`, POST /screen the JSON of `cordon screen --format json`,
# with the same good-guy decisions (--good-guys) applied by both.
# Usage: serve_same_as_cli.sh CORDON   (from the checkout root; the full CSL in ../shared)
set -eu
cordon=$1
. "$(dirname "$0")/../../bench/serve_lib.sh"  # serve_scratch, serve_start
serve_scratch
fail() { echo "FAIL: $*" >&2; cat "$tmp/serve.err" >&2 || true; exit 1; }
name="Huawei Tech. Co Ltd"
# A reviewer accepts the best hit of $name as a false positive, as an officer would.
"$cordon" screen "$name" --format json > "$tmp/plain.json" || fail "cordon screen"
entity=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["matches"][0]["entity"])' "$tmp/plain.json")
"$cordon" screen "$name" --accept "$entity" --reviewer "A. Officer" --reason "test" > "$tmp/accepted.jsonl" || fail "--accept"
"$cordon" screen "$name" --good-guys "$tmp/accepted.jsonl" --format json > "$tmp/cli_screen.json" || fail "cordon screen --good-guys"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' examples/shipment.json > "$tmp/tx.jsonl"
"$cordon" check - --jsonl --format json --context examples/context.json < "$tmp/tx.jsonl" > "$tmp/cli_check.json" || fail "cordon check"
token=$("$cordon" tokens add ci --role analyst --tokens "$tmp/tokens.txt" 2>/dev/null)
serve_start "$cordon" "$tmp" --context examples/context.json --good-guys "$tmp/accepted.jsonl" || fail "cordon serve did not start"
python3 - "$port" "$token" "$tmp" "$name" <<'PY'
import json, sys, urllib.request
port, token, tmp, name = sys.argv[1:5]
def post(path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=60).read()
# /check: the same bytes as the command line's JSON line (less its newline).
cli = open(f"{tmp}/cli_check.json", "rb").read().rstrip(b"\n")
got = post("/check", open("examples/shipment.json", "rb").read())
assert got == cli, f"FAIL: /check differs from cordon check --format json --jsonl\n{got[:300]}\n{cli[:300]}"
# /screen: the same JSON, members in the same order, as cordon screen (which indents it).
pairs = lambda b: json.loads(b, object_pairs_hook=lambda kv: kv)
cli = open(f"{tmp}/cli_screen.json", "rb").read()
got = post("/screen", json.dumps({"name": name}).encode())
assert pairs(got) == pairs(cli), f"FAIL: /screen differs from cordon screen --good-guys\n{got[:300]}\n{cli[:300]}"
review = json.loads(got)["matches"][0].get("review", {})
assert review.get("status") == "accepted" and "by A. Officer" in review.get("note", ""), f"FAIL: no review: {got[:400]}"
PY
kill -TERM "$pid"
wait "$pid" || fail "cordon serve did not stop cleanly on SIGTERM"
pid=
echo "service_serve_same_as_cli: ok"
