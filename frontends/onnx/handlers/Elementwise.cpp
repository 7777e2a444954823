//===- Elementwise.cpp - ONNX elementwise ops -> dlg ----------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

template <typename OpTy> Handler binary() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(2)))
      return failure();
    return pushResult(ctx.create<OpTy>({ctx.input(0), ctx.input(1)}), results);
  };
}

/// Binary ops whose integer semantics depend on the sign (Div).
template <typename OpTy> Handler signedBinary() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(2)))
      return failure();
    return pushResult(ctx.create<OpTy>({ctx.input(0), ctx.input(1)},
                                       ctx.withSign(ctx.input(0))),
                      results);
  };
}

/// Max and Min take any number of inputs and fold them pairwise.
template <typename OpTy> Handler variadic() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (ctx.numInputs() == 0 || failed(ctx.requireInputs(ctx.numInputs())))
      return ctx.emitError() << "expects at least one input", failure();
    Value acc = ctx.input(0);
    for (size_t i = 1; i < ctx.numInputs(); ++i) {
      FailureOr<Value> next =
          ctx.create<OpTy>({acc, ctx.input(i)}, ctx.withSign(ctx.input(0)));
      if (failed(next))
        return failure();
      acc = *next;
    }
    results.push_back(acc);
    return success();
  };
}

template <typename OpTy> Handler unary() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)))
      return failure();
    return pushResult(ctx.create<OpTy>({ctx.input(0)}), results);
  };
}

/// Pow-12+ lets the exponent have its own type; dlg.pow wants the base's.
LogicalResult pow(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  FailureOr<Value> exponent =
      ctx.castTo(ctx.input(1), getElementTypeOrSelf(ctx.input(0).getType()));
  if (failed(exponent))
    return failure();
  return pushResult(ctx.create<dlg::PowOp>({ctx.input(0), *exponent}), results);
}

LogicalResult identity(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  results.push_back(ctx.input(0));
  return success();
}

/// Inference-mode Dropout is the identity; the optional mask output is not
/// produced.
LogicalResult dropout(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  if (std::optional<SmallVector<int64_t>> training = ctx.constantInts(2))
    if (!training->empty() && (*training)[0] != 0)
      return ctx.emitError() << "training_mode = 1 is not supported", failure();
  results.push_back(ctx.input(0));
  return success();
}

LogicalResult leakyRelu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  return pushResult(
      ctx.create<dlg::LeakyReluOp>(
          {ctx.input(0)},
          {ctx.named("alpha", ctx.builder.getF32FloatAttr(
                                  ctx.floatAttr("alpha", 0.01f)))}),
      results);
}

LogicalResult gelu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  std::string approximate = ctx.stringAttr("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return ctx.emitError() << "unsupported approximate = '" << approximate
                           << "' (expects 'none' or 'tanh')",
           failure();
  return pushResult(ctx.create<dlg::GeluOp>(
                        {ctx.input(0)},
                        {ctx.named("approximate", ctx.builder.getBoolAttr(
                                                      approximate == "tanh"))}),
                    results);
}

/// Clip-6 carries its bounds as attributes, Clip-11+ as optional inputs.
LogicalResult clip(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  auto bound = [&](StringRef name, size_t input) -> LogicalResult {
    if (ctx.opset < 11) {
      if (ctx.attribute(name))
        attrs.push_back(ctx.named(
            name, ctx.builder.getF64FloatAttr(ctx.floatAttr(name, 0))));
      return success();
    }
    if (!ctx.input(input))
      return success();
    auto constant = ctx.input(input).getDefiningOp<dlg::ConstantOp>();
    auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                          : DenseElementsAttr();
    if (!dense || dense.getNumElements() != 1)
      return ctx.emitError()
                 << "expects '" << name << "' to be a constant scalar",
             failure();
    Type elementType = dense.getElementType();
    APInt bits = isa<FloatType>(elementType)
                     ? APInt()
                     : *dense.getValues<APInt>().begin();
    double value = isa<FloatType>(elementType)
                       ? (*dense.getValues<APFloat>().begin()).convertToDouble()
                   : ctx.isUnsigned(ctx.input(input))
                       ? static_cast<double>(bits.getZExtValue())
                       : static_cast<double>(bits.getSExtValue());
    attrs.push_back(ctx.named(name, ctx.builder.getF64FloatAttr(value)));
    return success();
  };
  if (failed(bound("min", 1)) || failed(bound("max", 2)))
    return failure();
  return pushResult(ctx.create<dlg::ClipOp>({ctx.input(0)},
                                            ctx.withSign(ctx.input(0), attrs)),
                    results);
}

/// Cast and CastLike: converts input 0 to `type`, an ONNX unsigned type when
/// `toUnsigned`. `saturate` (opset 19+) matters for float8 results only.
LogicalResult castTo(NodeContext &ctx, SmallVectorImpl<Value> &results,
                     Type type, bool toUnsigned) {
  Value input = ctx.input(0);
  bool fromUnsigned = ctx.isUnsigned(input);
  SmallVector<NamedAttribute> attrs = {ctx.named("to", TypeAttr::get(type))};
  if (fromUnsigned)
    attrs.push_back(ctx.named("from_unsigned", ctx.builder.getUnitAttr()));
  if (toUnsigned)
    attrs.push_back(ctx.named("to_unsigned", ctx.builder.getUnitAttr()));
  if (!ctx.intAttr("saturate", 1))
    attrs.push_back(ctx.named("saturate", ctx.builder.getBoolAttr(false)));
  // round_mode (opset 25) only matters for float8e8m0 results.
  std::string roundMode = ctx.stringAttr("round_mode", "up");
  if (isa<Float8E8M0FNUType>(type) && roundMode != "up")
    return ctx.emitError() << "round_mode = '" << roundMode
                           << "' is not supported (only 'up' is)",
           failure();
  ctx.setResultUnsigned(0, toUnsigned);
  if (getElementTypeOrSelf(input.getType()) == type &&
      fromUnsigned == toUnsigned) {
    results.push_back(input);
    return success();
  }
  return pushResult(ctx.create<dlg::CastOp>({input}, attrs), results);
}

LogicalResult cast(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  int64_t to = ctx.intAttr("to", 0);
  Type type = convertElementType(ctx.builder.getContext(), to);
  if (!type)
    return ctx.emitError() << "cast to unsupported data type "
                           << dataTypeName(to),
           failure();
  return castTo(ctx, results, type, isUnsignedDataType(to));
}

/// CastLike takes the target type (and signedness) from input 1.
LogicalResult castLike(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  return castTo(ctx, results, getElementTypeOrSelf(ctx.input(1).getType()),
                ctx.inputIsUnsigned(1));
}

LogicalResult where(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  return pushResult(
      ctx.create<dlg::WhereOp>({ctx.input(0), ctx.input(1), ctx.input(2)}),
      results);
}

} // namespace

void registerElementwiseHandlers(OpRegistry &registry) {
  // Since-versions from the ONNX operator changelog. Versions before 7 used
  // explicit broadcast attributes and are not registered.
  registry.add("", "Add", {7, 13, 14}, binary<dlg::AddOp>());
  registry.add("", "Sub", {7, 13, 14}, binary<dlg::SubOp>());
  registry.add("", "Mul", {7, 13, 14}, binary<dlg::MulOp>());
  registry.add("", "Div", {7, 13, 14}, signedBinary<dlg::DivOp>());
  registry.add("", "Pow", {7, 12, 13, 15}, pow);
  registry.add("", "Max", {8, 12, 13}, variadic<dlg::MaxOp>());
  registry.add("", "Min", {8, 12, 13}, variadic<dlg::MinOp>());
  registry.add("", "Relu", {6, 13, 14}, unary<dlg::ReluOp>());
  registry.add("", "Sigmoid", {6, 13}, unary<dlg::SigmoidOp>());
  registry.add("", "Tanh", {6, 13}, unary<dlg::TanhOp>());
  registry.add("", "Erf", {9, 13}, unary<dlg::ErfOp>());
  registry.add("", "Exp", {6, 13}, unary<dlg::ExpOp>());
  registry.add("", "Log", {6, 13}, unary<dlg::LogOp>());
  registry.add("", "Sqrt", {6, 13}, unary<dlg::SqrtOp>());
  registry.add("", "Neg", {6, 13}, unary<dlg::NegOp>());
  registry.add("", "Abs", {6, 13}, unary<dlg::AbsOp>());
  registry.add("", "LeakyRelu", {6, 16}, leakyRelu);
  registry.add("", "Gelu", {20}, gelu);
  registry.add("", "Clip", {6, 11, 12, 13}, clip);
  registry.add("", "Cast", {6, 9, 13, 19, 21, 23, 24, 25}, cast);
  registry.add("", "CastLike", {15, 19, 21, 23, 24, 25}, castLike);
  registry.add("", "Where", {9, 16}, where);
  registry.add("", "Identity", {1, 13, 14, 16, 19, 21, 23, 24, 25}, identity);
  registry.add("", "Dropout", {7, 10, 12, 13, 22}, dropout);
}

} // namespace dlc::onnx
