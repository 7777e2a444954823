//===- Tensor.cpp - The dlcrt_tensor API ----------------------------------===//

#include "Tensor.h"

#include <cstdlib>
#include <memory>

using namespace dlc::rt;

dlcrt_tensor_s::~dlcrt_tensor_s() {
  if (owned && data) {
    if (freeWithFree)
      std::free(data);
    else
      device->impl->deallocate(data);
  }
  dlcrt_device_release(device);
}

namespace {
using TensorPtr = std::unique_ptr<dlcrt_tensor_s, void (*)(dlcrt_tensor)>;

/// Builds a tensor without storage after validating the common arguments.
dlcrt_status makeShell(const std::string &what, dlcrt_device device,
                       dlcrt_dtype_t dtype, size_t rank, const int64_t *dims,
                       dlcrt_tensor *out, TensorPtr &tensor) {
  if (!out)
    return invalidArgument(what + ": out_tensor is NULL");
  if (!device)
    return invalidArgument(what + ": device is NULL");
  size_t elements = 0, bytes = 0;
  if (dlcrt_status status =
          checkedSizes(what, dtype, rank, dims, &elements, &bytes))
    return status;
  tensor.reset(new dlcrt_tensor_s);
  dlcrt_device_retain(device);
  tensor->device = device;
  tensor->dtype = dtype;
  tensor->dims.assign(dims, dims + rank);
  tensor->elementCount = elements;
  tensor->byteSize = bytes;
  return nullptr;
}
} // namespace

dlcrt_status dlc::rt::createTensor(const std::string &what, dlcrt_device device,
                                   dlcrt_dtype_t dtype, size_t rank,
                                   const int64_t *dims, dlcrt_tensor *out) {
  TensorPtr tensor(nullptr, dlcrt_tensor_release);
  if (dlcrt_status status =
          makeShell(what, device, dtype, rank, dims, out, tensor))
    return status;
  if (dlcrt_status status = device->impl->allocate(
          tensor->byteSize, kTensorAlignment, &tensor->data))
    return status;
  tensor->owned = true;
  *out = tensor.release();
  return nullptr;
}

dlcrt_status dlc::rt::adoptModelBuffer(const std::string &what,
                                       dlcrt_device device, dlcrt_dtype_t dtype,
                                       size_t rank, const int64_t *dims,
                                       void *data, dlcrt_tensor *out) {
  TensorPtr tensor(nullptr, dlcrt_tensor_release);
  if (dlcrt_status status =
          makeShell(what, device, dtype, rank, dims, out, tensor))
    return status;
  tensor->data = data;
  tensor->owned = true;
  tensor->freeWithFree = true;
  *out = tensor.release();
  return nullptr;
}

extern "C" {

dlcrt_status dlcrt_tensor_create(dlcrt_device device, dlcrt_dtype_t dtype,
                                 size_t rank, const int64_t *dims,
                                 dlcrt_tensor *out_tensor) {
  return guard([&] {
    return createTensor("dlcrt_tensor_create", device, dtype, rank, dims,
                        out_tensor);
  });
}

dlcrt_status dlcrt_tensor_wrap(dlcrt_device device, dlcrt_dtype_t dtype,
                               size_t rank, const int64_t *dims, void *data,
                               size_t byte_size, dlcrt_tensor *out_tensor) {
  return guard([&]() -> dlcrt_status {
    const std::string what = "dlcrt_tensor_wrap";
    TensorPtr tensor(nullptr, dlcrt_tensor_release);
    if (dlcrt_status status =
            makeShell(what, device, dtype, rank, dims, out_tensor, tensor))
      return status;
    if (byte_size != tensor->byteSize)
      return invalidArgument(what + ": shape " + formatShape(dims, rank) +
                             " of " + dlcrt_dtype_name(dtype) + " needs " +
                             std::to_string(tensor->byteSize) +
                             " bytes but byte_size is " +
                             std::to_string(byte_size));
    if (!data && byte_size)
      return invalidArgument(what + ": data is NULL");
    size_t elementSize = dlcrt_dtype_size(dtype);
    if (reinterpret_cast<uintptr_t>(data) % elementSize)
      return invalidArgument(what + ": data is not aligned to the " +
                             std::to_string(elementSize) + "-byte size of " +
                             dlcrt_dtype_name(dtype));
    tensor->data = data;
    *out_tensor = tensor.release();
    return nullptr;
  });
}

void dlcrt_tensor_retain(dlcrt_tensor tensor) {
  if (tensor)
    tensor->retain();
}

void dlcrt_tensor_release(dlcrt_tensor tensor) {
  if (tensor)
    tensor->release();
}

dlcrt_device dlcrt_tensor_device(dlcrt_tensor tensor) {
  return tensor ? tensor->device : nullptr;
}

dlcrt_dtype_t dlcrt_tensor_dtype(dlcrt_tensor tensor) {
  return tensor ? tensor->dtype : DLCRT_DTYPE_INVALID;
}

size_t dlcrt_tensor_rank(dlcrt_tensor tensor) {
  return tensor ? tensor->dims.size() : 0;
}

const int64_t *dlcrt_tensor_dims(dlcrt_tensor tensor) {
  return tensor ? tensor->dims.data() : nullptr;
}

void *dlcrt_tensor_data(dlcrt_tensor tensor) {
  return tensor ? tensor->data : nullptr;
}

size_t dlcrt_tensor_byte_size(dlcrt_tensor tensor) {
  return tensor ? tensor->byteSize : 0;
}

size_t dlcrt_tensor_element_count(dlcrt_tensor tensor) {
  return tensor ? tensor->elementCount : 0;
}

int dlcrt_tensor_is_owned(dlcrt_tensor tensor) {
  return tensor && tensor->owned;
}

dlcrt_status dlcrt_tensor_copy_from_host(dlcrt_tensor tensor, const void *src,
                                         size_t byte_size) {
  return guard([&]() -> dlcrt_status {
    if (!tensor || (!src && byte_size))
      return invalidArgument(
          "dlcrt_tensor_copy_from_host: tensor and src must not be NULL");
    if (byte_size != tensor->byteSize)
      return invalidArgument("dlcrt_tensor_copy_from_host: tensor has " +
                             std::to_string(tensor->byteSize) +
                             " bytes but byte_size is " +
                             std::to_string(byte_size));
    return tensor->device->impl->copy(tensor->data, src, byte_size,
                                      CopyDirection::HostToDevice);
  });
}

dlcrt_status dlcrt_tensor_copy_to_host(dlcrt_tensor tensor, void *dst,
                                       size_t byte_size) {
  return guard([&]() -> dlcrt_status {
    if (!tensor || (!dst && byte_size))
      return invalidArgument(
          "dlcrt_tensor_copy_to_host: tensor and dst must not be NULL");
    if (byte_size != tensor->byteSize)
      return invalidArgument("dlcrt_tensor_copy_to_host: tensor has " +
                             std::to_string(tensor->byteSize) +
                             " bytes but byte_size is " +
                             std::to_string(byte_size));
    return tensor->device->impl->copy(dst, tensor->data, byte_size,
                                      CopyDirection::DeviceToHost);
  });
}

} // extern "C"
