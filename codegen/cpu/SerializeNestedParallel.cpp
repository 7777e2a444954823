//===- SerializeNestedParallel.cpp - One parallel level per loop nest -----===//

#include "codegen/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_CPUSERIALIZENESTEDPARALLEL
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct CpuSerializeNestedParallelPass
    : impl::CpuSerializeNestedParallelBase<CpuSerializeNestedParallelPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp op) {
      if (op->getParentOfType<scf::ParallelOp>())
        nested.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    // The post-order walk lists innermost loops first, so rewriting an outer
    // loop never invalidates a pending inner one.
    for (scf::ParallelOp op : nested) {
      rewriter.setInsertionPoint(op);
      FailureOr<scf::LoopNest> loops =
          scf::parallelForToNestedFors(rewriter, op);
      if (failed(loops)) {
        op.emitError("cannot serialize nested parallel loop");
        return signalPassFailure();
      }
      for (scf::ForOp loop : loops->loops)
        loop->setAttr(kParallelLoopAttr, rewriter.getUnitAttr());
    }
  }
};

} // namespace
} // namespace dlc
