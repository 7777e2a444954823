//===- IndexingBuilders.cpp - dlg building blocks for ONNX handlers -------===//

#include "frontends/onnx/handlers/IndexingBuilders.h"

using namespace mlir;

namespace dlc::onnx::builders {

/// A scalar attribute of `type` holding `value` (integers wrap).
TypedAttr scalarAttr(Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, value);
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt(width, uint64_t(int64_t(value)),
                                      /*isSigned=*/false,
                                      /*implicitTrunc=*/true));
}

/// A constant of `shape` whose elements are all `value`.
Value splat(NodeContext &ctx, ArrayRef<int64_t> shape, Type elementType,
            double value) {
  auto type = RankedTensorType::get(shape, elementType);
  return dlg::ConstantOp::create(
      ctx.builder, ctx.loc,
      DenseElementsAttr::get(type, Attribute(scalarAttr(elementType, value))));
}

/// A constant holding `values` converted to `elementType`.
Value constantOf(NodeContext &ctx, ArrayRef<int64_t> shape, Type elementType,
                 ArrayRef<double> values) {
  SmallVector<Attribute> attrs;
  for (double value : values)
    attrs.push_back(scalarAttr(elementType, value));
  auto type = RankedTensorType::get(shape, elementType);
  return dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                 DenseElementsAttr::get(type, attrs));
}

/// An i64 constant whose values are also recorded as known ints.
Value intConstant(NodeContext &ctx, ArrayRef<int64_t> values,
                  ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, ctx.builder.getI64Type());
  Value value = dlg::ConstantOp::create(
      ctx.builder, ctx.loc, DenseIntElementsAttr::get(type, values));
  ctx.recordInts(value, values);
  return value;
}

/// The elements of `value` as doubles when it is a dlg.constant.
std::optional<SmallVector<double>> constantDoubles(Value value) {
  auto op = value ? value.getDefiningOp<dlg::ConstantOp>() : nullptr;
  auto dense = op ? dyn_cast<DenseElementsAttr>(op.getValue()) : nullptr;
  if (!dense)
    return std::nullopt;
  SmallVector<double> values;
  Type type = dense.getElementType();
  if (isa<FloatType>(type)) {
    for (APFloat element : dense.getValues<APFloat>()) {
      bool lost;
      element.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                      &lost);
      values.push_back(element.convertToDouble());
    }
  } else {
    for (APInt element : dense.getValues<APInt>())
      values.push_back(type.isInteger(1) ? double(element.getZExtValue())
                                         : double(element.getSExtValue()));
  }
  return values;
}

FailureOr<Value> reshapeTo(NodeContext &ctx, Value input,
                           ArrayRef<int64_t> shape) {
  if (typeOf(input).getShape() == shape)
    return input;
  return ctx.create<dlg::ReshapeOp>(
      {input}, {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr(shape))});
}

FailureOr<Value> transposeBy(NodeContext &ctx, Value input,
                             ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return input;
  return ctx.create<dlg::TransposeOp>(
      {input}, {ctx.named("perm", ctx.builder.getDenseI64ArrayAttr(perm))});
}

/// `size` elements of `axis` from `start` by `step`; other dims whole.
FailureOr<Value> sliceAxis(NodeContext &ctx, Value input, int64_t axis,
                           int64_t start, int64_t size, int64_t step) {
  ArrayRef<int64_t> shape = typeOf(input).getShape();
  if (size == 0) {
    // dlg.slice needs an in-bounds start even for an empty result.
    SmallVector<int64_t> empty(shape);
    empty[axis] = 0;
    return constantOf(ctx, empty, typeOf(input).getElementType(), {});
  }
  SmallVector<int64_t> starts(shape.size(), 0), sizes(shape),
      steps(shape.size(), 1);
  starts[axis] = size ? start : 0;
  sizes[axis] = size;
  steps[axis] = step;
  OpBuilder &b = ctx.builder;
  return ctx.create<dlg::SliceOp>(
      {input}, {ctx.named("starts", b.getDenseI64ArrayAttr(starts)),
                ctx.named("sizes", b.getDenseI64ArrayAttr(sizes)),
                ctx.named("steps", b.getDenseI64ArrayAttr(steps))});
}

FailureOr<Value> concatAxis(NodeContext &ctx, ValueRange inputs, int64_t axis) {
  if (inputs.size() == 1)
    return inputs.front();
  return ctx.create<dlg::ConcatOp>(
      inputs, {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
}

/// numpy-broadcasts `input` with `shape` (ONNX Expand): a select whose
/// always-true condition has that shape.
FailureOr<Value> broadcastTo(NodeContext &ctx, Value input,
                             ArrayRef<int64_t> shape) {
  if (typeOf(input).getShape() == shape)
    return input;
  Value always = splat(ctx, shape, ctx.builder.getI1Type(), 1);
  return ctx.create<dlg::WhereOp>({always, input, input});
}

/// 1 where `value` >= 1, else 0, for i64 `value` (a comparison result).
FailureOr<Value> positive(NodeContext &ctx, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  OpBuilder &b = ctx.builder;
  return ctx.create<dlg::ClipOp>({*value},
                                 {ctx.named("min", b.getF64FloatAttr(0)),
                                  ctx.named("max", b.getF64FloatAttr(1))});
}

FailureOr<Value> toBool(NodeContext &ctx, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  return ctx.castTo(*value, ctx.builder.getI1Type());
}

} // namespace dlc::onnx::builders
