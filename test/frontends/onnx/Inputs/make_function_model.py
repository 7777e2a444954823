#!/usr/bin/env python3
"""Writes one small ONNX model that calls model-local functions, chosen by
name, for the importer lit tests:
    make_function_model.py NAME OUT.onnx
"""

import sys

import onnx
from onnx import AttributeProto, TensorProto, helper

N = helper.make_node
LOCAL = "local"


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def function(name, inputs, outputs, nodes, defaults=()):
    return helper.make_function(
        LOCAL, name, inputs, outputs, nodes,
        [helper.make_opsetid("", 18), helper.make_opsetid(LOCAL, 1)],
        attributes=[], attribute_protos=list(defaults))


def model(nodes, functions, inputs=None):
    graph = helper.make_graph(nodes, "test", inputs or [vi("x", [4])],
                              [vi("y", [4])])
    m = helper.make_model(graph, functions=functions, opset_imports=[
        helper.make_opsetid("", 18), helper.make_opsetid(LOCAL, 1)])
    m.ir_version = 10
    return m


def leaky():
    """y = LeakyRelu(x, alpha) with alpha referenced, default 0.25."""
    node = N("LeakyRelu", ["x"], ["y"], name="act")
    node.attribute.append(helper.make_attribute_ref(
        "alpha", AttributeProto.FLOAT, ref_attr_name="alpha"))
    return function("Leaky", ["x"], ["y"], [node],
                    defaults=[helper.make_attribute("alpha", 0.25)])


def choose():
    """If(c) with both branches passed in by the call."""
    node = N("If", ["c"], ["b"])
    for branch in ("then_branch", "else_branch"):
        node.attribute.append(helper.make_attribute_ref(
            branch, AttributeProto.GRAPH, ref_attr_name=branch))
    return function("Choose", ["c", "a"], ["b"], [node])


def branch(op):
    """A branch reading the caller's value named a."""
    return helper.make_graph([N(op, ["a"], ["t"])], op, [], [vi("t", [4])])


MODELS = {
    # The branches the call passes read the caller's 'a' (arg2), not the
    # function's input of that name (bound to x, arg1).
    "caller_graphs": lambda: model(
        [N("Choose", ["c", "x"], ["y"], domain=LOCAL, name="call",
           then_branch=branch("Neg"), else_branch=branch("Abs"))],
        [choose()],
        inputs=[helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                vi("x", [4]), vi("a", [4])]),
    # A default-domain function named like the op it wraps: in its body the
    # name is the op.
    "wraps_standard_op": lambda: model(
        [N("Relu", ["x"], ["y"], name="call")],
        [helper.make_function(
            "", "Relu", ["a"], ["b"],
            [N("Relu", ["a"], ["r"]), N("Add", ["r", "r"], ["b"])],
            [helper.make_opsetid("", 18)])]),
    # Two calls: one passes alpha, one takes the default.
    "attribute_refs": lambda: model(
        [N("Leaky", ["x"], ["t"], domain=LOCAL, name="first", alpha=0.5),
         N("Leaky", ["t"], ["y"], domain=LOCAL, name="second")],
        [leaky()]),
    # A function calling another; the inner body fails on purpose (Gemm
    # needs two inputs), to show how nodes inside calls are named.
    "nested_error": lambda: model(
        [N("Outer", ["x"], ["y"], domain=LOCAL, name="call")],
        [function("Outer", ["a"], ["b"],
                  [N("Inner", ["a"], ["b"], domain=LOCAL, name="mid")]),
         function("Inner", ["a"], ["b"],
                  [N("Gemm", ["a"], ["b"], name="gemm")])]),
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main()
