//===- DlgFusionOps.cpp - Verifiers of DlgFusionOps.td --------------------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace dlc::dlg;

ArrayRef<llvm::StringLiteral> FusionOp::getKinds() {
  static constexpr llvm::StringLiteral kinds[] = {"elementwise", "contraction",
                                                  "reduction", "attention"};
  return kinds;
}

LogicalResult FusionOp::verify() {
  if (!llvm::is_contained(getKinds(), getKind()))
    return emitOpError("has kind '")
           << getKind()
           << "'; expects elementwise, contraction, reduction or attention";
  return success();
}

LogicalResult FusionOp::verifyRegions() {
  Block &block = getBlock();
  if (block.getNumArguments() != getNumOperands())
    return emitOpError("has ")
           << getNumOperands() << " operands but its body takes "
           << block.getNumArguments() << " arguments";
  for (auto [i, operand, argument] :
       llvm::enumerate(getOperands(), block.getArguments()))
    if (operand.getType() != argument.getType())
      return emitOpError("operand ")
             << i << " has type " << operand.getType() << " but body argument "
             << i << " has type " << argument.getType();
  auto yield = block.mightHaveTerminator()
                   ? dyn_cast<YieldOp>(block.getTerminator())
                   : YieldOp();
  if (!yield)
    return emitOpError("expects its body to end with dlg.yield");
  if (yield.getNumOperands() != getNumResults())
    return emitOpError("has ")
           << getNumResults() << " results but its body yields "
           << yield.getNumOperands() << " values";
  for (auto [i, result, value] :
       llvm::enumerate(getResultTypes(), yield.getOperandTypes()))
    if (result != value)
      return emitOpError("result ")
             << i << " has type " << result << " but the body yields " << value;
  return success();
}

void FusionOp::inlineAll(Operation *root) {
  SmallVector<FusionOp> fusions;
  root->walk([&](FusionOp fusion) { fusions.push_back(fusion); });
  IRRewriter rewriter(root->getContext());
  for (FusionOp fusion : fusions) {
    auto yield = cast<YieldOp>(fusion.getBlock().getTerminator());
    SmallVector<Value> values(yield.getOperands());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&fusion.getBlock(), fusion,
                               fusion.getOperands());
    rewriter.replaceOp(fusion, values);
  }
}
