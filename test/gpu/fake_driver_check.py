#!/usr/bin/env python3
"""Runs CUDA models compiled by dlc through libdlcrt and dlc-run on
fake_cuda.c, the stand-in driver (no GPU: kernels do not execute). Checks
that every kernel of a model's PTX is launched with the parameter count of
its PTX entry and a valid launch shape, that the sm_90a bf16 linear layer
gets its TMA descriptors and 129 KiB of dynamic shared memory, and the
errors: a model for sm_90a on an sm_80 device, a CUDA model on the CPU, a
CPU model on a CUDA device, and (through the C API) a device tensor that is
not 16-byte aligned.
"""

import argparse
import ctypes
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
sys.path.insert(0, os.path.dirname(__file__))
import models  # noqa: E402
import onnx  # noqa: E402
import ptxas_check  # noqa: E402


def entries(ptx):
    """Kernel name -> number of parameters, from the PTX text."""
    found = {}
    for match in re.finditer(r"\.entry (\w+)\((.*?)\)", ptx, re.S):
        found[match.group(1)] = match.group(2).count(".param")
    return found


def misaligned_run(runtime, library, input_name):
    """Runs `library` on cuda:0 with its input `input_name` wrapped 4 bytes
    past a device allocation; exits 1 with the run's error, as dlc-run
    would, or 0 if the run succeeds."""
    rt = ctypes.CDLL(runtime)
    rt.dlcrt_status_message.restype = ctypes.c_char_p
    rt.dlcrt_tensor_data.restype = ctypes.c_void_p
    rt.dlcrt_module_num_inputs.restype = ctypes.c_size_t
    rt.dlcrt_module_num_outputs.restype = ctypes.c_size_t
    for name in ["dlcrt_device_create", "dlcrt_module_open",
                 "dlcrt_module_input_info", "dlcrt_tensor_create",
                 "dlcrt_tensor_wrap", "dlcrt_module_run"]:
        getattr(rt, name).restype = ctypes.c_void_p  # dlcrt_status

    def check(status):
        if status:
            sys.exit("setup failed: " + rt.dlcrt_status_message(
                ctypes.c_void_p(status)).decode())

    device, module = ctypes.c_void_p(), ctypes.c_void_p()
    check(rt.dlcrt_device_create(1, ctypes.c_size_t(0), ctypes.byref(device)))
    check(rt.dlcrt_module_open(device, library.encode(), ctypes.byref(module)))

    class Info(ctypes.Structure):
        _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int),
                    ("rank", ctypes.c_size_t),
                    ("dims", ctypes.POINTER(ctypes.c_int64)),
                    ("byte_size", ctypes.c_size_t),
                    ("dim_names", ctypes.c_void_p)]

    inputs = []
    for i in range(rt.dlcrt_module_num_inputs(module)):
        info = Info()
        check(rt.dlcrt_module_input_info(module, ctypes.c_size_t(i),
                                         ctypes.byref(info)))
        dims = (ctypes.c_int64 * info.rank)(*info.dims[:info.rank])
        owned = ctypes.c_void_p()
        check(rt.dlcrt_tensor_create(device, info.dtype,
                                     ctypes.c_size_t(info.rank), dims,
                                     ctypes.byref(owned)))
        tensor = owned
        if info.name.decode() == input_name:
            # One more element in a fresh allocation, wrapped 4 bytes in.
            big = (ctypes.c_int64 * info.rank)(*info.dims[:info.rank])
            big[info.rank - 1] += 1
            check(rt.dlcrt_tensor_create(device, info.dtype,
                                         ctypes.c_size_t(info.rank), big,
                                         ctypes.byref(owned)))
            tensor = ctypes.c_void_p()
            check(rt.dlcrt_tensor_wrap(
                device, info.dtype, ctypes.c_size_t(info.rank), dims,
                ctypes.c_void_p(rt.dlcrt_tensor_data(owned) + 4),
                ctypes.c_size_t(info.byte_size), ctypes.byref(tensor)))
        inputs.append(tensor)
    outputs = (ctypes.c_void_p * rt.dlcrt_module_num_outputs(module))()
    status = rt.dlcrt_module_run(
        module, (ctypes.c_void_p * len(inputs))(*inputs),
        ctypes.c_size_t(len(inputs)), outputs,
        ctypes.c_size_t(len(outputs)))
    if not status:
        print("the run succeeded")
        return 0
    print(rt.dlcrt_status_message(ctypes.c_void_p(status)).decode(),
          file=sys.stderr)
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--fake-driver", required=True)
    parser.add_argument("--runtime", required=True, help="libdlcrt.so")
    parser.add_argument("--misaligned-run", nargs=2,
                        metavar=("LIBRARY", "INPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    if args.misaligned_run:
        return misaligned_run(args.runtime, *args.misaligned_run)
    os.makedirs(args.workdir, exist_ok=True)
    failures = []
    cases = [("mlp", models.mlp, "sm_80", "fp32", 80),
             ("cnn", models.cnn, "sm_80", "tf32", 86),
             ("transformer", models.transformer_block, "sm_80", "bf16", 80),
             ("linear", ptxas_check.linear, "sm_90a", "bf16", 90)]
    print(f"{'model':<12} {'chip':<7} {'precision':<9} {'kernels':>7} "
          f"{'launches':>8}  result")
    for name, build, chip, precision, arch in cases:
        model = os.path.join(args.workdir, f"{name}.onnx")
        onnx.save(build(), model)
        library = os.path.join(args.workdir, f"{name}.{chip}.{precision}.so")
        compile_args = [args.dlc, model, f"--target=cuda:{chip}",
                        f"--precision={precision}"]
        subprocess.run(compile_args + ["-o", library], check=True)
        ptx = subprocess.run(compile_args + ["--emit=ptx", "-o", "-"],
                             check=True, capture_output=True,
                             text=True).stdout
        kernels = entries(ptx)
        log = os.path.join(args.workdir, f"{name}.log")
        if os.path.exists(log):
            os.remove(log)
        env = dict(os.environ, DLCRT_CUDA_DRIVER=args.fake_driver,
                   FAKE_CUDA_LOG=log, FAKE_CUDA_ARCH=str(arch))
        ran = subprocess.run([args.dlc_run, library, "--device", "cuda"],
                             env=env, capture_output=True, text=True)
        problems = []
        if ran.returncode != 0:
            problems.append(f"dlc-run failed: {ran.stderr.strip()}")
        launches = open(log).read().splitlines() if os.path.exists(log) else []
        launched = set()
        for line in launches:
            fields = line.split()
            kernel, params = fields[1], int(fields[-1])
            launched.add(kernel)
            if kernels.get(kernel) != params:
                problems.append(f"{kernel} launched with {params} "
                                f"parameters, PTX has {kernels.get(kernel)}")
        if launched != set(kernels):
            problems.append(f"kernels never launched: "
                            f"{sorted(set(kernels) - launched)}")
        # 4 stages of 32 KiB and 1 KiB to align them.
        if chip == "sm_90a" and not any(
                line.split()[8] == "132096" for line in launches):
            problems.append("no launch with 129 KiB of shared memory")
        print(f"{name:<12} {chip:<7} {precision:<9} {len(kernels):>7} "
              f"{len(launches):>8}  {'FAILED' if problems else 'ok'}")
        failures += [f"{name}: {p}" for p in problems]

    def expect_error(what, command, env, message):
        ran = subprocess.run(command, env=dict(os.environ, **env),
                             capture_output=True, text=True)
        if ran.returncode == 0 or message not in ran.stderr:
            failures.append(f"{what}: expected an error with '{message}', "
                            f"got rc {ran.returncode}: {ran.stderr.strip()}")
        else:
            print(f"{what}: {ran.stderr.strip()}")

    fake = {"DLCRT_CUDA_DRIVER": args.fake_driver, "FAKE_CUDA_ARCH": "80"}
    hopper = os.path.join(args.workdir, "linear.sm_90a.bf16.so")
    expect_error("sm_90a model on sm_80", [args.dlc_run, hopper, "--device",
                                           "cuda"], fake,
                 "the model was compiled for sm_90a but cuda:0 is sm_80")
    mlp = os.path.join(args.workdir, "mlp.sm_80.fp32.so")
    expect_error("cuda model on the CPU", [args.dlc_run, mlp], {},
                 "compiled for cuda (sm_80), it cannot run on cpu:0")
    cpu_model = os.path.join(args.workdir, "mlp.cpu.so")
    subprocess.run([args.dlc, os.path.join(args.workdir, "mlp.onnx"), "-o",
                    cpu_model], check=True)
    expect_error("CPU model on cuda", [args.dlc_run, cpu_model, "--device",
                                       "cuda"], fake,
                 "compiled for the CPU, it cannot run on cuda:0")
    expect_error("misaligned device tensor",
                 [sys.executable, __file__, "--dlc", args.dlc, "--dlc-run",
                  args.dlc_run, "--fake-driver", args.fake_driver,
                  "--runtime", args.runtime, "--workdir", args.workdir,
                  "--misaligned-run", mlp, "x"], fake,
                 "input 'x': data on cuda:0 is not 16-byte aligned, as CUDA "
                 "models need")
    expect_error("no driver", [args.dlc_run, mlp, "--device", "cuda"],
                 {"DLCRT_CUDA_DRIVER": "/nonexistent/libcuda.so.1"},
                 "no CUDA driver")
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
