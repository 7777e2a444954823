//===- SimplifyReshapes.cpp - Shape-only ops become dlg.reshape -----------===//

#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_SIMPLIFYRESHAPES
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

template <typename OpTy> struct ToReshape : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    rewriter.replaceOpWithNewOp<dlg::ReshapeOp>(
        op, op.getInput(), rewriter.getDenseI64ArrayAttr(type.getShape()));
    return success();
  }
};

struct SimplifyReshapesPass : impl::SimplifyReshapesBase<SimplifyReshapesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ToReshape<dlg::FlattenOp>, ToReshape<dlg::SqueezeOp>,
                 ToReshape<dlg::UnsqueezeOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
