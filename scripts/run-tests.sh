#!/usr/bin/env bash
# The whole test suite, as CI runs it: a warnings-as-errors build with every
# test, the web interface's end-to-end tests against that build, then the same
# C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIAISON_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
echo "== tests"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 600)

echo "== web interface: build, then end-to-end tests (real nodes, headless Chromium)"
scripts/build-web.sh
(cd web && LIAISON_BINARY="$PWD/../build/src/liaison" npm run --silent e2e)
echo "screenshots: build/e2e-screenshots/"

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIAISON_SANITIZE=ON \
  -DLIAISON_BENCH=OFF -DLIAISON_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests under ASan + UBSan"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j "$jobs" --timeout 900)
