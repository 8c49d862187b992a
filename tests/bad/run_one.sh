#!/bin/bash
# One bad-input check: runs cordon with the arguments, wants exit 2 and the expected text on stderr.
# Usage: run_one.sh CORDON FILES_DIR 'ARGS' 'EXPECTED'
cordon=$1; files=$2; args=${3//\{f\}/$files}; expected=$4
out=$("$cordon" $args 2>&1 >/dev/null)
code=$?
if [ "$code" != "2" ]; then
  echo "expected exit 2, got $code; stderr: $out"
  exit 1
fi
if [[ "$out" != *"$expected"* ]]; then
  echo "stderr lacks: $expected"
  echo "stderr was: $out"
  exit 1
fi
echo "ok: exit 2, $expected"
