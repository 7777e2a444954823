//===- FuzzModelMetadata.cpp - libFuzzer target: opening a model ----------===//
//
// What dlcrt_module_open trusts least: the metadata text a model library
// returns (its signature, checks and device). The bytes go to the parser
// with the current ABI version, as Module.cpp hands them over after its
// length and NUL checks; the parsed signature is then walked.
//
//===----------------------------------------------------------------------===//

#include "Metadata.h"
#include "Status.h"

#include "dlc/runtime/ModelABI.h"
#include "dlc/runtime/dlcrt.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = reinterpret_cast<const char *>(data);
  // Module.cpp measures the text with strnlen and caps it.
  size_t length = strnlen(text, size);
  if (length > dlc::rt::kMaxMetadataBytes)
    return 0;
  dlc::rt::ModelSignature signature;
  dlcrt_status status = dlc::rt::parseMetadata(text, length,
                                               DLC_MODEL_ABI_VERSION, signature);
  if (status) {
    dlcrt_status_free(status);
    return 0;
  }
  // Every parsed spec must be consistent with itself: the runtime sizes
  // buffers and checks tensors with these.
  for (const auto *specs : {&signature.inputs, &signature.outputs})
    for (const dlc::rt::TensorSpec &spec : *specs) {
      if (spec.dimNames.size() != spec.dims.size() ||
          spec.dimNamePtrs.size() != spec.dims.size())
        __builtin_trap();
      bool dynamic = false, zero = false;
      for (int64_t dim : spec.dims) {
        dynamic |= dim == dlc::rt::kDynamicDim;
        zero |= dim == 0;
        if (dim < 0 && dim != dlc::rt::kDynamicDim)
          __builtin_trap();
      }
      if (dynamic != spec.isDynamic)
        __builtin_trap();
      // A static spec's byte size is its element count times the element
      // size, which the parser computed with overflow checks.
      if (dynamic)
        continue;
      size_t bytes = zero ? 0 : dlcrt_dtype_size(spec.dtype);
      for (int64_t dim : spec.dims)
        if (!zero && __builtin_mul_overflow(bytes, size_t(dim), &bytes))
          __builtin_trap();
      if (bytes != spec.byteSize)
        __builtin_trap();
    }
  return 0;
}
