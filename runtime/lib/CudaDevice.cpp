//===- CudaDevice.cpp - NVIDIA GPUs through the CUDA driver API -----------===//
//
// Without a driver (CudaDriver.h) there are no CUDA devices, and creating one
// says why.
//
//===----------------------------------------------------------------------===//

#include "CudaModels.h"
#include "Device.h"

using namespace dlc::rt;

namespace {

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
    *out = hostView(ptr);
    return nullptr;
  }

  void deallocate(void *ptr) override {
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    cuda.memFree(devicePointer(ptr));
  }

  dlcrt_status copy(void *dst, const void *src, size_t bytes,
                    CopyDirection direction) override {
    if (bytes == 0)
      return nullptr;
    const CudaDriver &cuda = driver();
    ContextScope scope(cuda, context);
    if (dlcrt_status status = scope.status())
      return status;
    auto device = devicePointer;
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

  dlcrt_status openModel(void *library, const std::string &arch,
                         std::unique_ptr<ModelState> &out) override {
    return openCudaModel(library, arch, device, context,
                         "cuda:" + std::to_string(deviceOrdinal), out);
  }

  dlcrt_status runModel(ModelState *state,
                        const std::function<int32_t()> &run,
                        int32_t &code) override {
    return runCudaModel(state, context, run, code);
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
