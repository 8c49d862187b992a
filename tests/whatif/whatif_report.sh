#!/bin/sh
# cordon flows generate | cordon simulate over the shipped scenarios; the JSON holds a run per
# scenario and the HTML report renders in headless Chromium (its DOM and a screenshot are checked).
set -eu
cordon=$1
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$cordon" flows generate --count 3000 --seed 11 --out "$tmp/flows.jsonl" 2> /dev/null
"$cordon" simulate --flows "$tmp/flows.jsonl" \
  --scenario "$root/scenarios/jp_persons/scenario.json" \
  --scenario "$root/scenarios/nl_jp_reach/scenario.json" \
  --scenario "$root/scenarios/kr_adopts_jp23/scenario.json" \
  --scenario "$root/scenarios/jp_persons/scenario.json+$root/scenarios/nl_jp_reach/scenario.json" \
  --report "$out/whatif_report.html" --format json > "$tmp/sim.json"
python3 - "$tmp/sim.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ids = [run["id"] for run in r["runs"]]
assert ids == ["baseline", "jp-persons", "nl-jp-reach", "kr-adopts-jp23", "jp-persons+nl-jp-reach"], ids
assert r["flows"] == 3000, r["flows"]
base, persons, reach, kr, both = r["runs"]
# Each overlay only adds rules: it catches at least what the baseline catches, and something more.
for run in (persons, reach, kr, both):
    assert run["concern_caught"]["count"] >= base["concern_caught"]["count"], run["id"]
    assert run["newly_caught"]["count"] > 0, run["id"]
assert "KR" in kr["caught_by_regime"] and "KR" not in base["caught_by_regime"]
assert both["concern_caught"]["count"] >= max(persons["concern_caught"]["count"], reach["concern_caught"]["count"])
assert base["leaks"], "the baseline shows leakage routes"
PY
chrome=$(command -v chromium || true)
[ -n "$chrome" ] || fail "chromium is not installed (deps/debian-packages.txt lists it)"
# --dump-dom prints the page after it loaded and ran: the report's sections must be in it.
"$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
  --dump-dom "file://$out/whatif_report.html" > "$tmp/dom.html" 2> /dev/null
grep -q "Capture by scenario" "$tmp/dom.html" || fail "report did not render: no capture table"
grep -q "Leakage routes" "$tmp/dom.html" || fail "report did not render: no leakage diagram"
grep -q "<svg" "$tmp/dom.html" || fail "report did not render: no chart"
rm -f "$out/whatif_report.png"
"$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" --hide-scrollbars \
  --window-size=1200,1800 --screenshot="$out/whatif_report.png" "file://$out/whatif_report.html" > /dev/null 2>&1
[ -s "$out/whatif_report.png" ] || fail "no screenshot"
size=$(wc -c < "$out/whatif_report.png")
[ "$size" -gt 20000 ] || fail "screenshot is nearly empty ($size bytes)"
echo "whatif_report: ok (screenshot $out/whatif_report.png, $size bytes)"
