#!/bin/sh
# The state commands end to end on a fresh SQLite file: add a licence and orders, revoke the
# licence, check the diff, the order list, the audit trail and the replays.
. "$(dirname "$0")/lib.sh"
"$cordon" licenses add "$here/licence_d1.json" --db "$db" > /dev/null
"$cordon" orders add "$here/orders.json" --context "$here/context.json" --db "$db" > "$tmp/add.txt"
grep -q "^H1: AUTHORIZED" "$tmp/add.txt" || fail "H1 not authorised: $(cat "$tmp/add.txt")"
"$cordon" licenses revoke D1 --effective 2024-05-07 --db "$db" --format json > "$tmp/revoke.json"
python3 - "$tmp/revoke.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["touched"] == ["H1", "H2"], r["touched"]           # N1 names no licence: not touched
assert [(c["order"], c["before"], c["after"]) for c in r["changed"]] == [("H1", "AUTHORIZED", "LICENSE_REQUIRED")], r
assert "revoked 2024-05-07" in r["changed"][0]["rules"][0], r
PY
"$cordon" orders list --open --db "$db" | grep -q "^H1  held  LICENSE_REQUIRED" || fail "H1 not held"
[ "$("$cordon" audit --db "$db" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 5 ] ||
  fail "expected 5 audit records"
"$cordon" replay 1 --db "$db" | grep -q "identical to the stored answer" || fail "replay 1 not identical"
"$cordon" replay 1 --today --db "$db" --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["replayed"]["overall"] == "LICENSE_REQUIRED", r["replayed"]["overall"]'
set +e
"$cordon" replay 99 --db "$db" > /dev/null 2>&1; [ $? = 2 ] || fail "unknown audit id must exit 2"
"$cordon" licenses revoke NOPE --db "$db" > /dev/null 2>&1; [ $? = 2 ] || fail "unknown licence must exit 2"
echo "cli_state: ok"
