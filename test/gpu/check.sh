#!/bin/sh
# The GPU check in two steps.
#   test/gpu/check.sh prepare [DIR]   on a machine with a dlc build (build/):
#                                     compiles the models and benchmarks for
#                                     CHIP (default sm_90a) into DIR
#                                     (default build/gpu-check)
#   test/gpu/check.sh run [DIR]       on a machine with an NVIDIA GPU, from
#                                     DIR alone: runs and prints the table
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
step=${1:-}
dir=${2:-$root/build/gpu-check}
case "$step" in
prepare)
  python=$root/.venv/bin/python
  [ -x "$python" ] || python=python3
  exec "$python" "$root/test/gpu/prepare_check.py" \
    --dlc "$root/build/bin/dlc" --dlc-run "$root/build/bin/dlc-run" \
    --runtime "$root/build/lib/libdlcrt.so" --chip "${CHIP:-sm_90a}" \
    --out "$dir" ;;
run)
  exec python3 "$dir/run_check.py" ;;
*)
  echo "usage: $0 prepare|run [DIR]" >&2
  exit 2 ;;
esac
