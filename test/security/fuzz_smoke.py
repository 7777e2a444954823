#!/usr/bin/env python3
"""A short, bounded run of a libFuzzer target (the test command's share of
fuzzing; tools/scripts/fuzz.sh runs them at length): the seed corpus first,
then mutations for at most --seconds. Seeds for the ONNX importer are the
end-to-end test models and small single-op models, written here. Fails when
the fuzzer finds a crash (it leaves the input in --workdir).
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))


def onnx_seeds(directory):
    import models  # noqa: E402
    import onnx
    from onnx import TensorProto, helper

    builders = {"mlp": models.mlp, "cnn": models.cnn,
                "transformer": models.transformer_block}
    for name, build in builders.items():
        onnx.save(build(), os.path.join(directory, f"{name}.onnx"))
    vi = helper.make_tensor_value_info
    for op in ["Relu", "Softmax", "Shape", "Transpose", "ReduceSum"]:
        graph = helper.make_graph(
            [helper.make_node(op, ["x"], ["y"])], op,
            [vi("x", TensorProto.FLOAT, [2, 3])],
            [vi("y", TensorProto.FLOAT, None)])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, os.path.join(directory, f"{op}.onnx"))
    # External data (the fuzzer's model directory holds weights.bin,
    # sub/w.bin, link.bin -> weights.bin and hard.bin), a model-local
    # function and a loop, so that mutations reach those paths.
    for name, location, offset in [("external", "weights.bin", 64),
                                   ("external_sub", "sub/w.bin", 0),
                                   ("external_link", "link.bin", 0)]:
        tensor = onnx.TensorProto(name="c", data_type=TensorProto.FLOAT,
                                  dims=[2, 3])
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in [("location", location), ("offset", str(offset)),
                           ("length", "24")]:
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        graph = helper.make_graph(
            [helper.make_node("Add", ["x", "c"], ["y"])], name,
            [vi("x", TensorProto.FLOAT, [2, 3])],
            [vi("y", TensorProto.FLOAT, [2, 3])], [tensor])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        with open(os.path.join(directory, f"{name}.onnx"), "wb") as f:
            f.write(model.SerializeToString())
    function = helper.make_function(
        "local", "Twice", ["a"], ["b"],
        [helper.make_node("Add", ["a", "a"], ["b"])],
        [helper.make_opsetid("", 17)])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond"], ["cond_out"]),
         helper.make_node("Twice", ["v"], ["v_out"], domain="local")],
        "body", [vi("i", TensorProto.INT64, []),
                 vi("cond", TensorProto.BOOL, []),
                 vi("v", TensorProto.FLOAT, [2, 3])],
        [vi("cond_out", TensorProto.BOOL, []),
         vi("v_out", TensorProto.FLOAT, [2, 3])])
    graph = helper.make_graph(
        [helper.make_node("Constant", [], ["m"], value_int=3),
         helper.make_node("Loop", ["m", "", "x"], ["y"], body=body)],
        "functions", [vi("x", TensorProto.FLOAT, [2, 3])],
        [vi("y", TensorProto.FLOAT, [2, 3])])
    model = helper.make_model(
        graph, functions=[function],
        opset_imports=[helper.make_opsetid("", 17),
                       helper.make_opsetid("local", 1)])
    model.ir_version = 8
    onnx.save(model, os.path.join(directory, "functions.onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fuzzer", required=True)
    parser.add_argument("--seeds", help="a seed directory (else ONNX seeds "
                        "are generated)")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--max-len", type=int, default=262144)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    corpus = os.path.join(args.workdir, "corpus")
    os.makedirs(corpus)
    seeds = args.seeds
    if not seeds:
        seeds = os.path.join(args.workdir, "seeds")
        os.makedirs(seeds)
        onnx_seeds(seeds)
    result = subprocess.run(
        [args.fuzzer, f"-max_total_time={args.seconds}",
         f"-max_len={args.max_len}", "-rss_limit_mb=4096", "-timeout=30",
         f"-artifact_prefix={args.workdir}/", "-print_final_stats=1",
         corpus, seeds], capture_output=True, text=True)
    stats = [line for line in result.stderr.splitlines()
             if line.startswith(("stat::number_of_executed_units",
                                 "stat::peak_rss_mb", "Done"))]
    print("\n".join(stats))
    if result.returncode != 0:
        print(result.stderr[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
