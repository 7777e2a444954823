//===- LowerMatmulToMma.cpp - Matrix products on tensor cores -------------===//
//
// Picks the kernel for each matched product (GemmKernels.h): wgmma for bf16
// and f16 on sm_90a, mma.sync otherwise; the kernel absorbs the product's
// zero fill and elementwise consumer.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/gpu/GemmKernels.h"

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

/// Matches a contraction whose A is (m..., k), B (k, n) and C (m..., n)
/// with identity-layout static buffers, C f32 and A and B alike f32, bf16
/// or f16.
std::optional<Gemm> matchGemm(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || !dims->batch.empty() || dims->m.empty() ||
      dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  SmallVector<MemRefType> types;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return std::nullopt;
    types.push_back(type);
  }
  Type inputType = types[0].getElementType();
  if (types[1].getElementType() != inputType ||
      !types[2].getElementType().isF32() ||
      !isa<Float32Type, BFloat16Type, Float16Type>(inputType))
    return std::nullopt;
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
  SmallVector<unsigned> mDims(dims->m.begin(), dims->m.end());
  SmallVector<unsigned> wantA = mDims, wantC = mDims;
  wantA.push_back(dims->k.front());
  wantC.push_back(dims->n.front());
  SmallVector<unsigned> wantB = {dims->k.front(), dims->n.front()};
  if (results(0) != wantA || results(1) != wantB || results(2) != wantC)
    return std::nullopt;
  int64_t m = 1;
  for (int64_t size : types[0].getShape().drop_back())
    m *= size;
  int64_t k = types[1].getDimSize(0), n = types[1].getDimSize(1);
  if (m <= 0 || n <= 0 || k <= 0)
    return std::nullopt;
  return Gemm{op->getOperand(0), op->getOperand(1), op->getOperand(2), m, n,
              k, inputType};
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
          linalg::isaContractionOpInterface(op))
        candidates.push_back(
            {op, absorbableFill(op, op.getDpsInitOperand(0)->get())});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, fill] : candidates) {
      std::optional<Gemm> gemm = matchGemm(op);
      // precision=fp32 keeps f32 products exact; bf16 and f16 ones (of bf16
      // and f16 models, or demoted) always use tensor cores.
      if (!gemm || (precision == "fp32" && gemm->inputType.isF32()))
        continue;
      bool wgmma = hopper && wgmmaSupports(*gemm);
      if (!wgmma && !mmaSyncSupports(*gemm))
        continue;
      // C's leading dims are rows, its last the columns.
      auto cType = cast<MemRefType>(gemm->c.getType());
      SmallVector<OutputDim> dims(cType.getRank() - 1, OutputDim::kRow);
      dims.push_back(OutputDim::kColumn);
      std::optional<Epilogue> matched =
          matchEpilogue(op, gemm->c, dims, {gemm->a, gemm->b}, fill != nullptr);
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
          epilogue.residual = collapseTo(rewriter, loc, matched->residual, 2);
        // (max(x, +inf) and min(x, -inf) are clamps too.)
        if (matched->lo != -std::numeric_limits<float>::infinity())
          epilogue.lo = matched->lo;
        if (matched->hi != std::numeric_limits<float>::infinity())
          epilogue.hi = matched->hi;
      }
      Value c = collapseTo(rewriter, loc,
                           matched ? matched->output : gemm->c, 2);
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
