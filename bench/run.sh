#!/usr/bin/env bash
# Side-by-side latency of dlc and onnxruntime on the bundled models, as
# ratios, in one run on the same inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/scripts/build.sh" >/dev/null
build="${DLC_BUILD_DIR:-$root/build}"
for model in "${@:-mlp cnn transformer}"; do
  for m in $model; do
    "$root/.venv/bin/python" "$root/test/e2e/compare.py" "$m" --bench "${BENCH_RUNS:-100}" \
      --dlc "$build/bin/dlc" --dlc-run "$build/bin/dlc-run" \
      --workdir "$build/bench/$m" | grep -E "^[a-z]|latency"
  done
done
