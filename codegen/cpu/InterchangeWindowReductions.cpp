//===- InterchangeWindowReductions.cpp - Window loops outside the row -----===//
//
// A pooling generic iterates (n, c, oh, ow, kh, kw): its innermost loops run
// over a 3x3 window, a reduction LLVM cannot vectorize (MaxPool: 1.7 ms of
// ResNet-50's 46). With the window loops outside the output row, the
// innermost loop runs along the row: contiguous stores, inputs read with
// the pooling stride, independent iterations that vectorize. Each output
// element still combines its window in the same order.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_CPUINTERCHANGEWINDOWREDUCTIONS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// The interchange that moves `op`'s last parallel loop inside its trailing
/// window reductions, or an empty vector when it does not apply.
SmallVector<unsigned> windowInterchange(linalg::GenericOp op,
                                        int64_t maxWindow) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned numLoops = iterators.size();
  unsigned numParallel = 0;
  while (numParallel < numLoops &&
         iterators[numParallel] == utils::IteratorType::parallel)
    ++numParallel;
  // Parallel loops (two at least: the outer ones stay parallel), then at
  // least one reduction and nothing else.
  if (numParallel < 2 || numParallel == numLoops ||
      !llvm::all_of(llvm::drop_begin(iterators, numParallel), [](auto type) {
        return type == utils::IteratorType::reduction;
      }))
    return {};
  unsigned row = numParallel - 1;
  // Small static windows only: a long reduction (a sum over a row, a
  // matrix product's K) must stay innermost.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t window = 1;
  for (unsigned d = numParallel; d < numLoops; ++d) {
    if (ShapedType::isDynamic(ranges[d]) || ranges[d] > maxWindow)
      return {};
    window *= ranges[d];
    if (window > maxWindow)
      return {};
  }
  // The row loop walks the innermost dim of the output and of every input.
  auto walksInnermost = [&](AffineMap map) {
    return map.getNumResults() > 0 &&
           map.getResults().back().isFunctionOfDim(row);
  };
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    // Shape-only operands (a pooling window) carry no data.
    bool shapeOnly =
        op.isDpsInput(&operand) && !op.payloadUsesValueFromOperand(&operand);
    if (!type || shapeOnly)
      continue;
    if (!walksInnermost(map))
      return {};
  }
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < row; ++d)
    order.push_back(d);
  for (unsigned d = numParallel; d < numLoops; ++d)
    order.push_back(d);
  order.push_back(row);
  return order;
}

struct CpuInterchangeWindowReductionsPass
    : impl::CpuInterchangeWindowReductionsBase<
          CpuInterchangeWindowReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics) {
      SmallVector<unsigned> order = windowInterchange(op, maxWindow);
      if (order.empty())
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::interchangeGenericOp(rewriter, op, order)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace dlc
