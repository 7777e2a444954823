#!/usr/bin/env python3
"""The bad-input suite: hostile or broken models and bad runtime calls.
Every case runs dlc, dlc-run or the runtime's C API on its input and must
fail with a non-zero exit status (never a signal) and its own message.
Valid external-data layouts must keep working. Prints a line per case.
"""

import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N = helper.make_node


def vi(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def model(nodes, inputs, outputs, inits=(), opset=17, ir_version=8,
          functions=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    opsets = [helper.make_opsetid("", opset)]
    opsets += [helper.make_opsetid(f.domain, 1) for f in functions]
    m = helper.make_model(graph, functions=list(functions),
                          opset_imports=opsets)
    m.ir_version = ir_version
    return m


def relu_model():
    return model([N("Relu", ["x"], ["y"], name="relu")], [vi("x", [4])],
                 [vi("y", [4])])


def add_const_model(tensor):
    """y = x + c with initializer `tensor` named c (shape [4])."""
    return model([N("Add", ["x", "c"], ["y"], name="add")], [vi("x", [4])],
                 [vi("y", [4])], [tensor])


def raw_tensor(name, dims, raw, dtype=TensorProto.FLOAT):
    tensor = onnx.TensorProto(name=name, data_type=dtype)
    tensor.dims.extend(dims)
    tensor.raw_data = raw
    return tensor


def external_tensor(location, offset=None, length=None, name="c"):
    tensor = onnx.TensorProto(name=name, data_type=TensorProto.FLOAT,
                              dims=[4])
    tensor.data_location = TensorProto.EXTERNAL
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


WEIGHTS = np.arange(4, dtype=np.float32).tobytes()
# Lines of AddressSanitizer, LeakSanitizer and UBSan reports (sanitizer
# builds): a case that prints one fails whatever its exit status.
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error: ")


class Case:
    """A bad input: `prepare(dir)` writes its files and returns the command
    (with "{dlc}", "{dlc_run}", "{python}" and "{runtime}" placeholders);
    the run must fail with `message` in its output."""

    def __init__(self, name, message, prepare, expect_success=False):
        self.name, self.message, self.prepare = name, message, prepare
        self.expect_success = expect_success


CASES = []


def bad_model(name, message, build_bytes):
    """dlc on the bytes `build_bytes(dir)` returns, as model.onnx."""
    def prepare(d):
        path = os.path.join(d, "model.onnx")
        with open(path, "wb") as f:
            f.write(build_bytes(d))
        return ["{dlc}", path, "-o", os.path.join(d, "model.so")]
    CASES.append(Case(name, message, prepare))


def bad_graph(name, message, build_model):
    bad_model(name, message, lambda d: build_model().SerializeToString())


def external(name, message, tensor, setup=None, expect_success=False):
    """A model whose initializer c is `tensor` (external data), after
    `setup(dir)` wrote the data files."""
    def prepare(d):
        os.makedirs(os.path.join(d, "m"), exist_ok=True)
        if setup:
            setup(d)
        path = os.path.join(d, "m", "model.onnx")
        with open(path, "wb") as f:
            f.write(add_const_model(tensor).SerializeToString())
        return ["{dlc}", path, "-o", os.path.join(d, "model.so")]
    CASES.append(Case(name, message, prepare, expect_success))


def write(path, data=WEIGHTS):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def varint(value):
    out = b""
    while True:
        byte, value = value & 0x7F, value >> 7
        out += bytes([byte | (0x80 if value else 0)])
        if not value:
            return out


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def loop_body(nodes, v, v_out, tag):
    """A Loop body carrying `v` (names end in `tag`): (i, cond, v) ->
    (cond, v_out)."""
    return helper.make_graph(
        [N("Identity", ["cond" + tag], ["cond_out" + tag])] + nodes, "body",
        [helper.make_tensor_value_info("i" + tag, TensorProto.INT64, []),
         helper.make_tensor_value_info("cond" + tag, TensorProto.BOOL, []),
         helper.make_tensor_value_info(v, TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("cond_out" + tag, TensorProto.BOOL,
                                       []),
         helper.make_tensor_value_info(v_out, TensorProto.FLOAT, [4])])


def nested_loops(trips):
    """A loop of `trips` iterations around another: trips**2 iterations."""
    inner = N("Loop", ["m", "", "v"], ["v_out"], body=loop_body(
        [N("Neg", ["w"], ["w_out"])], "w", "w_out", "_inner"))
    return model([N("Constant", [], ["m"], value_int=trips),
                  N("Loop", ["m", "", "x"], ["y"],
                    body=loop_body([inner], "v", "v_out", ""))],
                 [vi("x", [4])], [vi("y", [4])])


def nested_ifs(depth):
    """A model of `depth` If nodes, each in the then-branch of the one
    before, as protobuf bytes written by hand (protobuf's own serializers
    refuse to nest that deep)."""
    leaf = helper.make_graph([N("Relu", ["x"], ["y"])], "leaf", [],
                             [vi("y", [4])]).SerializeToString()
    output = vi("y", [4]).SerializeToString()
    graph = leaf
    for _ in range(depth):
        branches = b""
        for name, body in (("then_branch", graph), ("else_branch", leaf)):
            branches += field(5, field(1, name.encode()) + field(6, body) +
                              varint(20 << 3) + varint(5))
        node = (field(1, b"cond") + field(2, b"y") + field(4, b"If") +
                branches)
        graph = field(1, node) + field(2, b"g") + field(12, output)
    inputs = (vi("x", [4]).SerializeToString(),
              vi("cond", [], TensorProto.BOOL).SerializeToString())
    graph += field(11, inputs[0]) + field(11, inputs[1])
    opset = helper.make_opsetid("", 17).SerializeToString()
    return varint(1 << 3) + varint(8) + field(7, graph) + field(8, opset)


# Malformed files and protobufs.
bad_model("empty file", "not a valid ONNX model: it has no graph",
          lambda d: b"")
bad_model("8 garbage bytes",
          "not a valid ONNX model: the protobuf cannot be parsed",
          lambda d: b"\x08\xff\xff\xff\xff\xff\xff\xff")
bad_model("truncated model",
          "not a valid ONNX model: the protobuf cannot be parsed",
          lambda d: relu_model().SerializeToString()[:-7])
bad_model("trailing garbage",
          "not a valid ONNX model: the protobuf cannot be parsed",
          lambda d: relu_model().SerializeToString() + b"\xff\xff\xff")
bad_model("length prefix past the end",
          "not a valid ONNX model: the protobuf cannot be parsed",
          lambda d: b"\x3a\xff\xff\xff\xff\x07" + b"\x00" * 16)
CASES.append(Case(
    "valid subgraphs nested within the recursion limit", "",
    lambda d: (write(os.path.join(d, "nested.onnx"), nested_ifs(3)),
               ["{dlc}", os.path.join(d, "nested.onnx"), "-o",
                os.path.join(d, "nested.so")])[1], expect_success=True))
bad_model("subgraphs nested past the recursion limit",
          "not a valid ONNX model: the protobuf cannot be parsed",
          lambda d: nested_ifs(40))
CASES.append(Case("model path is a directory", "it is not a regular file",
                  lambda d: ["{dlc}", d, "-o", os.path.join(d, "x.so")]))
CASES.append(Case("model path is a device", "it is not a regular file",
                  lambda d: ["{dlc}", "/dev/zero", "-o",
                             os.path.join(d, "x.so")]))
CASES.append(Case("model file missing", "No such file or directory",
                  lambda d: ["{dlc}", os.path.join(d, "none.onnx"), "-o",
                             os.path.join(d, "x.so")]))

# Model-level checks.
bad_graph("IR version too new", "IR version 99 is not supported; IR versions 3 to",
          lambda: model([N("Relu", ["x"], ["y"])], [vi("x", [4])],
                        [vi("y", [4])], ir_version=99))
bad_graph("IR version missing", "IR version 0 is not supported",
          lambda: model([N("Relu", ["x"], ["y"])], [vi("x", [4])],
                        [vi("y", [4])], ir_version=0))
bad_graph("opset too new", "default-domain opset 99 is not supported",
          lambda: model([N("Relu", ["x"], ["y"])], [vi("x", [4])],
                        [vi("y", [4])], opset=99))
bad_graph("opset 0", "default-domain opset 0 is not supported",
          lambda: model([N("Relu", ["x"], ["y"])], [vi("x", [4])],
                        [vi("y", [4])], opset=0))

# Graph checks.
bad_graph("undefined node input",
          "node 'relu' (Relu, domain '', opset 17): input 'nowhere' is not a "
          "graph input, initializer or output of an earlier node",
          lambda: model([N("Relu", ["nowhere"], ["y"], name="relu")],
                        [vi("x", [4])], [vi("y", [4])]))
bad_graph("two nodes define one value",
          "node 'second': value 'y' is defined twice",
          lambda: model([N("Relu", ["x"], ["y"], name="first"),
                         N("Neg", ["x"], ["y"], name="second")],
                        [vi("x", [4])], [vi("y", [4])]))
bad_graph("node output redefines a graph input",
          "node 'relu': value 'x' is defined twice",
          lambda: model([N("Relu", ["x"], ["x"], name="relu")],
                        [vi("x", [4])], [vi("x", [4])]))
bad_graph("nodes out of topological order",
          "node 'second' (Neg, domain '', opset 17): input 't' is an output "
          "of node 'first' (Relu), which does not come before it: nodes must "
          "be in topological order, without cycles",
          lambda: model([N("Neg", ["t"], ["y"], name="second"),
                         N("Relu", ["x"], ["t"], name="first")],
                        [vi("x", [4])], [vi("y", [4])]))
bad_graph("cycle",
          "node 'n1' (Add, domain '', opset 17): input 'b' is an output of "
          "node 'n2' (Relu), which does not come before it",
          lambda: model([N("Add", ["x", "b"], ["a"], name="n1"),
                         N("Relu", ["a"], ["b"], name="n2")],
                        [vi("x", [4])], [vi("b", [4])]))
bad_graph("graph output never produced",
          "graph output 'z' is never produced",
          lambda: model([N("Relu", ["x"], ["y"], name="relu")],
                        [vi("x", [4])], [vi("z", [4])]))
bad_graph("duplicate graph inputs", "value 'x' is defined twice",
          lambda: model([N("Relu", ["x"], ["y"])],
                        [vi("x", [4]), vi("x", [4])], [vi("y", [4])]))
bad_graph("graph input without a type", "graph input 'x' is not a tensor",
          lambda: model([N("Relu", ["x"], ["y"])],
                        [onnx.ValueInfoProto(name="x")], [vi("y", [4])]))
bad_graph("graph input of an unsupported type",
          "graph input 'x' has unsupported data type STRING",
          lambda: model([N("Identity", ["x"], ["y"])],
                        [vi("x", [4], TensorProto.STRING)],
                        [vi("y", [4], TensorProto.STRING)]))
bad_graph("graph input with a negative dim",
          "graph input 'x' has invalid dimension -5",
          lambda: model([N("Relu", ["x"], ["y"])], [vi("x", [-5])],
                        [vi("y", [4])]))
bad_graph("unknown op", "node 'n' (Frobnicate, domain '', opset 17): "
          "unsupported op",
          lambda: model([N("Frobnicate", ["x"], ["y"], name="n")],
                        [vi("x", [4])], [vi("y", [4])]))
bad_graph("missing inputs", "node 'add' (Add, domain '', opset 17): "
          "expects input 1 but it is missing",
          lambda: model([N("Add", ["x"], ["y"], name="add")],
                        [vi("x", [4])], [vi("y", [4])]))
bad_graph("attribute of the wrong type",
          "node 'conv' (Conv, domain '', opset 17): attribute 'strides' is "
          "of type FLOATS but must be INTS",
          lambda: model([N("Conv", ["x", "w"], ["y"], name="conv",
                           strides=[1.5, 1.5])],
                        [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])],
                        [numpy_helper.from_array(
                            np.ones((1, 1, 1, 1), np.float32), "w")]))
bad_graph("constant attribute of the wrong type",
          "node 'c' (Constant, domain '', opset 17): attribute 'value_float' "
          "is of type INT but must be FLOAT",
          lambda: model([N("Constant", [], ["y"], name="c", value_float=3)],
                        [], [vi("y", [])]))
bad_graph("graph attribute of the wrong type",
          "node 'if' (If, domain '', opset 17): attribute 'then_branch' is "
          "of type INT but must be GRAPH",
          lambda: model([N("If", ["c"], ["y"], name="if", then_branch=1,
                           else_branch=1)],
                        [vi("c", [], TensorProto.BOOL)], [vi("y", [4])]))


def local_function(name, nodes, inputs=("a",), outputs=("b",)):
    return helper.make_function("local", name, list(inputs), list(outputs),
                                nodes, [helper.make_opsetid("", 17),
                                        helper.make_opsetid("local", 1)])


def call_model(functions, op="F"):
    return model([N(op, ["x"], ["y"], domain="local", name="call")],
                 [vi("x", [4])], [vi("y", [4])], functions=functions)


def doubling_graph_calls(depth):
    """F<k> passes F<k-1> a graph attribute holding its own twice (an If
    whose branches both refer to it): the graph doubles at each call."""
    def passing(k):
        node = N(f"F{k - 1}", ["a"], ["b"], domain="local")
        inner = N("If", ["a"], ["t"])
        for branch in ("then_branch", "else_branch"):
            inner.attribute.append(helper.make_attribute_ref(
                branch, onnx.AttributeProto.GRAPH, ref_attr_name="g"))
        node.attribute.append(helper.make_attribute(
            "g", helper.make_graph([inner], "g", [], [vi("t", [4])])))
        return local_function(f"F{k}", [node])
    tiny = helper.make_graph([N("Identity", ["x"], ["t"])], "g", [],
                             [vi("t", [4])])
    return model([N(f"F{depth}", ["x"], ["y"], domain="local", name="call",
                    g=tiny)], [vi("x", [4])], [vi("y", [4])],
                 functions=[passing(k) for k in range(1, depth + 1)]
                 + [local_function("F0", [N("Relu", ["a"], ["b"])])])


# Model-local functions are expanded at their calls: recursion, deep chains
# of calls and unrolled loops that multiply must fail cleanly.
bad_graph("recursive model-local function",
          "node 'call/inner' (call of model-local function 'local.F'): the "
          "function calls itself (local.F -> local.F); recursive functions "
          "cannot be expanded",
          lambda: call_model([local_function(
              "F", [N("F", ["a"], ["b"], domain="local", name="inner")])]))
bad_graph("mutually recursive model-local functions",
          "the function calls itself (local.F -> local.G -> local.F)",
          lambda: call_model([
              local_function("F", [N("G", ["a"], ["b"], domain="local")]),
              local_function("G", [N("F", ["a"], ["b"], domain="local")])]))
bad_graph("model-local function calls nested too deep",
          "subgraphs and model-local function calls nest more than 64 "
          "levels deep",
          lambda: call_model(
              [local_function(f"F{i}", [N(f"F{i + 1}", ["a"], ["b"],
                                          domain="local")])
               for i in range(100)]
              + [local_function("F100", [N("Relu", ["a"], ["b"])])],
              op="F0"))
bad_graph("model-local function defined twice",
          "model-local function 'local.F' is defined twice",
          lambda: call_model(
              [local_function("F", [N("Relu", ["a"], ["b"])]),
               local_function("F", [N("Neg", ["a"], ["b"])])]))
bad_graph("call with more inputs than the function takes",
          "node 'call' (call of model-local function 'local.F'): the call has "
          "2 inputs and 1 outputs but the function takes 1 and returns 1",
          lambda: model([N("F", ["x", "x"], ["y"], domain="local",
                           name="call")], [vi("x", [4])], [vi("y", [4])],
                        functions=[local_function(
                            "F", [N("Relu", ["a"], ["b"])])]))
bad_graph("function output never produced",
          "node 'call' (call of model-local function 'local.F'): function "
          "output 'b' is never produced",
          lambda: call_model([local_function(
              "F", [N("Relu", ["a"], ["c"])])]))
def malformed_default_model():
    """A function whose attribute default (field 11) is not an
    AttributeProto, appended as raw bytes to the model (functions: 25)."""
    function = local_function("F", [N("Relu", ["a"], ["b"])])
    function_bytes = function.SerializeToString() + field(11, b"\x0a\xff")
    return (call_model([]).SerializeToString()
            + field(25, function_bytes))


def self_referring_default():
    node = N("If", ["a"], ["t"])
    node.attribute.append(helper.make_attribute_ref(
        "then_branch", onnx.AttributeProto.GRAPH, ref_attr_name="g"))
    function = local_function("F", [N("Relu", ["a"], ["b"])])
    function.attribute_proto.append(helper.make_attribute(
        "g", helper.make_graph([node], "g", [], [vi("t", [4])])))
    return call_model([function])


def reference_outside_function():
    node = N("LeakyRelu", ["x"], ["y"], name="leaky")
    node.attribute.append(helper.make_attribute_ref(
        "alpha", onnx.AttributeProto.FLOAT, ref_attr_name="a"))
    return model([node], [vi("x", [4])], [vi("y", [4])])


bad_model("malformed model-local function default",
          "model-local function 'local.F' has an attribute default that "
          "cannot be parsed", lambda d: malformed_default_model())
bad_graph("model-local function default that refers to an attribute",
          "model-local function 'local.F': the default of attribute 'g' "
          "refers to attribute 'g'; defaults must be values",
          self_referring_default)
bad_graph("attribute reference outside a function",
          "node 'leaky' (LeakyRelu, domain '', opset 17): attribute 'alpha' "
          "refers to attribute 'a', which only nodes of model-local "
          "functions can", reference_outside_function)
bad_graph("model-local function of an unsupported opset",
          "node 'call' (call of model-local function 'local.F'): the "
          "function imports default-domain opset 999; opsets 1 to 28 are "
          "supported",
          lambda: call_model([helper.make_function(
              "local", "F", ["a"], ["b"], [N("Relu", ["a"], ["b"])],
              [helper.make_opsetid("", 999)])]))
# F0 calls F1 twice, F1 calls F2 twice...: 2^30 calls.
bad_graph("model-local function calls that multiply",
          "model-local function calls expand to more than 256 MiB or 262144 "
          "nodes",
          lambda: call_model(
              [local_function(f"F{i}", [
                  N(f"F{i + 1}", ["a"], ["t"], domain="local"),
                  N(f"F{i + 1}", ["t"], ["b"], domain="local")])
               for i in range(30)]
              + [local_function("F30", [N("Relu", ["a"], ["b"])])],
              op="F0"))
bad_graph("graph attributes that double at each call",
          "model-local function calls expand to more than 256 MiB or 262144 "
          "nodes",
          lambda: doubling_graph_calls(40))
bad_graph("nested loops that unroll to too many nodes",
          "the model expands to more than 1048576 nodes (loops are "
          "unrolled), too many to compile",
          lambda: nested_loops(60000))

# Tensor checks.
bad_graph("initializer with a negative dim",
          "tensor 'c' has invalid dimension -4",
          lambda: add_const_model(raw_tensor("c", [-4], WEIGHTS)))
bad_graph("initializer whose element count overflows",
          "tensor 'c' has invalid dimension",
          lambda: add_const_model(raw_tensor("c", [2 ** 32, 2 ** 32], b"")))
bad_graph("raw data shorter than the shape",
          "tensor 'c' has 12 bytes of data but its shape and FLOAT type "
          "need 16",
          lambda: add_const_model(raw_tensor("c", [4], WEIGHTS[:12])))
bad_graph("raw data longer than the shape",
          "tensor 'c' has 20 bytes of data but its shape and FLOAT type "
          "need 16",
          lambda: add_const_model(raw_tensor("c", [4], WEIGHTS + b"\0" * 4)))
bad_graph("typed data count mismatch",
          "tensor 'c' has 8 bytes of data but its shape and FLOAT type "
          "need 16",
          lambda: add_const_model(helper.make_tensor(
              "c", TensorProto.FLOAT, [4], [1.0, 2.0, 3.0, 4.0])
              if False else _short_float_tensor()))
bad_graph("int4 data not rounded up to whole bytes",
          "tensor 'c' has 1 bytes of data but its shape and INT4 type "
          "need 2",
          lambda: model([N("Cast", ["c"], ["y"], to=TensorProto.FLOAT,
                           name="cast")], [], [vi("y", [3])],
                        [raw_tensor("c", [3], b"\x21", TensorProto.INT4)],
                        opset=21, ir_version=10))
bad_graph("initializer of an unknown data type",
          "tensor 'c' has unsupported data type",
          lambda: add_const_model(raw_tensor("c", [4], WEIGHTS, 99)))


def _short_float_tensor():
    tensor = onnx.TensorProto(name="c", data_type=TensorProto.FLOAT, dims=[4])
    tensor.float_data.extend([1.0, 2.0])
    return tensor


# External data: every location must resolve inside the model's directory,
# without links, and within the file.
external("external data climbs out with ..",
         "must be a relative path inside the model's directory",
         external_tensor("../w.bin"),
         lambda d: write(os.path.join(d, "w.bin")))
external("external data climbs out through a subdirectory",
         "must be a relative path inside the model's directory",
         external_tensor("sub/../../w.bin"),
         lambda d: (write(os.path.join(d, "w.bin")),
                    os.makedirs(os.path.join(d, "m", "sub"))))
external("external data at an absolute path",
         "must be a relative path inside the model's directory",
         external_tensor(os.path.abspath(__file__)))
external("external data through a symlink out",
         "external data 'w.bin' is a symbolic link or goes through one",
         external_tensor("w.bin"),
         lambda d: (write(os.path.join(d, "outside.bin")),
                    os.symlink(os.path.join(d, "outside.bin"),
                               os.path.join(d, "m", "w.bin"))))
external("external data through a symlink in",
         "external data 'w.bin' is a symbolic link or goes through one",
         external_tensor("w.bin"),
         lambda d: (write(os.path.join(d, "m", "real.bin")),
                    os.symlink("real.bin", os.path.join(d, "m", "w.bin"))))
external("external data through a symlinked directory",
         "external data 'sub/w.bin' is a symbolic link or goes through one",
         external_tensor("sub/w.bin"),
         lambda d: (write(os.path.join(d, "elsewhere", "w.bin")),
                    os.symlink(os.path.join(d, "elsewhere"),
                               os.path.join(d, "m", "sub"))))
external("external data hard-linked",
         "external data 'w.bin' has 2 hard links; external data must be a "
         "file of its own",
         external_tensor("w.bin"),
         lambda d: (write(os.path.join(d, "outside.bin")),
                    os.link(os.path.join(d, "outside.bin"),
                            os.path.join(d, "m", "w.bin"))))
external("external data offset past the file",
         "has offset 64 and length 16 beyond the file's 16 bytes",
         external_tensor("w.bin", offset=64, length=16),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data length past the file",
         "has offset 8 and length 16 beyond the file's 16 bytes",
         external_tensor("w.bin", offset=8, length=16),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data offset + length overflows",
         "beyond the file's 16 bytes",
         external_tensor("w.bin", offset=2 ** 64 - 8, length=16),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data offset not a number", "bad offset 'ten'",
         external_tensor("w.bin", offset="ten"),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data file missing", "does not exist",
         external_tensor("w.bin"))
external("external data is a directory", "is not a regular file",
         external_tensor("sub"),
         lambda d: os.makedirs(os.path.join(d, "m", "sub")))
external("external data is a FIFO", "is not a regular file",
         external_tensor("w.bin"),
         lambda d: os.mkfifo(os.path.join(d, "m", "w.bin")))
external("external data location with a NUL",
         "must be a relative path inside the model's directory",
         external_tensor("w.bin\x00../../w.bin"),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data location '.'", "is not a regular file",
         external_tensor("."))
external("external data length unlike the tensor's",
         "has 8 bytes at offset 0 but the tensor's shape and type need 16",
         external_tensor("w.bin", offset=0, length=8),
         lambda d: write(os.path.join(d, "m", "w.bin")))
external("external data file larger than the tensor",
         "has 1048576 bytes at offset 0 but the tensor's shape and type "
         "need 16",
         external_tensor("w.bin"),
         lambda d: write(os.path.join(d, "m", "w.bin"), b"\0" * 1048576))
CASES.append(Case("model path is a FIFO", "it is not a regular file",
                  lambda d: (os.mkfifo(os.path.join(d, "fifo.onnx")),
                             ["{dlc}", os.path.join(d, "fifo.onnx"), "-o",
                              os.path.join(d, "x.so")])[1]))
external("valid external data in the model's directory", "",
         external_tensor("w.bin"),
         lambda d: write(os.path.join(d, "m", "w.bin")), expect_success=True)
external("valid external data in a subdirectory", "",
         external_tensor("data/w.bin", offset=4, length=16),
         lambda d: write(os.path.join(d, "m", "data", "w.bin"),
                         b"\0" * 4 + WEIGHTS), expect_success=True)


# Runtime: dlc-run and the C API.
def compiled_relu(d):
    path = os.path.join(d, "relu.onnx")
    onnx.save(relu_model(), path)
    return path


def run_case(name, message, prepare):
    CASES.append(Case(name, message, prepare))


def with_compiled(command):
    """`command(d, so)` after compiling the Relu model to d/relu.so."""
    def prepare(d):
        return ["{sh}", "{dlc} " + compiled_relu(d) + " -o " +
                os.path.join(d, "relu.so") + " && " +
                " ".join(command(d, os.path.join(d, "relu.so")))]
    return prepare


def npz(d, **arrays):
    path = os.path.join(d, "inputs.npz")
    np.savez(path, **arrays)
    return path


run_case("dlc-run on a text file", "cannot load it",
         lambda d: (write(os.path.join(d, "x.so"), b"hello"),
                    ["{dlc_run}", os.path.join(d, "x.so")])[1])
run_case("dlc-run on a library that is not a model",
         "not a dlc model: it does not export 'dlc_model_abi_version'",
         lambda d: ["{dlc_run}", "{runtime}"])
run_case("dlc-run with a wrong input shape",
         "entry 'x' has shape [5] but model input 'x' expects [4]",
         with_compiled(lambda d, so: [
             "{dlc_run}", so, "--inputs",
             npz(d, x=np.zeros(5, np.float32))]))
run_case("dlc-run with a wrong input dtype",
         "entry 'x' has dtype i64 but model input 'x' expects f32",
         with_compiled(lambda d, so: [
             "{dlc_run}", so, "--inputs", npz(d, x=np.zeros(4, np.int64))]))
run_case("dlc-run with a missing input", "no entry for model input 'x'",
         with_compiled(lambda d, so: [
             "{dlc_run}", so, "--inputs", npz(d, y=np.zeros(4, np.float32))]))

CAPI = """
import ctypes, sys
rt = ctypes.CDLL(sys.argv[1])
for f in ["dlcrt_module_run", "dlcrt_module_open", "dlcrt_tensor_create",
          "dlcrt_tensor_wrap", "dlcrt_device_create_cpu"]:
    getattr(rt, f).restype = ctypes.c_void_p
rt.dlcrt_status_message.restype = ctypes.c_char_p
device = ctypes.c_void_p()
rt.dlcrt_device_create_cpu(ctypes.byref(device))
out = ctypes.c_void_p()
dims = (ctypes.c_int64 * 2)(2, -3)
calls = {
  "run NULL": lambda: rt.dlcrt_module_run(None, None, 0, None, 0),
  "open NULL path": lambda: rt.dlcrt_module_open(device, None,
                                                 ctypes.byref(out)),
  "open NULL out": lambda: rt.dlcrt_module_open(device, b"x.so", None),
  "negative dim": lambda: rt.dlcrt_tensor_create(device, 3, 2, dims,
                                                 ctypes.byref(out)),
  "bad dtype": lambda: rt.dlcrt_tensor_create(device, 12345, 0, None,
                                              ctypes.byref(out)),
  "wrap misaligned": lambda: rt.dlcrt_tensor_wrap(
      device, 3, 1, (ctypes.c_int64 * 1)(1), ctypes.c_void_p(2), 4,
      ctypes.byref(out)),
}
status = calls[sys.argv[2]]()
if not status:
    sys.exit("the call succeeded")
sys.stderr.write(rt.dlcrt_status_message(ctypes.c_void_p(status)).decode())
sys.exit(1)
"""


def capi(name, call, message):
    run_case(f"C API: {name}", message,
             lambda d: ["{python}", "-c", CAPI, "{runtime}", call])


capi("dlcrt_module_run(NULL)", "run NULL", "module is NULL")
capi("dlcrt_module_open with a NULL path", "open NULL path",
     "dlcrt_module_open: device, path and out_module must not be NULL")
capi("dlcrt_module_open with a NULL out", "open NULL out",
     "dlcrt_module_open: device, path and out_module must not be NULL")
capi("tensor with a negative dim", "negative dim", "-3")
capi("tensor of an unknown dtype", "bad dtype",
     "dlcrt_tensor_create: invalid dtype 12345")
capi("wrapped data misaligned", "wrap misaligned",
     "dlcrt_tensor_wrap: data is not aligned to the 4-byte size of f32")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--runtime", required=True, help="libdlcrt.so")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    tools = {"{dlc}": args.dlc, "{dlc_run}": args.dlc_run,
             "{runtime}": args.runtime, "{python}": sys.executable,
             "{sh}": "/bin/sh"}
    failed = 0
    selected = [c for c in CASES if args.filter in c.name]
    for index, case in enumerate(selected):
        d = os.path.join(args.workdir, f"case{index}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        command = case.prepare(d)
        if command[0] == "{sh}":
            script = command[1]
            for key, value in tools.items():
                script = script.replace(key, value)
            command = ["/bin/sh", "-c", script]
        else:
            command = [tools.get(part, part) for part in command]
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=120)
        output = result.stdout + result.stderr
        report = next((line for line in output.splitlines()
                       if any(m in line for m in SANITIZER_REPORTS)), None)
        if report:
            ok, why = False, f"sanitizer report: {report}"
        elif case.expect_success:
            ok = result.returncode == 0
            why = "" if ok else f"exit {result.returncode}: {output.strip()}"
        elif result.returncode < 0 or result.returncode > 128:
            # (> 128: a signal, as /bin/sh reports its child's.)
            ok, why = False, f"killed by a signal (status {result.returncode})"
        elif result.returncode == 0:
            ok, why = False, "succeeded"
        elif case.message not in output:
            ok, why = False, f"without '{case.message}': {output.strip()}"
        else:
            ok, why = True, ""
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {case.name}"
              + (f": {why[-400:]}" if why else ""))
    print(f"{len(selected) - failed} of {len(selected)} bad-input cases "
          f"passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
