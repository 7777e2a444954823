#!/usr/bin/env python3
"""Writes one small ONNX model, chosen by name, for the import-time integer
folding and run-time Range / ConstantOfShape lit tests:
    make_fold_model.py NAME OUT.onnx
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
    # Shape [2, 6, 4] -> [2, 3, 8] through Div, Abs, Neg, Mod, Equal, Where,
    # Cast and Mul; no declared output shape, so it must fold.
    "fold_arith": lambda: model(
        [N("Shape", ["x"], ["s"]),
         N("Div", ["s", "k121"], ["half"]),
         N("Abs", ["half"], ["a"]),
         N("Neg", ["s"], ["neg"]),
         N("Mod", ["neg", "k543"], ["m"]),
         N("Mod", ["neg", "k543"], ["fm"], fmod=1),
         N("Equal", ["m", "k322"], ["e"]),
         N("Equal", ["fm", "kf"], ["ef"]),
         N("And", ["e", "ef"], ["both"]),
         N("Where", ["both", "a", "s"], ["w"]),
         N("Cast", ["w"], ["w32"], to=TensorProto.INT32),
         N("Cast", ["w32"], ["w64"], to=I64),
         N("Mul", ["w64", "k112"], ["target"]),
         N("Reshape", ["x", "target"], ["y"])],
        [vi("x", [2, 6, 4])], [vi("y", None)],
        [ints("k121", [1, 2, -1]), ints("k543", [5, 4, 3]),
         ints("k322", [3, 2, 2]), ints("kf", [-2, -2, -1]),
         ints("k112", [1, 1, 2])]),
    # Range(0, ReduceProd(Shape(x)), 1) + ConstantOfShape(Unsqueeze(...)) and
    # an Expand to a shape [2, 6] built with Mul, Sub, Add and Max.
    "fold_range": lambda: model(
        [N("Shape", ["x"], ["s"]),
         N("ReduceProd", ["s"], ["count"], keepdims=0),
         N("Range", ["zero", "count", "one"], ["r"]),
         N("Unsqueeze", ["count", "axis0"], ["count1"]),
         N("ConstantOfShape", ["count1"], ["c"],
           value=numpy_helper.from_array(np.array([1], np.int64))),
         N("Add", ["r", "c"], ["r1"]),
         N("Mul", ["s", "k12"], ["s2"]),
         N("Sub", ["s2", "k1"], ["s1"]),
         N("Add", ["s1", "k1"], ["s3"]),
         N("Max", ["s3", "k2"], ["big"]),
         N("Expand", ["r1", "big"], ["y"])],
        [vi("x", [2, 3])], [vi("y", None, I64)],
        [ints("zero", 0), ints("one", 1), ints("axis0", [0]),
         ints("k1", [1, 1]), ints("k12", [1, 2]), ints("k2", [2, 2])]),
    # Shape [2, 3, 4] -> [4, 3, 2] through Tile, Transpose, ReduceSum,
    # ReduceMax, Clip, Sign, Xor, Not, Or, Expand, Where and Sub.
    "fold_layout": lambda: model(
        [N("Shape", ["x"], ["s"]),
         N("Unsqueeze", ["s", "axis0"], ["s2"]),
         N("Tile", ["s2", "reps"], ["t"]),                # [[2,3,4],[2,3,4]]
         N("Transpose", ["t"], ["tt"]),                   # [[2,2],[3,3],[4,4]]
         N("ReduceSum", ["tt", "axis1"], ["rs"], keepdims=0),  # [4, 6, 8]
         N("ReduceMax", ["tt"], ["rm"], keepdims=0),      # 4
         N("Clip", ["rs", "five", "seven"], ["cl"]),      # [5, 6, 7]
         N("Sub", ["rs", "six"], ["d"]),
         N("Sign", ["d"], ["sg"]),                        # [-1, 0, 1]
         N("Less", ["sg", "zero"], ["neg"]),
         N("Greater", ["sg", "zero"], ["pos"]),
         N("Xor", ["neg", "pos"], ["x2"]),                # [1, 0, 1]
         N("Not", ["x2"], ["nx"]),
         N("Or", ["nx", "x2"], ["all"]),                  # [1, 1, 1]
         N("Sub", ["rm", "one"], ["three"]),
         N("Expand", ["three", "k3"], ["alt"]),           # [3, 3, 3]
         N("Sub", ["cl", "k3"], ["base"]),                # [2, 3, 4]
         N("Where", ["x2", "base", "alt"], ["w"]),        # [2, 3, 4]
         N("Where", ["all", "w", "zeros"], ["w2"]),
         N("Sub", ["k6", "w2"], ["target"]),              # [4, 3, 2]
         N("Reshape", ["x", "target"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", None)],
        [ints("axis0", [0]), ints("axis1", [1]), ints("reps", [2, 1]),
         ints("five", 5), ints("seven", 7), ints("six", 6), ints("zero", 0),
         ints("one", 1), ints("k3", [3]), ints("k6", [6, 6, 6]),
         ints("zeros", [0, 0, 0])]),
    "range_runtime": lambda: model(
        [N("Range", ["s", "l", "d"], ["y"])],
        [vi("s", []), vi("l", []), vi("d", [])], [vi("y", [4])], opset=11),
    "range_runtime_undeclared": lambda: model(
        [N("Range", ["s", "l", "d"], ["y"])],
        [vi("s", [], I64), vi("l", [], I64), vi("d", [], I64)],
        [vi("y", None, I64)], opset=11),
    "constant_of_shape_runtime": lambda: model(
        [N("ConstantOfShape", ["shape"], ["y"])],
        [vi("shape", [2], I64)], [vi("y", [2, 3])], opset=9),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
