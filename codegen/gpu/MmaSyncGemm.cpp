//===- MmaSyncGemm.cpp - GEMMs on sm_80 tensor cores: mma.sync ------------===//
//
// One thread block computes a 64x64 tile of C with 4 warps of 32x32, each a
// 2x4 grid of m16n8 `mma.sync` tiles: k8 in TF32 for f32 inputs, k16 for
// bf16 and f16 (f32 sums), k32 for int8 (i32 sums). K advances a tile of
// 128 (f32) or 64 bytes per row at a time through a multistage pipeline:
// `cp.async` fills the stage of tile t + S - 1 while tile t is multiplied,
// with S = 3 for f32 and 4 otherwise (at most 48 KiB of shared memory). A
// fragments come from `ldmatrix.x4`; B fragments from `ldmatrix.x2`
// (transposed B), `ldmatrix.x2.trans` (16-bit B) or shared loads (TF32 and
// int8 B). Convolutions are implicit GEMMs whose B tiles are gathered from
// the NCHW input: by 4-byte cp.async (f32), or through registers (16-bit). Shared tiles are not padded but XOR-swizzled by 16-byte chunks,
// so that the 8 rows of an ldmatrix phase, and the words of a warp's load,
// fall in distinct banks.
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

#include <algorithm>

using namespace mlir;

namespace dlc {
namespace {

constexpr int64_t kBlockM = 64, kBlockN = 64;
constexpr int64_t kThreads = 128;
constexpr int64_t kWarpTilesM = 2, kWarpTilesN = 4; // m16 x n8 tiles.
constexpr int64_t kMaxStages = 4, kSharedBytes = 48 * 1024;

/// Where a shared tile keeps 16-byte chunk `c` of row `r`: at chunk
/// c ^ (((r >> shift) & mask) * scale) of the same row.
struct Swizzle {
  int64_t shift, mask, scale;
};

/// The swizzle for tiles whose 8 consecutive rows are read at one chunk
/// (an ldmatrix phase; the TF32 load of a transposed B): 128-byte rows
/// fill a bank line each and take chunk c ^ r % 8; 64-byte rows share a
/// line in pairs, r % 2 picks the half and c ^ (r / 2) % 4 the chunk.
Swizzle consecutiveRows(int64_t rowBytes) {
  return rowBytes == 128 ? Swizzle{0, 7, 1} : Swizzle{1, 3, 1};
}

class KernelBuilder : IndexMath {
public:
  KernelBuilder(OpBuilder &b, Location loc, Type input)
      : IndexMath(b, loc), input(input),
        bytes(input.getIntOrFloatBitWidth() / 8), vector(16 / bytes),
        blockK(bytes == 4 ? 32 : 64 / bytes) {
    stages = std::min(kMaxStages,
                      kSharedBytes / ((kBlockM + kBlockN) * blockK * bytes));
    swizzleA = consecutiveRows(blockK * bytes);
  }

  void build(const Gemm &gemm, Value c, const KernelEpilogue &epilogue) {
    // Without batch loops, A and C are (collapsed to) rows x columns.
    bool batched = !gemm.batch.empty();
    a = batched ? gemm.a : collapseTo(b, loc, gemm.a, 2);
    bMat = gemm.b;
    aDims = batched ? gemm.aDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    bDims = batched ? gemm.bDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    cDims = batched ? gemm.cDims : SmallVector<int64_t>{kRowDim, kColumnDim};
    transposeB = gemm.transposeB;
    unsignedA = gemm.unsignedA, unsignedB = gemm.unsignedB;
    conv = gemm.conv;
    // B's loads: transposed B is N x K and read like A. Otherwise the warp
    // reads rows k..k+3 (TF32, 256-byte rows: their 2-chunk column blocks
    // move to distinct quarters of a line), rows k..k+7 by ldmatrix.trans
    // (16-bit), or rows 4i + j for i < 4 (int8, 64-byte rows: (r / 4) % 4
    // moves them to distinct chunks).
    swizzleB = transposeB  ? swizzleA
               : bytes == 4 ? Swizzle{0, 3, 2}
               : bytes == 2 ? consecutiveRows(kBlockN * bytes)
                            : Swizzle{2, 3, 1};
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
    auto sharedA = MemRefType::get({stages, kBlockM, blockK}, input,
                                   MemRefLayoutAttrInterface(), workgroup);
    auto sharedB = MemRefType::get(
        transposeB ? ArrayRef<int64_t>{stages, kBlockN, blockK}
                   : ArrayRef<int64_t>{stages, blockK, kBlockN},
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

    // Prologue: tiles 0..S-2 into stages 0..S-2. Every stage commits one
    // group, empty past the last tile, so that group i holds tile i.
    int64_t tiles = (gemm.k + blockK - 1) / blockK;
    Value token;
    for (int64_t s = 0; s + 1 < stages; ++s) {
      SmallVector<Value> copies;
      if (s < tiles) {
        loadStage(index(s), index(s), copies);
        if (gathersByRegisters())
          storeGathered(index(s), gatherToRegisters(index(s * blockK)));
      }
      token = commit(copies);
    }
    Type sumType = bytes == 1 ? Type(b.getI32Type()) : Type(b.getF32Type());
    auto accType = VectorType::get({2, 2}, sumType);
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accType, b.getZeroAttr(sumType)));
    SmallVector<Value> init(kWarpTilesM * kWarpTilesN, zero);
    auto loop = scf::ForOp::create(b, loc, index(0), index(tiles), index(1),
                                   init);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    // Tile t has landed once at most S - 2 groups are pending. The barrier
    // publishes it, and tells that every warp is done with tile t - 1,
    // whose stage is refilled next.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, token,
                                     b.getI32IntegerAttr(stages - 2));
    gpu::BarrierOp::create(b, loc);
    Value next = add(t, index(stages - 1));
    // 16-bit convolution tiles come through registers: loaded here (zeros
    // past K), stored after the products so that the loads' latency
    // overlaps them.
    SmallVector<Gathered> gathered;
    if (gathersByRegisters())
      gathered = gatherToRegisters(mul(next, blockK));
    auto ifNext = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next,
                              index(tiles)));
    SmallVector<Value> unused;
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(ifNext.thenBlock());
      loadStage(next, rem(next, stages), unused);
    }
    commit({});
    SmallVector<Value> acc(loop.getRegionIterArgs());
    Value stage = rem(t, stages);
    int64_t step = 32 / bytes;
    for (int64_t kk = 0; kk < blockK; kk += step)
      multiplyStep(stage, kk, acc);
    // (The stage of tile t + S - 1 held tile t - 1, which every warp is
    // done with; it is read after the barrier of iteration t + S - 1.)
    if (gathersByRegisters())
      storeGathered(rem(next, stages), gathered);
    scf::YieldOp::create(b, loc, acc);

    b.setInsertionPointAfter(loop);
    store(c, loop.getResults(), epilogue);
    gpu::TerminatorOp::create(b, loc);
  }

private:
  Value commit(ArrayRef<Value> copies) {
    return nvgpu::DeviceAsyncCreateGroupOp::create(
        b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), copies);
  }

  /// Issues the cp.async copies of K tile `t` of A and B into shared stage
  /// `stage`.
  void loadStage(Value t, Value stage, SmallVector<Value> &copies) {
    Value k0 = mul(t, blockK);
    copyTile(as, a, aDims, swizzleA, stage, kBlockM, blockK, m0, k0, m, k,
             copies);
    if (conv) {
      if (!gathersByRegisters())
        gatherTile(stage, k0, copies);
    }
    else if (transposeB)
      copyTile(bs, bMat, bDims, swizzleB, stage, kBlockN, blockK, n0, k0, n,
               k, copies);
    else
      copyTile(bs, bMat, bDims, swizzleB, stage, blockK, kBlockN, k0, n0, k,
               n, copies);
  }

  /// The shared column of element column `col` of row `row` in a tile
  /// swizzled by `swizzle`.
  Value sharedColumn(Value row, Value col, Swizzle swizzle) {
    Value key = mul(rem(div(row, int64_t(1) << swizzle.shift),
                        swizzle.mask + 1),
                    swizzle.scale);
    Value chunk = arith::XOrIOp::create(b, loc, div(col, vector), key);
    return add(mul(chunk, vector), rem(col, vector));
  }

  /// Copies global[row0 + r][col0 + c] to shared[stage][r][c] for the
  /// rows x cols tile, 16 bytes per copy, spread over the block's threads.
  /// Elements past the global matrix's `rowCount` x `colCount` are
  /// zero-filled (cp.async's source size), from a clamped, valid address.
  void copyTile(Value shared, Value global, ArrayRef<int64_t> roles,
                Swizzle swizzle, Value stage, int64_t rows, int64_t cols,
                Value row0, Value col0, int64_t rowCount, int64_t colCount,
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
          b, loc, shared,
          ValueRange{stage, row, sharedColumn(row, col, swizzle)}, global,
          indices(roles, safeRow, safeCol), b.getIndexAttr(vector), elements,
          b.getUnitAttr()));
    }
  }

  /// Element `i` of this thread's share of the K x N tile of the
  /// convolution's im2col matrix at (k0, n0): element (k, p) is
  /// input[image][c][oh * sh + kh * dh][ow * sw + kw * dw] for
  /// k = (c, kh, kw) and p = (oh, ow). Consecutive threads take consecutive
  /// pixels.
  struct GatherElement {
    Value row, column; // In the (swizzled) stage.
    Value inside;      // Within K, N and the input; else zero.
    SmallVector<Value, 4> source; // Input indices, 0 when outside.
  };
  GatherElement gatherElement(Value k0, int64_t i) {
    const Gemm::Convolution &g = *conv;
    auto lessThan = [&](Value x, int64_t bound) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                   index(bound));
    };
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
    GatherElement result{row, sharedColumn(row, col, swizzleB), inside, {}};
    result.source.push_back(batchIndices[0]);
    for (Value value : {channel, y, x})
      result.source.push_back(
          arith::SelectOp::create(b, loc, inside, value, index(0)));
    return result;
  }

  /// Copies the tile at (k0, n0) into `stage` of B, one element per
  /// cp.async (4 bytes), zero-filled outside the input.
  void gatherTile(Value stage, Value k0, SmallVector<Value> &copies) {
    for (int64_t i = 0; i < blockK * kBlockN / kThreads; ++i) {
      GatherElement e = gatherElement(k0, i);
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, bs, ValueRange{stage, e.row, e.column}, conv->input,
          e.source, b.getIndexAttr(1),
          arith::SelectOp::create(b, loc, e.inside, index(1), index(0)),
          UnitAttr()));
    }
  }

  /// Whether B's convolution tiles are gathered through registers:
  /// cp.async copies 4 bytes at least, 16-bit elements are 2.
  bool gathersByRegisters() const { return conv && bytes == 2; }

  /// An element of a B tile in a register, and its place in the stage.
  struct Gathered {
    Value value, row, column;
  };

  /// Loads the tile at (k0, n0) into registers, zeros outside the input
  /// (and past K).
  SmallVector<Gathered> gatherToRegisters(Value k0) {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(input));
    SmallVector<Gathered> result;
    for (int64_t i = 0; i < blockK * kBlockN / kThreads; ++i) {
      GatherElement e = gatherElement(k0, i);
      Value value = memref::LoadOp::create(b, loc, conv->input, e.source);
      result.push_back(
          {arith::SelectOp::create(b, loc, e.inside, value, zero), e.row,
           e.column});
    }
    return result;
  }

  void storeGathered(Value stage, ArrayRef<Gathered> gathered) {
    for (const Gathered &element : gathered)
      memref::StoreOp::create(b, loc, element.value, bs,
                              ValueRange{stage, element.row, element.column});
  }

  /// acc[mi][ni] += A(16 x step) * B(step x 8) for the k step (32 bytes)
  /// at `kk`.
  void multiplyStep(Value stage, int64_t kk, SmallVector<Value> &acc) {
    // ldmatrix.x4: lane l addresses row l % 8 + 8 * (l / 8 % 2) and the
    // 16-byte column block l / 16 of the 16-row tile; tile i of the result
    // is register a_i.
    Value ldRow = add(rem(lane, 8), mul(rem(div(lane, 8), 2), 8));
    Value ldCol = add(index(kk), mul(div(lane, 16), vector));
    SmallVector<Value> fragA;
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi) {
      Value row = add(add(warpRow, index(mi * 16)), ldRow);
      fragA.push_back(nvgpu::LdMatrixOp::create(
          b, loc, VectorType::get({4, vector / 4}, input), as,
          ValueRange{stage, row, sharedColumn(row, ldCol, swizzleA)},
          /*transpose=*/false, /*numTiles=*/4));
    }
    if (bytes != 4)
      return multiplyStepPacked(stage, kk, fragA, acc);
    // b0 = B[kk + l % 4][n + l / 4], b1 four rows down (k is the column
    // of a transposed tile).
    Type f32 = b.getF32Type();
    Value kRow = add(index(kk), rem(lane, 4));
    Value kRow4 = add(kRow, index(4));
    SmallVector<Value> fragB;
    for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
      Value col = add(add(warpCol, index(ni * 8)), div(lane, 4));
      auto load = [&](Value kIndex) -> Value {
        SmallVector<Value, 3> at =
            transposeB
                ? SmallVector<Value, 3>{stage, col,
                                        sharedColumn(col, kIndex, swizzleB)}
                : SmallVector<Value, 3>{stage, kIndex,
                                        sharedColumn(kIndex, col, swizzleB)};
        return memref::LoadOp::create(b, loc, bs, at);
      };
      fragB.push_back(vector::FromElementsOp::create(
          b, loc, VectorType::get({2, 1}, f32),
          ValueRange{load(kRow), load(kRow4)}));
    }
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi)
      for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
        Value &tile = acc[mi * kWarpTilesN + ni];
        tile = nvgpu::MmaSyncOp::create(b, loc, fragA[mi], fragB[ni], tile,
                                        ArrayRef<int64_t>{16, 8, 8},
                                        /*tf32Enabled=*/true);
      }
  }

  /// The k16 (16-bit) or k32 (int8) step on packed 32-bit registers, the
  /// form NVVM's mma.sync takes them in. B fragment register j of lane l
  /// holds column n + l / 4 at rows 32j/16 + 4/bytes * (l % 4) onwards.
  void multiplyStepPacked(Value stage, int64_t kk, ArrayRef<Value> fragA,
                          SmallVector<Value> &acc) {
    Type i32 = b.getI32Type();
    auto toI32 = [&](Value packed) -> Value {
      return vector::ExtractOp::create(
          b, loc,
          vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), packed),
          ArrayRef<int64_t>{0});
    };
    // The registers of a fragment of `count` rows of 32 bits.
    auto registers = [&](Value fragment, int64_t count) {
      SmallVector<Value> values;
      for (int64_t i = 0; i < count; ++i) {
        Value row = vector::ExtractOp::create(b, loc, fragment,
                                              ArrayRef<int64_t>{i});
        values.push_back(input.isF16() ? row : toI32(row));
      }
      return values;
    };
    SmallVector<SmallVector<Value>> fragB;
    for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
      Value nCol = add(warpCol, index(ni * 8));
      auto fragmentType = VectorType::get({2, vector / 4}, input);
      if (transposeB) {
        // N x K: lane l < 16 addresses row n + l % 8 and the 16-byte block
        // l / 8 of the step; the tile is already by columns.
        Value nRow = add(nCol, rem(lane, 8));
        Value kCol = add(index(kk), mul(rem(div(lane, 8), 2), vector));
        fragB.push_back(registers(
            nvgpu::LdMatrixOp::create(
                b, loc, fragmentType, bs,
                ValueRange{stage, nRow, sharedColumn(nRow, kCol, swizzleB)},
                /*transpose=*/false, /*numTiles=*/2),
            2));
      } else if (bytes == 2) {
        // Lane l < 16 addresses row kk + l of an 8-column block; b_j holds
        // rows 2 * (l % 4) + 8j and the next of column l / 4.
        Value kRow = add(index(kk), rem(lane, 16));
        fragB.push_back(registers(
            nvgpu::LdMatrixOp::create(
                b, loc, fragmentType, bs,
                ValueRange{stage, kRow, sharedColumn(kRow, nCol, swizzleB)},
                /*transpose=*/true, /*numTiles=*/2),
            2));
      } else {
        // int8 K x N (ldmatrix transposes 16-bit elements only): register j
        // packs rows 16j + 4 * (l % 4) .. +3 of column l / 4.
        Value col = add(nCol, div(lane, 4));
        SmallVector<Value> regs;
        for (int64_t j = 0; j < 2; ++j) {
          SmallVector<Value> bytesOfReg;
          for (int64_t e = 0; e < 4; ++e) {
            Value kRow = add(index(kk + 16 * j + e), mul(rem(lane, 4), 4));
            bytesOfReg.push_back(memref::LoadOp::create(
                b, loc, bs,
                ValueRange{stage, kRow, sharedColumn(kRow, col, swizzleB)}));
          }
          regs.push_back(toI32(vector::FromElementsOp::create(
              b, loc, VectorType::get({4}, input), bytesOfReg)));
        }
        fragB.push_back(regs);
      }
    }
    Type sumType = bytes == 1 ? i32 : Type(b.getF32Type());
    auto sumsType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, sumType));
    std::optional<std::array<NVVM::MMATypes, 2>> types;
    std::optional<NVVM::MMAIntOverflow> overflow;
    if (input.isBF16())
      types = {{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16}};
    if (bytes == 1) {
      auto of = [](bool isUnsigned) {
        return isUnsigned ? NVVM::MMATypes::u8 : NVVM::MMATypes::s8;
      };
      types = {{of(unsignedA), of(unsignedB)}};
      // ONNX's int32 sums wrap around.
      overflow = NVVM::MMAIntOverflow::wrapped;
    }
    for (int64_t mi = 0; mi < kWarpTilesM; ++mi) {
      SmallVector<Value> aRegs = registers(fragA[mi], 4);
      for (int64_t ni = 0; ni < kWarpTilesN; ++ni) {
        Value &tile = acc[mi * kWarpTilesN + ni];
        SmallVector<Value> sums;
        for (int64_t i = 0; i < 4; ++i)
          sums.push_back(vector::ExtractOp::create(
              b, loc, tile, ArrayRef<int64_t>{i / 2, i % 2}));
        Value product = NVVM::MmaOp::create(
            b, loc, sumsType, aRegs, fragB[ni], sums,
            ArrayRef<int64_t>{16, 8, 32 / bytes}, std::nullopt, overflow,
            types, {{NVVM::MMALayout::row, NVVM::MMALayout::col}});
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
  int64_t blockK; // The K tile: 128 (f32) or 64 bytes per row.
  int64_t stages;
  Swizzle swizzleA, swizzleB;
  bool transposeB = false, unsignedA = false, unsignedB = false;
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
  // Convolutions gather B by elements (4-byte cp.async for f32, through
  // registers for 16-bit types); the filter's rows are copied in 16-byte
  // chunks.
  if (gemm.conv)
    return isa<Float32Type, BFloat16Type, Float16Type>(gemm.inputType) &&
           gemm.k % vector == 0 && limits;
  return (isa<Float32Type, BFloat16Type, Float16Type>(gemm.inputType) ||
          gemm.inputType.isInteger(8)) &&
         gemm.n % vector == 0 && gemm.k % vector == 0 && limits;
}

void buildMmaSyncGemm(OpBuilder &b, Location loc, const Gemm &gemm, Value c,
                      const KernelEpilogue &epilogue) {
  KernelBuilder(b, loc, gemm.inputType).build(gemm, c, epilogue);
}

} // namespace dlc
