#!/bin/sh
# Installs the Debian packages listed in deps/debian-packages.txt that are not installed yet.
# Runs as root (apt-get); a no-op when everything is present.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
want=$(sed -e 's/#.*//' "$here/deps/debian-packages.txt" | awk 'NF {print $1}')
missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  exit 0
fi
echo "setup: installing Debian packages:$missing"
if [ "$(id -u)" != "0" ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
