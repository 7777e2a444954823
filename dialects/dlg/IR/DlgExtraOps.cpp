//===- DlgExtraOps.cpp - Type inference of DlgExtraOps.td -----------------===//
//
// The inference functions double as verifiers: they state the dimensions
// and widths that do not fit.
//
//===----------------------------------------------------------------------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc::dlg;

namespace {

RankedTensorType rankedType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// A scalar operand: one element, of rank 0 or 1.
LogicalResult checkScalar(std::optional<Location> loc, StringRef name,
                          Value value) {
  RankedTensorType type = rankedType(value);
  if (type.getRank() <= 1 && type.hasStaticShape() &&
      type.getNumElements() == 1)
    return success();
  return emitOptionalError(loc, "expects ", name,
                           " to hold one element but got ", type);
}

} // namespace

LogicalResult BitcastOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  Type from = input.getElementType(), to = adaptor.getTo();
  if (!to.isIntOrFloat() || from.isInteger(1) || to.isInteger(1))
    return emitOptionalError(loc, "cannot bitcast ", from, " to ", to,
                             " (expects non-i1 integer or float types)");
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth != toWidth)
    return emitOptionalError(loc, "cannot bitcast ", from, " (", fromWidth,
                             " bits) to ", to, " (", toWidth, " bits)");
  types.push_back(RankedTensorType::get(input.getShape(), to));
  return success();
}

LogicalResult NonMaxSuppressionOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  RankedTensorType boxes = rankedType(adaptor.getBoxes());
  RankedTensorType scores = rankedType(adaptor.getScores());
  if (boxes.getRank() != 3 || boxes.getDimSize(2) != 4)
    return emitOptionalError(loc, "expects boxes of shape [B, N, 4] but got ",
                             boxes);
  if (scores.getRank() != 3 || scores.getDimSize(0) != boxes.getDimSize(0) ||
      scores.getDimSize(2) != boxes.getDimSize(1))
    return emitOptionalError(loc, "expects scores of shape [",
                             boxes.getDimSize(0), ", C, ", boxes.getDimSize(1),
                             "] but got ", scores);
  if (scores.getElementType() != boxes.getElementType())
    return emitOptionalError(loc, "expects scores of element type ",
                             boxes.getElementType(), " but got ",
                             scores.getElementType());
  if (failed(checkScalar(loc, "max_output_boxes_per_class",
                         adaptor.getMaxOutputBoxesPerClass())) ||
      failed(checkScalar(loc, "iou_threshold", adaptor.getIouThreshold())) ||
      failed(checkScalar(loc, "score_threshold", adaptor.getScoreThreshold())))
    return failure();
  int64_t selected = adaptor.getNumSelected();
  if (selected < 0)
    return emitOptionalError(loc, "num_selected is ", selected,
                             " but must not be negative");
  Type i64 = IntegerType::get(ctx, 64);
  types.push_back(RankedTensorType::get({selected, 3}, i64));
  types.push_back(RankedTensorType::get({}, i64));
  return success();
}
