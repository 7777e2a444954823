#!/usr/bin/env python3
"""Writes one small ONNX model, chosen by name, for the importer lit tests:
    make_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


N = helper.make_node

MODELS = {
    # Elementwise.
    "add_broadcast": lambda: model(
        [N("Add", ["a", "b"], ["y"], name="add0")],
        [vi("a", [2, 3]), vi("b", [3])], [vi("y", [2, 3])]),
    "max_variadic": lambda: model(
        [N("Max", ["a", "b", "c"], ["y"], name="max3")],
        [vi("a", [4]), vi("b", [1]), vi("c", [4])], [vi("y", [4])]),
    "clip11": lambda: model(
        [N("Clip", ["x", "lo", "hi"], ["y"], name="clip")],
        [vi("x", [4])], [vi("y", [4])],
        [const("lo", 0.0), const("hi", 6.0)], opset=13),
    "clip6": lambda: model(
        [N("Clip", ["x"], ["y"], name="clip", min=-1.0, max=1.0)],
        [vi("x", [4])], [vi("y", [4])], opset=9),
    "cast_where": lambda: model(
        [N("Cast", ["x"], ["b"], name="to_bool", to=TensorProto.BOOL),
         N("Where", ["b", "x", "z"], ["y"], name="select")],
        [vi("x", [3]), vi("z", [1])], [vi("y", [3])]),
    "gelu20": lambda: model(
        [N("Gelu", ["x"], ["y"], name="gelu", approximate="tanh")],
        [vi("x", [8])], [vi("y", [8])], opset=20),
    # Neural-network ops.
    "conv_same": lambda: model(
        [N("Conv", ["x", "w"], ["y"], name="conv", auto_pad="SAME_UPPER",
           strides=[2, 2])],
        [vi("x", [1, 2, 7, 7])], [vi("y", [1, 4, 4, 4])],
        [const("w", np.ones((4, 2, 3, 3)))]),
    "maxpool_ceil": lambda: model(
        [N("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
           strides=[2, 2], ceil_mode=1)],
        [vi("x", [1, 1, 6, 6])], [vi("y", [1, 1, 3, 3])], opset=12),
    "gemm": lambda: model(
        [N("Gemm", ["a", "b", "c"], ["y"], name="fc", transB=1, alpha=0.5)],
        [vi("a", [2, 4])], [vi("y", [2, 3])],
        [const("b", np.ones((3, 4))), const("c", [1.0, 2.0, 3.0])]),
    "softmax11": lambda: model(
        [N("Softmax", ["x"], ["y"], name="sm", axis=1)],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], opset=11),
    "reduce_mean18": lambda: model(
        [N("ReduceMean", ["x", "axes"], ["y"], name="mean", keepdims=0)],
        [vi("x", [2, 3, 4])], [vi("y", [2])],
        [const("axes", [1, -1], np.int64)], opset=18),
    "layernorm": lambda: model(
        [N("LayerNormalization", ["x", "g"], ["y"], name="ln", epsilon=1e-6)],
        [vi("x", [2, 8])], [vi("y", [2, 8])], [const("g", np.ones(8))]),
    # Shapes.
    "reshape_infer": lambda: model(
        [N("Reshape", ["x", "s"], ["y"], name="rs")],
        [vi("x", [2, 3, 4])], [vi("y", [2, 12])],
        [const("s", [0, -1], np.int64)]),
    "shape_chain": lambda: model(
        [N("Shape", ["x"], ["s"], name="shape"),
         N("Gather", ["s", "i0"], ["d0"], name="batch", axis=0),
         N("Unsqueeze", ["d0", "ax"], ["d0u"], name="unsq"),
         N("Concat", ["d0u", "minus1"], ["target"], name="cat", axis=0),
         N("Reshape", ["x", "target"], ["y"], name="flatten_by_shape")],
        [vi("x", [3, 4, 5])], [vi("y", [3, 20])],
        [const("i0", 0, np.int64), const("ax", [0], np.int64),
         const("minus1", [-1], np.int64)]),
    "slice_negative": lambda: model(
        [N("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="rev")],
        [vi("x", [4, 10])], [vi("y", [4, 5])],
        [const("st", [-1], np.int64), const("en", [-100], np.int64),
         const("ax", [1], np.int64), const("sp", [-2], np.int64)]),
    "transpose_default": lambda: model(
        [N("Transpose", ["x"], ["y"], name="t")],
        [vi("x", [2, 3, 4])], [vi("y", [4, 3, 2])]),
    "gather_embed": lambda: model(
        [N("Gather", ["table", "ids"], ["y"], name="embed")],
        [vi("ids", [2, 5], TensorProto.INT64)], [vi("y", [2, 5, 8])],
        [const("table", np.zeros((100, 8)))]),
    # Errors.
    "unknown_op": lambda: model(
        [N("Frobnicate", ["x"], ["y"], name="frob")],
        [vi("x", [2])], [vi("y", [2])]),
    "bad_auto_pad": lambda: model(
        [N("Conv", ["x", "w"], ["y"], name="conv_bad", auto_pad="SIDEWAYS")],
        [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])],
        [const("w", np.ones((1, 1, 3, 3)))]),
    "symbolic_dim": lambda: model(
        [N("Relu", ["x"], ["y"], name="r")],
        [vi("x", ["batch", 4])], [vi("y", ["batch", 4])]),
    "symbolic_unsupported": lambda: model(
        [N("Hardmax", ["x"], ["y"], name="hm")],
        [vi("x", ["batch", 4])], [vi("y", ["batch", 4])]),
    "dynamic_reshape": lambda: model(
        [N("Reshape", ["x", "s"], ["r"], name="rs_dyn"),
         N("ReduceSum", ["r"], ["y"], keepdims=0)],
        [vi("x", [2, 3]), vi("s", [2], TensorProto.INT64)], [vi("y", [])]),
    "missing_input": lambda: model(
        [N("Relu", ["nowhere"], ["y"], name="orphan")],
        [vi("x", [2])], [vi("y", [2])]),
    "old_opset_op": lambda: model(
        [N("LayerNormalization", ["x", "g"], ["y"], name="ln_old")],
        [vi("x", [2, 8])], [vi("y", [2, 8])], [const("g", np.ones(8))],
        opset=16),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
