//===- DuplicateSharedFills.cpp - One tensor fill per user ----------------===//
//
// CSE merges identical zero fills, so several products start from one fill
// result. One-shot bufferization then fills one buffer and copies it into
// every other product's buffer: a full extra pass per product, and the
// ukernel lowering, which absorbs a zero fill, sees a copy instead.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_CPUDUPLICATESHAREDFILLS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct CpuDuplicateSharedFillsPass
    : impl::CpuDuplicateSharedFillsBase<CpuDuplicateSharedFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> shared;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
        shared.push_back(fill);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::FillOp fill : shared) {
      // Every use but the first in program order gets a clone right
      // before its user.
      SmallVector<OpOperand *> uses = llvm::map_to_vector(
          fill->getResult(0).getUses(), [](OpOperand &use) { return &use; });
      llvm::stable_sort(uses, [](OpOperand *a, OpOperand *b) {
        Operation *x = a->getOwner(), *y = b->getOwner();
        return x != y && x->getBlock() == y->getBlock() &&
               x->isBeforeInBlock(y);
      });
      for (OpOperand *use : llvm::drop_begin(uses)) {
        rewriter.setInsertionPoint(use->getOwner());
        Operation *clone = rewriter.clone(*fill);
        rewriter.modifyOpInPlace(use->getOwner(),
                                 [&] { use->set(clone->getResult(0)); });
      }
    }
  }
};

} // namespace
} // namespace dlc
