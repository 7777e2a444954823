//===- FuseReductions.cpp - Reductions with their neighbours --------------===//
//
// A reduction (softmax, layer_norm, reduce_*) and the elementwise ops around
// it form one kernel that reads its input once per row: normalizations that
// exporters decompose (RMS norm: pow, reduce_mean, add eps, sqrt, div, mul;
// layer norm: reduce_mean, sub, pow, reduce_mean, add, sqrt, div...) come
// back together as one "reduction" fusion, as do a softmax and its scaling.
//
//===----------------------------------------------------------------------===//

#include "passes/FusionUtils.h"
#include "passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEREDUCTIONS
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

bool isReduction(Operation *op) {
  return isa<dlg::SoftmaxOp, dlg::LayerNormOp, dlg::ReduceSumOp,
             dlg::ReduceMeanOp, dlg::ReduceMaxOp, dlg::ReduceMinOp,
             dlg::ReduceProdOp>(op);
}

struct FuseReductionsPass : impl::FuseReductionsBase<FuseReductionsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> roots;
    getOperation()->walk([&](Operation *op) {
      if (isReduction(op) && !isFused(op))
        roots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *root : roots) {
      if (isFused(root))
        continue; // Joined an earlier root's group.
      SmallVector<Operation *> group = growGroup({root}, [](Operation *op) {
        return !isFused(op) && (isElementwise(op) || isReduction(op));
      });
      if (group.size() < 2)
        continue;
      (void)formLargestFusion(rewriter, group, "reduction", 2);
    }
  }
};

} // namespace
} // namespace dlc
