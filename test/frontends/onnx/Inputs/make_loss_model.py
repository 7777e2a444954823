#!/usr/bin/env python3
"""Writes one small ONNX loss model, chosen by name, for loss.test:
    make_loss_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

from make_model import N, const, model, vi

I64 = TensorProto.INT64

MODELS = {
    "nll_mean": lambda: model(
        [N("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="nll")],
        [vi("x", [3, 5]), vi("t", [3], I64)], [vi("y", [])], opset=13),
    "nll_weight_ii": lambda: model(
        [N("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["y"], name="nll_w",
           reduction="mean", ignore_index=-1)],
        [vi("x", [2, 3, 4]), vi("t", [2, 4], I64), vi("w", [3])],
        [vi("y", [])], opset=13),
    "nll_none": lambda: model(
        [N("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="nll_none",
           reduction="none")],
        [vi("x", [2, 3, 4]), vi("t", [2, 4], I64)], [vi("y", [2, 4])],
        opset=13),
    "nll_bad_reduction": lambda: model(
        [N("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="nll_bad",
           reduction="max")],
        [vi("x", [3, 5]), vi("t", [3], I64)], [vi("y", [])], opset=13),
    "nll_bad_target": lambda: model(
        [N("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="nll_shape")],
        [vi("x", [3, 5]), vi("t", [4], I64)], [vi("y", [])], opset=13),
    "sce_sum_log_prob": lambda: model(
        [N("SoftmaxCrossEntropyLoss", ["x", "t"], ["y", "lp"], name="sce",
           reduction="sum")],
        [vi("x", [3, 5]), vi("t", [3], TensorProto.INT32)],
        [vi("y", []), vi("lp", [3, 5])], opset=13),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
