//===- CudaDriver.h - The CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// libcuda is loaded with dlopen when a CUDA device is first asked for, so
// libdlcrt has no link-time dependency on it and runs on machines without a
// GPU. The few driver API declarations are written out here: the toolkit
// headers are not needed to build. Every driver error becomes a dlcrt_status
// with the call, the error's name and its description.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_CUDADRIVER_H
#define DLC_RUNTIME_LIB_CUDADRIVER_H

#include "Status.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlc::rt {

// The driver API's types, as cuda.h defines them.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
constexpr CUresult kCudaSuccess = 0;
constexpr CUresult kCudaErrorOutOfMemory = 2;
constexpr int kCudaAttributeComputeCapabilityMajor = 75;
constexpr int kCudaAttributeComputeCapabilityMinor = 76;
constexpr int kCudaAttributeMemoryPoolsSupported = 115;
constexpr int kCudaFuncAttributeMaxDynamicSharedSize = 8;
/// A CUtensorMap: 128 opaque bytes, 64-byte aligned.
struct alignas(64) CUtensorMap {
  uint64_t opaque[16];
};

/// The driver entry points libdlcrt uses (the _v2 ABI of CUDA >= 4). Those
/// below `Running models` are looked up but optional: without them, devices
/// and tensors work and models do not run.
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

  // Running models.
  std::string modelError; // Why models cannot run, if they cannot.
  CUresult (*deviceGetAttribute)(int *, int, CUdevice) = nullptr;
  CUresult (*moduleLoadData)(CUmodule *, const void *) = nullptr;
  CUresult (*moduleUnload)(CUmodule) = nullptr;
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *) =
      nullptr;
  CUresult (*funcSetAttribute)(CUfunction, int, int) = nullptr;
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **) = nullptr;
  CUresult (*streamCreate)(CUstream *, unsigned) = nullptr;
  CUresult (*streamSynchronize)(CUstream) = nullptr;
  CUresult (*streamDestroy)(CUstream) = nullptr;
  // Optional even for models: TMA (CUDA 12) and stream-ordered allocation.
  CUresult (*tensorMapEncodeTiled)(CUtensorMap *, int, unsigned, void *,
                                   const uint64_t *, const uint64_t *,
                                   const unsigned *, const unsigned *, int,
                                   int, int, int) = nullptr;
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream) = nullptr;
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream) = nullptr;

  /// "cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
  std::string describe(const char *call, CUresult result) const;
  /// nullptr for success, else an error status that describes `result`.
  dlcrt_status check(const char *call, CUresult result) const;
};

/// The driver, loaded once: `DLCRT_CUDA_DRIVER` names the library to load
/// (default libcuda.so.1).
const CudaDriver &driver();

/// Makes a context current for one scope.
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

inline CUdeviceptr devicePointer(const void *ptr) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr));
}
inline void *hostView(CUdeviceptr ptr) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
}

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_CUDADRIVER_H
