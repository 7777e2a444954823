#!/usr/bin/env python3
"""Shape arguments computed from Shape at import time (integer folding) and
Range / ConstantOfShape with arguments that are graph inputs: run with
several valid values and compared with onnxruntime as in ops.py; invalid
values must make dlc-run fail with the node's check message.
"""

import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case, f32, i64  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
x = rng.standard_normal((2, 6, 4)).astype(np.float32)
scalar_i32 = lambda v: np.array(v, np.int32)
scalar_i64 = lambda v: np.array(v, np.int64)
scalar_f32 = lambda v: np.array(v, np.float32)


def range_case(start, limit, delta, dtype, length):
    return case([N("Range", ["s", "l", "d"], ["y"])],
                {"s": start, "l": limit, "d": delta},
                {"y": (dtype, [length])}, opset=11)


def constant_of_shape_case(shape, declared):
    return case([N("ConstantOfShape", ["shape"], ["y"],
                   value=onnx.numpy_helper.from_array(f32(1.5)))],
                {"shape": shape}, {"y": (np.float32, declared)}, opset=9)


# Shape -> Div/Mod/Neg/Abs/Equal/Where/Cast/Mul -> Reshape, all known at
# import time from the static input shape.
fold_nodes = [
    N("Shape", ["x"], ["s"]),
    N("Div", ["s", "k121"], ["half"]),          # [2, 3, -4]
    N("Abs", ["half"], ["a"]),                  # [2, 3, 4]
    N("Neg", ["s"], ["neg"]),                   # [-2, -6, -4]
    N("Mod", ["neg", "k543"], ["m"]),           # [3, 2, 2]
    N("Equal", ["m", "k322"], ["e"]),           # all true
    N("Where", ["e", "a", "s"], ["w"]),         # [2, 3, 4]
    N("Cast", ["w"], ["w32"], to=6),
    N("Cast", ["w32"], ["w64"], to=7),
    N("Mul", ["w64", "k112"], ["target"]),      # [2, 3, 8]
    N("Reshape", ["x", "target"], ["y"]),
    # Range(0, ReduceProd(Shape), 1) and ConstantOfShape of a computed shape.
    N("ReduceProd", ["s"], ["count"], keepdims=0),
    N("Range", ["zero", "count", "one"], ["r"]),
    N("Unsqueeze", ["count", "axis0"], ["count1"]),
    N("ConstantOfShape", ["count1"], ["ones"],
      value=onnx.numpy_helper.from_array(i64(1))),
    N("Add", ["r", "ones"], ["r1"]),
]
fold_inits = [("k121", i64(1, 2, -1)), ("k543", i64(5, 4, 3)),
              ("k322", i64(3, 2, 2)), ("k112", i64(1, 1, 2)),
              ("zero", scalar_i64(0)), ("one", scalar_i64(1)),
              ("axis0", i64(0))]

CASES = {
    "fold_shape_arithmetic": case(
        fold_nodes, {"x": x},
        {"y": (np.float32, [2, 3, 8]), "r1": (np.int64, [48])},
        inits=fold_inits, opset=18),
    "range_runtime_int64": range_case(
        scalar_i64(0), scalar_i64(8), scalar_i64(2), np.int64, 4),
    "range_runtime_int64_other_values": range_case(
        scalar_i64(-3), scalar_i64(1), scalar_i64(1), np.int64, 4),
    "range_runtime_int32_negative_delta": range_case(
        scalar_i32(10), scalar_i32(3), scalar_i32(-2), np.int32, 4),
    "range_runtime_float": range_case(
        scalar_f32(0.5), scalar_f32(2.4), scalar_f32(0.5), np.float32, 4),
    "range_runtime_float_negative": range_case(
        scalar_f32(1.0), scalar_f32(-1.0), scalar_f32(-0.75), np.float32, 3),
    "range_runtime_empty": range_case(
        scalar_i64(5), scalar_i64(1), scalar_i64(1), np.int64, 0),
    "constant_of_shape_runtime": constant_of_shape_case(i64(2, 3), [2, 3]),
}

# Run-time values inconsistent with the declared shapes: the run fails with
# the check's message.
FAILING = {
    "range_runtime_wrong_length": (
        range_case(scalar_i64(0), scalar_i64(10), scalar_i64(2), np.int64, 4),
        "do not give the declared length 4"),
    "range_runtime_zero_delta": (
        range_case(scalar_i64(0), scalar_i64(0), scalar_i64(0), np.int64, 0),
        # Both of Range's checks fail; either message may be reported.
        "(Range, opset 11): the run-time"),
    "constant_of_shape_runtime_wrong_shape": (
        constant_of_shape_case(i64(3, 2), [2, 3]),
        "is not the declared output shape [2, 3]"),
}


if __name__ == "__main__":
    ops.main(CASES, FAILING, __doc__)
