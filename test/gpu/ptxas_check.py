#!/usr/bin/env python3
"""Compiles the end-to-end test models, and a BERT-shaped linear layer, with
`dlc --target=cuda:<chip> --emit=ptx` for sm_80 and sm_90a, in every
precision, and assembles every PTX module with ptxas. Fails when a model
does not compile, ptxas rejects its PTX, ptxas -v reports register spills in
any kernel, a kernel calls libdevice (compiled without the CUDA toolkit's
paths, the PTX must stand alone), or the linear layer lacks its tensor-core
kernel: wgmma fed by TMA (cp.async.bulk.tensor) in bf16 and fp16 on sm_90a,
mma.sync otherwise (tf32 on both chips); the int8 linear layer
(MatMulInteger, u8 x s8) uses the m16n8k32 integer mma.sync in every
precision; a ResNet 3x3 convolution is an implicit GEMM on mma.sync in the
precision's type (TF32, bf16 or f16).
Exits 77 (skipped) without ptxas.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import models  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

CHIPS = ["sm_80", "sm_90a"]
PRECISIONS = ["fp32", "tf32", "bf16", "fp16"]
SKIPPED = 77


def find_ptxas(explicit):
    for candidate in [explicit, shutil.which("ptxas"),
                      "/usr/local/cuda/bin/ptxas"]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def linear(batch=2, seq=128, features=768):
    """x @ W + b with BERT-base shapes: a GEMM the tensor-core kernel takes."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(
                 rng.standard_normal((features, features)).astype(np.float32),
                 "w"),
             numpy_helper.from_array(
                 rng.standard_normal(features).astype(np.float32), "b")]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
             helper.make_node("Add", ["xw", "b"], ["y"], name="bias")]
    graph = helper.make_graph(
        nodes, "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [batch, seq, features])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [batch, seq, features])], inits)
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


def int8_linear(rows=256, features=768):
    """MatMulInteger of u8 activations and s8 weights with zero points."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(
                 rng.integers(-128, 128, (features, features)).astype(np.int8),
                 "w"),
             numpy_helper.from_array(np.array(128, np.uint8), "x_zero"),
             numpy_helper.from_array(np.array(3, np.int8), "w_zero")]
    nodes = [helper.make_node("MatMulInteger", ["x", "w", "x_zero", "w_zero"],
                              ["y"], name="matmul_integer")]
    graph = helper.make_graph(
        nodes, "int8_linear",
        [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                       [rows, features])],
        [helper.make_tensor_value_info("y", TensorProto.INT32,
                                       [rows, features])], inits)
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


def conv_model(batch=32, channels=64, size=56):
    """ResNet-50's conv2_x 3x3 convolution (64 -> 64 channels, 56x56)."""
    rng = np.random.default_rng(3)
    weight = numpy_helper.from_array(
        (rng.standard_normal((channels, channels, 3, 3)) * 0.05).astype(
            np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                          pads=[1, 1, 1, 1])],
        "resnet_conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [batch, channels, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [batch, channels, size, size])],
        [weight])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


INT8_MMA = "mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32"


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
                "transformer": models.transformer_block, "linear": linear,
                "int8_linear": int8_linear,
                "conv3x3": lambda: conv_model(2, 64, 14)}
    failures = 0
    print(f"{'model':<12} {'chip':<7} {'precision':<9} {'kernels':>7} "
          f"{'mma.sync':>8} {'wgmma':>5} {'tma':>3} {'max regs':>8} "
          f"{'spills':>6}  result")
    for name, build in builders.items():
        model_path = os.path.join(args.workdir, f"{name}.onnx")
        onnx.save(build(), model_path)
        for chip, precision in [(c, p) for c in CHIPS
                                for p in PRECISIONS]:
            ptx_path = os.path.join(args.workdir,
                                    f"{name}.{chip}.{precision}.ptx")
            # Without the toolkit's paths, as on a machine without CUDA: the
            # PTX must not depend on libdevice.
            env = {k: v for k, v in os.environ.items()
                   if k not in ("CUDA_PATH", "CUDA_HOME", "CUDA_ROOT")}
            env["DLC_PTXAS"] = "none"
            compiled = subprocess.run(
                [args.dlc, model_path, f"--target=cuda:{chip}", "--emit=ptx",
                 f"--precision={precision}", "-o", ptx_path],
                capture_output=True, text=True, env=env)
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
            ptx = open(ptx_path).read()
            entries = len(re.findall(r"^\.visible \.entry", ptx, re.M))
            mmas = len(re.findall(r"\bmma\.sync\.aligned", ptx))
            wgmmas = len(re.findall(r"wgmma\.mma_async", ptx))
            tmas = len(re.findall(r"cp\.async\.bulk\.tensor", ptx))
            libdevice = re.findall(r"__nv_\w+", ptx)
            ok = (assembled.returncode == 0 and spills == 0 and
                  kernels == entries and entries > 0 and not libdevice)
            hopper = chip == "sm_90a" and precision in ("bf16", "fp16")
            if name == "linear" and precision != "fp32":
                if hopper and (wgmmas == 0 or tmas == 0):
                    ok = False
                if not hopper and mmas == 0:
                    ok = False
            if name == "int8_linear" and INT8_MMA not in ptx:
                ok = False
            # Implicit GEMMs: TF32, or the demoted 16-bit inputs.
            if name == "conv3x3" and precision != "fp32" and (
                    f"m16n8k{8 if precision == 'tf32' else 16}.row.col.f32."
                    f"{ {'tf32': 'tf32', 'bf16': 'bf16', 'fp16': 'f16'}[precision] }"
                    not in ptx):
                ok = False
            print(f"{name:<12} {chip:<7} {precision:<9} {kernels:>7} "
                  f"{mmas:>8} {wgmmas:>5} {tmas:>3} "
                  f"{max(regs, default=0):>8} {spills:>6}  "
                  f"{'ok' if ok else 'FAILED'}")
            if not ok:
                print(report)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
