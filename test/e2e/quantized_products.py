#!/usr/bin/env python3
"""MatMulInteger and QLinearMatMul on 8-bit operands (raw int8/uint8
products with i32 sums and zero-point corrections), compiled with dlc and
compared exactly with onnxruntime. Where onnxruntime is not exact, numpy's
int64 products are the reference: its x86 u8 x s8 kernels add pairs of
products in saturating int16 (vpmaddubsw), exact only for weights in
[-64, 63], and it has no per-row a_zero_point.
"""

import os
import sys

import numpy as np
from onnx import TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, T, case  # noqa: E402
import ops  # noqa: E402

T[np.uint8] = TensorProto.UINT8
T[np.int8] = TensorProto.INT8
rng = np.random.default_rng(0)


def ints(dtype, *shape, extremes=True, lo=None, hi=None):
    """Random 8-bit values in [lo, hi] (the type's range by default) that
    include both bounds."""
    info = np.iinfo(dtype)
    lo = info.min if lo is None else lo
    hi = info.max if hi is None else hi
    values = rng.integers(lo, hi + 1, shape).astype(dtype)
    if extremes and values.size >= 2:
        values.flat[0], values.flat[-1] = lo, hi
    return values


def reference(a, b, za=0, zb=0):
    """(a - za) x (b - zb) in int64, wrapped to int32 like ONNX's sums."""
    za = np.asarray(za, np.int64)
    if za.ndim == 1:
        za = za.reshape(-1, 1)
    product = np.matmul(a.astype(np.int64) - za,
                        b.astype(np.int64) - np.asarray(zb, np.int64))
    return product.astype(np.int32)


def matmul_integer(a, b, za=None, zb=None, zero_points_as="inputs",
                   exact_reference=False):
    """MatMulInteger(a, b[, za[, zb]]): zero points as graph inputs or as
    initializers; numpy's product is the reference with `exact_reference`."""
    expected = None
    if exact_reference:
        expected = [reference(a, b, 0 if za is None else za,
                              0 if zb is None else zb)]
    names = ["a", "b"]
    feeds, inits = {"a": a, "b": b}, []
    for name, zero in (("za", za), ("zb", zb)):
        if zero is None:
            names.append("")
            continue
        names.append(name)
        if zero_points_as == "inputs":
            feeds[name] = zero
        else:
            inits.append((name, zero))
    while names[-1] == "":
        names.pop()
    shape = np.matmul(np.zeros(a.shape, np.float32),
                      np.zeros(b.shape, np.float32)).shape
    return case([N("MatMulInteger", names, ["y"])], feeds,
                {"y": (np.int32, list(shape))}, inits=inits, opset=13,
                expected=expected)


def qlinear_matmul(a, b, a_type, b_type, b_scale):
    """QLinearMatMul with weight `b` (per-column scale when `b_scale` is a
    vector); the output has a's type."""
    inits = [("a_scale", np.array(0.02, np.float32)),
             ("a_zero", np.array(3 if a_type == np.uint8 else -2, a_type)),
             ("b", b), ("b_scale", b_scale),
             ("b_zero", np.array(0, b_type)),
             ("y_scale", np.array(0.5, np.float32)),
             ("y_zero", np.array(128 if a_type == np.uint8 else 1, a_type))]
    shape = list(a.shape[:-1]) + [b.shape[-1]]
    return case([N("QLinearMatMul", ["a", "a_scale", "a_zero", "b", "b_scale",
                                     "b_zero", "y_scale", "y_zero"], ["y"])],
                {"a": a}, {"y": (a_type, shape)}, inits=inits, opset=13)


u8, s8 = np.uint8, np.int8
a_rows = ints(u8, 5, 300)
b_cols = ints(s8, 300, 7)
per_row_zero = ints(u8, 5, extremes=False)
CASES = {
    "u8_u8_scalar_zero_points": matmul_integer(
        ints(u8, 6, 40), ints(u8, 40, 9), np.array(7, u8), np.array(200, u8)),
    "u8_s8_reduced_range_weights": matmul_integer(
        ints(u8, 16, 64), ints(s8, 64, 32, lo=-64, hi=63), np.array(128, u8),
        np.array(-3, s8), zero_points_as="initializers"),
    "u8_s8_full_range_zero_point_initializers": matmul_integer(
        ints(u8, 16, 64), ints(s8, 64, 32), np.array(128, u8),
        np.array(-3, s8), zero_points_as="initializers",
        exact_reference=True),
    "u8_s8_per_column_b_zero_point": matmul_integer(
        ints(u8, 4, 33), ints(s8, 33, 6), np.array(9, u8),
        ints(s8, 6), zero_points_as="initializers", exact_reference=True),
    "u8_s8_per_row_a_zero_point": matmul_integer(
        a_rows, b_cols, per_row_zero, np.array(5, s8),
        zero_points_as="initializers", exact_reference=True),
    "s8_s8_no_zero_points": matmul_integer(ints(s8, 8, 128), ints(s8, 128, 8)),
    "s8_u8": matmul_integer(ints(s8, 7, 20), ints(u8, 20, 3), np.array(-5, s8),
                            np.array(17, u8), exact_reference=True),
    "u8_s8_zero_constant_zero_points": matmul_integer(
        ints(u8, 3, 16), ints(s8, 16, 4), np.array(0, u8), np.array(0, s8),
        zero_points_as="initializers", exact_reference=True),
    "batched_by_matrix": matmul_integer(
        ints(u8, 2, 3, 5, 24), ints(s8, 24, 10), np.array(100, u8),
        exact_reference=True),
    "batched_by_batched": matmul_integer(
        ints(u8, 2, 5, 24), ints(u8, 2, 24, 6), np.array(3, u8),
        np.array(250, u8)),
    "vector_by_matrix": matmul_integer(
        ints(u8, 24), ints(u8, 24, 10), np.array(1, u8), np.array(2, u8)),
    "batched_by_vector": matmul_integer(
        ints(u8, 2, 5, 24), ints(u8, 24), np.array(4, u8), np.array(9, u8)),
    "qlinear_u8_s8_per_column_scale": qlinear_matmul(
        ints(u8, 2, 8, 64), ints(s8, 64, 16, lo=-64, hi=63), u8, s8,
        (rng.random(16) * 0.01 + 0.001).astype(np.float32)),
    "qlinear_s8_s8": qlinear_matmul(
        ints(s8, 10, 48), ints(s8, 48, 12), s8, s8,
        np.array(0.004, np.float32)),
}

if __name__ == "__main__":
    ops.main(CASES, description=__doc__)
