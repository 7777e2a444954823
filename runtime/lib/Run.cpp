//===- Run.cpp - Validating arguments and running a model -----------------===//
//
// The model trusts its buffers (ModelABI.h), so every argument is checked
// here before the call: counts, devices, dtypes, shapes, dim symbols, byte
// sizes, and that outputs overlap nothing. What the model returns for
// dynamic outputs is checked after the call. No state is shared between
// runs: concurrent runs are safe.
//
//===----------------------------------------------------------------------===//

#include "Module.h"
#include "Tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

using namespace dlc::rt;

namespace {
/// The alignment of the device tensors a CUDA model reads and writes.
constexpr uintptr_t kCudaTensorAlignment = 16;

std::string label(bool input, const TensorSpec &spec) {
  return std::string(input ? "input" : "output") + " '" + spec.name + "'";
}

/// The declared shape, `?name` (or `?`) for dynamic dims.
std::string formatSpecShape(const TensorSpec &spec) {
  std::string out = "[";
  for (size_t i = 0; i < spec.dims.size(); ++i) {
    if (i)
      out += ',';
    out += spec.dims[i] == kDynamicDim ? "?" + spec.dimNames[i]
                                       : std::to_string(spec.dims[i]);
  }
  return out + "]";
}

/// Whether `dims` has the rank and the static dims of `spec`.
bool matchesSpec(const TensorSpec &spec, const std::vector<int64_t> &dims) {
  if (dims.size() != spec.dims.size())
    return false;
  for (size_t i = 0; i < dims.size(); ++i)
    if (spec.dims[i] != kDynamicDim && spec.dims[i] != dims[i])
      return false;
  return true;
}

/// Values of the dim symbols in one run, and where each was first bound.
struct SymbolBindings {
  struct Binding {
    int64_t value;
    std::string where; // "input 'x' dim 0"
  };
  std::map<std::string, Binding> values;

  /// Binds the named dynamic dims of `dims`; an error (made by `fail`)
  /// names both places, the symbol and both values on a disagreement.
  template <typename Fail>
  dlcrt_status bind(bool input, const TensorSpec &spec, const int64_t *dims,
                    Fail fail) {
    for (size_t i = 0; i < spec.dims.size(); ++i) {
      const std::string &symbol = spec.dimNames[i];
      if (spec.dims[i] != kDynamicDim || symbol.empty())
        continue;
      std::string where = label(input, spec) + " dim " + std::to_string(i);
      auto [it, inserted] = values.try_emplace(symbol, Binding{dims[i], where});
      if (!inserted && it->second.value != dims[i])
        return fail(where + " is " + std::to_string(dims[i]) + " but " +
                    it->second.where + " sets symbol '" + symbol + "' to " +
                    std::to_string(it->second.value));
    }
    return nullptr;
  }
};

/// Buffers a model allocated for its dynamic outputs; freed unless adopted.
struct ModelBuffers {
  explicit ModelBuffers(size_t n) : buffers(n, nullptr) {}
  ~ModelBuffers() {
    for (void *buffer : buffers)
      std::free(buffer);
  }
  std::vector<void *> buffers;
};

dlcrt_status checkTensor(const dlcrt_module_s &module, bool input,
                         const TensorSpec &spec, dlcrt_tensor tensor) {
  std::string what = label(input, spec);
  if (!tensor)
    return invalidArgument(what + ": tensor is NULL");
  if (!tensor->device->sameDeviceAs(*module.device))
    return invalidArgument(
        what + ": tensor is on " + tensor->device->describe() +
        " but the model runs on " + module.device->describe());
  if (tensor->dtype != spec.dtype) {
    const char *got = dlcrt_dtype_name(tensor->dtype);
    return invalidArgument(what + ": expected dtype " +
                           dlcrt_dtype_name(spec.dtype) + " but got " +
                           (got ? got : "invalid"));
  }
  if (!matchesSpec(spec, tensor->dims))
    return invalidArgument(
        what + ": expected shape " + formatSpecShape(spec) + " but got " +
        formatShape(tensor->dims.data(), tensor->dims.size()));
  // A dynamic spec has no byte size: the tensor's own, computed with
  // overflow checks when it was made, is what the model gets.
  if (!spec.isDynamic && tensor->byteSize != spec.byteSize)
    return invalidArgument(what + ": expected " +
                           std::to_string(spec.byteSize) + " bytes but got " +
                           std::to_string(tensor->byteSize));
  if (!tensor->data && tensor->byteSize)
    return invalidArgument(what + ": data is NULL");
  // CUDA kernels read and write whole rows with 16-byte vector and
  // cp.async accesses (cuMemAlloc memory is 256-byte aligned).
  if (module.device->impl->kind() == DLCRT_DEVICE_CUDA &&
      reinterpret_cast<uintptr_t>(tensor->data) % kCudaTensorAlignment)
    return invalidArgument(what + ": data on " + module.device->describe() +
                           " is not " + std::to_string(kCudaTensorAlignment) +
                           "-byte aligned, as CUDA models need");
  return nullptr;
}

struct Range {
  uintptr_t begin, end;
  bool isOutput;
  const TensorSpec *spec;
};

/// Rejects an output whose memory overlaps another output or an input; the
/// model may write outputs in any order and read inputs at any time.
dlcrt_status checkOverlaps(std::vector<Range> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const Range &a, const Range &b) { return a.begin < b.begin; });
  // Sweep keeping the furthest-reaching range so far, of any kind and among
  // outputs.
  const Range *furthest = nullptr, *furthestOutput = nullptr;
  for (const Range &range : ranges) {
    const Range *other = range.isOutput ? furthest : furthestOutput;
    if (other && range.begin < other->end) {
      const Range &output = range.isOutput ? range : *other;
      const Range &clash = range.isOutput ? *other : range;
      return invalidArgument(label(false, *output.spec) + ": memory overlaps " +
                             label(!clash.isOutput, *clash.spec));
    }
    if (!furthest || range.end > furthest->end)
      furthest = &range;
    if (range.isOutput && (!furthestOutput || range.end > furthestOutput->end))
      furthestOutput = &range;
  }
  return nullptr;
}

/// Output tensors the runtime created; released unless handed over.
struct CreatedOutputs {
  explicit CreatedOutputs(size_t n) : tensors(n, nullptr) {}
  ~CreatedOutputs() {
    for (dlcrt_tensor tensor : tensors)
      dlcrt_tensor_release(tensor);
  }
  std::vector<dlcrt_tensor> tensors;
};

dlcrt_status run(dlcrt_module module, const dlcrt_tensor *inputs,
                 size_t numInputs, dlcrt_tensor *outputs, size_t numOutputs) {
  if (!module)
    return invalidArgument("dlcrt_module_run: module is NULL");
  const ModelSignature &sig = module->signature;
  if (numInputs != sig.inputs.size())
    return invalidArgument("expected " + std::to_string(sig.inputs.size()) +
                           " inputs but got " + std::to_string(numInputs));
  if (numOutputs != sig.outputs.size())
    return invalidArgument("expected " + std::to_string(sig.outputs.size()) +
                           " outputs but got " + std::to_string(numOutputs));
  if (numInputs && !inputs)
    return invalidArgument("dlcrt_module_run: inputs is NULL");
  if (!outputs)
    return invalidArgument("dlcrt_module_run: outputs is NULL");

  std::vector<Range> ranges;
  SymbolBindings symbols;
  for (size_t i = 0; i < numInputs; ++i) {
    if (dlcrt_status status =
            checkTensor(*module, true, sig.inputs[i], inputs[i]))
      return status;
    if (dlcrt_status status = symbols.bind(
            true, sig.inputs[i], inputs[i]->dims.data(),
            [](const std::string &m) { return invalidArgument(m); }))
      return status;
    auto begin = reinterpret_cast<uintptr_t>(inputs[i]->data);
    if (inputs[i]->byteSize)
      ranges.push_back(
          {begin, begin + inputs[i]->byteSize, false, &sig.inputs[i]});
  }
  bool callerOutputs = false;
  for (size_t i = 0; i < numOutputs; ++i) {
    if (!outputs[i])
      continue;
    if (dlcrt_status status =
            checkTensor(*module, false, sig.outputs[i], outputs[i]))
      return status;
    auto begin = reinterpret_cast<uintptr_t>(outputs[i]->data);
    if (outputs[i]->byteSize)
      ranges.push_back(
          {begin, begin + outputs[i]->byteSize, true, &sig.outputs[i]});
    callerOutputs = true;
  }
  if (callerOutputs)
    if (dlcrt_status status = checkOverlaps(std::move(ranges)))
      return status;

  // The dims array of ModelABI.h: inputs' dims, then outputs' dims.
  std::vector<int64_t> dims;
  for (size_t i = 0; i < numInputs; ++i)
    dims.insert(dims.end(), inputs[i]->dims.begin(), inputs[i]->dims.end());
  std::vector<size_t> outputDims;
  for (const TensorSpec &spec : sig.outputs) {
    outputDims.push_back(dims.size());
    dims.insert(dims.end(), spec.dims.size(), 0);
  }

  // Fresh outputs go to the caller only once the run has succeeded.
  CreatedOutputs created(numOutputs);
  std::vector<void *> buffers;
  buffers.reserve(numInputs + numOutputs);
  for (size_t i = 0; i < numInputs; ++i)
    buffers.push_back(inputs[i]->data);
  for (size_t i = 0; i < numOutputs; ++i) {
    const TensorSpec &spec = sig.outputs[i];
    if (spec.isDynamic) {
      // The model stores its own allocation here (even if a check fails).
      buffers.push_back(nullptr);
      continue;
    }
    if (!outputs[i]) {
      if (dlcrt_status status = createTensor(
              label(false, spec), module->device, spec.dtype, spec.dims.size(),
              spec.dims.data(), &created.tensors[i]))
        return status;
    }
    buffers.push_back(outputs[i] ? outputs[i]->data : created.tensors[i]->data);
  }
  // Allocated before the call, so that nothing can throw between the run
  // and the hand-over of the model's buffers.
  ModelBuffers modelBuffers(numOutputs);
  int32_t code = 0;
  if (dlcrt_status status = module->device->impl->runModel(
          module->state.get(),
          [&] { return module->run(buffers.data(), dims.data()); }, code))
    return status;
  for (size_t i = 0; i < numOutputs; ++i)
    if (sig.outputs[i].isDynamic)
      modelBuffers.buffers[i] = buffers[numInputs + i];
  if (code) {
    if (code < 0 || static_cast<size_t>(code) > sig.checks.size())
      return makeError(DLCRT_STATUS_INVALID_MODEL,
                       "the model failed with unknown check code " +
                           std::to_string(code));
    return invalidArgument("a run-time check of the model failed: " +
                           sig.checks[code - 1]);
  }

  // Validate every dynamic output before changing any output slot.
  auto modelError = [&](const std::string &message) {
    return makeError(DLCRT_STATUS_INVALID_MODEL,
                     "the model returned a bad output: " + message);
  };
  for (size_t i = 0; i < numOutputs; ++i) {
    const TensorSpec &spec = sig.outputs[i];
    if (!spec.isDynamic)
      continue;
    const int64_t *shape = dims.data() + outputDims[i];
    std::vector<int64_t> shapeVector(shape, shape + spec.dims.size());
    std::string what = label(false, spec);
    if (!matchesSpec(spec, shapeVector))
      return modelError(what + " has shape " +
                        formatShape(shape, spec.dims.size()) +
                        " but declares " + formatSpecShape(spec));
    size_t elements = 0, bytes = 0;
    if (dlcrt_status status = checkedSizes(what, spec.dtype, spec.dims.size(),
                                           shape, &elements, &bytes)) {
      std::string message = dlcrt_status_message(status);
      dlcrt_status_free(status);
      return modelError(message);
    }
    if (dlcrt_status status = symbols.bind(false, spec, shape, modelError))
      return status;
    if (!modelBuffers.buffers[i] && bytes)
      return modelError(what + " has " + std::to_string(bytes) +
                        " bytes but its data is NULL");
    if (outputs[i] && outputs[i]->dims != shapeVector)
      return invalidArgument(
          what + ": the given tensor has shape " +
          formatShape(outputs[i]->dims.data(), outputs[i]->dims.size()) +
          " but the model produced shape " +
          formatShape(shape, spec.dims.size()));
  }
  // Wrap the dynamic outputs the caller did not provide.
  for (size_t i = 0; i < numOutputs; ++i) {
    const TensorSpec &spec = sig.outputs[i];
    if (!spec.isDynamic || outputs[i])
      continue;
    if (dlcrt_status status =
            adoptModelBuffer(label(false, spec), module->device, spec.dtype,
                             spec.dims.size(), dims.data() + outputDims[i],
                             modelBuffers.buffers[i], &created.tensors[i]))
      return status;
    modelBuffers.buffers[i] = nullptr; // the tensor owns it now
  }
  for (size_t i = 0; i < numOutputs; ++i) {
    if (sig.outputs[i].isDynamic && outputs[i] && outputs[i]->byteSize)
      if (dlcrt_status status = outputs[i]->device->impl->copy(
              outputs[i]->data, modelBuffers.buffers[i], outputs[i]->byteSize,
              CopyDirection::HostToDevice))
        return status;
  }
  for (size_t i = 0; i < numOutputs; ++i) {
    if (created.tensors[i]) {
      outputs[i] = created.tensors[i];
      created.tensors[i] = nullptr;
    }
  }
  return nullptr;
}
} // namespace

extern "C" dlcrt_status
dlcrt_module_run(dlcrt_module module, const dlcrt_tensor *inputs,
                 size_t num_inputs, dlcrt_tensor *outputs, size_t num_outputs) {
  return guard(
      [&] { return run(module, inputs, num_inputs, outputs, num_outputs); });
}
