//===- Elementwise.cpp - ONNX elementwise ops -> dlg ----------------------===//

#include "frontends/onnx/ImportContext.h"
#include "frontends/onnx/handlers/Composer.h"

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

/// Opset < 7 binary ops broadcast only with `broadcast = 1`: rhs then matches
/// a contiguous run of lhs dimensions starting at `axis` (by default the
/// trailing ones), which numpy broadcasting covers once rhs gets trailing 1s.
template <typename OpTy> Handler legacyBinary() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(2)))
      return failure();
    Value lhs = ctx.input(0), rhs = ctx.input(1);
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
    if (ctx.intAttr("broadcast", 0) == 0) {
      if (lhsType.getShape() != rhsType.getShape())
        return ctx.emitError() << "expects operands of one shape without "
                                  "'broadcast' but got ranks "
                               << lhsRank << " and " << rhsRank
                               << " or different dimensions",
               failure();
    } else if (ctx.attribute("axis")) {
      int64_t axis = ctx.intAttr("axis", 0);
      std::optional<int64_t> normalized = dlg::normalizeAxis(axis, lhsRank);
      if (!normalized || *normalized + rhsRank > lhsRank)
        return ctx.emitError() << "axis " << axis << " does not place rank "
                               << rhsRank << " in rank " << lhsRank,
               failure();
      SmallVector<int64_t> shape(rhsType.getShape());
      shape.append(lhsRank - *normalized - rhsRank, 1);
      FailureOr<Value> reshaped = ctx.create<dlg::ReshapeOp>(
          {rhs}, {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr(shape))});
      if (failed(reshaped))
        return failure();
      rhs = *reshaped;
    }
    return pushResult(ctx.create<OpTy>({lhs, rhs}), results);
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
  // Inference semantics, as onnxruntime: the opset < 7 `is_test` attribute
  // is ignored. Training mode is only supported where it drops nothing:
  // with a constant ratio of 0, or a constant training_mode of false.
  std::optional<double> ratio;
  if (Value ratioInput = ctx.input(1)) {
    auto constant = ratioInput.getDefiningOp<dlg::ConstantOp>();
    auto dense = constant ? dyn_cast<DenseFPElementsAttr>(constant.getValue())
                          : DenseFPElementsAttr();
    if (dense && dense.getNumElements() == 1)
      ratio = (*dense.getValues<APFloat>().begin()).convertToDouble();
  } else if (ctx.opset >= 12) {
    ratio = 0.5;
  }
  if (ctx.input(2) && ratio != 0.0) {
    std::optional<SmallVector<int64_t>> training = ctx.constantInts(2);
    if (training && training->size() == 1 && (*training)[0] != 0 && ratio)
      return ctx.emitError() << "training_mode = 1 with a non-zero ratio "
                                "draws random numbers, which is not supported",
             failure();
    if (!training || training->size() != 1 || (*training)[0] != 0) {
      // Known only at run time: the run fails where something would be
      // dropped (training mode with a non-zero ratio).
      Composer c(ctx);
      Value ok = c.create<dlg::EqualOp>(
          {c.reshape(c.cast(ctx.input(2), ctx.builder.getI64Type()), {}),
           c.ints({0}, SmallVector<int64_t>{})});
      if (!ratio && ctx.input(1)) {
        Value r = c.reshape(ctx.input(1), {});
        Type type = getElementTypeOrSelf(r ? r.getType() : Type());
        ok = c.create<dlg::BitwiseOrOp>(
            {ok, c.create<dlg::EqualOp>({r, c.scalar(type, 0)})});
      }
      c.check(ok, "training_mode = true with a non-zero ratio draws random "
                  "numbers, which is not supported");
      SmallVector<Value> none;
      if (failed(c.finish({}, none)))
        return failure();
    }
  }
  results.push_back(ctx.input(0));
  if (ctx.node.output_size() > 1 && !ctx.node.output(1).empty()) {
    // Nothing is dropped: the mask is all true.
    auto maskType = RankedTensorType::get(
        cast<RankedTensorType>(ctx.input(0).getType()).getShape(),
        ctx.builder.getI1Type());
    results.push_back(dlg::ConstantOp::create(
        ctx.builder, ctx.loc,
        DenseElementsAttr::get(maskType, llvm::ArrayRef<bool>(true))));
  }
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
/// Constant bounds become attributes of dlg.clip; bounds known only at run
/// time clamp with dlg.max / dlg.min.
LogicalResult clip(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  struct Bound {
    StringRef name;
    std::optional<double> constant;
    Value dynamic;
  };
  auto bound = [&](StringRef name, size_t input) -> FailureOr<Bound> {
    if (ctx.opset < 11) {
      if (!ctx.attribute(name))
        return Bound{name, std::nullopt, Value()};
      return Bound{name, double(ctx.floatAttr(name, 0)), Value()};
    }
    Value value = ctx.input(input);
    if (!value)
      return Bound{name, std::nullopt, Value()};
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getNumElements() != 1)
      return ctx.emitError()
                 << "expects '" << name << "' to be a scalar but it has "
                 << type.getNumElements() << " elements",
             failure();
    auto constant = value.getDefiningOp<dlg::ConstantOp>();
    auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                          : DenseElementsAttr();
    if (!dense) {
      if (type.getRank() != 0) {
        FailureOr<Value> scalar = ctx.create<dlg::ReshapeOp>(
            {value},
            {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr({}))});
        if (failed(scalar))
          return failure();
        value = *scalar;
      }
      return Bound{name, std::nullopt, value};
    }
    Type elementType = dense.getElementType();
    APInt bits = isa<FloatType>(elementType)
                     ? APInt()
                     : *dense.getValues<APInt>().begin();
    double number =
        isa<FloatType>(elementType)
            ? (*dense.getValues<APFloat>().begin()).convertToDouble()
        : ctx.isUnsigned(ctx.input(input))
            ? static_cast<double>(bits.getZExtValue())
            : static_cast<double>(bits.getSExtValue());
    return Bound{name, number, Value()};
  };
  FailureOr<Bound> min = bound("min", 1), max = bound("max", 2);
  if (failed(min) || failed(max))
    return failure();
  auto attribute = [&](const Bound &b) {
    return ctx.named(b.name, ctx.builder.getF64FloatAttr(*b.constant));
  };
  if (!min->dynamic && !max->dynamic) {
    SmallVector<NamedAttribute> attrs;
    for (const Bound &b : {*min, *max})
      if (b.constant)
        attrs.push_back(attribute(b));
    return pushResult(ctx.create<dlg::ClipOp>(
                          {ctx.input(0)}, ctx.withSign(ctx.input(0), attrs)),
                      results);
  }
  // The lower bound first: min > max yields max, as in numpy.clip.
  FailureOr<Value> result = ctx.input(0);
  for (const Bound &b : {*min, *max}) {
    if (failed(result))
      return failure();
    if (b.constant)
      result = ctx.create<dlg::ClipOp>(
          {*result}, ctx.withSign(ctx.input(0), {attribute(b)}));
    else if (b.dynamic)
      result = b.name == "min"
                   ? ctx.create<dlg::MaxOp>({*result, b.dynamic},
                                            ctx.withSign(ctx.input(0)))
                   : ctx.create<dlg::MinOp>({*result, b.dynamic},
                                            ctx.withSign(ctx.input(0)));
  }
  return pushResult(result, results);
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
  // Since-versions from the ONNX operator changelog. Binary ops before
  // version 7 broadcast only as their `broadcast` and `axis` attributes say.
  // Versions 1 and 6 of the unary ops only differ by the ignored
  // `consumed_inputs` attribute of version 1.
  registry.add("", "Add", {1, 6}, legacyBinary<dlg::AddOp>());
  registry.add("", "Sub", {1, 6}, legacyBinary<dlg::SubOp>());
  registry.add("", "Mul", {1, 6}, legacyBinary<dlg::MulOp>());
  registry.add("", "Div", {1, 6}, legacyBinary<dlg::DivOp>());
  registry.add("", "Pow", {1}, legacyBinary<dlg::PowOp>());
  registry.add("", "Add", {7, 13, 14}, binary<dlg::AddOp>());
  registry.add("", "Sub", {7, 13, 14}, binary<dlg::SubOp>());
  registry.add("", "Mul", {7, 13, 14}, binary<dlg::MulOp>());
  registry.add("", "Div", {7, 13, 14}, signedBinary<dlg::DivOp>());
  registry.add("", "Pow", {7, 12, 13, 15}, pow);
  registry.add("", "Max", {1, 6, 8, 12, 13}, variadic<dlg::MaxOp>());
  registry.add("", "Min", {1, 6, 8, 12, 13}, variadic<dlg::MinOp>());
  registry.add("", "Relu", {1, 6, 13, 14}, unary<dlg::ReluOp>());
  registry.add("", "Sigmoid", {1, 6, 13}, unary<dlg::SigmoidOp>());
  registry.add("", "Tanh", {1, 6, 13}, unary<dlg::TanhOp>());
  registry.add("", "Erf", {9, 13}, unary<dlg::ErfOp>());
  registry.add("", "Exp", {1, 6, 13}, unary<dlg::ExpOp>());
  registry.add("", "Log", {1, 6, 13}, unary<dlg::LogOp>());
  registry.add("", "Sqrt", {1, 6, 13}, unary<dlg::SqrtOp>());
  registry.add("", "Neg", {1, 6, 13}, unary<dlg::NegOp>());
  registry.add("", "Abs", {1, 6, 13}, unary<dlg::AbsOp>());
  registry.add("", "LeakyRelu", {1, 6, 16}, leakyRelu);
  registry.add("", "Gelu", {20}, gelu);
  registry.add("", "Clip", {1, 6, 11, 12, 13}, clip);
  registry.add("", "Cast", {6, 9, 13, 19, 21, 23, 24, 25}, cast);
  registry.add("", "CastLike", {15, 19, 21, 23, 24, 25}, castLike);
  registry.add("", "Where", {9, 16}, where);
  registry.add("", "Identity", {1, 13, 14, 16, 19, 21, 23, 24, 25}, identity);
  registry.add("", "Dropout", {7, 10, 12, 13, 22}, dropout);
}

} // namespace dlc::onnx
