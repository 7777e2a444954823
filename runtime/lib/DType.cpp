//===- DType.cpp - Element types ------------------------------------------===//

#include "Status.h"

#include <cstring>

namespace {
struct DTypeEntry {
  dlcrt_dtype_t dtype;
  const char *name;
  size_t size;
};

// The spellings are those of the model metadata (ModelABI.h).
constexpr DTypeEntry kDTypes[] = {
    {DLCRT_DTYPE_F16, "f16", 2},   {DLCRT_DTYPE_BF16, "bf16", 2},
    {DLCRT_DTYPE_F32, "f32", 4},   {DLCRT_DTYPE_F64, "f64", 8},
    {DLCRT_DTYPE_I8, "i8", 1},     {DLCRT_DTYPE_I16, "i16", 2},
    {DLCRT_DTYPE_I32, "i32", 4},   {DLCRT_DTYPE_I64, "i64", 8},
    {DLCRT_DTYPE_U8, "u8", 1},     {DLCRT_DTYPE_U16, "u16", 2},
    {DLCRT_DTYPE_U32, "u32", 4},   {DLCRT_DTYPE_U64, "u64", 8},
    {DLCRT_DTYPE_BOOL, "bool", 1},
};

const DTypeEntry *lookup(dlcrt_dtype_t dtype) {
  for (const DTypeEntry &entry : kDTypes)
    if (entry.dtype == dtype)
      return &entry;
  return nullptr;
}
} // namespace

extern "C" {

const char *dlcrt_dtype_name(dlcrt_dtype_t dtype) {
  const DTypeEntry *entry = lookup(dtype);
  return entry ? entry->name : nullptr;
}

size_t dlcrt_dtype_size(dlcrt_dtype_t dtype) {
  const DTypeEntry *entry = lookup(dtype);
  return entry ? entry->size : 0;
}

dlcrt_status dlcrt_dtype_parse(const char *name, dlcrt_dtype_t *out_dtype) {
  if (!name || !out_dtype)
    return dlc::rt::invalidArgument(
        "dlcrt_dtype_parse: name and out_dtype must not be NULL");
  for (const DTypeEntry &entry : kDTypes) {
    if (std::strcmp(entry.name, name) == 0) {
      *out_dtype = entry.dtype;
      return nullptr;
    }
  }
  return dlc::rt::guard([&] {
    return dlc::rt::invalidArgument(std::string("unknown dtype '") + name +
                                    "'");
  });
}

} // extern "C"
