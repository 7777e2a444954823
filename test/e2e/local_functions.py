#!/usr/bin/env python3
"""Models with model-local functions (ModelProto.functions), as exporters
such as torch.onnx (dynamo) write them: dlc expands each call; outputs are
compared with onnxruntime as in ops.py.
"""

import os
import sys

import numpy as np
from onnx import AttributeProto, TensorProto, helper
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, T, f32, vi  # noqa: E402
import ops  # noqa: E402

LOCAL = "pkg.local"
rng = np.random.default_rng(3)
x = rng.standard_normal((2, 3, 4)).astype(np.float32)
w = rng.standard_normal((4, 5)).astype(np.float32)
default_opsets = [helper.make_opsetid("", 18)]


def function(name, inputs, outputs, nodes, attributes=(), defaults=(),
             opsets=None, overload=None):
    return helper.make_function(
        LOCAL, name, inputs, outputs, nodes,
        opsets if opsets is not None else
        default_opsets + [helper.make_opsetid(LOCAL, 1)],
        attributes=list(attributes), attribute_protos=list(defaults),
        overload=overload)


def with_refs(node, **refs):
    """`node` with attributes that refer to the function's: name=(type,
    referenced name)."""
    for name, (attr_type, referenced) in refs.items():
        node.attribute.append(helper.make_attribute_ref(
            name, attr_type, ref_attr_name=referenced))
    return node


def call(op, inputs, outputs, **attrs):
    return N(op, inputs, outputs, domain=LOCAL, **attrs)


def model_case(nodes, feeds, outputs, functions, ir_version=10,
               reference=False):
    graph = helper.make_graph(
        nodes, "case", [vi(k, v) for k, v in feeds.items()],
        [helper.make_tensor_value_info(k, T[d], s)
         for k, (d, s) in outputs.items()])
    model = helper.make_model(
        graph, functions=functions,
        opset_imports=default_opsets + [helper.make_opsetid(LOCAL, 1)])
    model.ir_version = ir_version
    expected = ReferenceEvaluator(model).run(None, feeds) if reference else None
    return model, feeds, expected


# y = LeakyRelu(x * scale, alpha): `alpha` is a referenced attribute with a
# default, `scale` a referenced attribute turned into a constant; the body's
# names (t, y) collide with the caller's on purpose.
scaled_leaky = function(
    "ScaledLeaky", ["x"], ["y"],
    [with_refs(N("Constant", [], ["s"]),
               value_float=(AttributeProto.FLOAT, "scale")),
     N("Mul", ["x", "s"], ["t"]),
     with_refs(N("LeakyRelu", ["t"], ["y"]),
               alpha=(AttributeProto.FLOAT, "alpha"))],
    attributes=["scale"],
    defaults=[helper.make_attribute("alpha", 0.25)])

# A function calling another, with two outputs (the second one also used
# inside).
dense = function(
    "Dense", ["x", "w"], ["y", "m"],
    [N("MatMul", ["x", "w"], ["m"]),
     call("ScaledLeaky", ["m"], ["y"], scale=2.0)])

# An output that is also an input, returned unchanged (valid ONNX, which
# onnxruntime refuses: the ONNX reference evaluator gives the outputs).
pass_and_negate = function("PassAndNegate", ["x"], ["x", "n"],
                           [N("Neg", ["x"], ["n"])])

# An If inside a function, whose branches read the function's inputs and a
# value its body defines.
pick = function(
    "Pick", ["c", "a", "b"], ["y"],
    [N("Mul", ["a", "b"], ["p"]),
     N("If", ["c"], ["y"],
       then_branch=helper.make_graph(
           [N("Add", ["p", "b"], ["t"])], "then", [],
           [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)]),
       else_branch=helper.make_graph(
           [N("Sub", ["a", "p"], ["t2"])], "else", [],
           [helper.make_tensor_value_info("t2", TensorProto.FLOAT, None)]))])

# Two overloads of one name (IR 10).
twice = function("Scale", ["x"], ["y"], [N("Add", ["x", "x"], ["y"])],
                 overload="twice")
square = function("Scale", ["x"], ["y"], [N("Mul", ["x", "x"], ["y"])],
                  overload="square")

# A function with an optional input the call leaves out (Clip's max).
clip = function("ClipLow", ["x", "lo", "hi"], ["y"],
                [N("Clip", ["x", "lo", "hi"], ["y"])])


def overloaded(op_overload, inputs, outputs):
    node = call("Scale", inputs, outputs)
    node.overload = op_overload
    return node


CASES = {
    "function_attribute_and_default": model_case(
        [call("ScaledLeaky", ["x"], ["t"], scale=3.0),
         call("ScaledLeaky", ["t"], ["y"], scale=-1.0, alpha=0.5)],
        {"x": x}, {"y": (np.float32, list(x.shape))}, [scaled_leaky]),
    "function_calls_function": model_case(
        [call("Dense", ["x", "w"], ["y", "m"])],
        {"x": x, "w": w}, {"y": (np.float32, [2, 3, 5]),
                           "m": (np.float32, [2, 3, 5])},
        [scaled_leaky, dense]),
    "function_output_is_input": model_case(
        [call("PassAndNegate", ["x"], ["p", "n"]),
         N("Add", ["p", "n"], ["y"])],
        {"x": x}, {"p": (np.float32, list(x.shape)),
                   "n": (np.float32, list(x.shape)),
                   "y": (np.float32, list(x.shape))},
        [pass_and_negate], reference=True),
    "function_if_reads_outer_values": model_case(
        [call("Pick", ["c", "x", "x2"], ["y"])],
        {"c": np.array(False), "x": x, "x2": x * 2},
        {"y": (np.float32, list(x.shape))}, [pick]),
    # Unrolled: the body, and the call in it, are imported per iteration.
    "function_in_loop_body": model_case(
        [N("Constant", [], ["trips"], value_int=3),
         N("Loop", ["trips", "", "x"], ["y"], body=helper.make_graph(
             [N("Identity", ["cond"], ["cond_out"]),
              call("ScaledLeaky", ["v"], ["v_out"], scale=0.5)], "body",
             [helper.make_tensor_value_info("i", TensorProto.INT64, []),
              helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
              helper.make_tensor_value_info("v", TensorProto.FLOAT, None)],
             [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
              helper.make_tensor_value_info("v_out", TensorProto.FLOAT,
                                            None)]))],
        {"x": x}, {"y": (np.float32, list(x.shape))}, [scaled_leaky]),
    "function_overloads": model_case(
        [overloaded("square", ["x"], ["s"]),
         overloaded("twice", ["s"], ["y"])],
        {"x": x}, {"y": (np.float32, list(x.shape))}, [twice, square]),
    "function_optional_input_left_out": model_case(
        [call("ClipLow", ["x", "lo"], ["y"])],
        {"x": x, "lo": f32(-0.5).reshape(())},
        {"y": (np.float32, list(x.shape))}, [clip]),
}


if __name__ == "__main__":
    ops.main(CASES, None, __doc__)
