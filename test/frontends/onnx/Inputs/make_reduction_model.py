#!/usr/bin/env python3
"""Writes one small ONNX model of the reduction family, chosen by name, for
the importer lit tests:
    make_reduction_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
N = helper.make_node


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(nodes, inputs, outputs, inits=(), opset=18):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


MODELS = {
    "reduce_l2": lambda: model(
        [N("ReduceL2", ["x", "axes"], ["y"], keepdims=0)],
        [vi("x", [2, 3, 4])], [vi("y", [2, 4])], [ints("axes", [1])]),
    "reduce_log_sum_exp": lambda: model(
        [N("ReduceLogSumExp", ["x"], ["y"], axes=[-1], keepdims=0)],
        [vi("x", [2, 3])], [vi("y", [2])], opset=13),
    "reduce_min_runtime_axes": lambda: model(
        [N("ReduceMin", ["x", "axes"], ["y"])],
        [vi("x", [2, 3]), vi("axes", [1], I64)], [vi("y", None)]),
    "runtime_sum_nokeep": lambda: model(
        [N("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        [vi("x", [3, 2, 2]), vi("axes", [1], I64)], [vi("y", [3, 2])],
        opset=13),
    "runtime_mean_keep": lambda: model(
        [N("ReduceMean", ["x", "axes"], ["y"])],
        [vi("x", [2, 3, 1]), vi("axes", [2], I64)], [vi("y", [2, 1, 1])]),
    "runtime_sum_nofit": lambda: model(
        [N("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        [vi("x", [2, 3]), vi("axes", [1], I64)], [vi("y", [4])]),
    "runtime_sum_then_sqrt": lambda: model(
        [N("ReduceSum", ["x", "axes"], ["s"]), N("Cast", ["s"], ["c"], to=F),
         N("Sqrt", ["c"], ["y"])],
        [vi("x", [2, 3]), vi("axes", [1], I64)], [vi("y", [1, 3])]),
    "runtime_cumsum": lambda: model(
        [N("CumSum", ["x", "axis"], ["y"])],
        [vi("x", [2, 3]), vi("axis", [], I64)], [vi("y", [2, 3])], opset=14),
    "runtime_topk": lambda: model(
        [N("TopK", ["x", "k"], ["v", "i"])],
        [vi("x", [2, 5]), vi("k", [1], I64)],
        [vi("v", [2, 3]), vi("i", [2, 3], I64)], opset=11),
    "argmax": lambda: model(
        [N("ArgMax", ["x"], ["y"], axis=-1, keepdims=0, select_last_index=1)],
        [vi("x", [2, 3])], [vi("y", [2], I64)], opset=13),
    "cumsum": lambda: model(
        [N("CumSum", ["x", "axis"], ["y"], exclusive=1)],
        [vi("x", [2, 3])], [vi("y", [2, 3])],
        [numpy_helper.from_array(np.array(1, np.int64), "axis")], opset=14),
    "topk": lambda: model(
        [N("TopK", ["x", "k"], ["v", "i"], largest=0)],
        [vi("x", [2, 5])], [vi("v", [2, 2]), vi("i", [2, 2], I64)],
        [ints("k", [2])], opset=11),
    "hardmax11": lambda: model(
        [N("Hardmax", ["x"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], opset=11),
    "maxpool_indices": lambda: model(
        [N("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], strides=[2, 2],
           storage_order=1)],
        [vi("x", [1, 1, 4, 4])],
        [vi("y", [1, 1, 2, 2]), vi("i", [1, 1, 2, 2], I64)], opset=12),
    "layernorm_stats": lambda: model(
        [N("LayerNormalization", ["x", "s"], ["y", "mean", "inv"], axis=1)],
        [vi("x", [2, 3, 4]), vi("s", [3, 4])],
        [vi("y", [2, 3, 4]), vi("mean", [2, 1, 1]), vi("inv", [2, 1, 1])],
        opset=17),
    "lrn": lambda: model(
        [N("LRN", ["x"], ["y"], size=3)],
        [vi("x", [1, 4, 2, 2])], [vi("y", [1, 4, 2, 2])], opset=13),
    "group_norm_bad_groups": lambda: model(
        [N("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=3)],
        [vi("x", [1, 4, 2]), vi("s", [4]), vi("b", [4])],
        [vi("y", [1, 4, 2])], opset=21),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
