#!/usr/bin/env python3
"""Checks dlc-run end to end on the fake models: npz inputs (numpy.savez and
savez_compressed), npz outputs, --bench, --seed, and clean errors (exit code 1,
never a signal) for bad npz files."""

import argparse
import io
import os
import re
import subprocess
import sys
import zipfile

import numpy as np

failures = []


# dlc-run's dtypes and the numpy dtype holding each in an .npz; numpy has no
# bfloat16, so bf16 travels as float32.
DTYPES = {"f16": np.float16, "bf16": np.float32, "f32": np.float32,
          "f64": np.float64, "i8": np.int8, "i16": np.int16, "i32": np.int32,
          "i64": np.int64, "u8": np.uint8, "u16": np.uint16, "u32": np.uint32,
          "u64": np.uint64, "bool": np.bool_}


def run(args, expect_rc=0, env=None):
    proc = subprocess.run([ARGS.dlc_run] + [str(a) for a in args],
                          capture_output=True, text=True, env=env)
    if proc.returncode != expect_rc:
        failures.append(f"{args}: exit code {proc.returncode}, expected "
                        f"{expect_rc}\nstdout: {proc.stdout}\n"
                        f"stderr: {proc.stderr}")
    return proc


def check(condition, message):
    if not condition:
        failures.append(message)


def path(name):
    return os.path.join(ARGS.workdir, name)


def expect_error(args, fragment):
    proc = run(args, expect_rc=1)
    check(proc.stderr.startswith("dlc-run: error: "),
          f"{args}: stderr does not start with 'dlc-run: error: ': "
          f"{proc.stderr!r}")
    check(fragment in proc.stderr,
          f"{args}: stderr lacks {fragment!r}: {proc.stderr!r}")


def write_npy_entries(name, entries):
    """Writes a zip of raw .npy byte strings, for malformed files."""
    with zipfile.ZipFile(path(name), "w") as archive:
        for key, data in entries.items():
            archive.writestr(key + ".npy", data)
    return path(name)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def main():
    os.makedirs(ARGS.workdir, exist_ok=True)
    sum_model, mixed_model = ARGS.sum_model, ARGS.mixed_model
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 3)).astype(np.float32)

    # Random inputs: printed summary, determinism per seed.
    proc = run([sum_model])
    check(re.search(r"^sum: f32 \[2,3\] = \[", proc.stdout, re.M),
          f"no output summary: {proc.stdout!r}")
    run([sum_model, "--seed", 3, "--output", path("s3a.npz")])
    run([sum_model, "--seed=3", "--output", path("s3b.npz")])
    run([sum_model, "--seed", 4, "--output", path("s4.npz")])
    s3a, s3b, s4 = (np.load(path(n))["sum"] for n in
                    ("s3a.npz", "s3b.npz", "s4.npz"))
    check(np.array_equal(s3a, s3b), "same seed gave different outputs")
    check(not np.array_equal(s3a, s4), "different seeds gave equal outputs")
    check(np.all(np.abs(s3a) <= 2), f"random inputs out of [-1,1]: {s3a}")

    # npz inputs, stored and compressed.
    for save in (np.savez, np.savez_compressed):
        inputs = path(f"in_{save.__name__}.npz")
        save(inputs, a=a, b=b)
        out = path(f"out_{save.__name__}.npz")
        proc = run([sum_model, "--inputs", inputs, "--output", out])
        check(proc.stdout == "", f"unexpected output: {proc.stdout!r}")
        result = np.load(out)
        check(list(result.keys()) == ["sum"], f"keys {list(result.keys())}")
        check(result["sum"].dtype == np.float32 and
              result["sum"].shape == (2, 3), f"bad output {result['sum']!r}")
        check(np.array_equal(result["sum"], a + b),
              f"{save.__name__}: wrong sum {result['sum']} vs {a + b}")

    # --print with --output prints too; extra entries only warn.
    np.savez(path("extra.npz"), a=a, b=b, c=a)
    proc = run([sum_model, "--inputs", path("extra.npz"), "--output",
                path("o.npz"), "--print"])
    check("sum: f32 [2,3]" in proc.stdout, f"--print: {proc.stdout!r}")
    check("warning" in proc.stderr and "'c'" in proc.stderr,
          f"no warning for the extra entry: {proc.stderr!r}")

    # --bench.
    proc = run([sum_model, "--bench", 5])
    for key in ("median", "min", "mean"):
        check(re.search(rf"^{key}: \d+\.\d{{3}} ms$", proc.stdout, re.M),
              f"--bench lacks a {key} line: {proc.stdout!r}")

    # Integers, bools, scalars and percent-encoded names.
    x = np.array([5, -6, 7, 8], dtype=np.int32)
    flag = np.array([True, True, False, True])
    np.savez(path("mixed.npz"), **{"x y": x, "flag": flag})
    run([mixed_model, "--inputs", path("mixed.npz"), "--output",
         path("mixed_out.npz")])
    result = np.load(path("mixed_out.npz"))
    check(result["out"].dtype == np.int64 and
          np.array_equal(result["out"], np.where(flag, x, -x)),
          f"mixed out {result['out']!r}")
    check(result["count"].shape == () and result["count"].dtype == np.int32
          and result["count"] == 3, f"mixed count {result['count']!r}")
    proc = run([mixed_model, "--seed", 1])
    check("count: i32 [] = [" in proc.stdout, f"mixed: {proc.stdout!r}")

    # .npy format versions 2.0 and 3.0 (numpy picks them for huge headers).
    for version in ((2, 0), (3, 0)):
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, a, version=version)
        name = write_npy_entries(f"v{version[0]}.npz",
                                 {"a": buffer.getvalue(), "b": npy_bytes(b)})
        run([sum_model, "--inputs", name, "--output", path("v.npz")])
        check(np.array_equal(np.load(path("v.npz"))["sum"], a + b),
              f".npy version {version}: wrong sum")

    # Every dtype, through the model whose metadata comes from the
    # environment (its run does nothing, so outputs stay zero).
    env = dict(os.environ, DLC_FAKE_METADATA="dlc-model 4\n" + "".join(
        f"input {t} {t} 1 3\n" for t in DTYPES) + "output h f16 1 2\n"
        "output g bf16 2 1 2\noutput s u64 0\n")
    env_model = ARGS.env_model
    proc = run([env_model, "--seed", 9], env=env)
    check("g: bf16 [1,2] = [0, 0]" in proc.stdout, f"env: {proc.stdout!r}")
    run([env_model, "--output", path("env.npz")], env=env)
    result = np.load(path("env.npz"))
    check(result["h"].dtype == np.float16 and result["g"].dtype == np.float32
          and result["g"].shape == (1, 2) and result["s"].dtype == np.uint64,
          f"env outputs {dict(result)!r}")
    inputs = {t: np.zeros(3, dtype=DTYPES[t]) for t in DTYPES}
    np.savez(path("all.npz"), **inputs)
    run([env_model, "--inputs", path("all.npz")], env=env)
    inputs["bf16"] = np.zeros(3, dtype=np.float16)
    np.savez(path("bf16.npz"), **inputs)
    proc = run([env_model, "--inputs", path("bf16.npz")], env=env,
               expect_rc=1)
    check("model input 'bf16' expects f32" in proc.stderr,
          f"bf16 from f16: {proc.stderr!r}")

    # Clean errors.
    np.savez(path("shape.npz"), a=a.T.copy(), b=b)
    expect_error([sum_model, "--inputs", path("shape.npz")],
                 "entry 'a' has shape [3,2] but model input 'a' expects [2,3]")
    np.savez(path("dtype.npz"), a=a.astype(np.float64), b=b)
    expect_error([sum_model, "--inputs", path("dtype.npz")],
                 "has dtype f64 but model input 'a' expects f32")
    np.savez(path("missing.npz"), a=a)
    expect_error([sum_model, "--inputs", path("missing.npz")],
                 "no entry for model input 'b' (entries: 'a')")
    np.savez(path("fortran.npz"), a=np.asfortranarray(a), b=b)
    expect_error([sum_model, "--inputs", path("fortran.npz")], "Fortran")
    np.savez(path("big.npz"), a=a.astype(">f4"), b=b)
    expect_error([sum_model, "--inputs", path("big.npz")], "big-endian")
    np.savez(path("object.npz"), a=np.array([None, 1], dtype=object), b=b)
    expect_error([sum_model, "--inputs", path("object.npz")],
                 "unsupported numpy dtype '|O'")
    good_b = npy_bytes(b)
    expect_error([sum_model, "--inputs", write_npy_entries(
        "short.npz", {"a": npy_bytes(a)[:-4], "b": good_b})], "shorter")
    expect_error([sum_model, "--inputs", write_npy_entries(
        "long.npz", {"a": npy_bytes(a) + b"xx", "b": good_b})], "longer")
    expect_error([sum_model, "--inputs", write_npy_entries(
        "magic.npz", {"a": b"garbage" * 10, "b": good_b})], "bad magic")
    header = npy_bytes(a)
    broken = header.replace(b"'shape'", b"'shope'")
    expect_error([sum_model, "--inputs", write_npy_entries(
        "header.npz", {"a": broken, "b": good_b})], "'shope'")
    with open(path("not_a_zip.npz"), "w") as f:
        f.write("hello")
    expect_error([sum_model, "--inputs", path("not_a_zip.npz")],
                 "cannot open as .npz")
    expect_error([sum_model, "--inputs", path("nonexistent.npz")],
                 "cannot open as .npz")
    expect_error([path("nonexistent.so")], "No such file")
    expect_error([sum_model, "--bogus"], "unknown option '--bogus'")
    expect_error([sum_model, "--bench", "x"], "--bench expects")
    expect_error([sum_model, "--inputs"], "--inputs needs a value")
    expect_error([], "no model given")
    expect_error([sum_model, "--bench", "0"], "at least 1 run")

    # A dynamic batch (FAKE_DYN: a, b: f32[?batch,2] -> sum: f32[?batch,2],
    # total: f32[]): shapes come from the entries, outputs keep theirs.
    dyn_model = ARGS.dyn_model
    for batch in (0, 1, 5):
        da = rng.standard_normal((batch, 2)).astype(np.float32)
        db = rng.standard_normal((batch, 2)).astype(np.float32)
        np.savez(path("dyn.npz"), a=da, b=db)
        run([dyn_model, "--inputs", path("dyn.npz"), "--output",
             path("dyn_out.npz")])
        result = np.load(path("dyn_out.npz"))
        check(result["sum"].shape == (batch, 2)
              and np.array_equal(result["sum"], da + db),
              f"dyn batch {batch}: sum {result['sum']!r}")
        check(result["total"].shape == ()
              and np.isclose(result["total"], (da + db).sum(), atol=1e-5),
              f"dyn batch {batch}: total {result['total']!r}")
    proc = run([dyn_model, "--bench", 3, "--inputs", path("dyn.npz")])
    proc = run([dyn_model])
    check(re.search(r"^sum: f32 \[1,2\] = \[", proc.stdout, re.M),
          f"dyn random inputs take batch 1: {proc.stdout!r}")
    np.savez(path("dyn_mismatch.npz"), a=np.zeros((3, 2), np.float32),
             b=np.zeros((4, 2), np.float32))
    expect_error([dyn_model, "--inputs", path("dyn_mismatch.npz")],
                 "input 'b' dim 0 is 4 but input 'a' dim 0 sets symbol "
                 "'batch' to 3")
    np.savez(path("dyn_static.npz"), a=np.zeros((3, 3), np.float32),
             b=np.zeros((3, 3), np.float32))
    expect_error([dyn_model, "--inputs", path("dyn_static.npz")],
                 "entry 'a' has shape [3,3] but model input 'a' expects "
                 "[?batch,2]")

    # Mutated .npy headers: any outcome but a crash.
    mutator = np.random.default_rng(5)
    good_a = npy_bytes(a)
    for i in range(60):
        data = bytearray(good_a)
        for _ in range(1 + i % 3):
            pos = int(mutator.integers(0, 128))
            data[pos] = int(mutator.integers(0, 256))
        name = write_npy_entries("mutated.npz", {"a": bytes(data), "b": good_b})
        proc = subprocess.run([ARGS.dlc_run, sum_model, "--inputs", name],
                              capture_output=True, text=True, errors="replace")
        check(proc.returncode in (0, 1),
              f"mutated header {bytes(data[:128])!r}: exit code "
              f"{proc.returncode}\n{proc.stderr}")

    if failures:
        print("\n\n".join(failures))
        print(f"\n{len(failures)} check(s) failed")
        return 1
    print("all dlc-run checks passed")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--sum-model", required=True)
    parser.add_argument("--mixed-model", required=True)
    parser.add_argument("--env-model", required=True)
    parser.add_argument("--dyn-model", required=True)
    parser.add_argument("--workdir", required=True)
    ARGS = parser.parse_args()
    sys.exit(main())
