#!/usr/bin/env python3
"""Resize and Upsample whose scales, sizes or roi are graph inputs: the
declared output shape is compiled, the sample positions come from the run-time
values. Each model is compiled once and run with several values that give the
declared shape (compared with onnxruntime as in ops.py; e.g. scales 0.6 and
0.55 both resize 4 elements to 2 but sample different positions) and with
values that do not (the run must fail with the node's check message).
DFT's axis, Col2Im's block_shape, the window size, MaxUnpool's output_shape
and Dropout's training_mode as graph inputs are covered the same way.
"""

import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case, f32, i64  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
x44 = rng.standard_normal((1, 1, 4, 4)).astype(np.float32)
x66 = rng.standard_normal((1, 1, 6, 6)).astype(np.float32)
x79 = rng.standard_normal((1, 1, 7, 9)).astype(np.float32)
x235 = rng.standard_normal((2, 3, 5)).astype(np.float32)
x23 = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)
x1351 = rng.standard_normal((1, 3, 5, 1)).astype(np.float32)
x126 = rng.standard_normal((1, 2, 6)).astype(np.float32)


def resize(attrs, inputs, x, out, inits=(), opset=19):
    """A Resize of `x` with inputs `inputs` (names, '' for absent) and the
    declared output shape `out`."""
    return case([N("Resize", ["x"] + inputs, ["y"], name="rs", **attrs)],
                {"x": x}, {"y": (np.float32, out)}, inits=inits,
                opset=opset)[0]


# name: (model, fixed feeds, run-time argument, good values, bad values
#        [, "reference": expected results from onnx.reference])
CASES = {
    "scales_linear": (
        resize({"mode": "linear"}, ["", "s"], x44, [1, 1, 2, 2]),
        {"x": x44}, "s",
        [f32(1, 1, 0.6, 0.55), f32(1, 1, 0.5, 0.74)],
        [f32(1, 1, 1, 0.5), f32(1, 1, 0.4, 0.5), f32(1, 1, 0, 0.5),
         f32(1, 1, np.nan, np.inf)]),
    "scales_nearest_axes_ceil_asymmetric": (
        resize({"mode": "nearest", "axes": [-1],
                "coordinate_transformation_mode": "asymmetric",
                "nearest_mode": "round_prefer_ceil"},
               ["", "s"], x235, [2, 3, 7]),
        {"x": x235}, "s", [f32(1.42), f32(1.5), f32(1.59)],
        # f32(1.4) * 5 rounds down to 6, as in the ONNX reference.
        [f32(1.2), f32(1.4)]),
    "scales_cubic_antialias": (
        resize({"mode": "cubic", "antialias": 1, "axes": [2, 3]},
               ["", "s"], x66, [1, 1, 3, 3]),
        {"x": x66}, "s",
        [f32(0.5, 0.5), f32(0.6, 0.55), f32(0.66, 0.52)], [f32(0.5, 0.7)]),
    # onnxruntime takes the integer output length for align_corners; the
    # ONNX reference (and dlc) take scale * input length: the reference is
    # the expected result.
    "scales_cubic_align_corners_exclude": (
        resize({"mode": "cubic", "exclude_outside": 1,
                "coordinate_transformation_mode": "align_corners"},
               ["", "s"], x44, [1, 1, 6, 9]),
        {"x": x44}, "s", [f32(1, 1, 1.5, 2.25), f32(1, 1, 1.7, 2.4)],
        [f32(1, 1, 2, 2.25)], "reference"),
    "sizes_stretch": (
        resize({"mode": "linear"}, ["", "", "n"], x44, [1, 1, 3, 5]),
        {"x": x44}, "n", [i64(1, 1, 3, 5)], [i64(1, 1, 3, 6)]),
    "sizes_not_larger": (
        resize({"mode": "linear", "axes": [2, 3],
                "keep_aspect_ratio_policy": "not_larger"},
               ["", "", "n"], x79, [1, 1, 4, 5]),
        {"x": x79}, "n", [i64(4, 9), i64(5, 5)], [i64(7, 9)]),
    "sizes_not_smaller": (
        resize({"mode": "nearest", "axes": [2, 3],
                "keep_aspect_ratio_policy": "not_smaller"},
               ["", "", "n"], x79, [1, 1, 4, 5]),
        {"x": x79}, "n", [i64(4, 1), i64(2, 5)], [i64(4, 9)]),
    "roi_crop_and_resize": (
        resize({"mode": "linear", "axes": [2, 3],
                "coordinate_transformation_mode": "tf_crop_and_resize",
                "extrapolation_value": 7.0},
               ["r", "", "n"], x44, [1, 1, 3, 3], inits=[("n", i64(3, 3))]),
        {"x": x44}, "r",
        [f32(0, 0, 1, 1), f32(0.2, 0.4, 0.6, 0.7), f32(-0.5, 0.3, 1.2, 0.9)],
        []),
    "upsample9_scales": (
        case([N("Upsample", ["x", "s"], ["y"], name="rs")], {"x": x23},
             {"y": (np.float32, [1, 1, 4, 7])}, opset=9)[0],
        {"x": x23}, "s", [f32(1, 1, 2, 2.5), f32(1, 1, 2.4, 2.4)],
        [f32(1, 1, 2, 2)]),
    "resize10_scales_linear": (
        case([N("Resize", ["x", "s"], ["y"], mode="linear", name="rs")],
             {"x": x23}, {"y": (np.float32, [1, 1, 3, 4])}, opset=10)[0],
        {"x": x23}, "s", [f32(1, 1, 1.5, 1.5), f32(1, 1, 1.9, 1.4)],
        [f32(1, 1, 1, 1.5)]),
    # The other ops whose shape arguments may be graph inputs.
    "dft_axis": (
        case([N("DFT", ["x", "", "a"], ["y"], name="rs")], {"x": x1351},
             {"y": (np.float32, [1, 3, 5, 2])}, opset=20)[0],
        {"x": x1351}, "a", [i64(1), i64(-2), i64(2)], [i64(3)]),
    # Block shapes 1x2 and 2x1 both fit 6 blocks of 2 in a 3x3 image.
    "col2im_block": (
        case([N("Col2Im", ["x", "i", "b"], ["y"], name="rs")], {"x": x126},
             {"y": (np.float32, [1, 1, 3, 3])}, inits=[("i", i64(3, 3))],
             opset=18)[0],
        {"x": x126}, "b", [i64(1, 2), i64(2, 1)], [i64(1, 3), i64(2, 2)],
        "reference"),
    "hann_size": (
        case([N("HannWindow", ["n"], ["y"], name="rs")], {},
             {"y": (np.float32, [7])}, opset=17)[0],
        {}, "n", [i64(7)], [i64(8)]),
    "maxunpool_output_shape": (
        case([N("MaxUnpool", ["x", "i", "s"], ["y"], name="rs",
                kernel_shape=[2], strides=[2])],
             {"x": x235[:1, :1, :2], "i": i64(1, 2).reshape(1, 1, 2)},
             {"y": (np.float32, [1, 1, 5])}, opset=11)[0],
        {"x": x235[:1, :1, :2], "i": i64(1, 2).reshape(1, 1, 2)}, "s",
        [i64(1, 1, 5)], [i64(1, 1, 4)]),
    "dropout_training_zero_ratio": (
        case([N("Dropout", ["x", "r", "t"], ["y"], name="rs")],
             {"x": x235, "r": np.array(0, np.float32)},
             {"y": (np.float32, [2, 3, 5])}, opset=13)[0],
        {"x": x235, "r": np.array(0, np.float32)}, "t",
        [np.array(False), np.array(True)], []),
}


def add_input(model, name, value):
    """Makes `name` a graph input shaped like `value`."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    dtype = onnx.helper.np_dtype_to_tensor_dtype(value.dtype)
    model.graph.input.append(
        onnx.helper.make_tensor_value_info(name, dtype, value.shape))
    return model


def check_case(args, name, model, fixed, arg, good, bad, expected="ort"):
    model = add_input(model, arg, good[0])
    path, so, error = ops.compile_model(name, model, args.dlc, args.workdir)
    if error:
        return [error]
    if expected == "reference":
        session = ReferenceEvaluator(model)
    else:
        session = ort.InferenceSession(path,
                                       providers=["CPUExecutionProvider"])
    problems = []
    for value in good:
        feeds = dict(fixed, **{arg: value})
        result, outputs = ops.run_compiled(args.dlc_run, so, feeds,
                                           args.workdir)
        if result.returncode != 0:
            problems.append(f"{arg}={value}: dlc-run failed: "
                            f"{result.stderr.strip()}")
            continue
        want = session.run(None, feeds)[0]
        have = np.load(outputs)["y"]
        if have.shape != want.shape or not np.allclose(have, want, rtol=1e-3,
                                                       atol=1e-5):
            problems.append(f"{arg}={value}: got {have.ravel()[:8]} "
                            f"expected {want.ravel()[:8]}")
    for value in bad:
        result, _ = ops.run_compiled(args.dlc_run, so,
                                     dict(fixed, **{arg: value}), args.workdir)
        text = result.stdout + result.stderr
        if result.returncode <= 0 or "node 'rs'" not in text:
            problems.append(f"{arg}={value}: expected a failed check, got "
                            f"status {result.returncode}: {text.strip()}")
    return problems


if __name__ == "__main__":
    ops.run_table(CASES, lambda name, spec, args: check_case(args, name, *spec),
                  __doc__)
