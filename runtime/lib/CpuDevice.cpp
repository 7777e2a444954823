//===- CpuDevice.cpp - The host CPU as a device ---------------------------===//
//
// The CPU device is the host: memory is ordinary aligned heap memory and
// copies are memcpy.
//
//===----------------------------------------------------------------------===//

#include "Device.h"

#include <cstdlib>
#include <cstring>

using namespace dlc::rt;

namespace {
class CpuDevice final : public DeviceImpl {
public:
  dlcrt_device_kind_t kind() const override { return DLCRT_DEVICE_CPU; }
  size_t ordinal() const override { return 0; }
  bool isHostAccessible() const override { return true; }

  dlcrt_status allocate(size_t bytes, size_t alignment, void **out) override {
    if (alignment < sizeof(void *))
      alignment = sizeof(void *);
    // Round up so that vector code may read whole lines at the end.
    size_t rounded = bytes + (alignment - 1);
    if (rounded < bytes)
      return outOfMemory();
    rounded &= ~(alignment - 1);
    if (rounded == 0)
      rounded = alignment;
    void *ptr = nullptr;
    if (posix_memalign(&ptr, alignment, rounded) != 0)
      return makeError(DLCRT_STATUS_RESOURCE_EXHAUSTED,
                       "cannot allocate " + std::to_string(bytes) +
                           " bytes on cpu:0");
    std::memset(ptr, 0, rounded);
    *out = ptr;
    return nullptr;
  }

  void deallocate(void *ptr) override { std::free(ptr); }

  dlcrt_status copy(void *dst, const void *src, size_t bytes,
                    CopyDirection) override {
    if (bytes)
      std::memmove(dst, src, bytes);
    return nullptr;
  }
};

size_t cpuCount() { return 1; }

dlcrt_status cpuCreate(size_t, std::unique_ptr<DeviceImpl> &out) {
  out = std::make_unique<CpuDevice>();
  return nullptr;
}
} // namespace

const DeviceBackend &dlc::rt::cpuDeviceBackend() {
  static const DeviceBackend backend{DLCRT_DEVICE_CPU, "cpu", cpuCount,
                                     cpuCreate, nullptr};
  return backend;
}
