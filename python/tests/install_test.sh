#!/bin/bash
# ctest python_install: pip install --no-build-isolation --no-index of the checkout into a
# `python3 -m venv --system-site-packages` venv, the extension built by setup.py in this build
# folder (CORDON_CMAKE_BUILD_DIR), then the installed package answers from its bundled data in
# another folder. Usage: install_test.sh PYTHON SOURCE BUILD
py=$1; src=$2; build=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log" ] && tail -40 "$tmp/log"; exit 1; }
unset PYTHONPATH CORDON_HOME
"$py" -m venv --system-site-packages "$tmp/venv" >"$tmp/log" 2>&1 || fail "venv"
CORDON_CMAKE_BUILD_DIR=$build CORDON_PY_BUILD_BASE=$tmp/pybuild \
  "$tmp/venv/bin/pip" install --no-build-isolation --no-index --no-cache-dir "$src" >"$tmp/log" 2>&1 ||
  fail "pip install"
grep -q "Successfully installed cordon-0.1.0" "$tmp/log" || fail "pip did not install cordon"
ls -d "$tmp"/pybuild/lib*/cordon/data/rules >/dev/null 2>&1 || fail "setuptools did not build in CORDON_PY_BUILD_BASE"
cd "$tmp" && "$tmp/venv/bin/python" - "$tmp/venv" "$src" <<'PY' || fail "the installed package"
import os, sys
import cordon
venv, src = sys.argv[1], sys.argv[2]
assert cordon.__file__.startswith(venv), cordon.__file__
assert cordon.home().startswith(venv), cordon.home()          # the bundled rules and refdata
d = cordon.check(os.path.join(src, "examples", "shipment.json"), context=os.path.join(src, "examples", "context.json"))
assert d["overall"] == "LICENSE_REQUIRED", d["overall"]
flows = cordon.generate_flows(50, seed=3)                         # the bundled flow profile
scenario = os.path.join(cordon.home(), "scenarios", "jp_persons", "scenario.json")
r = cordon.simulate(flows, [scenario])
assert r.flows == 50 and [x["id"] for x in r.to_dict()["runs"]] == ["baseline", "jp-persons"], r.to_dict()
print("installed:", cordon.__file__)
PY
echo "ok python_install"
