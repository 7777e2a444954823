//===- Depthwise.cpp - Depthwise 2-D convolution, NCHW, f32 ---------------===//
//
// Each output row accumulates its KH x KW taps in a stack row (one pass over
// the output instead of one per tap) with a broadcast of the tap weight; the
// inner loop over output columns vectorizes. Planes (image, channel) are
// split over the OpenMP threads.
//
//===----------------------------------------------------------------------===//

#include "Ukernels.h"

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

struct Problem {
  int64_t channels, h, w, oh, ow, kh, kw, sh, sw, dh, dw;
  const float *input, *filter;
  float *output;
  bool accumulate;
};

/// Output columns per stack row; wider rows are done in chunks.
constexpr int64_t kRow = 512;

// Always inlined, so each target-specific wrapper below compiles it with its
// own instruction set (a call would run the baseline SSE2 copy). A strided
// conv accumulates every input column of the row span with unit stride and
// keeps every sw-th: sw times the FMAs, but vectorized; a strided gather
// per tap was 5 times slower than onnxruntime.
__attribute__((always_inline)) inline void plane(const Problem &p,
                                                 int64_t index) {
  int64_t channel = index % p.channels;
  const float *in = p.input + index * p.h * p.w;
  const float *f = p.filter + channel * p.kh * p.kw;
  float *out = p.output + index * p.oh * p.ow;
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
        const float *row = in + (y * p.sh + i * p.dh) * p.w + x0 * p.sw;
        for (int64_t j = 0; j < p.kw; ++j) {
          float tap = f[i * p.kw + j];
          const float *src = row + j * p.dw;
          for (int64_t x = 0; x < span; ++x)
            acc[x] += tap * src[x];
        }
      }
      float *dst = out + y * p.ow + x0;
      for (int64_t x = 0; x < cols; ++x)
        dst[x] = (p.accumulate ? dst[x] : 0.0f) + acc[x * p.sw];
    }
  }
}

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("avx2,fma"))) void planeAvx2(const Problem &p,
                                                   int64_t index) {
  plane(p, index);
}

__attribute__((target("avx512f"))) void planeAvx512(const Problem &p,
                                                    int64_t index) {
  plane(p, index);
}
#endif

void planeGeneric(const Problem &p, int64_t index) { plane(p, index); }

} // namespace

extern "C" void dlc_uk_depthwise_conv2d(int32_t isa, int64_t n, int64_t c,
                                        int64_t h, int64_t w, int64_t oh,
                                        int64_t ow, int64_t kh, int64_t kw,
                                        int64_t sh, int64_t sw, int64_t dh,
                                        int64_t dw, int64_t input,
                                        int64_t filter, int64_t output,
                                        int32_t accumulate) {
  if (n <= 0 || c <= 0 || oh <= 0 || ow <= 0)
    return;
  Problem p{c,
            h,
            w,
            oh,
            ow,
            kh,
            kw,
            sh,
            sw,
            dh,
            dw,
            reinterpret_cast<const float *>(input),
            reinterpret_cast<const float *>(filter),
            reinterpret_cast<float *>(output),
            accumulate != 0};
  void (*run)(const Problem &, int64_t) = planeGeneric;
#if defined(__x86_64__) || defined(_M_X64)
  int32_t effective = dlc_uk_effective_isa(isa);
  if (effective >= DLC_UK_ISA_AVX512)
    run = planeAvx512;
  else if (effective >= DLC_UK_ISA_AVX2)
    run = planeAvx2;
#endif
  int64_t planes = n * c;
#ifdef _OPENMP
  double work = double(planes) * double(oh) * double(ow) * double(kh * kw);
  if (!omp_in_parallel() && work >= 1.0e5) {
#pragma omp parallel for schedule(static)
    for (int64_t index = 0; index < planes; ++index)
      run(p, index);
    return;
  }
#endif
  for (int64_t index = 0; index < planes; ++index)
    run(p, index);
}
