//===- CudaDriver.cpp - Loading libcuda -----------------------------------===//

#include "CudaDriver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

using namespace dlc::rt;

std::string CudaDriver::describe(const char *call, CUresult result) const {
  const char *name = nullptr, *text = nullptr;
  if (getErrorName(result, &name) != kCudaSuccess || !name)
    name = "unknown CUDA error";
  if (getErrorString(result, &text) != kCudaSuccess || !text)
    text = "no description";
  return std::string(call) + ": " + name + " (" + text + ")";
}

dlcrt_status CudaDriver::check(const char *call, CUresult result) const {
  if (result == kCudaSuccess)
    return nullptr;
  return makeError(result == kCudaErrorOutOfMemory
                       ? DLCRT_STATUS_RESOURCE_EXHAUSTED
                       : DLCRT_STATUS_INTERNAL,
                   describe(call, result));
}

namespace {

/// Looks `name` up; the first missing name of a group goes to `error`.
template <typename Fn>
void resolve(void *library, const char *name, Fn &fn, std::string &error) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
  if (!fn && error.empty())
    error = std::string("the CUDA driver has no ") + name;
}

} // namespace

const CudaDriver &dlc::rt::driver() {
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

    std::string &models = loaded.modelError;
    resolve(library, "cuDeviceGetAttribute", loaded.deviceGetAttribute,
            models);
    resolve(library, "cuModuleLoadData", loaded.moduleLoadData, models);
    resolve(library, "cuModuleUnload", loaded.moduleUnload, models);
    resolve(library, "cuModuleGetFunction", loaded.moduleGetFunction, models);
    resolve(library, "cuFuncSetAttribute", loaded.funcSetAttribute, models);
    resolve(library, "cuLaunchKernel", loaded.launchKernel, models);
    resolve(library, "cuStreamCreate", loaded.streamCreate, models);
    resolve(library, "cuStreamSynchronize", loaded.streamSynchronize, models);
    resolve(library, "cuStreamDestroy_v2", loaded.streamDestroy, models);
    std::string optional;
    resolve(library, "cuTensorMapEncodeTiled", loaded.tensorMapEncodeTiled,
            optional);
    resolve(library, "cuMemAllocAsync", loaded.memAllocAsync, optional);
    resolve(library, "cuMemFreeAsync", loaded.memFreeAsync, optional);
    if (!loaded.memAllocAsync || !loaded.memFreeAsync)
      loaded.memAllocAsync = nullptr, loaded.memFreeAsync = nullptr;

    // The library stays loaded for the life of the process.
    if (CUresult result = loaded.init(0); result != kCudaSuccess)
      error = "the CUDA driver does not initialise: " +
              loaded.describe("cuInit", result);
  });
  return loaded;
}
