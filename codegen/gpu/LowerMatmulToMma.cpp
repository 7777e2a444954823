//===- LowerMatmulToMma.cpp - Matrix products on tensor cores -------------===//
//
// Picks the kernel for each matched product (GemmKernels.h): wgmma for bf16
// and f16 on sm_90a, mma.sync otherwise; the kernel absorbs the product's
// zero fill and elementwise consumer.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/gpu/GemmKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

namespace dlc {
#define GEN_PASS_DEF_GPULOWERMATMULTOMMA
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Matches a contraction on identity-layout static buffers, C f32 and A
/// and B alike f32, bf16 or f16, of one of the forms
///   A (m..., k) x B (k, n) or B (n, k) -> C (m..., n)
///   A (b, m, k) x B (b, k, n) or B (b, n, k) -> C (b, m, n)
/// where, in the batched form, any number of batch dims `b` may come in any
/// order and interleave with m and n, as long as the last dim of each
/// operand is its k (A, transposed B) or n (B, C).
std::optional<Gemm> matchGemm(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() ||
      dims->k.size() != 1)
    return std::nullopt;
  SmallVector<MemRefType> types;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return std::nullopt;
    types.push_back(type);
  }
  Type inputType = types[0].getElementType();
  bool integer = inputType.isInteger(8);
  if (types[1].getElementType() != inputType ||
      !(integer ? types[2].getElementType().isInteger(32)
                : types[2].getElementType().isF32() &&
                      isa<Float32Type, BFloat16Type, Float16Type>(inputType)))
    return std::nullopt;
  // An 8-bit operand is zero- or sign-extended to i32 before the product.
  bool unsignedA = false, unsignedB = false;
  if (integer) {
    Block *body = op.getBlock();
    // Exactly ext(arg) to i32, multiplied.
    auto extension = [&](unsigned operand, bool &isUnsigned) {
      BlockArgument arg = body->getArgument(operand);
      if (!arg.hasOneUse())
        return false;
      Operation *user = *arg.getUsers().begin();
      isUnsigned = isa<arith::ExtUIOp>(user);
      return isa<arith::ExtUIOp, arith::ExtSIOp>(user) &&
             user->getResult(0).getType().isInteger(32) &&
             user->getResult(0).hasOneUse() &&
             isa<arith::MulIOp>(*user->getResult(0).getUsers().begin());
    };
    if (!extension(0, unsignedA) || !extension(1, unsignedB))
      return std::nullopt;
  }
  auto results = [&](unsigned operand) {
    SmallVector<unsigned> positions;
    for (AffineExpr expr : op.getIndexingMapsArray()[operand].getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        return SmallVector<unsigned>();
      positions.push_back(dim.getPosition());
    }
    return positions;
  };
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  unsigned kLoop = dims->k.front(), nLoop = dims->n.front();
  SmallVector<unsigned> resultsB = results(1);
  bool transposeB = resultsB.size() >= 2 && resultsB.back() == kLoop;
  Gemm gemm;
  gemm.a = op->getOperand(0), gemm.b = op->getOperand(1);
  gemm.c = op->getOperand(2);
  gemm.m = 0, gemm.n = loops[nLoop], gemm.k = loops[kLoop];
  gemm.inputType = inputType;
  gemm.transposeB = transposeB;
  gemm.unsignedA = unsignedA, gemm.unsignedB = unsignedB;

  // Several n loops (a 1x1 convolution's image and pixel rows and
  // columns): the trailing ones of C form one column dim, which the kernel
  // sees collapsed in B and C, and the others are batch loops (the filter
  // does not index them).
  SmallVector<unsigned> batchLoops(dims->batch.begin(), dims->batch.end());
  SmallVector<unsigned> nLoops = {nLoop};
  if (dims->n.size() > 1) {
    if (transposeB)
      return std::nullopt;
    SmallVector<unsigned> cLoops = results(2);
    nLoops.clear();
    for (auto it = cLoops.rbegin();
         it != cLoops.rend() && llvm::is_contained(dims->n, *it); ++it)
      nLoops.insert(nLoops.begin(), *it);
    for (unsigned loop : dims->n)
      if (!llvm::is_contained(nLoops, loop))
        batchLoops.push_back(loop);
    if (nLoops.empty() || batchLoops.empty())
      return std::nullopt;
    gemm.n = 1;
    for (unsigned loop : nLoops)
      gemm.n *= loops[loop];
    gemm.collapsedColumns = nLoops.size();
  }
  if (batchLoops.empty()) {
    SmallVector<unsigned> mLoops(dims->m.begin(), dims->m.end());
    SmallVector<unsigned> wantA = mLoops, wantC = mLoops;
    wantA.push_back(kLoop);
    wantC.push_back(nLoop);
    SmallVector<unsigned> wantB = transposeB
                                      ? SmallVector<unsigned>{nLoop, kLoop}
                                      : SmallVector<unsigned>{kLoop, nLoop};
    if (results(0) != wantA || resultsB != wantB || results(2) != wantC)
      return std::nullopt;
    gemm.m = 1;
    for (unsigned loop : mLoops)
      gemm.m *= loops[loop];
  } else {
    if (dims->m.size() != 1)
      return std::nullopt;
    unsigned mLoop = dims->m.front();
    gemm.m = loops[mLoop];
    gemm.batch.clear();
    for (unsigned loop : batchLoops)
      gemm.batch.push_back(loops[loop]);
    // Each operand indexes its row and its column (loops), the column last,
    // and batch loops: C all of them, A and B any (a 1x1 convolution's
    // filter is the same for every image).
    auto roles = [&](unsigned operand, unsigned row,
                     ArrayRef<unsigned> columns, SmallVector<int64_t> &out) {
      SmallVector<unsigned> positions = results(operand);
      if ((operand == 2 &&
           positions.size() != batchLoops.size() + 1 + columns.size()) ||
          positions.size() < 1 + columns.size() ||
          !ArrayRef(positions).take_back(columns.size()).equals(columns))
        return false;
      for (unsigned loop : ArrayRef(positions).drop_back(columns.size())) {
        if (loop == row)
          out.push_back(kRowDim);
        else if (auto it = llvm::find(batchLoops, loop);
                 it != batchLoops.end())
          out.push_back(it - batchLoops.begin());
        else
          return false;
      }
      out.push_back(kColumnDim);
      return llvm::is_contained(out, kRowDim);
    };
    SmallVector<unsigned> kLoops = {kLoop};
    if (!roles(0, mLoop, kLoops, gemm.aDims) ||
        !roles(1, transposeB ? nLoop : kLoop, transposeB ? kLoops : nLoops,
               gemm.bDims) ||
        !roles(2, mLoop, nLoops, gemm.cDims))
      return std::nullopt;
  }
  if (gemm.m <= 0 || gemm.n <= 0 || gemm.k <= 0)
    return std::nullopt;
  return gemm;
}

/// Matches an NCHW convolution (f32, or bf16/f16 inputs with f32 sums) on
/// identity-layout static buffers as an implicit GEMM; its filter and output views are created at `b`'s
/// insertion point when the kernel is built (see buildConvGemm).
std::optional<Gemm> matchConv(linalg::Conv2DNchwFchwOp op) {
  if (!op.hasPureBufferSemantics())
    return std::nullopt;
  SmallVector<MemRefType> types;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return std::nullopt;
    types.push_back(type);
  }
  // f32, or bf16/f16 inputs (demoted) with f32 sums.
  Type inputType = types[0].getElementType();
  if (types[1].getElementType() != inputType ||
      !types[2].getElementType().isF32() ||
      !isa<Float32Type, BFloat16Type, Float16Type>(inputType))
    return std::nullopt;
  ArrayRef<int64_t> in = types[0].getShape(), filter = types[1].getShape(),
                    out = types[2].getShape();
  auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
  Gemm gemm;
  gemm.a = op.getDpsInputs()[1], gemm.c = op.getDpsInits()[0];
  gemm.m = filter[0], gemm.n = out[2] * out[3];
  gemm.k = filter[1] * filter[2] * filter[3];
  gemm.inputType = types[0].getElementType();
  gemm.batch = {out[0]};
  gemm.aDims = {kRowDim, kColumnDim};
  gemm.cDims = {0, kRowDim, kColumnDim};
  gemm.conv = Gemm::Convolution{op.getDpsInputs()[0], in[2], in[3],
                                filter[2],            filter[3],
                                strides[0],           strides[1],
                                dilations[0],         dilations[1],
                                out[3]};
  if (gemm.m <= 0 || gemm.n <= 0 || gemm.k <= 0 || out[0] <= 0)
    return std::nullopt;
  return gemm;
}

/// `value` with its last `count` dims collapsed into one.
Value collapseTrailing(OpBuilder &b, Location loc, Value value,
                       int64_t count) {
  if (count <= 1)
    return value;
  int64_t rank = cast<MemRefType>(value.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d + count < rank; ++d)
    groups.push_back({d});
  groups.emplace_back();
  for (int64_t d = rank - count; d < rank; ++d)
    groups.back().push_back(d);
  return memref::CollapseShapeOp::create(b, loc, value, groups);
}

/// An NCHW buffer as N x C x (H*W).
Value collapsePixels(OpBuilder &b, Location loc, Value value) {
  return memref::CollapseShapeOp::create(
      b, loc, value, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

struct GpuLowerMatmulToMmaPass
    : impl::GpuLowerMatmulToMmaBase<GpuLowerMatmulToMmaPass> {
  using Base::Base;

  void runOnOperation() override {
    bool hopper = chip == "sm_90a";
    // Fills are found first, while the ops before a product are still
    // linalg ops rather than launches.
    SmallVector<std::pair<linalg::LinalgOp, linalg::FillOp>> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && op.getNumDpsInits() == 1 &&
          (linalg::isaContractionOpInterface(op) ||
           isa<linalg::Conv2DNchwFchwOp>(op)))
        candidates.push_back(
            {op, absorbableFill(op, op.getDpsInitOperand(0)->get())});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, fill] : candidates) {
      auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
      std::optional<Gemm> gemm = conv ? matchConv(conv) : matchGemm(op);
      // precision=fp32 keeps f32 products exact; bf16 and f16 ones (of bf16
      // and f16 models, or demoted) always use tensor cores.
      if (!gemm || (precision == "fp32" && gemm->inputType.isF32()))
        continue;
      bool wgmma = hopper && wgmmaSupports(*gemm);
      if (!wgmma && !mmaSyncSupports(*gemm))
        continue;
      // C's leading dims are rows, its last the columns; a convolution's
      // are (image, channel, pixel rows and columns). (Other batched
      // products absorb only their fill.)
      auto cType = cast<MemRefType>(gemm->c.getType());
      SmallVector<OutputDim> dims(cType.getRank() - 1, OutputDim::kRow);
      dims.push_back(OutputDim::kColumn);
      if (conv)
        dims = {OutputDim::kBatch, OutputDim::kRow, OutputDim::kColumn,
                OutputDim::kColumn};
      std::optional<Epilogue> matched;
      // (Integer products absorb only their fill.)
      if ((gemm->batch.empty() || conv) && !gemm->inputType.isInteger())
        matched = matchEpilogue(
            op, gemm->c, dims,
            {gemm->a, conv ? gemm->conv->input : gemm->b}, fill != nullptr);
      if (matched && matched->bias &&
          !cast<MemRefType>(matched->bias.getType()).getLayout().isIdentity())
        matched.reset();
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(matched ? matched->consumer.getOperation()
                                         : op.getOperation());
      KernelEpilogue epilogue;
      epilogue.accumulate = !fill || (matched && matched->residualIsOutput);
      if (matched) {
        if (matched->bias) {
          epilogue.bias = collapseTo(rewriter, loc, matched->bias, 1);
          epilogue.biasMode = matched->biasMode;
        }
        if (matched->residual && !matched->residualIsOutput)
          epilogue.residual =
              conv ? collapsePixels(rewriter, loc, matched->residual)
                   : collapseTo(rewriter, loc, matched->residual, 2);
        // (max(x, +inf) and min(x, -inf) are clamps too.)
        if (matched->lo != -std::numeric_limits<float>::infinity())
          epilogue.lo = matched->lo;
        if (matched->hi != std::numeric_limits<float>::infinity())
          epilogue.hi = matched->hi;
      }
      Value target = matched ? matched->output : gemm->c;
      Value c = gemm->batch.empty() ? collapseTo(rewriter, loc, target, 2)
                : conv ? collapsePixels(rewriter, loc, target)
                       : collapseTrailing(rewriter, loc, target,
                                          gemm->collapsedColumns);
      gemm->b = collapseTrailing(rewriter, loc, gemm->b,
                                 gemm->collapsedColumns);
      if (conv)
        gemm->a = memref::CollapseShapeOp::create(
            rewriter, loc, gemm->a,
            SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      if (wgmma)
        buildWgmmaGemm(rewriter, loc, *gemm, c, epilogue);
      else
        buildMmaSyncGemm(rewriter, loc, *gemm, c, epilogue);
      eraseReplaced(rewriter, op, fill, matched, gemm->c);
    }
  }
};

} // namespace
} // namespace dlc
