#!/bin/sh
# Builds the seed corpora of the fuzz targets from the project's own inputs and the public data
# beside it: seed_corpus.sh OUT [MAX_BYTES_PER_LIST_SEED]. Nothing here is committed: the seeds
# are made from files that already exist (tests, examples, rules, ../shared/data).
set -eu
out=$1
max=${2:-16384}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${CORDON_SHARED:-$root/../shared}
rm -rf "$out"
mkdir -p "$out/check" "$out/rules" "$out/lists" "$out/catalog" "$out/whatif" "$out/http"

# check: transactions, contexts, case files ({"transaction", "context"} as the target reads them).
for f in "$root"/examples/*.json "$root"/tests/cases/*.json "$root"/tests/bad/files/*.json "$shared"/cases/*.json; do
  [ -f "$f" ] && cp "$f" "$out/check/$(basename "$(dirname "$f")")_$(basename "$f")"
done

# rules: every bundled rule file.
for f in $(find "$root/rules" -name '*.rules'); do
  cp "$f" "$out/rules/$(echo "${f#$root/rules/}" | tr / _)"
done

# lists: the head of each published list file; the first byte picks the name the target writes.
i=0
find "$shared/data/lists" -type f \( -name '*.csv' -o -name '*.xml' -o -name '*.json' -o -name '*.txt' -o -name '*.tsv' \) | sort |
while read -r f; do
  case "$(basename "$f")" in
    sdn.csv) sel=1 ;; cons_prim.csv) sel=2 ;; *.csv) sel=0 ;; *.xml) sel=3 ;; *.json) sel=4 ;; *) sel=5 ;;
  esac
  i=$((i + 1))
  { printf "\\$(printf '%03o' "$sel")"; head -c "$max" "$f"; } > "$out/lists/seed_$i"
done

# catalog: products from the case files (selector 0 = JSON), and a small ERP pair (selector 1).
for f in "$root"/tests/cases/*.json "$root"/examples/*.json; do
  if grep -q '"products"' "$f" 2>/dev/null; then
    { printf '\000'; cat "$f"; } > "$out/catalog/$(basename "$f")"
  fi
done
{
  printf '\001'
  printf 'parent,child,quantity\nTOOL,MOD,2\nMOD,CHIP,4\n===\n'
  printf 'id,made_in,value,currency,class_US\nTOOL,MY,1000000,USD,3B001.c\nMOD,SG,20000,USD,EAR99\nCHIP,US,500,USD,3A001.a\n'
} > "$out/catalog/erp_pair"
# whatif: the scenario manifests (selector 0), a few flows (1), the flow profile (3).
for f in "$root"/scenarios/*/scenario.json; do
  { printf '\000'; cat "$f"; } > "$out/whatif/scenario_$(basename "$(dirname "$f")")"
done
{ printf '\001'; python3 -c 'import json,sys; print(json.dumps({"id": "S1", "weight": 2, "concern": True, "transaction": json.load(open(sys.argv[1]))}))' "$root/examples/shipment.json"; } > "$out/whatif/flows"
{ printf '\003'; cat "$root/examples/whatif/flow_profile.json"; } > "$out/whatif/profile"
# http: the requests of the service's tests (cordon/service/service_test.cc), raw. POST bodies
# carry no Content-Length: the target adds it (a few seeds give one, or a chunked body).
n=0
req() {  # METHOD TARGET TOKEN [BODY] [EXTRA HEADER LINE]
  n=$((n + 1))
  {
    printf '%s %s HTTP/1.1\r\nHost: localhost\r\n' "$1" "$2"
    if [ -n "$3" ]; then printf 'Authorization: Bearer %s\r\n' "$3"; fi
    if [ -n "${5:-}" ]; then printf '%s\r\n' "$5"; fi
    if [ $# -ge 4 ]; then printf 'Content-Type: application/json\r\n\r\n%s' "$4"; else printf '\r\n'; fi
  } > "$out/http/req_$n"
}
ana=fuzz-analyst off=fuzz-officer
ship=$(cat "$root/examples/shipment.json")
ctx=$(cat "$root/examples/context.json")
order=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' "$root/tests/state/orders.json")
licence=$(cat "$root/tests/state/licence_d1.json")
req GET /healthz ""
req GET /openapi.json "$ana"
req GET /metrics "$ana"
req GET /metrics ""
req GET /licenses not-a-token
req POST /check "$ana" "$ship"
req POST "/check?trace=0" "$ana" "[$ship,$ship]"
req POST /check "$ana" "{\"transaction\": $ship, \"context\": $ctx}"
req POST "/check?date=2025-01-02&trace=1" "$ana" "$ship"
req POST "/check?record=1" "$off" "$order"
req POST "/check?record=1" "$ana" "$order"
req POST /check "$ana" '{not json'
req POST /check "$ana" '{"id": "T1", "date": "2025-13-45", "activity": "export"}'
req POST /check "$ana" "$ship" "Expect: 100-continue"
req POST /screen "$ana" '{"name": "Sinobright Import Export Co", "threshold": 0.8}'
req POST "/screen?nocache=1" "$ana" '{"name": "Example Distributor Ltd", "country": "CN"}'
req POST /screen "$ana" '{"name": "x", "country": "china"}'
req POST /screen "$ana" '{"name": "x", "threshold": 2}'
req POST /screen "$ana" '{"name": "'"x'; DROP TABLE t;--"'"}'
req POST /trace "$ana" '{"product": "NOPE", "to": "CN", "context": {}}'
req POST /trace "$ana" '{"product": "X", "to": "ZZZ"}'
req GET /licenses "$ana"
req GET /licenses/D1 "$ana"
req POST /licenses "$off" "$licence"
req POST /licenses/D1/revoke "$off" '{"effective": "2024-05-07"}'
req POST "/licenses/x';DROP TABLE licences;--/revoke" "$off" '{}'
req GET "/orders?status=held&open=1" "$ana"
req POST /orders "$off" "[$order]"
req POST "/lists?name=el.csv&threshold=0.9" "$off" 'this is not a list file'
req GET "/audit?order=H1&limit=10" "$ana"
req GET "/audit?order=1%27%20OR%20%271%27=%271" "$ana"
req GET /audit/1 "$ana"
req GET /audit/abc "$ana"
req POST "/replay/1?today=1" "$ana"
req POST /reevaluate "$off" '{"orders": ["H1"]}'
req GET / ""
req GET /app ""
req GET /app/assets/app.js ""
req GET /app/../secret.txt ""
req GET /app/%2e%2e/secret.txt ""
req GET /app/assets/..%2f..%2fsecret.txt ""
req GET /no/such/endpoint "$ana"
req DELETE /check "$ana"
printf 'POST /check HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s' \
  "$ana" "${#ship}" "$ship" > "$out/http/length_given"
printf 'POST /screen HTTP/1.1\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"name":\r\na\r\n "Huawei"}\r\n0\r\n\r\n' \
  "$ana" > "$out/http/chunked"
printf 'POST /check HTTP/1.1\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=XX\r\n\r\n--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n{}\r\n--XX--\r\n' \
  "$ana" > "$out/http/multipart"
printf 'GET /healthz HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n' > "$out/http/pipelined"
echo "seeds: $(find "$out" -type f | wc -l) files in $out"
