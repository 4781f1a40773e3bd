#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for the tests, from Debian's
# packages: initdb in a new directory under /tmp, listening only on 127.0.0.1
# at a free private port (and a unix socket in that directory), trust
# authentication for user `liaison`.
#
#   tests/postgres/test_server.sh start DIR   # writes DIR/conninfo, prints it
#   tests/postgres/test_server.sh stop DIR    # stops the server, removes it and DIR
#
# CTest runs `start` as a fixture setup and `stop` as its cleanup; the store
# and multi-process tests read DIR/conninfo. When run as root (as CI does),
# initdb and the server run as the `postgres` system user (created by Debian's
# `postgresql` package), or `nobody` when there is none, since PostgreSQL
# refuses to run as root. PG_BIN overrides the server's bin directory.
# Tests trade durability for speed (fsync off); PG_DURABLE=1 keeps PostgreSQL's
# durable defaults, as the storage benchmark does to compare fairly with
# SQLite's synchronous=FULL. PG_SHARED_BUFFERS sets shared_buffers (64MB).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

as_server=()
server_user=""
if [ "$(id -u)" -eq 0 ]; then
  server_user=postgres
  getent passwd postgres >/dev/null || server_user=nobody
  as_server=(runuser -u "$server_user" --)
fi
# The cluster itself lives in a fresh directory under /tmp (which every user
# can reach, and short enough for a unix socket path); DIR/cluster names it.
cluster=""
# Runs a server command as the server's user, from a directory it can read.
server() { (cd "$cluster" && "${as_server[@]}" "$@"); }

pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "test_server.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi

stop() {
  if [ -f "$dir/cluster" ]; then
    cluster=$(cat "$dir/cluster")
    if [ -n "$cluster" ] && [ -f "$cluster/data/postmaster.pid" ]; then
      server "$pgbin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    case $cluster in /tmp/liaison-pg.*) rm -rf "$cluster" ;; esac
  fi
  rm -rf "$dir"
}

case $action in
  stop) stop; exit 0 ;;
  start) ;;
  *) usage ;;
esac

# A server left over from an interrupted run is stopped first.
stop
mkdir -p "$dir"
cluster=$(mktemp -d /tmp/liaison-pg.XXXXXX)
echo "$cluster" >"$dir/cluster"
[ -z "$server_user" ] || chown "$server_user" "$cluster"

server "$pgbin/initdb" -D "$cluster/data" -U liaison --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 --no-sync >"$cluster/initdb.log" 2>&1 ||
  { cat "$cluster/initdb.log" >&2; exit 1; }
cat >>"$cluster/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster'
shared_buffers = '${PG_SHARED_BUFFERS:-64MB}'
max_connections = 200
CONF
if [ "${PG_DURABLE:-0}" != 1 ]; then
  cat >>"$cluster/data/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
else
  echo "max_wal_size = '4GB'" >>"$cluster/data/postgresql.conf"
fi

# A private port: a few random tries in 20000-59999 until the server starts.
port=""
for _ in 1 2 3 4 5 6 7 8; do
  try=$((20000 + RANDOM % 40000))
  if server "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-p $try" start >/dev/null 2>&1; then
    port=$try
    break
  fi
done
if [ -z "$port" ]; then
  echo "test_server.sh: PostgreSQL did not start; server log:" >&2
  cat "$cluster/server.log" >&2 || true
  exit 1
fi
echo "host=127.0.0.1 port=$port user=liaison dbname=postgres" >"$dir/conninfo"
cat "$dir/conninfo"
