//===- dlc-run.cpp - Run a dlc-compiled model -----------------------------===//
//
// Loads a model with libdlcrt, feeds it inputs from an .npz (or random ones),
// and prints, saves or times its outputs.
//
//===----------------------------------------------------------------------===//

#include "Npz.h"
#include "Values.h"

#include "dlc/runtime/dlcrt.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>

using namespace dlc::run;
using dlc::rt::Device;
using dlc::rt::Module;
using dlc::rt::Tensor;
using dlc::rt::TensorInfo;

namespace {
const char kUsage[] =
    R"(usage: dlc-run MODEL.so [options]

Runs a model compiled by dlc.

options:
  --inputs IN.npz    inputs keyed by the model's input names (numpy.savez);
                     random inputs when omitted (dynamic dims get size 1);
                     dynamic dims take the sizes of the entries
  --output OUT.npz   save the outputs keyed by the model's output names
  --bench N          time N runs after one warm-up run; print median/min/mean
  --warmup-ms T      with --bench: before the timed runs, run untimed for at
                     least T ms (a core woken from idle runs slower at first)
  --seed S           seed for random inputs (default 0)
  --device D         cpu (default) or cuda[:N] for models compiled with
                     --target=cuda; inputs and outputs are copied between
                     the host and the device, outside the --bench timings
  --print            print the outputs (default without --output and --bench)
  -h, --help         show this help

Random inputs: floats uniform in [-1, 1), integers in [0, 10), bools 0 or 1.
numpy has no bfloat16: bf16 inputs are read from float32 arrays (rounded to
nearest even) and bf16 outputs are saved as float32.
)";

struct Options {
  std::string model, inputs, output, device = "cpu";
  uint64_t bench = 0, seed = 0, warmupMs = 0;
  bool print = false;
};

[[noreturn]] void fail(const std::string &message) {
  throw std::runtime_error(message);
}

uint64_t parseCount(const std::string &option, const std::string &text) {
  uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 19;
  for (char c : text)
    ok = ok && c >= '0' && c <= '9';
  if (ok)
    value = std::stoull(text);
  if (!ok)
    fail("--" + option + " expects a non-negative integer but got '" + text +
         "'");
  return value;
}

Options parseArgs(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      if (!arg.empty() && arg[0] == '-')
        fail("unknown option '" + arg + "' (see dlc-run --help)");
      if (!options.model.empty())
        fail("more than one model given: '" + options.model + "' and '" + arg +
             "'");
      options.model = arg;
      continue;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool hasValue = eq != std::string::npos;
    if (hasValue) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "print") {
      if (hasValue)
        fail("--print takes no value");
      options.print = true;
      continue;
    }
    if (name != "inputs" && name != "output" && name != "bench" &&
        name != "seed" && name != "device" && name != "warmup-ms")
      fail("unknown option '--" + name + "' (see dlc-run --help)");
    if (!hasValue) {
      if (i + 1 >= argc)
        fail("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "inputs")
      options.inputs = value;
    else if (name == "output")
      options.output = value;
    else if (name == "seed")
      options.seed = parseCount(name, value);
    else if (name == "device")
      options.device = value;
    else if (name == "warmup-ms") {
      if ((options.warmupMs = parseCount(name, value)) > 3600 * 1000)
        fail("--warmup-ms expects at most an hour (3600000)");
    } else if ((options.bench = parseCount(name, value)) == 0)
      fail("--bench expects at least 1 run");
  }
  if (options.model.empty())
    fail("no model given (see dlc-run --help)");
  if (options.warmupMs && !options.bench)
    fail("--warmup-ms needs --bench");
  return options;
}

/// The declared shape, `?name` (or `?`) for dynamic dims.
std::string describeShape(const TensorInfo &info) {
  std::string out = "[";
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i)
      out += ',';
    out += info.dims[i] == DLCRT_DYNAMIC_DIM ? "?" + info.dimNames[i]
                                             : std::to_string(info.dims[i]);
  }
  return out + "]";
}

/// Whether `shape` has the rank and the static dims of `info`.
bool fitsShape(const TensorInfo &info, const std::vector<int64_t> &shape) {
  if (shape.size() != info.dims.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (info.dims[i] != DLCRT_DYNAMIC_DIM && info.dims[i] != shape[i])
      return false;
  return true;
}

std::vector<Tensor> randomInputs(const Module &module, const Device &device,
                                 uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < module.numInputs(); ++i) {
    TensorInfo info = module.input(i);
    // Random inputs give every dynamic dim the size 1.
    std::vector<int64_t> dims = info.dims;
    for (int64_t &dim : dims)
      if (dim == DLCRT_DYNAMIC_DIM)
        dim = 1;
    Tensor tensor = Tensor::create(device, info.dtype, dims);
    fillRandom(info.dtype, tensor.data(), tensor.elementCount(), rng);
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

std::vector<Tensor> npzInputs(const Module &module, const Device &device,
                              const std::string &path) {
  NpzReader reader(path);
  const std::vector<std::string> &keys = reader.keys();
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < module.numInputs(); ++i) {
    TensorInfo info = module.input(i);
    if (std::find(keys.begin(), keys.end(), info.name) == keys.end()) {
      std::string known;
      for (const std::string &key : keys)
        known += (known.empty() ? "'" : ", '") + key + "'";
      fail(path + ": no entry for model input '" + info.name +
           "' (entries: " + (known.empty() ? "none" : known) + ")");
    }
    // numpy cannot hold bfloat16, so bf16 inputs come as float32.
    bool fromF32 = info.dtype == DLCRT_DTYPE_BF16;
    dlcrt_dtype_t expected = fromF32 ? DLCRT_DTYPE_F32 : info.dtype;
    auto check = [&](const NpyHeader &header) {
      std::string what = path + ": entry '" + info.name + "'";
      if (header.dtype != expected)
        fail(what + " has dtype " + dlcrt_dtype_name(header.dtype) +
             " but model input '" + info.name + "' expects " +
             dlcrt_dtype_name(expected));
      // Dynamic dims take the entry's sizes; the runtime checks that dims
      // of the same symbol agree.
      if (!fitsShape(info, header.shape))
        fail(what + " has shape " + formatShape(header.shape) +
             " but model input '" + info.name + "' expects " +
             describeShape(info));
    };
    NpyHeader header;
    std::vector<char> data = reader.read(info.name, check, header);
    Tensor tensor = Tensor::create(device, info.dtype, header.shape);
    if (fromF32) {
      for (size_t j = 0; j < tensor.elementCount(); ++j) {
        float value;
        std::memcpy(&value, data.data() + j * sizeof(float), sizeof(float));
        tensor.data<uint16_t>()[j] = floatToBf16(value);
      }
    } else if (!data.empty()) {
      std::memcpy(tensor.data(), data.data(), data.size());
    }
    inputs.push_back(std::move(tensor));
  }
  for (const std::string &key : keys) {
    bool used = false;
    for (size_t i = 0; i < module.numInputs() && !used; ++i)
      used = module.input(i).name == key;
    if (!used)
      std::cerr << "dlc-run: warning: " << path << ": ignoring entry '" << key
                << "', which is not a model input\n";
  }
  return inputs;
}

void saveOutputs(const Module &module, const std::vector<Tensor> &outputs,
                 const std::string &path) {
  NpzWriter writer(path);
  for (size_t i = 0; i < outputs.size(); ++i) {
    TensorInfo info = module.output(i);
    const Tensor &tensor = outputs[i];
    if (info.dtype != DLCRT_DTYPE_BF16) {
      writer.add(info.name, info.dtype, tensor.dims(), tensor.data(),
                 tensor.byteSize());
      continue;
    }
    std::vector<float> widened(tensor.elementCount());
    for (size_t j = 0; j < widened.size(); ++j)
      widened[j] = bf16ToFloat(tensor.data<uint16_t>()[j]);
    writer.add(info.name, DLCRT_DTYPE_F32, tensor.dims(), widened.data(),
               widened.size() * sizeof(float));
  }
  writer.close();
}

void printOutputs(const Module &module, const std::vector<Tensor> &outputs) {
  constexpr size_t kShown = 8;
  for (size_t i = 0; i < outputs.size(); ++i) {
    TensorInfo info = module.output(i);
    size_t count = outputs[i].elementCount();
    std::cout << info.name << ": " << dlcrt_dtype_name(info.dtype) << " "
              << formatShape(outputs[i].dims()) << " = [";
    for (size_t j = 0; j < count && j < kShown; ++j)
      std::cout << (j ? ", " : "")
                << formatValue(info.dtype, outputs[i].data(), j);
    if (count > kShown)
      std::cout << ", ...] (" << count << " values)\n";
    else
      std::cout << "]\n";
  }
}

void bench(const Module &module, const std::vector<Tensor> &inputs,
           std::vector<Tensor> &outputs, uint64_t runs) {
  std::vector<double> ms;
  ms.reserve(runs);
  for (uint64_t i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    module.run(inputs, outputs);
    auto end = std::chrono::steady_clock::now();
    ms.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  size_t mid = ms.size() / 2;
  double median = ms.size() % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  double mean = 0;
  for (double t : ms)
    mean += t / ms.size();
  std::printf("runs: %llu\nmedian: %.3f ms\nmin: %.3f ms\nmean: %.3f ms\n",
              static_cast<unsigned long long>(runs), median, ms.front(), mean);
  std::fflush(stdout);
}

/// `cpu`, `cuda` or `cuda:N`.
Device openDevice(const std::string &name) {
  if (name == "cpu")
    return Device::cpu();
  std::string kind = name.substr(0, name.find(':'));
  if (kind != "cuda")
    fail("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  uint64_t ordinal = kind.size() == name.size()
                         ? 0
                         : parseCount("device", name.substr(kind.size() + 1));
  return Device::create(DLCRT_DEVICE_CUDA, ordinal);
}

/// Copies of `tensors` on `device`, or on the host.
std::vector<Tensor> copiesOn(const Device &device,
                             const std::vector<Tensor> &tensors) {
  std::vector<Tensor> copies;
  for (const Tensor &tensor : tensors) {
    Tensor copy = Tensor::create(device, tensor.dtype(), tensor.dims());
    if (device.kind() == DLCRT_DEVICE_CPU)
      tensor.copyToHost(copy.data(), copy.byteSize());
    else
      copy.copyFromHost(tensor.data(), tensor.byteSize());
    copies.push_back(std::move(copy));
  }
  return copies;
}

int runMain(int argc, char **argv) {
  Options options = parseArgs(argc, argv);
  Device host = Device::cpu();
  Device device = openDevice(options.device);
  Module module = Module::open(device, options.model);
  // Inputs and outputs are made on the host, then copied to the device.
  std::vector<Tensor> inputs = options.inputs.empty()
                                   ? randomInputs(module, host, options.seed)
                                   : npzInputs(module, host, options.inputs);
  bool onHost = device.kind() == DLCRT_DEVICE_CPU;
  if (!onHost)
    inputs = copiesOn(device, inputs);
  std::vector<Tensor> outputs;
  for (size_t i = 0; i < module.numOutputs(); ++i) {
    TensorInfo info = module.output(i);
    // The model allocates dynamic outputs; the first run fills the slot.
    outputs.push_back(info.isDynamic()
                          ? Tensor()
                          : Tensor::create(device, info.dtype, info.dims));
  }
  // The first run is also the warm-up for --bench.
  module.run(inputs, outputs);
  auto warmupEnd = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(options.warmupMs);
  while (std::chrono::steady_clock::now() < warmupEnd)
    module.run(inputs, outputs);
  if (options.bench)
    bench(module, inputs, outputs, options.bench);
  if (!onHost)
    outputs = copiesOn(host, outputs);
  if (!options.output.empty())
    saveOutputs(module, outputs, options.output);
  if (options.print || (options.output.empty() && !options.bench))
    printOutputs(module, outputs);
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  try {
    return runMain(argc, argv);
  } catch (const std::exception &e) {
    std::cout.flush();
    std::cerr << "dlc-run: error: " << e.what() << "\n";
    return 1;
  }
}
