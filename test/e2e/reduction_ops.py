#!/usr/bin/env python3
"""Reductions, arg-reductions, scans, top-k, softmax variants, normalizations
and pooling variants with chosen inputs (ties, infinities, middle axes, old
opsets), compiled with dlc and compared with onnxruntime as in ops.py.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case, f32, i64  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
x3 = rng.standard_normal((3, 5, 4)).astype(np.float32)
ties = np.array([[3, 1, 3, 2], [0, 0, -1, 0], [5, 5, 5, 5]], np.float32)
x4 = rng.standard_normal((2, 6, 5, 5)).astype(np.float32)
shape3 = {"y": (np.float32, [3, 5, 4])}


def lrn_reference(x, size, alpha, beta, bias):
    """The ONNX LRN formula (onnxruntime only takes odd sizes)."""
    squares = np.zeros_like(x)
    for c in range(x.shape[1]):
        lo = max(0, c - (size - 1) // 2)
        hi = min(x.shape[1] - 1, c + size // 2)
        squares[:, c] = np.sum(x[:, lo:hi + 1] ** 2, axis=1)
    return x / (bias + alpha / size * squares) ** beta


CASES = {
    "argmax_ties_first_and_last": case(
        [N("ArgMax", ["x"], ["a"], axis=1),
         N("ArgMin", ["x"], ["b"], axis=1, keepdims=0, select_last_index=1)],
        {"x": ties}, {"a": (np.int64, [3, 1]), "b": (np.int64, [3])},
        opset=13),
    "hardmax_opset11_flattens": case(
        [N("Hardmax", ["x"], ["y"], axis=1)], {"x": x3}, shape3, opset=11),
    "logsoftmax_opset11_axis0": case(
        [N("LogSoftmax", ["x"], ["y"], axis=0)], {"x": x3}, shape3, opset=11),
    "logsoftmax_large": case(
        [N("LogSoftmax", ["x"], ["y"])], {"x": f32(1000, 1001, -1000)},
        {"y": (np.float32, [3])}, opset=13),
    "cumsum_middle_axis": case(
        [N("CumSum", ["x", "a"], ["y"], exclusive=1, reverse=1)],
        {"x": x3}, shape3, inits=[("a", i64(1))], opset=14),
    "cumsum_int_first_axis": case(
        [N("CumSum", ["x", "a"], ["y"])],
        {"x": np.arange(12, dtype=np.int32).reshape(3, 4)},
        {"y": (np.int32, [3, 4])}, inits=[("a", np.array(0, np.int64))],
        opset=14),
    "topk_middle_axis_smallest_ties": case(
        [N("TopK", ["x", "k"], ["v", "i"], axis=0, largest=0)],
        {"x": ties}, {"v": (np.float32, [2, 4]), "i": (np.int64, [2, 4])},
        inits=[("k", i64(2))], opset=11),
    "topk_last_axis": case(
        [N("TopK", ["x", "k"], ["v", "i"])], {"x": x3},
        {"v": (np.float32, [3, 5, 3]), "i": (np.int64, [3, 5, 3])},
        inits=[("k", i64(3))], opset=11),
    "reduce_l1_l2_sum_square": case(
        [N("ReduceL1", ["x", "a"], ["l1"], keepdims=0),
         N("ReduceL2", ["x", "a"], ["l2"]),
         N("ReduceSumSquare", ["x", "b"], ["ss"])],
        {"x": x3}, {"l1": (np.float32, [5]), "l2": (np.float32, [1, 5, 1]),
                    "ss": (np.float32, [3, 1, 4])},
        inits=[("a", i64(0, -1)), ("b", i64(1))], opset=18),
    "reduce_log_sum_exp_infinities": case(
        [N("ReduceLogSumExp", ["x"], ["y"], axes=[1], keepdims=0)],
        {"x": np.array([[-np.inf, -np.inf], [1000, 1000], [np.inf, 0]],
                       np.float32)}, {"y": (np.float32, [3])}, opset=13),
    "reduce_min_prod_int": case(
        [N("ReduceMin", ["x"], ["mn"], axes=[0]),
         N("ReduceProd", ["x"], ["p"], keepdims=0)],
        {"x": np.array([[2, -3], [4, 1]], np.int32)},
        {"mn": (np.int32, [1, 2]), "p": (np.int32, [])}, opset=13),
    "reduce_l2_int_truncates": case(
        [N("ReduceL2", ["x"], ["y"], axes=[1], keepdims=0)],
        {"x": np.array([[3, 4, 1], [-2, 2, 2]], np.int32)},
        {"y": (np.int32, [2])}, opset=13,
        expected=[np.array([5, 3], np.int32)]),
    "reduce_noop_keeps_elementwise_part": case(
        [N("ReduceL1", ["x", "a"], ["y"], noop_with_empty_axes=1)],
        {"x": x3}, shape3, inits=[("a", np.zeros(0, np.int64))], opset=18),
    "lrn_even_size": case(
        [N("LRN", ["x"], ["y"], size=4, alpha=0.01, beta=0.5, bias=2.0)],
        {"x": x4}, {"y": (np.float32, [2, 6, 5, 5])}, opset=13,
        expected=[lrn_reference(x4, 4, 0.01, 0.5, 2.0)]),
    "lrn_odd_size": case(
        [N("LRN", ["x"], ["y"], size=3)],
        {"x": x4}, {"y": (np.float32, [2, 6, 5, 5])}, opset=13),
    "lp_pool_and_global": case(
        [N("LpPool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
           strides=[2, 2], p=3),
         N("GlobalLpPool", ["x"], ["g"], p=1),
         N("GlobalMaxPool", ["x"], ["m"])],
        {"x": x4}, {"y": (np.float32, [2, 6, 3, 3]),
                    "g": (np.float32, [2, 6, 1, 1]),
                    "m": (np.float32, [2, 6, 1, 1])}, opset=18),
    "maxpool_indices_column_major": case(
        [N("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 3], pads=[1, 0, 0, 1],
           storage_order=1)],
        {"x": x4}, {"y": (np.float32, [2, 6, 5, 4]),
                    "i": (np.int64, [2, 6, 5, 4])}, opset=12),
    "instance_and_lp_normalization": case(
        [N("InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-3),
         N("LpNormalization", ["x"], ["z"], axis=1, p=1)],
        {"x": x4}, {"y": (np.float32, [2, 6, 5, 5]),
                    "z": (np.float32, [2, 6, 5, 5])},
        inits=[("s", rng.standard_normal(6).astype(np.float32)),
               ("b", rng.standard_normal(6).astype(np.float32))], opset=13),
    "mean_variance_normalization": case(
        [N("MeanVarianceNormalization", ["x"], ["y"], axes=[1, 2])],
        {"x": x3}, shape3, opset=13),
    "layer_norm_statistics": case(
        [N("LayerNormalization", ["x", "s"], ["y", "m", "r"], axis=1)],
        {"x": x3}, {"y": (np.float32, [3, 5, 4]), "m": (np.float32, [3, 1, 1]),
                    "r": (np.float32, [3, 1, 1])},
        inits=[("s", np.ones((5, 4), np.float32))], opset=17),
}


if __name__ == "__main__":
    ops.main(CASES, None, __doc__)
