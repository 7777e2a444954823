//===- Loss.cpp - ONNX loss ops -> dlg ------------------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss decompose into
// existing dlg ops: the class axis is indexed with gather_elements, class
// weights with gather, and ignored targets are masked with equal + where.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/InterleavedRange.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

Type elementTypeOf(Value value) {
  return getElementTypeOrSelf(value.getType());
}

int64_t rankOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getRank();
}

/// The loss of `logProb` (N x C x d1...) at `target` (N x d1...), weighted
/// per class by the optional `weight` (C), reduced as `reduction`. Targets
/// equal to the optional `ignoreIndex` contribute 0 and no weight.
FailureOr<Value> nllLoss(NodeContext &ctx, Value logProb, Value target,
                         Value weight, std::optional<int64_t> ignoreIndex,
                         StringRef reduction) {
  Composer b(ctx);
  OpBuilder &ob = ctx.builder;
  Type floatType = elementTypeOf(logProb);
  Type indexType = elementTypeOf(target);
  Value ignored, safeTarget = target;
  if (ignoreIndex) {
    // Ignored targets may lie outside [0, C): they index class 0 instead.
    ignored =
        b.create<dlg::EqualOp>({target, b.scalar(indexType, *ignoreIndex)});
    safeTarget =
        b.create<dlg::WhereOp>({ignored, b.scalar(indexType, 0), target});
  }
  Value indices = b.create<dlg::UnsqueezeOp>(
      {safeTarget}, {ctx.named("axes", ob.getDenseI64ArrayAttr({1}))});
  Value picked = b.create<dlg::GatherElementsOp>(
      {logProb, indices}, {ctx.named("axis", ob.getI64IntegerAttr(1))});
  Value loss = b.create<dlg::NegOp>({b.create<dlg::SqueezeOp>(
      {picked}, {ctx.named("axes", ob.getDenseI64ArrayAttr({1}))})});

  // The weight applied to each target, when not uniformly 1.
  Value applied;
  if (weight)
    applied = b.create<dlg::GatherOp>(
        {weight, safeTarget}, {ctx.named("axis", ob.getI64IntegerAttr(0))});
  if (ignoreIndex)
    applied =
        b.create<dlg::WhereOp>({ignored, b.scalar(floatType, 0),
                                applied ? applied : b.scalar(floatType, 1)});
  if (applied)
    loss = b.create<dlg::MulOp>({loss, applied});

  Value result;
  if (reduction == "none")
    result = loss;
  else if (reduction == "sum")
    result = b.reduceAll<dlg::ReduceSumOp>(loss);
  else if (applied) // mean: divides by the total applied weight.
    result = b.create<dlg::DivOp>({b.reduceAll<dlg::ReduceSumOp>(loss),
                                   b.reduceAll<dlg::ReduceSumOp>(applied)});
  else
    result = b.reduceAll<dlg::ReduceMeanOp>(loss);
  if (b.failedBefore || !result)
    return failure();
  return result;
}

/// Checks the shared operand contract and reads the shared attributes.
LogicalResult readLossOperands(NodeContext &ctx, Value &x, Value &target,
                               Value &weight, std::optional<int64_t> &ignore,
                               std::string &reduction) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  x = ctx.input(0);
  target = ctx.input(1);
  weight = ctx.input(2);
  if (!isa<FloatType>(elementTypeOf(x)))
    return ctx.emitError() << "expects a float input but got "
                           << elementTypeOf(x),
           failure();
  int64_t rank = rankOf(x);
  if (rank < 2)
    return ctx.emitError() << "expects an input of rank >= 2 but got rank "
                           << rank,
           failure();
  auto xShape = cast<RankedTensorType>(x.getType()).getShape();
  auto targetShape = cast<RankedTensorType>(target.getType()).getShape();
  SmallVector<int64_t> expected = {xShape[0]};
  expected.append(xShape.begin() + 2, xShape.end());
  if (ArrayRef<int64_t>(expected) != targetShape)
    return ctx.emitError() << "expects a target of shape N x d1... = ["
                           << llvm::interleaved(expected) << "] but got ["
                           << llvm::interleaved(targetShape) << "]",
           failure();
  if (!isa<IntegerType>(elementTypeOf(target)) ||
      elementTypeOf(target).isInteger(1))
    return ctx.emitError() << "expects an integer target but got "
                           << elementTypeOf(target),
           failure();
  if (weight) {
    auto weightType = cast<RankedTensorType>(weight.getType());
    if (weightType.getRank() != 1 || weightType.getDimSize(0) != xShape[1] ||
        weightType.getElementType() != elementTypeOf(x))
      return ctx.emitError()
                 << "expects a weight of type tensor<" << xShape[1] << "x"
                 << elementTypeOf(x) << "> but got " << weightType,
             failure();
  }
  if (ctx.attribute("ignore_index"))
    ignore = ctx.intAttr("ignore_index", 0);
  reduction = ctx.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return ctx.emitError() << "attribute 'reduction' = '" << reduction
                           << "' is not supported (expects 'none', 'sum' or "
                              "'mean')",
           failure();
  return success();
}

LogicalResult negativeLogLikelihoodLoss(NodeContext &ctx,
                                        SmallVectorImpl<Value> &results) {
  Value x, target, weight;
  std::optional<int64_t> ignore;
  std::string reduction;
  if (failed(readLossOperands(ctx, x, target, weight, ignore, reduction)))
    return failure();
  return pushResult(nllLoss(ctx, x, target, weight, ignore, reduction),
                    results);
}

/// log_softmax along the class axis, then the NLL loss; the optional second
/// output is the log-probabilities.
LogicalResult softmaxCrossEntropyLoss(NodeContext &ctx,
                                      SmallVectorImpl<Value> &results) {
  Value x, target, weight;
  std::optional<int64_t> ignore;
  std::string reduction;
  if (failed(readLossOperands(ctx, x, target, weight, ignore, reduction)))
    return failure();
  Composer b(ctx);
  // x - max - log(sum(exp(x - max))): exp never overflows.
  Value shifted =
      b.create<dlg::SubOp>({x, b.reduce<dlg::ReduceMaxOp>(x, {1}, true)});
  Value logSum = b.create<dlg::LogOp>(
      {b.reduce<dlg::ReduceSumOp>(b.create<dlg::ExpOp>({shifted}), {1}, true)});
  Value logProb = b.create<dlg::SubOp>({shifted, logSum});
  if (b.failedBefore)
    return failure();
  if (failed(pushResult(
          nllLoss(ctx, logProb, target, weight, ignore, reduction), results)))
    return failure();
  if (ctx.node.output_size() > 1)
    results.push_back(logProb);
  return success();
}

} // namespace

void registerLossHandlers(OpRegistry &registry) {
  registry.add("", "NegativeLogLikelihoodLoss", {12, 13, 22},
               negativeLogLikelihoodLoss);
  registry.add("", "SoftmaxCrossEntropyLoss", {12, 13},
               softmaxCrossEntropyLoss);
}

} // namespace dlc::onnx
