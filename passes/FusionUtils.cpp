//===- FusionUtils.cpp - Forming and inlining dlg.fusion regions ----------===//

#include "passes/FusionUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace dlc {

FailureOr<dlg::FusionOp> formFusion(RewriterBase &rewriter,
                                    ArrayRef<Operation *> opsIn,
                                    StringRef kind) {
  if (opsIn.empty())
    return failure();
  Block *block = opsIn.front()->getBlock();
  SmallVector<Operation *> ops(opsIn);
  for (Operation *op : ops)
    if (op->getBlock() != block || op->getNumRegions() != 0)
      return failure();
  llvm::sort(ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
  llvm::SmallPtrSet<Operation *, 16> members(ops.begin(), ops.end());
  Operation *last = ops.back();

  llvm::SetVector<Value> inputs;
  for (Operation *op : ops)
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        inputs.insert(operand);
  SmallVector<Value> outputs;
  for (Operation *op : ops)
    for (Value result : op->getResults()) {
      bool usedOutside = false;
      for (Operation *user : result.getUsers()) {
        Operation *ancestor = block->findAncestorOpInBlock(*user);
        if (ancestor && members.contains(ancestor))
          continue;
        // The group moves to `last`: a use before it would precede its def.
        if (ancestor && ancestor->isBeforeInBlock(last))
          return failure();
        usedOutside = true;
      }
      if (usedOutside)
        outputs.push_back(result);
    }

  SmallVector<Location> locs;
  for (Operation *op : ops)
    locs.push_back(op->getLoc());
  Location loc = FusedLoc::get(rewriter.getContext(), locs);
  SmallVector<Type> inputTypes, outputTypes;
  SmallVector<Location> inputLocs;
  for (Value input : inputs) {
    inputTypes.push_back(input.getType());
    inputLocs.push_back(input.getLoc());
  }
  for (Value output : outputs)
    outputTypes.push_back(output.getType());

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfter(last);
  auto fusion =
      dlg::FusionOp::create(rewriter, loc, outputTypes,
                            rewriter.getStringAttr(kind), inputs.getArrayRef());
  Block *body =
      rewriter.createBlock(&fusion.getBody(), {}, inputTypes, inputLocs);
  auto yield = dlg::YieldOp::create(rewriter, loc, outputs);
  for (auto [output, result] : llvm::zip(outputs, fusion.getResults()))
    rewriter.replaceUsesWithIf(output, result, [&](OpOperand &use) {
      // Members read the value itself once moved into the body.
      Operation *ancestor = block->findAncestorOpInBlock(*use.getOwner());
      return ancestor != fusion && !members.contains(ancestor);
    });
  for (Operation *op : ops)
    rewriter.moveOpBefore(op, yield);
  for (auto [input, argument] : llvm::zip(inputs, body->getArguments()))
    rewriter.replaceUsesWithIf(input, argument, [&](OpOperand &use) {
      return fusion->isProperAncestor(use.getOwner());
    });
  return fusion;
}

void inlineFusions(Operation *root) { dlg::FusionOp::inlineAll(root); }

/// The only element of a one-element or splat constant.
static std::optional<double> getSingleValue(ElementsAttr attr) {
  Type element = attr.getElementType();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.isSplat())
      return std::nullopt;
    Attribute value = dense.getSplatValue<Attribute>();
    if (auto f = dyn_cast<FloatAttr>(value))
      return f.getValueAsDouble();
    if (auto i = dyn_cast<IntegerAttr>(value))
      return element.isInteger(1) ? double(i.getValue().getZExtValue())
                                  : double(i.getValue().getSExtValue());
    return std::nullopt;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource || attr.getNumElements() != 1)
    return std::nullopt;
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  if (element.isF32() && data.size() == 4) {
    float v;
    std::memcpy(&v, data.data(), 4);
    return v;
  }
  if (element.isF64() && data.size() == 8) {
    double v;
    std::memcpy(&v, data.data(), 8);
    return v;
  }
  return std::nullopt;
}

std::optional<double> getScalarConstant(Value value) {
  if (!value)
    return std::nullopt;
  auto constant = value.getDefiningOp<dlg::ConstantOp>();
  if (!constant)
    return std::nullopt;
  return getSingleValue(constant.getValue());
}

bool isConstant(Value value) {
  return value && value.getDefiningOp<dlg::ConstantOp>() != nullptr;
}

bool isElementwise(Operation *op) {
  if (op->hasTrait<OpTrait::DlgBroadcastsOperands>())
    return true;
  if (isa<dlg::CastOp, dlg::ClipOp, dlg::LeakyReluOp, dlg::GeluOp>(op))
    return true;
  // Unary ops (relu, exp, sin...); softmax has the same trait but reduces.
  return op->hasTrait<OpTrait::SameOperandsAndResultType>() &&
         op->getNumOperands() == 1 && op->getNumResults() == 1 &&
         isa<dlg::DlgDialect>(op->getDialect()) &&
         !isa<dlg::SoftmaxOp, dlg::HardmaxOp, dlg::CumSumOp, dlg::CumProdOp>(
             op);
}

Operation *getSingleUser(Value value) {
  Operation *user = nullptr;
  for (Operation *u : value.getUsers()) {
    if (user && user != u)
      return nullptr;
    user = u;
  }
  return user;
}

SmallVector<Operation *> growGroup(ArrayRef<Operation *> seed,
                                   function_ref<bool(Operation *)> canJoin) {
  Block *block = seed.front()->getBlock();
  llvm::SetVector<Operation *> group(seed.begin(), seed.end());
  Operation *first = seed.front();
  for (Operation *op : seed)
    if (op->isBeforeInBlock(first))
      first = op;
  auto joinable = [&](Operation *op) {
    return op->getBlock() == block && !group.contains(op) && canJoin(op);
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < group.size(); ++i) {
      Operation *op = group[i];
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || !joinable(def) ||
            !llvm::all_of(def->getUsers(),
                          [&](Operation *u) { return group.contains(u); }))
          continue;
        group.insert(def);
        if (def->isBeforeInBlock(first))
          first = def;
        changed = true;
      }
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers()) {
          if (!joinable(user))
            continue;
          bool ok = llvm::all_of(user->getOperands(), [&](Value v) {
            Operation *def = v.getDefiningOp();
            return !def || group.contains(def) || def->getBlock() != block ||
                   isa<dlg::ConstantOp>(def) || def->isBeforeInBlock(first);
          });
          if (!ok)
            continue;
          group.insert(user);
          changed = true;
        }
    }
  }
  return group.takeVector();
}

FailureOr<dlg::FusionOp> formLargestFusion(RewriterBase &rewriter,
                                           ArrayRef<Operation *> opsIn,
                                           StringRef kind, size_t minSize) {
  SmallVector<Operation *> ops(opsIn);
  llvm::sort(ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  while (ops.size() >= std::max<size_t>(minSize, 1)) {
    FailureOr<dlg::FusionOp> fusion = formFusion(rewriter, ops, kind);
    if (succeeded(fusion))
      return fusion;
    ops.pop_back();
  }
  return failure();
}

} // namespace dlc
