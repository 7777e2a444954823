#!/usr/bin/env python3
"""Reductions, scans and top-k whose axes, axis or k are graph inputs: each
model is compiled once with dlc (the result shape is the declared one), run
with several run-time values that fit the declared shapes and compared with
onnxruntime, then run with values that do not fit, which must fail the run
with the node's run-time check message.
"""

import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import N, case  # noqa: E402
import ops  # noqa: E402

rng = np.random.default_rng(0)
x322 = rng.standard_normal((3, 2, 2)).astype(np.float32)
x231 = rng.standard_normal((2, 3, 1)).astype(np.float32)
x2232 = rng.standard_normal((2, 2, 3, 2)).astype(np.float32)
x34 = rng.standard_normal((3, 4)).astype(np.float32)
x25 = np.array([[1, 5, 3, 5, 2], [0, -1, 4, 4, 9]], np.float32)
pos = (rng.random((3, 2, 2)) + 0.5).astype(np.float32)


def ax(*values):
    return np.array(values, np.int64)


def reduce_case(op, x, axes, out, keepdims, opset=18, **attrs):
    """`op` over run-time `axes` (their length from `axes`)."""
    return case([N(op, ["x", "axes"], ["y"], name="r", keepdims=keepdims,
                   **attrs)],
                {"x": x, "axes": axes}, {"y": (x.dtype.type, out)},
                opset=opset)


# name: (model, [good run-time values], [bad run-time values]); the values
# replace the last graph input.
CASES = {
    # [3, 2, 2] -> [3, 2] without keepdims: axes [1] and [2] both fit.
    "sum_nokeep_two_candidates": (
        reduce_case("ReduceSum", x322, ax(1), [3, 2], 0, opset=13),
        [ax(1), ax(2), ax(-1), ax(-2)], [ax(0), ax(3), ax(-4)]),
    "l1_nokeep_two_candidates": (
        reduce_case("ReduceL1", x322, ax(1), [3, 2], 0),
        [ax(1), ax(2)], [ax(0)]),
    "log_sum_exp_nokeep_two_candidates": (
        reduce_case("ReduceLogSumExp", x322, ax(1), [3, 2], 0),
        [ax(2), ax(-2)], [ax(0)]),
    "max_nokeep_leading": (
        reduce_case("ReduceMax", x2232, ax(0, 1), [3, 2], 0),
        [ax(0, 1), ax(1, 0), ax(-4, -3)], [ax(1, 1), ax(0, 2), ax(2, 3)]),
    # [2, 2, 3, 2] -> [2, 3]: axes {0, 3} and {1, 3} fit.
    "min_nokeep_pairs": (
        reduce_case("ReduceMin", x2232, ax(0, 1), [2, 3], 0),
        [ax(0, 3), ax(1, 3), ax(3, -3), ax(-1, 0)],
        [ax(0, 1), ax(0, 2), ax(3, 3)]),
    # keepdims: the declared [2, 1, 1] fixes dim 1, dim 2 has size 1.
    "mean_keep_size1_free": (
        reduce_case("ReduceMean", x231, ax(1, 2), [2, 1, 1], 1),
        [ax(1, 2), ax(2, 1), ax(-2, -1)], [ax(0, 1), ax(1, 1), ax(1, 5)]),
    # Only size-1 dims reduced: nothing to compute, but the axes are checked.
    "sum_keep_size1_only": (
        reduce_case("ReduceSum", x231, ax(2), [2, 3, 1], 1),
        [ax(2), ax(-1)], [ax(0), ax(1), ax(3)]),
    "l1_keep_size1_only": (
        reduce_case("ReduceL1", x231, ax(2), [2, 3, 1], 1),
        [ax(2)], [ax(1)]),
    "prod_keep_one_axis": (
        reduce_case("ReduceProd", x231, ax(1), [2, 1, 1], 1),
        [ax(1), ax(-2)], [ax(0), ax(2)]),
    "l2_keep_all": (
        reduce_case("ReduceL2", x322, ax(0, 1, 2), [1, 1, 1], 1),
        [ax(0, 1, 2), ax(2, 0, 1)], [ax(0, 1, 1)]),
    "log_sum_keep_int": (
        reduce_case("ReduceLogSum", (pos * 10).astype(np.int32), ax(0),
                    [1, 2, 2], 1),
        [ax(0), ax(-3)], [ax(1)]),
    "sum_square_noop_not_taken": (
        reduce_case("ReduceSumSquare", x322, ax(1), [3, 1, 2], 1,
                    noop_with_empty_axes=1),
        [ax(1), ax(-2)], [ax(2)]),
    "cumsum_runtime_axis": (
        case([N("CumSum", ["x", "a"], ["y"], name="r", exclusive=1)],
             {"x": x34, "a": np.array(0, np.int64)},
             {"y": (np.float32, [3, 4])}, opset=14),
        [np.array(0, np.int64), np.array(1, np.int64),
         np.array(-1, np.int64)], [np.array(2, np.int64)]),
    "cumsum_runtime_axis_int32_reverse": (
        case([N("CumSum", ["x", "a"], ["y"], name="r", reverse=1)],
             {"x": (x322 * 10).astype(np.int32), "a": ax(0).astype(np.int32)},
             {"y": (np.int32, [3, 2, 2])}, opset=14),
        [ax(0).astype(np.int32), ax(1).astype(np.int32),
         ax(-1).astype(np.int32)], [ax(-4).astype(np.int32)]),
    "topk_runtime_k": (
        case([N("TopK", ["x", "k"], ["v", "i"], name="r")],
             {"x": x25, "k": ax(3)},
             {"v": (np.float32, [2, 3]), "i": (np.int64, [2, 3])}, opset=11),
        [ax(3)], [ax(2), ax(5)]),
}


def check_case(name, entry, args):
    (model, feeds, _), good, bad = entry
    path, so, error = ops.compile_model(name, model, args.dlc, args.workdir)
    if error:
        return [error]
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    arg = model.graph.input[-1].name
    problems = []
    for value in good:
        run_feeds = dict(feeds, **{arg: value})
        result, outputs = ops.run_compiled(args.dlc_run, so, run_feeds,
                                           args.workdir, name)
        label = f"{arg}={value.tolist()}"
        if result.returncode != 0:
            problems.append(f"{label}: dlc-run failed: {result.stderr.strip()}")
            continue
        expected = session.run(None, run_feeds)
        got = np.load(outputs)
        for info, want in zip(model.graph.output, expected):
            have = got[info.name]
            if have.shape != want.shape or not np.allclose(
                    have, want, rtol=1e-4, atol=1e-5):
                problems.append(f"{label}: {info.name} got {have.ravel()[:6]} "
                                f"expected {want.ravel()[:6]}")
    for value in bad:
        result, _ = ops.run_compiled(args.dlc_run, so,
                                     dict(feeds, **{arg: value}),
                                     args.workdir, name)
        label = f"{arg}={value.tolist()}"
        if result.returncode <= 0 or "node 'r'" not in result.stderr:
            problems.append(f"{label}: expected a failed run-time check, got "
                            f"status {result.returncode}: "
                            f"{result.stderr.strip()}")
    return problems


if __name__ == "__main__":
    ops.run_table(CASES, check_case, __doc__)
