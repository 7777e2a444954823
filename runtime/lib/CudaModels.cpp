//===- CudaModels.cpp - The function table CUDA models call ---------------===//
//
// A model opened on a CUDA device keeps its compiled kernel modules, the
// device copies of its constants and TMA descriptors, and idle streams
// (CudaModelState). A run binds the calling thread to the model's state, the
// device's context and a stream; the table's functions act on that binding. They cannot report errors to the
// model: the first one is kept, later calls do nothing, and the run returns
// it. Launches and stream-ordered allocations are asynchronous; the run
// waits for the stream before it returns.
//
//===----------------------------------------------------------------------===//

#include "CudaModels.h"

#include "dlc/runtime/ModelABI.h"

#include <dlfcn.h>

#include <cstring>
#include <map>
#include <mutex>
#include <vector>

using namespace dlc::rt;

namespace {

/// Kernels compiled for the device and constants copied to it, shared by
/// all runs of one model.
class CudaModelState final : public ModelState {
public:
  CudaModelState(CUcontext context, std::string deviceName,
                 bool streamOrdered)
      : context(context), deviceName(std::move(deviceName)),
        streamOrdered(streamOrdered) {}
  ~CudaModelState() override {
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    for (CUstream stream : streams)
      cuda.streamDestroy(stream);
    for (auto &[image, module] : modules)
      cuda.moduleUnload(module);
    for (auto &[host, copy] : constants)
      cuda.memFree(copy);
    for (auto &[bytes, copy] : tensorMaps)
      cuda.memFree(copy);
  }

  /// A stream for one run. It is a blocking stream: it waits for the
  /// tensor copies and zeroing that the device queues on the legacy stream.
  dlcrt_status takeStream(CUstream &out) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!streams.empty()) {
        out = streams.back();
        streams.pop_back();
        return nullptr;
      }
    }
    const CudaDriver &cuda = driver();
    return cuda.check("cuStreamCreate", cuda.streamCreate(&out, 0));
  }
  void returnStream(CUstream stream) {
    std::lock_guard<std::mutex> lock(mutex);
    streams.push_back(stream);
  }

  /// The device copy of a TMA descriptor, shared by the runs that make the
  /// same one (same tensor, box and layout); null when too many are kept
  /// (the caller then makes a copy for its run).
  dlcrt_status tensorMap(const CUtensorMap &map, CUdeviceptr &out) {
    std::string bytes(reinterpret_cast<const char *>(&map), sizeof(map));
    std::lock_guard<std::mutex> lock(mutex);
    auto found = tensorMaps.find(bytes);
    if (found != tensorMaps.end()) {
      out = found->second;
      return nullptr;
    }
    out = 0;
    if (tensorMaps.size() >= kMaxTensorMaps)
      return nullptr;
    const CudaDriver &cuda = driver();
    if (dlcrt_status status =
            cuda.check("cuMemAlloc_v2", cuda.memAlloc(&out, sizeof(map))))
      return status;
    if (dlcrt_status status = cuda.check(
            "cuMemcpyHtoD_v2", cuda.memcpyHtoD(out, &map, sizeof(map)))) {
      cuda.memFree(out);
      return status;
    }
    tensorMaps[bytes] = out;
    return nullptr;
  }

  /// Kernel `name` of the module `ptx`, loaded on first use: its cubin if
  /// the device takes it, else its PTX compiled by the driver.
  dlcrt_status function(const char *ptx, int64_t bytes, const char *cubin,
                        int64_t cubinBytes, const char *name,
                        CUfunction &out) {
    const CudaDriver &cuda = driver();
    std::lock_guard<std::mutex> lock(mutex);
    auto found = functions.find({ptx, name});
    if (found != functions.end()) {
      out = found->second;
      return nullptr;
    }
    CUmodule &module = modules[ptx];
    if (!module && cubin && cubinBytes > 0 &&
        cuda.moduleLoadData(&module, cubin) != kCudaSuccess)
      module = nullptr;
    if (!module) {
      // The JIT wants NUL-terminated PTX; the model embeds it without.
      std::string text(ptx, static_cast<size_t>(bytes));
      if (dlcrt_status status = cuda.check(
              "cuModuleLoadData", cuda.moduleLoadData(&module, text.c_str()))) {
        modules.erase(ptx);
        return status;
      }
    }
    if (dlcrt_status status = cuda.check(
            "cuModuleGetFunction",
            cuda.moduleGetFunction(&out, module, name)))
      return status;
    functions[{ptx, name}] = out;
    return nullptr;
  }

  /// Raises the kernel's dynamic shared memory limit (48 KiB by default)
  /// once.
  dlcrt_status allowSharedMemory(CUfunction function, int32_t bytes) {
    std::lock_guard<std::mutex> lock(mutex);
    int &allowed = sharedLimits[function];
    if (bytes <= std::max(allowed, 48 << 10))
      return nullptr;
    const CudaDriver &cuda = driver();
    if (dlcrt_status status = cuda.check(
            "cuFuncSetAttribute",
            cuda.funcSetAttribute(function,
                                  kCudaFuncAttributeMaxDynamicSharedSize,
                                  bytes)))
      return status;
    allowed = bytes;
    return nullptr;
  }

  /// The device copy of the constant at `host`.
  dlcrt_status constant(const void *host, int64_t bytes, CUdeviceptr &out) {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = constants.find(host);
    if (found != constants.end()) {
      out = found->second;
      return nullptr;
    }
    const CudaDriver &cuda = driver();
    size_t size = static_cast<size_t>(std::max<int64_t>(bytes, 1));
    if (dlcrt_status status =
            cuda.check("cuMemAlloc_v2", cuda.memAlloc(&out, size)))
      return status;
    if (dlcrt_status status = cuda.check(
            "cuMemcpyHtoD_v2",
            cuda.memcpyHtoD(out, host, static_cast<size_t>(bytes)))) {
      cuda.memFree(out);
      return status;
    }
    constants[host] = out;
    return nullptr;
  }

  const CUcontext context;
  const std::string deviceName;
  /// Whether the device has memory pools (cuMemAllocAsync works).
  const bool streamOrdered;

private:
  static constexpr size_t kMaxTensorMaps = 4096;
  std::mutex mutex;
  std::vector<CUstream> streams;
  std::map<std::string, CUdeviceptr> tensorMaps;
  std::map<const void *, CUmodule> modules;
  std::map<std::pair<const void *, std::string>, CUfunction> functions;
  std::map<CUfunction, int> sharedLimits;
  std::map<const void *, CUdeviceptr> constants;
};

/// What the table's functions act on during a run.
struct RunBinding {
  CudaModelState *state = nullptr;
  CUstream stream = nullptr;
  dlcrt_status error = nullptr; // The first one.
  std::vector<CUdeviceptr> scratch; // Freed when the run ends.

  /// Keeps the first error; true if there is one (`status` included).
  bool failed(dlcrt_status status) {
    if (!status)
      return error != nullptr;
    if (error)
      dlcrt_status_free(status);
    else
      error = status;
    return true;
  }
};

thread_local RunBinding *binding = nullptr;

/// The binding, or null when there is none or it already failed.
RunBinding *active() { return binding && !binding->error ? binding : nullptr; }

void *tableAlloc(int64_t bytes) {
  RunBinding *run = active();
  if (!run)
    return nullptr;
  if (bytes < 0) {
    run->failed(makeError(DLCRT_STATUS_INVALID_MODEL,
                          "the model allocated " + std::to_string(bytes) +
                              " bytes"));
    return nullptr;
  }
  const CudaDriver &cuda = driver();
  size_t size = static_cast<size_t>(std::max<int64_t>(bytes, 1));
  CUdeviceptr ptr = 0;
  dlcrt_status status =
      run->state->streamOrdered
          ? cuda.check("cuMemAllocAsync",
                       cuda.memAllocAsync(&ptr, size, run->stream))
          : cuda.check("cuMemAlloc_v2", cuda.memAlloc(&ptr, size));
  return run->failed(status) ? nullptr : hostView(ptr);
}

void tableFree(void *ptr) {
  // Frees even after an error, so that a failed run leaks nothing.
  if (!binding || !ptr)
    return;
  const CudaDriver &cuda = driver();
  if (binding->state->streamOrdered) {
    binding->failed(cuda.check(
        "cuMemFreeAsync", cuda.memFreeAsync(devicePointer(ptr),
                                            binding->stream)));
    return;
  }
  // Kernels still queued may use the buffer.
  binding->failed(cuda.check("cuStreamSynchronize",
                             cuda.streamSynchronize(binding->stream)));
  binding->failed(
      cuda.check("cuMemFree_v2", cuda.memFree(devicePointer(ptr))));
}

void *tableConstant(const void *host, int64_t bytes) {
  RunBinding *run = active();
  if (!run)
    return nullptr;
  CUdeviceptr copy = 0;
  if (run->failed(run->state->constant(host, bytes, copy)))
    return nullptr;
  return hostView(copy);
}

void tableLaunch(const char *ptx, int64_t ptxBytes, const char *cubin,
                 int64_t cubinBytes, const char *name,
                 int64_t gridX, int64_t gridY, int64_t gridZ, int64_t blockX,
                 int64_t blockY, int64_t blockZ, int32_t sharedBytes,
                 void **args) {
  RunBinding *run = active();
  if (!run)
    return;
  for (int64_t dim : {gridX, gridY, gridZ, blockX, blockY, blockZ})
    if (dim < 0 || dim > INT32_MAX) {
      run->failed(makeError(DLCRT_STATUS_INVALID_MODEL,
                            std::string("kernel ") + name +
                                " has a launch dimension of " +
                                std::to_string(dim)));
      return;
    }
  // An empty grid (a dimension of 0) has nothing to do.
  if (!gridX || !gridY || !gridZ)
    return;
  CUfunction function = nullptr;
  if (run->failed(run->state->function(ptx, ptxBytes, cubin, cubinBytes, name,
                                       function)) ||
      run->failed(run->state->allowSharedMemory(function, sharedBytes)))
    return;
  const CudaDriver &cuda = driver();
  run->failed(cuda.check(
      "cuLaunchKernel",
      cuda.launchKernel(function, unsigned(gridX), unsigned(gridY),
                        unsigned(gridZ), unsigned(blockX), unsigned(blockY),
                        unsigned(blockZ), unsigned(sharedBytes), run->stream,
                        args, nullptr)));
}

/// Bytes per element of cuTensorMapEncodeTiled's CUtensorMapDataType.
int64_t tensorMapElementBytes(int64_t dataType) {
  static const int64_t bytes[] = {1, 2, 4, 4, 8, 8, 2, 4, 8, 2, 4, 4, 4};
  if (dataType < 0 || dataType >= int64_t(sizeof(bytes) / sizeof(bytes[0])))
    return 0;
  return bytes[dataType];
}

void *tableTensorMap(int64_t rank, const void *memref, int64_t dataType,
                     int64_t interleave, int64_t swizzle, int64_t l2Promotion,
                     int64_t oobFill, const int64_t *box) {
  RunBinding *run = active();
  if (!run)
    return nullptr;
  const CudaDriver &cuda = driver();
  int64_t elementBytes = tensorMapElementBytes(dataType);
  if (!cuda.tensorMapEncodeTiled) {
    run->failed(makeError(DLCRT_STATUS_UNAVAILABLE,
                          "the model uses TMA, which needs a CUDA 12 driver "
                          "(no cuTensorMapEncodeTiled)"));
    return nullptr;
  }
  if (rank < 1 || rank > 5 || !elementBytes) {
    run->failed(makeError(DLCRT_STATUS_INVALID_MODEL,
                          "bad TMA descriptor request (rank " +
                              std::to_string(rank) + ", data type " +
                              std::to_string(dataType) + ")"));
    return nullptr;
  }
  // MLIR's strided memref descriptor: allocated and aligned pointers,
  // offset, then `rank` sizes and `rank` strides (in elements).
  struct Header {
    char *allocated, *aligned;
    int64_t offset;
  };
  Header header;
  std::memcpy(&header, memref, sizeof(header));
  std::vector<int64_t> sizes(rank), strides(rank);
  const char *tail = static_cast<const char *>(memref) + sizeof(Header);
  std::memcpy(sizes.data(), tail, rank * sizeof(int64_t));
  std::memcpy(strides.data(), tail + rank * sizeof(int64_t),
              rank * sizeof(int64_t));
  // TMA lists dims innermost first; strides skip the innermost dim and are
  // in bytes.
  uint64_t dims[5], byteStrides[5];
  unsigned boxDims[5], elementStrides[5];
  for (int64_t i = 0; i < rank; ++i) {
    dims[i] = uint64_t(sizes[rank - 1 - i]);
    byteStrides[i] = uint64_t(strides[rank - 1 - i] * elementBytes);
    boxDims[i] = unsigned(box[rank - 1 - i]);
    elementStrides[i] = 1;
  }
  CUtensorMap map;
  void *address = header.aligned + header.offset * elementBytes;
  if (run->failed(cuda.check(
          "cuTensorMapEncodeTiled",
          cuda.tensorMapEncodeTiled(
              &map, int(dataType), unsigned(rank), address, dims,
              byteStrides + 1, boxDims, elementStrides, int(interleave),
              int(swizzle), int(l2Promotion), int(oobFill)))))
    return nullptr;
  // Kernels read the descriptor from global memory: a copy shared with
  // other runs, or one for this run.
  CUdeviceptr copy = 0;
  if (run->failed(run->state->tensorMap(map, copy)))
    return nullptr;
  if (copy)
    return hostView(copy);
  if (run->failed(
          cuda.check("cuMemAlloc_v2", cuda.memAlloc(&copy, sizeof(map)))))
    return nullptr;
  run->scratch.push_back(copy);
  if (run->failed(cuda.check("cuMemcpyHtoD_v2",
                             cuda.memcpyHtoD(copy, &map, sizeof(map)))))
    return nullptr;
  return hostView(copy);
}

const dlc_model_cuda_api_t kTable = {
    DLC_MODEL_CUDA_API_VERSION, tableAlloc,  tableFree, tableConstant,
    tableLaunch,                tableTensorMap};

/// sm_<major><minor>[a]: the compute capability a model needs.
bool parseArch(const std::string &arch, int &major, int &minor,
               bool &specific) {
  std::string digits = arch.substr(3);
  specific = !digits.empty() && digits.back() == 'a';
  if (specific)
    digits.pop_back();
  if (digits.size() < 2)
    return false;
  major = std::stoi(digits.substr(0, digits.size() - 1));
  minor = digits.back() - '0';
  return true;
}

} // namespace

dlcrt_status dlc::rt::openCudaModel(void *library, const std::string &arch,
                                    CUdevice device, CUcontext context,
                                    const std::string &name,
                                    std::unique_ptr<ModelState> &out) {
  const CudaDriver &cuda = driver();
  if (!cuda.modelError.empty())
    return makeError(DLCRT_STATUS_UNAVAILABLE,
                     "CUDA models cannot run: " + cuda.modelError);
  int major = 0, minor = 0, deviceMajor = 0, deviceMinor = 0;
  bool specific = false;
  if (!parseArch(arch, major, minor, specific))
    return makeError(DLCRT_STATUS_INVALID_MODEL,
                     "bad CUDA architecture '" + arch + "'");
  for (auto [value, attribute] :
       {std::pair{&deviceMajor, kCudaAttributeComputeCapabilityMajor},
        std::pair{&deviceMinor, kCudaAttributeComputeCapabilityMinor}})
    if (dlcrt_status status = cuda.check(
            "cuDeviceGetAttribute",
            cuda.deviceGetAttribute(value, attribute, device)))
      return status;
  // PTX runs on its architecture and later ones; an 'a' (architecture-
  // specific) target only on its own.
  bool fits = specific ? deviceMajor == major && deviceMinor == minor
                       : deviceMajor * 10 + deviceMinor >= major * 10 + minor;
  if (!fits)
    return makeError(DLCRT_STATUS_INCOMPATIBLE,
                     "the model was compiled for " + arch + " but " + name +
                         " is sm_" + std::to_string(deviceMajor) +
                         std::to_string(deviceMinor));
  auto set = reinterpret_cast<dlc_model_set_cuda_api_fn>(
      dlsym(library, DLC_MODEL_SYM_SET_CUDA_API));
  if (!set)
    return makeError(DLCRT_STATUS_INVALID_MODEL,
                     "a CUDA model must export '" DLC_MODEL_SYM_SET_CUDA_API
                     "'");
  // Stream-ordered allocation needs memory pools, which not every device
  // (or virtualized setup) has.
  int pools = 0;
  if (cuda.memAllocAsync &&
      cuda.deviceGetAttribute(&pools, kCudaAttributeMemoryPoolsSupported,
                              device) != kCudaSuccess)
    pools = 0;
  set(&kTable);
  out = std::make_unique<CudaModelState>(context, name,
                                         cuda.memAllocAsync && pools);
  return nullptr;
}

dlcrt_status dlc::rt::runCudaModel(ModelState *state, CUcontext context,
                                   const std::function<int32_t()> &run,
                                   int32_t &code) {
  const CudaDriver &cuda = driver();
  ContextScope scope(cuda, context);
  if (dlcrt_status status = scope.status())
    return status;
  RunBinding run_;
  run_.state = static_cast<CudaModelState *>(state);
  if (dlcrt_status status = run_.state->takeStream(run_.stream))
    return status;
  RunBinding *outer = binding;
  binding = &run_;
  code = run();
  binding = outer;
  // Errors of queued work surface here.
  run_.failed(cuda.check("cuStreamSynchronize",
                         cuda.streamSynchronize(run_.stream)));
  for (CUdeviceptr scratch : run_.scratch)
    cuda.memFree(scratch);
  run_.state->returnStream(run_.stream);
  if (run_.error) {
    std::string message = "running the model on " +
                          run_.state->deviceName + ": " +
                          dlcrt_status_message(run_.error);
    dlcrt_status_code_t errorCode = dlcrt_status_code(run_.error);
    dlcrt_status_free(run_.error);
    return makeError(errorCode, message);
  }
  return nullptr;
}
