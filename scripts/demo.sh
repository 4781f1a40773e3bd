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
  echo "demo admin password 1" | "$liaison" user add --data "$dir" --username admin \
    --name "Demo Administrator" --role administrator --clearance H3 --password-stdin
  echo "demo analyst password 1" | "$liaison" user add --data "$dir" --username analyst \
    --name "Demo Analyst" --role analyst --clearance H2 --password-stdin
  echo "demo auditor password 1" | "$liaison" user add --data "$dir" --username auditor \
    --name "Demo Auditor" --role auditor --password-stdin
fi

cat <<'MSG'

The demo node is starting. Demo users (passwords are for this demo only):
  admin    / demo admin password 1     (administrator, clearance H3)
  analyst  / demo analyst password 1   (analyst, clearance H2)
  auditor  / demo auditor password 1   (auditor: the audit log only)
Try, from another terminal:
  curl -sk https://127.0.0.1:8443/api/v1/health
  TOKEN=$(curl -sk -X POST https://127.0.0.1:8443/api/v1/session \
      -H 'Content-Type: application/json' \
      -d '{"username":"analyst","password":"demo analyst password 1"}' \
      | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -sk "https://127.0.0.1:8443/api/v1/persons?alert=wanted" \
      -H "Authorization: Bearer $TOKEN" -H "X-Purpose: demo"
Stop it with Ctrl-C.

MSG
exec "$liaison" serve --data "$dir"
