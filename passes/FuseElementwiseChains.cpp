//===- FuseElementwiseChains.cpp - Elementwise DAGs as one kernel ---------===//
//
// Runs last: what the contraction, attention and reduction fusions left are
// DAGs of elementwise ops, each a loop nest over the same elements. A
// maximal connected group becomes one "elementwise" fusion; a single op
// stays as it is.
//
//===----------------------------------------------------------------------===//

#include "passes/FusionUtils.h"
#include "passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEELEMENTWISECHAINS
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct FuseElementwiseChainsPass
    : impl::FuseElementwiseChainsBase<FuseElementwiseChainsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> seeds;
    getOperation()->walk([&](Operation *op) {
      if (isElementwise(op) && !isFused(op))
        seeds.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *seed : seeds) {
      if (isFused(seed))
        continue;
      SmallVector<Operation *> group = growGroup({seed}, [](Operation *op) {
        return isElementwise(op) && !isFused(op);
      });
      if (group.size() < 2)
        continue;
      (void)formLargestFusion(rewriter, group, "elementwise", 2);
    }
  }
};

} // namespace
} // namespace dlc
