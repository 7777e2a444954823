//===- ConvolutionsToGemm.cpp - f32 NCHW convolutions as im2col + GEMM ----===//
//
// The im2col gather is a plain copy generic over [N, C, KH, KW, OH, OW] with
// affine input indices, so its inner loop walks OW with unit stride (for
// unit-stride convs) and vectorizes; upstream's rewriteInIm2Col computes
// every index with div/mod and a tensor.extract, several times slower here.
// The copy's result collapses for free to [N, C*KH*KW, OH*OW]. Convolutions
// with constant filters are left to dlc-cpu-lower-contractions-to-ukernels,
// whose kernel never stores the im2col matrix.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_CPUCONVOLUTIONSTOGEMM
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

Value im2colGemm(RewriterBase &rewriter, linalg::Conv2DNchwFchwOp conv) {
  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  ArrayRef<int64_t> in = cast<ShapedType>(input.getType()).getShape();
  ArrayRef<int64_t> f = cast<ShapedType>(filter.getType()).getShape();
  ArrayRef<int64_t> out = cast<ShapedType>(init.getType()).getShape();
  Type f32 = rewriter.getF32Type();
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };

  // col[n, c, kh, kw, oh, ow] = in[n, c, oh*s0 + kh*d0, ow*s1 + kw*d1].
  SmallVector<int64_t> colShape = {in[0], in[1], f[2], f[3], out[2], out[3]};
  Value colInit = tensor::EmptyOp::create(rewriter, loc, colShape, f32);
  AffineMap gatherMap = AffineMap::get(
      6, 0,
      {dim(0), dim(1), dim(4) * strides[0] + dim(2) * dilations[0],
       dim(5) * strides[1] + dim(3) * dilations[1]},
      ctx);
  auto gather = linalg::GenericOp::create(
      rewriter, loc, colInit.getType(), input, colInit,
      ArrayRef<AffineMap>{gatherMap, rewriter.getMultiDimIdentityMap(6)},
      SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, args[0]);
      });
  Value col = tensor::CollapseShapeOp::create(
      rewriter, loc, gather.getResult(0),
      ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}});
  Value matrix = tensor::CollapseShapeOp::create(
      rewriter, loc, filter, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  SmallVector<ReassociationIndices> outGroups = {{0}, {1}, {2, 3}};
  Value acc = tensor::CollapseShapeOp::create(rewriter, loc, init, outGroups);

  // out[n, f, p] += filter[f, k] * col[n, k, p]; loop dims n, f, p, k.
  auto product = linalg::GenericOp::create(
      rewriter, loc, acc.getType(), ValueRange{matrix, col}, acc,
      ArrayRef<AffineMap>{AffineMap::get(4, 0, {dim(1), dim(3)}, ctx),
                          AffineMap::get(4, 0, {dim(0), dim(3), dim(2)}, ctx),
                          AffineMap::get(4, 0, {dim(0), dim(1), dim(2)}, ctx)},
      {utils::IteratorType::parallel, utils::IteratorType::parallel,
       utils::IteratorType::parallel, utils::IteratorType::reduction},
      [](OpBuilder &b, Location l, ValueRange args) {
        Value mul = arith::MulFOp::create(b, l, args[0], args[1]);
        Value sum = arith::AddFOp::create(b, l, args[2], mul);
        linalg::YieldOp::create(b, l, sum);
      });
  return tensor::ExpandShapeOp::create(rewriter, loc, init.getType(),
                                       product.getResult(0), outGroups);
}

struct CpuConvolutionsToGemmPass
    : impl::CpuConvolutionsToGemmBase<CpuConvolutionsToGemmPass> {
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation()->walk([&](linalg::Conv2DNchwFchwOp conv) {
      // Constant filters are packed at compile time for dlc_uk_conv2d,
      // which gathers the im2col panels as it goes instead.
      if (conv.getInputs()[1].getDefiningOp<arith::ConstantOp>())
        return;
      if (conv.hasPureTensorSemantics() &&
          llvm::all_of(conv->getOperandTypes(), [](Type type) {
            auto shaped = cast<ShapedType>(type);
            return shaped.getElementType().isF32() && shaped.hasStaticShape();
          }))
        convs.push_back(conv);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      rewriter.replaceOp(conv, im2colGemm(rewriter, conv));
    }
  }
};

} // namespace
} // namespace dlc
