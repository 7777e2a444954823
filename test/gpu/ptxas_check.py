#!/usr/bin/env python3
"""Compiles the end-to-end test models with `dlc --target=cuda:<chip>
--emit=ptx` for sm_80 and sm_90a and assembles every PTX module with ptxas.
Fails when a model does not compile, ptxas rejects its PTX, or ptxas -v
reports register spills in any kernel. Exits 77 (skipped) without ptxas.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import models  # noqa: E402
import onnx  # noqa: E402

CHIPS = ["sm_80", "sm_90a"]
SKIPPED = 77


def find_ptxas(explicit):
    for candidate in [explicit, shutil.which("ptxas"),
                      "/usr/local/cuda/bin/ptxas"]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--ptxas", default=None)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    ptxas = find_ptxas(args.ptxas)
    if not ptxas:
        print("ptxas not found (set --ptxas or install the CUDA toolkit): "
              "skipped")
        return SKIPPED
    os.makedirs(args.workdir, exist_ok=True)
    builders = {"mlp": models.mlp, "cnn": models.cnn,
                "transformer": models.transformer_block}
    failures = 0
    print(f"{'model':<12} {'chip':<7} {'kernels':>7} {'max regs':>8} "
          f"{'spills':>6}  result")
    for name, build in builders.items():
        model_path = os.path.join(args.workdir, f"{name}.onnx")
        onnx.save(build(), model_path)
        for chip in CHIPS:
            ptx_path = os.path.join(args.workdir, f"{name}.{chip}.ptx")
            compiled = subprocess.run(
                [args.dlc, model_path, f"--target=cuda:{chip}", "--emit=ptx",
                 "-o", ptx_path], capture_output=True, text=True)
            if compiled.returncode != 0:
                print(f"{name:<12} {chip:<7} dlc failed:\n{compiled.stderr}")
                failures += 1
                continue
            assembled = subprocess.run(
                [ptxas, f"-arch={chip}", "-v", ptx_path, "-o", os.devnull],
                capture_output=True, text=True)
            report = assembled.stdout + assembled.stderr
            kernels = len(re.findall(r"Compiling entry function", report))
            regs = [int(r) for r in re.findall(r"Used (\d+) registers",
                                               report)]
            spills = sum(int(s) + int(l) for s, l in re.findall(
                r"(\d+) bytes spill stores, (\d+) bytes spill loads", report))
            entries = len(re.findall(r"^\.visible \.entry",
                                     open(ptx_path).read(), re.M))
            ok = (assembled.returncode == 0 and spills == 0 and
                  kernels == entries and entries > 0)
            print(f"{name:<12} {chip:<7} {kernels:>7} "
                  f"{max(regs, default=0):>8} {spills:>6}  "
                  f"{'ok' if ok else 'FAILED'}")
            if not ok:
                print(report)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
