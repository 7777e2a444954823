//===- Module.cpp - Loading compiled models -------------------------------===//
//
// A model is a shared library following ModelABI.h. Loading it runs its code,
// so the runtime can only trust what dlopen itself guarantees; everything the
// model says about itself (version, metadata) is checked.
//
//===----------------------------------------------------------------------===//

#include "Module.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace dlc::rt;

dlcrt_module_s::~dlcrt_module_s() {
  state.reset();
  if (library)
    dlclose(library);
  dlcrt_device_release(device);
}

namespace {
using ModulePtr = std::unique_ptr<dlcrt_module_s, void (*)(dlcrt_module)>;

dlcrt_status modelError(dlcrt_status_code_t code, const std::string &path,
                        const std::string &message) {
  return makeError(code, "model '" + path + "': " + message);
}

/// Looks up `name` in the model; INVALID_MODEL if it is missing.
dlcrt_status findSymbol(dlcrt_module_s &module, const char *name, void **out) {
  dlerror();
  *out = dlsym(module.library, name);
  if (!*out)
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path,
                      std::string("not a dlc model: it does not export '") +
                          name + "'");
  return nullptr;
}

/// Models allocate their intermediate buffers on every run. glibc serves
/// blocks above its mmap threshold (128 KiB, adapting) with fresh mappings
/// and trims freed heap memory, so each run pays page faults that zero the
/// same megabytes again (15% of BERT-base here). Like onnxruntime's arena,
/// keep buffers up to 32 MiB (glibc's maximum) in the heap and freed memory
/// in the process. DLCRT_SYSTEM_MALLOC=1 leaves malloc alone.
void keepBuffersInHeap() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    const char *opt = std::getenv("DLCRT_SYSTEM_MALLOC");
    if (opt && *opt && std::strcmp(opt, "0") != 0)
      return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
#endif
}

dlcrt_status loadLibrary(dlcrt_module_s &module) {
  keepBuffersInHeap();
  struct stat info;
  if (stat(module.path.c_str(), &info) != 0) {
    int error = errno;
    return modelError(error == ENOENT ? DLCRT_STATUS_NOT_FOUND
                                      : DLCRT_STATUS_INVALID_MODEL,
                      module.path, std::strerror(error));
  }
  if (!S_ISREG(info.st_mode))
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path,
                      "not a regular file");
  // A path without '/' would make dlopen search the library path instead.
  std::string loadPath = module.path;
  if (loadPath.find('/') == std::string::npos)
    loadPath = "./" + loadPath;
  dlerror();
  module.library = dlopen(loadPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!module.library) {
    const char *reason = dlerror();
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path,
                      std::string("cannot load it: ") +
                          (reason ? reason : "unknown dlopen error"));
  }
  return nullptr;
}

dlcrt_status loadModel(dlcrt_module_s &module) {
  if (dlcrt_status status = loadLibrary(module))
    return status;
  void *versionSym, *metadataSym, *runSym;
  if (dlcrt_status status =
          findSymbol(module, DLC_MODEL_SYM_ABI_VERSION, &versionSym))
    return status;
  if (dlcrt_status status =
          findSymbol(module, DLC_MODEL_SYM_METADATA, &metadataSym))
    return status;
  if (dlcrt_status status = findSymbol(module, DLC_MODEL_SYM_RUN, &runSym))
    return status;
  int32_t version = reinterpret_cast<dlc_model_abi_version_fn>(versionSym)();
  if (version != DLC_MODEL_ABI_VERSION)
    return modelError(DLCRT_STATUS_INCOMPATIBLE, module.path,
                      "built for model ABI version " + std::to_string(version) +
                          " but this runtime supports version " +
                          std::to_string(DLC_MODEL_ABI_VERSION));
  const char *text = reinterpret_cast<dlc_model_metadata_fn>(metadataSym)();
  if (!text)
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path,
                      "metadata is NULL");
  size_t length = strnlen(text, kMaxMetadataBytes + 1);
  if (length > kMaxMetadataBytes)
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path,
                      "metadata is longer than " +
                          std::to_string(kMaxMetadataBytes) + " bytes");
  if (dlcrt_status status =
          parseMetadata(text, length, version, module.signature)) {
    std::string message = dlcrt_status_message(status);
    dlcrt_status_free(status);
    return modelError(DLCRT_STATUS_INVALID_MODEL, module.path, message);
  }
  module.run = reinterpret_cast<dlc_model_run_fn>(runSym);
  return nullptr;
}

/// Checks that the model runs on its device and lets the device prepare it.
dlcrt_status prepareForDevice(dlcrt_module_s &module) {
  const ModelSignature &sig = module.signature;
  DeviceImpl &device = *module.device->impl;
  if (sig.device != device.kind()) {
    std::string built = sig.device == DLCRT_DEVICE_CPU
                            ? std::string("the CPU")
                            : deviceKindName(sig.device) + " (" +
                                  sig.deviceArch + ")";
    return modelError(DLCRT_STATUS_INCOMPATIBLE, module.path,
                      "compiled for " + built + ", it cannot run on " +
                          module.device->describe());
  }
  if (sig.device != DLCRT_DEVICE_CPU) {
    // The model's own allocations and status word are device memory that
    // the runtime would have to read back; not supported yet.
    for (const TensorSpec &spec : sig.outputs)
      if (spec.isDynamic)
        return modelError(DLCRT_STATUS_UNAVAILABLE, module.path,
                          "output '" + spec.name +
                              "' has a dynamic shape, which " +
                              module.device->describe() +
                              " does not support yet");
    if (!sig.checks.empty())
      return modelError(DLCRT_STATUS_UNAVAILABLE, module.path,
                        "the model has run-time checks, which " +
                            module.device->describe() +
                            " does not support yet");
  }
  return device.openModel(module.library, sig.deviceArch, module.state);
}

dlcrt_status describe(dlcrt_module module, size_t index, bool input,
                      dlcrt_tensor_info_t *out_info) {
  const char *fn =
      input ? "dlcrt_module_input_info" : "dlcrt_module_output_info";
  if (!module || !out_info)
    return invalidArgument(std::string(fn) +
                           ": module and out_info must not be NULL");
  const auto &specs =
      input ? module->signature.inputs : module->signature.outputs;
  if (index >= specs.size())
    return makeError(DLCRT_STATUS_OUT_OF_RANGE,
                     std::string(input ? "input" : "output") + " index " +
                         std::to_string(index) +
                         " is out of range (model has " +
                         std::to_string(specs.size()) + " " +
                         (input ? "inputs" : "outputs") + ")");
  const TensorSpec &spec = specs[index];
  out_info->name = spec.name.c_str();
  out_info->dtype = spec.dtype;
  out_info->rank = spec.dims.size();
  out_info->dims = spec.dims.data();
  out_info->byte_size = spec.byteSize;
  out_info->dim_names = spec.dimNamePtrs.data();
  return nullptr;
}

dlcrt_status find(dlcrt_module module, const char *name, bool input,
                  size_t *out_index) {
  const char *fn =
      input ? "dlcrt_module_find_input" : "dlcrt_module_find_output";
  if (!module || !name || !out_index)
    return invalidArgument(std::string(fn) +
                           ": module, name and out_index must not be NULL");
  const auto &specs =
      input ? module->signature.inputs : module->signature.outputs;
  std::string known;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) {
      *out_index = i;
      return nullptr;
    }
    known += (i ? ", '" : "'") + specs[i].name + "'";
  }
  return makeError(DLCRT_STATUS_NOT_FOUND,
                   std::string("model has no ") + (input ? "input" : "output") +
                       " named '" + name + "' (it has " +
                       (known.empty() ? "none" : known) + ")");
}
} // namespace

extern "C" {

dlcrt_status dlcrt_module_open(dlcrt_device device, const char *path,
                               dlcrt_module *out_module) {
  return guard([&]() -> dlcrt_status {
    if (!device || !path || !out_module)
      return invalidArgument(
          "dlcrt_module_open: device, path and out_module must not be NULL");
    ModulePtr module(new dlcrt_module_s, dlcrt_module_release);
    dlcrt_device_retain(device);
    module->device = device;
    module->path = path;
    if (dlcrt_status status = loadModel(*module))
      return status;
    if (dlcrt_status status = prepareForDevice(*module))
      return status;
    *out_module = module.release();
    return nullptr;
  });
}

void dlcrt_module_retain(dlcrt_module module) {
  if (module)
    module->retain();
}

void dlcrt_module_release(dlcrt_module module) {
  if (module)
    module->release();
}

dlcrt_device dlcrt_module_device(dlcrt_module module) {
  return module ? module->device : nullptr;
}

size_t dlcrt_module_num_inputs(dlcrt_module module) {
  return module ? module->signature.inputs.size() : 0;
}

size_t dlcrt_module_num_outputs(dlcrt_module module) {
  return module ? module->signature.outputs.size() : 0;
}

dlcrt_status dlcrt_module_input_info(dlcrt_module module, size_t index,
                                     dlcrt_tensor_info_t *out_info) {
  return guard([&] { return describe(module, index, true, out_info); });
}

dlcrt_status dlcrt_module_output_info(dlcrt_module module, size_t index,
                                      dlcrt_tensor_info_t *out_info) {
  return guard([&] { return describe(module, index, false, out_info); });
}

dlcrt_status dlcrt_module_find_input(dlcrt_module module, const char *name,
                                     size_t *out_index) {
  return guard([&] { return find(module, name, true, out_index); });
}

dlcrt_status dlcrt_module_find_output(dlcrt_module module, const char *name,
                                      size_t *out_index) {
  return guard([&] { return find(module, name, false, out_index); });
}

} // extern "C"
