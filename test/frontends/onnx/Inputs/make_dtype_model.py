#!/usr/bin/env python3
"""Writes one small ONNX model with unsigned or quantized types, chosen by
name, for the dtype lit tests:
    make_dtype_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper, numpy_helper

N = helper.make_node


def vi(name, shape, dtype):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, values, dtype):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model(nodes, inputs, outputs, inits=(), opset=21):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10
    return m


MODELS = {
    "div_uint8": lambda: model(
        [N("Div", ["a", "b"], ["y"], name="div")],
        [vi("a", [4], T.UINT8), vi("b", [4], T.UINT8)], [vi("y", [4], T.UINT8)]),
    "cast_uint": lambda: model(
        [N("Cast", ["a"], ["f"], name="tofloat", to=T.FLOAT),
         N("Cast", ["f"], ["y"], name="touint16", to=T.UINT16)],
        [vi("a", [4], T.UINT8)], [vi("y", [4], T.UINT16)]),
    "max_uint_const": lambda: model(
        [N("Max", ["a", "c"], ["y"], name="max")],
        [vi("a", [2], T.UINT32)], [vi("y", [2], T.UINT32)],
        [const("c", [7, 4000000000], np.uint32)]),
    "quantize": lambda: model(
        [N("QuantizeLinear", ["x", "s", "z"], ["y"], name="q")],
        [vi("x", [2, 3], T.FLOAT)], [vi("y", [2, 3], T.UINT8)],
        [const("s", [0.5, 1.0, 2.0], np.float32),
         const("z", [1, 2, 3], np.uint8)]),
    "quantize_blocked": lambda: model(
        [N("DequantizeLinear", ["x", "s"], ["y"], name="dq", axis=1,
           block_size=2)],
        [vi("x", [2, 4], T.INT8)], [vi("y", [2, 4], T.FLOAT)],
        [const("s", [[0.5, 1.0], [2.0, 4.0]], np.float32)]),
    "quantize_e8m0": lambda: model(
        [N("QuantizeLinear", ["x", "s"], ["y"], name="q", output_dtype=24)],
        [vi("x", [2], T.FLOAT)], [vi("y", [2], 24)],
        [const("s", 1.0, np.float32)]),
    "matmul_integer": lambda: model(
        [N("MatMulInteger", ["a", "b", "za"], ["y"], name="mmi")],
        [vi("a", [2, 3], T.UINT8), vi("b", [3, 4], T.INT8)],
        [vi("y", [2, 4], T.INT32)], [const("za", 5, np.uint8)], opset=10),
    "cast_string": lambda: model(
        [N("Cast", ["x"], ["y"], name="tostring", to=T.STRING)],
        [vi("x", [2], T.FLOAT)], [vi("y", [2], T.STRING)]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
