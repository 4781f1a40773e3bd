#!/usr/bin/env bash
# Installs everything liaison needs to build, test and run on Debian 12, from
# Debian's own packages. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
  libabsl-dev libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev libsodium-dev libssl-dev
  libicu-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libgoogle-perftools-dev  # tcmalloc (libtcmalloc_minimal), the programs' allocator
  zlib1g-dev libbrotli-dev sqlite3 curl
  libpq-dev postgresql
  # The web interface's end-to-end tests drive Debian's Chromium headless;
  # DejaVu and Nafees (Urdu Nastaliq) cover the scripts without any web font.
  chromium fonts-dejavu-core fonts-nafees
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
