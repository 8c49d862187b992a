#!/bin/bash
# One check of the screening command line.
# Usage: run.sh CORDON SHARED_DIR FILES_DIR CASE
cordon=$1; shared=$2; files=$3; case=$4
fail() { echo "FAIL $case: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { "$cordon" "$@" >"$tmp/out" 2>"$tmp/err"; code=$?; }
has() { grep -qF -- "$1" "$tmp/$2" || fail "$2 lacks: $1"; }
sdn=$shared/data/lists/jackdwyer-specially-designated-nationals-list
csl=$shared/data/peer-mcp/expanded/consolidated.csv
dpl=$shared/data/lists/moov-io-watchman/test/testdata/bench/dpl.txt
meti=$(ls "$shared"/data/lists/kenmizuno-cpu-sanctions-watch/data/manual/meti/records/*.csv | head -1)
case $case in
  huawei_json)  # a Huawei variant against the full CSL: found, with score and why
    run screen "Huawei Tech. Co Ltd" --format json
    [ "$code" = 0 ] || fail "exit $code"
    has '"query": "Huawei Tech. Co Ltd"' out; has '"threshold": 0.9' out
    has '"name": "HUAWEI TECHNOLOGIES CO., LTD."' out; has '"list": "US.EL"' out
    has '"matched_on": "' out; has '"why": "huawei=huawei 1.00' out
    grep -qE '"score": 0\.9[0-9]*|"score": 1\.0' "$tmp/out" || fail "no score >= 0.9" ;;
  huawei_text)
    run screen "华为技术有限公司" --country CN
    [ "$code" = 0 ] || fail "exit $code"
    has "HUAWEI TECHNOLOGIES CO., LTD." out; has "why: hua~huawei" out ;;
  bad_threshold)
    run screen Huawei --threshold 1.5
    [ "$code" = 2 ] || fail "exit $code, wanted 2"
    has "--threshold: '1.5' is not a number between 0 and 1" err
    run screen Huawei --threshold abc
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "'abc'" err ;;
  bad_scorer)
    run screen Huawei --scorer soundex
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "--scorer: 'soundex'" err ;;
  missing_list)
    run screen Huawei --lists "$files/no-such-list.csv"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "no-such-list.csv: list file not found" err ;;
  lists_diff)  # the two SDN snapshots: 305 added, 8 removed
    run lists diff "$sdn/2024-04-26/sdn.csv" "$sdn/2024-05-03/sdn.csv"
    [ "$code" = 0 ] || fail "exit $code"
    has "305 added, 8 removed, 0 changed" out
    [ "$(grep -c '^+ ' "$tmp/out")" = 305 ] || fail "not 305 '+' lines"
    [ "$(grep -c '^- ' "$tmp/out")" = 8 ] || fail "not 8 '-' lines" ;;
  lists_diff_json)
    run lists diff "$sdn/2024-04-26/sdn.csv" "$sdn/2024-05-03/sdn.csv" --format json
    [ "$code" = 0 ] || fail "exit $code"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (len(d["added"]),len(d["removed"]),len(d["changed"]))==(305,8,0), d["old"]; assert d["new"]["date"]=="2024-05-03"' "$tmp/out" || fail "json counts" ;;
  batch_csv)
    run screen --batch "$files/batch.csv" --format json
    [ "$code" = 0 ] || fail "exit $code"
    [ "$(wc -l < "$tmp/out")" = 3 ] || fail "wanted 3 JSON lines"
    has '"country":"CN"' out; has '"name":"HUAWEI TECHNOLOGIES CO., LTD."' out
    sed -n 2p "$tmp/out" | grep -qF '"matches":[]' || fail "unrelated name matched" ;;
  batch_jsonl)
    run screen --batch "$files/batch.jsonl"
    [ "$code" = 0 ] || fail "exit $code"
    has "Huawei Technologies Company Limited [CN]:" out; has "HUAWEI TECHNOLOGIES CO., LTD." out ;;
  batch_bad)
    run screen --batch "$files/batch_bad.jsonl"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "batch_bad.jsonl:2: name: required string is missing" err ;;
  check_el)  # screening in a determination: an Entity List hit applies the entry's licence requirement
    run check "$files/order_el.json" --lists "$csl"
    has "is on the Entity List (licence requirement: all items subject to the EAR" out
    has "Huawei Technologies Co Ltd matches US.EL entry \"Huawei Technologies Co., Ltd.\" (name, score 1.00)  huawei=huawei" out
    # below certainty (0.97): shown as a possible match to review, not applied
    has "possibly matches US.EL entry \"Huawei Technology Co. Ltd.\"" out; has "review: confirm or reject" out ;;
  check_eul)  # a METI End User List hit feeds Japan's rules
    run check "$files/order_eul.json" --lists "$meti"
    has "JP  LICENSE_REQUIRED" out; has "is on METI's End User List" out
    has "matches JP.EUL entry \"Ummah Tameer E-Nau (UTN)\"" out ;;
  check_dpl)  # a Denied Persons hit holds the transaction
    run check "$files/order_dpl.json" --lists "$dpl" --format json
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["hold"] is True; s=d["screening"]; assert s[0]["list"]=="US.DPL" and s[0]["status"]=="match", s' "$tmp/out" || fail "not held on the DPL hit" ;;
  good_guys)  # an accepted false positive applies in no rule; when the entry changes, it counts again
    run screen "Aaron Abraham Villa" --lists "$dpl" --accept "name:AARON ABRAHAM VILLA" --reviewer "A. Officer" --reason "other person"
    [ "$code" = 0 ] || fail "accept: exit $code"
    cp "$tmp/out" "$tmp/accepted.jsonl"
    has '"fingerprint":"' out
    run check "$files/order_dpl.json" --lists "$dpl" --good-guys "$tmp/accepted.jsonl" --format json
    [ "$code" = 0 ] || fail "check: exit $code"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["jurisdictions"]["US"]["outcome"]!="PROHIBITED", "applied"; assert not any(r["rule"]=="us.ear.736_2.b4" for r in d["jurisdictions"]["US"]["reasons"]); s=d["screening"][0]; assert s["status"]=="accepted" and "by A. Officer" in s["review"], s' "$tmp/out" || fail "accepted hit applied"
    run screen "Aaron Abraham Villa" --lists "$dpl" --good-guys "$tmp/accepted.jsonl"
    has "accepted false positive by A. Officer on " out
    # the same decision recorded against another state of the entry: stale
    sed 's/"fingerprint":"[0-9a-f]*"/"fingerprint":"0123456789abcdef"/' "$tmp/accepted.jsonl" > "$tmp/stale.jsonl"
    run check "$files/order_dpl.json" --lists "$dpl" --good-guys "$tmp/stale.jsonl"
    has "PROHIBITED" out; has "but the entry has changed since: review again" out ;;
  good_guys_bad)
    printf '{"party":"X","list":"US.DPL","entity":"1"}\n' > "$tmp/bad.jsonl"
    run check "$files/order_dpl.json" --lists "$dpl" --good-guys "$tmp/bad.jsonl"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "bad.jsonl:1: \"fingerprint\" must be" err
    run screen "Aaron Abraham Villa" --lists "$dpl" --accept "no-such-id"
    [ "$code" = 2 ] || fail "exit $code, wanted 2"; has "--accept: 'no-such-id' is not among the matches" err ;;
  *) echo "unknown case $case"; exit 1 ;;
esac
echo "ok $case"
