//===- Device.cpp - Device registry and the dlcrt_device API --------------===//

#include "Device.h"

using namespace dlc::rt;

namespace {
/// Returns the backend for `kind`, or NULL if it is not built in.
const DeviceBackend *findBackend(dlcrt_device_kind_t kind) {
  const DeviceBackend *backends[] = {&cpuDeviceBackend(),
                                     &cudaDeviceBackend()};
  for (const DeviceBackend *backend : backends)
    if (backend->kind == kind)
      return backend;
  return nullptr;
}

bool isKnownKind(dlcrt_device_kind_t kind) {
  return kind == DLCRT_DEVICE_CPU || kind == DLCRT_DEVICE_CUDA;
}
} // namespace

std::string dlc::rt::deviceKindName(dlcrt_device_kind_t kind) {
  switch (kind) {
  case DLCRT_DEVICE_CPU:
    return "cpu";
  case DLCRT_DEVICE_CUDA:
    return "cuda";
  case DLCRT_DEVICE_KIND_MAX_ENUM:
    break;
  }
  return "kind " + std::to_string(static_cast<int>(kind));
}

std::string dlcrt_device_s::describe() const {
  return deviceKindName(impl->kind()) + ":" + std::to_string(impl->ordinal());
}

extern "C" {

dlcrt_status dlcrt_device_count(dlcrt_device_kind_t kind, size_t *out_count) {
  return guard([&]() -> dlcrt_status {
    if (!out_count)
      return invalidArgument("dlcrt_device_count: out_count is NULL");
    if (!isKnownKind(kind))
      return invalidArgument("dlcrt_device_count: unknown device " +
                             deviceKindName(kind));
    const DeviceBackend *backend = findBackend(kind);
    *out_count = backend ? backend->count() : 0;
    return nullptr;
  });
}

dlcrt_status dlcrt_device_create(dlcrt_device_kind_t kind, size_t ordinal,
                                 dlcrt_device *out_device) {
  return guard([&]() -> dlcrt_status {
    if (!out_device)
      return invalidArgument("dlcrt_device_create: out_device is NULL");
    if (!isKnownKind(kind))
      return invalidArgument("dlcrt_device_create: unknown device " +
                             deviceKindName(kind));
    const DeviceBackend *backend = findBackend(kind);
    if (!backend)
      return makeError(DLCRT_STATUS_UNAVAILABLE,
                       "device kind '" + deviceKindName(kind) +
                           "' is not built into this runtime");
    size_t count = backend->count();
    if (ordinal >= count) {
      std::string reason =
          backend->unavailableReason ? backend->unavailableReason() : "";
      return makeError(count == 0 && !reason.empty()
                           ? DLCRT_STATUS_UNAVAILABLE
                           : DLCRT_STATUS_OUT_OF_RANGE,
                       "device " + deviceKindName(kind) + ":" +
                           std::to_string(ordinal) + " does not exist (" +
                           std::to_string(count) + " " + backend->name +
                           " devices" + (reason.empty() ? "" : ": " + reason) +
                           ")");
    }
    std::unique_ptr<DeviceImpl> impl;
    if (dlcrt_status status = backend->create(ordinal, impl))
      return status;
    *out_device = new dlcrt_device_s(std::move(impl));
    return nullptr;
  });
}

dlcrt_status dlcrt_device_create_cpu(dlcrt_device *out_device) {
  return dlcrt_device_create(DLCRT_DEVICE_CPU, 0, out_device);
}

void dlcrt_device_retain(dlcrt_device device) {
  if (device)
    device->retain();
}

void dlcrt_device_release(dlcrt_device device) {
  if (device)
    device->release();
}

dlcrt_device_kind_t dlcrt_device_kind(dlcrt_device device) {
  return device ? device->impl->kind() : DLCRT_DEVICE_CPU;
}

size_t dlcrt_device_ordinal(dlcrt_device device) {
  return device ? device->impl->ordinal() : 0;
}

} // extern "C"
