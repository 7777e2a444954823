#!/usr/bin/env bash
# Builds dlc with AddressSanitizer and UndefinedBehaviorSanitizer
# (DLC_ENABLE_SANITIZERS) in build-asan/ and runs every test there. The
# sanitizer runtime is preloaded into every test process, so that Python
# tests that load libdlcrt are checked too; leak reports are off (Python and
# onnxruntime keep memory until exit), every other report fails the test.
# Usage: tools/scripts/sanitize.sh [ctest arguments, e.g. -E conformance]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/tools/scripts/setup.sh"
build="${DLC_ASAN_BUILD_DIR:-$root/build-asan}"
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DDLC_ENABLE_SANITIZERS=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm >/dev/null
fi
ninja -C "$build" -j"$(nproc)"
runtime="$(clang++-22 -print-file-name=libclang_rt.asan-x86_64.so)"
export LD_PRELOAD="$runtime"
# protect_shadow_gap=0: the CUDA driver maps memory where ASan's shadow gap
# would be. allocator_may_return_null=1: tests check that impossible
# allocations are errors, as they are without ASan.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_odr_violation=0:protect_shadow_gap=0:allocator_may_return_null=1"
# abort_on_error: a UBSan report kills the process with SIGABRT, so that
# tests expecting an error status cannot mistake it for one.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
