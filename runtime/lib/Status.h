//===- Status.h - Building dlcrt_status errors ------------------*- C++ -*-===//
//
// Internal helpers to create status objects and to keep C++ exceptions from
// crossing the C boundary.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_STATUS_H
#define DLC_RUNTIME_LIB_STATUS_H

#include "dlc/runtime/dlcrt.h"

#include <cstdint>
#include <new>
#include <string>
#include <vector>

struct dlcrt_status_s {
  dlcrt_status_code_t code;
  std::string message;
  // A preallocated status for out-of-memory must not be freed.
  bool isStatic = false;
};

namespace dlc::rt {

/// Returns a new error with `code` and `message`; never fails (falls back to
/// a static out-of-memory status).
dlcrt_status makeError(dlcrt_status_code_t code, std::string message) noexcept;

inline dlcrt_status invalidArgument(std::string message) noexcept {
  return makeError(DLCRT_STATUS_INVALID_ARGUMENT, std::move(message));
}

/// Returns the out-of-memory status.
dlcrt_status outOfMemory() noexcept;

/// Runs `body` (returning dlcrt_status) and converts escaping exceptions into
/// statuses, so that no exception leaves the C API.
template <typename Fn> dlcrt_status guard(Fn &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return outOfMemory();
  } catch (const std::exception &e) {
    return makeError(DLCRT_STATUS_INTERNAL, e.what());
  } catch (...) {
    return makeError(DLCRT_STATUS_INTERNAL, "unknown C++ exception");
  }
}

/// Formats `dims` as "[1,3,224,224]".
std::string formatShape(const int64_t *dims, size_t rank);

/// Computes the element count and byte size of a shape, checking that every
/// dim is non-negative and that nothing overflows. On failure returns an
/// INVALID_ARGUMENT status whose message starts with `what`.
dlcrt_status checkedSizes(const std::string &what, dlcrt_dtype_t dtype,
                          size_t rank, const int64_t *dims, size_t *outElements,
                          size_t *outBytes);

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_STATUS_H
