//===- SerializeNestedParallel.cpp - One parallel level per loop nest -----===//

#include "codegen/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "mlir/IR/IRMapping.h"
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

/// Outer iterations enough to balance the threads of one loop nest.
constexpr int64_t kParallelIterations = 64;

/// Splits a multi-dim outermost scf.parallel into the fewest outer dims that
/// give kParallelIterations and an inner scf.parallel over the rest (which
/// is then serialized). OpenMP would otherwise collapse all dims into one
/// linear loop and rebuild every index with div/mod, which keeps the
/// innermost dim from vectorizing.
void splitOuterParallel(IRRewriter &rewriter, scf::ParallelOp op) {
  if (op.getNumReductions() != 0 || op.getNumLoops() < 2)
    return;
  size_t prefix = 0;
  int64_t product = 1;
  while (prefix < op.getNumLoops() - 1 && product < kParallelIterations) {
    std::optional<int64_t> lb = getConstantIntValue(op.getLowerBound()[prefix]),
                           ub = getConstantIntValue(op.getUpperBound()[prefix]),
                           step = getConstantIntValue(op.getStep()[prefix]);
    if (!lb || !ub || !step || *step <= 0)
      break;
    product = saturatingMul(product, (*ub - *lb + *step - 1) / *step);
    ++prefix;
  }
  prefix = std::max<size_t>(prefix, 1);
  if (prefix == op.getNumLoops())
    return;
  auto lower = op.getLowerBound(), upper = op.getUpperBound(),
       steps = op.getStep();
  rewriter.setInsertionPoint(op);
  auto outer = scf::ParallelOp::create(
      rewriter, op.getLoc(), lower.take_front(prefix), upper.take_front(prefix),
      steps.take_front(prefix),
      [&](OpBuilder &b, Location loc, ValueRange outerIvs) {
        scf::ParallelOp::create(
            b, loc, lower.drop_front(prefix), upper.drop_front(prefix),
            steps.drop_front(prefix),
            [&](OpBuilder &nested, Location nestedLoc, ValueRange innerIvs) {
              IRMapping mapping;
              mapping.map(ValueRange(op.getInductionVars()).take_front(prefix),
                          outerIvs);
              mapping.map(ValueRange(op.getInductionVars()).drop_front(prefix),
                          innerIvs);
              for (Operation &child : op.getBody()->without_terminator())
                nested.clone(child, mapping);
            });
      });
  outer->setDiscardableAttrs(op->getDiscardableAttrDictionary());
  rewriter.eraseOp(op);
}

struct CpuSerializeNestedParallelPass
    : impl::CpuSerializeNestedParallelBase<CpuSerializeNestedParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>() &&
          nestIterations(op) >= minParallelWork)
        outermost.push_back(op);
    });
    for (scf::ParallelOp op : outermost)
      splitOuterParallel(rewriter, op);

    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp op) {
      if (op->getParentOfType<scf::ParallelOp>() ||
          nestIterations(op) < minParallelWork)
        nested.push_back(op);
    });
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
