#!/usr/bin/env python3
"""Writes one small ONNX model whose shape arguments are graph inputs, chosen
by name, for the importer lit tests:
    make_runtime_shape_model.py NAME OUT.onnx
"""

import sys

import onnx
from onnx import TensorProto, helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
N = helper.make_node


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def model(nodes, inputs, outputs, opset=18):
    graph = helper.make_graph(nodes, "test", inputs, outputs)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


MODELS = {
    "slice": lambda: model(
        [N("Slice", ["x", "s", "e"], ["y"], name="sl")],
        [vi("x", [5, 6]), vi("s", [1], I64), vi("e", [1], I64)],
        [vi("y", [2, 6])]),
    "slice_bad_shape": lambda: model(
        [N("Slice", ["x", "s", "e"], ["y"], name="sl")],
        [vi("x", [5, 6]), vi("s", [1], I64), vi("e", [1], I64)],
        [vi("y", [2, 7])]),
    "expand": lambda: model(
        [N("Expand", ["x", "s"], ["y"], name="ex")],
        [vi("x", [3, 1]), vi("s", [2], I64)], [vi("y", [3, 4])]),
    "squeeze": lambda: model(
        [N("Squeeze", ["x", "a"], ["y"], name="sq")],
        [vi("x", [1, 3, 1]), vi("a", [1], I64)], [vi("y", [3, 1])]),
    "pad_undeclared": lambda: model(
        [N("Pad", ["x", "p"], ["y"], name="pad")],
        [vi("x", [3]), vi("p", [2], I64)], [vi("y", None)]),
    "nonzero": lambda: model(
        [N("NonZero", ["x"], ["y"], name="nz")],
        [vi("x", [2, 3])], [vi("y", [2, 4], I64)]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
