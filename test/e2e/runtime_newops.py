#!/usr/bin/env python3
"""BitCast between floats and integers, TfIdfVectorizer, STFT and
MelWeightMatrix (run-time frame_step, frame_length and scalars, each with
two values), NonMaxSuppression (whose output count is data dependent:
run-time max_output_boxes_per_class with several values), runs whose
run-time values contradict the declared shapes (which must fail with the
check's message), LinearAttention and CausalConvWithState, compiled with dlc
and compared with onnxruntime or, for the ops it does not implement, the
ONNX reference evaluator, as in ops.py.
"""

import os
import sys

import numpy as np
import onnx
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case, f32, i64  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
corner_boxes = np.array([[[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9],
                          [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                          [0, 100, 1, 101]]], np.float32)
center_boxes = np.array([[[0.5, 0.5, 1, 1], [0.5, 0.6, 1, 1],
                          [0.5, 0.4, 1, 1], [0.5, 10.5, 1, 1],
                          [0.5, 10.6, 1, 1], [0.5, 100.5, 1, 1]]], np.float32)
two_class_scores = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3],
                              [0.3, 0.95, 0.9, 0.1, 0.5, 0.75]]], np.float32)
tied_scores = np.array([[[0.5, 0.9, 0.5, 0.9, 0.5, 0.5]]], np.float32)


def nms(feeds, selected, center=0, opset=11):
    names = ["boxes", "scores", "max", "iou", "thr"][:len(feeds)]
    return case([N("NonMaxSuppression", names, ["sel"],
                   center_point_box=center)],
                dict(zip(names, feeds)), {"sel": (np.int64, [selected, 3])},
                opset=opset)


def with_reference(model, feeds, _):
    """The expected outputs from the ONNX reference evaluator."""
    return model, feeds, ReferenceEvaluator(model).run(None, feeds)


def opset27(nodes, feeds, outputs):
    return with_reference(*case(nodes, feeds, outputs, opset=27))


def bitcast(x, to, dtype):
    model, feeds, _ = case([N("BitCast", ["x"], ["y"], to=to)], {"x": x},
                           {"y": (dtype, list(x.shape))}, opset=26)
    return model, feeds, [x.view(dtype)]


la_q = rng.standard_normal((2, 3, 16)).astype(np.float32)
la_k = rng.standard_normal((2, 3, 8)).astype(np.float32)
la_v = rng.standard_normal((2, 3, 12)).astype(np.float32)
la_decay = -np.abs(rng.standard_normal((2, 3, 8))).astype(np.float32)
la_beta = rng.uniform(0, 1, (2, 3, 2)).astype(np.float32)
la_past = rng.standard_normal((2, 2, 4, 6)).astype(np.float32)
cc_x = rng.standard_normal((2, 3, 5)).astype(np.float32)
cc_w = rng.standard_normal((3, 1, 3)).astype(np.float32)
cc_b = rng.standard_normal(3).astype(np.float32)
cc_past = rng.standard_normal((2, 3, 2)).astype(np.float32)

CASES = {
    "bitcast_f32_to_i32": bitcast(f32(1.5, -0.0, np.inf, np.nan),
                                  onnx.TensorProto.INT32, np.int32),
    "bitcast_i32_to_f32": bitcast(np.array([0, 1, -1, 1065353216], np.int32),
                                  onnx.TensorProto.FLOAT, np.float32),
    # max_output_boxes_per_class is a graph input: 3 and 10 both select the
    # 3 boxes the declared shape promises.
    "nms_runtime_max_3": nms([corner_boxes, two_class_scores[:, :1], i64(3),
                              f32(0.5), f32(0.0)], 3),
    "nms_runtime_max_10": nms([corner_boxes, two_class_scores[:, :1], i64(10),
                               f32(0.5), f32(0.0)], 3),
    "nms_two_classes_center": nms([center_boxes, two_class_scores, i64(2),
                                   f32(0.5), f32(0.4)], 4, center=1),
    "nms_ties_lowest_index_first": nms([corner_boxes, tied_scores, i64(4),
                                        f32(0.0)], 3),
    "nms_no_threshold_inputs": nms([corner_boxes, tied_scores, i64(6)], 3,
                                   opset=10),
    "linear_attention_gated_delta_gqa_past": opset27(
        [N("LinearAttention", ["q", "k", "v", "p", "g", "b"], ["o", "s"],
           q_num_heads=4, kv_num_heads=2, scale=0.3)],
        {"q": la_q, "k": la_k, "v": la_v, "p": la_past, "g": la_decay,
         "b": la_beta},
        {"o": (np.float32, [2, 3, 24]), "s": (np.float32, [2, 2, 4, 6])}),
    "linear_attention_gated_per_head": opset27(
        [N("LinearAttention", ["q", "k", "v", "", "g"], ["o", "s"],
           q_num_heads=2, kv_num_heads=2, update_rule="gated")],
        {"q": la_k, "k": la_k, "v": la_v,
         "g": la_decay[:, :, :2].copy()},
        {"o": (np.float32, [2, 3, 12]), "s": (np.float32, [2, 2, 4, 6])}),
    "causal_conv_bias_past_silu": opset27(
        [N("CausalConvWithState", ["x", "w", "b", "p"], ["y", "s"],
           activation="silu")],
        {"x": cc_x, "w": cc_w, "b": cc_b, "p": cc_past},
        {"y": (np.float32, [2, 3, 5]), "s": (np.float32, [2, 3, 2])}),
    # weights[i] weighs the i-th pool n-gram (the spec, onnxruntime), which
    # is not its output index here.
    "tfidf_tfidf_weights_int32_rank1": case(
        [N("TfIdfVectorizer", ["x"], ["y"], mode="TFIDF", min_gram_length=1,
           max_gram_length=3, max_skip_count=1, ngram_counts=[0, 3, 7],
           ngram_indexes=[4, 0, 2, 1, 3, 5, 6],
           pool_int64s=[2, 3, 5, 2, 3, 3, 5, 3, 5, 7, 2, 3, 5],
           weights=[0.5, 2, 1.5, 3, 0.25, 4, 1])],
        {"x": np.array([2, 3, 5, 3, 5, 7, 2, 9, 3], np.int32)},
        {"y": (np.float32, [7])}, opset=9),
    # Only the bigrams are counted (min_gram_length = 2).
    "tfidf_idf_batch": case(
        [N("TfIdfVectorizer", ["x"], ["y"], mode="IDF", min_gram_length=2,
           max_gram_length=2, max_skip_count=2, ngram_counts=[0, 2],
           ngram_indexes=[3, 2, 1, 0], pool_int64s=[1, 2, 1, 3, 2, 2])],
        {"x": np.array([[1, 1, 2, 3, 2], [2, 4, 2, 1, 5]], np.int64)},
        {"y": (np.float32, [2, 4])}, opset=9),
    # frame_step and frame_length are graph inputs: 16 and 17 both give the
    # declared 9 bins; the steps give the declared 7 frames.
    "stft_runtime_step_length_16": case(
        [N("STFT", ["x", "step", "", "len"], ["y"])],
        {"x": rng.standard_normal((2, 64, 1)).astype(np.float32),
         "step": np.array(8, np.int64), "len": np.array(16, np.int64)},
        {"y": (np.float32, [2, 7, 9, 2])}, opset=17),
    "stft_runtime_step_length_17": case(
        [N("STFT", ["x", "step", "", "len"], ["y"])],
        {"x": rng.standard_normal((2, 64, 1)).astype(np.float32),
         "step": np.array(7, np.int64), "len": np.array(17, np.int64)},
        {"y": (np.float32, [2, 7, 9, 2])}, opset=17),
    "stft_complex_window_twosided": case(
        [N("STFT", ["x", "step", "w"], ["y"], onesided=0)],
        {"x": rng.standard_normal((1, 20, 2)).astype(np.float32),
         "w": np.hanning(6).astype(np.float32)},
        {"y": (np.float32, [1, 5, 6, 2])},
        inits=[("step", np.array(3, np.int64))],
        opset=17),
    # All MelWeightMatrix inputs at run time, two sample rates.
    "mel_weight_matrix_runtime_16k": case(
        [N("MelWeightMatrix", ["m", "n", "r", "lo", "hi"], ["y"])],
        {"m": np.array(8, np.int64), "n": np.array(64, np.int64),
         "r": np.array(16000, np.int64),
         "lo": np.array(0, np.float32), "hi": np.array(8000, np.float32)},
        {"y": (np.float32, [33, 8])}, opset=17),
    "mel_weight_matrix_runtime_8k": case(
        [N("MelWeightMatrix", ["m", "n", "r", "lo", "hi"], ["y"])],
        {"m": np.array(8, np.int64), "n": np.array(65, np.int64),
         "r": np.array(8000, np.int64),
         "lo": np.array(100, np.float32), "hi": np.array(3000, np.float32)},
        {"y": (np.float32, [33, 8])}, opset=17),
    "causal_conv_no_state": opset27(
        [N("CausalConvWithState", ["x", "w"], ["y", "s"])],
        {"x": cc_x, "w": cc_w},
        {"y": (np.float32, [2, 3, 5]), "s": (np.float32, [2, 3, 2])}),
}

# Runs whose run-time values contradict the declared shapes: dlc-run must
# fail with the message of the check.
FAILING = {
    "nms_runtime_max_2_declared_3": (
        nms([corner_boxes, two_class_scores[:, :1], i64(2), f32(0.5),
             f32(0.0)], 3),
        "the number of selected boxes differs from the 3 of the declared"),
    "stft_runtime_step_9_declared_7_frames": (
        case([N("STFT", ["x", "step", "", "len"], ["y"])],
             {"x": rng.standard_normal((2, 64, 1)).astype(np.float32),
              "step": np.array(9, np.int64), "len": np.array(16, np.int64)},
             {"y": (np.float32, [2, 7, 9, 2])}, opset=17),
        "frame_step does not give the 7 frames of the declared output shape"),
    "mel_weight_matrix_dft_length_contradicts_shape": (
        case([N("MelWeightMatrix", ["m", "n", "r", "lo", "hi"], ["y"])],
             {"m": np.array(8, np.int64), "n": np.array(66, np.int64),
              "r": np.array(16000, np.int64),
              "lo": np.array(0, np.float32),
              "hi": np.array(8000, np.float32)},
             {"y": (np.float32, [33, 8])}, opset=17),
        "dft_length / 2 + 1 differs from the 33 rows"),
}


if __name__ == "__main__":
    ops.main(CASES, FAILING, __doc__)
