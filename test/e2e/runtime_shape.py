#!/usr/bin/env python3
"""Shape and indexing ops whose shape arguments are graph inputs (Slice,
Pad, Expand, Squeeze, Unsqueeze, Tile, Split, OneHot, Compress, NonZero,
CenterCropPad). Each model is compiled once with its declared output shapes
and run with several argument values that give those shapes (compared with
onnxruntime, or numpy where onnxruntime lacks the mode), then with values
that do not, which must fail the run with the node's check message.
"""

import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case, f32, i64  # noqa: E402
import ops  # noqa: E402


BIG = np.iinfo(np.int64).max
x56 = np.arange(30, dtype=np.float32).reshape(5, 6)
x34 = np.arange(1, 13, dtype=np.float32).reshape(3, 4)


def pad_model(mode, out_shape):
    return case([N("Pad", ["x", "p", "v"], ["y"], mode=mode, name="pad")],
                {"x": x34, "p": i64(0, 0, 0, 0), "v": np.array(0, np.float32)},
                {"y": (np.float32, out_shape)}, opset=19)


def pads(*values):
    return {"x": x34, "p": i64(*values), "v": np.array(7.5, np.float32)}


def numpy_pad(mode):
    def reference(feeds):
        p = feeds["p"]
        width = [(p[0], p[2]), (p[1], p[3])]
        x = feeds["x"]
        # numpy pads only: crop the negative amounts first.
        crop = tuple(slice(max(-b, 0), x.shape[d] - max(-e, 0))
                     for d, (b, e) in enumerate(width))
        x = x[crop]
        width = [(max(b, 0), max(e, 0)) for b, e in width]
        if mode == "constant":
            return np.pad(x, width, constant_values=feeds["v"])
        return np.pad(x, width, mode={"edge": "edge", "reflect": "reflect",
                                      "wrap": "wrap"}[mode])
    return reference


# name: (model, valid feeds, invalid feeds, numpy reference or None)
MODELS = {
    "slice_all_inputs": (
        case([N("Slice", ["x", "s", "e", "a", "t"], ["y"], name="slice")],
             {"x": x56, "s": i64(0, 0), "e": i64(0, 0), "a": i64(0, 1),
              "t": i64(1, 1)}, {"y": (np.float32, [2, 3])}, opset=13),
        [{"x": x56, "s": i64(1, 0), "e": i64(3, 3), "a": i64(0, 1),
          "t": i64(1, 1)},
         {"x": x56, "s": i64(4, -1), "e": i64(2, -100), "a": i64(0, 1),
          "t": i64(-1, -2)},
         {"x": x56, "s": i64(0, 1), "e": i64(3, 3), "a": i64(1, 0),
          "t": i64(1, 1)},
         {"x": x56, "s": i64(3, 3), "e": i64(BIG, BIG), "a": i64(-2, -1),
          "t": i64(1, 1)},
         {"x": x56, "s": i64(-BIG, 0), "e": i64(BIG, BIG), "a": i64(1, 0),
          "t": i64(2, 3)}],
        [{"x": x56, "s": i64(0, 0), "e": i64(5, 6), "a": i64(0, 1),
          "t": i64(1, 1)},
         {"x": x56, "s": i64(1, 0), "e": i64(3, 3), "a": i64(0, 1),
          "t": i64(0, 1)},
         {"x": x56, "s": i64(1, 0), "e": i64(3, 3), "a": i64(0, 0),
          "t": i64(1, 1)}], None),
    "slice_starts_ends": (
        case([N("Slice", ["x", "s", "e"], ["y"], name="slice")],
             {"x": i64(5, 6, 7, 8), "s": i64(0), "e": i64(0)},
             {"y": (np.int64, [2])}, opset=13),
        [{"x": i64(5, 6, 7, 8), "s": i64(1), "e": i64(3)},
         {"x": i64(5, 6, 7, 8), "s": i64(-2), "e": i64(10)}],
        [{"x": i64(5, 6, 7, 8), "s": i64(3), "e": i64(1)}], None),
    "pad_constant": (
        pad_model("constant", [5, 5]),
        [pads(1, 0, 1, 1), pads(0, 1, 2, 0), pads(2, -1, 0, 2)],
        [pads(1, 1, 1, 1)], numpy_pad("constant")),
    "pad_reflect": (
        pad_model("reflect", [5, 7]),
        [pads(1, 2, 1, 1), pads(2, 0, 0, 3), pads(-1, 3, 3, 0)],
        [pads(1, 1, 1, 1)], numpy_pad("reflect")),
    "pad_edge": (
        pad_model("edge", [5, 7]),
        [pads(1, 2, 1, 1), pads(0, 0, 2, 3), pads(3, -1, -1, 4)],
        [pads(0, 0, 2, 2)],
        numpy_pad("edge")),
    "pad_wrap": (
        pad_model("wrap", [5, 7]),
        [pads(1, 2, 1, 1), pads(2, 3, 0, 0), pads(-1, 3, 3, 0)],
        [pads(3, 3, 0, 0)],
        numpy_pad("wrap")),
    "pad_runtime_axes": (
        case([N("Pad", ["x", "p", "", "a"], ["y"], name="pad")],
             {"x": x34, "p": i64(0, 0), "a": i64(0)},
             {"y": (np.float32, [3, 7])}, opset=19),
        [{"x": x34, "p": i64(1, 2), "a": i64(1)},
         {"x": x34, "p": i64(3, 0), "a": i64(-1)}],
        [{"x": x34, "p": i64(1, 2), "a": i64(0)}], None),
    "expand": (
        case([N("Expand", ["x", "s"], ["y"], name="expand")],
             {"x": f32(1, 2, 3).reshape(3, 1), "s": i64(0, 0, 0)},
             {"y": (np.float32, [2, 3, 4])}, opset=13),
        [{"x": f32(1, 2, 3).reshape(3, 1), "s": i64(2, 1, 4)},
         {"x": f32(1, 2, 3).reshape(3, 1), "s": i64(2, 3, 4)}],
        [{"x": f32(1, 2, 3).reshape(3, 1), "s": i64(2, 3, 5)}], None),
    "squeeze": (
        case([N("Squeeze", ["x", "a"], ["y"], name="squeeze")],
             {"x": x56.reshape(1, 5, 1, 6), "a": i64(0, 0)},
             {"y": (np.float32, [5, 6])}, opset=13),
        [{"x": x56.reshape(1, 5, 1, 6), "a": i64(0, 2)},
         {"x": x56.reshape(1, 5, 1, 6), "a": i64(2, 0)},
         {"x": x56.reshape(1, 5, 1, 6), "a": i64(-4, -2)}],
        [{"x": x56.reshape(1, 5, 1, 6), "a": i64(0, 0)}], None),
    "unsqueeze": (
        case([N("Unsqueeze", ["x", "a"], ["y"], name="unsqueeze")],
             {"x": x56, "a": i64(0, 0)}, {"y": (np.float32, [1, 5, 6, 1])},
             opset=13),
        [{"x": x56, "a": i64(0, 3)}, {"x": x56, "a": i64(-1, 0)}],
        [{"x": x56, "a": i64(0, 1)}], None),
    "tile": (
        case([N("Tile", ["x", "r"], ["y"], name="tile")],
             {"x": x34, "r": i64(1, 1)}, {"y": (np.float32, [6, 4])},
             opset=13),
        [{"x": x34, "r": i64(2, 1)}], [{"x": x34, "r": i64(1, 2)}], None),
    "split": (
        case([N("Split", ["x", "s"], ["a", "b"], name="split")],
             {"x": f32(1, 2, 3, 4, 5, 6), "s": i64(0, 0)},
             {"a": (np.float32, [2]), "b": (np.float32, [4])}, opset=13),
        [{"x": f32(1, 2, 3, 4, 5, 6), "s": i64(2, 4)}],
        [{"x": f32(1, 2, 3, 4, 5, 6), "s": i64(3, 3)}], None),
    "onehot": (
        case([N("OneHot", ["i", "d", "v"], ["y"], axis=0, name="onehot")],
             {"i": i64(0, -1, 3), "d": np.array(0, np.int64),
              "v": f32(2, 9)}, {"y": (np.float32, [5, 3])}, opset=11),
        [{"i": i64(0, -1, 3), "d": np.array(5, np.int64), "v": f32(2, 9)}],
        [{"i": i64(0, -1, 3), "d": np.array(4, np.int64), "v": f32(2, 9)}],
        None),
    "compress": (
        case([N("Compress", ["x", "c"], ["y"], axis=1, name="compress")],
             {"x": x34, "c": np.zeros(4, np.bool_)},
             {"y": (np.float32, [3, 2])}, opset=11),
        [{"x": x34, "c": np.array([1, 0, 1, 0], np.bool_)},
         {"x": x34, "c": np.array([0, 0, 1, 1], np.bool_)}],
        [{"x": x34, "c": np.array([1, 1, 1, 0], np.bool_)}], None),
    "nonzero": (
        case([N("NonZero", ["x"], ["y"], name="nonzero")],
             {"x": x34}, {"y": (np.int64, [2, 3])}, opset=13),
        [{"x": np.array([[0, 1, 0, 0], [2, 0, 0, 0], [0, 0, 0, -3]],
                        np.float32)},
         {"x": np.array([[0, 0, 0, 0], [0, 0, 0, 0], [4, 5, 6, 0]],
                        np.float32)}],
        [{"x": x34}], None),
    "compress_flattened": (
        case([N("Compress", ["x", "c"], ["y"], name="compress")],
             {"x": x34, "c": np.zeros(7, np.bool_)},
             {"y": (np.float32, [3])}, opset=11),
        [{"x": x34, "c": np.array([1, 0, 1, 0, 0, 0, 1], np.bool_)},
         {"x": x34, "c": np.array([0, 0, 0, 0, 1, 1, 1], np.bool_)}],
        [{"x": x34, "c": np.array([0, 0, 0, 0, 0, 0, 0], np.bool_)}], None),
    "nonzero_int_3d": (
        case([N("NonZero", ["x"], ["y"], name="nonzero")],
             {"x": np.zeros((2, 2, 3), np.int32)}, {"y": (np.int64, [3, 2])},
             opset=13),
        [{"x": np.array([[[0, 0, 7], [0, 0, 0]], [[0, -1, 0], [0, 0, 0]]],
                        np.int32)},
         {"x": np.array([[[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [3, 0, 3]]],
                        np.int32)}],
        [{"x": np.zeros((2, 2, 3), np.int32)}], None),
    "slice_runtime_axes": (
        case([N("Slice", ["x", "s", "e", "a"], ["y"], name="slice")],
             {"x": x56, "s": i64(0), "e": i64(0), "a": i64(0)},
             {"y": (np.float32, [5, 2])}, opset=13),
        [{"x": x56, "s": i64(1), "e": i64(3), "a": i64(1)},
         {"x": x56, "s": i64(-2), "e": i64(BIG), "a": i64(-1)}],
        [{"x": x56, "s": i64(1), "e": i64(3), "a": i64(0)},
         {"x": x56, "s": i64(1), "e": i64(3), "a": i64(2)}], None),
    "onehot_float_depth": (
        case([N("OneHot", ["i", "d", "v"], ["y"], name="onehot")],
             {"i": i64(1, 0, 2), "d": np.array(0, np.float32),
              "v": f32(0, 1)}, {"y": (np.float32, [3, 3])}, opset=11),
        [{"i": i64(1, 0, 2), "d": np.array(3.0, np.float32),
          "v": f32(0, 1)}],
        [{"i": i64(1, 0, 2), "d": np.array(4.0, np.float32),
          "v": f32(0, 1)}], None),
    "center_crop_pad": (
        case([N("CenterCropPad", ["x", "s"], ["y"], name="ccp")],
             {"x": x34, "s": i64(0, 0)}, {"y": (np.float32, [2, 7])},
             opset=18),
        [{"x": x34, "s": i64(2, 7)}], [{"x": x34, "s": i64(3, 7)}], None),
}


def check_model(name, entry, args):
    (model, _, _), valid, invalid, reference = entry
    path, so, error = ops.compile_model(name, model, args.dlc, args.workdir)
    if error:
        return [error]
    problems = []
    for k, feeds in enumerate(valid):
        result, outputs = ops.run_compiled(args.dlc_run, so, feeds,
                                           args.workdir)
        if result.returncode != 0:
            problems.append(f"valid #{k}: {result.stderr.strip()}")
            continue
        if reference:
            expected = [reference(feeds)]
        else:
            expected = ort.InferenceSession(
                path, providers=["CPUExecutionProvider"]).run(None, feeds)
        got = np.load(outputs)
        for info, want in zip(model.graph.output, expected):
            have = got[info.name]
            if have.shape != want.shape or not np.array_equal(have, want):
                problems.append(f"valid #{k} {info.name}: got {have.tolist()} "
                                f"expected {want.tolist()}")
    for k, feeds in enumerate(invalid):
        result, _ = ops.run_compiled(args.dlc_run, so, feeds, args.workdir)
        text = result.stdout + result.stderr
        node = model.graph.node[0]
        if (result.returncode <= 0 or
                "a run-time check of the model failed" not in text or
                f"node '{node.name}' ({node.op_type}" not in text):
            problems.append(f"invalid #{k}: exit {result.returncode}: "
                            f"{text.strip()}")
    return problems


if __name__ == "__main__":
    ops.run_table(MODELS, check_model, __doc__)
