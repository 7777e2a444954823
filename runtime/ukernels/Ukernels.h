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

/// Every entry point ends with the same epilogue parameters, applied to each
/// output element once its sum is complete:
///   out = clamp(sum (+ out when `accumulate`) + bias + residual, lo, hi)
/// - `bias` (0: none) is an f32 vector indexed by the output's row (`biasMode`
///   DLC_UK_BIAS_ROW; for convolutions, the output channel) or column
///   (DLC_UK_BIAS_COLUMN).
/// - `residual` (0: none) is an f32 tensor shaped like the output, given by
///   element strides for batch, row and column. It must not overlap the
///   output: the output holds partial sums while K is split into blocks.
/// - `lo` and `hi` bound the result; -inf and +inf leave it unclamped (and
///   NaN stays NaN either way).
#define DLC_UK_EPILOGUE_PARAMS                                                 \
  int64_t bias, int32_t biasMode, int64_t residual,                            \
      int64_t residualBatchStride, int64_t residualRowStride,                  \
      int64_t residualColStride, float lo, float hi

enum dlc_uk_bias_mode {
  DLC_UK_BIAS_NONE = 0,
  DLC_UK_BIAS_ROW = 1,
  DLC_UK_BIAS_COLUMN = 2
};

/// C[b] = A[b] * B[b] (+ C[b] when `accumulate`) for b < batch, in f32,
/// then the epilogue. A is M x K, B is K x N and C is M x N; every operand
/// is a strided view given as a base address (an integer, so generated code
/// can pass memref pointers as plain i64) plus element strides for batch,
/// row and column. Transposed operands are just swapped strides. Runs on all
/// OpenMP threads unless called from inside a parallel region.
void dlc_uk_sgemm(int32_t isa, int64_t batch, int64_t m, int64_t n, int64_t k,
                  int64_t a, int64_t aBatchStride, int64_t aRowStride,
                  int64_t aColStride, int64_t b, int64_t bBatchStride,
                  int64_t bRowStride, int64_t bColStride, int64_t c,
                  int64_t cBatchStride, int64_t cRowStride, int64_t cColStride,
                  int32_t accumulate, DLC_UK_EPILOGUE_PARAMS);

/// Columns per panel of a pre-packed B.
#define DLC_UK_PANEL_WIDTH 16

/// dlc_uk_padded_panels(n) panels of DLC_UK_PANEL_WIDTH columns hold a
/// pre-packed K x N matrix B: element (k, j) is at
/// `((j / 16) * K + k) * 16 + j % 16`, and columns past N are zero. The
/// count is even, so a kernel may read panels in pairs.
static inline int64_t dlc_uk_padded_panels(int64_t n) {
  return (n + 2 * DLC_UK_PANEL_WIDTH - 1) / (2 * DLC_UK_PANEL_WIDTH) * 2;
}

/// dlc_uk_sgemm with B pre-packed as above (by the compiler, for constant
/// weights); `bBatchStride` is in elements of the packed form.
void dlc_uk_sgemm_packed_b(int32_t isa, int64_t batch, int64_t m, int64_t n,
                           int64_t k, int64_t a, int64_t aBatchStride,
                           int64_t aRowStride, int64_t aColStride,
                           int64_t packedB, int64_t bBatchStride, int64_t c,
                           int64_t cBatchStride, int64_t cRowStride,
                           int64_t cColStride, int32_t accumulate,
                           DLC_UK_EPILOGUE_PARAMS);

/// Rows per panel of a pre-packed A: a multiple of every kernel's row count.
#define DLC_UK_A_PANEL_HEIGHT 12

/// dlc_uk_a_padded_rows(m) rows hold a pre-packed M x K matrix A: element
/// (i, k) is at `((i / 12) * K + k) * 12 + i % 12`, and rows past M are
/// zero.
static inline int64_t dlc_uk_a_padded_rows(int64_t m) {
  return (m + DLC_UK_A_PANEL_HEIGHT - 1) / DLC_UK_A_PANEL_HEIGHT *
         DLC_UK_A_PANEL_HEIGHT;
}

/// dlc_uk_sgemm with A pre-packed as above (constant convolution filters);
/// `aBatchStride` is in elements of the packed form.
void dlc_uk_sgemm_packed_a(int32_t isa, int64_t batch, int64_t m, int64_t n,
                           int64_t k, int64_t packedA, int64_t aBatchStride,
                           int64_t b, int64_t bBatchStride, int64_t bRowStride,
                           int64_t bColStride, int64_t c, int64_t cBatchStride,
                           int64_t cRowStride, int64_t cColStride,
                           int32_t accumulate, DLC_UK_EPILOGUE_PARAMS);

/// 2-D convolution of contiguous NCHW f32 tensors, as a GEMM per image
/// whose B (the im2col matrix) is never stored: its panels are gathered
/// from the input as the kernel needs them.
///   output[b, f, y, x] = sum over c, i, j of filter[f, c, i, j] *
///       input[b, c, y * sh + i * dh - padTop, x * sw + j * dw - padLeft]
/// with input elements outside the h x w image reading as zero (so any
/// bottom and right padding is implied by oh and ow). The filter is the
/// F x (C * KH * KW) matrix pre-packed as A above. The epilogue's rows are
/// output channels, its columns the oh * ow pixels of an image.
void dlc_uk_conv2d(int32_t isa, int64_t n, int64_t c, int64_t h, int64_t w,
                   int64_t f, int64_t oh, int64_t ow, int64_t kh, int64_t kw,
                   int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                   int64_t padTop, int64_t padLeft, int64_t input,
                   int64_t packedFilter, int64_t output, int32_t accumulate,
                   DLC_UK_EPILOGUE_PARAMS);

/// Depthwise 2-D convolution of contiguous NCHW f32 tensors: output[n, c]
/// (OH x OW) = sum over the KH x KW taps of filter[c] (contiguous
/// [C, KH, KW]) times input[n, c] (H x W) at rows y * sh + i * dh - padTop
/// and columns x * sw + j * dw - padLeft, where taps outside the input read
/// zero; added to the output when `accumulate`. The epilogue's rows are
/// channels, its columns the oh * ow pixels of a plane. The output may
/// overlap the input (typically be the input itself, of the same shape):
/// the result is as if the input were read first.
void dlc_uk_depthwise_conv2d(int32_t isa, int64_t n, int64_t c, int64_t h,
                             int64_t w, int64_t oh, int64_t ow, int64_t kh,
                             int64_t kw, int64_t sh, int64_t sw, int64_t dh,
                             int64_t dw, int64_t padTop, int64_t padLeft,
                             int64_t input, int64_t filter, int64_t output,
                             int32_t accumulate, DLC_UK_EPILOGUE_PARAMS);

/// 2-D max pooling of contiguous NCHW f32 tensors: output[n, c] (OH x OW) =
/// the maximum over the KH x KW window of input[n, c] (H x W) at rows y * sh
/// + i * dh - padTop and columns x * sw + j * dw - padLeft, taps outside the
/// input left out (-inf for a window wholly outside), NaN if any tap is
/// NaN, +0 over -0 (arith.maximumf). The output may overlap the input.
void dlc_uk_max_pool2d(int32_t isa, int64_t n, int64_t c, int64_t h, int64_t w,
                       int64_t oh, int64_t ow, int64_t kh, int64_t kw,
                       int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                       int64_t padTop, int64_t padLeft, int64_t input,
                       int64_t output);

/// The instruction set dlc_uk_sgemm uses on this CPU when offered `isa`.
int32_t dlc_uk_effective_isa(int32_t isa);

#ifdef __cplusplus
}
#endif

#endif // DLC_RUNTIME_UKERNELS_UKERNELS_H
