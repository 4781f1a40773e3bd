#!/usr/bin/env bash
# Builds the officers' web interface (web/ -> web/dist) from npm packages
# pinned in web/package-lock.json. `npm ci` runs when node_modules is missing
# or older than the lock file. Needs Node.js 18 or newer and npm.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is not installed; the web interface needs Node.js (18 or newer) and npm" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
