#!/bin/sh
# Batches and shipments from the command line on a fresh SQLite file:
#  - an orders file with one bad order registers none of them (exit 2);
#  - two processes shipping the same six orders against one licence at once: each order ships at
#    most once, the licence (25,000 for orders of 10,000) is never overdrawn, and its balance is
#    the sum of its uses.
. "$(dirname "$0")/lib.sh"

python3 - "$here" "$tmp" <<'PY'
import json, sys
here, tmp = sys.argv[1], sys.argv[2]
h1 = json.load(open(here + "/orders.json"))[0]
orders = []
for i in range(6):
    o = json.loads(json.dumps(h1)); o["id"] = "S%d" % i; orders.append(o)
json.dump(orders, open(tmp + "/orders.json", "w"))
bad = orders[:2] + [dict(orders[2], destination="XX")]
json.dump(bad, open(tmp + "/bad.json", "w"))
lic = json.load(open(here + "/licence_d1.json")); lic["max_value"]["amount"] = 25000
json.dump(lic, open(tmp + "/licence.json", "w"))
PY
"$cordon" licenses add "$tmp/licence.json" --db "$db" > /dev/null
set +e
"$cordon" orders add "$tmp/bad.json" --context "$here/context.json" --db "$db" > "$tmp/bad.out" 2> "$tmp/bad.err"
rc=$?
set -e
[ $rc = 2 ] || fail "a bad order must exit 2, got $rc: $(cat "$tmp/bad.err")"
grep -q "\[2\]" "$tmp/bad.err" || fail "the message must name the bad order: $(cat "$tmp/bad.err")"
"$cordon" orders list --db "$db" | grep -q "^0 order(s)" || fail "a failed batch left orders behind"
[ "$("$cordon" audit --db "$db" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] ||
  fail "a failed batch left audit records behind"

"$cordon" orders add "$tmp/orders.json" --context "$here/context.json" --db "$db" > /dev/null
ship_all() {
  for i in 0 1 2 3 4 5; do
    rc=0
    "$cordon" orders ship "S$i" --db "$db" --format json > "$tmp/ship-$1-$i.json" 2> "$tmp/ship-$1-$i.err" || rc=$?
    echo "S$i $rc" >> "$tmp/rc-$1"
  done
}
ship_all a & pa=$!
ship_all b & pb=$!
wait $pa
wait $pb
python3 - "$tmp" <<'PY'
import glob, json, sys
tmp = sys.argv[1]
codes = [l.split() for f in ("a", "b") for l in open(f"{tmp}/rc-{f}")]
bad = [c for c in codes if c[1] not in ("0", "3")]
assert not bad, f"unexpected exit codes {bad}"
shipped = [c[0] for c in codes if c[1] == "0"]
assert len(shipped) == 2, f"expected two shipments (25,000 / 10,000), got {shipped}"
assert len(set(shipped)) == 2, f"an order shipped twice: {shipped}"
print("shipped", sorted(shipped))
PY
"$cordon" licenses show D1 --db "$db" --format json > "$tmp/d1.json"
python3 - "$tmp/d1.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1]))
assert l["used_value"] == 20000, l["used_value"]
assert sum(u["value"] for u in l["uses"]) == l["used_value"], l["uses"]
assert len({u["order"] for u in l["uses"]}) == len(l["uses"]) == 2, l["uses"]
PY
[ "$("$cordon" orders list --db "$db" | grep -c "  shipped  ")" = 2 ] || fail "expected two shipped orders"
echo "cli_ship: ok"
