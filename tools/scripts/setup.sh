#!/usr/bin/env bash
# Installs everything dlc needs on a fresh Debian 12 machine: LLVM/MLIR 22, ONNX C++
# headers, build tools, and a project-local Python venv (onnx, onnxruntime, numpy).
# Idempotent: a machine that already has everything returns in about a second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

debs=(llvm-22-dev libmlir-22-dev mlir-22-tools clang-22 libclang-rt-22-dev lld-22 libomp-22-dev libonnx-dev
      libprotobuf-dev protobuf-compiler libzip-dev zlib1g-dev libgtest-dev cmake
      ninja-build ccache python3-venv)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv="$root/.venv"
stamp="$venv/.dlc-requirements"
req="$root/tools/scripts/requirements.txt"
if [[ ! -f $stamp ]] || ! cmp -s "$req" "$stamp"; then
  echo "setup: creating Python environment in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$req"
  cp "$req" "$stamp"
fi
