//===- Depthwise.cpp - Depthwise 2-D convolution, NCHW, f32 ---------------===//
//
// AVX-512: 4 output rows x 16 columns accumulate their taps in registers,
// read with masked loads that drop the padding. AVX2: 8 output columns
// per register, taps in the padding skipped. Portable C: each output row
// accumulates its taps in a stack row. The epilogue is applied as each
// output row is stored; planes (image, channel) are split over the OpenMP
// threads.
//
//===----------------------------------------------------------------------===//

#include "Scratch.h"
#include "Ukernels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

struct Problem {
  int64_t channels, h, w, oh, ow, kh, kw, sh, sw, dh, dw, padTop, padLeft;
  const float *input, *filter;
  float *output;
  bool accumulate;
  // Epilogue: bias per channel, residual with (image, channel, pixel)
  // strides, clamp to [lo, hi].
  const float *bias, *residual;
  int64_t residualBatchStride, residualRowStride, residualColStride;
  bool clamp;
  float lo, hi;
  // Output rows [interiorTop, interiorBottom) read only input rows (set by
  // runPlanes: per plane, its divisions cost as much as a 7x7 plane's taps).
  int64_t interiorTop, interiorBottom;
};

/// A thread's copy of the input plane it is about to overwrite.
thread_local dlc::ukernels::Scratch planeCopy;

/// A kernel computing one plane (image * channels + channel) of a problem
/// from that plane's input (the problem's, or a copy of it).
using PlaneFn = void (*)(const Problem &, int64_t, const float *);

/// Output columns per stack row; wider rows are done in chunks.
constexpr int64_t kRow = 512;

/// Plane `index` (image * channels + channel) of a problem: its input,
/// filter, output, bias and residual.
struct Plane {
  const float *input, *filter;
  float *output;
  float bias;
  const float *residual; // or null
};

Plane planeOf(const Problem &p, int64_t index, const float *input) {
  // 32-bit division when it fits: a 64-bit one took ~40 cycles per plane.
  int64_t image, channel;
  if (uint64_t(index) <= UINT32_MAX && uint64_t(p.channels) <= UINT32_MAX) {
    image = uint32_t(index) / uint32_t(p.channels);
    channel = uint32_t(index) - uint32_t(image) * uint32_t(p.channels);
  } else {
    image = index / p.channels, channel = index % p.channels;
  }
  return {input, p.filter ? p.filter + channel * p.kh * p.kw : nullptr,
          p.output + index * p.oh * p.ow, p.bias ? p.bias[channel] : 0.0f,
          p.residual ? p.residual + image * p.residualBatchStride +
                           channel * p.residualRowStride
                     : nullptr};
}

// Always inlined, so each target-specific wrapper below compiles it with its
// own instruction set (a call would run the baseline SSE2 copy). A strided
// conv accumulates every input column of the row span with unit stride and
// keeps every sw-th: sw times the FMAs, but vectorized; a strided gather
// per tap was 5 times slower than onnxruntime. Taps in the padding are
// skipped, so the input is never copied into a padded buffer.
__attribute__((always_inline)) inline void
plane(const Problem &p, int64_t index, const float *input) {
  const Plane view = planeOf(p, index, input);
  const float *in = view.input, *f = view.filter, *residual = view.residual;
  float *out = view.output;
  const float bias = view.bias;
  float acc[kRow];
  // Output columns per chunk: their span of input columns fits in acc.
  const int64_t chunk = (kRow - 1) / p.sw + 1;
  for (int64_t y = 0; y < p.oh; ++y) {
    for (int64_t x0 = 0; x0 < p.ow; x0 += chunk) {
      int64_t cols = std::min(chunk, p.ow - x0);
      int64_t span = (cols - 1) * p.sw + 1;
      for (int64_t x = 0; x < span; ++x)
        acc[x] = 0.0f;
      for (int64_t i = 0; i < p.kh; ++i) {
        int64_t iy = y * p.sh + i * p.dh - p.padTop;
        if (iy < 0 || iy >= p.h)
          continue;
        const float *row = in + iy * p.w;
        for (int64_t j = 0; j < p.kw; ++j) {
          float tap = f[i * p.kw + j];
          // acc[x] reads input column start + x, inside [0, w) only.
          int64_t start = x0 * p.sw + j * p.dw - p.padLeft;
          int64_t begin = std::clamp<int64_t>(-start, 0, span);
          int64_t end = std::clamp<int64_t>(p.w - start, begin, span);
          const float *src = row + start;
          for (int64_t x = begin; x < end; ++x)
            acc[x] += tap * src[x];
        }
      }
      float *dst = out + y * p.ow + x0;
      int64_t pixel = y * p.ow + x0;
      if (p.sw != 1) // Keep every sw-th column, in place.
        for (int64_t x = 1; x < cols; ++x)
          acc[x] = acc[x * p.sw];
      if (p.accumulate)
        for (int64_t x = 0; x < cols; ++x)
          acc[x] += dst[x];
      if (residual) {
        const float *r = residual + pixel * p.residualColStride;
        for (int64_t x = 0; x < cols; ++x)
          acc[x] += r[x * p.residualColStride];
      }
      // `bound > v ? bound : v` keeps NaN (maxps takes its second operand).
      if (p.clamp) {
        const float lo = p.lo, hi = p.hi;
        for (int64_t x = 0; x < cols; ++x) {
          float v = acc[x] + bias;
          v = lo > v ? lo : v;
          dst[x] = v > hi ? hi : v;
        }
      } else {
        for (int64_t x = 0; x < cols; ++x)
          dst[x] = acc[x] + bias;
      }
    }
  }
}

#if defined(__x86_64__) || defined(_M_X64)
/// AVX2: eight output columns accumulate their taps in one register, read
/// with unaligned loads; columns whose taps reach into the padding (or past
/// the row) use masked loads. Stride 2 loads 16 columns and keeps the even
/// ones; other strides use masked gathers. Small planes
/// (MobileNet's 7x7 to 28x28) then cost a few vector ops per row instead of
/// a stack row's passes.
/// For the elements `e` of columns start + e of a stride-2 row: read when
/// the column is inside the row (0..w) and its lane e / 2 is one of the `n`
/// output columns.
__attribute__((target("avx2,fma"), always_inline)) inline __m256i
stride2Mask(__m256i e, int64_t start, int64_t w, int64_t n) {
  __m256i column = _mm256_add_epi32(_mm256_set1_epi32(int(start)), e);
  __m256i lane = _mm256_srli_epi32(e, 1);
  return _mm256_and_si256(
      _mm256_and_si256(_mm256_cmpgt_epi32(column, _mm256_set1_epi32(-1)),
                       _mm256_cmpgt_epi32(_mm256_set1_epi32(int(w)), column)),
      _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), lane));
}

__attribute__((target("avx2,fma"))) void
planeAvx2(const Problem &p, int64_t index, const float *input) {
  const Plane view = planeOf(p, index, input);
  const float *in = view.input, *f = view.filter, *residual = view.residual;
  float *out = view.output;
  const __m256 bias = _mm256_set1_ps(view.bias);
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i strideLanes =
      _mm256_mullo_epi32(lanes, _mm256_set1_epi32(int(p.sw)));
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  for (int64_t y = 0; y < p.oh; ++y) {
    for (int64_t x0 = 0; x0 < p.ow; x0 += 8) {
      int64_t n = std::min<int64_t>(8, p.ow - x0);
      __m256i outMask = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), lanes);
      // A chain per tap row, summed after it: one chain of KH x KW
      // dependent FMAs was latency-bound (and an array of accumulators
      // indexed by row lived on the stack).
      __m256 acc = _mm256_setzero_ps();
      for (int64_t i = 0; i < p.kh; ++i) {
        __m256 rowSum = _mm256_setzero_ps();
        int64_t iy = y * p.sh + i * p.dh - p.padTop;
        if (iy < 0 || iy >= p.h)
          continue;
        const float *row = in + iy * p.w;
        for (int64_t j = 0; j < p.kw; ++j) {
          __m256 tap = _mm256_broadcast_ss(f + i * p.kw + j);
          // Lane l reads column start + l * sw.
          int64_t start = x0 * p.sw + j * p.dw - p.padLeft;
          __m256 v;
          if (p.sw == 1 && n == 8 && start >= 0 && start + 8 <= p.w) {
            v = _mm256_loadu_ps(row + start);
          } else if (p.sw == 2) {
            // Columns start .. start + 15, even ones kept: two loads and a
            // shuffle (a gather per tap was a quarter of MobileNetV2).
            __m256 lo8, hi8;
            if (n == 8 && start >= 0 && start + 16 <= p.w) {
              lo8 = _mm256_loadu_ps(row + start);
              hi8 = _mm256_loadu_ps(row + start + 8);
            } else {
              lo8 = _mm256_maskload_ps(row + start,
                                       stride2Mask(lanes, start, p.w, n));
              hi8 = _mm256_maskload_ps(
                  row + start + 8,
                  stride2Mask(_mm256_add_epi32(lanes, _mm256_set1_epi32(8)),
                              start, p.w, n));
            }
            // [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6] -> [lo0 lo2 lo4 lo6 |
            // hi0 hi2 hi4 hi6].
            __m256 even = _mm256_shuffle_ps(lo8, hi8, _MM_SHUFFLE(2, 0, 2, 0));
            v = _mm256_castpd_ps(_mm256_permute4x64_pd(
                _mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
          } else {
            __m256i column =
                _mm256_add_epi32(_mm256_set1_epi32(int(start)), strideLanes);
            __m256i mask = _mm256_and_si256(
                _mm256_and_si256(
                    outMask, _mm256_cmpgt_epi32(column, _mm256_set1_epi32(-1))),
                _mm256_cmpgt_epi32(_mm256_set1_epi32(int(p.w)), column));
            if (p.sw == 1)
              v = _mm256_maskload_ps(row + start, mask);
            else
              v = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), row, column,
                                           _mm256_castsi256_ps(mask), 4);
          }
          rowSum = _mm256_fmadd_ps(tap, v, rowSum);
        }
        acc = _mm256_add_ps(acc, rowSum);
      }
      float *dst = out + y * p.ow + x0;
      bool full = n == 8;
      if (p.accumulate)
        acc = _mm256_add_ps(acc, full ? _mm256_loadu_ps(dst)
                                      : _mm256_maskload_ps(dst, outMask));
      acc = _mm256_add_ps(acc, bias);
      if (residual) {
        const float *r = residual + (y * p.ow + x0) * p.residualColStride;
        if (p.residualColStride == 1)
          acc = _mm256_add_ps(acc, full ? _mm256_loadu_ps(r)
                                        : _mm256_maskload_ps(r, outMask));
        else
          acc = _mm256_add_ps(
              acc, _mm256_mask_i32gather_ps(
                       _mm256_setzero_ps(), r,
                       _mm256_mullo_epi32(
                           lanes, _mm256_set1_epi32(int(p.residualColStride))),
                       _mm256_castsi256_ps(outMask), 4));
      }
      // maxps/minps return their second operand when either is NaN.
      if (p.clamp)
        acc = _mm256_min_ps(hi, _mm256_max_ps(lo, acc));
      if (full)
        _mm256_storeu_ps(dst, acc);
      else
        _mm256_maskstore_ps(dst, outMask, acc);
    }
  }
}

/// AVX-512: 16 output columns per register, kRows output rows at once so
/// that their independent FMA chains hide the FMA latency (stride 1 also
/// shares the input rows between them). Every tap is a masked load straight
/// from the input: the mask drops the columns in the padding (and past the
/// row), which never fault, so no plane is copied into a padded buffer (that
/// copy waited for every input line, 40% of the kernel's time); rows in the
/// padding are skipped. Stride 2 loads 32 columns and keeps the even ones
/// with one permute. Taps are in registers when KH and KW are compile-time.
constexpr int64_t kRows = 4;

/// Lanes l < 16 whose column from + l is an input column, in [0, w).
__attribute__((target("avx512f"), always_inline)) inline __mmask16
columnsInside(int64_t from, int64_t w) {
  const __m512i lanes =
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i column = _mm512_add_epi32(_mm512_set1_epi32(int32_t(from)), lanes);
  return _mm512_cmpge_epi32_mask(column, _mm512_setzero_si512()) &
         _mm512_cmplt_epi32_mask(column, _mm512_set1_epi32(int32_t(w)));
}

/// Sums the taps of `Rows` output rows from `y` for the 16 columns from
/// x0 into acc[0..Rows). KH/KW 0: the runtime p.kh/p.kw. `Interior`: all
/// the rows' taps are inside the input's rows.
template <int KH, int KW, int SW, int Rows, bool Interior, bool Max>
__attribute__((target("avx512f"), always_inline)) inline void
sumTaps(const Problem &p, const float *in, const float *f, int64_t y,
        int64_t x0, __m512 *acc) {
  // Max pooling: lanes in the padding read -inf.
  const __m512 padding = _mm512_set1_ps(Max ? -INFINITY : 0.0f);
  const int64_t kh = KH ? KH : p.kh, kw = KW ? KW : p.kw;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  for (int64_t j = 0; j < kw; ++j) {
    // Columns start .. start + 16 * SW of the input rows.
    const int64_t start = x0 * SW + j * p.dw - p.padLeft;
    const __mmask16 lo = columnsInside(start, p.w);
    const __mmask16 hi = SW == 1 ? 0 : columnsInside(start + 16, p.w);
    for (int64_t i = 0; i < kh; ++i) {
      __m512 tap = Max ? padding : _mm512_set1_ps(f[i * kw + j]);
      for (int r = 0; r < Rows; ++r) {
        int64_t iy = (y + r) * p.sh + i * p.dh - p.padTop;
        if (!Interior && (iy < 0 || iy >= p.h))
          continue;
        const float *src = in + iy * p.w + start;
        __m512 v;
        if (SW == 1)
          v = _mm512_mask_loadu_ps(padding, lo, src);
        else
          v = _mm512_permutex2var_ps(
              _mm512_mask_loadu_ps(padding, lo, src), even,
              _mm512_mask_loadu_ps(padding, hi, src + 16));
        if (Max) {
          // As arith.maximumf: NaN if either is (maxps returns its second
          // operand then, and a NaN tap replaces the maximum), and +0 over
          // -0 (equal operands ANDed: +0 & -0 is +0).
          __m512 larger = _mm512_max_ps(v, acc[r]);
          larger = _mm512_castsi512_ps(_mm512_mask_and_epi32(
              _mm512_castps_si512(larger),
              _mm512_cmp_ps_mask(v, acc[r], _CMP_EQ_OQ), _mm512_castps_si512(v),
              _mm512_castps_si512(acc[r])));
          acc[r] = _mm512_mask_mov_ps(
              larger, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v);
        } else {
          acc[r] = _mm512_fmadd_ps(tap, v, acc[r]);
        }
      }
    }
  }
}

template <int KH, int KW, int SW, int Rows, bool Interior, bool Max>
__attribute__((target("avx512f"), always_inline)) inline void
outputRows(const Problem &p, const float *in, const float *f,
           const float *residual, float *out, float bias, int64_t y) {
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int64_t x0 = 0; x0 < p.ow; x0 += 16) {
    int64_t n = std::min<int64_t>(16, p.ow - x0);
    __mmask16 mask = n == 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1);
    __m512 acc[Rows];
    for (int r = 0; r < Rows; ++r)
      acc[r] = _mm512_set1_ps(bias);
    sumTaps<KH, KW, SW, Rows, Interior, Max>(p, in, f, y, x0, acc);
    for (int r = 0; r < Rows; ++r) {
      int64_t pixel = (y + r) * p.ow + x0;
      float *dst = out + pixel;
      __m512 v = acc[r];
      if (p.accumulate)
        v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, dst));
      if (residual) {
        const float *res = residual + pixel * p.residualColStride;
        if (p.residualColStride == 1) {
          v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, res));
        } else {
          alignas(64) float column[16] = {};
          for (int64_t x = 0; x < n; ++x)
            column[x] = res[x * p.residualColStride];
          v = _mm512_add_ps(v, _mm512_load_ps(column));
        }
      }
      // maxps/minps return their second operand when either is NaN.
      if (p.clamp)
        v = _mm512_min_ps(hi, _mm512_max_ps(lo, v));
      _mm512_mask_storeu_ps(dst, mask, v);
    }
  }
}

/// A plane of a depthwise convolution, or of a max pooling (`Max`: the
/// maximum of the taps instead of their sum with the filter; no epilogue).
template <int KH, int KW, int SW, bool Max = false>
__attribute__((target("avx512f"))) void
planeAvx512(const Problem &p, int64_t index, const float *input) {
  const Plane view = planeOf(p, index, input);
  const float *in = view.input, *f = view.filter, *residual = view.residual;
  float *out = view.output;
  const float bias = Max ? -INFINITY : view.bias;
  // Output rows [top, bottom) read only input rows: no row checks.
  const int64_t top = p.interiorTop, bottom = p.interiorBottom;
  int64_t y = 0;
  for (; y < top; ++y)
    outputRows<KH, KW, SW, 1, false, Max>(p, in, f, residual, out, bias, y);
  for (; y + kRows <= bottom; y += kRows)
    outputRows<KH, KW, SW, kRows, true, Max>(p, in, f, residual, out, bias, y);
  for (; y < p.oh; ++y)
    outputRows<KH, KW, SW, 1, false, Max>(p, in, f, residual, out, bias, y);
}

/// The AVX-512 max-pooling plane kernel for `p`'s stride, or null.
PlaneFn avx512MaxPlaneFor(const Problem &p) {
  if (p.sw == 1)
    return p.kh == 3 && p.kw == 3 ? planeAvx512<3, 3, 1, true>
                                  : planeAvx512<0, 0, 1, true>;
  if (p.sw == 2)
    return p.kh == 3 && p.kw == 3 ? planeAvx512<3, 3, 2, true>
                                  : planeAvx512<0, 0, 2, true>;
  return nullptr;
}

/// The AVX-512 plane kernel for `p`'s stride and filter size, or null.
PlaneFn avx512PlaneFor(const Problem &p) {
  if (p.sw == 1)
    return p.kh == 3 && p.kw == 3   ? planeAvx512<3, 3, 1>
           : p.kh == 5 && p.kw == 5 ? planeAvx512<5, 5, 1>
                                    : planeAvx512<0, 0, 1>;
  if (p.sw == 2)
    return p.kh == 3 && p.kw == 3   ? planeAvx512<3, 3, 2>
           : p.kh == 5 && p.kw == 5 ? planeAvx512<5, 5, 2>
                                    : planeAvx512<0, 0, 2>;
  return nullptr;
}
#endif

void planeGeneric(const Problem &p, int64_t index, const float *input) {
  plane(p, index, input);
}

/// A max-pooling plane: the maximum of the taps inside the input (-inf for
/// a window wholly in the padding), NaN if any of them is, +0 over -0.
void maxPlaneGeneric(const Problem &p, int64_t index, const float *input) {
  float *out = p.output + index * p.oh * p.ow;
  for (int64_t y = 0; y < p.oh; ++y)
    for (int64_t x = 0; x < p.ow; ++x) {
      float m = -INFINITY;
      for (int64_t i = 0; i < p.kh; ++i) {
        int64_t iy = y * p.sh + i * p.dh - p.padTop;
        if (iy < 0 || iy >= p.h)
          continue;
        for (int64_t j = 0; j < p.kw; ++j) {
          int64_t ix = x * p.sw + j * p.dw - p.padLeft;
          if (ix < 0 || ix >= p.w)
            continue;
          float v = input[iy * p.w + ix];
          m = std::isnan(v) || v > m || (v == m && std::signbit(m)) ? v : m;
        }
      }
      out[y * p.ow + x] = m;
    }
}

/// Runs `run` on planes [0, planes) of `p` over the OpenMP threads. The
/// output may be the input itself (the compiler reuses a buffer of the same
/// shape): each plane is then copied before it is overwritten. Any other
/// overlap reads a copy of the whole input.
void runPlanes(Problem p, PlaneFn run, int64_t planes) {
  p.interiorTop = std::min(p.oh, (p.padTop + p.sh - 1) / p.sh);
  const int64_t span = (p.kh - 1) * p.dh;
  p.interiorBottom = std::max(
      p.interiorTop, std::min(p.oh, p.h + p.padTop - span > 0
                                        ? (p.h + p.padTop - span - 1) / p.sh + 1
                                        : 0));
  const size_t inputSize = size_t(planes) * size_t(p.h * p.w);
  const bool overlaps =
      p.input < p.output + size_t(planes) * size_t(p.oh * p.ow) &&
      p.output < p.input + inputSize;
  const bool inPlace =
      overlaps && p.input == p.output && p.h * p.w == p.oh * p.ow;
  float *inputCopy = nullptr;
  if (overlaps && !inPlace) {
    inputCopy = static_cast<float *>(std::malloc(inputSize * sizeof(float)));
    if (!inputCopy)
      std::abort();
    std::memcpy(inputCopy, p.input, inputSize * sizeof(float));
    p.input = inputCopy;
  }
  // `copy`: a thread's buffer for the plane it overwrites, or null.
  auto runPlane = [&](int64_t index, float *copy) {
    const float *planeInput = p.input + index * p.h * p.w;
    if (copy) {
      std::memcpy(copy, planeInput, size_t(p.h * p.w) * sizeof(float));
      planeInput = copy;
    }
    run(p, index, planeInput);
  };
  auto copyBuffer = [&]() -> float * {
    if (!inPlace)
      return nullptr;
    float *copy = dlc::ukernels::scratchBuffer(planeCopy, size_t(p.h * p.w));
    if (!copy)
      std::abort(); // Out of memory: one plane per thread.
    return copy;
  };
#ifdef _OPENMP
  double work =
      double(planes) * double(p.oh) * double(p.ow) * double(p.kh * p.kw);
  if (!omp_in_parallel() && work >= 1.0e5) {
    // Contiguous ranges of planes, without a work-sharing loop and its
    // barrier (Gemm.cpp's runProduct).
#pragma omp parallel
    {
      float *copy = copyBuffer();
      const int64_t team = omp_get_num_threads(), thread = omp_get_thread_num();
      for (int64_t index = planes * thread / team,
                   end = planes * (thread + 1) / team;
           index < end; ++index)
        runPlane(index, copy);
    }
    std::free(inputCopy);
    return;
  }
#endif
  float *copy = copyBuffer();
  for (int64_t index = 0; index < planes; ++index)
    runPlane(index, copy);
  std::free(inputCopy);
}

/// The window geometry and operands of a problem, without filter or
/// epilogue.
Problem windowProblem(int64_t c, int64_t h, int64_t w, int64_t oh, int64_t ow,
                      int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                      int64_t dh, int64_t dw, int64_t padTop, int64_t padLeft,
                      int64_t input, int64_t output) {
  Problem p{};
  p.channels = c, p.h = h, p.w = w, p.oh = oh, p.ow = ow;
  p.kh = kh, p.kw = kw, p.sh = sh, p.sw = sw, p.dh = dh, p.dw = dw;
  p.padTop = padTop, p.padLeft = padLeft;
  p.input = reinterpret_cast<const float *>(input);
  p.output = reinterpret_cast<float *>(output);
  return p;
}

} // namespace

extern "C" void dlc_uk_depthwise_conv2d(
    int32_t isa, int64_t n, int64_t c, int64_t h, int64_t w, int64_t oh,
    int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, int64_t padTop, int64_t padLeft, int64_t input, int64_t filter,
    int64_t output, int32_t accumulate, DLC_UK_EPILOGUE_PARAMS) {
  if (n <= 0 || c <= 0 || oh <= 0 || ow <= 0)
    return;
  Problem p = windowProblem(c, h, w, oh, ow, kh, kw, sh, sw, dh, dw, padTop,
                            padLeft, input, output);
  p.filter = reinterpret_cast<const float *>(filter);
  p.accumulate = accumulate != 0;
  p.bias = biasMode == DLC_UK_BIAS_ROW ? reinterpret_cast<const float *>(bias)
                                       : nullptr;
  p.residual = reinterpret_cast<const float *>(residual);
  p.residualBatchStride = residualBatchStride;
  p.residualRowStride = residualRowStride;
  p.residualColStride = residualColStride;
  p.clamp = !(std::isinf(lo) && lo < 0 && std::isinf(hi) && hi > 0);
  p.lo = lo, p.hi = hi;
  PlaneFn run = planeGeneric;
#if defined(__x86_64__) || defined(_M_X64)
  int32_t effective = dlc_uk_effective_isa(isa);
  PlaneFn avx512Plane =
      effective >= DLC_UK_ISA_AVX512 ? avx512PlaneFor(p) : nullptr;
  if (avx512Plane)
    run = avx512Plane;
  else if (effective >= DLC_UK_ISA_AVX2)
    run = planeAvx2;
#endif
  runPlanes(p, run, n * c);
}

extern "C" void dlc_uk_max_pool2d(int32_t isa, int64_t n, int64_t c, int64_t h,
                                  int64_t w, int64_t oh, int64_t ow, int64_t kh,
                                  int64_t kw, int64_t sh, int64_t sw,
                                  int64_t dh, int64_t dw, int64_t padTop,
                                  int64_t padLeft, int64_t input,
                                  int64_t output) {
  if (n <= 0 || c <= 0 || oh <= 0 || ow <= 0)
    return;
  Problem p = windowProblem(c, h, w, oh, ow, kh, kw, sh, sw, dh, dw, padTop,
                            padLeft, input, output);
  PlaneFn run = maxPlaneGeneric;
#if defined(__x86_64__) || defined(_M_X64)
  if (dlc_uk_effective_isa(isa) >= DLC_UK_ISA_AVX512)
    if (PlaneFn avx512Plane = avx512MaxPlaneFor(p))
      run = avx512Plane;
#endif
  runPlanes(p, run, n * c);
}
