#!/usr/bin/env python3
"""Runs the ONNX backend test suite of the installed onnx package through dlc
on the CPU target.

Every case is compiled with `dlc`, run with `dlc-run` on each of its data
sets, and each output is compared with the expected one: rtol/atol of the case
(1e-3/1e-7 unless the case says otherwise) for floating point, exact for
integers and bool, NaN at the same positions, same shape and dtype.

The outcome must agree with expected_failures.txt: a failing case that is not
listed, or a listed case that passes, fails the run. --update-expected
rewrites the list from the outcome (reasons of kept entries are preserved).
"""

import argparse
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as cases_mod  # noqa: E402
import support_doc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected_failures.txt")
COMPILE_TIMEOUT_S = 300
RUN_TIMEOUT_S = 120


def load_expected(path):
    expected = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, reason = line.partition(" ")
            expected[key] = reason.strip()
    return expected


def write_expected(path, failures):
    with open(path, "w") as f:
        f.write("# ONNX backend test cases dlc is known to fail, one per line:\n"
                "#   <directory>/<case> <reason>\n"
                "# Maintained by test/conformance/run.py --update-expected;\n"
                "# a case that starts passing must be removed (the run fails"
                " otherwise).\n")
        for key in sorted(failures):
            f.write(f"{key} {failures[key]}\n")


def tensor_from_pb(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return numpy_helper.to_array(proto)


def short_reason(text):
    """One line from dlc's diagnostics: the first error, without locations."""
    for line in text.splitlines():
        if "error:" in line:
            message = line.split("error:", 1)[1].strip()
            return re.sub(r"\s+", " ", message)[:200]
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[0].strip()[:200] if lines else "no diagnostic")


SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error: ")
CRASH = "crash: "


def crash(tool, result):
    """A reason starting with CRASH when `tool` died of a signal or printed
    a sanitizer report (in a sanitizer build): never an expected failure."""
    if result.returncode < 0:
        return CRASH + f"{tool} {describe_signal(result.returncode)}"
    for marker in SANITIZER_REPORTS:
        for line in result.stderr.splitlines():
            if marker in line:
                return CRASH + f"{tool}: {line.strip()[:200]}"
    return None


def describe_signal(returncode):
    if returncode < 0:
        try:
            return f"crashed ({signal.Signals(-returncode).name})"
        except ValueError:
            return f"crashed (signal {-returncode})"
    return f"exit status {returncode}"


def graph_inputs(model):
    inits = {i.name for i in model.graph.initializer}
    return [v for v in model.graph.input if v.name not in inits]


# dlc's ABI carries float8/float4 as float32 and 4-/2-bit integers as 8-bit
# ones (all exactly); see abiElementType in frontends/onnx.
NARROW_DTYPES = {
    "float8_e4m3fn": np.float32, "float8_e4m3fnuz": np.float32,
    "float8_e5m2": np.float32, "float8_e5m2fnuz": np.float32,
    "float4_e2m1fn": np.float32, "float8_e8m0fnu": np.float32,
    "int4": np.int8, "int2": np.int8,
    "uint4": np.uint8, "uint2": np.uint8,
}


def to_abi(array):
    """`array` widened as dlc's ABI carries it (bf16 and float8 as f32)."""
    if array.dtype.name == "bfloat16":
        return array.astype(np.float32)
    if array.dtype.name in NARROW_DTYPES:
        return array.astype(NARROW_DTYPES[array.dtype.name])
    return array


def compare(ref, out, rtol, atol):
    """None when `out` matches `ref`, else what differs."""
    if ref.dtype.name in NARROW_DTYPES:
        ref = to_abi(ref)
    if ref.dtype.name == "bfloat16":
        # dlc-run stores bf16 as float32 (numpy has no bfloat16).
        ref = ref.astype(np.float32)
        rtol = max(rtol, 2**-6)
        out = out.astype(np.float32)
    if out.shape != ref.shape:
        return f"shape {list(out.shape)}, expected {list(ref.shape)}"
    if out.dtype != ref.dtype:
        return f"dtype {out.dtype}, expected {ref.dtype}"
    if ref.dtype.kind in "fc":
        ref_nan, out_nan = np.isnan(ref), np.isnan(out)
        if not np.array_equal(ref_nan, out_nan):
            return "NaN at different positions"
        ok = ~ref_nan
        r = ref[ok].astype(np.float64)
        o = out[ok].astype(np.float64)
        inf = np.isinf(r) | np.isinf(o)
        if not np.array_equal(r[inf], o[inf]):
            return "infinities differ"
        r, o = r[~inf], o[~inf]
        err = np.abs(o - r)
        bad = err > atol + rtol * np.abs(r)
        if bad.any():
            return (f"{int(bad.sum())}/{ref.size} values off, max abs error "
                    f"{float(err.max()):.3g}")
        return None
    if not np.array_equal(ref, out):
        return f"{int((ref != out).sum())}/{ref.size} values differ"
    return None


def run_case(case, args):
    """Returns (status, reason, seconds); status is pass/fail."""
    start = time.monotonic()
    work = os.path.join(args.work_dir, "cases", case.directory, case.name)
    os.makedirs(work, exist_ok=True)

    def fail(reason):
        return ("fail", reason, time.monotonic() - start)

    for inputs, outputs in case.data_sets:
        for path in inputs + outputs:
            if path.endswith(".unsupported"):
                with open(path) as f:
                    kind = f.read().strip()
                return fail(f"test data is a {kind}: sequence, map and "
                            "optional values are unsupported")
    try:
        model = onnx.load(case.model_path, load_external_data=False)
    except Exception as e:  # noqa: BLE001
        return fail(f"onnx cannot load the model: {e}")
    inputs_info = graph_inputs(model)

    # Inputs whose declared shape is not static are pinned to the shape of
    # the first data set (the shape the test runs with).
    cmd = [args.dlc, case.model_path, "-o", os.path.join(work, "model.so")]
    if case.data_sets:
        for info, path in zip(inputs_info, case.data_sets[0][0]):
            dims = info.type.tensor_type.shape.dim
            static = (info.type.HasField("tensor_type")
                      and info.type.tensor_type.HasField("shape")
                      and all(d.HasField("dim_value") for d in dims))
            if not static:
                shape = tensor_from_pb(path).shape
                cmd.append(f"--input-shape={info.name}:"
                           + ",".join(str(d) for d in shape))
    try:
        result = subprocess.run(cmd, capture_output=True, text=True,
                                timeout=COMPILE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return fail(f"dlc timed out after {COMPILE_TIMEOUT_S} s")
    if result.returncode != 0:
        return fail(crash("dlc", result) or short_reason(result.stderr))

    for k, (inputs, outputs) in enumerate(case.data_sets):
        feeds = {}
        for info, path in zip(inputs_info, inputs):
            feeds[info.name] = tensor_from_pb(path)
        in_path = os.path.join(work, f"inputs_{k}.npz")
        out_path = os.path.join(work, f"outputs_{k}.npz")
        np.savez(in_path, **{n: to_abi(v) for n, v in feeds.items()})
        try:
            result = subprocess.run(
                [args.dlc_run, os.path.join(work, "model.so"), "--inputs",
                 in_path, "--output", out_path],
                capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return fail(f"dlc-run timed out after {RUN_TIMEOUT_S} s")
        if result.returncode != 0:
            return fail(crash("dlc-run", result)
                        or "dlc-run: " + short_reason(result.stderr))
        produced = np.load(out_path)
        for i, (info, path) in enumerate(zip(model.graph.output, outputs)):
            ref = tensor_from_pb(path)
            if info.name not in produced:
                return fail(f"output '{info.name}' missing")
            diff = compare(ref, produced[info.name], case.rtol, case.atol)
            if diff:
                return fail(f"wrong result: output {i} ('{info.name}'): {diff}")
    return ("pass", "", time.monotonic() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--expected", default=EXPECTED)
    parser.add_argument("--directories", default=",".join(cases_mod.DIRECTORIES))
    parser.add_argument("--filter", default="",
                        help="regex on <directory>/<case>; no list check")
    parser.add_argument("--update-expected", action="store_true")
    parser.add_argument("--results", help="write outcomes as JSON here")
    parser.add_argument("--write-doc", metavar="PATH",
                        help="write the support table (docs/onnx-support.md)")
    parser.add_argument("--check-doc", metavar="PATH",
                        help="fail unless PATH equals the generated table")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    args.dlc = os.path.abspath(args.dlc)
    args.dlc_run = os.path.abspath(args.dlc_run)

    start = time.monotonic()
    directories = args.directories.split(",")
    all_cases = cases_mod.collect(os.path.join(args.work_dir, "data"),
                                  directories)
    if args.filter:
        pattern = re.compile(args.filter)
        all_cases = [c for c in all_cases
                     if pattern.search(f"{c.directory}/{c.name}")]
    # Longest cases first keeps both workers busy to the end.
    all_cases.sort(key=lambda c: c.directory != "light")

    outcomes = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, c, args): c for c in all_cases}
        for future in concurrent.futures.as_completed(futures):
            case = futures[future]
            status, reason, seconds = future.result()
            key = f"{case.directory}/{case.name}"
            outcomes[key] = (status, reason, seconds)
            if args.verbose:
                print(f"{status.upper():4} {key} ({seconds:.1f} s) {reason}",
                      flush=True)
    wall = time.monotonic() - start

    expected = load_expected(args.expected)
    failed = {k: v[1] for k, v in outcomes.items() if v[0] == "fail"}
    unexpected_failures = sorted(k for k, r in failed.items()
                                 if k not in expected or r.startswith(CRASH))
    unexpected_passes = sorted(k for k, v in outcomes.items()
                               if v[0] == "pass" and k in expected)

    print(f"{'directory':20} {'cases':>6} {'passed':>7} {'failed':>7} "
          f"{'pass rate':>9}")
    for directory in directories:
        keys = [k for k in outcomes if k.startswith(directory + "/")]
        if not keys:
            continue
        passed = sum(outcomes[k][0] == "pass" for k in keys)
        print(f"{directory:20} {len(keys):6} {passed:7} {len(keys) - passed:7}"
              f" {100.0 * passed / len(keys):8.1f}%")
    print(f"wall time: {wall:.0f} s with {args.jobs} jobs")

    if args.results:
        with open(args.results, "w") as f:
            json.dump({k: {"status": s, "reason": r, "seconds": round(t, 3)}
                       for k, (s, r, t) in sorted(outcomes.items())}, f,
                      indent=1)

    status = 0
    if args.write_doc or args.check_doc:
        doc = support_doc.generate(
            args.dlc, all_cases, {k: v[:2] for k, v in outcomes.items()})
        if args.write_doc:
            with open(args.write_doc, "w") as f:
                f.write(doc)
            print(f"wrote {args.write_doc}")
        if args.check_doc:
            with open(args.check_doc) as f:
                if f.read() != doc:
                    print(f"{args.check_doc} is out of date: regenerate it "
                          "with test/conformance/run.py --write-doc")
                    status = 1

    if args.update_expected:
        merged = {k: expected.get(k) or r for k, r in failed.items()}
        if args.filter:
            # Keep the entries of cases this run did not look at.
            merged.update({k: r for k, r in expected.items()
                           if k not in outcomes})
        write_expected(args.expected, merged)
        print(f"wrote {len(merged)} entries to {args.expected}")
        return 0

    for key in unexpected_failures:
        print(f"UNEXPECTED FAILURE {key}: {failed[key]}")
    for key in unexpected_passes:
        print(f"UNEXPECTED PASS {key} (remove it from {args.expected})")
    if unexpected_failures or unexpected_passes:
        print(f"{len(unexpected_failures)} unexpected failures, "
              f"{len(unexpected_passes)} unexpected passes")
        return 1
    if status == 0:
        print("conformance: every outcome is as expected")
    return status


if __name__ == "__main__":
    sys.exit(main())
