//===- MmaSyncGemm.cpp - GEMMs on sm_80 tensor cores: mma.sync ------------===//
//
// One thread block computes a 64x64 tile of C with 4 warps of 32x32, each a
// 2x4 grid of m16n8 `mma.sync` tiles: k8 in TF32 for f32 inputs, k16 for
// bf16 and f16, accumulating in f32. K advances 32 at a time through a
// two-stage pipeline: `cp.async` copies the next A and B tiles into shared
// memory while the current ones are multiplied. A fragments come from
// `ldmatrix.x4` (an 8x8 b16 tile is an 8x4 tf32 tile); B fragments from
// shared loads (TF32) or `ldmatrix.x2.trans` (16-bit: B is K x N in shared
// memory, the fragment wants it by columns). Shared rows are padded so
// that the 8 row addresses of an ldmatrix phase, and the 32 lanes of a B
// load, fall in distinct banks.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/GemmKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace dlc {
namespace {

constexpr int64_t kBlockM = 64, kBlockN = 64, kBlockK = 32;
constexpr int64_t kThreads = 128;
// Shared row padding in bytes: 16 for A (ldmatrix rows), 32 for f32 B
// (lanes l and l + 4 of a B load read rows k and k + 1), 16 for 16-bit B.
constexpr int64_t kPadBytesA = 16, kPadBytesB32 = 32, kPadBytesB16 = 16;
constexpr int64_t kWarpTilesM = 2, kWarpTilesN = 4; // m16 x n8 tiles.

class KernelBuilder : IndexMath {
public:
  KernelBuilder(OpBuilder &b, Location loc, Type input)
      : IndexMath(b, loc), input(input),
        bytes(input.getIntOrFloatBitWidth() / 8), vector(16 / bytes) {}


  void build(const Gemm &gemm, Value c, const KernelEpilogue &epilogue) {
    // Without batch loops, A and C are (collapsed to) rows x columns.
    bool batched = !gemm.batch.empty();
    a = batched ? gemm.a : collapseTo(b, loc, gemm.a, 2);
    bMat = gemm.b;
    aDims = batched ? gemm.aDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    bDims = batched ? gemm.bDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    cDims = batched ? gemm.cDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    transposeB = gemm.transposeB;
    conv = gemm.conv;
    Value gridX = index((gemm.n + kBlockN - 1) / kBlockN),
          gridY = index((gemm.m + kBlockM - 1) / kBlockM);
    int64_t batches = 1;
    for (int64_t size : gemm.batch)
      batches *= size;
    m = gemm.m, n = gemm.n, k = gemm.k;
    Value one = index(1);
    auto launch = gpu::LaunchOp::create(b, loc, gridX, gridY,
                                        batches == 1 ? one : index(batches),
                                        index(kThreads), one, one);
    Attribute workgroup = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::AddressSpace::Workgroup);
    int64_t padB = bytes == 4 ? kPadBytesB32 : kPadBytesB16;
    auto sharedA = MemRefType::get({2, kBlockM, kBlockK + kPadBytesA / bytes},
                                   input, MemRefLayoutAttrInterface(),
                                   workgroup);
    // A transposed B tile is kept as N x K, like A.
    auto sharedB = MemRefType::get(
        transposeB ? ArrayRef<int64_t>{2, kBlockN,
                                       kBlockK + kPadBytesA / bytes}
                   : ArrayRef<int64_t>{2, kBlockK, kBlockN + padB / bytes},
        input, MemRefLayoutAttrInterface(), workgroup);
    as = launch.addWorkgroupAttribution(sharedA, loc);
    bs = launch.addWorkgroupAttribution(sharedB, loc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    tid = launch.getThreadIds().x;
    m0 = mul(launch.getBlockIds().y, kBlockM);
    n0 = mul(launch.getBlockIds().x, kBlockN);
    // blockIdx.z enumerates the batch loops, the last fastest.
    Value rest = launch.getBlockIds().z;
    batchIndices.assign(gemm.batch.size(), Value());
    for (int64_t i = gemm.batch.size() - 1; i >= 0; --i) {
      batchIndices[i] = i ? rem(rest, gemm.batch[i]) : rest;
      if (i)
        rest = div(rest, gemm.batch[i]);
    }
    Value warp = div(tid, 32);
    lane = rem(tid, 32);
    warpRow = mul(div(warp, 2), 32);
    warpCol = mul(rem(warp, 2), 32);

    // Prologue: stage 0 holds K tile 0.
    Value first = loadStage(index(0), index(0));
    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accType, b.getF32FloatAttr(0.0f)));
    SmallVector<Value> init(kWarpTilesM * kWarpTilesN, zero);
    int64_t tiles = (gemm.k + kBlockK - 1) / kBlockK;
    auto loop = scf::ForOp::create(b, loc, index(0), index(tiles), index(1),
                                   init);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    Value stage = rem(t, 2);
    // Issue the next tile's copies, then wait for all but them.
    Value next = add(t, index(1));
    Value hasNext = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          next, index(tiles));
    auto ifNext = scf::IfOp::create(b, loc, hasNext, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(ifNext.thenBlock());
      Value group = loadStage(next, rem(next, 2));
      nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                       b.getI32IntegerAttr(1));
      b.setInsertionPointToStart(ifNext.elseBlock());
      nvgpu::DeviceAsyncWaitOp::create(b, loc, first, b.getI32IntegerAttr(0));
    }
    gpu::BarrierOp::create(b, loc);
    SmallVector<Value> acc(loop.getRegionIterArgs());
    int64_t step = bytes == 4 ? 8 : 16;
    for (int64_t kk = 0; kk < kBlockK; kk += step)
      multiplyStep(stage, kk, acc);
    // Every warp is done with this stage before it is refilled.
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, acc);

    b.setInsertionPointAfter(loop);
    store(c, loop.getResults(), epilogue);
    gpu::TerminatorOp::create(b, loc);
  }

private:
  /// Copies K tile `t` of A and B into shared stage `stage` with 16-byte
  /// cp.async copies; returns their group.
  Value loadStage(Value t, Value stage) {
    SmallVector<Value> copies;
    Value k0 = mul(t, kBlockK);
    copyTile(as, a, aDims, stage, kBlockM, kBlockK, m0, k0, m, k, copies);
    if (conv)
      gatherTile(stage, k0, copies);
    else if (transposeB)
      copyTile(bs, bMat, bDims, stage, kBlockN, kBlockK, n0, k0, n, k,
               copies);
    else
      copyTile(bs, bMat, bDims, stage, kBlockK, kBlockN, k0, n0, k, n,
               copies);
    return nvgpu::DeviceAsyncCreateGroupOp::create(
        b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), copies);
  }

  /// Copies global[row0 + r][col0 + c] to shared[stage][r][c] for the
  /// rows x cols tile, 16 bytes per copy, spread over the block's threads.
  /// Elements past the global matrix's `rowCount` x `colCount` are
  /// zero-filled (cp.async's source size), from a clamped, valid address.
  void copyTile(Value shared, Value global, ArrayRef<int64_t> roles,
                Value stage, int64_t rows, int64_t cols, Value row0,
                Value col0, int64_t rowCount, int64_t colCount,
                SmallVector<Value> &copies) {
    for (int64_t i = 0; i < (rows * cols / vector) / kThreads; ++i) {
      Value chunk = add(tid, index(i * kThreads));
      Value row = div(chunk, cols / vector);
      Value col = mul(rem(chunk, cols / vector), vector);
      Value globalRow = add(row0, row), globalCol = add(col0, col);
      Value inRows = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult, globalRow, index(rowCount));
      Value inCols = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult, globalCol, index(colCount));
      Value inside = arith::AndIOp::create(b, loc, inRows, inCols);
      // colCount is a multiple of a chunk: a chunk is wholly in or out.
      Value elements = arith::SelectOp::create(b, loc, inside, index(vector),
                                               index(0));
      Value safeRow = arith::MinUIOp::create(b, loc, globalRow,
                                             index(rowCount - 1));
      Value safeCol = arith::MinUIOp::create(b, loc, globalCol,
                                             index(colCount - vector));
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, shared, ValueRange{stage, row, col}, global,
          indices(roles, safeRow, safeCol), b.getIndexAttr(vector), elements,
          b.getUnitAttr()));
    }
  }

  /// Copies the K x N tile of the convolution's im2col matrix at (k0, n0)
  /// into `stage` of B, one element per cp.async (4 bytes): element (k, p)
  /// is input[image][c][oh * sh + kh * dh][ow * sw + kw * dw] for
  /// k = (c, kh, kw) and p = (oh, ow). Outside the input it is zero-filled.
  void gatherTile(Value stage, Value k0, SmallVector<Value> &copies) {
    const Gemm::Convolution &g = *conv;
    auto lessThan = [&](Value x, int64_t bound) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                   index(bound));
    };
    for (int64_t i = 0; i < kBlockK * kBlockN / kThreads; ++i) {
      // Consecutive threads take consecutive pixels.
      Value element = add(tid, index(i * kThreads));
      Value row = div(element, kBlockN), col = rem(element, kBlockN);
      Value kIndex = add(k0, row), pixel = add(n0, col);
      Value tap = rem(kIndex, g.kernelH * g.kernelW);
      Value channel = div(kIndex, g.kernelH * g.kernelW);
      Value y = add(mul(div(pixel, g.outW), g.strideH),
                    mul(div(tap, g.kernelW), g.dilationH));
      Value x = add(mul(rem(pixel, g.outW), g.strideW),
                    mul(rem(tap, g.kernelW), g.dilationW));
      Value inside = lessThan(kIndex, k);
      for (Value condition : {lessThan(pixel, n), lessThan(y, g.height),
                              lessThan(x, g.width)})
        inside = arith::AndIOp::create(b, loc, inside, condition);
      auto safe = [&](Value value) {
        return arith::SelectOp::create(b, loc, inside, value, index(0));
      };
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, bs, ValueRange{stage, row, col}, g.input,
          ValueRange{batchIndices[0], safe(channel), safe(y), safe(x)},
          b.getIndexAttr(1),
          arith::SelectOp::create(b, loc, inside, index(1), index(0)),
          UnitAttr()));
    }
  }

  /// acc[mi][ni] += A(16 x k) * B(k x 8) for the k step (8 or 16) at
  /// `kk`.
  void multiplyStep(Value stage, int64_t kk, SmallVector<Value> &acc) {
    Type f32 = b.getF32Type();
    // ldmatrix.x4: lane l addresses row l % 8 + 8 * (l / 8 % 2) and the
    // 16-byte column block l / 16 of the 16-row tile; tile i of the result
    // is register a_i.
    Value ldRow = add(rem(lane, 8), mul(rem(div(lane, 8), 2), 8));
    Value ldCol = add(index(kk), mul(div(lane, 16), vector));
    SmallVector<Value> fragA;
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi)
      fragA.push_back(nvgpu::LdMatrixOp::create(
          b, loc, VectorType::get({4, 32 / (bytes * 8)}, input), as,
          ValueRange{stage, add(add(warpRow, index(mi * 16)), ldRow), ldCol},
          /*transpose=*/false, /*numTiles=*/4));
    if (bytes == 2)
      return multiplyStep16(stage, kk, fragA, acc);
    // b0 = B[kk + l % 4][n + l / 4], b1 four rows down (k is the column
    // of a transposed tile).
    Value kRow = add(index(kk), rem(lane, 4));
    Value kRow4 = add(kRow, index(4));
    SmallVector<Value> fragB;
    for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
      Value col = add(add(warpCol, index(ni * 8)), div(lane, 4));
      auto at = [&](Value kIndex) {
        return transposeB ? SmallVector<Value, 3>{stage, col, kIndex}
                          : SmallVector<Value, 3>{stage, kIndex, col};
      };
      Value b0 = memref::LoadOp::create(b, loc, bs, at(kRow));
      Value b1 = memref::LoadOp::create(b, loc, bs, at(kRow4));
      fragB.push_back(vector::FromElementsOp::create(
          b, loc, VectorType::get({2, 1}, f32), ValueRange{b0, b1}));
    }
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi)
      for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
        Value &tile = acc[mi * kWarpTilesN + ni];
        tile = nvgpu::MmaSyncOp::create(b, loc, fragA[mi], fragB[ni], tile,
                                        ArrayRef<int64_t>{16, 8, 8},
                                        /*tf32Enabled=*/true);
      }
  }

  /// The 16-bit k16 step: B fragments by ldmatrix.x2.trans (lane l < 16
  /// addresses row kk + l of an 8-column block; b_j holds rows 2 * (l % 4)
  /// + 8j and the next of column l / 4), products by NVVM's mma.sync, which
  /// takes bf16 pairs as i32 registers.
  void multiplyStep16(Value stage, int64_t kk, ArrayRef<Value> fragA,
                      SmallVector<Value> &acc) {
    Type f32 = b.getF32Type();
    Value kRow = add(index(kk), rem(lane, 16));
    SmallVector<Value> fragB;
    for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
      Value nCol = add(warpCol, index(ni * 8));
      if (transposeB) {
        // N x K: lane l < 16 addresses row n + l % 8, columns kk + 8 * (l / 8)
        // (b_j holds k 8j..8j+7); the tile is already by columns.
        Value nRow = add(nCol, rem(lane, 8));
        Value kCol = add(index(kk), mul(rem(div(lane, 8), 2), 8));
        fragB.push_back(nvgpu::LdMatrixOp::create(
            b, loc, VectorType::get({2, 2}, input), bs,
            ValueRange{stage, nRow, kCol}, /*transpose=*/false,
            /*numTiles=*/2));
        continue;
      }
      fragB.push_back(nvgpu::LdMatrixOp::create(
          b, loc, VectorType::get({2, 2}, input), bs,
          ValueRange{stage, kRow, nCol},
          /*transpose=*/true, /*numTiles=*/2));
    }
    bool bf16 = input.isBF16();
    auto registers = [&](Value fragment, int64_t count) {
      SmallVector<Value> values;
      for (int64_t i = 0; i < count; ++i) {
        Value pair = vector::ExtractOp::create(b, loc, fragment,
                                               ArrayRef<int64_t>{i});
        if (bf16)
          pair = vector::ExtractOp::create(
              b, loc,
              vector::BitCastOp::create(
                  b, loc, VectorType::get({1}, b.getI32Type()), pair),
              ArrayRef<int64_t>{0});
        values.push_back(pair);
      }
      return values;
    };
    auto sumsType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, f32));
    std::optional<std::array<NVVM::MMATypes, 2>> types;
    if (bf16)
      types = {{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16}};
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi) {
      SmallVector<Value> a = registers(fragA[mi], 4);
      for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
        Value &tile = acc[mi * kWarpTilesN + ni];
        SmallVector<Value> sums;
        for (int64_t i = 0; i < 4; ++i)
          sums.push_back(vector::ExtractOp::create(
              b, loc, tile, ArrayRef<int64_t>{i / 2, i % 2}));
        Value product = NVVM::MmaOp::create(
            b, loc, sumsType, a, registers(fragB[ni], 2), sums,
            ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt, types,
            {{NVVM::MMALayout::row, NVVM::MMALayout::col}});
        SmallVector<Value> results;
        for (int64_t i = 0; i < 4; ++i)
          results.push_back(LLVM::ExtractValueOp::create(b, loc, product, i));
        tile = vector::FromElementsOp::create(b, loc, tile.getType(), results);
      }
    }
  }

  /// C = epilogue(acc (+ C)): lane l holds rows l / 4 and l / 4 + 8,
  /// columns 2 * (l % 4) and the next, of each 16x8 tile.
  void store(Value c, ValueRange acc, const KernelEpilogue &epilogue) {
    Value row = add(add(m0, warpRow), div(lane, 4));
    Value col = add(add(n0, warpCol), mul(rem(lane, 4), 2));
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi)
      for (int64_t ni = 0; ni < kWarpTilesN; ++ni)
        for (int64_t half = 0; half < 2; ++half)
          for (int64_t j = 0; j < 2; ++j) {
            Value r = add(row, index(mi * 16 + half * 8));
            Value cc = add(col, index(ni * 8 + j));
            Value v = vector::ExtractOp::create(
                b, loc, acc[mi * kWarpTilesN + ni],
                ArrayRef<int64_t>{half, j});
            // Only elements inside C (edge tiles hold padding).
            Value inside = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r,
                                      index(m)),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cc,
                                      index(n)));
            auto guard = scf::IfOp::create(b, loc, inside);
            b.setInsertionPointToStart(guard.thenBlock());
            SmallVector<Value> cIndices = indices(cDims, r, cc);
            v = applyEpilogue(b, loc, v, c, cIndices, r, cc, epilogue);
            memref::StoreOp::create(b, loc, v, c, cIndices);
            b.setInsertionPointAfter(guard);
          }
  }

  /// An operand's memref indices for tile row `row` and column `col` of
  /// this block's batch.
  SmallVector<Value> indices(ArrayRef<int64_t> roles, Value row, Value col) {
    SmallVector<Value> result;
    for (int64_t role : roles)
      result.push_back(role == kRowDim      ? row
                       : role == kColumnDim ? col
                                            : batchIndices[role]);
    return result;
  }

  Type input;
  int64_t bytes;  // Per input element.
  int64_t vector; // Input elements per 16 bytes.
  bool transposeB = false;
  std::optional<Gemm::Convolution> conv;
  SmallVector<int64_t> aDims, bDims, cDims;
  SmallVector<Value> batchIndices;
  Value as, bs, tid, lane, m0, n0, warpRow, warpCol, a, bMat;
  int64_t m = 0, n = 0, k = 0;
};

} // namespace

bool mmaSyncSupports(const Gemm &gemm) {
  // 16-byte copies need rows that start 16-byte aligned; partial tiles at
  // the edges are zero-filled and their results not stored. (More row
  // tiles than a grid's y dim allows keep their loops.)
  int64_t vector = 128 / gemm.inputType.getIntOrFloatBitWidth();
  int64_t batches = 1;
  for (int64_t size : gemm.batch)
    batches *= size;
  // Every operand row is a run of whole 16-byte chunks: its contiguous
  // (column) dim is K or N, and all other strides are multiples of it.
  bool limits = (gemm.m + kBlockM - 1) / kBlockM <= 65535 && batches <= 65535;
  // Convolutions gather B by 4-byte elements (TF32 only); the filter's rows
  // are copied in 16-byte chunks.
  if (gemm.conv)
    return gemm.inputType.isF32() && gemm.k % 4 == 0 && limits;
  return isa<Float32Type, BFloat16Type, Float16Type>(gemm.inputType) &&
         gemm.n % vector == 0 && gemm.k % vector == 0 && limits;
}

void buildMmaSyncGemm(OpBuilder &b, Location loc, const Gemm &gemm, Value c,
                      const KernelEpilogue &epilogue) {
  KernelBuilder(b, loc, gemm.inputType).build(gemm, c, epilogue);
}

} // namespace dlc
