#!/usr/bin/env bash
# Configures and builds dlc in build/ (Release, clang-22, Ninja, ccache when
# present). Sets up the machine first. Incremental: a second run is quick.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/tools/scripts/setup.sh"
build="${DLC_BUILD_DIR:-$root/build}"
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm >/dev/null
fi
ninja -C "$build" -j"$(nproc)"
