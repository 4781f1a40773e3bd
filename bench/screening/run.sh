#!/usr/bin/env bash
# The screening benchmark of issue 5, both systems in one run on the same
# data: liaison's index (screening_bench) and the PostgreSQL pg_trgm peer
# (run_pg_peer.sh), then the ratio of their throughputs.
#
#   bench/screening/run.sh [--watchlist N] [--candidates M] [--peer-candidates P]
#                          [--seed S] [--surname-tail F]
#
# Defaults: N = 1,000,000, M = 100,000 (liaison), P = 300 (the peer screens a
# sample: about 15 candidates/s against a million persons), S = 20261130,
# F = 0.85. Needs build/bench/screening/{screening_bench,pg_peer_bench}
# (cmake --build build --target screening_bench pg_peer_bench).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
watchlist=1000000 candidates=100000 peer_candidates=300 seed=20261130 tail=0.85
while [ $# -gt 0 ]; do
  case "$1" in
    --watchlist) watchlist=$2 ;;
    --candidates) candidates=$2 ;;
    --peer-candidates) peer_candidates=$2 ;;
    --seed) seed=$2 ;;
    --surname-tail) tail=$2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
out=$(mktemp -d "${TMPDIR:-/tmp}/liaison-screening.XXXXXX")
trap 'rm -rf "$out"' EXIT

"$repo/build/bench/screening/screening_bench" --watchlist "$watchlist" --candidates "$candidates" \
  --seed "$seed" --surname-tail "$tail" --recall-queries 0 | tee "$out/liaison.txt"
"$repo/bench/screening/run_pg_peer.sh" --watchlist "$watchlist" --candidates "$peer_candidates" \
  --seed "$seed" --surname-tail "$tail" | tee "$out/peer.txt"

liaison_rate=$(sed -n 's/^screening *\([0-9.]*\) candidates\/s.*/\1/p' "$out/liaison.txt" | head -n 1)
peer_rate=$(sed -n 's/^screening .*: \([0-9.]*\) candidates\/s.*/\1/p' "$out/peer.txt" | head -n 1)
if [ -n "$liaison_rate" ] && [ -n "$peer_rate" ]; then
  awk -v a="$liaison_rate" -v b="$peer_rate" -v n="$watchlist" \
    'BEGIN { printf "== ratio: liaison screens %.0f candidates/s, the pg_trgm peer %.1f/s against %d persons: %.0fx\n", a, b, n, a / b }'
else
  echo "run.sh: could not read both throughputs" >&2
  exit 1
fi
