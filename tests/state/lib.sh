# Shared set-up of the state command tests (sourced): $cordon, $here, a fresh $tmp removed on
# exit, $db a SQLite file in it, and fail MESSAGE.
set -eu
cordon=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/state.db"
fail() { echo "FAIL: $*" >&2; exit 1; }
