#!/usr/bin/env python3
"""Writes one small ONNX model with an attention, recurrent, resampling or
transposed-convolution node, chosen by name, for the importer lit tests:
    make_sequence_model.py NAME OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model(nodes, inputs, outputs, inits=(), opset=23):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10
    return m


N = helper.make_node

MODELS = {
    "attention_causal_gqa": lambda: model(
        [N("Attention", ["q", "k", "v"], ["y"], is_causal=1)],
        [vi("q", [1, 4, 3, 8]), vi("k", [1, 2, 3, 8]), vi("v", [1, 2, 3, 8])],
        [vi("y", [1, 4, 3, 8])]),
    "attention_3d_bool_mask": lambda: model(
        [N("Attention", ["q", "k", "v", "m"], ["y"], q_num_heads=2,
           kv_num_heads=2, softcap=2.0)],
        [vi("q", [1, 3, 8]), vi("k", [1, 5, 8]), vi("v", [1, 5, 8]),
         vi("m", [3, 4], TensorProto.BOOL)],
        [vi("y", [1, 3, 8])]),
    "lstm_bidirectional": lambda: model(
        [N("LSTM", ["x", "w", "r"], ["y", "yh", "yc"], hidden_size=3,
           direction="bidirectional")],
        [vi("x", [2, 1, 4])], [vi("y", [2, 2, 1, 3]), vi("yh", [2, 1, 3]),
                               vi("yc", [2, 1, 3])],
        [const("w", np.ones((2, 12, 4))), const("r", np.ones((2, 12, 3)))]),
    "gru_bad_activation": lambda: model(
        [N("GRU", ["x", "w", "r"], ["y"], hidden_size=2,
           activations=["Swish", "Tanh"])],
        [vi("x", [2, 1, 4])], [vi("y", [2, 1, 1, 2])],
        [const("w", np.ones((1, 6, 4))), const("r", np.ones((1, 6, 2)))]),
    "convtranspose_stride2": lambda: model(
        [N("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1],
           output_padding=[1, 1])],
        [vi("x", [1, 2, 3, 3])], [vi("y", [1, 4, 6, 6])],
        [const("w", np.ones((2, 4, 3, 3)))]),
    "resize_linear": lambda: model(
        [N("Resize", ["x", "", "s"], ["y"], mode="linear")],
        [vi("x", [1, 1, 2, 4])], [vi("y", [1, 1, 4, 8])],
        [const("s", [1, 1, 2, 2])], opset=19),
    "resize_nearest_sizes": lambda: model(
        [N("Resize", ["x", "", "", "sz"], ["y"], mode="nearest",
           nearest_mode="floor", coordinate_transformation_mode="asymmetric")],
        [vi("x", [1, 1, 2, 2])], [vi("y", [1, 1, 4, 3])],
        [const("sz", [1, 1, 4, 3], np.int64)], opset=19),
    "resize_bad_mode": lambda: model(
        [N("Resize", ["x", "", "s"], ["y"], mode="area")],
        [vi("x", [1, 1, 2, 4])], [vi("y", [1, 1, 4, 8])],
        [const("s", [1, 1, 2, 2])], opset=19),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
