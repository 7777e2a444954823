#!/usr/bin/env python3
"""The GPU check, run in the directory prepare_check.py filled, on a machine
with an NVIDIA GPU (no compiler, no network): runs each end-to-end model
with dlc-run on cuda:0 and compares its outputs with onnxruntime's CPU
outputs; benchmarks dlc's bf16 GEMMs and the ResNet-50 convolution against
cuBLAS and cuDNN through PyTorch when it is installed. Prints one table and
exits 1 if a model's outputs do not match.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def dlc_run(args, timeout=300):
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(HERE, "lib") + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return subprocess.run([os.path.join(HERE, "dlc-run")] + args, env=env,
                          capture_output=True, text=True, timeout=timeout)


def median_ms(output):
    match = re.search(r"median: ([0-9.]+) ms", output)
    return float(match.group(1)) if match else None


def to_bf16_values(array):
    """f32 values that bf16 holds exactly (round to nearest even)."""
    bits = array.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def torch_ms(fn, runs):
    import torch
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times))


def torch_available():
    try:
        import torch
        return torch.cuda.is_available()
    except ImportError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-benchmarks", action="store_true")
    args = parser.parse_args()
    manifest = json.load(open(os.path.join(HERE, "manifest.json")))
    started = time.time()
    rows, failures = [], 0
    work = os.path.join(HERE, "work")
    os.makedirs(work, exist_ok=True)

    for case in manifest["models"]:
        label = f"{case['name']} {case['precision']}"
        outputs = os.path.join(work, f"{case['name']}.{case['precision']}.npz")
        ran = dlc_run([os.path.join(HERE, case["library"]), "--device",
                       "cuda", "--inputs", os.path.join(HERE, case["inputs"]),
                       "--output", outputs])
        if ran.returncode != 0:
            rows.append((label, "error", "", "", ran.stderr.strip()[-200:]))
            failures += 1
            continue
        got = np.load(outputs)
        expected = np.load(os.path.join(HERE, case["expected"]))
        worst, ok = 0.0, True
        for key in expected.files:
            diff = np.abs(got[key].astype(np.float64) - expected[key])
            worst = max(worst, float(diff.max(initial=0)))
            ok &= bool(np.allclose(got[key], expected[key], rtol=case["rtol"],
                                   atol=case["atol"]))
        failures += not ok
        rows.append((label, f"max|diff| {worst:.2e}", "onnxruntime cpu",
                     f"rtol {case['rtol']:g} atol {case['atol']:g}",
                     "ok" if ok else "MISMATCH"))

    have_torch = torch_available() and not args.skip_benchmarks
    for bench in [] if args.skip_benchmarks else manifest["benchmarks"]:
        library = os.path.join(HERE, bench["library"])
        note = ""
        if bench["kind"] == "gemm" and bench["size"] <= 4096:
            # Numerics on exactly representable inputs, against f32 numpy.
            size = bench["size"]
            rng = np.random.default_rng(0)
            a = to_bf16_values(rng.uniform(-1, 1, (size, size)))
            b = to_bf16_values(rng.uniform(-1, 1, (size, size)))
            inputs = os.path.join(work, f"gemm{size}.inputs.npz")
            outputs = os.path.join(work, f"gemm{size}.outputs.npz")
            np.savez(inputs, a=a, b=b)
            ran = dlc_run([library, "--device", "cuda", "--inputs", inputs,
                           "--output", outputs])
            if ran.returncode == 0:
                ref = a @ b
                error = float(np.abs(np.load(outputs)["y"] - ref).max() /
                              np.abs(ref).max())
                ok = error < 1e-2
                failures += not ok
                note = f"rel err {error:.1e} {'ok' if ok else 'MISMATCH'}"
            else:
                failures += 1
                note = "error: " + ran.stderr.strip()[-120:]
        ran = dlc_run([library, "--device", "cuda", "--bench",
                       str(args.runs)])
        ms = median_ms(ran.stdout)
        if ms is None:
            rows.append((bench["name"], "error", "", "",
                         ran.stderr.strip()[-200:]))
            failures += 1
            continue
        reference, ratio = "-", "-"
        if have_torch:
            import torch
            if bench["kind"] == "gemm":
                size = bench["size"]
                a = torch.randn(size, size, dtype=torch.bfloat16,
                                device="cuda")
                b = torch.randn(size, size, dtype=torch.bfloat16,
                                device="cuda")
                ref_ms = torch_ms(lambda: torch.matmul(a, b), args.runs)
                library_name = "cuBLAS"
            else:
                torch.backends.cudnn.benchmark = True
                torch.backends.cudnn.allow_tf32 = bench["precision"] == "tf32"
                dtype = (torch.bfloat16 if bench["precision"] == "bf16"
                         else torch.float32)
                x = torch.randn(*bench["shape"], device="cuda", dtype=dtype)
                w = torch.randn(*bench["weight"], device="cuda", dtype=dtype)
                ref_ms = torch_ms(
                    lambda: torch.nn.functional.conv2d(x, w, padding=1),
                    args.runs)
                library_name = "cuDNN"
            reference = (f"{library_name} {ref_ms:.3f} ms "
                         f"({bench['flops'] / ref_ms / 1e9:.0f} TFLOP/s)")
            ratio = f"dlc at {100 * ref_ms / ms:.0f}% of {library_name}"
        rows.append((bench["name"],
                     f"{ms:.3f} ms ({bench['flops'] / ms / 1e9:.0f} TFLOP/s)",
                     reference, ratio, note))

    device = "unknown GPU"
    try:
        device = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version",
             "--format=csv,noheader"], capture_output=True, text=True,
            timeout=30).stdout.strip() or device
    except (OSError, subprocess.TimeoutExpired):
        pass
    print(f"dlc GPU check: {device}, models compiled for {manifest['chip']}"
          f"{'' if have_torch else ' (no PyTorch: no cuBLAS/cuDNN columns)'}")
    widths = [max(len(str(row[i])) for row in rows + [("case", "dlc",
              "reference", "comparison", "result")]) for i in range(5)]
    for row in [("case", "dlc", "reference", "comparison", "result")] + rows:
        print(" | ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    print(f"{failures} failure(s), {time.time() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
