//===- Status.cpp - Status objects and shape helpers ----------------------===//

#include "Status.h"

#include <limits>

using namespace dlc::rt;

namespace {
dlcrt_status_s &oomStatus() {
  static dlcrt_status_s status{DLCRT_STATUS_RESOURCE_EXHAUSTED, "out of memory",
                               /*isStatic=*/true};
  return status;
}
} // namespace

dlcrt_status dlc::rt::outOfMemory() noexcept { return &oomStatus(); }

dlcrt_status dlc::rt::makeError(dlcrt_status_code_t code,
                                std::string message) noexcept {
  auto *status = new (std::nothrow) dlcrt_status_s;
  if (!status)
    return outOfMemory();
  status->code = code == DLCRT_STATUS_OK ? DLCRT_STATUS_INTERNAL : code;
  status->message = std::move(message);
  return status;
}

std::string dlc::rt::formatShape(const int64_t *dims, size_t rank) {
  std::string out = "[";
  for (size_t i = 0; i < rank; ++i) {
    if (i)
      out += ',';
    out += std::to_string(dims[i]);
  }
  return out + "]";
}

dlcrt_status dlc::rt::checkedSizes(const std::string &what, dlcrt_dtype_t dtype,
                                   size_t rank, const int64_t *dims,
                                   size_t *outElements, size_t *outBytes) {
  size_t elementSize = dlcrt_dtype_size(dtype);
  if (!elementSize)
    return invalidArgument(what + ": invalid dtype " +
                           std::to_string(static_cast<int>(dtype)));
  if (rank > DLCRT_MAX_RANK)
    return invalidArgument(what + ": rank " + std::to_string(rank) +
                           " exceeds the maximum of " +
                           std::to_string(DLCRT_MAX_RANK));
  if (rank && !dims)
    return invalidArgument(what + ": dims is NULL but rank is " +
                           std::to_string(rank));
  bool anyZero = false;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return invalidArgument(what + ": dim " + std::to_string(i) + " is " +
                             std::to_string(dims[i]) + " in shape " +
                             formatShape(dims, rank));
    anyZero |= dims[i] == 0;
  }
  // Byte sizes must fit in int64_t (the dims' own type) and in size_t.
  uint64_t limit = std::numeric_limits<int64_t>::max();
  if constexpr (sizeof(size_t) < sizeof(uint64_t))
    limit = std::numeric_limits<size_t>::max();
  uint64_t elements = 1;
  bool overflow = false;
  for (size_t i = 0; i < rank && !anyZero && !overflow; ++i) {
    uint64_t d = static_cast<uint64_t>(dims[i]);
    overflow = elements > limit / d;
    elements *= d;
  }
  if (anyZero)
    elements = 0;
  if (overflow || elements > limit / elementSize)
    return invalidArgument(what + ": shape " + formatShape(dims, rank) +
                           " is too large");
  *outElements = static_cast<size_t>(elements);
  *outBytes = static_cast<size_t>(elements * elementSize);
  return nullptr;
}

extern "C" {

dlcrt_status_code_t dlcrt_status_code(dlcrt_status status) {
  return status ? status->code : DLCRT_STATUS_OK;
}

const char *dlcrt_status_message(dlcrt_status status) {
  return status ? status->message.c_str() : "";
}

void dlcrt_status_free(dlcrt_status status) {
  if (status && !status->isStatic)
    delete status;
}

const char *dlcrt_status_code_name(dlcrt_status_code_t code) {
  switch (code) {
  case DLCRT_STATUS_OK:
    return "OK";
  case DLCRT_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case DLCRT_STATUS_OUT_OF_RANGE:
    return "OUT_OF_RANGE";
  case DLCRT_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case DLCRT_STATUS_UNAVAILABLE:
    return "UNAVAILABLE";
  case DLCRT_STATUS_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  case DLCRT_STATUS_INVALID_MODEL:
    return "INVALID_MODEL";
  case DLCRT_STATUS_INCOMPATIBLE:
    return "INCOMPATIBLE";
  case DLCRT_STATUS_INTERNAL:
    return "INTERNAL";
  case DLCRT_STATUS_CODE_MAX_ENUM:
    break;
  }
  return "UNKNOWN";
}

} // extern "C"
