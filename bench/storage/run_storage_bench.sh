#!/usr/bin/env bash
# Runs bench/storage/storage_bench against SQLite and a throwaway PostgreSQL
# server side by side. The server comes from tests/postgres/test_server.sh
# (Debian's packages, 127.0.0.1 on a private port) with PostgreSQL's durable
# defaults (fsync, synchronous_commit on; PG_DURABLE=1) and shared_buffers
# 1GB, so that both backends commit to disk as a production node does.
#
#   bench/storage/run_storage_bench.sh [storage_bench options]
#       e.g. --rows 1000000 --reads 20000
#
# Environment: STORAGE_BENCH (the binary; default build/bench/storage/storage_bench).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=${STORAGE_BENCH:-$repo/build/bench/storage/storage_bench}
if [ ! -x "$bench" ]; then
  echo "run_storage_bench.sh: $bench not found; build it (ninja -C build bench/storage/storage_bench)" >&2
  exit 2
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/liaison-storage-bench.XXXXXX")
rmdir "$dir"
cleanup() { "$repo/tests/postgres/test_server.sh" stop "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
conninfo=$(PG_DURABLE=1 PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB} \
  "$repo/tests/postgres/test_server.sh" start "$dir")
echo "postgresql      $(psql -X -At -d "$conninfo" -c 'SHOW server_version'), $conninfo, durable, shared_buffers ${PG_SHARED_BUFFERS:-1GB}"
"$bench" --postgres "$conninfo" "$@"
