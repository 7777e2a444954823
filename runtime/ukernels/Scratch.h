//===- Scratch.h - Per-thread scratch buffers of the ukernels ----*- C++
//-*-===//
//
// Internal to the ukernel library (not installed with Ukernels.h).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_UKERNELS_SCRATCH_H
#define DLC_RUNTIME_UKERNELS_SCRATCH_H

#include <cstddef>
#include <cstdlib>

namespace dlc::ukernels {

/// A thread's buffer, grown as needed and kept for later calls. Plain
/// aligned_alloc and a trivially destructible thread_local: the library
/// links into C-linked models without the C++ runtime.
struct Scratch {
  float *data = nullptr;
  size_t capacity = 0;
};

/// `scratch` with room for `elements` floats, 64-byte aligned; null when
/// out of memory.
inline float *scratchBuffer(Scratch &scratch, size_t elements) {
  if (scratch.capacity < elements) {
    std::free(scratch.data);
    size_t bytes = (elements * sizeof(float) + 63) / 64 * 64;
    scratch.data = static_cast<float *>(std::aligned_alloc(64, bytes));
    scratch.capacity = scratch.data ? elements : 0;
  }
  return scratch.data;
}

} // namespace dlc::ukernels

#endif // DLC_RUNTIME_UKERNELS_SCRATCH_H
