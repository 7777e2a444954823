#!/usr/bin/env python3
"""Single-op and small-graph models with chosen inputs (edge cases the random
end-to-end models do not reach), compiled with dlc and compared with
onnxruntime: rtol 1e-3 / atol 1e-5 for floats (f16 outputs: rtol 1e-2,
atol 1e-3), exact for integers and booleans.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

N = helper.make_node
T = {np.float32: TensorProto.FLOAT, np.float16: TensorProto.FLOAT16,
     np.int32: TensorProto.INT32, np.int64: TensorProto.INT64,
     np.bool_: TensorProto.BOOL}


def vi(name, array):
    return helper.make_tensor_value_info(name, T[array.dtype.type], array.shape)


def case(nodes, feeds, outputs, inits=(), opset=17, expected=None):
    """outputs: {name: (numpy dtype, shape)}; `expected` replaces onnxruntime
    where it cannot run the case (INT_MIN / -1 traps inside it)."""
    graph = helper.make_graph(
        nodes, "case", [vi(k, v) for k, v in feeds.items()],
        [helper.make_tensor_value_info(k, T[d], s) for k, (d, s) in outputs.items()],
        [numpy_helper.from_array(v, k) for k, v in inits])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model, feeds, expected


f32 = lambda *v: np.array(v, np.float32)
i32 = lambda *v: np.array(v, np.int32)
i64 = lambda *v: np.array(v, np.int64)


conv_x = np.random.default_rng(5).uniform(-1, 1, (1, 8, 6, 6)).astype(
    np.float16)
conv_w = np.random.default_rng(6).uniform(-1, 1, (4, 8, 3, 3)).astype(
    np.float16)

CASES = {
    "conv2d_f16_sums_in_f32": case(
        [N("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])], {"x": conv_x},
        {"y": (np.float16, [1, 4, 6, 6])}, inits=[("w", conv_w)]),
    "duplicate_outputs": case(
        [N("Relu", ["x"], ["y"]), N("Identity", ["y"], ["z"])],
        {"x": f32(-1, 2, -3)},
        {"y": (np.float32, [3]), "z": (np.float32, [3])}),
    "int_div_truncates": case(
        [N("Div", ["a", "b"], ["y"])],
        {"a": i32(7, -7, 7, -7, 5), "b": i32(2, 2, -2, -2, 1)},
        {"y": (np.int32, [5])}),
    "int_div_min_by_minus_one_wraps": case(
        [N("Div", ["a", "b"], ["y"])],
        {"a": i32(-2**31, 6), "b": i32(-1, -1)}, {"y": (np.int32, [2])},
        expected=[i32(-2**31, -6)]),
    "int_pow": case(
        [N("Pow", ["a", "b"], ["y"])],
        {"a": i64(2, 3, -2, 5), "b": i64(10, 3, 3, 0)},
        {"y": (np.int64, [4])}),
    "pow_mixed_types": case(
        [N("Pow", ["a", "b"], ["y"])],
        {"a": f32(2, 3, 0.5)}, {"y": (np.float32, [3])},
        inits=[("b", i64(2))], opset=15),
    "clip_int64_bounds": case(
        [N("Clip", ["x", "lo", "hi"], ["y"])],
        {"x": i64(-5, 0, 5, 2**62)}, {"y": (np.int64, [4])},
        inits=[("lo", np.array(0, np.int64)),
               ("hi", np.array(2**63 - 1, np.int64))], opset=13),
    "clip_min_above_max": case(
        [N("Clip", ["x", "lo", "hi"], ["y"])],
        {"x": f32(-1, 0.5, 3)}, {"y": (np.float32, [3])},
        inits=[("lo", np.array(2, np.float32)), ("hi", np.array(1, np.float32))],
        opset=13),
    "avgpool_ceil_include_pad": case(
        [N("AveragePool", ["x"], ["y"], kernel_shape=[2], strides=[2],
           ceil_mode=1, count_include_pad=1)],
        {"x": f32(1, 2, 3).reshape(1, 1, 3)}, {"y": (np.float32, [1, 1, 2])},
        opset=19),
    "avgpool_ceil_exclude_pad": case(
        [N("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
           pads=[1, 1, 1, 1], ceil_mode=1)],
        {"x": np.arange(36, dtype=np.float32).reshape(1, 1, 6, 6)},
        {"y": (np.float32, [1, 1, 4, 4])}, opset=19),
    "layernorm_f16": case(
        [N("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1)],
        {"x": (np.random.default_rng(0).uniform(4, 6, (2, 4096))
               .astype(np.float16))},
        {"y": (np.float16, [2, 4096])},
        inits=[("g", np.ones(4096, np.float16)),
               ("b", np.zeros(4096, np.float16))]),
    "slice_negative_step_clamped_start": case(
        [N("Slice", ["x", "s", "e", "a", "t"], ["y"])],
        {"x": f32(1, 2, 3)}, {"y": (np.float32, [1])},
        inits=[("s", i64(-4)), ("e", i64(-10)), ("a", i64(0)), ("t", i64(-1))]),
    "slice_huge_step": case(
        [N("Slice", ["x", "s", "e", "a", "t"], ["y"])],
        {"x": f32(1, 2, 3)}, {"y": (np.float32, [1])},
        inits=[("s", i64(0)), ("e", i64(3)), ("a", i64(0)),
               ("t", i64(2**63 - 1))]),
    "reduce_max_bool": case(
        [N("Cast", ["x"], ["b"], to=TensorProto.BOOL),
         N("ReduceMax", ["b"], ["m"], keepdims=0),
         N("Cast", ["m"], ["y"], to=TensorProto.INT32)],
        {"x": f32(0, 1, 0)}, {"y": (np.int32, [])}, opset=20),
    "gather_negative_indices": case(
        [N("Gather", ["x", "i"], ["y"], axis=1)],
        {"x": np.arange(12, dtype=np.float32).reshape(3, 4),
         "i": i64(-1, 0, -4)}, {"y": (np.float32, [3, 3])}),
    "batchnorm_mixed_types": case(
        [N("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])],
        {"x": np.linspace(-1, 1, 12, dtype=np.float16).reshape(1, 3, 4)},
        {"y": (np.float16, [1, 3, 4])},
        inits=[("s", f32(1, 2, 3)), ("b", f32(0, 1, 0)), ("m", f32(0, 0, 1)),
               ("v", f32(1, 4, 1))], opset=15),
}


def run_case(name, model, feeds, expected, dlc, dlc_run, workdir):
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    so = os.path.join(workdir, name + ".so")
    inputs = os.path.join(workdir, name + ".inputs.npz")
    outputs = os.path.join(workdir, name + ".outputs.npz")
    np.savez(inputs, **feeds)
    for cmd in ([dlc, path, "-o", so],
                [dlc_run, so, "--inputs", inputs, "--output", outputs]):
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            return f"{os.path.basename(cmd[0])} failed: {result.stderr.strip()}"
    if expected is None:
        expected = ort.InferenceSession(
            path, providers=["CPUExecutionProvider"]).run(None, feeds)
    got = np.load(outputs)
    for info, want in zip(model.graph.output, expected):
        have = got[info.name]
        if have.shape != want.shape:
            return f"{info.name}: shape {have.shape} != {want.shape}"
        if want.dtype.kind in "iub":
            ok = np.array_equal(have, want)
        else:
            rtol, atol = (1e-2, 1e-3) if want.dtype == np.float16 else (1e-3, 1e-5)
            ok = np.allclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
        if not ok:
            return f"{info.name}: got {have.ravel()[:8]} expected {want.ravel()[:8]}"
    return None


def run_failing_case(name, model, feeds, message, dlc, dlc_run, workdir):
    """Compiles `model`, runs it on `feeds` and expects the run to fail with
    `message` (a run-time check of a shape argument)."""
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    so = os.path.join(workdir, name + ".so")
    inputs = os.path.join(workdir, name + ".inputs.npz")
    np.savez(inputs, **feeds)
    result = subprocess.run([dlc, path, "-o", so], capture_output=True,
                            text=True)
    if result.returncode != 0:
        return f"dlc failed: {result.stderr.strip()}"
    result = subprocess.run(
        [dlc_run, so, "--inputs", inputs, "--output",
         os.path.join(workdir, name + ".outputs.npz")],
        capture_output=True, text=True)
    if result.returncode == 0:
        return "dlc-run succeeded but the run-time check should fail"
    if message not in result.stderr:
        return f"dlc-run failed without {message!r}: {result.stderr.strip()}"
    return None


def compile_model(name, model, dlc, workdir):
    """Saves `model` and compiles it; returns (onnx path, .so path, error)."""
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    so = os.path.join(workdir, name + ".so")
    result = subprocess.run([dlc, path, "-o", so], capture_output=True,
                            text=True)
    error = f"dlc failed: {result.stderr.strip()}" if result.returncode else None
    return path, so, error


def run_compiled(dlc_run, so, feeds, workdir, name="run"):
    """Runs a compiled model on `feeds`; returns the finished process and
    the path of its outputs (.npz)."""
    inputs = os.path.join(workdir, name + ".inputs.npz")
    outputs = os.path.join(workdir, name + ".outputs.npz")
    if os.path.exists(outputs):
        os.remove(outputs)
    np.savez(inputs, **feeds)
    result = subprocess.run([dlc_run, so, "--inputs", inputs, "--output",
                             outputs], capture_output=True, text=True)
    return result, outputs


def run_table(entries, check, description):
    """Parses --dlc/--dlc-run/--workdir, calls check(name, entry, args) for
    every entry (it returns a list of problems), prints one line each and
    exits non-zero when any entry has a problem."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    failed = 0
    for name, entry in entries.items():
        problems = check(name, entry, args)
        print(f"{name}: {'ok' if not problems else 'FAIL: ' + '; '.join(problems)}")
        failed += bool(problems)
    print(f"{len(entries) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def main(cases=None, failing=None, description=__doc__):
    """Runs `cases` ({name: (model, feeds, expected)}) and `failing`
    ({name: ((model, feeds, _), message)}); exits non-zero on a failure."""
    cases = CASES if cases is None else cases
    entries = {name: (False, entry) for name, entry in cases.items()}
    entries.update({name: (True, entry)
                    for name, entry in (failing or {}).items()})

    def check(name, entry, args):
        expect_failure, value = entry
        if expect_failure:
            (model, feeds, _), message = value
            problem = run_failing_case(name, model, feeds, message, args.dlc,
                                       args.dlc_run, args.workdir)
        else:
            model, feeds, expected = value
            problem = run_case(name, model, feeds, expected, args.dlc,
                               args.dlc_run, args.workdir)
        return [problem] if problem else []

    run_table(entries, check, description)


if __name__ == "__main__":
    main()
