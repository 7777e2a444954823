#!/usr/bin/env python3
"""dlc against onnxruntime on ResNet-50, MobileNetV2, BERT-base and GPT-2 small
(models built by bench/models.py with deterministic random weights), plus a
GEMM table measured against this machine's peak FLOP/s.

Both runtimes get the same inputs, the same thread count and the same warm-up
policy (one untimed run, whose outputs are the ones compared). The number of
timed runs adapts so that each model takes about --budget seconds per runtime,
and they alternate in --rounds rounds so that a noisy stretch of a shared
machine hits both.
Prints Markdown tables; the timings are reported, never asserted. With
--check the exit status is 1 when a model fails or its outputs differ from
onnxruntime beyond rtol 1e-3 / atol 1e-4.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

RTOL = 1e-3
ATOL = 1e-4
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print(message, file=sys.stderr, flush=True)


class Failure(Exception):
    """A dlc step failed; the message is the reason's first line."""


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "no output"


def run_tool(cmd, env=None, timeout=None):
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, env=env,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"{os.path.basename(cmd[0])} timed out after "
                      f"{timeout:.0f} s")
    if result.returncode != 0:
        reason = first_line(result.stderr + result.stdout)
        raise Failure(f"{os.path.basename(cmd[0])} exit "
                      f"{result.returncode}: {reason}")
    return result.stdout


def model_path(workdir, name, builder, kwargs):
    """Builds the model once; the file name carries the generator version and
    the builder arguments, so a rerun reuses it."""
    key = hashlib.sha1(repr(sorted(kwargs.items())).encode()).hexdigest()[:8]
    path = os.path.join(workdir, "models",
                        f"{name}-v{models.VERSION}-{key}.onnx")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        start = time.perf_counter()
        model = builder(**kwargs)
        onnx.save(model, path + ".tmp")
        os.replace(path + ".tmp", path)
        log(f"  built {os.path.basename(path)} in "
            f"{time.perf_counter() - start:.1f} s")
    return path


def adaptive_runs(first_ms, runs, budget_s):
    """Timed runs that fit the budget given one run's time, 1 to runs."""
    return max(1, min(runs, int(budget_s * 1e3 / max(first_ms, 1e-3))))


def median_ms(stdout, tool="dlc-run"):
    match = re.search(r"^median: ([0-9.]+) ms", stdout, re.M)
    if not match:
        raise Failure(f"{tool} printed no median")
    return float(match.group(1))


class DlcRunner:
    """A model compiled by dlc, timed by dlc-run (a fresh process per call,
    OMP_NUM_THREADS = threads)."""

    def __init__(self, args, model_file, feeds_file, out_file, workdir, stem):
        self.args = args
        self.feeds_file = feeds_file
        self.so_file = os.path.join(workdir, stem + ".so")
        start = time.perf_counter()
        run_tool([args.dlc, model_file, "-o", self.so_file],
                 timeout=args.timeout)
        self.compile_s = time.perf_counter() - start
        # The kernel writes the new library (hundreds of MB for the big
        # models) back in the background; without this the writeback
        # competed with the timed runs (ResNet-50: 115 instead of 71 ms).
        os.sync()
        self.env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        # Also the compared outputs.
        self.first_ms = self.median(["--output", out_file], 1)

    def median(self, extra, runs):
        """Median ms of `runs` timed runs after dlc-run's own warm-up run."""
        stdout = run_tool([self.args.dlc_run, self.so_file, "--inputs",
                           self.feeds_file, "--bench", str(runs),
                           "--warmup-ms", str(self.args.warmup_ms)] + extra,
                          env=self.env, timeout=self.args.timeout)
        return median_ms(stdout)


def ort_session(model_file, threads):
    """onnxruntime's CPU provider: intra-op threads = threads, one inter-op
    thread, sequential, all graph optimizations."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    return ort.InferenceSession(model_file, options,
                                providers=["CPUExecutionProvider"])


def ort_median_ms(session, feeds, runs, warmup_ms=0):
    """Median ms of `runs` timed runs after one warm-up run and more for at
    least `warmup_ms`."""
    session.run(None, feeds)
    warmup_end = time.perf_counter() + warmup_ms * 1e-3
    while time.perf_counter() < warmup_end:
        session.run(None, feeds)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def ort_round_main(args, model_file, feeds_file, runs):
    """`bench.py --ort-round`: one round of onnxruntime runs in its own
    process, printed like dlc-run's median."""
    try:
        session = ort_session(model_file, args.threads)
        feeds = dict(np.load(feeds_file))
        ms = ort_median_ms(session, feeds, runs, args.warmup_ms)
    except Exception as error:  # one line for the parent's report
        sys.exit(f"{type(error).__name__}: {first_line(str(error))}")
    print(f"median: {ms} ms")


class OrtRunner:
    """The model in onnxruntime. The outputs and the first timing come from
    this process; timed rounds run in child processes, like dlc-run's: a live
    session's worker threads keep spinning after its runs, and took a core
    from dlc-run (a 128 x 3072 x 768 GEMM: 4.0 instead of 2.0 ms)."""

    def __init__(self, args, model_file, feeds, feeds_file):
        self.args = args
        self.model_file = model_file
        self.feeds_file = feeds_file
        session = ort_session(model_file, args.threads)
        self.names = [o.name for o in session.get_outputs()]
        self.outputs = session.run(None, feeds)
        self.first_ms = ort_median_ms(session, feeds, 1, args.warmup_ms)
        del session

    def median(self, runs):
        try:
            stdout = run_tool(
                [sys.executable, os.path.abspath(__file__), "--ort-round",
                 self.model_file, self.feeds_file, str(runs), "--threads",
                 str(self.args.threads), "--warmup-ms",
                 str(self.args.warmup_ms)],
                timeout=self.args.timeout)
        except Failure as error:
            raise Failure(f"onnxruntime round: {error}")
        return median_ms(stdout, "the onnxruntime round")


def time_both(args, dlc, ort_runner):
    """Alternates rounds of timed runs of the two runtimes, so that a noisy
    stretch of a shared machine hits both; returns (dlc ms, onnxruntime ms,
    timed runs of each), each the median of its rounds' medians."""
    slower = max(dlc.first_ms, ort_runner.first_ms)
    total = adaptive_runs(slower, args.runs, args.budget)
    if total == 1:
        return dlc.first_ms, ort_runner.first_ms, 1
    rounds = min(args.rounds, total)
    per_round = -(-total // rounds)
    dlc_medians, ort_medians = [], []
    for _ in range(rounds):
        ort_medians.append(ort_runner.median(per_round))
        dlc_medians.append(dlc.median([], per_round))
    return (float(np.median(dlc_medians)), float(np.median(ort_medians)),
            rounds * per_round)


def compare(out_file, names, expected):
    """Max |dlc - onnxruntime| over all outputs and whether all match."""
    got = np.load(out_file)
    worst, ok = 0.0, True
    for name, want in zip(names, expected):
        if name not in got:
            raise Failure(f"dlc-run wrote no output '{name}'")
        have = got[name]
        if have.shape != want.shape:
            raise Failure(f"output '{name}' has shape {list(have.shape)}, "
                          f"onnxruntime {list(want.shape)}")
        if want.size:
            diff = np.abs(have.astype(np.float64) - want.astype(np.float64))
            worst = max(worst, float(np.nan_to_num(diff, nan=np.inf).max()))
        ok &= bool(np.allclose(have, want, rtol=RTOL, atol=ATOL))
    return worst, ok


def bench_model(args, name, builder, kwargs, workdir):
    row = {"model": name}
    try:
        model_file = model_path(args.workdir, name, builder, kwargs)
        model = onnx.load(model_file, load_external_data=False)
        feeds = models.inputs(name, model)
        del model
        feeds_file = os.path.join(workdir, name + ".inputs.npz")
        out_file = os.path.join(workdir, name + ".dlc.npz")
        np.savez(feeds_file, **feeds)
        log(f"{name}: onnxruntime")
        ort_runner = OrtRunner(args, model_file, feeds, feeds_file)
        log(f"{name}: dlc")
        try:
            dlc = DlcRunner(args, model_file, feeds_file, out_file, workdir,
                            name)
            row["compile_s"] = dlc.compile_s
            max_abs_diff, match = compare(out_file, ort_runner.names,
                                          ort_runner.outputs)
            log(f"{name}: timing both")
            row["dlc_ms"], row["ort_ms"], runs = time_both(args, dlc,
                                                           ort_runner)
            row["dlc_runs"] = row["ort_runs"] = runs
            # Only a fully measured row gets a match: a failed timing round
            # must show (and fail --check) as the error it is.
            row["max_abs_diff"], row["match"] = max_abs_diff, match
        except Failure as error:
            row["error"] = str(error)
            row.pop("dlc_ms", None)
            row.setdefault("ort_ms", ort_runner.first_ms)
            row.setdefault("ort_runs", 1)
    except Exception as error:  # the model or onnxruntime: report and go on
        row["error"] = f"{type(error).__name__}: {first_line(str(error))}"
    log(f"{name}: {json.dumps(row)}")
    return row


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def model_table(rows):
    lines = ["| model | dlc median ms | onnxruntime median ms | dlc/onnxruntime"
             " | max abs diff | match | dlc compile s | runs dlc/ort |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    for r in rows:
        dlc_ms, ort_ms = r.get("dlc_ms"), r.get("ort_ms")
        ratio = dlc_ms / ort_ms if dlc_ms and ort_ms else None
        match = ("pass" if r.get("match") else "FAIL") if "match" in r else (
            "FAIL: " + r["error"].replace("|", "/"))
        lines.append(
            f"| {r['model']} | {fmt(dlc_ms, '.2f')} | {fmt(ort_ms, '.2f')} | "
            f"{fmt(ratio, '.2f')} | {fmt(r.get('max_abs_diff'), '.3g')} | "
            f"{match} | {fmt(r.get('compile_s'), '.1f')} | "
            f"{r.get('dlc_runs', '-')}/{r.get('ort_runs', '-')} |")
    return "\n".join(lines)


def gemm_table(rows, peak):
    lines = ["| M x N x K | from | dlc ms | dlc GFLOP/s | fraction of peak | "
             "onnxruntime GFLOP/s | match |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        flops = 2.0 * r["m"] * r["n"] * r["k"]
        dlc = flops / r["dlc_ms"] * 1e-6 if r.get("dlc_ms") else None
        ort_g = flops / r["ort_ms"] * 1e-6 if r.get("ort_ms") else None
        frac = dlc / peak if dlc and peak else None
        match = ("pass" if r.get("match") else "FAIL") if "match" in r else (
            "FAIL: " + r.get("error", "").replace("|", "/"))
        lines.append(
            f"| {r['m']} x {r['n']} x {r['k']} | {r['from']} | "
            f"{fmt(r.get('dlc_ms'), '.3f')} | {fmt(dlc, '.1f')} | "
            f"{fmt(frac, '.1%')} | {fmt(ort_g, '.1f')} | {match} |")
    return "\n".join(lines)


def measure_peak(args):
    """Compiles bench/peak.c and measures 1 and --threads threads."""
    exe = os.path.join(args.workdir, "peak")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "peak.c")
    result = {}
    try:
        run_tool([args.clang, "-O2", "-march=native", "-pthread", source,
                  "-o", exe], timeout=120)
        iterations = "20000000" if args.quick else "100000000"
        for threads in sorted({1, args.threads}):
            reps = "3" if args.quick else "10"
            stdout = run_tool([exe, str(threads), reps, iterations],
                              timeout=600)
            values = dict(line.split(": ", 1) for line in stdout.splitlines())
            result["isa"] = values["isa"]
            result[threads] = float(values["gflops"])
    except (Failure, OSError, KeyError, ValueError) as error:
        result["error"] = first_line(str(error))
    return result


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def default_threads():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    build = os.path.join(ROOT, "build")
    parser.add_argument("--dlc", default=os.path.join(build, "bin", "dlc"))
    parser.add_argument("--dlc-run",
                        default=os.path.join(build, "bin", "dlc-run"))
    parser.add_argument("--workdir", default=os.path.join(build, "bench"),
                        help="models, compiled .so files and results.json "
                        "(default build/bench)")
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="threads for both runtimes (default: all cores, "
                        "%(default)s here)")
    parser.add_argument("--runs", type=int, default=20,
                        help="most timed runs per model (default 20)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds of timed runs per model and runtime "
                        "(default 30); fewer runs for slow models")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating rounds of timed runs of the two "
                        "runtimes; each reports the median of its round "
                        "medians (default 5)")
    parser.add_argument("--warmup-ms", type=int, default=200,
                        help="each round first runs untimed for at least this "
                        "long, in both runtimes (default 200): on a VM a core "
                        "woken from idle ran a 0.35 ms GEMM at 0.72 ms")
    parser.add_argument("--models", default=",".join(models.MODELS),
                        help="comma-separated subset of: "
                        + ", ".join(models.MODELS))
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--gemm-only", action="store_true",
                       help="only the GEMM table")
    group.add_argument("--no-gemm", action="store_true",
                       help="skip the GEMM table")
    parser.add_argument("--quick", action="store_true",
                        help="tiny model variants and GEMMs (a smoke test "
                        "of the numerics, the timings mean little)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a model fails or mismatches")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds allowed to each dlc or dlc-run call "
                        "(default 1800)")
    parser.add_argument("--clang", default="/usr/lib/llvm-22/bin/clang",
                        help="compiler for peak.c")
    parser.add_argument("--ort-round", nargs=3,
                        metavar=("MODEL", "FEEDS", "RUNS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ort_round:
        model_file, feeds_file, runs = args.ort_round
        ort_round_main(args, model_file, feeds_file, int(runs))
        return 0

    if (args.threads < 1 or args.runs < 1 or args.rounds < 1
            or args.budget <= 0 or not 0 <= args.warmup_ms <= 3600 * 1000):
        parser.error("--threads, --runs, --rounds and --budget must be "
                     "positive, --warmup-ms within [0, 3600000]")
    selected = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in selected if m not in models.MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from "
                     + ", ".join(models.MODELS))
    for tool in (args.dlc, args.dlc_run):
        if not os.access(tool, os.X_OK):
            parser.error(f"{tool} is not an executable (build dlc first or "
                         "pass --dlc/--dlc-run)")
    args.workdir = os.path.abspath(args.workdir)
    tag = "quick" if args.quick else "full"
    workdir = os.path.join(args.workdir, f"{tag}-t{args.threads}")
    os.makedirs(workdir, exist_ok=True)

    table = models.QUICK if args.quick else models.MODELS
    # Timings on a loaded machine are noisy: the load is part of the record.
    results = {"cpu": cpu_model(), "threads": args.threads,
               "onnxruntime": ort.__version__, "quick": args.quick,
               "commit": git_commit(), "load": os.getloadavg()[0],
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "models": [], "gemms": []}
    if not args.gemm_only:
        for name in selected:
            builder, kwargs = table[name]
            results["models"].append(
                bench_model(args, name, builder, kwargs, workdir))

    if not args.no_gemm:
        log("peak FLOP/s")
        results["peak"] = measure_peak(args)
        for m, n, k, origin in (models.QUICK_GEMMS if args.quick
                                else models.GEMMS):
            name = f"gemm_{m}x{n}x{k}"
            row = bench_model(args, name, models.gemm, dict(m=m, n=n, k=k),
                              workdir)
            row.update(m=m, n=n, k=k)
            row["from"] = origin
            results["gemms"].append(row)

    with open(os.path.join(workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)

    print(f"# dlc vs onnxruntime {ort.__version__}"
          + (" (--quick: tiny variants)" if args.quick else ""))
    print(f"\n{results['date']}, dlc {results['commit']}, CPU: "
          f"{results['cpu']}, {os.cpu_count()} CPUs, load average "
          f"{results['load']:.2f} at the start; threads: {args.threads}; "
          f"timed runs: up to {args.runs} within {args.budget:g} s per model "
          f"and runtime; match: rtol {RTOL}, atol {ATOL}\n")
    if results["models"]:
        print(model_table(results["models"]))
    if not args.no_gemm:
        peak = results["peak"]
        if "error" in peak:
            print(f"\nPeak: not measured ({peak['error']})")
            peak_t = None
        else:
            peak_t = peak.get(args.threads)
            print(f"\nPeak ({peak['isa']} FMA, measured by bench/peak.c): "
                  f"{peak[1]:.1f} GFLOP/s per core, {peak_t:.1f} GFLOP/s on "
                  f"{args.threads} threads")
            if peak_t < 0.8 * args.threads * peak[1]:
                print(f"(below {args.threads} x the one-core peak: other "
                      "load, shared FMA units (SMT) or a lower all-core "
                      "clock; fractions are against the measured value)")
            print()
        print(gemm_table(results["gemms"], peak_t))

    rows = results["models"] + results["gemms"]
    failed = [r for r in rows if not r.get("match")]
    if failed:
        print("\nfailed: " + ", ".join(r["model"] for r in failed))
    if args.check and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
