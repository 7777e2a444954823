#!/usr/bin/env python3
"""Writes one small ONNX model of a math op, chosen by name, for math.test:
    make_math_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

from make_model import N, const, model, vi

MODELS = {
    "greater_bcast": lambda: model(
        [N("Greater", ["a", "b"], ["y"], name="gt")],
        [vi("a", [2, 3]), vi("b", [3])], [vi("y", [2, 3], TensorProto.BOOL)]),
    "and_bool": lambda: model(
        [N("And", ["a", "b"], ["y"], name="and0")],
        [vi("a", [4], TensorProto.BOOL), vi("b", [4], TensorProto.BOOL)],
        [vi("y", [4], TensorProto.BOOL)]),
    "and_float": lambda: model(
        [N("And", ["a", "b"], ["y"], name="and_f")],
        [vi("a", [4]), vi("b", [4])], [vi("y", [4], TensorProto.BOOL)]),
    "mod_int": lambda: model(
        [N("Mod", ["a", "b"], ["y"], name="mod0")],
        [vi("a", [4], TensorProto.INT32), vi("b", [4], TensorProto.INT32)],
        [vi("y", [4], TensorProto.INT32)]),
    "mod_bad_fmod": lambda: model(
        [N("Mod", ["a", "b"], ["y"], name="mod_bad", fmod=2)],
        [vi("a", [4]), vi("b", [4])], [vi("y", [4])]),
    "bitshift_bad": lambda: model(
        [N("BitShift", ["a", "b"], ["y"], name="shift_bad", direction="UP")],
        [vi("a", [4], TensorProto.INT32), vi("b", [4], TensorProto.INT32)],
        [vi("y", [4], TensorProto.INT32)]),
    "add_legacy_axis": lambda: model(
        [N("Add", ["a", "b"], ["y"], name="add6", broadcast=1, axis=0)],
        [vi("a", [2, 3]), vi("b", [2])], [vi("y", [2, 3])], opset=6),
    "clip_dynamic_min": lambda: model(
        [N("Clip", ["x", "lo", "hi"], ["y"], name="clip")],
        [vi("x", [4]), vi("lo", [])], [vi("y", [4])],
        [const("hi", 6.0)], opset=13),
    "prelu_channel": lambda: model(
        [N("PRelu", ["x", "slope"], ["y"], name="prelu")],
        [vi("x", [2, 3, 4]), vi("slope", [3])], [vi("y", [2, 3, 4])],
        opset=6),
    "prelu_grows": lambda: model(
        [N("PRelu", ["x", "slope"], ["y"], name="prelu_grow")],
        [vi("x", [3]), vi("slope", [2, 3])], [vi("y", [3])]),
    "isinf_positive": lambda: model(
        [N("IsInf", ["x"], ["y"], name="isinf", detect_negative=0)],
        [vi("x", [4])], [vi("y", [4], TensorProto.BOOL)]),
    "softplus": lambda: model(
        [N("Softplus", ["x"], ["y"], name="softplus")],
        [vi("x", [4])], [vi("y", [4])]),
    "shrink_int_bias": lambda: model(
        [N("Shrink", ["x"], ["y"], name="shrink", bias=1.5)],
        [vi("x", [4], TensorProto.INT32)], [vi("y", [4], TensorProto.INT32)]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
