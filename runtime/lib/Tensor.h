//===- Tensor.h - The object behind dlcrt_tensor ----------------*- C++ -*-===//

#ifndef DLC_RUNTIME_LIB_TENSOR_H
#define DLC_RUNTIME_LIB_TENSOR_H

#include "Device.h"

#include <vector>

struct dlcrt_tensor_s : dlc::rt::RefCounted<dlcrt_tensor_s> {
  ~dlcrt_tensor_s();

  dlcrt_device device = nullptr; // retained
  dlcrt_dtype_t dtype = DLCRT_DTYPE_INVALID;
  std::vector<int64_t> dims;
  void *data = nullptr;
  size_t byteSize = 0;
  size_t elementCount = 0;
  bool owned = false;
  /// Owned storage a model allocated (ModelABI.h): released with free()
  /// instead of the device's deallocate.
  bool freeWithFree = false;
};

namespace dlc::rt {

/// Owned tensors are aligned for the widest vector loads (AVX-512 lines).
constexpr size_t kTensorAlignment = 64;

/// Creates an owned, zero-filled tensor; `what` prefixes error messages.
dlcrt_status createTensor(const std::string &what, dlcrt_device device,
                          dlcrt_dtype_t dtype, size_t rank, const int64_t *dims,
                          dlcrt_tensor *out);

/// Wraps `data`, which a model allocated with the malloc family, in an owned
/// tensor that releases it with free(). On success the tensor owns `data`;
/// on failure the caller still does.
dlcrt_status adoptModelBuffer(const std::string &what, dlcrt_device device,
                              dlcrt_dtype_t dtype, size_t rank,
                              const int64_t *dims, void *data,
                              dlcrt_tensor *out);

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_TENSOR_H
