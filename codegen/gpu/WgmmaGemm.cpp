//===- WgmmaGemm.cpp - bf16/f16 GEMMs on sm_90a: wgmma, TMA, mbarriers ----===//
//
// One warpgroup (128 threads) computes a 128x128 tile of C in registers
// (two m64n128 wgmma accumulators). K advances 64 at a time through
// kStages shared-memory stages. Thread 0 fills a stage with three TMA
// loads (A's 128x64 tile and B's 64x128 tile as two 64x64 boxes, the
// 128-byte rows wgmma's swizzled layout wants) and arms the stage's
// mbarrier with the bytes to expect; every thread waits on the mbarrier's
// phase before the warpgroup multiplies the stage. wgmma runs
// asynchronously: an iteration waits only for the previous iteration's
// wgmma, after which its stage is refilled with the tile kStages - 1
// ahead. Out-of-bounds rows and columns load as zeros; the results go
// through shared memory so that the epilogue and the guarded stores of C
// are coalesced vectors of 4.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/GemmKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace dlc {
namespace {

constexpr int64_t kBlockM = 128, kBlockN = 128, kBlockK = 64;
constexpr int64_t kStages = 4;
constexpr int64_t kThreads = 128;
// A box of 64 two-byte elements per row: the 128-byte swizzle's width.
constexpr int64_t kBoxCols = 64;
constexpr int64_t kStageBytesA = kBlockM * kBlockK * 2;
constexpr int64_t kStageBytesB = kBlockK * kBlockN * 2;
constexpr int64_t kSwizzleAlignment = 1024;
// The spin limit of one mbarrier try_wait (PTX retries until the phase
// completes; this bounds each try).
constexpr int64_t kWaitTicks = 10000000;

class WgmmaBuilder : IndexMath {
public:
  WgmmaBuilder(OpBuilder &b, Location loc, const Gemm &gemm)
      : IndexMath(b, loc), gemm(gemm), ctx(b.getContext()),
        workgroup(gpu::AddressSpaceAttr::get(ctx,
                                             gpu::AddressSpace::Workgroup)) {}

  void build(Value c, const KernelEpilogue &epilogue) {
    Type input = gemm.inputType;
    // Descriptors are created on the host, from the global buffers.
    auto createDescriptor = [&](Value matrix, int64_t rows) {
      Value unranked = memref::CastOp::create(
          b, loc, UnrankedMemRefType::get(input, Attribute()), matrix);
      auto type = nvgpu::TensorMapDescriptorType::get(
          ctx, descriptorTile({rows, kBoxCols}),
          nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
          nvgpu::TensorMapL2PromoKind::L2PROMO_256B,
          nvgpu::TensorMapOOBKind::OOB_ZERO,
          nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
      return nvgpu::TmaCreateDescriptorOp::create(
          b, loc, type, unranked, ValueRange{index(rows), index(kBoxCols)});
    };
    descA = createDescriptor(collapseTo(b, loc, gemm.a, 2), kBlockM);
    descB = createDescriptor(gemm.b, kBlockK);

    Value one = index(1);
    Value sharedBytes = arith::ConstantIntOp::create(
        b, loc, b.getI32Type(),
        kStages * (kStageBytesA + kStageBytesB) + kSwizzleAlignment);
    auto launch = gpu::LaunchOp::create(
        b, loc, index((gemm.n + kBlockN - 1) / kBlockN),
        index((gemm.m + kBlockM - 1) / kBlockM), one, index(kThreads), one,
        one, sharedBytes);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    tid = launch.getThreadIds().x;
    m0 = mul(launch.getBlockIds().y, kBlockM);
    n0 = mul(launch.getBlockIds().x, kBlockN);
    sharedMemory = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup));
    // The swizzle is a function of address bits 4-9: stages must start at
    // 1024-byte boundaries, which the dynamic shared memory (16-byte
    // aligned, after the static mbarriers) need not.
    Value address = memref::ExtractAlignedPointerAsIndexOp::create(
        b, loc, sharedMemory);
    base = rem(arith::SubIOp::create(b, loc, index(kSwizzleAlignment),
                                     rem(address, kSwizzleAlignment)),
               kSwizzleAlignment);
    barriers = nvgpu::MBarrierCreateOp::create(
        b, loc, nvgpu::MBarrierGroupType::get(ctx, workgroup, kStages));
    leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                   index(0));
    for (int64_t s = 0; s < kStages; ++s)
      nvgpu::MBarrierInitOp::create(b, loc, barriers, one, index(s), leader);
    nvgpu::TmaPrefetchOp::create(b, loc, descA, leader);
    nvgpu::TmaPrefetchOp::create(b, loc, descB, leader);
    // Every thread sees initialized barriers before waiting on them.
    gpu::BarrierOp::create(b, loc);

    int64_t tiles = (gemm.k + kBlockK - 1) / kBlockK;
    for (int64_t t = 0; t < std::min(kStages - 1, tiles); ++t)
      ifLeader(leader, [&] { loadTile(index(t), index(t)); });

    auto accumulatorType = nvgpu::WarpgroupAccumulatorType::get(
        ctx, VectorType::get({kBlockM, kBlockN}, b.getF32Type()));
    Value zero = nvgpu::WarpgroupMmaInitAccumulatorOp::create(
        b, loc, accumulatorType);
    auto loop = scf::ForOp::create(b, loc, index(0), index(tiles), one,
                                   ValueRange{zero});
    {
      OpBuilder::InsertionGuard inLoop(b);
      b.setInsertionPointToStart(loop.getBody());
      Value t = loop.getInductionVar();
      Value stage = rem(t, kStages);
      // Tile t is the (t / kStages)-th phase of its stage's barrier.
      Value parity = arith::IndexCastOp::create(b, loc, b.getI1Type(),
                                                rem(div(t, kStages), 2));
      nvgpu::MBarrierTryWaitParityOp::create(b, loc, barriers, parity,
                                             index(kWaitTicks), stage);
      Value tileA = stageA(stage), tileB = stageB(stage, 0, kBlockN);
      auto descriptor = [&](Value tile, Value tensorMap) {
        auto type = nvgpu::WarpgroupMatrixDescriptorType::get(
            ctx, descriptorTile(cast<MemRefType>(tile.getType()).getShape()));
        return nvgpu::WarpgroupGenerateDescriptorOp::create(b, loc, type, tile,
                                                           tensorMap);
      };
      // B is K x N row-major: N-major for wgmma, hence transposeB. After
      // the op, only this iteration's wgmma is still in flight.
      Value product = nvgpu::WarpgroupMmaOp::create(
          b, loc, accumulatorType, descriptor(tileA, descA),
          descriptor(tileB, descB), /*waitGroup=*/uint64_t(1),
          /*transposeA=*/UnitAttr(), /*transposeB=*/b.getUnitAttr(),
          loop.getRegionIterArgs().front());
      // Every warp is done with the previous stage: refill it.
      gpu::BarrierOp::create(b, loc);
      Value next = add(t, index(kStages - 1));
      Value refill = arith::AndIOp::create(
          b, loc, leader,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next,
                                index(tiles)));
      ifLeader(refill, [&] { loadTile(next, rem(next, kStages)); });
      scf::YieldOp::create(b, loc, product);
    }
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
    // The stages are free: the tile of C goes through them.
    gpu::BarrierOp::create(b, loc);
    Value staged = view(index(0), {kBlockM, kBlockN}, b.getF32Type());
    nvgpu::WarpgroupMmaStoreOp::create(b, loc, loop.getResult(0), staged);
    gpu::BarrierOp::create(b, loc);
    store(staged, c, epilogue);
    gpu::TerminatorOp::create(b, loc);
  }

private:
  MemRefType shared(ArrayRef<int64_t> shape, Type element) {
    return MemRefType::get(shape, element, MemRefLayoutAttrInterface(),
                           workgroup);
  }
  /// The shared tile a descriptor type describes. NVGPU's type conversions
  /// expect the numeric shared address space (3) there.
  MemRefType descriptorTile(ArrayRef<int64_t> shape) {
    return MemRefType::get(shape, gemm.inputType, MemRefLayoutAttrInterface(),
                           b.getI64IntegerAttr(3));
  }
  /// A shape x element view of the dynamic shared memory at `byteOffset`.
  Value view(Value byteOffset, ArrayRef<int64_t> shape, Type element) {
    return memref::ViewOp::create(b, loc, shared(shape, element), sharedMemory,
                                  add(base, byteOffset), ValueRange());
  }
  Value stageA(Value stage) {
    return view(mul(stage, kStageBytesA), {kBlockM, kBlockK}, gemm.inputType);
  }
  /// Columns [col0, col0 + cols) of stage `stage` of B; the 64-column boxes
  /// lie one after the other.
  Value stageB(Value stage, int64_t col0, int64_t cols) {
    Value offset = add(mul(stage, kStageBytesB),
                       index(kStages * kStageBytesA + col0 * kBlockK * 2));
    return view(offset, {kBlockK, cols}, gemm.inputType);
  }

  void ifLeader(Value condition, llvm::function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, condition);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  /// Loads K tile `t` of A and B into `stage` (thread 0 only) and arms the
  /// stage's barrier with their byte count. Coordinates are innermost first.
  void loadTile(Value t, Value stage) {
    Value k0 = mul(t, kBlockK);
    nvgpu::MBarrierArriveExpectTxOp::create(
        b, loc, barriers, index(kStageBytesA + kStageBytesB), stage, Value());
    nvgpu::TmaAsyncLoadOp::create(b, loc, stageA(stage), barriers, descA,
                                  ValueRange{k0, m0}, stage, Value(), Value());
    for (int64_t col0 = 0; col0 < kBlockN; col0 += kBoxCols)
      nvgpu::TmaAsyncLoadOp::create(b, loc, stageB(stage, col0, kBoxCols),
                                    barriers, descB,
                                    ValueRange{add(n0, index(col0)), k0},
                                    stage, Value(), Value());
  }

  /// C = epilogue(staged (+ C)) in vectors of 4 columns: a warp covers one
  /// 128-column row, so loads and stores coalesce. N is a multiple of 8:
  /// a vector is wholly inside C or outside it.
  void store(Value staged, Value c, const KernelEpilogue &epilogue) {
    constexpr int64_t kWidth = 4;
    auto vectorType = VectorType::get({kWidth}, b.getF32Type());
    int64_t vectorsPerRow = kBlockN / kWidth;
    auto loop = scf::ForOp::create(
        b, loc, index(0), index(kBlockM * vectorsPerRow / kThreads), index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value chunk = add(tid, mul(loop.getInductionVar(), kThreads));
    Value row = div(chunk, vectorsPerRow);
    Value col = mul(rem(chunk, vectorsPerRow), kWidth);
    Value globalRow = add(m0, row), globalCol = add(n0, col);
    Value inside = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, globalRow,
                              index(gemm.m)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, globalCol,
                              index(gemm.n)));
    auto ifInside = scf::IfOp::create(b, loc, inside);
    b.setInsertionPointToStart(ifInside.thenBlock());
    llvm::Align aligned(kWidth * 4);
    Value sums = vector::LoadOp::create(b, loc, vectorType, staged,
                                        ValueRange{row, col},
                                        /*nontemporal=*/false, aligned);
    sums = applyEpilogue(b, loc, sums, c, {globalRow, globalCol}, globalRow,
                         globalCol, epilogue);
    vector::StoreOp::create(b, loc, sums, c, ValueRange{globalRow, globalCol},
                            /*nontemporal=*/false, aligned);
  }

  const Gemm &gemm;
  MLIRContext *ctx;
  Attribute workgroup;
  Value descA, descB, tid, m0, n0, sharedMemory, barriers, leader;
  Value base; // Byte offset of the first 1024-byte boundary.
};

} // namespace

bool wgmmaSupports(const Gemm &gemm) {
  // TMA needs 16-byte global row strides; the grid's y dim is limited.
  return isa<BFloat16Type, Float16Type>(gemm.inputType) && !gemm.transposeB &&
         gemm.batch.empty() && gemm.k % 8 == 0 && gemm.n % 8 == 0 &&
         (gemm.m + kBlockM - 1) / kBlockM <= 65535;
}

void buildWgmmaGemm(OpBuilder &b, Location loc, const Gemm &gemm, Value c,
                    const KernelEpilogue &epilogue) {
  WgmmaBuilder(b, loc, gemm).build(c, epilogue);
}

} // namespace dlc
