#!/usr/bin/env bash
# Starts a demo node (Punjab Police, Lahore) with demo data, on
# https://127.0.0.1:8443. The node directory lives in demo/ (not in git);
# delete demo/ to start again from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
liaison=${1:-build/src/liaison}
dir=demo/lahore

if [ ! -f "$dir/liaison.toml" ]; then
  mkdir -p demo
  "$liaison" init --data "$dir" --agency "Punjab Police" --country PK --listen 127.0.0.1:8443
  "$liaison" import persons demo-data/lahore_persons.csv --data "$dir" \
    --purpose "demo data for a new node"
fi

cat <<MSG

The demo node is starting. Try, from another terminal:
  curl -sk https://127.0.0.1:8443/api/v1/health
Stop it with Ctrl-C.

MSG
exec "$liaison" serve --data "$dir"
