#!/usr/bin/env bash
# Starts a demo node (Punjab Police, Lahore) with demo data, on
# https://127.0.0.1:8443, with the officers' web interface (web/dist, built by
# scripts/build-web.sh) at https://127.0.0.1:8443/. The node directory lives
# in demo/ (not in git); delete demo/ to start again from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
liaison=${1:-build/src/liaison}
dir=demo/lahore

if [ ! -f "$dir/liaison.toml" ]; then
  mkdir -p demo
  "$liaison" init --data "$dir" --agency "Punjab Police" --country PK --listen 127.0.0.1:8443
  "$liaison" import persons demo-data/lahore_persons.csv --data "$dir" \
    --purpose "demo data for a new node"
  echo "lahore office key one" | "$liaison" user add --data "$dir" --username admin \
    --name "Node Administrator" --role administrator --clearance H3 --password-stdin
  echo "lahore office key two" | "$liaison" user add --data "$dir" --username analyst \
    --name "Duty Analyst" --role analyst --clearance H2 --password-stdin
  echo "lahore office key three" | "$liaison" user add --data "$dir" --username auditor \
    --name "Internal Auditor" --role auditor --password-stdin
fi

web_args=()
if [ -f web/dist/index.html ]; then
  web_args=(--web-root web/dist)
fi

cat <<'MSG'

The demo node is starting.

  Web interface: https://127.0.0.1:8443/
  (the certificate is self-signed: accept it in the browser after checking
  the fingerprint `liaison init` printed)

Demo users (passwords are for this demo only):
  admin    / lahore office key one       (administrator, clearance H3)
  analyst  / lahore office key two     (analyst, clearance H2)
  auditor  / lahore office key three   (auditor: the audit log only)
Try, from another terminal:
  curl -sk https://127.0.0.1:8443/api/v1/health
  TOKEN=$(curl -sk -X POST https://127.0.0.1:8443/api/v1/session \
      -H 'Content-Type: application/json' \
      -d '{"username":"analyst","password":"lahore office key two"}' \
      | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -sk "https://127.0.0.1:8443/api/v1/persons?alert=wanted" \
      -H "Authorization: Bearer $TOKEN" -H "X-Purpose: demo"
Stop it with Ctrl-C.

MSG
exec "$liaison" serve --data "$dir" "${web_args[@]}"
