//===- DlgMathOps.cpp - Verifiers and type inference of DlgMathOps.td ===//

#include "dialects/dlg/IR/DlgOps.h"

using namespace mlir;
using namespace dlc::dlg;

/// Comparisons broadcast like binary ops but always produce i1.
static LogicalResult inferCompareType(std::optional<Location> loc, Value lhs,
                                      Value rhs, SmallVectorImpl<Type> &types) {
  SmallVector<Type, 1> broadcast;
  if (failed(inferBroadcastType(loc, {lhs, rhs}, /*elementType=*/nullptr,
                                broadcast)))
    return failure();
  auto type = cast<RankedTensorType>(broadcast.front());
  types.push_back(type.clone(IntegerType::get(type.getContext(), 1)));
  return success();
}

#define DLG_COMPARE_INFERENCE(OP)                                              \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferCompareType(loc, adaptor.getLhs(), adaptor.getRhs(), types);   \
  }

DLG_COMPARE_INFERENCE(EqualOp)
DLG_COMPARE_INFERENCE(LessOp)
DLG_COMPARE_INFERENCE(LessEqualOp)
DLG_COMPARE_INFERENCE(GreaterOp)
DLG_COMPARE_INFERENCE(GreaterEqualOp)

#undef DLG_COMPARE_INFERENCE
