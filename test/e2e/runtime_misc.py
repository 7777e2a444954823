#!/usr/bin/env python3
"""BatchNormalization in training mode, ai.onnx.ml ops (ArrayFeatureExtractor
with run-time indices, Binarizer, TreeEnsemble) and optionals on plain
tensors, compiled with dlc and compared with onnxruntime (or the ONNX
reference evaluator where onnxruntime lacks the op) as in ops.py.
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, T, case, f32, i64, vi  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
T[np.float64] = TensorProto.DOUBLE
ML = "ai.onnx.ml"


def ml_case(nodes, feeds, outputs, ml_opset, reference=False):
    """A model importing ai.onnx.ml (and the default domain); `reference`
    takes the expected outputs from the ONNX reference evaluator."""
    graph = helper.make_graph(
        nodes, "case", [vi(k, v) for k, v in feeds.items()],
        [helper.make_tensor_value_info(k, T[d], s)
         for k, (d, s) in outputs.items()])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 21), helper.make_opsetid(ML, ml_opset)])
    model.ir_version = 10
    expected = ReferenceEvaluator(model).run(None, feeds) if reference else None
    return model, feeds, expected


def tree(x, dtype, aggregate, n_targets, reference=True, **extra):
    """Two trees over 3 features: tree 0 tests feature 0 (<= 0.5) then
    feature 2 (membership in {1, 3}); tree 1 is a single split on feature 1
    (> 0) whose NaN values go right."""
    attrs = dict(
        nodes_featureids=[0, 2, 1],
        nodes_modes=numpy_helper.from_array(np.array([0, 6, 3], np.uint8),
                                            "nodes_modes"),
        nodes_splits=numpy_helper.from_array(np.array([0.5, np.nan, 0], dtype),
                                             "nodes_splits"),
        nodes_truenodeids=[1, 0, 3],
        nodes_trueleafs=[0, 1, 1],
        nodes_falsenodeids=[2, 1, 4],
        nodes_falseleafs=[1, 1, 1],
        nodes_missing_value_tracks_true=[0, 0, 1],
        membership_values=numpy_helper.from_array(
            np.array([1, 3, np.nan], dtype), "membership_values"),
        leaf_targetids=[0, 1, 1, 0, 1],
        leaf_weights=numpy_helper.from_array(
            np.array([1.5, -2, 4, 10, 0.25], dtype), "leaf_weights"),
        tree_roots=[0, 2], n_targets=n_targets,
        aggregate_function=aggregate)
    attrs.update(extra)
    return ml_case([N("TreeEnsemble", ["x"], ["y"], domain=ML, **attrs)],
                   {"x": x}, {"y": (dtype, [len(x), n_targets])}, 5,
                   reference=reference)


def transformed(built, transform):
    model, feeds, expected = built
    return model, feeds, [transform(e).astype(e.dtype) for e in expected]


xt = np.array([[0, -1, 1], [0, 2, 3], [0, np.nan, 2], [1, 1, 1],
               [0.5, 0, 3], [np.nan, -3, 0]], np.float32)
bn_x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
bn_params = [("s", rng.standard_normal(3).astype(np.float32)),
             ("b", rng.standard_normal(3).astype(np.float32)),
             ("m", rng.standard_normal(3).astype(np.float32)),
             ("v", rng.uniform(0.5, 2, 3).astype(np.float32))]

CASES = {
    "batchnorm_training": case(
        [N("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
           training_mode=1, momentum=0.8, epsilon=1e-3)],
        {"x": bn_x}, {"y": (np.float32, [2, 3, 4, 5]),
                      "rm": (np.float32, [3]), "rv": (np.float32, [3])},
        inits=bn_params, opset=15),
    "batchnorm_training_rank2": case(
        [N("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
           training_mode=1)],
        {"x": bn_x.reshape(40, 3)}, {"y": (np.float32, [40, 3]),
                                     "rm": (np.float32, [3]),
                                     "rv": (np.float32, [3])},
        inits=bn_params, opset=14),
    "batchnorm_training_f16_mixed": case(
        [N("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
           training_mode=1)],
        {"x": (bn_x * 4 + 100).astype(np.float16)},
        {"y": (np.float16, [2, 3, 4, 5]), "rm": (np.float32, [3]),
         "rv": (np.float32, [3])},
        inits=[(k, v.astype(np.float16)) for k, v in bn_params[:2]]
        + bn_params[2:], opset=15),
    "array_feature_extractor_runtime_indices": ml_case(
        [N("ArrayFeatureExtractor", ["x", "i"], ["y"], domain=ML)],
        {"x": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
         "i": i64(3, 0, 2)}, {"y": (np.float32, [2, 3, 3])}, 1,
        reference=True),
    "array_feature_extractor_runtime_indices_again": ml_case(
        [N("ArrayFeatureExtractor", ["x", "i"], ["y"], domain=ML)],
        {"x": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
         "i": i64(1, 1, 2)}, {"y": (np.float32, [2, 3, 3])}, 1,
        reference=True),
    "array_feature_extractor_vector_int": ml_case(
        [N("ArrayFeatureExtractor", ["x", "i"], ["y"], domain=ML)],
        {"x": np.array([5, 6, 7], np.int64), "i": i64(2, 0).reshape(1, 2)},
        {"y": (np.int64, [1, 2])}, 1, reference=True),
    "binarizer_float": ml_case(
        [N("Binarizer", ["x"], ["y"], domain=ML, threshold=0.25)],
        {"x": f32(-1, 0.25, 0.3, np.inf)}, {"y": (np.float32, [4])}, 1),
    "binarizer_int": ml_case(
        [N("Binarizer", ["x"], ["y"], domain=ML, threshold=1.5)],
        {"x": i64(-3, 1, 2, 7)}, {"y": (np.int64, [4])}, 1, reference=True),
    "tree_ensemble_sum": tree(xt, np.float32, 1, 2),
    "tree_ensemble_average_f64": tree(xt.astype(np.float64), np.float64, 0, 2),
    # onnxruntime gives 0 where a sample reaches no leaf of a target (the
    # reference evaluator leaves the start value, the largest float).
    "tree_ensemble_min": tree(xt, np.float32, 2, 3, reference=False),
    "tree_ensemble_max": tree(xt, np.float32, 3, 2, reference=False),
    "tree_ensemble_sum_ort": tree(xt, np.float32, 1, 2, reference=False),
    # The reference evaluator ignores post_transform, and onnxruntime swaps
    # SOFTMAX (1) and LOGISTIC (2): the transform is applied here, per the
    # spec, to the reference's raw scores.
    "tree_ensemble_softmax": transformed(
        tree(xt, np.float32, 1, 2, post_transform=1),
        lambda y: np.exp(y - y.max(1, keepdims=True))
        / np.exp(y - y.max(1, keepdims=True)).sum(1, keepdims=True)),
    "tree_ensemble_logistic": transformed(
        tree(xt, np.float32, 0, 3, post_transform=2),
        lambda y: 1 / (1 + np.exp(-y))),
    "optional_tensor": case(
        [N("Optional", ["x"], ["o"]),
         N("OptionalHasElement", ["o"], ["h"]),
         N("OptionalGetElement", ["o"], ["y"]),
         N("OptionalHasElement", [""], ["e"])],
        {"x": f32(1, 2, 3)}, {"h": (np.bool_, []), "y": (np.float32, [3]),
                              "e": (np.bool_, [])}, opset=18),
}


if __name__ == "__main__":
    ops.main(CASES, None, __doc__)
