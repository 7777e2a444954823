#!/usr/bin/env python3
"""Builds the artifacts of the GPU check (test/gpu/check.sh) on a machine
with dlc: the end-to-end test models compiled for a CUDA chip in each
precision (fp32, tf32, bf16, fp16) with their inputs and onnxruntime's CPU
outputs, an int8 GEMM with its exact product, the bf16 GEMM and ResNet-50
convolution benchmark models, dlc-run and libdlcrt (with the
libraries dlc-run needs that a GPU machine may lack), and run_check.py. The
directory is self-contained: copy it to a machine with an NVIDIA GPU, its
driver, Python 3 with numpy and, for the cuBLAS/cuDNN columns, PyTorch.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)
import models  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import ptxas_check  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

# Tolerances against onnxruntime's fp32 CPU outputs, per precision: fp32
# kernels are exact up to reassociation and dlc's polynomial exp/tanh/erf;
# TF32 keeps 10 mantissa bits of each product input, bf16 8, fp16 11.
TOLERANCES = {"fp32": (1e-3, 1e-4), "tf32": (1e-2, 1e-2),
              "bf16": (5e-2, 5e-2), "fp16": (1e-2, 1e-2)}


def matmul_model(size, dtype=TensorProto.BFLOAT16):
    """y = a @ b with both operands inputs, as cuBLAS benchmarks them."""
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="gemm")],
        f"gemm{size}",
        [helper.make_tensor_value_info("a", dtype, [size, size]),
         helper.make_tensor_value_info("b", dtype, [size, size])],
        [helper.make_tensor_value_info("y", dtype, [size, size])])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


def random_inputs(model, seed):
    rng = np.random.default_rng(seed)
    feeds = {}
    for value in model.graph.input:
        if value.name in {init.name for init in model.graph.initializer}:
            continue
        dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
        feeds[value.name] = rng.uniform(-1, 1, dims).astype(np.float32)
    return feeds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--runtime", required=True, help="libdlcrt.so")
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "lib"), exist_ok=True)
    manifest = {"chip": args.chip, "models": [], "benchmarks": []}

    def compile_model(model, name, precision):
        path = os.path.join(out, f"{name}.onnx")
        onnx.save(model, path)
        library = f"{name}.{precision}.so"
        subprocess.run([args.dlc, path, f"--target=cuda:{args.chip}",
                        f"--precision={precision}", "-o",
                        os.path.join(out, library)], check=True)
        return library

    builders = {"mlp": models.mlp, "cnn": models.cnn,
                "transformer": models.transformer_block,
                "linear": ptxas_check.linear,
                "conv3x3": lambda: ptxas_check.conv_model(2, 64, 14)}
    for seed, (name, build) in enumerate(builders.items()):
        model = build()
        feeds = random_inputs(model, seed)
        np.savez(os.path.join(out, f"{name}.inputs.npz"), **feeds)
        session = ort.InferenceSession(model.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        expected = dict(zip(names, session.run(None, feeds)))
        np.savez(os.path.join(out, f"{name}.expected.npz"), **expected)
        for precision in ["fp32", "tf32", "bf16", "fp16"]:
            rtol, atol = TOLERANCES[precision]
            manifest["models"].append({
                "name": name, "precision": precision,
                "library": compile_model(model, name, precision),
                "inputs": f"{name}.inputs.npz",
                "expected": f"{name}.expected.npz", "rtol": rtol,
                "atol": atol})
    # The int8 GEMM (u8 x s8 mma.sync) is exact: numpy's int64 product is
    # the reference (onnxruntime's x86 u8 x s8 kernels add int16-saturated
    # pairs of products).
    model = ptxas_check.int8_linear()
    weights = {init.name: numpy_helper.to_array(init)
               for init in model.graph.initializer}
    x = np.random.default_rng(7).integers(0, 256, (256, 768)).astype(np.uint8)
    product = ((x.astype(np.int64) - weights["x_zero"].astype(np.int64)) @
               (weights["w"].astype(np.int64) -
                weights["w_zero"].astype(np.int64)))
    np.savez(os.path.join(out, "int8_linear.inputs.npz"), x=x)
    np.savez(os.path.join(out, "int8_linear.expected.npz"),
             y=product.astype(np.int32))
    manifest["models"].append({
        "name": "int8_linear", "precision": "int8",
        "library": compile_model(model, "int8_linear", "fp32"),
        "inputs": "int8_linear.inputs.npz",
        "expected": "int8_linear.expected.npz", "rtol": 0, "atol": 0})
    for size in [4096, 8192]:
        manifest["benchmarks"].append({
            "name": f"gemm bf16 {size}^3", "kind": "gemm", "size": size,
            "flops": 2 * size ** 3,
            "library": compile_model(matmul_model(size), f"gemm{size}",
                                     "bf16")})
    for precision in ["fp32", "tf32", "bf16"]:
        manifest["benchmarks"].append({
            "name": f"resnet conv 3x3 64ch 56x56 b32 {precision}",
            "kind": "conv", "precision": precision,
            "shape": [32, 64, 56, 56], "weight": [64, 64, 3, 3],
            "flops": 2 * 32 * 64 * 56 * 56 * 64 * 9,
            "library": compile_model(ptxas_check.conv_model(), "resnet_conv",
                                     precision)})

    shutil.copy(args.dlc_run, os.path.join(out, "dlc-run"))
    shutil.copy(args.runtime, os.path.join(out, "lib", "libdlcrt.so"))
    # dlc-run's libraries that are not part of every Linux system.
    ldd = subprocess.run(["ldd", args.dlc_run], capture_output=True,
                         text=True).stdout
    for line in ldd.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0].startswith(("libzip", "libbz2")):
            shutil.copy(fields[2], os.path.join(out, "lib", fields[0]))
    shutil.copy(os.path.join(HERE, "run_check.py"), out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"GPU check artifacts for {args.chip} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
