#!/usr/bin/env python3
"""Writes one small ONNX model on unsigned integers, chosen by name, for
unsigned.test:
    make_unsigned_model.py NAME OUT.onnx
"""

import sys

import onnx
from onnx import TensorProto

from make_model import N, const, model, vi

U8 = TensorProto.UINT8
I8 = TensorProto.INT8
I32 = TensorProto.INT32
U32 = TensorProto.UINT32
U64 = TensorProto.UINT64
I64 = TensorProto.INT64
B = TensorProto.BOOL

MODELS = {
    "less_u8": lambda: model(
        [N("Less", ["a", "b"], ["y"], name="lt")],
        [vi("a", [4], U8), vi("b", [4], U8)], [vi("y", [4], B)]),
    "shift_right_u32": lambda: model(
        [N("BitShift", ["a", "b"], ["y"], name="shr", direction="RIGHT")],
        [vi("a", [4], U32), vi("b", [4], U32)], [vi("y", [4], U32)]),
    "mod_u8": lambda: model(
        [N("Mod", ["a", "b"], ["y"], name="mod")],
        [vi("a", [4], U8), vi("b", [4], U8)], [vi("y", [4], U8)]),
    "reduce_max_u8": lambda: model(
        [N("ReduceMax", ["x"], ["y"], name="rmax", axes=[1], keepdims=0)],
        [vi("x", [2, 3], U8)], [vi("y", [2], U8)], opset=13),
    "reduce_min_u8": lambda: model(
        [N("ReduceMin", ["x"], ["y"], name="rmin", axes=[1], keepdims=0)],
        [vi("x", [2, 3], U8)], [vi("y", [2], U8)], opset=13),
    "argmax_u32": lambda: model(
        [N("ArgMax", ["x"], ["y"], name="amax", axis=1, keepdims=0)],
        [vi("x", [2, 3], U32)], [vi("y", [2], I64)], opset=13),
    "topk_u64": lambda: model(
        [N("TopK", ["x", "k"], ["v", "i"], name="topk", axis=1)],
        [vi("x", [2, 4], U64)], [vi("v", [2, 2], U64), vi("i", [2, 2], I64)],
        [const("k", [2], dtype="int64")], opset=11),
    "matmul_integer_u8_s8": lambda: model(
        [N("MatMulInteger", ["a", "b", "za", "zb"], ["y"], name="mmi")],
        [vi("a", [4, 32], U8), vi("b", [32, 8], I8), vi("za", [], U8),
         vi("zb", [8], I8)],
        [vi("y", [4, 8], I32)], opset=13),
    "matmul_integer_zero_points_zero": lambda: model(
        [N("MatMulInteger", ["a", "b", "za", "zb"], ["y"], name="mmi")],
        [vi("a", [4, 32], U8), vi("b", [32, 8], U8)], [vi("y", [4, 8], I32)],
        [const("za", 0, dtype="uint8"), const("zb", [0] * 8, dtype="uint8")],
        opset=13),
    "shrink_u8": lambda: model(
        [N("Shrink", ["x"], ["y"], name="shrink", lambd=1.5, bias=-1.0)],
        [vi("x", [4], U8)], [vi("y", [4], U8)]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
