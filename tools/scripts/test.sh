#!/usr/bin/env bash
# Sets up, builds and runs every test (lit, GoogleTest, end-to-end) with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/tools/scripts/build.sh"
build="${DLC_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
