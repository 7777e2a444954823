#!/usr/bin/env python3
"""Writes one small ONNX model of a newer op (handlers/Misc.cpp), chosen by
name, for misc.test:
    make_misc_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

from make_model import N, const, model, vi

MODELS = {
    "swiglu": lambda: model(
        [N("SwiGLU", ["a", "b"], ["y"], name="swiglu", alpha=1.702)],
        [vi("a", [2, 4]), vi("b", [2, 4])], [vi("y", [2, 4])], opset=28),
    "swiglu_shapes": lambda: model(
        [N("SwiGLU", ["a", "b"], ["y"], name="swiglu_bad")],
        [vi("a", [2, 4]), vi("b", [4])], [vi("y", [2, 4])], opset=28),
    "tensorscatter_circular": lambda: model(
        [N("TensorScatter", ["past", "upd", "w"], ["y"], name="ts",
           mode="circular")],
        [vi("past", [2, 3, 5, 4]), vi("upd", [2, 3, 2, 4]),
         vi("w", [2], TensorProto.INT64)], [vi("y", [2, 3, 5, 4])], opset=24),
    "tensorscatter_bad_mode": lambda: model(
        [N("TensorScatter", ["past", "upd"], ["y"], name="ts_bad",
           mode="ring")],
        [vi("past", [2, 5, 4]), vi("upd", [2, 2, 4])], [vi("y", [2, 5, 4])],
        opset=24),
    "hann": lambda: model(
        [N("HannWindow", ["n"], ["y"], name="hann", periodic=0)],
        [], [vi("y", [5])], [const("n", 5, np.int64)], opset=17),
    "hann_dynamic": lambda: model(
        [N("HannWindow", ["n"], ["y"], name="hann_dyn")],
        [vi("n", [], TensorProto.INT64)], [vi("y", [5])], opset=17),
    "affine_grid_2d": lambda: model(
        [N("AffineGrid", ["theta", "size"], ["y"], name="ag",
           align_corners=1)],
        [vi("theta", [2, 2, 3])], [vi("y", [2, 3, 4, 2])],
        [const("size", [2, 1, 3, 4], np.int64)], opset=20),
    "col2im": lambda: model(
        [N("Col2Im", ["x", "image", "block"], ["y"], name="col2im")],
        [vi("x", [1, 2, 6])], [vi("y", [1, 1, 3, 3])],
        [const("image", [3, 3], np.int64), const("block", [1, 2], np.int64)],
        opset=18),
    "gridsample_nearest": lambda: model(
        [N("GridSample", ["x", "grid"], ["y"], name="gs", mode="nearest")],
        [vi("x", [1, 2, 3, 4]), vi("grid", [1, 2, 3, 2])],
        [vi("y", [1, 2, 2, 3])], opset=20),
    "gridsample_bad_mode": lambda: model(
        [N("GridSample", ["x", "grid"], ["y"], name="gs_bad",
           padding_mode="wrap")],
        [vi("x", [1, 2, 3, 4]), vi("grid", [1, 2, 3, 2])],
        [vi("y", [1, 2, 2, 3])], opset=20),
    "dft_rfft": lambda: model(
        [N("DFT", ["x", "", "axis"], ["y"], name="dft", onesided=1)],
        [vi("x", [2, 4, 1])], [vi("y", [2, 3, 2])],
        [const("axis", 1, np.int64)], opset=20),
    "dft_dynamic_axis": lambda: model(
        [N("DFT", ["x", "", "axis"], ["y"], name="dft_dyn")],
        [vi("x", [2, 4, 1]), vi("axis", [], TensorProto.INT64)],
        [vi("y", [2, 4, 2])], opset=20),
    "roialign_adaptive": lambda: model(
        [N("RoiAlign", ["x", "rois", "b"], ["y"], name="roi_adaptive",
           output_height=2, output_width=2)],
        [vi("x", [1, 2, 8, 8]), vi("rois", [3, 4]),
         vi("b", [3], TensorProto.INT64)], [vi("y", [3, 2, 2, 2])],
        opset=16),
    "deform_conv_3d": lambda: model(
        [N("DeformConv", ["x", "w", "off"], ["y"], name="deform3d")],
        [vi("x", [1, 1, 3, 3, 3]), vi("w", [1, 1, 2, 2, 2]),
         vi("off", [1, 24, 2, 2, 2])], [vi("y", [1, 1, 2, 2, 2])],
        opset=19),
    "deform_conv": lambda: model(
        [N("DeformConv", ["x", "w", "off"], ["y"], name="deform", group=2)],
        [vi("x", [1, 2, 3, 3]), vi("w", [4, 1, 2, 2]),
         vi("off", [1, 8, 2, 2])], [vi("y", [1, 4, 2, 2])],
        opset=19),
    "flex_attention": lambda: flex_attention(),
}


def flex_attention():
    # score_mod halves the scores.
    mod = helper.make_graph(
        [N("Mul", ["s", "half"], ["t"])], "score_mod",
        [vi("s", [1, 2, 3, 3])], [vi("t", [1, 2, 3, 3])],
        [const("half", 0.5)])
    m = model(
        [N("FlexAttention", ["q", "k", "v"], ["y"], name="flex",
           domain="ai.onnx.preview", score_mod=mod)],
        [vi("q", [1, 2, 3, 4]), vi("k", [1, 1, 3, 4]), vi("v", [1, 1, 3, 4])],
        [vi("y", [1, 2, 3, 4])], opset=26)
    m.opset_import.append(helper.make_opsetid("ai.onnx.preview", 1))
    return m


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
