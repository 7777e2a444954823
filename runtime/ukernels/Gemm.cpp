//===- Gemm.cpp - Blocked, packed f32 GEMM and convolution ----------------===//
//
// GotoBLAS blocking: an MC x KC block of A is packed into MR-high panels
// and an MR x NR register tile accumulates over KC with broadcast FMAs,
// reading B with any k stride: pre-packed 16-wide panels (constant
// weights), B itself (few rows, contiguous rows), or a KC x NC block copied
// or, for a convolution, gathered from the input into a row-major block
// (the im2col matrix is never stored whole). Partial tiles use masked loads
// and stores, and the epilogue (bias, residual, clamp) is applied to each
// tile while it is in registers after its last K block. Work is split over
// threads by batch, then columns or rows, whichever wastes less of the
// register tiles.
//
//===----------------------------------------------------------------------===//

#include "Scratch.h"
#include "Ukernels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define DLC_UK_X86 1
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

using dlc::ukernels::Scratch;
using dlc::ukernels::scratchBuffer;

namespace {

// K block. The 12 x 32 AVX-512 kernel's B micro-panel (48 KiB) does not
// stay in L1 at 384, yet 192 measured 2-3% slower: the panel streams from
// L2, and fewer K blocks mean fewer passes over C.
constexpr int64_t kKC = 384;
constexpr int64_t kMC = 96; // A multiple of every MR.
constexpr int64_t kNC = 2048;
constexpr int64_t kNCFewRows = 192; // With A's block, within a 512 KiB L2.
// GPT-2's LM head (128 x 50257 x 768) ran 6-7% faster than with kNC.
constexpr int64_t kNCPacked = 512;
constexpr int64_t kW = DLC_UK_PANEL_WIDTH;

/// The epilogue of one register tile, positioned at its element (0, 0).
struct TileEpilogue {
  const float *rowBias; // rowBias[i], or null
  const float *colBias; // colBias[j], or null
  // residual[i * residualRowStride + j * residualColStride], or null; the
  // vector kernels get column stride 1.
  const float *residual;
  int64_t residualRowStride, residualColStride;
  bool clamp;
  float lo, hi;
};

/// What a kernel call prefetches into L2 while it runs: at k step k, the
/// line holding byte `from + k * step` (step 0 with `from` the call's own B:
/// nothing new). One per step: a burst of them before the call made the
/// kernel's own loads wait.
struct TilePrefetch {
  const char *from;
  int64_t step;
};

/// tile(rows x cols) = sum_k ap[k * aks + 0..MR) (x) b(k, 0..NR), where
/// b(k, j) is bp[(j / 16) * panelStride + k * bks + j % 16] (16-wide
/// panels: bks 16; a row-major block: panelStride 16, bks its row length),
/// stored row-major into `c` (row stride ldc, column stride 1): added to it
/// when `accumulate`, then passed through `ep` unless it is null. All NR
/// columns of b are read, whatever `cols`.
using MicroKernel = void (*)(int64_t kc, const float *ap, int64_t aks,
                             const float *bp, int64_t bks, int64_t panelStride,
                             float *c, int64_t ldc, int64_t rows, int64_t cols,
                             bool accumulate, const TileEpilogue *ep,
                             const TilePrefetch &prefetch);

struct Im2col;
/// Gathers rows [pc, pc + kc) x columns [j0, j0 + nc) of an im2col matrix
/// into a row-major block (rows ldb floats apart, zero-padded).
using Im2colPacker = void (*)(const Im2col &g, int64_t pc, int64_t kc,
                              int64_t j0, int64_t nc, int64_t ldb, float *out);

struct View;
/// Packs rows [0, mc) x cols [0, kc) of `a` into MR-high panels, k-major,
/// zero-padding the last panel.
using APacker = void (*)(const View &a, int64_t mc, int64_t kc, int64_t mr,
                         float *out);

/// The rows x 32 tile (row-major, ldc apart) of B rows at bp + bOffsets[k]:
/// a convolution's implicit im2col matrix read in place.
using OffsetKernel = void (*)(int64_t kc, const float *ap, int64_t aks,
                              const float *bp, const int64_t *bOffsets,
                              float *c, int64_t ldc, int64_t rows,
                              const TilePrefetch &prefetch);

/// Stores an OffsetKernel's tile whose column j is column q0 + j of an
/// implicit im2col product (Implicit below) into the C rows from `c`, cRow
/// apart, as the kernels do into C.
using ImplicitStore = void (*)(const float *tile, int64_t ldt, int64_t rows,
                               int64_t cols, int64_t q0, int64_t wp, int64_t ow,
                               float *c, int64_t cRow, bool accumulate,
                               const TileEpilogue *ep);

/// Stores a kernel's tile (rows x cols of a row-major tile, ldt apart) into
/// a C with adjacent rows and columns cCol apart, as the kernels do into C.
using TransposedStore = void (*)(const float *tile, int64_t ldt, int64_t rows,
                                 int64_t cols, float *c, int64_t cCol,
                                 bool accumulate, const TileEpilogue *ep);

struct KernelInfo {
  int64_t mr, nr;
  MicroKernel kernel;
  Im2colPacker packIm2col;
  APacker packA;
  // Kernels for row tiles of at most 4 and 8 rows (null: `kernel`), so that
  // a partial tile does not pay for 12 rows (64 = 5 x 12 + 4).
  MicroKernel kernel4 = nullptr, kernel8 = nullptr;
  // Null: such a C is stored element by element.
  TransposedStore storeTransposed = nullptr;
  // Null: convolutions gather im2col blocks instead.
  OffsetKernel offsetKernel = nullptr, offsetKernel4 = nullptr,
               offsetKernel8 = nullptr;
  ImplicitStore storeImplicit = nullptr;

  OffsetKernel offsetKernelFor(int64_t rows) const {
    return rows <= 4 ? offsetKernel4 : rows <= 8 ? offsetKernel8 : offsetKernel;
  }

  // Kernels for tiles of at most 16 columns, by rows (null: the above).
  MicroKernel narrow4 = nullptr, narrow8 = nullptr, narrow = nullptr;

  MicroKernel forRows(int64_t rows) const {
    if (rows <= 4 && kernel4)
      return kernel4;
    if (rows <= 8 && kernel8)
      return kernel8;
    return kernel;
  }

  /// The kernel for a rows x cols tile.
  MicroKernel forTile(int64_t rows, int64_t cols) const {
    if (cols <= 16 && narrow)
      return rows <= 4 ? narrow4 : rows <= 8 ? narrow8 : narrow;
    return forRows(rows);
  }
};

inline float applyEpilogue(float v, const TileEpilogue &ep, int64_t i,
                           int64_t j) {
  if (ep.rowBias)
    v += ep.rowBias[i];
  if (ep.colBias)
    v += ep.colBias[j];
  if (ep.residual)
    v += ep.residual[i * ep.residualRowStride + j * ep.residualColStride];
  if (ep.clamp)
    v = std::isnan(v) ? v : std::min(std::max(v, ep.lo), ep.hi);
  return v;
}

void genericKernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
                   int64_t bks, int64_t, float *c, int64_t ldc, int64_t rows,
                   int64_t cols, bool accumulate, const TileEpilogue *ep,
                   const TilePrefetch &) {
  constexpr int kMR = 4, kNR = 16;
  float acc[kMR][kNR] = {};
  for (int64_t k = 0; k < kc; ++k, ap += aks, bp += bks)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNR; ++j)
        acc[i][j] += ap[i] * bp[j];
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float v = (accumulate ? c[i * ldc + j] : 0.0f) + acc[i][j];
      c[i * ldc + j] = ep ? applyEpilogue(v, *ep, i, j) : v;
    }
}

#ifdef DLC_UK_X86
// 6 x 16: 12 ymm accumulators, 2 for B, 1 broadcast of A (15 of 16).
__attribute__((target("avx2,fma"))) void
avx2Kernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
           int64_t bks, int64_t, float *c, int64_t ldc, int64_t rows,
           int64_t cols, bool accumulate, const TileEpilogue *ep,
           const TilePrefetch &prefetch) {
  __m256 acc[6][2];
  for (int i = 0; i < 6; ++i)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  // The C tile is loaded and stored after the loop; fetching it now hides
  // its cache misses behind the FMAs.
  for (int64_t i = 0; i < rows; ++i) {
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + 15), _MM_HINT_T0);
  }
  // Unrolled by 4: 93 instead of 80 GFLOP/s per core on Zen 3.
  // An integer: the address may run past the prefetched buffer.
  uintptr_t next = reinterpret_cast<uintptr_t>(prefetch.from);
#pragma clang loop unroll_count(4)
  for (int64_t k = 0; k < kc; ++k, ap += aks, bp += bks) {
    _mm_prefetch(reinterpret_cast<const char *>(next), _MM_HINT_T1);
    next += prefetch.step;
    __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    for (int i = 0; i < 6; ++i) {
      __m256 ai = _mm256_broadcast_ss(ap + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  const bool full = cols == 16;
  const __m256i count = _mm256_set1_epi32(int(cols));
  const __m256i mask[2] = {
      _mm256_cmpgt_epi32(count, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
      _mm256_cmpgt_epi32(count,
                         _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15))};
#define load(p, h)                                                             \
  (full ? _mm256_loadu_ps((p) + 8 * (h))                                       \
        : _mm256_maskload_ps((p) + 8 * (h), mask[h]))
  __m256 colBias[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  if (ep && ep->colBias)
    colBias[0] = load(ep->colBias, 0), colBias[1] = load(ep->colBias, 1);
  for (int i = 0; i < 6; ++i) {
    if (i >= rows)
      break;
    float *row = c + i * ldc;
    for (int h = 0; h < 2; ++h) {
      __m256 v = acc[i][h];
      if (accumulate)
        v = _mm256_add_ps(v, load(row, h));
      if (ep) {
        if (ep->rowBias)
          v = _mm256_add_ps(v, _mm256_broadcast_ss(ep->rowBias + i));
        if (ep->colBias)
          v = _mm256_add_ps(v, colBias[h]);
        if (ep->residual)
          v = _mm256_add_ps(v,
                            load(ep->residual + i * ep->residualRowStride, h));
        // maxps/minps return their second operand when either is NaN.
        if (ep->clamp)
          v = _mm256_min_ps(_mm256_set1_ps(ep->hi),
                            _mm256_max_ps(_mm256_set1_ps(ep->lo), v));
      }
      if (full)
        _mm256_storeu_ps(row + 8 * h, v);
      else
        _mm256_maskstore_ps(row + 8 * h, mask[h], v);
    }
  }
#undef load
}

/// Stores `mask` lanes of v, a tile's sums, to `dst`: C added first when
/// `accumulate`, then `ep` unless it is null: `bias` (the row and column
/// biases of these lanes), the residual's lanes at `residual` (null: none)
/// and the clamp. maxps/minps return their second operand when either is
/// NaN, so NaN sums stay NaN.
__attribute__((target("avx512f"), always_inline)) inline void
storeLanesAvx512(__m512 v, __mmask16 mask, float *dst, bool accumulate,
                 const TileEpilogue *ep, __m512 bias, const float *residual) {
  if (accumulate)
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, dst));
  if (ep) {
    v = _mm512_add_ps(v, bias);
    if (residual)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, residual));
    if (ep->clamp)
      v = _mm512_min_ps(_mm512_set1_ps(ep->hi),
                        _mm512_max_ps(_mm512_set1_ps(ep->lo), v));
  }
  _mm512_mask_storeu_ps(dst, mask, v);
}

/// The B rows of an AVX-512 kernel call, 32 columns each (two 16-wide
/// halves): row k at b0 + k * step and b1 + k * step.
struct StridedRows {
  const float *b0, *b1;
  int64_t step;
  const float *first() const { return b0; }
  const float *second() const { return b1; }
  void next() { b0 += step, b1 += step; }
};

/// Row k at base + offsets[k], its halves adjacent: the rows of an implicit
/// im2col matrix, read in place from the zero-padded input.
struct OffsetRows {
  const float *base;
  const int64_t *offsets;
  const float *first() const { return base + *offsets; }
  const float *second() const { return base + *offsets + 16; }
  void next() { ++offsets; }
};

// MR x 32, MR <= 12: 2 MR zmm accumulators, 2 for B, 1 broadcast of A (27
// of 32 for MR 12). Reads MR of each k step's aks A values.
// Wide false: MR x 16, for a last tile of at most 16 columns (one B vector;
// the second panel is not read).
template <int MR, typename Rows, bool Wide = true>
__attribute__((target("avx512f"), always_inline)) inline void
avx512Tile(int64_t kc, const float *ap, int64_t aks, Rows b, float *c,
           int64_t ldc, int64_t rows, int64_t cols, bool accumulate,
           const TileEpilogue *ep, const TilePrefetch &prefetch) {
  __m512 acc[MR][2];
  for (int i = 0; i < MR; ++i)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t i = 0; i < rows; ++i) {
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + 31), _MM_HINT_T0);
  }
  // An integer: the address may run past the prefetched buffer.
  uintptr_t next = reinterpret_cast<uintptr_t>(prefetch.from);
#pragma clang loop unroll_count(4)
  for (int64_t k = 0; k < kc; ++k, ap += aks, b.next()) {
    _mm_prefetch(reinterpret_cast<const char *>(next), _MM_HINT_T1);
    next += prefetch.step;
    __m512 b0 = _mm512_loadu_ps(b.first());
    __m512 b1 = Wide ? _mm512_loadu_ps(b.second()) : b0;
    for (int i = 0; i < MR; ++i) {
      __m512 ai = _mm512_set1_ps(ap[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      if (Wide)
        acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  const __mmask16 mask[2] = {__mmask16(cols >= 16 ? 0xffff : (1u << cols) - 1),
                             __mmask16(cols >= 32   ? 0xffff
                                       : cols <= 16 ? 0
                                                    : (1u << (cols - 16)) - 1)};
#define load(p, h) _mm512_maskz_loadu_ps(mask[h], (p) + 16 * (h))
  __m512 colBias[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
  if (ep && ep->colBias)
    colBias[0] = load(ep->colBias, 0), colBias[1] = load(ep->colBias, 1);
  for (int i = 0; i < MR; ++i) {
    if (i >= rows)
      break;
    __m512 rowBias = ep && ep->rowBias ? _mm512_set1_ps(ep->rowBias[i])
                                       : _mm512_setzero_ps();
    for (int h = 0; h < (Wide ? 2 : 1); ++h)
      storeLanesAvx512(acc[i][h], mask[h], c + i * ldc + 16 * h, accumulate, ep,
                       _mm512_add_ps(rowBias, colBias[h]),
                       ep && ep->residual
                           ? ep->residual + i * ep->residualRowStride + 16 * h
                           : nullptr);
  }
#undef load
}

template <int MR, bool Wide = true>
__attribute__((target("avx512f"))) void
avx512Kernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
             int64_t bks, int64_t panelStride, float *c, int64_t ldc,
             int64_t rows, int64_t cols, bool accumulate,
             const TileEpilogue *ep, const TilePrefetch &prefetch) {
  avx512Tile<MR, StridedRows, Wide>(kc, ap, aks,
                                    StridedRows{bp, bp + panelStride, bks}, c,
                                    ldc, rows, cols, accumulate, ep, prefetch);
}

/// The rows x 32 tile of an implicit im2col B (OffsetRows), stored into c.
template <int MR>
__attribute__((target("avx512f"))) void
avx512OffsetKernel(int64_t kc, const float *ap, int64_t aks, const float *bp,
                   const int64_t *bOffsets, float *c, int64_t ldc, int64_t rows,
                   const TilePrefetch &prefetch) {
  avx512Tile<MR>(kc, ap, aks, OffsetRows{bp, bOffsets}, c, ldc, rows, 32, false,
                 nullptr, prefetch);
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

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct View {
  const float *data;
  int64_t rowStride, colStride;
};

/// The im2col matrix of one image: row (c, i, j) (row-major over C x KH x
/// KW), column `firstColumn + n` the output pixel n in row-major order.
struct Im2col {
  const float *input;
  int64_t h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, ow;
  int64_t firstColumn;
};

/// The im2col matrix of a convolution over its zero-padded input (split
/// into phases when strided: padImplicit), read in place: row k (c, i, j)
/// of column q is data[offsets[k] + q], where q runs over planes wp columns
/// wide, so that each row's columns are contiguous; columns with q % wp >=
/// ow are padding, computed and dropped. `data` is at this part's first
/// column `firstColumn`.
struct Implicit {
  const float *data;
  const int64_t *offsets;
  int64_t wp, ow, firstColumn;
};

/// The epilogue of a whole (batch entry of a) product, at element (0, 0) of
/// a thread's part.
struct Epilogue {
  const float *rowBias = nullptr, *colBias = nullptr, *residual = nullptr;
  int64_t residualRowStride = 0, residualColStride = 0;
  bool clamp = false;
  float lo = 0.0f, hi = 0.0f;

  bool any() const { return rowBias || colBias || residual || clamp; }
  /// Element (i, j) with the epilogue applied to `v`.
  float apply(float v, int64_t i, int64_t j) const {
    return applyEpilogue(v, at(0, 0), i, j);
  }
  /// The tile epilogue at (i, j), if the kernels can apply it in place.
  TileEpilogue at(int64_t i, int64_t j) const {
    return {rowBias ? rowBias + i : nullptr,
            colBias ? colBias + j : nullptr,
            residual ? residual + i * residualRowStride + j * residualColStride
                     : nullptr,
            residualRowStride,
            residualColStride,
            clamp,
            lo,
            hi};
  }
};

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

#ifdef DLC_UK_X86
/// column[c] = lane c of r[0..16): a 16 x 16 transpose by 32-bit, then
/// 64-bit interleaves within 128-bit lanes, then two rounds of lane
/// shuffles.
__attribute__((target("avx512f"), always_inline)) inline void
transpose16x16(const __m512 *r, __m512 *column) {
  __m512 t[16], u[16], w[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int g = 0; g < 4; ++g) {
    __m512d e0 = _mm512_castps_pd(t[4 * g]);
    __m512d e1 = _mm512_castps_pd(t[4 * g + 1]);
    __m512d e2 = _mm512_castps_pd(t[4 * g + 2]);
    __m512d e3 = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(e0, e2));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(e0, e2));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(e1, e3));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(e1, e3));
  }
  // u[4g + j], 128-bit lane l: rows 4g..4g+3 of column 4l + j.
  for (int j = 0; j < 4; ++j) {
    w[j] = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88);
    w[4 + j] = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xdd);
    w[8 + j] = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
    w[12 + j] = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xdd);
  }
  for (int j = 0; j < 4; ++j) {
    column[j] = _mm512_shuffle_f32x4(w[j], w[8 + j], 0x88);
    column[8 + j] = _mm512_shuffle_f32x4(w[j], w[8 + j], 0xdd);
    column[4 + j] = _mm512_shuffle_f32x4(w[4 + j], w[12 + j], 0x88);
    column[12 + j] = _mm512_shuffle_f32x4(w[4 + j], w[12 + j], 0xdd);
  }
}

/// packA for the 12-row AVX-512 panels: rows with unit column stride are
/// transposed 16 columns at a time in registers (the scalar copy's strided
/// stores were 8% of BERT-base); adjacent rows (a transposed operand) are
/// copied 12 at a time.
__attribute__((target("avx512f"))) void
packAAvx512(const View &a, int64_t mc, int64_t kc, int64_t mr, float *out) {
  if (mr == 12 && a.rowStride == 1) {
    for (int64_t p = 0; p < mc; p += 12, out += kc * 12) {
      int64_t rows = std::min<int64_t>(12, mc - p);
      const __mmask16 mask = __mmask16((1u << rows) - 1);
      for (int64_t k = 0; k < kc; ++k)
        _mm512_mask_storeu_ps(
            out + k * 12, 0x0fff,
            _mm512_maskz_loadu_ps(mask, a.data + p + k * a.colStride));
    }
    return;
  }
  if (a.colStride != 1 || mr != 12) {
    packA(a, mc, kc, mr, out);
    return;
  }
  for (int64_t p = 0; p < mc; p += 12, out += kc * 12) {
    int64_t rows = std::min<int64_t>(12, mc - p);
    for (int64_t k0 = 0; k0 < kc; k0 += 16) {
      int64_t cols = std::min<int64_t>(16, kc - k0);
      __mmask16 mask =
          cols == 16 ? __mmask16(0xffff) : __mmask16((1u << cols) - 1);
      __m512 r[16], column[16];
      for (int i = 0; i < 16; ++i)
        r[i] = i < rows ? _mm512_maskz_loadu_ps(
                              mask, a.data + (p + i) * a.rowStride + k0)
                        : _mm512_setzero_ps();
      transpose16x16(r, column);
      for (int64_t c = 0; c < cols; ++c)
        _mm512_mask_storeu_ps(out + (k0 + c) * 12, 0x0fff, column[c]);
    }
  }
}

/// Stores a tile of rows <= 12 x cols (row-major, `ldt` apart) into a C
/// whose rows are adjacent and columns `cCol` apart (a product computed
/// transposed: NCHW convolution outputs with few pixels): 16 columns at a
/// time are transposed in registers, then each is one masked store. Adds
/// C first when `accumulate`, then applies `ep` unless it is null (its
/// residual rows adjacent too).
__attribute__((target("avx512f"))) void
storeTransposedAvx512(const float *tile, int64_t ldt, int64_t rows,
                      int64_t cols, float *c, int64_t cCol, bool accumulate,
                      const TileEpilogue *ep) {
  const __mmask16 mask = __mmask16((1u << rows) - 1);
  __m512 rowBias = ep && ep->rowBias ? _mm512_maskz_loadu_ps(mask, ep->rowBias)
                                     : _mm512_setzero_ps();
  for (int64_t j0 = 0; j0 < cols; j0 += 16) {
    __m512 r[16], column[16];
    for (int i = 0; i < 16; ++i)
      r[i] =
          i < rows ? _mm512_loadu_ps(tile + i * ldt + j0) : _mm512_setzero_ps();
    transpose16x16(r, column);
    for (int64_t j = j0; j < std::min<int64_t>(cols, j0 + 16); ++j)
      storeLanesAvx512(
          column[j - j0], mask, c + j * cCol, accumulate, ep,
          ep && ep->colBias
              ? _mm512_add_ps(rowBias, _mm512_set1_ps(ep->colBias[j]))
              : rowBias,
          ep && ep->residual ? ep->residual + j * ep->residualColStride
                             : nullptr);
  }
}

/// ImplicitStore: column q of the padded-width product is output pixel
/// (q / wp) * ow + q % wp, or padding when q % wp >= ow (not stored). The
/// epilogue has no column bias and its residual rows are pixels.
__attribute__((target("avx512f"))) void
storeImplicitAvx512(const float *tile, int64_t ldt, int64_t rows, int64_t cols,
                    int64_t q0, int64_t wp, int64_t ow, float *c, int64_t cRow,
                    bool accumulate, const TileEpilogue *ep) {
  for (int64_t j = 0; j < cols;) {
    int64_t q = q0 + j, x = q % wp;
    if (x >= ow) {
      j += wp - x;
      continue;
    }
    // A run of pixels in one output row.
    int64_t run = std::min(cols - j, ow - x), pixel = (q / wp) * ow + x;
    for (int64_t t = 0; t < run; t += 16) {
      int64_t n = std::min<int64_t>(16, run - t);
      const __mmask16 mask =
          n == 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1);
      for (int64_t i = 0; i < rows; ++i)
        storeLanesAvx512(_mm512_maskz_loadu_ps(mask, tile + i * ldt + j + t),
                         mask, c + i * cRow + pixel + t, accumulate, ep,
                         ep && ep->rowBias ? _mm512_set1_ps(ep->rowBias[i])
                                           : _mm512_setzero_ps(),
                         ep && ep->residual
                             ? ep->residual + i * ep->residualRowStride +
                                   pixel + t
                             : nullptr);
    }
    j += run;
  }
}
#endif

/// Packs rows [0, kc) x cols [0, nc) of `b` into 16-wide panels, k-major,
/// zero-padding up to `panels` panels (the layout of Ukernels.h).
void packB(const View &b, int64_t kc, int64_t nc, int64_t panels, float *out) {
  if (b.colStride == 1) {
    // Row by row: B is read sequentially (from DRAM, a column strip would
    // touch a new page every 64 bytes).
    for (int64_t k = 0; k < kc; ++k) {
      const float *src = b.data + k * b.rowStride;
      for (int64_t p = 0; p < panels; ++p) {
        float *dst = out + p * kc * kW + k * kW;
        int64_t cols = std::max<int64_t>(0, std::min(kW, nc - p * kW));
        // A constant-size copy for full panels: inlined, not a library call
        // per 64 bytes.
        if (cols == kW) {
          std::memcpy(dst, src + p * kW, kW * sizeof(float));
          continue;
        }
        for (int64_t j = 0; j < cols; ++j)
          dst[j] = src[p * kW + j];
        for (int64_t j = cols; j < kW; ++j)
          dst[j] = 0.0f;
      }
    }
    return;
  }
  for (int64_t p = 0; p < panels; ++p, out += kc * kW) {
    int64_t cols = std::max<int64_t>(0, std::min(kW, nc - p * kW));
    for (int64_t j = 0; j < kW; ++j) {
      if (j >= cols) {
        for (int64_t k = 0; k < kc; ++k)
          out[k * kW + j] = 0.0f;
        continue;
      }
      const float *src = b.data + (p * kW + j) * b.colStride;
      for (int64_t k = 0; k < kc; ++k)
        out[k * kW + j] = src[k * b.rowStride];
    }
  }
}

/// Copies rows [0, kc) x cols [0, nc) of `b` into a row-major block with
/// rows `ldb` floats apart, zero from column nc to ldb.
void packBRows(const View &b, int64_t kc, int64_t nc, int64_t ldb, float *out) {
  for (int64_t k = 0; k < kc; ++k, out += ldb) {
    const float *src = b.data + k * b.rowStride;
    if (b.colStride == 1)
      std::memcpy(out, src, nc * sizeof(float));
    else
      for (int64_t j = 0; j < nc; ++j)
        out[j] = src[j * b.colStride];
    for (int64_t j = nc; j < ldb; ++j)
      out[j] = 0.0f;
  }
}

/// Gathers rows [pc, pc + kc) x columns [j0, j0 + nc) of an im2col matrix
/// into a row-major block with rows `ldb` floats apart, zero from column nc
/// to ldb: one run per output image row (a contiguous copy for unit
/// stride), which vectorizes whatever the image width. Always inlined into
/// per-ISA wrappers.
__attribute__((always_inline)) inline void
packIm2colBlock(const Im2col &g, int64_t pc, int64_t kc, int64_t j0, int64_t nc,
                int64_t ldb, float *out) {
  const int64_t firstPixel = g.firstColumn + j0;
  const int64_t y0 = firstPixel / g.ow, x0 = firstPixel % g.ow;
  int64_t c = pc / (g.kh * g.kw), i = pc / g.kw % g.kh, jj = pc % g.kw;
  for (int64_t k = 0; k < kc; ++k) {
    float *row = out + k * ldb;
    const float *plane = g.input + c * g.h * g.w;
    int64_t dy = i * g.dh - g.padTop, dx = jj * g.dw - g.padLeft;
    if (++jj == g.kw) {
      jj = 0;
      if (++i == g.kh)
        i = 0, ++c;
    }
    for (int64_t t = 0, y = y0, x = x0; t < nc; t += g.ow - x, x = 0, ++y) {
      int64_t len = std::min(nc - t, g.ow - x);
      float *dst = row + t;
      int64_t iy = y * g.sh + dy;
      if (iy < 0 || iy >= g.h) {
        for (int64_t u = 0; u < len; ++u)
          dst[u] = 0.0f;
        continue;
      }
      const float *src = plane + iy * g.w;
      int64_t ix = x * g.sw + dx;
      // Output columns u in [begin, end) read inside the image (no
      // divisions for unit stride: they were 8% of a 3x3 convolution).
      int64_t begin, end;
      if (g.sw == 1) {
        begin = std::clamp<int64_t>(-ix, 0, len);
        end = std::clamp<int64_t>(g.w - ix, begin, len);
      } else {
        begin = ix >= 0 ? 0 : std::min(len, (-ix + g.sw - 1) / g.sw);
        end = std::clamp<int64_t>((g.w - ix + g.sw - 1) / g.sw, begin, len);
      }
      for (int64_t u = 0; u < begin; ++u)
        dst[u] = 0.0f;
      if (g.sw == 1) {
        const float *from = src + ix;
#pragma clang loop vectorize_width(16) interleave_count(1)
        for (int64_t u = begin; u < end; ++u)
          dst[u] = from[u];
      } else {
        for (int64_t u = begin; u < end; ++u)
          dst[u] = src[ix + u * g.sw];
      }
      for (int64_t u = end; u < len; ++u)
        dst[u] = 0.0f;
    }
    for (int64_t t = nc; t < ldb; ++t)
      row[t] = 0.0f;
  }
}

void packIm2colBlockGeneric(const Im2col &g, int64_t pc, int64_t kc, int64_t j0,
                            int64_t nc, int64_t ldb, float *out) {
  packIm2colBlock(g, pc, kc, j0, nc, ldb, out);
}

#ifdef DLC_UK_X86
__attribute__((target("avx2,fma"))) void
packIm2colBlockAvx2(const Im2col &g, int64_t pc, int64_t kc, int64_t j0,
                    int64_t nc, int64_t ldb, float *out) {
  packIm2colBlock(g, pc, kc, j0, nc, ldb, out);
}

__attribute__((target("avx512f"))) void
packIm2colBlockAvx512(const Im2col &g, int64_t pc, int64_t kc, int64_t j0,
                      int64_t nc, int64_t ldb, float *out) {
  packIm2colBlock(g, pc, kc, j0, nc, ldb, out);
}
#endif

/// A thread's packing buffers.
thread_local Scratch scratchA, scratchB;

KernelInfo kernelFor(int32_t isa) {
#ifdef DLC_UK_X86
  if (isa >= DLC_UK_ISA_AVX512)
    return {12,
            32,
            avx512Kernel<12>,
            packIm2colBlockAvx512,
            packAAvx512,
            avx512Kernel<4>,
            avx512Kernel<8>,
            storeTransposedAvx512,
            avx512OffsetKernel<12>,
            avx512OffsetKernel<4>,
            avx512OffsetKernel<8>,
            storeImplicitAvx512,
            avx512Kernel<4, false>,
            avx512Kernel<8, false>,
            avx512Kernel<12, false>};
  if (isa >= DLC_UK_ISA_AVX2)
    return {6, 16, avx2Kernel, packIm2colBlockAvx2, packA};
#endif
  return {4, 16, genericKernel, packIm2colBlockGeneric, packA};
}

/// A as the kernels read it: a strided view packed per block, or panels of
/// DLC_UK_A_PANEL_HEIGHT rows packed ahead of time (Ukernels.h), whose row 0
/// is this part's first row `firstRow` of the whole matrix.
struct ASource {
  View view;
  const float *packed = nullptr;
  int64_t firstRow = 0;
};

/// B as the kernels read it: a strided view, panels packed ahead of time
/// (starting at this part's first column, `packedK` rows each), or the
/// im2col matrix of a convolution; the last two are packed as they are used.
struct BSource {
  enum Kind { kView, kPacked, kIm2col, kImplicit } kind = kView;
  View view;
  const float *packed = nullptr;
  int64_t packedK = 0;
  Im2col im2col;
  Implicit implicit;
};

/// B's rows [pc, pc + kc) x columns [j0, j0 + nc) as a view.
View viewBlock(const BSource &b, int64_t pc, int64_t j0) {
  return {b.view.data + pc * b.view.rowStride + j0 * b.view.colStride,
          b.view.rowStride, b.view.colStride};
}

/// Packs rows [pc, pc + kc) x columns [j0, j0 + nc) of a strided or
/// im2col B into a row-major block with rows `ldb` floats apart.
void packBlock(const KernelInfo &info, const BSource &b, int64_t pc, int64_t kc,
               int64_t j0, int64_t nc, int64_t ldb, float *out) {
  if (b.kind == BSource::kView) {
    packBRows(viewBlock(b, pc, j0), kc, nc, ldb, out);
    return;
  }
  info.packIm2col(b.im2col, pc, kc, j0, nc, ldb, out);
}

/// Pre-packed B (weights) streams from memory, and the first row tile to
/// use a panel waited for it (in GPT-2, products ran 12-22% slower than
/// with B cached): the row tiles of a column panel prefetch the next one,
/// `panels` 16-wide panels at `next` (panelStride apart, kc lines each),
/// tile t a share of panel t % panels. Returns `none` for tiles with
/// nothing to fetch.
TilePrefetch nextBPanelsPrefetch(const float *next, int64_t panels,
                                 int64_t panelStride, int64_t kc,
                                 int64_t rowTile, int64_t rowTiles,
                                 TilePrefetch none) {
  // An odd tile count gives the first panel one more tile.
  int64_t panel = rowTile % panels;
  int64_t share = ceilDiv(kc, (rowTiles - panel + panels - 1) / panels);
  int64_t firstLine = rowTile / panels * share;
  if (firstLine >= kc)
    return none;
  // Lines of 16 floats: `share` lines over kc steps.
  return {reinterpret_cast<const char *>(next + panel * panelStride) +
              firstLine * kW * int64_t(sizeof(float)),
          ceilDiv(std::min(share, kc - firstLine) * 64, kc)};
}

/// Pre-packed A (convolution filters) streams from memory too: the tiles of
/// one (pc, ic) block prefetch the A panels of the block that runs next,
/// tile t a share of panel t / tilesPerPanel.
struct NextAPanels {
  const float *first = nullptr; // null: nothing to prefetch
  int64_t panels = 0, lines = 0, tilesPerPanel = 1, share = 0, panelStride = 0;

  /// For the block at rows ic and K offset pc of an m x k product whose
  /// packed A starts at row a.firstRow, with `tiles` kernel calls.
  NextAPanels(const ASource &a, int64_t m, int64_t k, int64_t ic, int64_t pc,
              int64_t tiles) {
    constexpr int64_t h = DLC_UK_A_PANEL_HEIGHT;
    // The loops run jc, pc, ic: the next block is the next rows of this K
    // block, or the first rows of the next one.
    int64_t nextIc = ic + kMC, nextPc = pc;
    if (nextIc >= m)
      nextIc = 0, nextPc = pc + kKC;
    if (!a.packed || nextPc >= k)
      return;
    int64_t firstRow = a.firstRow + nextIc;
    int64_t lastRow = firstRow + std::min(kMC, m - nextIc) - 1;
    panels = lastRow / h - firstRow / h + 1;
    // (+1: a panel's K block need not start on a line.)
    lines =
        ceilDiv(std::min(kKC, k - nextPc) * h * int64_t(sizeof(float)), 64) + 1;
    tilesPerPanel = std::max<int64_t>(1, tiles / panels);
    share = ceilDiv(lines, tilesPerPanel);
    panelStride = k * h;
    first = a.packed + ((firstRow / h) * k + nextPc) * h;
  }

  /// What kernel call `tile` of the block (of kc K steps) prefetches.
  TilePrefetch forTile(int64_t tile, int64_t kc, TilePrefetch none) const {
    int64_t panel = tile / tilesPerPanel;
    int64_t firstLine = tile % tilesPerPanel * share;
    if (!first || panel >= panels || firstLine >= lines)
      return none;
    // At most a line per step: a short last K block covers less.
    return {reinterpret_cast<const char *>(first + panel * panelStride) +
                firstLine * 64,
            std::min<int64_t>(
                64, ceilDiv(std::min(share, lines - firstLine) * 64, kc))};
  }
};

/// The A panel of rows [row, row + rows) and K block [pc, pc + kc) as the
/// kernels read it: `ks` floats per k step.
struct APanel {
  const float *data;
  int64_t ks;
};

/// Pre-packed A's panel, or the panel packed into `scratch` when `pack`
/// (once per block, at its first column panel: one sequential stream for
/// the broadcasts).
APanel aPanel(const KernelInfo &info, const ASource &a, int64_t k, int64_t row,
              int64_t pc, int64_t kc, int64_t rows, float *scratch, bool pack) {
  if (a.packed) {
    constexpr int64_t h = DLC_UK_A_PANEL_HEIGHT;
    row += a.firstRow;
    return {a.packed + ((row / h) * k + pc) * h + row % h, h};
  }
  if (pack)
    info.packA({a.view.data + row * a.view.rowStride + pc * a.view.colStride,
                a.view.rowStride, a.view.colStride},
               rows, kc, info.mr, scratch);
  return {scratch, info.mr};
}

/// Columns of an implicit im2col product per block: its C block stays in
/// L2 between K blocks.
constexpr int64_t kNCImplicit = 512;
/// Floats after an implicit im2col input: a last tile reads up to 31
/// columns past it.
constexpr int64_t kImplicitSlack = 32;

/// gemmSerial for an implicit im2col B: no packing, each kernel reads the
/// padded input through the row offsets; `c` is at this part's first row
/// and pixel 0, and so is the epilogue.
void gemmImplicit(const KernelInfo &info, int64_t m, int64_t n, int64_t k,
                  const ASource &a, const Implicit &b, float *c, int64_t cRow,
                  bool accumulate, const Epilogue &ep) {
  const int64_t mr = info.mr, nr = info.nr;
  float *packedA =
      a.packed ? nullptr
               : scratchBuffer(scratchA, size_t(kMC + mr) * std::min(kKC, k));
  if (!a.packed && !packedA)
    std::abort(); // Out of memory: a few hundred KiB per thread.
  alignas(64) float tile[12 * 32];
  const bool hasEpilogue = ep.any();
  for (int64_t jc = 0; jc < n; jc += kNCImplicit) {
    int64_t nc = std::min(kNCImplicit, n - jc);
    for (int64_t pc = 0; pc < k; pc += kKC) {
      int64_t kc = std::min(kKC, k - pc);
      bool add = accumulate || pc > 0;
      bool last = pc + kc >= k;
      for (int64_t ic = 0; ic < m; ic += kMC) {
        int64_t mc = std::min(kMC, m - ic);
        const int64_t rowTiles = ceilDiv(mc, mr);
        const NextAPanels nextA(a, m, k, ic, pc, ceilDiv(nc, nr) * rowTiles);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int64_t cols = std::min(nr, nc - jr);
          const float *bp = b.data + jc + jr;
          for (int64_t ir = 0; ir < mc; ir += mr) {
            int64_t rows = std::min(mr, mc - ir);
            TilePrefetch prefetch = nextA.forTile(
                (jr / nr) * rowTiles + ir / mr, kc,
                {reinterpret_cast<const char *>(bp + b.offsets[pc]), 0});
            const APanel ap = aPanel(info, a, k, ic + ir, pc, kc, rows,
                                     packedA ? packedA + ir * kc : nullptr,
                                     /*pack=*/jr == 0);
            info.offsetKernelFor(rows)(kc, ap.data, ap.ks, bp, b.offsets + pc,
                                       tile, nr, rows, prefetch);
            TileEpilogue tileEp;
            if (last && hasEpilogue)
              tileEp = ep.at(ic + ir, 0);
            info.storeImplicit(tile, nr, rows, cols, b.firstColumn + jc + jr,
                               b.wp, b.ow, c + (ic + ir) * cRow, cRow, add,
                               last && hasEpilogue ? &tileEp : nullptr);
          }
        }
      }
    }
  }
}

/// One thread's C(m x n) = A(m x k) * B(k x n) (+ C), then the epilogue.
void gemmSerial(const KernelInfo &info, int64_t m, int64_t n, int64_t k,
                const ASource &a, const BSource &b, float *c, int64_t cRow,
                int64_t cCol, bool accumulate, const Epilogue &ep) {
  if (m <= 0 || n <= 0)
    return;
  if (b.kind == BSource::kImplicit && k > 0) {
    gemmImplicit(info, m, n, k, a, b.implicit, c, cRow, accumulate, ep);
    return;
  }
  const int64_t mr = info.mr, nr = info.nr;
  // Strided C or residual: the kernels write a local tile that is copied.
  const bool direct = cCol == 1 && (!ep.residual || ep.residualColStride == 1);
  const bool transposed = !direct && info.storeTransposed && cRow == 1 &&
                          (!ep.residual || ep.residualRowStride == 1);
  const bool hasEpilogue = ep.any();
  if (k <= 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float &out = c[i * cRow + j * cCol];
        out = ep.apply(accumulate ? out : 0.0f, i, j);
      }
    return;
  }
  const int64_t kcMax = std::min(kKC, k);
  // All rows of a strided B in one block: B is read a panel at a time, in
  // place when its rows are contiguous, else packed just before its row
  // panels use it. An im2col block is gathered row by row; with few rows it
  // is narrower, so that it stays in L2. Pre-packed B is read in place in
  // narrower blocks too, which keeps the C block in L2 between K blocks.
  const bool panelAtATime = b.kind == BSource::kView && m <= kMC;
  const int64_t ncBlock = b.kind == BSource::kPacked               ? kNCPacked
                          : b.kind == BSource::kIm2col && m <= kMC ? kNCFewRows
                                                                   : kNC;
  const int64_t ncMax = std::min(ncBlock, ceilDiv(n, nr) * nr);
  // A packed block is row-major, its rows an odd number of 16-float chunks
  // apart: successive rows then fall in different L1 sets (the kernels read
  // NR columns of kc rows), and every tile's NR columns are inside the row.
  const int64_t ldb = (ceilDiv(ncMax, kW) | 1) * kW;
  float *packedB =
      b.kind == BSource::kPacked
          ? nullptr
          : scratchBuffer(scratchB, size_t(panelAtATime ? nr : ldb) * kcMax);
  float *packedA = scratchBuffer(scratchA, size_t(kMC + mr) * kcMax);
  if (!packedA || (b.kind != BSource::kPacked && !packedB))
    std::abort(); // Out of memory: a few hundred KiB per thread.
  alignas(64) float tile[12 * 32];

  for (int64_t jc = 0; jc < n; jc += ncBlock) {
    int64_t nc = std::min(ncBlock, n - jc);
    for (int64_t pc = 0; pc < k; pc += kKC) {
      int64_t kc = std::min(kKC, k - pc);
      bool add = accumulate || pc > 0;
      bool last = pc + kc >= k;
      // Element (k, j) of this block is at blockB[(j / 16) * panelStride +
      // k * bks + j % 16]: 16-wide panels (pre-packed or a panel at a time)
      // or a row-major block.
      const float *blockB = packedB;
      int64_t panelStride = kc * kW, bks = kW;
      if (b.kind == BSource::kPacked) {
        blockB = b.packed + (jc / kW) * b.packedK * kW + pc * kW;
        panelStride = b.packedK * kW;
      } else if (!panelAtATime) {
        packBlock(info, b, pc, kc, jc, nc, ldb, packedB);
        panelStride = kW;
        bks = ldb;
      }
      for (int64_t ic = 0; ic < m; ic += kMC) {
        int64_t mc = std::min(kMC, m - ic);
        const int64_t rowTiles = ceilDiv(mc, mr);
        const NextAPanels nextA(a, m, k, ic, pc, ceilDiv(nc, nr) * rowTiles);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int64_t cols = std::min(nr, nc - jr);
          const float *bp = blockB + (jr / kW) * panelStride;
          // With few rows, B is read in place when its rows are
          // contiguous (1x1 convolutions: 16-64 output channels ran 1.2-1.8
          // times faster than packing each panel first, rows 4 or 16 KiB
          // apart included, on a 48 KiB 12-way L1); a partial panel is
          // packed, since the kernels read all NR columns.
          int64_t tileBks = bks, tilePanelStride = panelStride;
          if (panelAtATime && cols == nr && b.view.colStride == 1) {
            View view = viewBlock(b, pc, jc + jr);
            bp = view.data;
            tileBks = view.rowStride;
            tilePanelStride = kW;
          } else if (panelAtATime) {
            packB(viewBlock(b, pc, jc + jr), kc, cols, nr / kW, packedB);
            bp = packedB;
          }
          // Only with enough tiles that one prefetch per k step covers
          // the next panels.
          const int64_t panels = nr / kW;
          const bool prefetchNextB = b.kind == BSource::kPacked &&
                                     jr + nr < nc && rowTiles >= 2 * panels;
          // A next panel read in place: its kc rows are a stride apart, too
          // many streams for the hardware prefetcher; row tile t fetches
          // line t of each row.
          const char *nextInPlace = nullptr;
          int64_t nextInPlaceLines = 0;
          if (panelAtATime && jr + 2 * nr <= nc && b.view.colStride == 1) {
            auto first = reinterpret_cast<uintptr_t>(
                viewBlock(b, pc, jc + jr + nr).data);
            nextInPlace =
                reinterpret_cast<const char *>(first & ~uintptr_t(63));
            nextInPlaceLines =
                ceilDiv(int64_t(first & 63) + nr * int64_t(sizeof(float)), 64);
          }
          for (int64_t ir = 0; ir < mc; ir += mr) {
            int64_t rows = std::min(mr, mc - ir);
            TilePrefetch prefetch{reinterpret_cast<const char *>(bp), 0};
            if (prefetchNextB)
              prefetch = nextBPanelsPrefetch(
                  blockB + ((jr + nr) / kW) * panelStride, panels, panelStride,
                  kc, ir / mr, rowTiles, prefetch);
            else if (nextInPlace && ir / mr < nextInPlaceLines)
              prefetch = {nextInPlace + (ir / mr) * 64,
                          b.view.rowStride * int64_t(sizeof(float))};
            else
              prefetch =
                  nextA.forTile((jr / nr) * rowTiles + ir / mr, kc, prefetch);
            const APanel ap = aPanel(info, a, k, ic + ir, pc, kc, rows,
                                     packedA ? packedA + ir * kc : nullptr,
                                     /*pack=*/jr == 0);
            int64_t i0 = ic + ir, j0 = jc + jr;
            float *cTile = c + i0 * cRow + j0 * cCol;
            TileEpilogue tileEp;
            if (last && hasEpilogue)
              tileEp = ep.at(i0, j0);
            const TileEpilogue *tileEpPtr =
                last && hasEpilogue ? &tileEp : nullptr;
            if (direct) {
              info.forTile(rows, cols)(kc, ap.data, ap.ks, bp, tileBks,
                                       tilePanelStride, cTile, cRow, rows, cols,
                                       add, tileEpPtr, prefetch);
              continue;
            }
            info.forTile(rows, cols)(kc, ap.data, ap.ks, bp, tileBks,
                                     tilePanelStride, tile, nr, rows, nr, false,
                                     nullptr, prefetch);
            if (transposed) {
              info.storeTransposed(tile, nr, rows, cols, cTile, cCol, add,
                                   tileEpPtr);
              continue;
            }
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                float &out = cTile[i * cRow + j * cCol];
                float v = (add ? out : 0.0f) + tile[i * nr + j];
                out = tileEpPtr ? ep.apply(v, i0 + i, j0 + j) : v;
              }
          }
        }
      }
    }
  }
}

} // namespace

extern "C" int32_t dlc_uk_effective_isa(int32_t isa) {
  return std::min(isa, cpuIsa());
}

namespace {

/// A batched product as runProduct splits it. Operands of batch entry `bi`
/// are found by the callbacks' arithmetic on the base pointers.
struct Product {
  int64_t batch, m, n, k;
  // A: packed (12-row panels, batch stride in packed elements) or a view.
  const float *a;
  int64_t aBatchStride, aRowStride, aColStride;
  bool aPacked;
  // B: a view, pre-packed panels, or the im2col matrix of an image.
  BSource::Kind bKind;
  const float *b;
  int64_t bBatchStride, bRowStride, bColStride;
  Im2col im2col; // input is image 0; bBatchStride steps images.
  Implicit implicit; // likewise
  float *c;
  int64_t cBatchStride, cRowStride, cColStride;
  bool accumulate;
  // Epilogue of the whole product.
  const float *bias;
  int32_t biasMode;
  const float *residual;
  int64_t residualBatchStride, residualRowStride, residualColStride;
  bool clamp;
  float lo, hi;
};

/// Splits the batched product over the threads and runs each part.
void runProduct(int32_t isa, const Product &p) {
  if (p.batch <= 0 || p.m <= 0 || p.n <= 0)
    return;
  const KernelInfo info = kernelFor(dlc_uk_effective_isa(isa));
  int threads = 1;
#ifdef _OPENMP
  // Small products and calls from parallel loops run on this thread.
  double flops =
      2.0 * double(p.batch) * double(p.m) * double(p.n) * double(p.k);
  if (!omp_in_parallel() && flops >= 2.0e5)
    threads = omp_get_max_threads();
#endif
  // Split batch first, then columns and rows into about `threads` parts:
  // the split whose busiest thread costs least, in rows computed per column
  // tile (4- and 8-row kernels for the last rows) plus what it packs, reads
  // and streams. Packing a column tile of B costs 8 rows' worth of it,
  // reading it in place 4. Large pre-packed weights stream from memory, at
  // about twice a tile's compute per panel (12 rows of A; 32 columns of B,
  // 64 rows' worth), so that a split making every thread read all of them
  // costs that much more: ResNet-50's 7x7 convolutions, split by their 2
  // column tiles, scaled 1.5 times on 2 threads (ResNet-50 38.5 -> 36.7 ms
  // with this model).
  int64_t nParts = 1, mParts = 1;
  if (p.batch < threads) {
    int64_t wanted = ceilDiv(threads, p.batch);
    int64_t nTiles = ceilDiv(p.n, info.nr), mTiles = ceilDiv(p.m, info.mr);
    const bool packsB =
        p.bKind == BSource::kIm2col || (p.bKind == BSource::kView && p.m > kMC);
    // B read in place (from L2 or further) costs about half its packing.
    const double bCost = packsB ? 8.0 : p.bKind == BSource::kPacked ? 0.0 : 4.0;
    // Weights over 1 MiB (half an L2 here) come from memory every call.
    constexpr double kCached = 1 << 20;
    const double weightBytes = double(p.k) * sizeof(float);
    const bool aStreams = p.aPacked && weightBytes * double(p.m) > kCached;
    const bool bStreams =
        p.bKind == BSource::kPacked && weightBytes * double(p.n) > kCached;
    auto rowCost = [&](int64_t rows) {
      int64_t last = rows % info.mr;
      int64_t lastCost = last == 0                   ? 0
                         : last <= 4 && info.kernel4 ? 4
                         : last <= 8 && info.kernel8 ? 8
                                                     : info.mr;
      return double(rows - last + lastCost);
    };
    double best = -1;
    for (int64_t np = 1; np <= wanted; ++np) {
      int64_t mp = ceilDiv(wanted, np);
      if (np > nTiles || mp > mTiles)
        continue;
      int64_t rows =
          std::min(p.m, ceilDiv(ceilDiv(p.m, mp), info.mr) * info.mr);
      double colTiles = double(ceilDiv(nTiles, np)), rowsCost = rowCost(rows);
      double cost = colTiles * (rowsCost + bCost);
      if (aStreams)
        cost += 2.0 * rowsCost;
      if (bStreams)
        cost += 64.0 * colTiles;
      if (best < 0 || cost < best)
        best = cost, nParts = np, mParts = mp;
    }
  }
  // Column parts in half tiles when a 16-column kernel exists (160
  // columns on 2 threads: 32 + 32 + 16 each, not 3 tiles and 2).
  const int64_t nStep = info.narrow ? kW : info.nr;
  int64_t nChunk = ceilDiv(ceilDiv(p.n, nParts), nStep) * nStep;
  int64_t mChunk = ceilDiv(ceilDiv(p.m, mParts), info.mr) * info.mr;
  nParts = ceilDiv(p.n, nChunk);
  mParts = ceilDiv(p.m, mChunk);
  int64_t tasks = p.batch * nParts * mParts;

  auto runTask = [&](int64_t task) {
    int64_t bi = task / (nParts * mParts);
    int64_t rest = task % (nParts * mParts);
    int64_t i0 = (rest / nParts) * mChunk, j0 = (rest % nParts) * nChunk;
    int64_t rows = std::min(mChunk, p.m - i0),
            cols = std::min(nChunk, p.n - j0);
    ASource a;
    if (p.aPacked) {
      a.packed = p.a + bi * p.aBatchStride;
      a.firstRow = i0;
    } else {
      a.view = {p.a + bi * p.aBatchStride + i0 * p.aRowStride, p.aRowStride,
                p.aColStride};
    }
    BSource b;
    b.kind = p.bKind;
    if (p.bKind == BSource::kPacked) {
      b.packed = p.b + bi * p.bBatchStride + (j0 / kW) * p.k * kW;
      b.packedK = p.k;
    } else if (p.bKind == BSource::kIm2col) {
      b.im2col = p.im2col;
      b.im2col.input = p.im2col.input + bi * p.bBatchStride;
      b.im2col.firstColumn = j0;
    } else if (p.bKind == BSource::kImplicit) {
      b.implicit = p.implicit;
      b.implicit.data = p.implicit.data + bi * p.bBatchStride + j0;
      b.implicit.firstColumn = j0;
    } else {
      b.view = {p.b + bi * p.bBatchStride + j0 * p.bColStride, p.bRowStride,
                p.bColStride};
    }
    Epilogue ep;
    if (p.biasMode == DLC_UK_BIAS_ROW && p.bias)
      ep.rowBias = p.bias + i0;
    if (p.biasMode == DLC_UK_BIAS_COLUMN && p.bias)
      ep.colBias = p.bias + j0;
    // An implicit im2col product's columns are not C's: its part starts at
    // pixel 0 (gemmImplicit maps the columns).
    const int64_t cj0 = p.bKind == BSource::kImplicit ? 0 : j0;
    if (p.residual) {
      ep.residual = p.residual + bi * p.residualBatchStride +
                    i0 * p.residualRowStride + cj0 * p.residualColStride;
      ep.residualRowStride = p.residualRowStride;
      ep.residualColStride = p.residualColStride;
    }
    ep.clamp = p.clamp;
    ep.lo = p.lo;
    ep.hi = p.hi;
    float *c =
        p.c + bi * p.cBatchStride + i0 * p.cRowStride + cj0 * p.cColStride;
    gemmSerial(info, rows, cols, p.k, a, b, c, p.cRowStride, p.cColStride,
               p.accumulate, ep);
  };
#ifdef _OPENMP
  if (threads > 1 && tasks > 1) {
    // Tasks round-robin over the team, no work-sharing loop: a dynamic
    // schedule's dispatch cost 2.8 us more per call (3.7 us instead of 0.9
    // on 2 threads; MobileNetV2 makes 36 calls in 4.4 ms).
#pragma omp parallel num_threads(threads)
    {
      const int64_t team = omp_get_num_threads();
      for (int64_t task = omp_get_thread_num(); task < tasks; task += team)
        runTask(task);
    }
    return;
  }
#endif
  for (int64_t task = 0; task < tasks; ++task)
    runTask(task);
}

const float *asFloats(int64_t address) {
  return reinterpret_cast<const float *>(address);
}

/// Fills the output fields of `p` from the C parameters.
void setOutput(Product &p, int64_t c, int64_t batchStride, int64_t rowStride,
               int64_t colStride, int32_t accumulate) {
  p.c = reinterpret_cast<float *>(c), p.cBatchStride = batchStride;
  p.cRowStride = rowStride, p.cColStride = colStride;
  p.accumulate = accumulate != 0;
}

/// Fills the epilogue fields of `p` from the C parameters.
void setEpilogue(Product &p, int64_t bias, int32_t biasMode, int64_t residual,
                 int64_t residualBatchStride, int64_t residualRowStride,
                 int64_t residualColStride, float lo, float hi) {
  p.bias = asFloats(bias);
  p.biasMode = bias ? biasMode : DLC_UK_BIAS_NONE;
  p.residual = asFloats(residual);
  p.residualBatchStride = residualBatchStride;
  p.residualRowStride = residualRowStride;
  p.residualColStride = residualColStride;
  p.clamp = !(std::isinf(lo) && lo < 0 && std::isinf(hi) && hi > 0);
  p.lo = lo;
  p.hi = hi;
}

} // namespace

#define DLC_UK_SET_EPILOGUE(p)                                                 \
  setEpilogue(p, bias, biasMode, residual, residualBatchStride,                \
              residualRowStride, residualColStride, lo, hi)

extern "C" void dlc_uk_sgemm(int32_t isa, int64_t batch, int64_t m, int64_t n,
                             int64_t k, int64_t a, int64_t aBatchStride,
                             int64_t aRowStride, int64_t aColStride, int64_t b,
                             int64_t bBatchStride, int64_t bRowStride,
                             int64_t bColStride, int64_t c,
                             int64_t cBatchStride, int64_t cRowStride,
                             int64_t cColStride, int32_t accumulate,
                             DLC_UK_EPILOGUE_PARAMS) {
  Product p{};
  p.batch = batch, p.m = m, p.n = n, p.k = k;
  p.a = asFloats(a), p.aBatchStride = aBatchStride;
  p.aRowStride = aRowStride, p.aColStride = aColStride;
  p.bKind = BSource::kView, p.b = asFloats(b), p.bBatchStride = bBatchStride;
  p.bRowStride = bRowStride, p.bColStride = bColStride;
  setOutput(p, c, cBatchStride, cRowStride, cColStride, accumulate);
  DLC_UK_SET_EPILOGUE(p);
  runProduct(isa, p);
}

extern "C" void dlc_uk_sgemm_packed_b(int32_t isa, int64_t batch, int64_t m,
                                      int64_t n, int64_t k, int64_t a,
                                      int64_t aBatchStride, int64_t aRowStride,
                                      int64_t aColStride, int64_t packedB,
                                      int64_t bBatchStride, int64_t c,
                                      int64_t cBatchStride, int64_t cRowStride,
                                      int64_t cColStride, int32_t accumulate,
                                      DLC_UK_EPILOGUE_PARAMS) {
  Product p{};
  p.batch = batch, p.m = m, p.n = n, p.k = k;
  p.a = asFloats(a), p.aBatchStride = aBatchStride;
  p.aRowStride = aRowStride, p.aColStride = aColStride;
  p.bKind = BSource::kPacked, p.b = asFloats(packedB);
  p.bBatchStride = bBatchStride;
  setOutput(p, c, cBatchStride, cRowStride, cColStride, accumulate);
  DLC_UK_SET_EPILOGUE(p);
  runProduct(isa, p);
}

extern "C" void dlc_uk_sgemm_packed_a(int32_t isa, int64_t batch, int64_t m,
                                      int64_t n, int64_t k, int64_t packedA,
                                      int64_t aBatchStride, int64_t b,
                                      int64_t bBatchStride, int64_t bRowStride,
                                      int64_t bColStride, int64_t c,
                                      int64_t cBatchStride, int64_t cRowStride,
                                      int64_t cColStride, int32_t accumulate,
                                      DLC_UK_EPILOGUE_PARAMS) {
  Product p{};
  p.batch = batch, p.m = m, p.n = n, p.k = k;
  p.a = asFloats(packedA), p.aBatchStride = aBatchStride, p.aPacked = true;
  p.bKind = BSource::kView, p.b = asFloats(b), p.bBatchStride = bBatchStride;
  p.bRowStride = bRowStride, p.bColStride = bColStride;
  setOutput(p, c, cBatchStride, cRowStride, cColStride, accumulate);
  DLC_UK_SET_EPILOGUE(p);
  runProduct(isa, p);
}

/// The calling thread's zero-padded convolution input and im2col row
/// offsets (kept for later calls).
thread_local Scratch scratchPadded, scratchOffsets;

/// dst[x] = src[start + x * stride] where that column is inside [0, w),
/// else 0, for x < count.
void gatherColumns(float *dst, const float *src, int64_t count, int64_t start,
                   int64_t stride, int64_t w) {
  for (int64_t x = 0; x < count; ++x) {
    int64_t col = start + x * stride;
    dst[x] = col >= 0 && col < w ? src[col] : 0.0f;
  }
}

#ifdef DLC_UK_X86
/// gatherColumns for stride 2: 16 columns from two loads and a permute.
__attribute__((target("avx512f"))) void
gatherEvenColumnsAvx512(float *dst, const float *src, int64_t count,
                        int64_t start, int64_t w) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  int64_t x = 0;
  for (; x < count && start + 2 * x < 0; ++x)
    dst[x] = 0.0f;
  for (; x + 16 <= count && start + 2 * x + 32 <= w; x += 16) {
    const float *from = src + start + 2 * x;
    _mm512_storeu_ps(dst + x,
                     _mm512_permutex2var_ps(_mm512_loadu_ps(from), even,
                                            _mm512_loadu_ps(from + 16)));
  }
  gatherColumns(dst + x, src, count - x, start + 2 * x, 2, w);
}
#endif

/// Fills `implicit` for a convolution of `input` (n x c x h x w), strides
/// sh x sw: the zero-padded input is split into its sh x sw phases (phase
/// (a, b) holds the padded rows a, a + sh, ... and columns b, b + sw, ...),
/// and tap (i, j) of output pixel (y, x) is element (y + i dh / sh, x + j dw
/// / sw) of phase (i dh % sh, j dw % sw): every im2col row is contiguous
/// over a phase's row of wq = ow + (kw - 1) dw / sw columns. Only the
/// phases some tap reads are kept: per image, c x phases planes of hq x
/// wq. `imageStride` gets an image's floats. The planes are kept in the
/// calling thread's scratch for later calls, or, over 64 MiB (a large
/// batch), in `owned`, which the caller frees. False (nothing to use) for
/// strides over 8 or without memory.
bool padImplicit(int64_t n, int64_t c, int64_t h, int64_t w, int64_t oh,
                 int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                 int64_t dh, int64_t dw, int64_t padTop, int64_t padLeft,
                 const float *input, Implicit &implicit, int64_t &imageStride,
                 float *&owned) {
  constexpr int64_t kMaxStride = 8;
  if (padTop < 0 || padLeft < 0 || sh < 1 || sw < 1 || sh > kMaxStride ||
      sw > kMaxStride)
    return false;
  // The phases' slots among those read (-1: none).
  int64_t rowSlot[kMaxStride], colSlot[kMaxStride];
  std::fill(rowSlot, rowSlot + sh, -1);
  std::fill(colSlot, colSlot + sw, -1);
  int64_t rowPhases = 0, colPhases = 0;
  for (int64_t i = 0; i < kh; ++i)
    if (rowSlot[i * dh % sh] < 0)
      rowSlot[i * dh % sh] = rowPhases++;
  for (int64_t j = 0; j < kw; ++j)
    if (colSlot[j * dw % sw] < 0)
      colSlot[j * dw % sw] = colPhases++;
  const int64_t hq = oh + (kh - 1) * dh / sh, wq = ow + (kw - 1) * dw / sw;
  const int64_t phases = rowPhases * colPhases, planeSize = hq * wq;
  const int64_t planes = n * c;
  imageStride = c * phases * planeSize;
  // Slack: the last tile reads up to 31 columns past the last plane.
  const size_t paddedSize = size_t(n * imageStride) + kImplicitSlack;
  constexpr size_t kKeptBytes = size_t(64) << 20;
  float *padded;
  if (paddedSize * sizeof(float) <= kKeptBytes) {
    padded = scratchBuffer(scratchPadded, paddedSize);
  } else {
    owned = static_cast<float *>(
        std::aligned_alloc(64, (paddedSize * sizeof(float) + 63) / 64 * 64));
    padded = owned;
  }
  auto *offsets = reinterpret_cast<int64_t *>(
      scratchBuffer(scratchOffsets, size_t(2 * c * kh * kw)));
  if (!padded || !offsets) {
    std::free(owned);
    owned = nullptr;
    return false;
  }
  // The phases of input plane (image, channel) `plane`.
  auto fillPlane = [&](int64_t plane) {
    const float *src = input + plane * h * w;
    for (int64_t a = 0; a < sh; ++a)
      for (int64_t b = 0; b < sw; ++b) {
        if (rowSlot[a] < 0 || colSlot[b] < 0)
          continue;
        float *dst =
            padded +
            (plane * phases + rowSlot[a] * colPhases + colSlot[b]) * planeSize;
        for (int64_t r = 0; r < hq; ++r) {
          float *row = dst + r * wq;
          int64_t iy = r * sh + a - padTop;
          if (iy < 0 || iy >= h) {
            std::memset(row, 0, size_t(wq) * sizeof(float));
            continue;
          }
          const float *in = src + iy * w;
          int64_t start = b - padLeft;
          if (sw == 1) {
            int64_t left = std::min(padLeft, wq),
                    copied = std::clamp<int64_t>(wq - left, 0, w);
            std::memset(row, 0, size_t(left) * sizeof(float));
            std::memcpy(row + left, in, size_t(copied) * sizeof(float));
            std::memset(row + left + copied, 0,
                        size_t(wq - left - copied) * sizeof(float));
          } else {
#ifdef DLC_UK_X86
            if (sw == 2) {
              gatherEvenColumnsAvx512(row, in, wq, start, w);
              continue;
            }
#endif
            gatherColumns(row, in, wq, start, sw, w);
          }
        }
      }
  };
#ifdef _OPENMP
  if (!omp_in_parallel() && n * imageStride >= (1 << 16)) {
#pragma omp parallel
    {
      const int64_t team = omp_get_num_threads(), thread = omp_get_thread_num();
      for (int64_t plane = planes * thread / team,
                   end = planes * (thread + 1) / team;
           plane < end; ++plane)
        fillPlane(plane);
    }
  } else
#endif
    for (int64_t plane = 0; plane < planes; ++plane)
      fillPlane(plane);
  std::memset(padded + n * imageStride, 0, kImplicitSlack * sizeof(float));
  for (int64_t ch = 0, row = 0; ch < c; ++ch)
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) {
        int64_t phase = ch * phases + rowSlot[i * dh % sh] * colPhases +
                        colSlot[j * dw % sw];
        offsets[row++] = phase * planeSize + i * dh / sh * wq + j * dw / sw;
      }
  implicit = {padded, offsets, wq, ow, 0};
  return true;
}

extern "C" void dlc_uk_conv2d(int32_t isa, int64_t n, int64_t c, int64_t h,
                              int64_t w, int64_t f, int64_t oh, int64_t ow,
                              int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                              int64_t dh, int64_t dw, int64_t padTop,
                              int64_t padLeft, int64_t input,
                              int64_t packedFilter, int64_t output,
                              int32_t accumulate, DLC_UK_EPILOGUE_PARAMS) {
  float *owned = nullptr; // padImplicit's planes of a large batch
  Product p{};
  p.batch = n, p.m = f, p.n = oh * ow, p.k = c * kh * kw;
  p.a = asFloats(packedFilter), p.aBatchStride = 0, p.aPacked = true;
  p.b = asFloats(input), p.bBatchStride = c * h * w;
  if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0 &&
      oh == h && ow == w) {
    // A pointwise conv's im2col matrix is its input.
    p.bKind = BSource::kView, p.bRowStride = h * w, p.bColStride = 1;
  } else if (p.k > 0 && kh * kw > 1 && biasMode != DLC_UK_BIAS_COLUMN &&
             (!residual || residualColStride == 1) &&
             kernelFor(dlc_uk_effective_isa(isa)).offsetKernel &&
             padImplicit(n, c, h, w, oh, ow, kh, kw, sh, sw, dh, dw, padTop,
                         padLeft, p.b, p.implicit, p.bBatchStride, owned)) {
    p.bKind = BSource::kImplicit;
    p.b = p.implicit.data;
    p.n = (oh - 1) * p.implicit.wp + ow;
  } else {
    // AVX2, strides over 8, or strided pointwise: its im2col blocks gather
    // no more than the phase copy would, without a pass of their own
    // (1.05-1.2 times faster in ResNet-50 than implicit).
    p.bKind = BSource::kIm2col;
    p.im2col = {p.b, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, ow, 0};
  }
  setOutput(p, output, f * oh * ow, oh * ow, 1, accumulate);
  DLC_UK_SET_EPILOGUE(p);
  runProduct(isa, p);
  std::free(owned);
}
