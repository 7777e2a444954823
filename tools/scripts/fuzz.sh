#!/usr/bin/env bash
# Fuzzes the ONNX importer and the model-metadata parser at length: builds
# the libFuzzer targets in build-fuzz/ with every library instrumented for
# coverage (LLVM_USE_SANITIZE_COVERAGE) and with AddressSanitizer and UBSan,
# then runs each for SECONDS (default 1800) on JOBS workers (default: the
# cores). Corpora grow in build-fuzz/corpus/<target>, crashes land in
# build-fuzz/crashes/ (each becomes a regression case of the bad-input
# suite). Prints executions, coverage and crashes per target. SECONDS=0
# only builds.
# Usage: tools/scripts/fuzz.sh [SECONDS] [JOBS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-1800}"
jobs="${2:-$(nproc)}"
bash "$root/tools/scripts/setup.sh"
build="${DLC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_SANITIZE_COVERAGE=ON -DLLVM_USE_SANITIZER="Address;Undefined" \
    -DDLC_ENABLE_TESTS=OFF \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm >/dev/null
fi
ninja -C "$build" -j"$(nproc)" dlc-fuzz-onnx-import dlc-fuzz-model-metadata
if [[ $seconds == 0 ]]; then
  exit 0
fi
mkdir -p "$build/crashes" "$build/corpus/onnx-import" \
  "$build/corpus/model-metadata" "$build/seeds/onnx-import"
"$root/.venv/bin/python" -c "import sys; sys.path.insert(0, '$root/test/security'); import fuzz_smoke; fuzz_smoke.onnx_seeds('$build/seeds/onnx-import')"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run() {
  local target=$1 seeds=$2 maxlen=$3
  echo "== $target: $seconds s on $jobs workers"
  rm -f "$build"/fuzz-*.log
  "$build/bin/dlc-fuzz-$target" -max_total_time="$seconds" -jobs="$jobs" \
    -workers="$jobs" -max_len="$maxlen" -rss_limit_mb=4096 -timeout=60 \
    -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" \
    "$build/corpus/$target" "$seeds" >"$build/$target.log" 2>&1 || true
  for log in "$build"/fuzz-*.log; do
    echo "$(basename "$log"): $(grep -o 'cov: [0-9]*' "$log" | tail -1)," \
      "$(grep -h 'stat::number_of_executed_units' "$log" | tail -1)"
  done
  echo "corpus: $(ls "$build/corpus/$target" | wc -l) inputs"
}
cd "$build"
run onnx-import "$build/seeds/onnx-import" 1048576
run model-metadata "$root/tools/fuzz/model-metadata/seeds" 4096
echo "crashes: $(ls "$build/crashes" | wc -l) in $build/crashes"
