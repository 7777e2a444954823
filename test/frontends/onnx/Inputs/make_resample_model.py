#!/usr/bin/env python3
"""Writes one small Resize model with run-time arguments, chosen by name, for
resample.test:
    make_resample_model.py NAME OUT.onnx
"""

import sys

import onnx
from onnx import TensorProto, helper

from make_model import N, model, vi

F32, I64 = TensorProto.FLOAT, TensorProto.INT64

MODELS = {
    "scales_linear": lambda: model(
        [N("Resize", ["x", "", "s"], ["y"], name="rs", mode="linear",
           axes=[1])],
        [vi("x", [2, 4]), vi("s", [1], F32)], [vi("y", [2, 2])], opset=19),
    "sizes_not_larger": lambda: model(
        [N("Resize", ["x", "", "", "n"], ["y"], name="rs_nl",
           keep_aspect_ratio_policy="not_larger")],
        [vi("x", [4, 6]), vi("n", [2], I64)], [vi("y", [2, 3])], opset=19),
    "scales_undeclared": lambda: model(
        [N("Resize", ["x", "", "s"], ["y"], name="rs_dyn")],
        [vi("x", [2, 4]), vi("s", [2], F32)], [vi("y", None)], opset=19),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
