//===- Optional.cpp - ONNX optional ops on plain tensors -> dlg -----------===//
//
// dlc has no optional type: an optional that holds a tensor (or sequence) is
// that value itself, and an empty optional is an absent input name. This
// covers the graphs whose inputs and outputs are plain tensors.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

bool hasElement(const NodeContext &ctx) {
  return ctx.input(0) || ctx.sequenceInput(0);
}

/// Optional(input): the input itself. An empty optional (no input, only the
/// `type` attribute) has no value dlc can carry.
LogicalResult optional(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (!hasElement(ctx))
    return ctx.emitError()
               << "an empty optional (no input) is not supported; dlc "
                  "represents an empty optional only as an absent input name",
           failure();
  if (const Sequence *sequence = ctx.sequenceInput(0)) {
    ctx.setSequenceResult(0, *sequence);
    results.push_back(nullptr);
    return success();
  }
  results.push_back(ctx.input(0));
  return success();
}

/// OptionalHasElement: true for a present tensor or sequence, false for an
/// absent (empty-named or omitted) input. Known at import time.
LogicalResult optionalHasElement(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  auto type = RankedTensorType::get({}, ctx.builder.getI1Type());
  results.push_back(dlg::ConstantOp::create(
      ctx.builder, ctx.loc, DenseElementsAttr::get(type, hasElement(ctx))));
  return success();
}

/// OptionalGetElement: the held value; a plain tensor (allowed since
/// opset 18) is returned as is. An empty optional is an error in ONNX.
LogicalResult optionalGetElement(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  if (!hasElement(ctx))
    return ctx.emitError() << "the optional input is empty: there is no "
                              "element to get",
           failure();
  if (const Sequence *sequence = ctx.sequenceInput(0)) {
    ctx.setSequenceResult(0, *sequence);
    results.push_back(nullptr);
    return success();
  }
  results.push_back(ctx.input(0));
  return success();
}

} // namespace

void registerOptionalHandlers(OpRegistry &registry) {
  registry.add("", "Optional", {15}, optional);
  registry.add("", "OptionalHasElement", {15, 18}, optionalHasElement);
  registry.add("", "OptionalGetElement", {15, 18}, optionalGetElement);
}

} // namespace dlc::onnx
