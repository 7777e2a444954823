#!/usr/bin/env python3
"""Writes one small ONNX model with sequences, control flow or training ops,
chosen by name, for the importer lit tests:
    make_control_flow_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
BOOL = TensorProto.BOOL
N = helper.make_node


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model(nodes, inputs, outputs, inits=(), opset=17, opsets=None):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    if opsets is None:
        opsets = [helper.make_opsetid("", opset)]
    m = helper.make_model(graph, opset_imports=opsets)
    m.ir_version = 8
    return m


def add_one_body():
    # Loop body: y_out = y_in + 1, scan_out = y_out, cond passed through.
    return helper.make_graph(
        [N("Identity", ["c_in"], ["c_out"]),
         N("Add", ["y_in", "one"], ["y_out"]),
         N("Identity", ["y_out"], ["scan_out"])],
        "body", [vi("i", [], I64), vi("c_in", [], BOOL), vi("y_in", [2])],
        [vi("c_out", [], BOOL), vi("y_out", [2]), vi("scan_out", [2])],
        [const("one", 1.0)])


MODELS = {
    # Sequence ops with import-time positions (negative ones count from the
    # back) and SequenceLength as a constant.
    "seq_ops": lambda: model(
        [N("SequenceConstruct", ["a", "b", "c"], ["s1"]),
         N("SequenceErase", ["s1", "minus3"], ["s2"]),
         N("SequenceInsert", ["s2", "a", "minus1"], ["s3"]),
         N("SequenceAt", ["s3", "minus1"], ["y"]),
         N("SequenceLength", ["s3"], ["len"])],
        [vi("a", [2]), vi("b", [2]), vi("c", [2])],
        [vi("y", [2]), vi("len", [], I64)],
        [const("minus3", -3, np.int64), const("minus1", -1, np.int64)]),
    "split_concat": lambda: model(
        [N("SplitToSequence", ["x", "split"], ["s"], axis=1),
         N("ConcatFromSequence", ["s"], ["y"], axis=0),
         N("SplitToSequence", ["x"], ["t"], axis=0, keepdims=0),
         N("ConcatFromSequence", ["t"], ["z"], axis=-1, new_axis=1)],
        [vi("x", [2, 6])], [vi("y", [4, 3]), vi("z", [6, 2])],
        [const("split", 3, np.int64)]),
    "seq_output": lambda: model(
        [N("SequenceConstruct", ["a"], ["s"])],
        [vi("a", [2])],
        [helper.make_tensor_sequence_value_info("s", F, [2])]),
    "loop_const": lambda: model(
        [N("Loop", ["m", "", "y0"], ["y", "ys"], body=add_one_body())],
        [vi("y0", [2])], [vi("y", [2]), vi("ys", [3, 2])],
        [const("m", 3, np.int64)]),
    "loop_dynamic": lambda: model(
        [N("Loop", ["m", "", "y0"], ["y", "ys"], body=add_one_body())],
        [vi("m", [], I64), vi("y0", [2])], [vi("y", [2]), vi("ys", [3, 2])]),
    # A sequence as loop-carried value, grown in the body.
    "loop_seq": lambda: model(
        [N("SequenceEmpty", [], ["s0"]),
         N("Loop", ["m", "", "s0"], ["s"], body=helper.make_graph(
             [N("Identity", ["c_in"], ["c_out"]),
              N("Cast", ["i"], ["f"], to=F),
              N("Add", ["x", "f"], ["xi"]),
              N("SequenceInsert", ["s_in", "xi"], ["s_out"])],
             "body", [vi("i", [], I64), vi("c_in", [], BOOL),
                      helper.make_tensor_sequence_value_info("s_in", F, [2])],
             [vi("c_out", [], BOOL),
              helper.make_tensor_sequence_value_info("s_out", F, [2])])),
         N("ConcatFromSequence", ["s"], ["y"], axis=0, new_axis=1)],
        [vi("x", [2])], [vi("y", [2, 2])], [const("m", 2, np.int64)]),
    # Scan-8: batch axis first, no sequence_lens.
    "scan8": lambda: model(
        [N("Scan", ["", "s0", "x"], ["s", "ys"], num_scan_inputs=1,
           body=helper.make_graph(
               [N("Add", ["s_in", "x_t"], ["s_out"]),
                N("Identity", ["s_out"], ["y_t"])],
               "body", [vi("s_in", [2]), vi("x_t", [2])],
               [vi("s_out", [2]), vi("y_t", [2])]))],
        [vi("s0", [2, 2]), vi("x", [2, 3, 2])],
        [vi("s", [2, 2]), vi("ys", [2, 3, 2])], opset=8),
    # Reverse scan input, scan output stacked along axis 1.
    "scan_reverse": lambda: model(
        [N("Scan", ["s0", "x"], ["s", "ys"], num_scan_inputs=1,
           scan_input_directions=[1], scan_output_axes=[1],
           body=helper.make_graph(
               [N("Add", ["s_in", "x_t"], ["s_out"]),
                N("Identity", ["s_out"], ["y_t"])],
               "body", [vi("s_in", [2]), vi("x_t", [2])],
               [vi("s_out", [2]), vi("y_t", [2])]))],
        [vi("s0", [2]), vi("x", [3, 2])], [vi("s", [2]), vi("ys", [2, 3])]),
    "if_const": lambda: model(
        [N("If", ["c"], ["y"],
           then_branch=helper.make_graph(
               [N("Neg", ["x"], ["t"])], "then", [], [vi("t", [2])]),
           else_branch=helper.make_graph(
               [N("Abs", ["x"], ["e"])], "else", [], [vi("e", [2])]))],
        [vi("x", [2])], [vi("y", [2])], [const("c", False, np.bool_)]),
    "if_where": lambda: model(
        [N("If", ["c"], ["y"],
           then_branch=helper.make_graph(
               [N("Neg", ["x"], ["t"])], "then", [], [vi("t", [2])]),
           else_branch=helper.make_graph(
               [N("Abs", ["x"], ["e"])], "else", [], [vi("e", [2])]))],
        [vi("c", [1], BOOL), vi("x", [2])], [vi("y", [2])]),
    "if_mismatch": lambda: model(
        [N("If", ["c"], ["y"],
           then_branch=helper.make_graph(
               [N("Neg", ["x"], ["t"])], "then", [], [vi("t", [2])]),
           else_branch=helper.make_graph(
               [N("Identity", ["z"], ["e"])], "else", [], [vi("e", [3])]))],
        [vi("c", [], BOOL), vi("x", [2]), vi("z", [3])], [vi("y", [2])]),
    # Only the training domain is imported.
    "adagrad": lambda: model(
        [N("Adagrad", ["r", "t", "x", "g", "h"], ["x_new", "h_new"],
           domain="ai.onnx.preview.training", decay_factor=0.1,
           epsilon=1e-5, norm_coefficient=0.001)],
        [vi("r", []), vi("t", [], I64), vi("x", [2]), vi("g", [2]),
         vi("h", [2])], [vi("x_new", [2]), vi("h_new", [2])],
        opsets=[helper.make_opsetid("ai.onnx.preview.training", 1)]),
    "momentum_bad_mode": lambda: model(
        [N("Momentum", ["r", "t", "x", "g", "v"], ["x_new", "v_new"],
           domain="ai.onnx.preview.training", alpha=0.9, beta=0.1,
           norm_coefficient=0.0, mode="sideways")],
        [vi("r", []), vi("t", [], I64), vi("x", [2]), vi("g", [2]),
         vi("v", [2])], [vi("x_new", [2]), vi("v_new", [2])],
        opsets=[helper.make_opsetid("ai.onnx.preview.training", 1)]),
    "training_with_default_node": lambda: model(
        [N("Neg", ["x"], ["y"], name="neg")], [vi("x", [2])], [vi("y", [2])],
        opsets=[helper.make_opsetid("ai.onnx.preview.training", 1)]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
