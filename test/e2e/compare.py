#!/usr/bin/env python3
"""Compiles an ONNX model with dlc, runs it with dlc-run and compares every
output with onnxruntime on the same random inputs.

Exit status 0 when all outputs match within the tolerances, 1 otherwise.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

# The tolerances of this test (fp32): |dlc - ort| <= ATOL + RTOL * |ort|.
RTOL = 1e-3
ATOL = 1e-5

NP_TYPES = {1: np.float32, 11: np.float64, 6: np.int32, 7: np.int64,
            9: np.bool_, 10: np.float16}


def random_inputs(model, seed):
    rng = np.random.default_rng(seed)
    inits = {i.name for i in model.graph.initializer}
    feeds = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        ttype = value.type.tensor_type
        shape = [d.dim_value for d in ttype.shape.dim]
        dtype = NP_TYPES[ttype.elem_type]
        if dtype in (np.float32, np.float64, np.float16):
            feeds[value.name] = rng.uniform(-1, 1, shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[value.name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[value.name] = rng.integers(0, 8, shape).astype(dtype)
    return feeds


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(f"command failed ({result.returncode}): {' '.join(cmd)}\n"
                         f"{result.stdout}{result.stderr}")
        sys.exit(1)
    return result.stdout


def compare(model_path, workdir, dlc, dlc_run, bench=0, seed=0, quiet=False):
    model = onnx.load(model_path)
    name = os.path.splitext(os.path.basename(model_path))[0]
    so_path = os.path.join(workdir, name + ".so")
    in_path = os.path.join(workdir, name + ".inputs.npz")
    out_path = os.path.join(workdir, name + ".outputs.npz")

    start = time.perf_counter()
    run([dlc, model_path, "-o", so_path])
    compile_s = time.perf_counter() - start

    feeds = random_inputs(model, seed)
    np.savez(in_path, **feeds)
    cmd = [dlc_run, so_path, "--inputs", in_path, "--output", out_path]
    if bench:
        cmd += ["--bench", str(bench)]
    stdout = run(cmd)
    dlc_ms = None
    match = re.search(r"^median: ([0-9.]+) ms", stdout, re.M)
    if match:
        dlc_ms = float(match.group(1))

    session = ort.InferenceSession(model_path,
                                   providers=["CPUExecutionProvider"])
    expected = session.run(None, feeds)
    ort_ms = None
    if bench:
        session.run(None, feeds)
        times = []
        for _ in range(bench):
            t0 = time.perf_counter()
            session.run(None, feeds)
            times.append((time.perf_counter() - t0) * 1e3)
        ort_ms = float(np.median(times))

    got = np.load(out_path)
    ok = True
    report = []
    for info, want in zip(session.get_outputs(), expected):
        have = got[info.name]
        if have.shape != want.shape:
            report.append(f"  {info.name}: shape {have.shape} != {want.shape}")
            ok = False
            continue
        diff = float(np.max(np.abs(have.astype(np.float64) - want))) if want.size else 0.0
        close = np.allclose(have, want, rtol=RTOL, atol=ATOL)
        ok &= bool(close)
        report.append(f"  {info.name}: shape {list(want.shape)}, max |dlc - onnxruntime| = "
                      f"{diff:.3g} ({'ok' if close else 'MISMATCH'}, rtol {RTOL}, atol {ATOL})")
        if not quiet:
            flat = have.reshape(-1)[:6]
            report.append(f"    first values: {np.array2string(flat, precision=5)}")
    print(f"{name}: compiled in {compile_s:.2f} s")
    print("\n".join(report))
    if bench:
        print(f"  latency (median of {bench}): dlc {dlc_ms:.3f} ms, "
              f"onnxruntime {ort_ms:.3f} ms, ratio dlc/onnxruntime "
              f"{dlc_ms / ort_ms:.2f}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="a .onnx file or a bundled model name: "
                        + ", ".join(models.MODELS))
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--bench", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    path = args.model
    if args.model in models.MODELS:
        path = os.path.join(args.workdir, args.model + ".onnx")
        onnx.save(models.MODELS[args.model](), path)
    ok = compare(path, args.workdir, args.dlc, args.dlc_run, args.bench,
                 args.seed)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
