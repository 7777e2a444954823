#!/usr/bin/env bash
# Builds dlc (tools/scripts/build.sh) and runs bench/bench.py: dlc against
# onnxruntime on ResNet-50, MobileNetV2, BERT-base and GPT-2 small, and the
# GEMM table. Arguments go to bench.py (e.g. --quick, --models bert,
# --threads 4, --runs 5); see docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DLC_BUILD_DIR:-$root/build}"
bash "$root/tools/scripts/build.sh" >/dev/null
exec "$root/.venv/bin/python" "$root/bench/bench.py" \
  --dlc "$build/bin/dlc" --dlc-run "$build/bin/dlc-run" \
  --workdir "$build/bench" "$@"
