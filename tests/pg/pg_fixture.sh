#!/bin/sh
# A throwaway PostgreSQL server for the store tests (ctest fixture cordon_pg).
#   pg_fixture.sh start DIR   initdb + pg_ctl start in a fresh temporary folder, listening only on a
#                             unix socket in that folder; writes the connection string to DIR/url
#   pg_fixture.sh stop DIR    stops it and removes the folder
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
set -eu
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "pg_fixture: no PostgreSQL server binaries under /usr/lib/postgresql (Debian package postgresql)" >&2
  exit 1
fi
run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    tmp=$(mktemp -d /tmp/cordon-pg.XXXXXX)
    echo "$tmp" > "$dir/tmpdir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$tmp"; fi
    run "$bin/initdb" -D "$tmp/data" -U cordon --auth=trust -E UTF8 --no-sync > "$tmp/initdb.log" 2>&1 ||
      { cat "$tmp/initdb.log" >&2; exit 1; }
    run "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
      -o "-k $tmp -c listen_addresses= -c max_connections=20 -c shared_buffers=16MB" start > /dev/null ||
      { cat "$tmp/server.log" >&2; exit 1; }
    echo "host=$tmp port=5432 user=cordon dbname=postgres" > "$dir/url"
    ;;
  stop)
    [ -f "$dir/tmpdir" ] || exit 0
    tmp=$(cat "$dir/tmpdir")
    run "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop > /dev/null 2>&1 || true
    rm -rf "$tmp" "$dir"
    ;;
  *)
    echo "usage: pg_fixture.sh start|stop DIR" >&2
    exit 2
    ;;
esac
