#!/usr/bin/env python3
"""Runs one compiled module from several threads at once through the C API
(ctypes releases the GIL during each call): the transformer and CNN test
models, 4 threads x 25 runs each on inputs of their own, every output
compared with the same inputs' single-threaded run (bit-exact) and with
onnxruntime.
"""

import argparse
import ctypes
import os
import subprocess
import sys
import threading

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

THREADS, RUNS = 4, 25
F32 = 3  # DLCRT_DTYPE_F32


class Info(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_size_t),
                ("dims", ctypes.POINTER(ctypes.c_int64)),
                ("byte_size", ctypes.c_size_t),
                ("dim_names", ctypes.c_void_p)]


class Runtime:
    def __init__(self, path):
        self.rt = ctypes.CDLL(path)
        for name in ["dlcrt_device_create_cpu", "dlcrt_module_open",
                     "dlcrt_module_input_info", "dlcrt_module_output_info",
                     "dlcrt_tensor_wrap", "dlcrt_module_run"]:
            getattr(self.rt, name).restype = ctypes.c_void_p
        self.rt.dlcrt_status_message.restype = ctypes.c_char_p
        self.rt.dlcrt_module_num_inputs.restype = ctypes.c_size_t
        self.rt.dlcrt_module_num_outputs.restype = ctypes.c_size_t
        self.device = ctypes.c_void_p()
        self.check(self.rt.dlcrt_device_create_cpu(ctypes.byref(self.device)))

    def check(self, status):
        if status:
            message = self.rt.dlcrt_status_message(ctypes.c_void_p(status))
            self.rt.dlcrt_status_free(ctypes.c_void_p(status))
            raise RuntimeError(message.decode())

    def wrap(self, array):
        tensor = ctypes.c_void_p()
        dims = (ctypes.c_int64 * array.ndim)(*array.shape)
        self.check(self.rt.dlcrt_tensor_wrap(
            self.device, F32, ctypes.c_size_t(array.ndim), dims,
            ctypes.c_void_p(array.ctypes.data), ctypes.c_size_t(array.nbytes),
            ctypes.byref(tensor)))
        return tensor

    def open(self, library):
        module = ctypes.c_void_p()
        self.check(self.rt.dlcrt_module_open(self.device, library.encode(),
                                             ctypes.byref(module)))
        return module

    def shapes(self, module, outputs):
        count = (self.rt.dlcrt_module_num_outputs if outputs
                 else self.rt.dlcrt_module_num_inputs)(module)
        info_fn = (self.rt.dlcrt_module_output_info if outputs
                   else self.rt.dlcrt_module_input_info)
        shapes = []
        for i in range(count):
            info = Info()
            self.check(info_fn(module, ctypes.c_size_t(i), ctypes.byref(info)))
            shapes.append((info.name.decode(), list(info.dims[:info.rank])))
        return shapes

    def run(self, module, inputs, output_shapes):
        outputs = [np.zeros(shape, np.float32) for _, shape in output_shapes]
        ins = [self.wrap(a) for a in inputs]
        outs = [self.wrap(a) for a in outputs]
        try:
            self.check(self.rt.dlcrt_module_run(
                module, (ctypes.c_void_p * len(ins))(*ins),
                ctypes.c_size_t(len(ins)), (ctypes.c_void_p * len(outs))(*outs),
                ctypes.c_size_t(len(outs))))
        finally:
            for tensor in ins + outs:
                self.rt.dlcrt_tensor_release(tensor)
        return outputs


def check_model(name, model, runtime, args):
    path = os.path.join(args.workdir, f"{name}.onnx")
    library = os.path.join(args.workdir, f"{name}.so")
    onnx.save(model, path)
    subprocess.run([args.dlc, path, "-o", library], check=True)
    module = runtime.open(library)
    input_shapes = runtime.shapes(module, outputs=False)
    output_shapes = runtime.shapes(module, outputs=True)
    rng = np.random.default_rng(0)
    feeds = [[rng.uniform(-1, 1, shape).astype(np.float32)
              for _, shape in input_shapes] for _ in range(THREADS)]
    # Single-threaded references, one per thread's inputs.
    expected = [runtime.run(module, inputs, output_shapes) for inputs in feeds]
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [n for n, _ in input_shapes]
    problems = []
    for inputs, want in zip(feeds, expected):
        reference = session.run(None, dict(zip(names, inputs)))
        for have, ref in zip(want, reference):
            if not np.allclose(have, ref, rtol=1e-3, atol=1e-4):
                problems.append("single-threaded run differs from "
                                "onnxruntime")
    errors = []

    def worker(t):
        try:
            for _ in range(RUNS):
                got = runtime.run(module, feeds[t], output_shapes)
                for have, want in zip(got, expected[t]):
                    if not np.array_equal(have, want):
                        errors.append(f"thread {t}: output differs from its "
                                      "single-threaded run")
                        return
        except RuntimeError as error:
            errors.append(f"thread {t}: {error}")

    threads = [threading.Thread(target=worker, args=(t,))
               for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runtime.rt.dlcrt_module_release(module)
    return problems + errors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--runtime", required=True, help="libdlcrt.so")
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    runtime = Runtime(args.runtime)
    failed = 0
    for name, build in [("transformer", models.transformer_block),
                        ("cnn", models.cnn)]:
        problems = check_model(name, build(), runtime, args)
        print(f"{name}: {THREADS} threads x {RUNS} runs: "
              f"{'ok' if not problems else 'FAIL: ' + '; '.join(problems)}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
