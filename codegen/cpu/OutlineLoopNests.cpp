//===- OutlineLoopNests.cpp - One function per top-level loop nest --------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace dlc {
#define GEN_PASS_DEF_CPUOUTLINELOOPNESTS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Ops that are cheaper to recompute in the nest than to pass in; views
/// cloned into the nest keep their strides known there. Their operands
/// (dynamic sizes and offsets included) become arguments.
bool isClonedIntoNest(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() ||
         isa<ViewLikeOpInterface, memref::GetGlobalOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp>(op);
}

/// Moves `loop` into a new function placed after `previous`; returns it.
func::FuncOp outline(Operation *loop, func::FuncOp parent, Operation *previous,
                     unsigned index) {
  // Values the nest reads from outside, split into clones and arguments.
  SetVector<Value> used(loop->getOperands().begin(), loop->getOperands().end());
  getUsedValuesDefinedAbove(loop->getRegions(), used);
  SetVector<Operation *> clones;
  SetVector<Value> arguments;
  SmallVector<Value> worklist(used.begin(), used.end());
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    Operation *def = value.getDefiningOp();
    if (def && isClonedIntoNest(def)) {
      if (clones.insert(def))
        llvm::append_range(worklist, def->getOperands());
      continue;
    }
    arguments.insert(value);
  }
  SmallVector<Operation *> ordered(clones.begin(), clones.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });

  OpBuilder builder(parent);
  builder.setInsertionPointAfter(previous);
  SmallVector<Type> types;
  for (Value value : arguments)
    types.push_back(value.getType());
  std::string name = (parent.getName() + "_nest" + Twine(index)).str();
  auto nest = func::FuncOp::create(builder, loop->getLoc(), name,
                                   builder.getFunctionType(types, {}));
  nest.setPrivate();
  // Inlining the nests back would rebuild the one huge function whose loop
  // analyses are quadratic; a call per nest costs nothing next to the nest.
  nest->setAttr(kNoInlineAttr, builder.getUnitAttr());
  Block *body = nest.addEntryBlock();
  IRMapping mapping;
  mapping.map(arguments.getArrayRef(), body->getArguments());
  builder.setInsertionPointToStart(body);
  for (Operation *op : ordered)
    builder.clone(*op, mapping);
  builder.clone(*loop, mapping);
  func::ReturnOp::create(builder, loop->getLoc());

  builder.setInsertionPoint(loop);
  func::CallOp::create(builder, loop->getLoc(), nest, arguments.getArrayRef());
  loop->erase();
  return nest;
}

struct CpuOutlineLoopNestsPass
    : impl::CpuOutlineLoopNestsBase<CpuOutlineLoopNestsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> functions(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      unsigned index = 0;
      Operation *previous = function;
      // Only the entry block's nests: deeper ones sit inside control flow.
      for (Operation &op :
           llvm::make_early_inc_range(function.getBody().front()))
        if (isa<scf::ParallelOp, scf::ForOp>(op) && op.getNumResults() == 0)
          previous = outline(&op, function, previous, index++);
    }
  }
};

} // namespace
} // namespace dlc
