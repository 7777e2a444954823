//===- Run.cpp - Validating arguments and running a model -----------------===//
//
// The model trusts its buffers (ModelABI.h), so every argument is checked
// here before the call: counts, devices, dtypes, shapes, byte sizes, and that
// outputs overlap nothing.
//
//===----------------------------------------------------------------------===//

#include "Module.h"
#include "Tensor.h"

#include <algorithm>

using namespace dlc::rt;

namespace {
std::string label(bool input, const TensorSpec &spec) {
  return std::string(input ? "input" : "output") + " '" + spec.name + "'";
}

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
  if (tensor->dims != spec.dims)
    return invalidArgument(
        what + ": expected shape " +
        formatShape(spec.dims.data(), spec.dims.size()) + " but got " +
        formatShape(tensor->dims.data(), tensor->dims.size()));
  if (tensor->byteSize != spec.byteSize)
    return invalidArgument(what + ": expected " +
                           std::to_string(spec.byteSize) + " bytes but got " +
                           std::to_string(tensor->byteSize));
  if (!tensor->data && spec.byteSize)
    return invalidArgument(what + ": data is NULL");
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
  for (size_t i = 0; i < numInputs; ++i) {
    if (dlcrt_status status =
            checkTensor(*module, true, sig.inputs[i], inputs[i]))
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

  // Fresh outputs go to the caller only once the run has succeeded.
  CreatedOutputs created(numOutputs);
  std::vector<void *> buffers;
  buffers.reserve(numInputs + numOutputs);
  for (size_t i = 0; i < numInputs; ++i)
    buffers.push_back(inputs[i]->data);
  for (size_t i = 0; i < numOutputs; ++i) {
    if (!outputs[i]) {
      const TensorSpec &spec = sig.outputs[i];
      if (dlcrt_status status = createTensor(
              label(false, spec), module->device, spec.dtype, spec.dims.size(),
              spec.dims.data(), &created.tensors[i]))
        return status;
    }
    buffers.push_back(outputs[i] ? outputs[i]->data : created.tensors[i]->data);
  }
  if (int32_t code = module->run(buffers.data())) {
    if (code < 0 || static_cast<size_t>(code) > sig.checks.size())
      return makeError(DLCRT_STATUS_INVALID_MODEL,
                       "the model failed with unknown check code " +
                           std::to_string(code));
    return invalidArgument("a run-time check of the model failed: " +
                           sig.checks[code - 1]);
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
