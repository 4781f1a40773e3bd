#!/usr/bin/env bash
# Starts the two-node demo: Punjab Police (Lahore) and the Italian police's
# international cooperation service (Rome), each a `liaison serve` process
# with its own directory, keys and demo data, registered as each other's
# partner over pinned mutual TLS on loopback, with a sharing agreement both
# ways. Lahore's API and web interface are on https://127.0.0.1:8443, Rome's
# on https://127.0.0.1:8444; their partner endpoints on ports 9443 and 9444.
# The node directories live in demo/ (not in git); delete demo/ to start
# again from scratch. Ctrl-C stops both nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
liaison=${1:-build/src/liaison}
if [[ "$liaison" != /* ]]; then liaison="$PWD/$liaison"; fi

lahore=demo/lahore
rome=demo/rome

node_id() { sed -n 's/^id = "\(node_[0-9A-Z]*\)"$/\1/p' "$1/liaison.toml"; }

# make_node DIR AGENCY COUNTRY API_PORT DATA_CSV PASSWORD_PREFIX
make_node() {
  local dir=$1 agency=$2 country=$3 port=$4 csv=$5 pw=$6
  "$liaison" init --data "$dir" --agency "$agency" --country "$country" \
    --listen "127.0.0.1:$port"
  "$liaison" import persons "$csv" --data "$dir" --purpose "demo data for a new node"
  echo "$pw office key one" | "$liaison" user add --data "$dir" --username admin \
    --name "Node Administrator" --role administrator --clearance H3 --password-stdin
  echo "$pw office key two" | "$liaison" user add --data "$dir" --username analyst \
    --name "Duty Analyst" --role analyst --clearance H2 --password-stdin
  echo "$pw office key three" | "$liaison" user add --data "$dir" --username auditor \
    --name "Internal Auditor" --role auditor --password-stdin
  echo "$pw office key four" | "$liaison" user add --data "$dir" --username liaison \
    --name "Liaison Officer" --role liaison_officer --clearance H2 \
    --crime-areas narcotics,terrorism,migrant_smuggling,human_trafficking,missing_persons \
    --password-stdin
}

if [ ! -f "$lahore/liaison.toml" ] || [ ! -f "$rome/liaison.toml" ]; then
  rm -rf demo
  mkdir -p demo
  make_node "$lahore" "Punjab Police" PK 8443 demo-data/lahore_persons.csv lahore
  make_node "$rome" "Polizia di Stato - Servizio per la Cooperazione Internazionale di Polizia" \
    IT 8444 demo-data/rome_persons.csv rome
  # Each node exports its bundle; the other registers it. In a real
  # deployment the administrators compare the printed fingerprints by
  # telephone first; --yes stands for that confirmation here.
  "$liaison" partner export --data "$lahore" --endpoint https://127.0.0.1:9443 \
    --out demo/lahore.bundle.json
  "$liaison" partner export --data "$rome" --endpoint https://127.0.0.1:9444 \
    --out demo/rome.bundle.json
  "$liaison" partner add --data "$lahore" demo/rome.bundle.json --yes
  "$liaison" partner add --data "$rome" demo/lahore.bundle.json --yes
  areas=narcotics,terrorism,migrant_smuggling,human_trafficking,missing_persons
  "$liaison" agreement set --data "$lahore" --partner "$(node_id "$rome")" \
    --crime-areas "$areas" --max-handling-code H2 --retention-days 180 --quota 5000
  "$liaison" agreement set --data "$rome" --partner "$(node_id "$lahore")" \
    --crime-areas "$areas" --max-handling-code H2 --retention-days 180 --quota 5000
fi

web_args=()
if [ -f web/dist/index.html ]; then
  web_args=(--web-root web/dist)
fi

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

"$liaison" serve --data "$rome" --partner-listen 127.0.0.1:9444 "${web_args[@]}" \
  2>demo/rome.log &
pids+=($!)
"$liaison" serve --data "$lahore" --partner-listen 127.0.0.1:9443 "${web_args[@]}" \
  2>demo/lahore.log &
pids+=($!)

# Wait until both answer their health check.
for port in 8443 8444; do
  for _ in $(seq 1 300); do
    if curl -skf "https://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
done

rome_id=$(node_id "$rome")
lahore_id=$(node_id "$lahore")
cat <<MSG

The two-node demo is running (logs: demo/lahore.log, demo/rome.log).

  Lahore (Punjab Police)   https://127.0.0.1:8443/   node $lahore_id
  Rome (Polizia di Stato)  https://127.0.0.1:8444/   node $rome_id
  (the certificates are self-signed: accept them in the browser after
  checking the fingerprints \`liaison init\` printed)

Demo users on each node (passwords are for this demo only; Rome's begin
with "rome" instead of "lahore"):
  admin    / lahore office key one     (administrator, clearance H3)
  analyst  / lahore office key two     (analyst, clearance H2)
  auditor  / lahore office key three   (auditor: the audit log only)
  liaison  / lahore office key four    (liaison officer, clearance H2)

Try a hit/no-hit query from Lahore to Rome (Rome holds Mohammed Aasif):
  $liaison query --data $lahore --partner $rome_id \\
      --name "Muhammad Asif" --dob 1985-12-03 --purpose "demo: courier check"
and one for a person Rome does not hold:
  $liaison query --data $lahore --partner $rome_id \\
      --name "Giuseppe Verdi" --dob 1950-01-01 --purpose "demo"
Both nodes audit it: $liaison audit export --data $rome --out /tmp/rome-audit.jsonl

Stop both nodes with Ctrl-C.

MSG
wait
