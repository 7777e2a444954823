#!/usr/bin/env python3
"""Model ABI 3 end to end without the ONNX importer: dynamic_abi.mlir
(linalg on tensors with a dynamic batch) is compiled with dlc-opt
(record-model-interface + the CPU codegen pipeline), translated to LLVM IR,
compiled and linked into a shared library the way the dlc driver links, run
with dlc-run for several batch sizes and compared with numpy. Also checks
the metadata dims (`?batch`) and that a model input of the wrong static
size is rejected.
"""

import argparse
import os
import subprocess
import sys

import numpy as np


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result


def build(args, here):
    os.makedirs(args.workdir, exist_ok=True)
    lowered = os.path.join(args.workdir, "model.llvm.mlir")
    ll = os.path.join(args.workdir, "model.ll")
    obj = os.path.join(args.workdir, "model.o")
    lib = os.path.join(args.workdir, "model.so")
    run([args.dlc_opt, os.path.join(here, "dynamic_abi.mlir"),
         "--dlc-codegen-record-model-interface=entry=main",
         "--dlc-cpu-codegen-pipeline=entry=main", "-o", lowered])
    text = open(lowered).read()
    for token in ("?batch 16", "output colsum f32 1 16", "?batch 4 4",
                  "output y2 f32 2 ? 4"):
        if token not in text:
            sys.exit(f"FAIL: metadata lacks {token!r}")
    run([args.mlir_translate, "--mlir-to-llvmir", lowered, "-o", ll])
    run([args.clang, "-O2", "-fPIC", "-Wno-override-module", "-c", ll,
         "-o", obj])
    # As the dlc driver links (compiler/targets/cpu/CpuTarget.cpp).
    run([args.clang, "-shared", "-o", lib, obj, "-L" + args.openmp_dir,
         "-Wl,-rpath," + args.openmp_dir, "-lomp", "-lm",
         "-Wl,--no-undefined", "-Wl,-z,noexecstack", "-rtlib=compiler-rt"])
    return lib


def expected(x):
    relu = np.maximum(x, 0)
    y = relu @ np.full((16, 4), 0.5, np.float32)
    rowmax = x.max(axis=1) if len(x) else np.zeros(0, np.float32)
    return {"y": y, "colsum": x.sum(axis=0), "view": x.reshape(-1, 4, 4),
            "rowmax": rowmax, "same": x, "y2": y}


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--dlc-opt", "--dlc-run", "--mlir-translate", "--clang",
                 "--openmp-dir", "--workdir"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    lib = build(args, os.path.dirname(os.path.abspath(__file__)))
    rng = np.random.default_rng(0)
    failures = 0
    for batch in (1, 3, 7, 0):
        x = rng.standard_normal((batch, 16)).astype(np.float32)
        inputs = os.path.join(args.workdir, f"in{batch}.npz")
        outputs = os.path.join(args.workdir, f"out{batch}.npz")
        np.savez(inputs, x=x)
        run([args.dlc_run, lib, "--inputs", inputs, "--output", outputs])
        got = np.load(outputs)
        for name, want in expected(x).items():
            if got[name].shape != want.shape or not np.allclose(
                    got[name], want, rtol=1e-5, atol=1e-5):
                print(f"FAIL: batch {batch} output {name}: shape "
                      f"{got[name].shape} vs {want.shape}")
                failures += 1
        print(f"batch {batch}: {'ok' if not failures else 'FAILED'}")
    # Static dims are still checked: x must have 16 columns.
    bad = os.path.join(args.workdir, "bad.npz")
    np.savez(bad, x=np.zeros((2, 15), np.float32))
    result = subprocess.run([args.dlc_run, lib, "--inputs", bad],
                            capture_output=True, text=True)
    if result.returncode == 0 or "expects [?batch,16]" not in result.stderr:
        print(f"FAIL: a [2,15] input was not rejected: {result.stderr}")
        failures += 1
    # The --bench path reuses the model-allocated outputs across runs.
    run([args.dlc_run, lib, "--bench", "3"])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
