//===- MapParallelLoopsToThreads.cpp - scf.parallel -> gpu.launch ---------===//
//
// SIMT kernels for the ops without a tensor-core kernel: every outermost
// scf.parallel becomes one gpu.launch with a thread per iteration. The
// iteration space is linearized with the innermost dim fastest, so
// consecutive threads of a warp touch consecutive elements of row-major
// buffers (coalesced). Reduction dims stay scf.for loops inside a thread.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_GPUMAPPARALLELLOOPSTOTHREADS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct GpuMapParallelLoopsToThreadsPass
    : impl::GpuMapParallelLoopsToThreadsBase<GpuMapParallelLoopsToThreadsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (blockSize <= 0 || blockSize > 1024) {
      getOperation().emitError("block-size must be in [1, 1024], got ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<gpu::LaunchOp>())
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : loops) {
      if (loop.getNumReductions() != 0) {
        loop.emitError("parallel loop with reductions has no GPU mapping");
        return signalPassFailure();
      }
      mapToThreads(rewriter, loop);
    }
  }

  void mapToThreads(IRRewriter &rewriter, scf::ParallelOp loop) {
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    // Trip count of each dim, and of all of them.
    SmallVector<Value> counts;
    Value total = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      Value span = rewriter.createOrFold<arith::SubIOp>(loc, ub, lb);
      Value count = rewriter.createOrFold<arith::CeilDivSIOp>(loc, span, step);
      // An empty dim (ub <= lb) has no iterations, not a negative count.
      count = rewriter.createOrFold<arith::MaxSIOp>(
          loc, count, arith::ConstantIndexOp::create(rewriter, loc, 0));
      counts.push_back(count);
      total = rewriter.createOrFold<arith::MulIOp>(loc, total, count);
    }
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value threads = arith::ConstantIndexOp::create(rewriter, loc, blockSize);
    Value blocks =
        rewriter.createOrFold<arith::CeilDivSIOp>(loc, total, threads);
    // A launch of zero blocks is an error in CUDA: no iterations, no launch.
    Value any = rewriter.createOrFold<arith::CmpIOp>(
        loc, arith::CmpIPredicate::sgt, total,
        arith::ConstantIndexOp::create(rewriter, loc, 0));
    std::optional<int64_t> known = getConstantIntValue(any);
    if (known && *known == 0) {
      rewriter.eraseOp(loop);
      return;
    }
    if (!known) {
      auto nonEmpty = scf::IfOp::create(rewriter, loc, any);
      rewriter.setInsertionPointToStart(nonEmpty.thenBlock());
    }
    auto launch = gpu::LaunchOp::create(rewriter, loc, blocks, one, one,
                                        threads, one, one);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    Value block = launch.getBlockIds().x, thread = launch.getThreadIds().x;
    Value id = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, block, threads), thread);
    Value inRange = arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::slt, id, total);
    auto guard = scf::IfOp::create(rewriter, loc, inRange);
    gpu::TerminatorOp::create(rewriter, loc);

    // Delinearize, innermost dim fastest, and clone the body.
    rewriter.setInsertionPointToStart(guard.thenBlock());
    IRMapping mapping;
    Value rest = id;
    unsigned rank = counts.size();
    SmallVector<Value> ivs(rank);
    for (int d = rank - 1; d >= 0; --d) {
      Value index = d == 0 ? rest
                           : arith::RemSIOp::create(rewriter, loc, rest,
                                                    counts[d]);
      if (d != 0)
        rest = arith::DivSIOp::create(rewriter, loc, rest, counts[d]);
      ivs[d] = rewriter.createOrFold<arith::AddIOp>(
          loc, loop.getLowerBound()[d],
          rewriter.createOrFold<arith::MulIOp>(loc, index, loop.getStep()[d]));
    }
    for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
      mapping.map(iv, value);
    for (Operation &op : loop.getBody()->without_terminator())
      rewriter.clone(op, mapping);
    rewriter.eraseOp(loop);
  }
};

} // namespace
} // namespace dlc
