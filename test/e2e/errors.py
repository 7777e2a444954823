#!/usr/bin/env python3
"""Bad input must give a clear message and a non-zero exit, never a crash:
malformed protobuf, unknown op, unsupported opset, bad shapes, external data
outside the model's directory, and wrong input shapes at run time."""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def make(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def vi(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def expect_failure(label, cmd, *needles):
    result = subprocess.run(cmd, capture_output=True, text=True)
    text = result.stdout + result.stderr
    problems = []
    if result.returncode <= 0:
        problems.append(f"exit status {result.returncode} (expects a positive "
                        "status; negative means a signal)")
    for marker in ("ERROR: AddressSanitizer", "runtime error: "):
        if marker in text:
            problems.append(f"sanitizer report ({marker.strip()})")
    for needle in needles:
        if needle not in text:
            problems.append(f"message lacks {needle!r}")
    status = "ok" if not problems else "FAIL: " + "; ".join(problems)
    print(f"{label}: {status}\n  {text.strip().splitlines()[-1] if text.strip() else '(no output)'}")
    return not problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    work = args.workdir
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "out.so")
    ok = True

    path = os.path.join(work, "malformed.onnx")
    with open(path, "wb") as f:
        f.write(b"\x08\x07\x12\xff\xff\xff\xff\x0fgarbage that is not protobuf")
    ok &= expect_failure("malformed protobuf", [args.dlc, path, "-o", out],
                         "not a valid ONNX model")

    path = os.path.join(work, "unknown_op.onnx")
    onnx.save(make([helper.make_node("FancyNewOp", ["x"], ["y"], name="mystery")],
                   [vi("x", [2])], [vi("y", [2])]), path)
    ok &= expect_failure("unknown op", [args.dlc, path, "-o", out],
                         "node 'mystery'", "FancyNewOp", "opset 17",
                         "unsupported op")

    # Opsets 1 to 28 are supported: a newer one must be refused.
    path = os.path.join(work, "future_opset.onnx")
    onnx.save(make([helper.make_node("Relu", ["x"], ["y"], name="r")],
                   [vi("x", [2])], [vi("y", [2])], opset=29), path)
    ok &= expect_failure("unsupported opset", [args.dlc, path, "-o", out],
                         "opset 29", "opsets 1 to 28")

    path = os.path.join(work, "bad_broadcast.onnx")
    onnx.save(make([helper.make_node("Add", ["a", "b"], ["y"], name="adder")],
                   [vi("a", [2, 3]), vi("b", [4])], [vi("y", [2, 3])]), path)
    ok &= expect_failure("bad shapes", [args.dlc, path, "-o", out],
                         "node 'adder'", "Add", "cannot broadcast")

    path = os.path.join(work, "escape.onnx")
    weight = numpy_helper.from_array(np.ones(4, np.float32), "w")
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    entry = weight.external_data.add()
    entry.key, entry.value = "location", "../../../../etc/passwd"
    onnx.save(make([helper.make_node("Add", ["x", "w"], ["y"], name="a")],
                   [vi("x", [4])], [vi("y", [4])], [weight]), path)
    ok &= expect_failure("external data outside the model directory",
                         [args.dlc, path, "-o", out], "external data",
                         "inside the model's directory")

    # A model whose external data lies beside it compiles.
    ext_dir = os.path.join(work, "external")
    os.makedirs(ext_dir, exist_ok=True)
    model = models.mlp()
    onnx.save(model, os.path.join(ext_dir, "mlp.onnx"),
              save_as_external_data=True, all_tensors_to_one_file=True,
              location="weights.bin", size_threshold=0)
    result = subprocess.run([args.dlc, os.path.join(ext_dir, "mlp.onnx"), "-o",
                             os.path.join(ext_dir, "mlp.so")],
                            capture_output=True, text=True)
    print(f"external data inside the directory: "
          f"{'ok' if result.returncode == 0 else 'FAIL ' + result.stderr}")
    ok &= result.returncode == 0

    # Wrong input shape at run time.
    path = os.path.join(work, "mlp.onnx")
    onnx.save(models.mlp(), path)
    so = os.path.join(work, "mlp.so")
    subprocess.run([args.dlc, path, "-o", so], check=True)
    bad = os.path.join(work, "bad_inputs.npz")
    np.savez(bad, x=np.zeros((4, 31), np.float32))
    ok &= expect_failure("wrong input shape at run time",
                         [args.dlc_run, so, "--inputs", bad], "input 'x'",
                         "[4,32]")
    # A shape argument that is a graph input: the declared output shape is
    # compiled, and a run-time value that does not give it fails the run.
    path = os.path.join(work, "runtime_reshape.onnx")
    onnx.save(make([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                   [vi("x", [2, 3]), vi("s", [2], TensorProto.INT64)],
                   [vi("y", [3, 2])], opset=14), path)
    so = os.path.join(work, "runtime_reshape.so")
    subprocess.run([args.dlc, path, "-o", so], check=True)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for label, shape in [("[3,2]", [3, 2]), ("[-1,2]", [-1, 2]),
                         ("[3,-1]", [3, -1])]:
        good = os.path.join(work, "good_shape.npz")
        result_path = os.path.join(work, "reshaped.npz")
        np.savez(good, x=x, s=np.array(shape, np.int64))
        result = subprocess.run([args.dlc_run, so, "--inputs", good,
                                 "--output", result_path],
                                capture_output=True, text=True)
        same = (result.returncode == 0 and
                np.array_equal(np.load(result_path)["y"], x.reshape(3, 2)))
        print(f"run-time reshape to {label}: {'ok' if same else 'FAIL ' + result.stderr}")
        ok &= same
    for label, shape in [("[6,1]", [6, 1]), ("[-1,-1]", [-1, -1])]:
        bad = os.path.join(work, "bad_shape.npz")
        np.savez(bad, x=x, s=np.array(shape, np.int64))
        ok &= expect_failure(f"run-time reshape to {label}",
                             [args.dlc_run, so, "--inputs", bad],
                             "a run-time check of the model failed",
                             "node 'rs' (Reshape, opset 14)")
    # A check inside an If branch only counts when the branch is taken.
    then_branch = helper.make_graph(
        [helper.make_node("Reshape", ["x", "s"], ["t"], name="rs_then")],
        "then", [], [vi("t", [3, 2])])
    else_branch = helper.make_graph(
        [helper.make_node("Transpose", ["x"], ["e"], name="tr_else")],
        "else", [], [vi("e", [3, 2])])
    path = os.path.join(work, "if_check.onnx")
    onnx.save(make([helper.make_node("If", ["c"], ["y"], name="branch",
                                     then_branch=then_branch,
                                     else_branch=else_branch)],
                   [vi("x", [2, 3]), vi("s", [2], TensorProto.INT64),
                    vi("c", [], TensorProto.BOOL)],
                   [vi("y", [3, 2])], opset=14), path)
    so = os.path.join(work, "if_check.so")
    subprocess.run([args.dlc, path, "-o", so], check=True)
    for label, cond, shape, want in [
            ("else branch, bad shape", False, [6, 1], x.T),
            ("then branch, good shape", True, [3, 2], x.reshape(3, 2))]:
        feeds = os.path.join(work, "if_feeds.npz")
        result_path = os.path.join(work, "if_result.npz")
        np.savez(feeds, x=x, s=np.array(shape, np.int64), c=np.array(cond))
        result = subprocess.run([args.dlc_run, so, "--inputs", feeds,
                                 "--output", result_path],
                                capture_output=True, text=True)
        same = (result.returncode == 0 and
                np.array_equal(np.load(result_path)["y"], want))
        print(f"If with a run-time check, {label}: "
              f"{'ok' if same else 'FAIL ' + result.stderr}")
        ok &= same
    bad = os.path.join(work, "if_bad.npz")
    np.savez(bad, x=x, s=np.array([6, 1], np.int64), c=np.array(True))
    ok &= expect_failure("If with a run-time check, then branch, bad shape",
                         [args.dlc_run, so, "--inputs", bad],
                         "node 'rs_then' (Reshape, opset 14)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
