#!/usr/bin/env python3
"""Symbolic dims end to end: each model is compiled ONCE by dlc with its
batch (and sequence) dims left symbolic, then run by dlc-run on several sizes
and compared with onnxruntime. Inputs that break a size the model relies on
must fail with the node's run-time check message."""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def symbolic(model, dims):
    """Gives graph inputs and outputs the symbolic dims {index: name}."""
    for value in list(model.graph.input) + list(model.graph.output):
        shape = value.type.tensor_type.shape
        for index, name in dims.items():
            if index < len(shape.dim):
                shape.dim[index].dim_param = name
    del model.graph.value_info[:]
    return model


def transformer(dim=64, heads=4):
    """The transformer block with batch- and sequence-free reshapes."""
    model = models.transformer_block()
    for init in model.graph.initializer:
        if init.name == "heads_shape":
            init.CopyFrom(numpy_helper.from_array(
                np.array([0, 0, heads, dim // heads], np.int64), init.name))
        elif init.name == "merged_shape":
            init.CopyFrom(numpy_helper.from_array(
                np.array([0, 0, dim], np.int64), init.name))
    return symbolic(model, {0: "batch", 1: "seq"})


def shape_chain():
    """Shape -> Gather -> Concat -> Reshape, as exporters write it, plus a
    Flatten, a ReduceMean and a Concat of dynamic tensors."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["b"], axis=0),
        helper.make_node("Unsqueeze", ["b", "axes0"], ["b1"]),
        helper.make_node("Concat", ["b1", "minus1"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["flat"], name="flatten_rs"),
        helper.make_node("Concat", ["flat", "flat"], ["twice"], axis=1),
        helper.make_node("ReduceMean", ["twice", "axes1"], ["mean"],
                         keepdims=1),
        helper.make_node("Sub", ["twice", "mean"], ["y"]),
        helper.make_node("Flatten", ["x"], ["f"], axis=2),
    ]
    inits = [numpy_helper.from_array(np.array(0, np.int64), "zero"),
             numpy_helper.from_array(np.array([0], np.int64), "axes0"),
             numpy_helper.from_array(np.array([1], np.int64), "axes1"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
    graph = helper.make_graph(
        nodes, "shape_chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["n", "t", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", None]),
         helper.make_tensor_value_info("f", TensorProto.FLOAT,
                                       [None, 3])],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def broadcast_pair():
    """Two inputs with different symbols that the Add assumes equal."""
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["c"], name="add_ab")],
        "broadcast_pair",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", 4]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, ["m", 4])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, ["n", 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def non_zero():
    """NonZero whose output count is only known at run time, and its
    transpose."""
    nodes = [
        helper.make_node("NonZero", ["x"], ["idx"], name="nz"),
        helper.make_node("Transpose", ["idx"], ["pairs"], perm=[1, 0]),
    ]
    graph = helper.make_graph(
        nodes, "non_zero",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])],
        [helper.make_tensor_value_info("idx", TensorProto.INT64, [2, None]),
         helper.make_tensor_value_info("pairs", TensorProto.INT64,
                                       [None, 2])],
        [])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


# name -> (model, {input: shape per run}, ...)
CASES = {
    "mlp": (symbolic(models.mlp(), {0: "batch"}),
            [{"x": (1, 32)}, {"x": (5, 32)}, {"x": (16, 32)}]),
    "cnn": (symbolic(models.cnn(), {0: "batch"}),
            [{"x": (1, 3, 32, 32)}, {"x": (3, 3, 32, 32)}]),
    "transformer": (transformer(),
                    [{"x": (1, 16, 64)}, {"x": (2, 7, 64)},
                     {"x": (3, 33, 64)}]),
    "shape_chain": (shape_chain(),
                    [{"x": (1, 2, 3)}, {"x": (4, 5, 3)}, {"x": (2, 0, 3)}]),
    "non_zero": (non_zero(), [{"x": (3, 4)}] * 3),
    "broadcast_pair": (broadcast_pair(),
                       [{"a": (3, 4), "b": (3, 4)}, {"a": (1, 4),
                                                     "b": (1, 4)}]),
}

# Runs that must fail with this message: (case, input shapes, message).
FAILING = [
    ("broadcast_pair", {"a": (3, 4), "b": (2, 4)},
     "node 'add_ab' (dlg.add): the run-time size of dim 0 of operand 1 "
     "differs from dim 0 of operand 0"),
    ("transformer", {"x": (2, 16, 63)}, "expects"),
]


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(0)
    failures = 0
    libs = {}
    for name, (model, runs) in CASES.items():
        path = os.path.join(args.workdir, name + ".onnx")
        onnx.save(model, path)
        lib = os.path.join(args.workdir, name + ".so")
        result = run([args.dlc, path, "-o", lib])
        if result.returncode:
            print(f"FAIL {name}: compile: {result.stderr.strip()}")
            failures += 1
            continue
        libs[name] = lib
        session = ort.InferenceSession(path,
                                       providers=["CPUExecutionProvider"])
        for i, shapes in enumerate(runs):
            feeds = {k: rng.standard_normal(s).astype(np.float32)
                     for k, s in shapes.items()}
            if name == "non_zero":  # a different count each run
                feeds["x"][rng.random(feeds["x"].shape) < 0.3 * i] = 0
            inputs = os.path.join(args.workdir, f"{name}_in{i}.npz")
            outputs = os.path.join(args.workdir, f"{name}_out{i}.npz")
            np.savez(inputs, **feeds)
            result = run([args.dlc_run, lib, "--inputs", inputs, "--output",
                          outputs])
            if result.returncode:
                print(f"FAIL {name} {shapes}: {result.stderr.strip()}")
                failures += 1
                continue
            got = np.load(outputs)
            want = session.run(None, feeds)
            for out, expected in zip(session.get_outputs(), want):
                actual = got[out.name]
                if actual.shape != expected.shape or not np.allclose(
                        actual, expected, rtol=1e-3, atol=1e-4):
                    print(f"FAIL {name} {shapes}: output {out.name} shape "
                          f"{actual.shape} vs {expected.shape}, max diff "
                          f"{np.max(np.abs(actual - expected)) if actual.shape == expected.shape else '-'}")
                    failures += 1
            print(f"ok   {name} {shapes}")
    for name, shapes, message in FAILING:
        if name not in libs:
            continue
        feeds = {k: rng.standard_normal(s).astype(np.float32)
                 for k, s in shapes.items()}
        inputs = os.path.join(args.workdir, f"{name}_bad.npz")
        np.savez(inputs, **feeds)
        result = run([args.dlc_run, libs[name], "--inputs", inputs])
        if result.returncode == 0 or message not in result.stderr:
            print(f"FAIL {name} {shapes} must fail with '{message}': "
                  f"rc {result.returncode}: {result.stderr.strip()}")
            failures += 1
        else:
            print(f"ok   {name} {shapes} fails: {result.stderr.strip()}")
    print(f"{failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
