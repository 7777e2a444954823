//===- Ukernels.h - Micro-kernels linked into compiled models ---*- C++ -*-===//
//
// Compiled CPU models call these for the ops where a hand-scheduled kernel
// beats generated loops (IREE's ukernels play the same role). The library is
// static and position-independent: `dlc` links it into every model, so a
// deployed model needs only libdlcrt and the OpenMP runtime.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_UKERNELS_UKERNELS_H
#define DLC_RUNTIME_UKERNELS_UKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets, in increasing order. The compiler passes the best one
/// its target CPU has; the kernel uses the best one both it and the running
/// CPU have.
enum dlc_uk_isa {
  DLC_UK_ISA_GENERIC = 0,
  DLC_UK_ISA_AVX2 = 1,
  DLC_UK_ISA_AVX512 = 2
};

/// C[b] = A[b] * B[b] (+ C[b] when `accumulate`) for b < batch, in f32.
/// A is M x K, B is K x N and C is M x N; every operand is a strided view
/// given as a base address (an integer, so generated code can pass memref
/// pointers as plain i64) plus element strides for batch, row and column.
/// Transposed operands are just swapped strides. Runs on all OpenMP threads
/// unless called from inside a parallel region.
void dlc_uk_sgemm(int32_t isa, int64_t batch, int64_t m, int64_t n, int64_t k,
                  int64_t a, int64_t aBatchStride, int64_t aRowStride,
                  int64_t aColStride, int64_t b, int64_t bBatchStride,
                  int64_t bRowStride, int64_t bColStride, int64_t c,
                  int64_t cBatchStride, int64_t cRowStride, int64_t cColStride,
                  int32_t accumulate);

/// The instruction set dlc_uk_sgemm uses on this CPU when offered `isa`.
int32_t dlc_uk_effective_isa(int32_t isa);

#ifdef __cplusplus
}
#endif

#endif // DLC_RUNTIME_UKERNELS_UKERNELS_H
