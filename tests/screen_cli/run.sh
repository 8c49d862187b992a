#!/bin/bash
# One check of the screening command line.
# Usage: run.sh CORDON SHARED_DIR FILES_DIR CASE
cordon=$1; shared=$2; files=$3; case=$4
fail() { echo "FAIL $case: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { "$cordon" "$@" >"$tmp/out" 2>"$tmp/err"; code=$?; }
has() { grep -qF -- "$1" "$tmp/$2" || fail "$2 lacks: $1"; }
sdn=$shared/data/lists/jackdwyer-specially-designated-nationals-list
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
  *) echo "unknown case $case"; exit 1 ;;
esac
echo "ok $case"
