//===- Object.h - Reference counting for runtime handles --------*- C++ -*-===//
//
// Every opaque handle of the C API is a RefCounted object: created with one
// reference, deleted when the last one is released.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_OBJECT_H
#define DLC_RUNTIME_LIB_OBJECT_H

#include <atomic>
#include <cstdint>

namespace dlc::rt {

template <typename Derived> class RefCounted {
public:
  RefCounted() = default;
  RefCounted(const RefCounted &) = delete;
  RefCounted &operator=(const RefCounted &) = delete;

  void retain() { refs.fetch_add(1, std::memory_order_relaxed); }

  void release() {
    // acq_rel: the deleting thread must see every other thread's writes.
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete static_cast<Derived *>(this);
  }

protected:
  ~RefCounted() = default;

private:
  std::atomic<uint32_t> refs{1};
};

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_OBJECT_H
