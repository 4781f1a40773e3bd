#!/usr/bin/env bash
# Runs the PostgreSQL pg_trgm peer of the screening benchmark (issue 5): starts
# a throwaway PostgreSQL cluster from Debian's packages in a temporary
# directory, listening only on 127.0.0.1 (private port) and on a unix socket
# inside that directory, creates pg_trgm and unaccent, runs pg_peer_bench
# against it and removes everything on exit.
#
#   bench/screening/run_pg_peer.sh [pg_peer_bench options]
#       e.g. --watchlist 1000000 --candidates 300 --seed 20261130
#
# Environment: PG_PEER_BENCH (the benchmark binary; default
# build/bench/screening/pg_peer_bench, else build-pg/...), PG_BIN (the server's
# bin directory; default the newest /usr/lib/postgresql/*/bin),
# PG_SHARED_BUFFERS (default 1GB). When run as root (as CI does), the server
# runs as the `postgres` system user, or `nobody` when there is none.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=${PG_PEER_BENCH:-}
if [ -z "$bench" ]; then
  for b in "$repo/build/bench/screening/pg_peer_bench" "$repo/build-pg/bench/screening/pg_peer_bench"; do
    if [ -x "$b" ]; then bench=$b; break; fi
  done
fi
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
  echo "run_pg_peer.sh: pg_peer_bench not found; build it (cmake --build build --target pg_peer_bench) or set PG_PEER_BENCH" >&2
  exit 2
fi
bench=$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")

pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "run_pg_peer.sh: PostgreSQL server binaries not found (apt-get install postgresql postgresql-contrib)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liaison-pg-peer.XXXXXX")
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  server_user=postgres
  getent passwd postgres >/dev/null || server_user=nobody
  chown "$server_user" "$tmp"
  as_server=(runuser -u "$server_user" --)
fi
# Runs a server command as the server's user, from a directory it can read.
server() { (cd "$tmp" && "${as_server[@]}" "$@"); }

bench_pid=""
cleanup() {
  if [ -n "$bench_pid" ]; then
    kill "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  if [ -f "$tmp/data/postmaster.pid" ]; then
    server "$pgbin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# C.UTF-8 rather than C: pg_trgm keeps only letters and digits of the
# database's character type, and under C no Urdu letter is one.
server "$pgbin/initdb" -D "$tmp/data" -U liaison_bench --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
shared_buffers = '${PG_SHARED_BUFFERS:-1GB}'
maintenance_work_mem = '512MB'
work_mem = '32MB'
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = '4GB'
EOF

# A private port: a few random tries in 20000-59999 until the server starts.
port=""
for _ in 1 2 3 4 5 6 7 8; do
  try=$((20000 + RANDOM % 40000))
  if server "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
      -o "-p $try" start >/dev/null 2>&1; then
    port=$try
    break
  fi
done
if [ -z "$port" ]; then
  echo "run_pg_peer.sh: PostgreSQL did not start; server log:" >&2
  cat "$tmp/server.log" >&2 || true
  exit 1
fi

conninfo="host=$tmp port=$port user=liaison_bench dbname=postgres"
"$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "$conninfo" \
  -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" -c "CREATE EXTENSION IF NOT EXISTS unaccent"
echo "postgres        $("$pgbin/postgres" --version | sed 's/.*(PostgreSQL) //'), 127.0.0.1:$port, shared_buffers ${PG_SHARED_BUFFERS:-1GB}, fsync off (throwaway cluster)"
# In the background, so that an interrupt stops it and the server at once
# (bash runs traps only between foreground commands).
"$bench" --conninfo "$conninfo" "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
