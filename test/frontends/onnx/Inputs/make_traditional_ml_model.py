#!/usr/bin/env python3
"""Writes one small ONNX model of an ai.onnx.ml op, an optional op or
BatchNormalization in training mode, chosen by name, for
traditional_ml.test:
    make_traditional_ml_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from make_model import N, const, model, vi

ML = "ai.onnx.ml"


def ml(nodes, inputs, outputs, version=1):
    m = model(nodes, inputs, outputs, opset=21)
    m.opset_import.append(helper.make_opsetid(ML, version))
    return m


def tensor(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype), name)


def tree(name="tree", **extra):
    """One tree: node 0 (x[:, 1] <= 2) -> leaf 0 (target 0) or node 1
    (x[:, 0] in {1, 3}) -> leaf 1 (target 1) or leaf 2 (target 0)."""
    attrs = dict(
        nodes_featureids=[1, 0],
        nodes_modes=tensor("nodes_modes", [0, 6], np.uint8),
        nodes_splits=tensor("nodes_splits", [2, np.nan]),
        nodes_truenodeids=[0, 1], nodes_trueleafs=[1, 1],
        nodes_falsenodeids=[1, 2], nodes_falseleafs=[0, 1],
        membership_values=tensor("membership_values", [1, 3, np.nan]),
        leaf_targetids=[0, 1, 0],
        leaf_weights=tensor("leaf_weights", [0.5, 2, -1]),
        tree_roots=[0], n_targets=2)
    attrs.update(extra)
    return ml([N("TreeEnsemble", ["x"], ["y"], name=name, domain=ML, **attrs)],
              [vi("x", [4, 2])], [vi("y", [4, 2])], version=5)


MODELS = {
    "bn_training": lambda: model(
        [N("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
           name="bn", training_mode=1, momentum=0.75)],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4]), vi("rm", [3]),
                               vi("rv", [3])],
        [const("s", [1, 2, 3]), const("b", [0, 0, 0]), const("m", [0, 0, 0]),
         const("v", [1, 1, 1])], opset=15),
    "array_feature_extractor": lambda: ml(
        [N("ArrayFeatureExtractor", ["x", "i"], ["y"], name="afe", domain=ML)],
        [vi("x", [3, 4]), vi("i", [2], TensorProto.INT64)], [vi("y", [3, 2])]),
    "binarizer": lambda: ml(
        [N("Binarizer", ["x"], ["y"], name="bin", domain=ML, threshold=0.5)],
        [vi("x", [3])], [vi("y", [3])]),
    "binarizer_bool": lambda: ml(
        [N("Binarizer", ["x"], ["y"], name="bin_bool", domain=ML)],
        [vi("x", [3], TensorProto.BOOL)], [vi("y", [3], TensorProto.BOOL)]),
    "tree": tree,
    "tree_probit": lambda: tree(name="tree_probit", post_transform=4),
    "tree_bad_leaf": lambda: tree(name="tree_bad_leaf",
                                  leaf_targetids=[0, 2, 0]),
    "tree_cycle": lambda: tree(name="tree_cycle", nodes_falsenodeids=[1, 0],
                               nodes_falseleafs=[0, 0]),
    "optional": lambda: model(
        [N("Optional", ["x"], ["o"], name="opt"),
         N("OptionalHasElement", ["o"], ["h"], name="has"),
         N("OptionalGetElement", ["o"], ["y"], name="get"),
         N("OptionalHasElement", [""], ["e"], name="has_empty")],
        [vi("x", [3])], [vi("h", [], TensorProto.BOOL), vi("y", [3]),
                         vi("e", [], TensorProto.BOOL)], opset=18),
    "optional_get_empty": lambda: model(
        [N("OptionalGetElement", [""], ["y"], name="get_empty")],
        [], [vi("y", [3])], opset=18),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
