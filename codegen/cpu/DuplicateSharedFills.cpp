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
    // Program order of the ops, to keep the first use of each fill.
    llvm::DenseMap<Operation *, unsigned> order;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      order[op] = order.size();
      if (auto fill = dyn_cast<linalg::FillOp>(op);
          fill && fill.hasPureTensorSemantics() &&
          !fill->getResult(0).hasOneUse())
        shared.push_back(fill);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::FillOp fill : shared) {
      SmallVector<OpOperand *> uses = llvm::map_to_vector(
          fill->getResult(0).getUses(), [](OpOperand &use) { return &use; });
      llvm::sort(uses, [&](OpOperand *a, OpOperand *b) {
        return order.lookup(a->getOwner()) < order.lookup(b->getOwner());
      });
      // Every later use gets a clone right before its user (where the
      // ukernel lowering finds it), or right after the fill for a user in
      // another block (a loop body would refill on every iteration).
      for (OpOperand *use : llvm::drop_begin(uses)) {
        Operation *user = use->getOwner();
        if (user->getBlock() == fill->getBlock())
          rewriter.setInsertionPoint(user);
        else
          rewriter.setInsertionPointAfter(fill);
        Operation *clone = rewriter.clone(*fill);
        rewriter.modifyOpInPlace(user, [&] { use->set(clone->getResult(0)); });
      }
    }
  }
};

} // namespace
} // namespace dlc
