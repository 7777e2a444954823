//===- dlcrt.hpp - C++ wrapper over the dlc runtime C API -------*- C++ -*-===//
//
// Header-only RAII handles over dlcrt.h. Errors become dlc::Error exceptions;
// they never cross into the C library, which stays exception-free at its
// boundary.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_DLCRT_HPP
#define DLC_RUNTIME_DLCRT_HPP

#include "dlc/runtime/dlcrt.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dlc {

/// An error reported by the runtime, with its status code.
class Error : public std::runtime_error {
public:
  Error(dlcrt_status_code_t code, const std::string &message)
      : std::runtime_error(message), statusCode(code) {}
  dlcrt_status_code_t code() const { return statusCode; }

private:
  dlcrt_status_code_t statusCode;
};

namespace rt {

/// Throws dlc::Error if `status` is an error, taking ownership of it.
inline void check(dlcrt_status status) {
  if (!status)
    return;
  dlcrt_status_code_t code = dlcrt_status_code(status);
  std::string message = dlcrt_status_message(status);
  dlcrt_status_free(status);
  throw Error(code, message);
}

/// A counted reference to a C handle: copies retain, destruction releases.
template <typename Handle, void (*RetainFn)(Handle), void (*ReleaseFn)(Handle)>
class Ref {
public:
  Ref() = default;
  Ref(const Ref &other) : handle(other.handle) { RetainFn(handle); }
  Ref(Ref &&other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  Ref &operator=(Ref other) noexcept {
    std::swap(handle, other.handle);
    return *this;
  }
  ~Ref() { ReleaseFn(handle); }

  /// Takes over one reference the caller owns.
  static Ref adopt(Handle handle) {
    Ref ref;
    ref.handle = handle;
    return ref;
  }
  /// Adds a reference to a handle the caller does not own.
  static Ref share(Handle handle) {
    RetainFn(handle);
    return adopt(handle);
  }

  Handle get() const { return handle; }
  /// Gives up the reference without releasing it.
  Handle release() { return std::exchange(handle, nullptr); }
  explicit operator bool() const { return handle != nullptr; }

private:
  Handle handle = nullptr;
};

class Device
    : public Ref<dlcrt_device, dlcrt_device_retain, dlcrt_device_release> {
public:
  Device() = default;
  Device(Ref ref) : Ref(std::move(ref)) {}

  static Device cpu() {
    dlcrt_device device = nullptr;
    check(dlcrt_device_create_cpu(&device));
    return Ref::adopt(device);
  }
  static Device create(dlcrt_device_kind_t kind, size_t ordinal) {
    dlcrt_device device = nullptr;
    check(dlcrt_device_create(kind, ordinal, &device));
    return Ref::adopt(device);
  }
  static size_t count(dlcrt_device_kind_t kind) {
    size_t count = 0;
    check(dlcrt_device_count(kind, &count));
    return count;
  }
  dlcrt_device_kind_t kind() const { return dlcrt_device_kind(get()); }
  size_t ordinal() const { return dlcrt_device_ordinal(get()); }
};

class Tensor
    : public Ref<dlcrt_tensor, dlcrt_tensor_retain, dlcrt_tensor_release> {
public:
  Tensor() = default;
  Tensor(Ref ref) : Ref(std::move(ref)) {}

  /// Creates an owned, zero-filled tensor.
  static Tensor create(const Device &device, dlcrt_dtype_t dtype,
                       const std::vector<int64_t> &dims) {
    dlcrt_tensor tensor = nullptr;
    check(dlcrt_tensor_create(device.get(), dtype, dims.size(), dims.data(),
                              &tensor));
    return Ref::adopt(tensor);
  }
  /// Borrows `data`, which must outlive the tensor.
  static Tensor wrap(const Device &device, dlcrt_dtype_t dtype,
                     const std::vector<int64_t> &dims, void *data,
                     size_t byteSize) {
    dlcrt_tensor tensor = nullptr;
    check(dlcrt_tensor_wrap(device.get(), dtype, dims.size(), dims.data(), data,
                            byteSize, &tensor));
    return Ref::adopt(tensor);
  }

  dlcrt_dtype_t dtype() const { return dlcrt_tensor_dtype(get()); }
  std::vector<int64_t> dims() const {
    const int64_t *dims = dlcrt_tensor_dims(get());
    return std::vector<int64_t>(dims, dims + dlcrt_tensor_rank(get()));
  }
  void *data() const { return dlcrt_tensor_data(get()); }
  template <typename T> T *data() const { return static_cast<T *>(data()); }
  size_t byteSize() const { return dlcrt_tensor_byte_size(get()); }
  size_t elementCount() const { return dlcrt_tensor_element_count(get()); }
  bool isOwned() const { return dlcrt_tensor_is_owned(get()) != 0; }
  /// Copies all of the tensor's bytes from or to host memory (any device).
  void copyFromHost(const void *src, size_t bytes) {
    check(dlcrt_tensor_copy_from_host(get(), src, bytes));
  }
  void copyToHost(void *dst, size_t bytes) const {
    check(dlcrt_tensor_copy_to_host(get(), dst, bytes));
  }
};

/// A copy of dlcrt_tensor_info_t that does not depend on the module.
struct TensorInfo {
  std::string name;
  dlcrt_dtype_t dtype = DLCRT_DTYPE_INVALID;
  std::vector<int64_t> dims; // DLCRT_DYNAMIC_DIM for a dynamic dim
  size_t byteSize = 0;       // 0 when a dim is dynamic
  /// Symbol name per dim; "" for static or anonymous dims.
  std::vector<std::string> dimNames;

  bool isDynamic() const {
    for (int64_t dim : dims)
      if (dim == DLCRT_DYNAMIC_DIM)
        return true;
    return false;
  }
};

class Module
    : public Ref<dlcrt_module, dlcrt_module_retain, dlcrt_module_release> {
public:
  Module() = default;
  Module(Ref ref) : Ref(std::move(ref)) {}

  static Module open(const Device &device, const std::string &path) {
    dlcrt_module module = nullptr;
    check(dlcrt_module_open(device.get(), path.c_str(), &module));
    return Ref::adopt(module);
  }

  Device device() const { return Device::share(dlcrt_module_device(get())); }
  size_t numInputs() const { return dlcrt_module_num_inputs(get()); }
  size_t numOutputs() const { return dlcrt_module_num_outputs(get()); }
  TensorInfo input(size_t index) const {
    dlcrt_tensor_info_t info;
    check(dlcrt_module_input_info(get(), index, &info));
    return convert(info);
  }
  TensorInfo output(size_t index) const {
    dlcrt_tensor_info_t info;
    check(dlcrt_module_output_info(get(), index, &info));
    return convert(info);
  }
  size_t findInput(const std::string &name) const {
    size_t index = 0;
    check(dlcrt_module_find_input(get(), name.c_str(), &index));
    return index;
  }
  size_t findOutput(const std::string &name) const {
    size_t index = 0;
    check(dlcrt_module_find_output(get(), name.c_str(), &index));
    return index;
  }

  /// Runs into `outputs`; empty entries (or a short vector) get new tensors.
  void run(const std::vector<Tensor> &inputs,
           std::vector<Tensor> &outputs) const {
    std::vector<dlcrt_tensor> in, out(numOutputs(), nullptr);
    if (outputs.size() > out.size())
      throw Error(DLCRT_STATUS_INVALID_ARGUMENT,
                  "expected " + std::to_string(out.size()) +
                      " outputs but got " + std::to_string(outputs.size()));
    for (const Tensor &tensor : inputs)
      in.push_back(tensor.get());
    for (size_t i = 0; i < outputs.size(); ++i)
      out[i] = outputs[i].get();
    check(
        dlcrt_module_run(get(), in.data(), in.size(), out.data(), out.size()));
    outputs.resize(out.size());
    for (size_t i = 0; i < out.size(); ++i)
      if (!outputs[i])
        outputs[i] = Tensor::adopt(out[i]);
  }
  /// Runs with fresh output tensors.
  std::vector<Tensor> run(const std::vector<Tensor> &inputs) const {
    std::vector<Tensor> outputs;
    run(inputs, outputs);
    return outputs;
  }

private:
  static TensorInfo convert(const dlcrt_tensor_info_t &info) {
    return {
        info.name, info.dtype,
        std::vector<int64_t>(info.dims, info.dims + info.rank), info.byte_size,
        std::vector<std::string>(info.dim_names, info.dim_names + info.rank)};
  }
};

} // namespace rt
} // namespace dlc

#endif // DLC_RUNTIME_DLCRT_HPP
