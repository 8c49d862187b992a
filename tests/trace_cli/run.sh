#!/bin/bash
# One check of cordon trace over the CSV catalogue in files/.
# Usage: run.sh CORDON FILES_DIR CASE
cordon=$1; files=$2; case=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $case: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }
run() { "$cordon" "$@" >"$tmp/out" 2>"$tmp/err"; code=$?; }
has() { grep -qF -- "$1" "$tmp/$2" || fail "$2 lacks: $1"; }
csv=(--parts "$files/parts.csv" --bom "$files/bom.csv")
case $case in
  text_csv)  # to China: 12.8 % known + a pump of unknown origin (10 %); the 0 % rule and the plant prong decide anyway
    run trace ETCH-300 --to CN --date 2025-01-15 "${csv[@]}"
    [ "$code" = 0 ] || fail "exit $code"
    has "= 12.8–22.8 %" out
    has "counts   RF-GEN 3A001.b  2 × = 120000 USD  via ETCH-300 > CHAMBER > RF-GEN" out
    has "unknown  PUMP.made_in  via ETCH-300 > PUMP" out
    has "ETCH-300 > CTRL > FPGA-X: US-origin integrated circuit 3A001.a.7" out
    has "ETCH-300 made with LITHO-7: direct product of US-origin technology 3E001" out
    has "[level 25 %]" out; has "15 CFR 734.4(a)(8)  [us.ear.734_4.a8]" out
    has "Subject to the EAR: yes" out ;;
  json_csv)
    run trace ETCH-300 --to CN --date 2025-01-15 --format json "${csv[@]}"
    [ "$code" = 0 ] || fail "exit $code"
    python3 - "$tmp/out" <<'PY' || fail "json"
import json, sys
d = json.load(open(sys.argv[1]))
dm = d["derivation"]["de_minimis"]
assert abs(dm["percent"]["low"] - 12.8) < 1e-9 and abs(dm["percent"]["high"] - 22.8) < 1e-9, dm["percent"]
assert dm["counted"][0]["part"] == "RF-GEN", dm["counted"]
assert d["derivation"]["fdp"]["plant"]["value"] is True
assert any(r["rule"] == "us.ear.734_9.k" and r["result"] is True for r in d["fdp_rules"]), d["fdp_rules"]
assert d["us"]["subject"]["value"] is True
PY
    ;;
  destination_mx)  # the same product to Mexico: no 0 % rule, no FDP rule; 12.8-22.8 % stays under 25 %
    run trace ETCH-300 --to MX --date 2025-01-15 "${csv[@]}"
    [ "$code" = 0 ] || fail "exit $code"
    has "Subject to the EAR: no" out ;;
  bad_cycle)
    run trace ETCH-300 --to CN --parts "$files/parts.csv" --bom "$files/cycle_bom.csv"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"
    has "cycle_bom.csv:2: error: component cycle" err ;;
  bad_product)
    run trace NOPE --to CN "${csv[@]}"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "product 'NOPE' is not in the catalogue" err ;;
  bad_country)
    run trace ETCH-300 --to XX "${csv[@]}"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "--to: 'XX' is not an ISO 3166-1 alpha-2" err ;;
  *) fail "no such case" ;;
esac
echo "ok $case"
