//===- UkernelTest.cpp - GEMM ukernel against a reference -----------------===//
//
// Every instruction set the CPU has, on shapes that hit each path: partial
// row and column panels, several K and N blocks, B read in place or packed
// (rows 4 KiB apart), transposed and batched operands, accumulation, and
// B pre-packed as the compiler does it.
//
//===----------------------------------------------------------------------===//

#include "Ukernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

/// Epilogues the tests apply: none; bias per row and ReLU; bias per row or
/// column, a residual and a clamp to [-0.5, 0.5].
enum EpilogueKind {
  kNoEpilogue,
  kRowBiasRelu,
  kColumnBiasResidualClamp,
  kRowBiasResidualClamp
};

struct Shape {
  int64_t batch, m, n, k;
  bool transA, transB, accumulate;
  EpilogueKind epilogue = kNoEpilogue;
  bool transC = false;
};

void PrintTo(const Shape &s, std::ostream *os) {
  *os << s.batch << "x" << s.m << "x" << s.n << "x" << s.k
      << (s.transA ? " transA" : "") << (s.transB ? " transB" : "")
      << (s.transC ? " transC" : "") << (s.accumulate ? " acc" : "")
      << " epilogue " << int(s.epilogue);
}

class UkernelTest : public ::testing::TestWithParam<std::tuple<Shape, int>> {};

std::vector<float> randomValues(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float &v : values)
    v = dist(rng);
  return values;
}

/// An epilogue's operands for `batch` outputs of rows x cols, and the C
/// parameters that pass them.
struct TestEpilogue {
  EpilogueKind kind;
  int64_t rows, cols;
  std::vector<float> bias, residual;
  float lo = -INFINITY, hi = INFINITY;
  // The residual in column-major order, like a transposed C.
  bool columnMajor;

  TestEpilogue(EpilogueKind kind, int64_t batch, int64_t rows, int64_t cols,
               bool columnMajor = false)
      : kind(kind), rows(rows), cols(cols), columnMajor(columnMajor) {
    if (kind == kNoEpilogue)
      return;
    if (kind == kRowBiasRelu) {
      bias = randomValues(rows, 7);
      lo = 0.0f;
    } else {
      bias = randomValues(kind == kRowBiasResidualClamp ? rows : cols, 8);
      residual = randomValues(batch * rows * cols, 9);
      lo = -0.5f, hi = 0.5f;
    }
  }
  int64_t biasAddress() const {
    return bias.empty() ? 0 : intptr_t(bias.data());
  }
  int32_t biasMode() const {
    return kind == kNoEpilogue                ? DLC_UK_BIAS_NONE
           : kind == kColumnBiasResidualClamp ? DLC_UK_BIAS_COLUMN
                                              : DLC_UK_BIAS_ROW;
  }
  int64_t residualAddress() const {
    return residual.empty() ? 0 : intptr_t(residual.data());
  }
  int64_t residualRowStride() const { return columnMajor ? 1 : cols; }
  int64_t residualColStride() const { return columnMajor ? rows : 1; }
  /// The expected output element (b, i, j) for a sum.
  double apply(double v, int64_t b, int64_t i, int64_t j) const {
    double r = residual.empty()
                   ? 0.0
                   : residual[b * rows * cols + i * residualRowStride() +
                              j * residualColStride()];
    if (kind == kRowBiasRelu)
      v += bias[i];
    if (kind == kColumnBiasResidualClamp)
      v += bias[j] + r;
    if (kind == kRowBiasResidualClamp)
      v += bias[i] + r;
    return std::min<double>(std::max<double>(v, lo), hi);
  }
};

// The epilogue parameters of a TestEpilogue `ep`.
#define EPILOGUE_ARGS(ep)                                                      \
  (ep).biasAddress(), (ep).biasMode(), (ep).residualAddress(),                 \
      (ep).rows *(ep).cols, (ep).residualRowStride(),                          \
      (ep).residualColStride(), (ep).lo, (ep).hi

/// B of a (k x n) batch entry in the pre-packed layout of Ukernels.h.
std::vector<float> packed(const float *b, int64_t k, int64_t n,
                          int64_t rowStride, int64_t colStride) {
  int64_t panels = dlc_uk_padded_panels(n);
  std::vector<float> out(panels * k * DLC_UK_PANEL_WIDTH, 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t r = 0; r < k; ++r)
      for (int64_t j = 0; j < DLC_UK_PANEL_WIDTH; ++j)
        if (int64_t col = p * DLC_UK_PANEL_WIDTH + j; col < n)
          out[(p * k + r) * DLC_UK_PANEL_WIDTH + j] =
              b[r * rowStride + col * colStride];
  return out;
}

/// A of a (m x k) batch entry in the pre-packed layout of Ukernels.h.
std::vector<float> packedA(const float *a, int64_t m, int64_t k,
                           int64_t rowStride, int64_t colStride) {
  constexpr int64_t h = DLC_UK_A_PANEL_HEIGHT;
  std::vector<float> out(dlc_uk_a_padded_rows(m) * k, 0.0f);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p)
      out[((i / h) * k + p) * h + i % h] = a[i * rowStride + p * colStride];
  return out;
}

TEST_P(UkernelTest, MatchesReference) {
  // (Not a structured binding: the lambdas below capture these.)
  const auto &s = std::get<0>(GetParam());
  int isa = std::get<1>(GetParam());
  if (dlc_uk_effective_isa(isa) != isa)
    GTEST_SKIP() << "this CPU lacks instruction set " << isa;
  // Storage: A is m x k (or k x m), B is k x n (or n x k), C is m x n.
  int64_t aRows = s.transA ? s.k : s.m, aCols = s.transA ? s.m : s.k;
  int64_t bRows = s.transB ? s.n : s.k, bCols = s.transB ? s.k : s.n;
  std::vector<float> a = randomValues(s.batch * aRows * aCols, 1);
  std::vector<float> b = randomValues(s.batch * bRows * bCols, 2);
  std::vector<float> c0 = randomValues(s.batch * s.m * s.n, 3);
  int64_t aRow = s.transA ? 1 : aCols, aCol = s.transA ? aCols : 1;
  int64_t bRow = s.transB ? 1 : bCols, bCol = s.transB ? bCols : 1;

  TestEpilogue ep(s.epilogue, s.batch, s.m, s.n, s.transC);
  std::vector<double> want(c0.size());
  for (int64_t bi = 0; bi < s.batch; ++bi)
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) {
        double sum = s.accumulate ? c0[(bi * s.m + i) * s.n + j] : 0.0;
        for (int64_t p = 0; p < s.k; ++p)
          sum += double(a[bi * aRows * aCols + i * aRow + p * aCol]) *
                 double(b[bi * bRows * bCols + p * bRow + j * bCol]);
        want[(bi * s.m + i) * s.n + j] = ep.apply(sum, bi, i, j);
      }
  // C is row-major, or column-major with transC.
  int64_t cRow = s.transC ? 1 : s.n, cCol = s.transC ? s.m : 1;
  auto check = [&](const std::vector<float> &got, const char *what) {
    for (int64_t bi = 0; bi < s.batch; ++bi)
      for (int64_t i = 0; i < s.m; ++i)
        for (int64_t j = 0; j < s.n; ++j)
          ASSERT_NEAR(got[bi * s.m * s.n + i * cRow + j * cCol],
                      want[(bi * s.m + i) * s.n + j],
                      1e-4 * (1.0 + std::sqrt(double(s.k))))
              << what << " element " << bi << ", " << i << ", " << j;
  };
  // The initial C in its layout.
  std::vector<float> cInit(c0.size());
  for (int64_t bi = 0; bi < s.batch; ++bi)
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j)
        cInit[bi * s.m * s.n + i * cRow + j * cCol] =
            c0[(bi * s.m + i) * s.n + j];

  std::vector<float> c = cInit;
  dlc_uk_sgemm(isa, s.batch, s.m, s.n, s.k, intptr_t(a.data()), aRows * aCols,
               aRow, aCol, intptr_t(b.data()), bRows * bCols, bRow, bCol,
               intptr_t(c.data()), s.m * s.n, cRow, cCol, s.accumulate,
               EPILOGUE_ARGS(ep));
  check(c, "strided B");

  // Each batch entry packed by `pack`, back to back; `size` gets the size of
  // one entry (the packed batch stride).
  auto packEach = [&](const std::vector<float> &data, int64_t entry, auto pack,
                      int64_t &size) {
    std::vector<float> all;
    for (int64_t bi = 0; bi < s.batch; ++bi) {
      std::vector<float> one = pack(data.data() + bi * entry);
      size = one.size();
      all.insert(all.end(), one.begin(), one.end());
    }
    return all;
  };
  int64_t packedSize = 0;
  std::vector<float> packedB = packEach(
      b, bRows * bCols,
      [&](const float *m) { return packed(m, s.k, s.n, bRow, bCol); },
      packedSize);
  c = cInit;
  dlc_uk_sgemm_packed_b(isa, s.batch, s.m, s.n, s.k, intptr_t(a.data()),
                        aRows * aCols, aRow, aCol, intptr_t(packedB.data()),
                        packedSize, intptr_t(c.data()), s.m * s.n, cRow, cCol,
                        s.accumulate, EPILOGUE_ARGS(ep));
  check(c, "pre-packed B");

  int64_t packedASize = 0;
  std::vector<float> packedAs = packEach(
      a, aRows * aCols,
      [&](const float *m) { return packedA(m, s.m, s.k, aRow, aCol); },
      packedASize);
  c = cInit;
  dlc_uk_sgemm_packed_a(isa, s.batch, s.m, s.n, s.k, intptr_t(packedAs.data()),
                        packedASize, intptr_t(b.data()), bRows * bCols, bRow,
                        bCol, intptr_t(c.data()), s.m * s.n, cRow, cCol,
                        s.accumulate, EPILOGUE_ARGS(ep));
  check(c, "pre-packed A");
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, UkernelTest,
    ::testing::Combine(
        ::testing::Values(
            Shape{1, 1, 1, 1, false, false, false},
            Shape{1, 7, 5, 3, false, false, false},
            // In place B with a partial column panel, several K blocks.
            Shape{1, 64, 100, 600, false, false, false},
            // Packed B (more rows), partial row panel, two N blocks.
            Shape{1, 130, 2100, 70, false, false, true},
            // Few rows, B rows 4 KiB apart: read in place.
            Shape{1, 20, 1024, 40, false, false, false},
            Shape{3, 33, 47, 65, true, true, false},
            Shape{2, 128, 64, 300, false, true, true},
            Shape{1, 5, 3, 0, false, false, false},
            // Epilogues on full and partial tiles, after several K blocks,
            // and through the strided-C path.
            Shape{1, 64, 100, 600, false, false, true, kRowBiasRelu},
            Shape{2, 130, 70, 300, false, true, false,
                  kColumnBiasResidualClamp},
            Shape{1, 13, 37, 5, true, false, true, kColumnBiasResidualClamp,
                  /*transC=*/true},
            // Transposed C and A (a convolution with few pixels computed
            // as its transpose): partial row and column tiles, several K
            // blocks, residual in C's layout.
            Shape{2, 49, 70, 500, true, false, false, kRowBiasResidualClamp,
                  /*transC=*/true},
            Shape{1, 196, 48, 64, true, false, true, kColumnBiasResidualClamp,
                  /*transC=*/true},
            Shape{1, 25, 33, 40, true, false, false, kRowBiasRelu,
                  /*transC=*/true},
            Shape{1, 9, 18, 0, false, false, true, kRowBiasRelu},
            // Several row and K blocks (the prefetches of the next block's
            // pre-packed panels), with an odd number of row tiles.
            Shape{1, 130, 100, 800, false, false, true, kRowBiasRelu},
            Shape{1, 60, 600, 500, false, false, false}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

} // namespace

namespace {

struct DepthwiseShape {
  int64_t n, c, h, w, kh, kw, sh, sw, dh, dw;
  bool accumulate;
  // Padding: top, left, bottom, right.
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  EpilogueKind epilogue = kNoEpilogue;
  // Where the output starts in the input's buffer (grown to hold it), or
  // -1: a buffer of its own.
  int64_t outputAt = -1;

  int64_t outHeight() const {
    return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
  }
  int64_t outWidth() const {
    return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
  }
};

class DepthwiseTest
    : public ::testing::TestWithParam<std::tuple<DepthwiseShape, int>> {};

TEST_P(DepthwiseTest, MatchesReference) {
  // (Not a structured binding: the lambdas below capture these.)
  const auto &s = std::get<0>(GetParam());
  int isa = std::get<1>(GetParam());
  if (dlc_uk_effective_isa(isa) != isa)
    GTEST_SKIP() << "this CPU lacks instruction set " << isa;
  int64_t oh = s.outHeight(), ow = s.outWidth();
  std::vector<float> in = randomValues(s.n * s.c * s.h * s.w, 4);
  std::vector<float> f = randomValues(s.c * s.kh * s.kw, 5);
  std::vector<float> out = randomValues(s.n * s.c * oh * ow, 6);
  // An output inside the input's buffer starts with what is there.
  std::vector<float> shared;
  float *output = out.data();
  if (s.outputAt >= 0) {
    shared = in;
    shared.resize(std::max(in.size(), size_t(s.outputAt) + out.size()));
    std::copy_n(shared.begin() + s.outputAt, out.size(), out.begin());
    output = shared.data() + s.outputAt;
  }
  TestEpilogue ep(s.epilogue, s.n, s.c, oh * ow);
  std::vector<double> want(out.size());
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t ch = 0; ch < s.c; ++ch)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          size_t o = ((b * s.c + ch) * oh + y) * ow + x;
          double sum = s.accumulate ? out[o] : 0.0;
          for (int64_t i = 0; i < s.kh; ++i)
            for (int64_t j = 0; j < s.kw; ++j) {
              int64_t iy = y * s.sh + i * s.dh - s.pt;
              int64_t ix = x * s.sw + j * s.dw - s.pl;
              if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w)
                sum += double(f[(ch * s.kh + i) * s.kw + j]) *
                       in[((b * s.c + ch) * s.h + iy) * s.w + ix];
            }
          want[o] = ep.apply(sum, b, ch, y * ow + x);
        }
  dlc_uk_depthwise_conv2d(
      isa, s.n, s.c, s.h, s.w, oh, ow, s.kh, s.kw, s.sh, s.sw, s.dh, s.dw, s.pt,
      s.pl, intptr_t(s.outputAt >= 0 ? shared.data() : in.data()),
      intptr_t(f.data()), intptr_t(output), s.accumulate, EPILOGUE_ARGS(ep));
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(output[i], want[i], 1e-4) << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DepthwiseTest,
    ::testing::Combine(
        ::testing::Values(
            DepthwiseShape{1, 3, 9, 9, 3, 3, 1, 1, 1, 1, false},
            // Stride 2 and a row wider than one chunk.
            DepthwiseShape{2, 4, 7, 1100, 3, 3, 2, 2, 1, 1, true},
            DepthwiseShape{1, 5, 12, 12, 3, 2, 1, 3, 2, 2, false},
            DepthwiseShape{1, 2, 5, 5, 5, 5, 1, 1, 1, 1, true},
            // Padding on every side (asymmetric), with epilogues.
            DepthwiseShape{1, 6, 10, 11, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1,
                           kRowBiasRelu},
            DepthwiseShape{2, 3, 9, 8, 3, 3, 2, 2, 1, 1, true, 1, 0, 1, 2,
                           kRowBiasResidualClamp},
            DepthwiseShape{1, 2, 6, 7, 3, 3, 1, 2, 2, 2, false, 2, 3, 2, 3,
                           kRowBiasRelu},
            // AVX-512: 5x5 stride 2 and rows of exactly 16 and 17 outputs
            // (blocks of 4 output rows and the single-row tail), a 7x7
            // filter (runtime tap loops), stride 3 (another kernel), and
            // padding wider than the image.
            DepthwiseShape{1, 3, 13, 33, 5, 5, 2, 2, 1, 1, false, 2, 2, 2, 2,
                           kRowBiasResidualClamp},
            DepthwiseShape{2, 2, 16, 16, 3, 3, 1, 1, 1, 1, true, 1, 1, 1, 1,
                           kRowBiasRelu},
            DepthwiseShape{1, 2, 11, 17, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1},
            DepthwiseShape{1, 2, 14, 14, 7, 7, 1, 1, 1, 1, false, 3, 3, 3, 3},
            DepthwiseShape{1, 2, 11, 11, 3, 3, 3, 3, 1, 1, false, 1, 1, 1, 1},
            // Dilation 2 with stride 1 and 2, and unequal strides.
            DepthwiseShape{1, 2, 12, 21, 3, 3, 1, 1, 2, 2, true, 2, 2, 2, 2,
                           kRowBiasRelu},
            DepthwiseShape{1, 2, 13, 19, 3, 3, 2, 2, 2, 2, false, 2, 2, 1, 1},
            DepthwiseShape{1, 2, 13, 19, 3, 3, 1, 2, 1, 1, false, 1, 1, 1, 1},
            DepthwiseShape{1, 1, 3, 3, 3, 3, 1, 1, 1, 1, true, 4, 4, 4, 4,
                           kRowBiasResidualClamp},
            // The output is the input itself (each plane read before it is
            // written), with and without accumulating, and an output that
            // overlaps the input at an offset.
            DepthwiseShape{1, 5, 10, 19, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1,
                           kRowBiasRelu, 0},
            DepthwiseShape{2, 3, 9, 17, 3, 3, 1, 1, 1, 1, true, 1, 1, 1, 1,
                           kNoEpilogue, 0},
            DepthwiseShape{1, 3, 8, 8, 3, 3, 2, 2, 1, 1, false, 1, 1, 1, 1,
                           kNoEpilogue, 20},
            // In place over the threads (enough work for the parallel path).
            DepthwiseShape{1, 32, 56, 56, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1,
                           kRowBiasRelu, 0}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

class MaxPoolTest
    : public ::testing::TestWithParam<std::tuple<DepthwiseShape, int>> {};

TEST_P(MaxPoolTest, MatchesReference) {
  const auto &s = std::get<0>(GetParam());
  int isa = std::get<1>(GetParam());
  if (dlc_uk_effective_isa(isa) != isa)
    GTEST_SKIP() << "this CPU lacks instruction set " << isa;
  int64_t oh = s.outHeight(), ow = s.outWidth();
  std::vector<float> in = randomValues(s.n * s.c * s.h * s.w, 4);
  // The first two rows of the first plane negative but for -0 and +0 side
  // by side (windows over both give +0), then NaN, and NaN in the last
  // plane: their windows give NaN.
  for (int64_t i = 0; i < std::min<int64_t>(2 * s.w, s.h * s.w); ++i)
    in[i] = -1.0f;
  in[0] = -0.0f;
  if (s.w > 1)
    in[1] = 0.0f;
  in[std::min<int64_t>(2 * s.w, s.h * s.w - 1)] = NAN;
  in.back() = NAN;
  std::vector<float> out(s.n * s.c * oh * ow, 0.0f);
  dlc_uk_max_pool2d(isa, s.n, s.c, s.h, s.w, oh, ow, s.kh, s.kw, s.sh, s.sw,
                    s.dh, s.dw, s.pt, s.pl, intptr_t(in.data()),
                    intptr_t(out.data()));
  for (int64_t plane = 0; plane < s.n * s.c; ++plane)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        float want = -INFINITY;
        bool nan = false;
        for (int64_t i = 0; i < s.kh; ++i)
          for (int64_t j = 0; j < s.kw; ++j) {
            int64_t iy = y * s.sh + i * s.dh - s.pt;
            int64_t ix = x * s.sw + j * s.dw - s.pl;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w)
              continue;
            float v = in[(plane * s.h + iy) * s.w + ix];
            nan = nan || std::isnan(v);
            if (v > want || (v == want && std::signbit(want)))
              want = v;
          }
        float got = out[(plane * oh + y) * ow + x];
        if (nan)
          ASSERT_TRUE(std::isnan(got))
              << "plane " << plane << " " << y << ", " << x;
        else
          ASSERT_TRUE(got == want && std::signbit(got) == std::signbit(want))
              << "plane " << plane << " " << y << ", " << x << ": " << got
              << " instead of " << want;
      }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MaxPoolTest,
    ::testing::Combine(
        ::testing::Values(
            // ResNet's 3x3/2 with padding 1, rows of 16 and 17 outputs.
            DepthwiseShape{1, 4, 33, 35, 3, 3, 2, 2, 1, 1, false, 1, 1, 1, 1},
            // Stride 1 (blocks of 4 rows), 2x2/2 without padding, a 5x5
            // window (runtime taps) with dilation, stride 3 (portable
            // kernel), and padding wider than the image.
            DepthwiseShape{2, 3, 20, 19, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1},
            DepthwiseShape{1, 5, 16, 16, 2, 2, 2, 2, 1, 1, false},
            DepthwiseShape{1, 2, 21, 23, 5, 5, 1, 1, 2, 2, false, 2, 2, 2, 2},
            DepthwiseShape{1, 2, 11, 11, 3, 3, 3, 3, 1, 1, false, 1, 1, 1, 1},
            DepthwiseShape{1, 1, 2, 2, 3, 3, 1, 1, 1, 1, false, 2, 2, 2, 2},
            // Windows wholly in the padding: -inf.
            DepthwiseShape{1, 2, 2, 2, 2, 2, 2, 2, 1, 1, false, 2, 2, 2, 2},
            // Enough work for the threads.
            DepthwiseShape{1, 64, 56, 56, 3, 3, 2, 2, 1, 1, false, 1, 1, 1, 1}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

struct ConvShape {
  int64_t n, c, h, w, f, kh, kw, sh, sw, dh, dw;
  // Padding: top, left, bottom, right.
  int64_t pt, pl, pb, pr;
  bool accumulate;
  EpilogueKind epilogue;
};

class ConvTest : public ::testing::TestWithParam<std::tuple<ConvShape, int>> {};

TEST_P(ConvTest, MatchesReference) {
  // (Not a structured binding: the lambdas below capture these.)
  const auto &s = std::get<0>(GetParam());
  int isa = std::get<1>(GetParam());
  if (dlc_uk_effective_isa(isa) != isa)
    GTEST_SKIP() << "this CPU lacks instruction set " << isa;
  int64_t oh = (s.h + s.pt + s.pb - s.dh * (s.kh - 1) - 1) / s.sh + 1;
  int64_t ow = (s.w + s.pl + s.pr - s.dw * (s.kw - 1) - 1) / s.sw + 1;
  int64_t k = s.c * s.kh * s.kw;
  std::vector<float> in = randomValues(s.n * s.c * s.h * s.w, 10);
  std::vector<float> filter = randomValues(s.f * k, 11);
  std::vector<float> out = randomValues(s.n * s.f * oh * ow, 12);
  TestEpilogue ep(s.epilogue, s.n, s.f, oh * ow);
  std::vector<double> want(out.size());
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t o = 0; o < s.f; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          size_t index = ((b * s.f + o) * oh + y) * ow + x;
          double sum = s.accumulate ? out[index] : 0.0;
          for (int64_t ch = 0; ch < s.c; ++ch)
            for (int64_t i = 0; i < s.kh; ++i)
              for (int64_t j = 0; j < s.kw; ++j) {
                int64_t iy = y * s.sh + i * s.dh - s.pt;
                int64_t ix = x * s.sw + j * s.dw - s.pl;
                if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w)
                  sum +=
                      double(filter[((o * s.c + ch) * s.kh + i) * s.kw + j]) *
                      in[((b * s.c + ch) * s.h + iy) * s.w + ix];
              }
          want[index] = ep.apply(sum, b, o, y * ow + x);
        }
  std::vector<float> packedFilter = packedA(filter.data(), s.f, k, k, 1);
  dlc_uk_conv2d(isa, s.n, s.c, s.h, s.w, s.f, oh, ow, s.kh, s.kw, s.sh, s.sw,
                s.dh, s.dw, s.pt, s.pl, intptr_t(in.data()),
                intptr_t(packedFilter.data()), intptr_t(out.data()),
                s.accumulate, EPILOGUE_ARGS(ep));
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], want[i], 1e-4 * (1.0 + std::sqrt(double(k))))
        << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ConvTest,
    ::testing::Combine(
        ::testing::Values(
            // 3x3 "same" with more filters than one row block and K blocks.
            ConvShape{1, 40, 13, 21, 100, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false,
                      kRowBiasRelu},
            // Stride 2 (gathered panels), batch 2, asymmetric padding.
            ConvShape{2, 3, 17, 15, 8, 7, 7, 2, 2, 1, 1, 3, 2, 3, 3, true,
                      kRowBiasResidualClamp},
            // Pointwise: the input is the B matrix itself.
            ConvShape{2, 24, 6, 9, 30, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false,
                      kNoEpilogue},
            // Dilation, strided pointwise and rows narrower than a panel.
            ConvShape{1, 4, 11, 5, 13, 3, 2, 1, 1, 2, 3, 2, 1, 0, 4, false,
                      kRowBiasResidualClamp},
            ConvShape{1, 16, 9, 9, 20, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, false,
                      kRowBiasRelu},
            // More filters than a row block and K over a K block: the
            // filter prefetch moves to the next rows, then the next K block.
            ConvShape{1, 48, 7, 9, 110, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false,
                      kRowBiasRelu},
            // Stride 1 reads the padded input in place (AVX-512): batch 2
            // accumulating with a residual, and a 5x5 filter over more
            // padded-width columns than one column block (29 x 49 + 45).
            ConvShape{2, 5, 12, 40, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true,
                      kRowBiasResidualClamp},
            ConvShape{1, 3, 30, 45, 14, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, false,
                      kRowBiasRelu},
            // Strided, read from the input's phases (AVX-512): stride 3
            // with dilation 2, unequal strides, wide stride-2 rows (the
            // vector gather), and stride 9 (im2col blocks instead).
            ConvShape{1, 5, 20, 23, 12, 3, 3, 3, 3, 2, 2, 1, 2, 1, 0, false,
                      kRowBiasResidualClamp},
            ConvShape{1, 4, 15, 18, 9, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, true,
                      kNoEpilogue},
            ConvShape{1, 6, 9, 70, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false,
                      kRowBiasRelu},
            ConvShape{1, 2, 20, 20, 3, 3, 3, 9, 9, 1, 1, 0, 0, 0, 0, false,
                      kNoEpilogue},
            // Padding wider than the image, and stride 4 (phases of a 5x5
            // filter).
            ConvShape{1, 3, 3, 3, 5, 3, 3, 1, 1, 1, 1, 4, 4, 4, 4, false,
                      kRowBiasRelu},
            ConvShape{1, 4, 23, 19, 6, 5, 5, 4, 4, 1, 1, 2, 2, 2, 2, true,
                      kRowBiasResidualClamp}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

} // namespace
