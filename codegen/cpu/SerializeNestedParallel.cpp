//===- SerializeNestedParallel.cpp - One parallel level per loop nest -----===//

#include "codegen/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "mlir/IR/PatternMatch.h"
#include <limits>

namespace dlc {
#define GEN_PASS_DEF_CPUSERIALIZENESTEDPARALLEL
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t product;
  return __builtin_mul_overflow(a, b, &product) ? kUnbounded : product;
}

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? kUnbounded : sum;
}

/// Iterations of one loop, or nullopt when a bound is not constant.
std::optional<int64_t> tripCount(Operation *loop) {
  auto count = [](OpFoldResult lb, OpFoldResult ub,
                  OpFoldResult step) -> std::optional<int64_t> {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return std::nullopt;
    return *u > *l ? (*u - *l + *s - 1) / *s : 0;
  };
  if (auto forOp = dyn_cast<scf::ForOp>(loop))
    return count(forOp.getLowerBound(), forOp.getUpperBound(), forOp.getStep());
  auto parallel = cast<scf::ParallelOp>(loop);
  int64_t total = 1;
  for (auto [lb, ub, step] :
       llvm::zip(parallel.getLowerBound(), parallel.getUpperBound(),
                 parallel.getStep())) {
    std::optional<int64_t> n = count(lb, ub, step);
    if (!n)
      return std::nullopt;
    total = saturatingMul(total, *n);
  }
  return total;
}

/// Innermost iterations a loop nest runs; saturates, and unknown bounds
/// count as unbounded.
int64_t nestIterations(Operation *loop) {
  std::optional<int64_t> trips = tripCount(loop);
  if (!trips)
    return kUnbounded;
  int64_t inner = 0;
  loop->getRegion(0).walk<WalkOrder::PreOrder>([&](Operation *child) {
    if (!isa<scf::ForOp, scf::ParallelOp>(child))
      return WalkResult::advance();
    inner = saturatingAdd(inner, nestIterations(child));
    return WalkResult::skip();
  });
  return saturatingMul(*trips, std::max<int64_t>(inner, 1));
}

struct CpuSerializeNestedParallelPass
    : impl::CpuSerializeNestedParallelBase<CpuSerializeNestedParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp op) {
      if (op->getParentOfType<scf::ParallelOp>() ||
          nestIterations(op) < minParallelWork)
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
