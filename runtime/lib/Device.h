//===- Device.h - The device interface behind dlcrt_device ------*- C++ -*-===//
//
// A device kind plugs in with one DeviceImpl subclass and one DeviceBackend
// entry in Device.cpp; the C API does not change when a kind is added.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_DEVICE_H
#define DLC_RUNTIME_LIB_DEVICE_H

#include "Object.h"
#include "Status.h"

#include <functional>
#include <memory>
#include <string>

namespace dlc::rt {

enum class CopyDirection { HostToDevice, DeviceToHost, DeviceToDevice };

/// What a device keeps for one model opened on it (compiled kernels, copies
/// of constants); destroyed with the model.
class ModelState {
public:
  virtual ~ModelState() = default;
};

/// One device: its memory and how to move data in and out of it.
class DeviceImpl {
public:
  virtual ~DeviceImpl() = default;
  virtual dlcrt_device_kind_t kind() const = 0;
  virtual size_t ordinal() const = 0;
  /// Whether host code can access device memory directly; models compiled
  /// for the cpu target need that.
  virtual bool isHostAccessible() const = 0;
  /// Allocates `bytes` zero-initialised bytes aligned to `alignment` (a power
  /// of two); returns a non-NULL pointer even for 0 bytes.
  virtual dlcrt_status allocate(size_t bytes, size_t alignment, void **out) = 0;
  virtual void deallocate(void *ptr) = 0;
  virtual dlcrt_status copy(void *dst, const void *src, size_t bytes,
                            CopyDirection direction) = 0;

  /// Prepares a model compiled for this device kind (`arch`: the
  /// architecture it was compiled for) whose library is `library`: checks
  /// that it fits the device and hands it what it calls. CPU models need
  /// nothing.
  virtual dlcrt_status openModel(void *library, const std::string &arch,
                                 std::unique_ptr<ModelState> &out) {
    (void)library, (void)arch, (void)out;
    return nullptr;
  }
  /// Calls `run` (the model's dlc_model_run) with the device bound to the
  /// calling thread, storing its result in `code`; returns the device's
  /// error, if any.
  virtual dlcrt_status runModel(ModelState *state,
                                const std::function<int32_t()> &run,
                                int32_t &code) {
    (void)state;
    code = run();
    return nullptr;
  }
};

/// All devices of one kind.
struct DeviceBackend {
  dlcrt_device_kind_t kind;
  const char *name;
  size_t (*count)();
  dlcrt_status (*create)(size_t ordinal, std::unique_ptr<DeviceImpl> &out);
  /// Why there are no devices of this kind ("" when there is no reason to
  /// give), or null.
  std::string (*unavailableReason)();
};

const DeviceBackend &cpuDeviceBackend();
const DeviceBackend &cudaDeviceBackend();

/// Returns "cpu", "cuda" or "kind N".
std::string deviceKindName(dlcrt_device_kind_t kind);

} // namespace dlc::rt

struct dlcrt_device_s : dlc::rt::RefCounted<dlcrt_device_s> {
  explicit dlcrt_device_s(std::unique_ptr<dlc::rt::DeviceImpl> impl)
      : impl(std::move(impl)) {}
  std::unique_ptr<dlc::rt::DeviceImpl> impl;

  /// Returns e.g. "cpu:0" for messages.
  std::string describe() const;
  /// Whether both handles denote the same physical device.
  bool sameDeviceAs(const dlcrt_device_s &other) const {
    return impl->kind() == other.impl->kind() &&
           impl->ordinal() == other.impl->ordinal();
  }
};

#endif // DLC_RUNTIME_LIB_DEVICE_H
