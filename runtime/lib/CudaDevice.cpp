//===- CudaDevice.cpp - NVIDIA GPUs through the CUDA driver API -----------===//
//
// libcuda is loaded with dlopen when a CUDA device is first asked for, so
// libdlcrt has no link-time dependency on it and runs on machines without a
// GPU (there are then no CUDA devices, and creating one says why). The few
// driver API declarations are written out here: the toolkit headers are not
// needed to build. Every driver error becomes a dlcrt_status with the call,
// the error's name and its description.
//
//===----------------------------------------------------------------------===//

#include "Device.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

using namespace dlc::rt;

namespace {

// The driver API's types, as cuda.h defines them.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
constexpr CUresult kCudaSuccess = 0;
constexpr CUresult kCudaErrorOutOfMemory = 2;

/// The driver entry points libdlcrt uses (the _v2 ABI of CUDA >= 4).
struct CudaDriver {
  std::string loadError; // Empty when loaded and initialised.
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*deviceGetCount)(int *) = nullptr;
  CUresult (*deviceGet)(CUdevice *, int) = nullptr;
  CUresult (*deviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
  CUresult (*primaryCtxRelease)(CUdevice) = nullptr;
  CUresult (*ctxPushCurrent)(CUcontext) = nullptr;
  CUresult (*ctxPopCurrent)(CUcontext *) = nullptr;
  CUresult (*memAlloc)(CUdeviceptr *, size_t) = nullptr;
  CUresult (*memFree)(CUdeviceptr) = nullptr;
  CUresult (*memsetD8)(CUdeviceptr, unsigned char, size_t) = nullptr;
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t) = nullptr;
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t) = nullptr;
  CUresult (*memcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t) = nullptr;
  CUresult (*getErrorName)(CUresult, const char **) = nullptr;
  CUresult (*getErrorString)(CUresult, const char **) = nullptr;

  /// "cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
  std::string describe(const char *call, CUresult result) const {
    const char *name = nullptr, *text = nullptr;
    if (getErrorName(result, &name) != kCudaSuccess || !name)
      name = "unknown CUDA error";
    if (getErrorString(result, &text) != kCudaSuccess || !text)
      text = "no description";
    return std::string(call) + ": " + name + " (" + text + ")";
  }

  dlcrt_status check(const char *call, CUresult result) const {
    if (result == kCudaSuccess)
      return nullptr;
    return makeError(result == kCudaErrorOutOfMemory
                         ? DLCRT_STATUS_RESOURCE_EXHAUSTED
                         : DLCRT_STATUS_INTERNAL,
                     describe(call, result));
  }
};

template <typename Fn>
bool resolve(void *library, const char *name, Fn &fn, std::string &error) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
  if (!fn && error.empty())
    error = std::string("the CUDA driver has no ") + name;
  return fn != nullptr;
}

/// The driver, loaded once: `DLCRT_CUDA_DRIVER` names the library to load
/// (default libcuda.so.1).
const CudaDriver &driver() {
  static CudaDriver loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    const char *env = std::getenv("DLCRT_CUDA_DRIVER");
    std::string path = env && *env ? env : "libcuda.so.1";
    void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char *why = dlerror();
      loaded.loadError = "no CUDA driver: cannot load " + path + " (" +
                         (why ? why : "unknown error") + ")";
      return;
    }
    std::string &error = loaded.loadError;
    resolve(library, "cuInit", loaded.init, error);
    resolve(library, "cuDeviceGetCount", loaded.deviceGetCount, error);
    resolve(library, "cuDeviceGet", loaded.deviceGet, error);
    resolve(library, "cuDeviceGetName", loaded.deviceGetName, error);
    resolve(library, "cuDevicePrimaryCtxRetain", loaded.primaryCtxRetain,
            error);
    resolve(library, "cuDevicePrimaryCtxRelease_v2", loaded.primaryCtxRelease,
            error);
    resolve(library, "cuCtxPushCurrent_v2", loaded.ctxPushCurrent, error);
    resolve(library, "cuCtxPopCurrent_v2", loaded.ctxPopCurrent, error);
    resolve(library, "cuMemAlloc_v2", loaded.memAlloc, error);
    resolve(library, "cuMemFree_v2", loaded.memFree, error);
    resolve(library, "cuMemsetD8_v2", loaded.memsetD8, error);
    resolve(library, "cuMemcpyHtoD_v2", loaded.memcpyHtoD, error);
    resolve(library, "cuMemcpyDtoH_v2", loaded.memcpyDtoH, error);
    resolve(library, "cuMemcpyDtoD_v2", loaded.memcpyDtoD, error);
    resolve(library, "cuGetErrorName", loaded.getErrorName, error);
    resolve(library, "cuGetErrorString", loaded.getErrorString, error);
    if (!error.empty())
      return;
    // The library stays loaded for the life of the process.
    if (CUresult result = loaded.init(0); result != kCudaSuccess)
      error = "the CUDA driver does not initialise: " +
              loaded.describe("cuInit", result);
  });
  return loaded;
}

/// Makes the device's primary context current for one scope.
class ContextScope {
public:
  ContextScope(const CudaDriver &cuda, CUcontext context) : cuda(cuda) {
    pushed = cuda.ctxPushCurrent(context);
  }
  ~ContextScope() {
    if (pushed == kCudaSuccess) {
      CUcontext popped;
      cuda.ctxPopCurrent(&popped);
    }
  }
  dlcrt_status status() const {
    return cuda.check("cuCtxPushCurrent_v2", pushed);
  }

private:
  const CudaDriver &cuda;
  CUresult pushed;
};

class CudaDevice final : public DeviceImpl {
public:
  CudaDevice(size_t ordinal, CUdevice device, CUcontext context)
      : deviceOrdinal(ordinal), device(device), context(context) {}
  ~CudaDevice() override { driver().primaryCtxRelease(device); }

  dlcrt_device_kind_t kind() const override { return DLCRT_DEVICE_CUDA; }
  size_t ordinal() const override { return deviceOrdinal; }
  bool isHostAccessible() const override { return false; }

  dlcrt_status allocate(size_t bytes, size_t alignment, void **out) override {
    // cuMemAlloc aligns to at least 256 bytes.
    if (alignment > 256)
      return invalidArgument("cuda:" + std::to_string(deviceOrdinal) +
                             " cannot align memory to " +
                             std::to_string(alignment) + " bytes");
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    if (dlcrt_status status = scope.status())
      return status;
    CUdeviceptr ptr = 0;
    if (dlcrt_status status =
            cuda.check("cuMemAlloc_v2", cuda.memAlloc(&ptr, bytes ? bytes : 1)))
      return status;
    if (dlcrt_status status =
            cuda.check("cuMemsetD8_v2", cuda.memsetD8(ptr, 0, bytes))) {
      cuda.memFree(ptr);
      return status;
    }
    *out = reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
    return nullptr;
  }

  void deallocate(void *ptr) override {
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    cuda.memFree(static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr)));
  }

  dlcrt_status copy(void *dst, const void *src, size_t bytes,
                    CopyDirection direction) override {
    if (bytes == 0)
      return nullptr;
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    if (dlcrt_status status = scope.status())
      return status;
    auto device = [](const void *ptr) {
      return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr));
    };
    switch (direction) {
    case CopyDirection::HostToDevice:
      return cuda.check("cuMemcpyHtoD_v2",
                        cuda.memcpyHtoD(device(dst), src, bytes));
    case CopyDirection::DeviceToHost:
      return cuda.check("cuMemcpyDtoH_v2",
                        cuda.memcpyDtoH(dst, device(src), bytes));
    case CopyDirection::DeviceToDevice:
      return cuda.check("cuMemcpyDtoD_v2",
                        cuda.memcpyDtoD(device(dst), device(src), bytes));
    }
    return makeError(DLCRT_STATUS_INTERNAL, "unknown copy direction");
  }

private:
  size_t deviceOrdinal;
  CUdevice device;
  CUcontext context;
};

size_t cudaDeviceCount() {
  const CudaDriver &cuda = driver();
  int count = 0;
  if (!cuda.loadError.empty() || cuda.deviceGetCount(&count) != kCudaSuccess ||
      count < 0)
    return 0;
  return static_cast<size_t>(count);
}

std::string cudaUnavailableReason() {
  const CudaDriver &cuda = driver();
  if (!cuda.loadError.empty())
    return cuda.loadError;
  int count = 0;
  if (CUresult result = cuda.deviceGetCount(&count); result != kCudaSuccess)
    return cuda.describe("cuDeviceGetCount", result);
  return "";
}

dlcrt_status createCudaDevice(size_t ordinal,
                              std::unique_ptr<DeviceImpl> &out) {
  const CudaDriver &cuda = driver();
  CUdevice device = 0;
  if (dlcrt_status status = cuda.check(
          "cuDeviceGet", cuda.deviceGet(&device, static_cast<int>(ordinal))))
    return status;
  CUcontext context = nullptr;
  if (dlcrt_status status = cuda.check("cuDevicePrimaryCtxRetain",
                                       cuda.primaryCtxRetain(&context, device)))
    return status;
  out = std::make_unique<CudaDevice>(ordinal, device, context);
  return nullptr;
}

} // namespace

const DeviceBackend &dlc::rt::cudaDeviceBackend() {
  static const DeviceBackend backend{DLCRT_DEVICE_CUDA, "cuda", cudaDeviceCount,
                                     createCudaDevice, cudaUnavailableReason};
  return backend;
}
