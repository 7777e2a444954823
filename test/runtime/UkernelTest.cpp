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

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

struct Shape {
  int64_t batch, m, n, k;
  bool transA, transB, accumulate;
};

void PrintTo(const Shape &s, std::ostream *os) {
  *os << s.batch << "x" << s.m << "x" << s.n << "x" << s.k
      << (s.transA ? " transA" : "") << (s.transB ? " transB" : "")
      << (s.accumulate ? " acc" : "");
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
  auto [s, isa] = GetParam();
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

  std::vector<double> want(c0.size());
  for (int64_t bi = 0; bi < s.batch; ++bi)
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) {
        double sum = s.accumulate ? c0[(bi * s.m + i) * s.n + j] : 0.0;
        for (int64_t p = 0; p < s.k; ++p)
          sum += double(a[bi * aRows * aCols + i * aRow + p * aCol]) *
                 double(b[bi * bRows * bCols + p * bRow + j * bCol]);
        want[(bi * s.m + i) * s.n + j] = sum;
      }
  auto check = [&](const std::vector<float> &got, const char *what) {
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::sqrt(double(s.k))))
          << what << " element " << i;
  };

  std::vector<float> c = c0;
  dlc_uk_sgemm(isa, s.batch, s.m, s.n, s.k, intptr_t(a.data()), aRows * aCols,
               aRow, aCol, intptr_t(b.data()), bRows * bCols, bRow, bCol,
               intptr_t(c.data()), s.m * s.n, s.n, 1, s.accumulate);
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
  c = c0;
  dlc_uk_sgemm_packed_b(isa, s.batch, s.m, s.n, s.k, intptr_t(a.data()),
                        aRows * aCols, aRow, aCol, intptr_t(packedB.data()),
                        packedSize, intptr_t(c.data()), s.m * s.n, s.n, 1,
                        s.accumulate);
  check(c, "pre-packed B");

  int64_t packedASize = 0;
  std::vector<float> packedAs = packEach(
      a, aRows * aCols,
      [&](const float *m) { return packedA(m, s.m, s.k, aRow, aCol); },
      packedASize);
  c = c0;
  dlc_uk_sgemm_packed_a(isa, s.batch, s.m, s.n, s.k, intptr_t(packedAs.data()),
                        packedASize, intptr_t(b.data()), bRows * bCols, bRow,
                        bCol, intptr_t(c.data()), s.m * s.n, s.n, 1,
                        s.accumulate);
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
            // Rows 4 KiB apart: packed even with few rows.
            Shape{1, 20, 1024, 40, false, false, false},
            Shape{3, 33, 47, 65, true, true, false},
            Shape{2, 128, 64, 300, false, true, true},
            Shape{1, 5, 3, 0, false, false, false}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

} // namespace

namespace {

struct DepthwiseShape {
  int64_t n, c, h, w, kh, kw, sh, sw, dh, dw;
  bool accumulate;
};

class DepthwiseTest
    : public ::testing::TestWithParam<std::tuple<DepthwiseShape, int>> {};

TEST_P(DepthwiseTest, MatchesReference) {
  auto [s, isa] = GetParam();
  if (dlc_uk_effective_isa(isa) != isa)
    GTEST_SKIP() << "this CPU lacks instruction set " << isa;
  int64_t oh = (s.h - s.dh * (s.kh - 1) - 1) / s.sh + 1;
  int64_t ow = (s.w - s.dw * (s.kw - 1) - 1) / s.sw + 1;
  std::vector<float> in = randomValues(s.n * s.c * s.h * s.w, 4);
  std::vector<float> f = randomValues(s.c * s.kh * s.kw, 5);
  std::vector<float> out = randomValues(s.n * s.c * oh * ow, 6);
  std::vector<double> want(out.size());
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t ch = 0; ch < s.c; ++ch)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          size_t o = ((b * s.c + ch) * oh + y) * ow + x;
          double sum = s.accumulate ? out[o] : 0.0;
          for (int64_t i = 0; i < s.kh; ++i)
            for (int64_t j = 0; j < s.kw; ++j)
              sum += double(f[(ch * s.kh + i) * s.kw + j]) *
                     in[((b * s.c + ch) * s.h + y * s.sh + i * s.dh) * s.w +
                        x * s.sw + j * s.dw];
          want[o] = sum;
        }
  dlc_uk_depthwise_conv2d(isa, s.n, s.c, s.h, s.w, oh, ow, s.kh, s.kw, s.sh,
                          s.sw, s.dh, s.dw, intptr_t(in.data()),
                          intptr_t(f.data()), intptr_t(out.data()),
                          s.accumulate);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], want[i], 1e-4) << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DepthwiseTest,
    ::testing::Combine(
        ::testing::Values(DepthwiseShape{1, 3, 9, 9, 3, 3, 1, 1, 1, 1, false},
                          // Stride 2 and a row wider than one chunk.
                          DepthwiseShape{2, 4, 7, 1100, 3, 3, 2, 2, 1, 1, true},
                          DepthwiseShape{1, 5, 12, 12, 3, 2, 1, 3, 2, 2, false},
                          DepthwiseShape{1, 2, 5, 5, 5, 5, 1, 1, 1, 1, true}),
        ::testing::Values(DLC_UK_ISA_GENERIC, DLC_UK_ISA_AVX2,
                          DLC_UK_ISA_AVX512)));

} // namespace
