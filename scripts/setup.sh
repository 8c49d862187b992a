#!/bin/sh
# Installs the Debian packages listed in deps/debian-packages.txt that are not installed yet.
# Runs as root (apt-get); a no-op when everything is present. A package tagged @GROUP in the list
# is installed only when GROUP is named: `setup.sh fuzz` also installs the @fuzz packages.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
groups=" $* "
want=$(sed -e 's/#.*//' "$here/deps/debian-packages.txt" |
  awk -v groups="$groups" 'NF { if (NF == 1 || index(groups, " " substr($2, 2) " ")) print $1 }')
# A package counts as present when it is installed or an installed package provides it (a newer
# nodejs build that bundles npm provides, and conflicts with, Debian's npm).
have=$(dpkg-query -W -f='${Status}|${Package}, ${Provides}\n' 2>/dev/null |
  sed -n 's/^install ok installed|//p' | tr ',' '\n' | sed -e 's/([^)]*)//g' -e 's/ //g' -e 's/:.*//' | sort -u)
missing=""
for p in $want; do
  if ! printf '%s\n' "$have" | grep -qx "$p"; then
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
