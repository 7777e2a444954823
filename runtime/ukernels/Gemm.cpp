//===- Gemm.cpp - Blocked, packed f32 GEMM --------------------------------===//
//
// GotoBLAS blocking: a KC x NC block of B is packed into NR-wide panels that
// stay in L2/L3, and an MR x NR register tile accumulates over KC with
// broadcast FMAs. A is read in place through its strides (its MC x KC block
// stays in L2; packing it cost more than it saved at the M of transformer
// layers), except a partial last panel, which is packed with zero rows. Work
// is split over threads by batch, then columns, then rows; each thread packs
// only its part of B.
//
//===----------------------------------------------------------------------===//

#include "Ukernels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define DLC_UK_X86 1
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

constexpr int64_t kKC = 256;
constexpr int64_t kMC = 96; // A multiple of every MR.
constexpr int64_t kNC = 2048;
constexpr int64_t kMaxTile = 12 * 32;

/// acc(MR x NR) = sum_k ap[k * aks + 0..MR) (x) b(k, 0..NR), where b(k, j)
/// is bp[(j / 16) * panelStride + k * bRowStride + j % 16] (16-wide packed
/// panels: bRowStride 16; B in place: its row stride), stored row-major into
/// `c` (row stride ldc, column stride 1), added to it when `accumulate`.
using MicroKernel = void (*)(int64_t kc, const float *ap, int64_t aks,
                             const float *bp, int64_t bRowStride,
                             int64_t panelStride, float *c, int64_t ldc,
                             bool accumulate);

struct KernelInfo {
  int64_t mr, nr;
  MicroKernel kernel;
};

void genericKernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
                   int64_t bRowStride, int64_t, float *c, int64_t ldc,
                   bool accumulate) {
  constexpr int kMR = 4, kNR = 16;
  float acc[kMR][kNR] = {};
  for (int64_t k = 0; k < kc; ++k, ap += aks, bp += bRowStride)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNR; ++j)
        acc[i][j] += ap[i] * bp[j];
  for (int i = 0; i < kMR; ++i)
    for (int j = 0; j < kNR; ++j)
      c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0.0f) + acc[i][j];
}

#ifdef DLC_UK_X86
// 6 x 16: 12 ymm accumulators, 2 for B, 1 broadcast of A (15 of 16).
__attribute__((target("avx2,fma"))) void
avx2Kernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
           int64_t bRowStride, int64_t, float *c, int64_t ldc,
           bool accumulate) {
  __m256 acc[6][2];
  for (int i = 0; i < 6; ++i)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  // The C tile is loaded and stored after the loop; fetching it now hides
  // its cache misses behind the FMAs.
  for (int i = 0; i < 6; ++i) {
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + 15), _MM_HINT_T0);
  }
  // Unrolled by 4: 93 instead of 80 GFLOP/s per core on Zen 3.
#pragma clang loop unroll_count(4)
  for (int64_t k = 0; k < kc; ++k, ap += aks, bp += bRowStride) {
    __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    for (int i = 0; i < 6; ++i) {
      __m256 ai = _mm256_broadcast_ss(ap + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < 6; ++i) {
    float *row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
      acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[i][0]);
    _mm256_storeu_ps(row + 8, acc[i][1]);
  }
}

// 12 x 32: 24 zmm accumulators, 2 for B, 1 broadcast of A (27 of 32).
__attribute__((target("avx512f"))) void
avx512Kernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
             int64_t bRowStride, int64_t panelStride, float *c, int64_t ldc,
             bool accumulate) {
  const float *bp1 = bp + panelStride;
  __m512 acc[12][2];
  for (int i = 0; i < 12; ++i)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int i = 0; i < 12; ++i) {
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + 31), _MM_HINT_T0);
  }
#pragma clang loop unroll_count(4)
  for (int64_t k = 0; k < kc;
       ++k, ap += aks, bp += bRowStride, bp1 += bRowStride) {
    __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp1);
    for (int i = 0; i < 12; ++i) {
      __m512 ai = _mm512_set1_ps(ap[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < 12; ++i) {
    float *row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(row));
      acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[i][0]);
    _mm512_storeu_ps(row + 16, acc[i][1]);
  }
}
#endif

int32_t cpuIsa() {
#ifdef DLC_UK_X86
  // Cheap (reads what the startup constructor found), and no function-local
  // static: those need the C++ runtime's guards.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return DLC_UK_ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return DLC_UK_ISA_AVX2;
  return DLC_UK_ISA_GENERIC;
#else
  return DLC_UK_ISA_GENERIC;
#endif
}

KernelInfo kernelFor(int32_t isa) {
#ifdef DLC_UK_X86
  if (isa >= DLC_UK_ISA_AVX512)
    return {12, 32, avx512Kernel};
  if (isa >= DLC_UK_ISA_AVX2)
    return {6, 16, avx2Kernel};
#endif
  return {4, 16, genericKernel};
}

struct View {
  const float *data;
  int64_t rowStride, colStride;
};

/// Packs rows [0, mc) x cols [0, kc) of `a` into MR-high panels, k-major,
/// zero-padding the last panel.
void packA(const View &a, int64_t mc, int64_t kc, int64_t mr, float *out) {
  for (int64_t p = 0; p < mc; p += mr, out += kc * mr) {
    int64_t rows = std::min(mr, mc - p);
    for (int64_t r = 0; r < mr; ++r) {
      if (r >= rows) {
        for (int64_t k = 0; k < kc; ++k)
          out[k * mr + r] = 0.0f;
        continue;
      }
      const float *src = a.data + (p + r) * a.rowStride;
      for (int64_t k = 0; k < kc; ++k)
        out[k * mr + r] = src[k * a.colStride];
    }
  }
}

/// Packs rows [0, kc) x cols [0, nc) of `b` into 16-wide panels, k-major,
/// zero-padding up to `panels` panels (the layout of Ukernels.h).
void packB(const View &b, int64_t kc, int64_t nc, int64_t panels, float *out) {
  constexpr int64_t w = DLC_UK_PANEL_WIDTH;
  if (b.colStride == 1) {
    // Row by row: B is read sequentially (weights usually come from DRAM;
    // a column strip would touch a new page every 64 bytes).
    for (int64_t k = 0; k < kc; ++k) {
      const float *src = b.data + k * b.rowStride;
      for (int64_t p = 0; p < panels; ++p) {
        float *dst = out + p * kc * w + k * w;
        int64_t cols = std::max<int64_t>(0, std::min(w, nc - p * w));
        for (int64_t j = 0; j < cols; ++j)
          dst[j] = src[p * w + j];
        for (int64_t j = cols; j < w; ++j)
          dst[j] = 0.0f;
      }
    }
    return;
  }
  for (int64_t p = 0; p < panels; ++p, out += kc * w) {
    int64_t cols = std::max<int64_t>(0, std::min(w, nc - p * w));
    for (int64_t j = 0; j < w; ++j) {
      if (j >= cols) {
        for (int64_t k = 0; k < kc; ++k)
          out[k * w + j] = 0.0f;
        continue;
      }
      const float *src = b.data + (p * w + j) * b.colStride;
      for (int64_t k = 0; k < kc; ++k)
        out[k * w + j] = src[k * b.rowStride];
    }
  }
}

/// A thread's packing buffer, grown as needed and kept for later calls. Plain
/// malloc and a trivially destructible thread_local: the library links into
/// C-linked models without the C++ runtime.
struct Scratch {
  float *data = nullptr;
  size_t capacity = 0;
};

float *scratchBuffer(Scratch &scratch, size_t elements) {
  if (scratch.capacity < elements) {
    std::free(scratch.data);
    size_t bytes = (elements * sizeof(float) + 63) / 64 * 64;
    scratch.data = static_cast<float *>(std::aligned_alloc(64, bytes));
    scratch.capacity = scratch.data ? elements : 0;
  }
  return scratch.data;
}

thread_local Scratch scratchA, scratchB;

/// B as the kernels read it: either a strided view packed per block, or
/// panels packed ahead of time (Ukernels.h) starting at this part's first
/// column, with `packedK` rows each.
/// A as the kernels read it: a strided view packed per block, or panels of
/// DLC_UK_A_PANEL_HEIGHT rows packed ahead of time (Ukernels.h), whose row 0
/// is this part's first row `firstRow` of the whole matrix.
struct ASource {
  View view;
  const float *packed = nullptr;
  int64_t firstRow = 0;
};

struct BSource {
  View view;
  const float *packed = nullptr;
  int64_t packedK = 0;
};

/// One thread's C(m x n) = A(m x k) * B(k x n) (+ C).
void gemmSerial(const KernelInfo &info, int64_t m, int64_t n, int64_t k,
                const ASource &a, const BSource &b, float *c, int64_t cRow,
                int64_t cCol, bool accumulate) {
  if (m <= 0 || n <= 0)
    return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          c[i * cRow + j * cCol] = 0.0f;
    return;
  }
  constexpr int64_t w = DLC_UK_PANEL_WIDTH;
  const int64_t mr = info.mr, nr = info.nr;
  const int64_t ncMax = std::min(kNC, (n + nr - 1) / nr * nr);
  // With few rows, each packed B panel is reused little and packing costs
  // as much as it saves (a quarter of ResNet-50's time: its activations are
  // B and many convs have 64 filters): row-major B is then read in place
  // (64x3136x576: 68 instead of 58 GFLOP/s; at 128 rows packing wins).
  // Rows 4 KiB apart would share L1 sets, so those are still packed.
  const bool inPlace = !b.packed && m <= 96 && b.view.colStride == 1 &&
                       (b.view.rowStride * int64_t(sizeof(float))) % 4096 != 0;
  const int64_t kcMax = std::min(kKC, k);
  float *packedB =
      b.packed ? nullptr : scratchBuffer(scratchB, size_t(ncMax) * kcMax);
  float *packedA = scratchBuffer(scratchA, size_t(kMC + mr) * kcMax);
  if (!packedA || (!b.packed && !packedB))
    std::abort(); // Out of memory: a few hundred KiB per thread.
  alignas(64) float tile[kMaxTile];

  for (int64_t jc = 0; jc < n; jc += kNC) {
    int64_t nc = std::min(kNC, n - jc);
    for (int64_t pc = 0; pc < k; pc += kKC) {
      int64_t kc = std::min(kKC, k - pc);
      bool add = accumulate || pc > 0;
      // Panel p of this block starts at blockB + p * panelStride.
      const float *blockB;
      int64_t panelStride, bRowStride = w;
      if (b.packed) {
        blockB = b.packed + (jc / w) * b.packedK * w + pc * w;
        panelStride = b.packedK * w;
      } else if (inPlace) {
        blockB = b.view.data + pc * b.view.rowStride + jc;
        panelStride = w;
        bRowStride = b.view.rowStride;
        // The kernels read whole panels: a partial last one is packed.
        if (int64_t full = nc / nr * nr; full < nc)
          packB({blockB + full, b.view.rowStride, 1}, kc, nc - full, nr / w,
                packedB);
      } else {
        packB({b.view.data + pc * b.view.rowStride + jc * b.view.colStride,
               b.view.rowStride, b.view.colStride},
              kc, nc, (nc + nr - 1) / nr * (nr / w), packedB);
        blockB = packedB;
        panelStride = kc * w;
      }
      for (int64_t ic = 0; ic < m; ic += kMC) {
        int64_t mc = std::min(kMC, m - ic);
        const float *aBlock =
            a.view.data + ic * a.view.rowStride + pc * a.view.colStride;
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int64_t cols = std::min(nr, nc - jr);
          const float *bp = blockB + (jr / w) * panelStride;
          int64_t rowStride = bRowStride;
          if (inPlace && jr + nr > nc) {
            bp = packedB;
            rowStride = w;
          }
          for (int64_t ir = 0; ir < mc; ir += mr) {
            int64_t rows = std::min(mr, mc - ir);
            // A's MR-row panels are packed once per block (at the first
            // column panel): one sequential stream for the broadcasts.
            const float *ap;
            int64_t aks;
            if (a.packed) {
              constexpr int64_t h = DLC_UK_A_PANEL_HEIGHT;
              int64_t row = a.firstRow + ic + ir;
              ap = a.packed + ((row / h) * k + pc) * h + row % h;
              aks = h;
            } else {
              float *panel = packedA + ir * kc;
              if (jr == 0)
                packA({aBlock + ir * a.view.rowStride, a.view.rowStride,
                       a.view.colStride},
                      rows, kc, mr, panel);
              ap = panel;
              aks = mr;
            }
            float *cTile = c + (ic + ir) * cRow + (jc + jr) * cCol;
            if (rows == mr && cols == nr && cCol == 1) {
              info.kernel(kc, ap, aks, bp, rowStride,
                          inPlace && jr + nr > nc ? kc * w : panelStride, cTile,
                          cRow, add);
              continue;
            }
            info.kernel(kc, ap, aks, bp, rowStride,
                        inPlace && jr + nr > nc ? kc * w : panelStride, tile,
                        nr, false);
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                float &out = cTile[i * cRow + j * cCol];
                out = (add ? out : 0.0f) + tile[i * nr + j];
              }
          }
        }
      }
    }
  }
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

extern "C" int32_t dlc_uk_effective_isa(int32_t isa) {
  return std::min(isa, cpuIsa());
}

namespace {

/// Splits the batched product over the threads and runs each part.
void runSgemm(int32_t isa, int64_t batch, int64_t m, int64_t n, int64_t k,
              const float *aData, int64_t aBatchStride, int64_t aRowStride,
              int64_t aColStride, const float *bData, int64_t bBatchStride,
              int64_t bRowStride, int64_t bColStride, bool aPacked,
              bool bPacked, float *cData, int64_t cBatchStride,
              int64_t cRowStride, int64_t cColStride, bool accumulate) {
  if (batch <= 0 || m <= 0 || n <= 0)
    return;
  const KernelInfo info = kernelFor(dlc_uk_effective_isa(isa));
  int threads = 1;
#ifdef _OPENMP
  // Small products and calls from parallel loops run on this thread.
  double flops = 2.0 * double(batch) * double(m) * double(n) * double(k);
  if (!omp_in_parallel() && flops >= 2.0e5)
    threads = omp_get_max_threads();
#endif
  // Split batch first, then columns (each thread packs only its part of B),
  // then rows, into about `threads` tasks. Column parts are multiples of the
  // kernel width, so a part of pre-packed B starts at a panel.
  int64_t nParts = 1, mParts = 1;
  if (batch < threads) {
    int64_t wanted = ceilDiv(threads, batch);
    nParts = std::min(ceilDiv(n, info.nr), wanted);
    mParts = std::min(ceilDiv(m, info.mr), ceilDiv(wanted, nParts));
  }
  int64_t nChunk = ceilDiv(ceilDiv(n, nParts), info.nr) * info.nr;
  int64_t mChunk = ceilDiv(ceilDiv(m, mParts), info.mr) * info.mr;
  nParts = ceilDiv(n, nChunk);
  mParts = ceilDiv(m, mChunk);
  int64_t tasks = batch * nParts * mParts;

  auto runTask = [&](int64_t task) {
    int64_t bi = task / (nParts * mParts);
    int64_t rest = task % (nParts * mParts);
    int64_t i0 = (rest / nParts) * mChunk, j0 = (rest % nParts) * nChunk;
    int64_t rows = std::min(mChunk, m - i0), cols = std::min(nChunk, n - j0);
    ASource aSource;
    if (aPacked) {
      aSource.packed = aData + bi * aBatchStride;
      aSource.firstRow = i0;
    } else {
      aSource.view = {aData + bi * aBatchStride + i0 * aRowStride, aRowStride,
                      aColStride};
    }
    BSource bSource;
    if (bPacked) {
      bSource.packed = bData + bi * bBatchStride +
                       (j0 / DLC_UK_PANEL_WIDTH) * k * DLC_UK_PANEL_WIDTH;
      bSource.packedK = k;
    } else {
      bSource.view = {bData + bi * bBatchStride + j0 * bColStride, bRowStride,
                      bColStride};
    }
    float *cView =
        cData + bi * cBatchStride + i0 * cRowStride + j0 * cColStride;
    gemmSerial(info, rows, cols, k, aSource, bSource, cView, cRowStride,
               cColStride, accumulate);
  };
#ifdef _OPENMP
  if (threads > 1 && tasks > 1) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t task = 0; task < tasks; ++task)
      runTask(task);
    return;
  }
#endif
  for (int64_t task = 0; task < tasks; ++task)
    runTask(task);
}

} // namespace

extern "C" void dlc_uk_sgemm(int32_t isa, int64_t batch, int64_t m, int64_t n,
                             int64_t k, int64_t a, int64_t aBatchStride,
                             int64_t aRowStride, int64_t aColStride, int64_t b,
                             int64_t bBatchStride, int64_t bRowStride,
                             int64_t bColStride, int64_t c,
                             int64_t cBatchStride, int64_t cRowStride,
                             int64_t cColStride, int32_t accumulate) {
  runSgemm(isa, batch, m, n, k, reinterpret_cast<const float *>(a),
           aBatchStride, aRowStride, aColStride,
           reinterpret_cast<const float *>(b), bBatchStride, bRowStride,
           bColStride, /*aPacked=*/false, /*bPacked=*/false,
           reinterpret_cast<float *>(c), cBatchStride, cRowStride, cColStride,
           accumulate != 0);
}

extern "C" void dlc_uk_sgemm_packed_b(int32_t isa, int64_t batch, int64_t m,
                                      int64_t n, int64_t k, int64_t a,
                                      int64_t aBatchStride, int64_t aRowStride,
                                      int64_t aColStride, int64_t packedB,
                                      int64_t bBatchStride, int64_t c,
                                      int64_t cBatchStride, int64_t cRowStride,
                                      int64_t cColStride, int32_t accumulate) {
  runSgemm(isa, batch, m, n, k, reinterpret_cast<const float *>(a),
           aBatchStride, aRowStride, aColStride,
           reinterpret_cast<const float *>(packedB), bBatchStride, 0, 0,
           /*aPacked=*/false, /*bPacked=*/true, reinterpret_cast<float *>(c),
           cBatchStride, cRowStride, cColStride, accumulate != 0);
}

extern "C" void dlc_uk_sgemm_packed_a(int32_t isa, int64_t batch, int64_t m,
                                      int64_t n, int64_t k, int64_t packedA,
                                      int64_t aBatchStride, int64_t b,
                                      int64_t bBatchStride, int64_t bRowStride,
                                      int64_t bColStride, int64_t c,
                                      int64_t cBatchStride, int64_t cRowStride,
                                      int64_t cColStride, int32_t accumulate) {
  runSgemm(isa, batch, m, n, k, reinterpret_cast<const float *>(packedA),
           aBatchStride, 0, 0, reinterpret_cast<const float *>(b), bBatchStride,
           bRowStride, bColStride, /*aPacked=*/true,
           /*bPacked=*/false, reinterpret_cast<float *>(c), cBatchStride,
           cRowStride, cColStride, accumulate != 0);
}
