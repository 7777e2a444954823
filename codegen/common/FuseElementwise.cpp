//===- FuseElementwise.cpp - Elementwise fusion without recomputation -----===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// A producer that only moves data: its body yields an input unchanged, so
/// fusing it into any consumer reads the input through a permuted map and
/// computes nothing twice.
bool isDataMovement(linalg::GenericOp producer) {
  auto yield = cast<linalg::YieldOp>(producer.getBody()->getTerminator());
  return producer.getNumDpsInputs() == 1 && yield.getNumOperands() == 1 &&
         yield.getOperand(0) == producer.getBody()->getArgument(0);
}

/// Fuses a producer whose only user is the consumer (a producer with other
/// users would be computed twice: once for them and once inside the fused
/// op, and chains such as a residual stream would be recomputed from the
/// start at every use), and only into all-parallel consumers, where every
/// producer element is computed once; pure data movement (transposes) fuses
/// into any consumer, contractions included.
bool fusesWithoutRecomputation(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  if (!consumer)
    return false;
  Value produced = fusedOperand->get();
  if (!llvm::all_of(produced.getUsers(),
                    [&](Operation *user) { return user == consumer; }))
    return false;
  auto producer = produced.getDefiningOp<linalg::GenericOp>();
  if (producer && isDataMovement(producer))
    return true;
  return consumer.getNumParallelLoops() == consumer.getNumLoops();
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // The fusion patterns take generic producers only.
    IRRewriter rewriter(ctx);
    SmallVector<linalg::TransposeOp> transposes;
    getOperation()->walk(
        [&](linalg::TransposeOp op) { transposes.push_back(op); });
    for (linalg::TransposeOp op : transposes) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesWithoutRecomputation);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
