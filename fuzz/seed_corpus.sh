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
mkdir -p "$out/check" "$out/rules" "$out/lists" "$out/catalog" "$out/whatif"

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
echo "seeds: $(find "$out" -type f | wc -l) files in $out"
