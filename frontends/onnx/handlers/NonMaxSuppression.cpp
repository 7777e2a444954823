//===- NonMaxSuppression.cpp - ONNX NonMaxSuppression -> dlg --------------===//
//
// The number of selected boxes depends on the data, so the result shape is
// the one the model declares for the output; dlg.non_max_suppression
// computes the selection and its count, and a run-time check fails the run
// when the count differs from the declared one.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/InterleavedRange.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

/// Input `i` as a one-element tensor of `type`, or `fallback` when absent.
Value scalarInput(NodeContext &ctx, Composer &c, size_t i, Type type,
                  double fallback) {
  Value value = ctx.input(i);
  if (!value)
    return c.scalar(type, fallback);
  return c.cast(value, type);
}

LogicalResult nonMaxSuppression(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value boxes = ctx.input(0), scores = ctx.input(1);
  auto boxesType = cast<RankedTensorType>(boxes.getType());
  auto scoresType = cast<RankedTensorType>(scores.getType());
  Type floatType = boxesType.getElementType();
  if (!isa<FloatType>(floatType) || scoresType.getElementType() != floatType)
    return ctx.emitError() << "expects float boxes and scores of one type "
                              "but got "
                           << boxesType << " and " << scoresType,
           failure();
  int64_t centerPointBox = ctx.intAttr("center_point_box", 0);
  if (centerPointBox != 0 && centerPointBox != 1)
    return ctx.emitError() << "attribute 'center_point_box' = "
                           << centerPointBox << " is not supported (0 or 1)",
           failure();
  for (size_t i = 2; i < 5; ++i) {
    Value value = ctx.input(i);
    auto type =
        value ? cast<RankedTensorType>(value.getType()) : RankedTensorType();
    if (type && (type.getRank() > 1 || type.getNumElements() != 1))
      return ctx.emitError() << "expects input " << i
                             << " to hold one element but got " << type,
             failure();
  }
  if (Value max = ctx.input(2); max && !getElementTypeOrSelf(max).isInteger(64))
    return ctx.emitError() << "expects an int64 max_output_boxes_per_class",
           failure();
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "scores");
  if (failed(declared))
    return failure();
  if (declared->size() != 2 || (*declared)[1] != 3)
    return ctx.emitError() << "expects a declared output shape [N, 3] but got ["
                           << llvm::interleaved(*declared) << "]",
           failure();
  int64_t numSelected = (*declared)[0];

  Composer c(ctx);
  // max_output_boxes_per_class defaults to 0 (select nothing), the IoU
  // threshold to 0; without a score threshold every box is a candidate.
  Value max = scalarInput(ctx, c, 2, ctx.builder.getI64Type(), 0);
  Value iou = scalarInput(ctx, c, 3, floatType, 0);
  Value scoreThreshold = scalarInput(ctx, c, 4, floatType, 0);
  SmallVector<NamedAttribute> attrs = {
      ctx.named("num_selected", ctx.builder.getI64IntegerAttr(numSelected))};
  if (centerPointBox)
    attrs.push_back(ctx.named("center_point_box", ctx.builder.getUnitAttr()));
  if (ctx.input(4))
    attrs.push_back(
        ctx.named("has_score_threshold", ctx.builder.getUnitAttr()));
  Value selected = c.create<dlg::NonMaxSuppressionOp>(
      {boxes, scores, max, iou, scoreThreshold}, attrs);
  if (!selected)
    return failure();
  Value count = selected.getDefiningOp()->getResult(1);
  c.check(c.create<dlg::EqualOp>(
              {count, c.scalar(ctx.builder.getI64Type(), numSelected)}),
          "the number of selected boxes differs from the " +
              llvm::Twine(numSelected) + " of the declared output shape");
  return c.finish({selected}, results);
}

} // namespace

void registerNonMaxSuppressionHandlers(OpRegistry &registry) {
  registry.add("", "NonMaxSuppression", {10, 11}, nonMaxSuppression);
}

} // namespace dlc::onnx
