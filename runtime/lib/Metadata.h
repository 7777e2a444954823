//===- Metadata.h - Parsing the model metadata text -------------*- C++ -*-===//
//
// The metadata format is defined in ModelABI.h. It comes from a shared
// library the runtime does not trust, so the parser checks everything and
// reports the first problem with its line number.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_METADATA_H
#define DLC_RUNTIME_LIB_METADATA_H

#include "Status.h"

#include <string>
#include <vector>

namespace dlc::rt {

struct TensorSpec {
  std::string name; // decoded
  dlcrt_dtype_t dtype = DLCRT_DTYPE_INVALID;
  std::vector<int64_t> dims; // kDynamicDim for a dynamic dim
  /// Decoded symbol name of each dim; "" for static or anonymous dims.
  std::vector<std::string> dimNames;
  /// dimNames as C strings, for dlcrt_tensor_info_t::dim_names.
  std::vector<const char *> dimNamePtrs;
  size_t byteSize = 0; // 0 when the shape is dynamic
  bool isDynamic = false;

  TensorSpec() = default;
  TensorSpec(const TensorSpec &other) { *this = other; }
  TensorSpec(TensorSpec &&other) { *this = other; }
  TensorSpec &operator=(const TensorSpec &other);
  TensorSpec &operator=(TensorSpec &&other) { return *this = other; }
  /// Points dimNamePtrs at dimNames.
  void refreshDimNamePtrs();
};

/// How a dynamic dim appears in TensorSpec::dims and dlcrt_tensor_info_t.
constexpr int64_t kDynamicDim = -1;

struct ModelSignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  /// Messages of the model's run-time checks; check code i is checks[i - 1].
  std::vector<std::string> checks;
  /// The device kind the model runs on (its `device` record; CPU without
  /// one) and, for CUDA, the architecture it was compiled for ("sm_80").
  dlcrt_device_kind_t device = DLCRT_DEVICE_CPU;
  std::string deviceArch;
};

/// Longest metadata text accepted; bounds the work a hostile model can cause.
constexpr size_t kMaxMetadataBytes = 16 << 20;

/// Parses `text` (`length` bytes, no NUL inside) into `out`, requiring the
/// header to announce `abiVersion`. Returns an INVALID_MODEL status on error.
dlcrt_status parseMetadata(const char *text, size_t length, int32_t abiVersion,
                           ModelSignature &out);

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_METADATA_H
