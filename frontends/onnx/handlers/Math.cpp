//===- Math.cpp - ONNX math ops -> dlg ------------------------------------===//
//
// Comparisons, logic, bitwise, rounding and trigonometric ops map to dlg
// primitives; activations and variadic reductions (Sum, Mean) decompose into
// existing elementwise dlg ops.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/APSInt.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// A rank-0 constant of `elementType` holding `value`; integers truncate
/// toward zero and saturate (an attribute such as lambd = 1e30 must not wrap).
FailureOr<Value> scalar(NodeContext &ctx, Type elementType, double value,
                        bool asUnsigned = false) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (isa<FloatType>(elementType)) {
    element = ctx.builder.getFloatAttr(elementType, value);
  } else {
    unsigned width = elementType.getIntOrFloatBitWidth();
    bool isUnsigned = width == 1 || asUnsigned;
    APSInt integer(width, isUnsigned);
    bool isExact = false;
    APFloat::opStatus status = APFloat(value).convertToInteger(
        integer, APFloat::rmTowardZero, &isExact);
    if ((status & APFloat::opInvalidOp) && !std::isnan(value))
      integer = value < 0 ? APSInt::getMinValue(width, isUnsigned)
                          : APSInt::getMaxValue(width, isUnsigned);
    element = IntegerAttr::get(elementType, integer);
  }
  FailureOr<Value> result = ctx.create<dlg::ConstantOp>(
      {}, {ctx.named("value", DenseElementsAttr::get(type, element))});
  if (succeeded(result))
    ctx.setUnsigned(*result, asUnsigned && !elementType.isInteger(1));
  return result;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

Type elementTypeOf(Value value) {
  return getElementTypeOrSelf(value.getType());
}

bool isFloatTensor(Value value) { return isa<FloatType>(elementTypeOf(value)); }

/// Fails with a diagnostic unless input 0 has a float element type.
LogicalResult requireFloat(NodeContext &ctx) {
  if (isFloatTensor(ctx.input(0)))
    return success();
  return ctx.emitError() << "expects a float input but got "
                         << elementTypeOf(ctx.input(0)),
         failure();
}

/// Whether `OpTy` has an `is_unsigned` attribute.
template <typename OpTy, typename = void> struct HasSign : std::false_type {};
template <typename OpTy>
struct HasSign<OpTy,
               std::void_t<decltype(std::declval<OpTy &>().getIsUnsigned())>>
    : std::true_type {};

/// `OpTy(operands)`, marked `is_unsigned` when the op's integer semantics
/// depend on the sign and its first operand holds ONNX unsigned integers.
template <typename OpTy>
FailureOr<Value> createSigned(NodeContext &ctx, ArrayRef<Value> operands) {
  if constexpr (HasSign<OpTy>::value)
    return ctx.create<OpTy>(operands, ctx.withSign(operands.front()));
  return ctx.create<OpTy>(operands);
}

/// Builds `OpTy(lhs, rhs)`; a small fluent layer keeps decompositions short.
template <typename OpTy>
FailureOr<Value> make(NodeContext &ctx, FailureOr<Value> lhs,
                      FailureOr<Value> rhs) {
  if (failed(lhs) || failed(rhs))
    return failure();
  return createSigned<OpTy>(ctx, {*lhs, *rhs});
}

template <typename OpTy>
FailureOr<Value> make(NodeContext &ctx, FailureOr<Value> input) {
  if (failed(input))
    return failure();
  return createSigned<OpTy>(ctx, {*input});
}

FailureOr<Value> where(NodeContext &ctx, FailureOr<Value> condition,
                       FailureOr<Value> x, FailureOr<Value> y) {
  if (failed(condition) || failed(x) || failed(y))
    return failure();
  return ctx.create<dlg::WhereOp>({*condition, *x, *y});
}

template <typename OpTy> Handler binary() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(2)))
      return failure();
    return pushResult(createSigned<OpTy>(ctx, {ctx.input(0), ctx.input(1)}),
                      results);
  };
}

template <typename OpTy> Handler unary(bool floatOnly) {
  return [floatOnly](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)) ||
        (floatOnly && failed(requireFloat(ctx))))
      return failure();
    return pushResult(createSigned<OpTy>(ctx, {ctx.input(0)}), results);
  };
}

/// And/Or/Xor/Not are defined on bool tensors only.
template <typename OpTy> Handler logic(size_t arity) {
  return [arity](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(arity)))
      return failure();
    for (size_t i = 0; i < arity; ++i)
      if (!elementTypeOf(ctx.input(i)).isInteger(1))
        return ctx.emitError() << "expects bool inputs but got "
                               << elementTypeOf(ctx.input(i)),
               failure();
    SmallVector<Value> operands(ctx.presentInputs(arity));
    return pushResult(ctx.create<OpTy>(operands), results);
  };
}

LogicalResult bitShift(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  std::string direction = ctx.stringAttr("direction", "");
  // Right shifts are arithmetic on signed and logical on unsigned integers.
  // Amounts outside [0, width) shift every bit out, as in the reference.
  if (direction == "LEFT")
    return pushResult(
        ctx.create<dlg::ShiftLeftOp>({ctx.input(0), ctx.input(1)}), results);
  if (direction == "RIGHT")
    return pushResult(
        ctx.create<dlg::ShiftRightOp>({ctx.input(0), ctx.input(1)},
                                      ctx.withSign(ctx.input(0))),
        results);
  return ctx.emitError() << "attribute 'direction' = '" << direction
                         << "' is not supported (expects 'LEFT' or 'RIGHT')",
         failure();
}

LogicalResult mod(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  int64_t fmod = ctx.intAttr("fmod", 0);
  if (fmod != 0 && fmod != 1)
    return ctx.emitError() << "attribute 'fmod' = " << fmod
                           << " is not supported (expects 0 or 1)",
           failure();
  return pushResult(
      ctx.create<dlg::ModOp>(
          {ctx.input(0), ctx.input(1)},
          ctx.withSign(ctx.input(0), {ctx.named("fmod", ctx.builder.getBoolAttr(
                                                            fmod == 1))})),
      results);
}

LogicalResult reciprocal(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  return pushResult(make<dlg::DivOp>(ctx, scalar(ctx, elementTypeOf(x), 1), x),
                    results);
}

/// NaN is the only value that differs from itself.
LogicalResult isNaN(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  return pushResult(
      make<dlg::BitwiseNotOp>(ctx, ctx.create<dlg::EqualOp>({x, x})), results);
}

LogicalResult isInf(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  Type type = elementTypeOf(x);
  double inf = std::numeric_limits<double>::infinity();
  bool positive = ctx.intAttr("detect_positive", 1) != 0;
  bool negative = ctx.intAttr("detect_negative", 1) != 0;
  auto equals = [&](double value) {
    return make<dlg::EqualOp>(ctx, x, scalar(ctx, type, value));
  };
  if (positive && negative)
    return pushResult(make<dlg::BitwiseOrOp>(ctx, equals(inf), equals(-inf)),
                      results);
  if (positive || negative)
    return pushResult(equals(positive ? inf : -inf), results);
  // Neither sign detected: x == inf and x == -inf never both hold.
  return pushResult(make<dlg::BitwiseAndOp>(ctx, equals(inf), equals(-inf)),
                    results);
}

//===----------------------------------------------------------------------===//
// Activations, as decompositions
//===----------------------------------------------------------------------===//

/// The scalar `value` in the element type (and signedness) of input 0;
/// integers saturate to the range of that type.
FailureOr<Value> constant(NodeContext &ctx, double value) {
  return scalar(ctx, elementTypeOf(ctx.input(0)), value,
                ctx.inputIsUnsigned(0));
}

/// alpha * (exp(x) - 1), the negative branch of Elu/Selu/Celu.
FailureOr<Value> expm1Scaled(NodeContext &ctx, FailureOr<Value> x,
                             double alpha) {
  FailureOr<Value> expm1 =
      make<dlg::SubOp>(ctx, make<dlg::ExpOp>(ctx, x), constant(ctx, 1));
  return make<dlg::MulOp>(ctx, expm1, constant(ctx, alpha));
}

LogicalResult elu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return pushResult(where(ctx, make<dlg::LessOp>(ctx, x, constant(ctx, 0)),
                          expm1Scaled(ctx, x, alpha), x),
                    results);
}

LogicalResult selu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = ctx.floatAttr("gamma", 1.05070102214813232421875f);
  FailureOr<Value> inner =
      where(ctx, make<dlg::GreaterOp>(ctx, x, constant(ctx, 0)), x,
            expm1Scaled(ctx, x, alpha));
  return pushResult(make<dlg::MulOp>(ctx, inner, constant(ctx, gamma)),
                    results);
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
LogicalResult celu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.floatAttr("alpha", 1.0f);
  if (alpha == 0)
    return ctx.emitError() << "attribute 'alpha' = 0 is not supported",
           failure();
  FailureOr<Value> scaled = make<dlg::DivOp>(ctx, x, constant(ctx, alpha));
  FailureOr<Value> negative =
      make<dlg::MinOp>(ctx, constant(ctx, 0), expm1Scaled(ctx, scaled, alpha));
  return pushResult(make<dlg::AddOp>(ctx, make<dlg::ReluOp>(ctx, x), negative),
                    results);
}

/// log(1 + exp(x)) computed as max(x, 0) + log(1 + exp(-|x|)), which does
/// not overflow for large x.
FailureOr<Value> softplusOf(NodeContext &ctx, Value x) {
  FailureOr<Value> tail = make<dlg::LogOp>(
      ctx, make<dlg::AddOp>(
               ctx, constant(ctx, 1),
               make<dlg::ExpOp>(
                   ctx, make<dlg::NegOp>(ctx, make<dlg::AbsOp>(ctx, x)))));
  return make<dlg::AddOp>(ctx, make<dlg::ReluOp>(ctx, x), tail);
}

LogicalResult softplus(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  return pushResult(softplusOf(ctx, ctx.input(0)), results);
}

LogicalResult softsign(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  return pushResult(
      make<dlg::DivOp>(
          ctx, x,
          make<dlg::AddOp>(ctx, make<dlg::AbsOp>(ctx, x), constant(ctx, 1))),
      results);
}

/// clip(alpha * x + beta, 0, 1).
FailureOr<Value> hardSigmoidOf(NodeContext &ctx, Value x, double alpha,
                               double beta) {
  FailureOr<Value> linear = make<dlg::AddOp>(
      ctx, make<dlg::MulOp>(ctx, x, constant(ctx, alpha)), constant(ctx, beta));
  if (failed(linear))
    return failure();
  return ctx.create<dlg::ClipOp>(
      {*linear}, {ctx.named("min", ctx.builder.getF64FloatAttr(0)),
                  ctx.named("max", ctx.builder.getF64FloatAttr(1))});
}

LogicalResult hardSigmoid(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  return pushResult(hardSigmoidOf(ctx, ctx.input(0),
                                  ctx.floatAttr("alpha", 0.2f),
                                  ctx.floatAttr("beta", 0.5f)),
                    results);
}

LogicalResult hardSwish(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  return pushResult(
      make<dlg::MulOp>(ctx, x, hardSigmoidOf(ctx, x, 1.0 / 6.0, 0.5)), results);
}

LogicalResult thresholdedRelu(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return pushResult(where(ctx,
                          make<dlg::GreaterOp>(ctx, x, constant(ctx, alpha)), x,
                          constant(ctx, 0)),
                    results);
}

/// x < -lambd ? x + bias : x > lambd ? x - bias : 0.
LogicalResult shrink(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  double lambd = ctx.floatAttr("lambd", 0.5f);
  double bias = ctx.floatAttr("bias", 0.0f);
  double low = -lambd, high = lambd;
  if (!isFloatTensor(x)) {
    if (elementTypeOf(x).isInteger(1))
      return ctx.emitError() << "expects a numeric input but got i1", failure();
    // Integer x: x < -lambd iff x < ceil(-lambd), x > lambd iff x > floor.
    if (bias != std::trunc(bias))
      return ctx.emitError() << "attribute 'bias' = " << bias
                             << " is not supported on integer input",
             failure();
    low = std::ceil(low);
    high = std::floor(high);
  }
  // Unsigned constants saturate at 0, so a negative bias flips add and sub.
  bool flip = ctx.inputIsUnsigned(0) && bias < 0;
  FailureOr<Value> plus = flip ? make<dlg::SubOp>(ctx, x, constant(ctx, -bias))
                               : make<dlg::AddOp>(ctx, x, constant(ctx, bias));
  FailureOr<Value> minus = flip ? make<dlg::AddOp>(ctx, x, constant(ctx, -bias))
                                : make<dlg::SubOp>(ctx, x, constant(ctx, bias));
  FailureOr<Value> above =
      where(ctx, make<dlg::GreaterOp>(ctx, x, constant(ctx, high)), minus,
            constant(ctx, 0));
  return pushResult(
      where(ctx, make<dlg::LessOp>(ctx, x, constant(ctx, low)), plus, above),
      results);
}

LogicalResult mish(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  return pushResult(
      make<dlg::MulOp>(ctx, x, make<dlg::TanhOp>(ctx, softplusOf(ctx, x))),
      results);
}

LogicalResult swish(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)) || failed(requireFloat(ctx)))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return pushResult(
      make<dlg::MulOp>(
          ctx, x,
          make<dlg::SigmoidOp>(ctx,
                               make<dlg::MulOp>(ctx, x, constant(ctx, alpha)))),
      results);
}

/// x < 0 ? slope * x : x. A rank-1 slope that does not broadcast numpy-style
/// applies along the one dimension of x of its size (the channel dimension of
/// opset < 7 models), as the reference implementation does.
LogicalResult prelu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), slope = ctx.input(1);
  auto xType = cast<RankedTensorType>(x.getType());
  auto slopeType = cast<RankedTensorType>(slope.getType());
  if (slopeType.getRank() == 1 &&
      !dlg::broadcastShapes({xType.getShape(), slopeType.getShape()})) {
    int64_t size = slopeType.getDimSize(0);
    SmallVector<int64_t> shape;
    int matches = 0;
    for (int64_t dim : xType.getShape()) {
      matches += dim == size;
      shape.push_back(dim == size ? size : 1);
    }
    if (matches != 1)
      return ctx.emitError() << "slope of shape [" << size
                             << "] does not broadcast to the input shape "
                             << formatShape(xType.getShape()),
             failure();
    FailureOr<Value> reshaped = ctx.create<dlg::ReshapeOp>(
        {slope}, {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr(shape))});
    if (failed(reshaped))
      return failure();
    slope = *reshaped;
  }
  // The slope broadcasts to x, never x to the slope (unidirectional).
  auto slopeShape = cast<RankedTensorType>(slope.getType()).getShape();
  std::optional<SmallVector<int64_t>> shape =
      dlg::broadcastShapes({xType.getShape(), slopeShape});
  if (shape && ArrayRef<int64_t>(*shape) != xType.getShape())
    return ctx.emitError() << "slope of shape " << formatShape(slopeShape)
                           << " does not broadcast to the input shape "
                           << formatShape(xType.getShape()),
           failure();
  return pushResult(where(ctx, make<dlg::LessOp>(ctx, x, constant(ctx, 0)),
                          make<dlg::MulOp>(ctx, x, slope), x),
                    results);
}

//===----------------------------------------------------------------------===//
// Variadic
//===----------------------------------------------------------------------===//

FailureOr<Value> sumOf(NodeContext &ctx) {
  if (ctx.numInputs() == 0)
    return ctx.emitError() << "expects at least one input", failure();
  if (failed(ctx.requireInputs(ctx.numInputs())))
    return failure();
  FailureOr<Value> acc = ctx.input(0);
  for (size_t i = 1; i < ctx.numInputs(); ++i)
    acc = make<dlg::AddOp>(ctx, acc, ctx.input(i));
  return acc;
}

LogicalResult sum(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  return pushResult(sumOf(ctx), results);
}

LogicalResult mean(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<Value> total = sumOf(ctx);
  if (failed(total) || failed(requireFloat(ctx)))
    return failure();
  return pushResult(
      make<dlg::DivOp>(ctx, total,
                       constant(ctx, static_cast<double>(ctx.numInputs()))),
      results);
}

} // namespace

void registerMathHandlers(OpRegistry &registry) {
  // Since-versions from the ONNX operator changelog. Comparisons and logic
  // before opset 7 used explicit broadcast attributes and are not registered.
  registry.add("", "Equal", {7, 11, 13, 19}, binary<dlg::EqualOp>());
  registry.add("", "Less", {7, 9, 13}, binary<dlg::LessOp>());
  registry.add("", "LessOrEqual", {12, 16}, binary<dlg::LessEqualOp>());
  registry.add("", "Greater", {7, 9, 13}, binary<dlg::GreaterOp>());
  registry.add("", "GreaterOrEqual", {12, 16}, binary<dlg::GreaterEqualOp>());
  registry.add("", "And", {7}, logic<dlg::BitwiseAndOp>(2));
  registry.add("", "Or", {7}, logic<dlg::BitwiseOrOp>(2));
  registry.add("", "Xor", {7}, logic<dlg::BitwiseXorOp>(2));
  registry.add("", "Not", {1}, logic<dlg::BitwiseNotOp>(1));
  registry.add("", "BitwiseAnd", {18}, binary<dlg::BitwiseAndOp>());
  registry.add("", "BitwiseOr", {18}, binary<dlg::BitwiseOrOp>());
  registry.add("", "BitwiseXor", {18}, binary<dlg::BitwiseXorOp>());
  registry.add("", "BitwiseNot", {18}, unary<dlg::BitwiseNotOp>(false));
  registry.add("", "BitShift", {11}, bitShift);
  registry.add("", "Mod", {10, 13}, mod);

  registry.add("", "Floor", {1, 6, 13}, unary<dlg::FloorOp>(true));
  registry.add("", "Ceil", {1, 6, 13}, unary<dlg::CeilOp>(true));
  registry.add("", "Round", {11, 22}, unary<dlg::RoundOp>(true));
  registry.add("", "Sign", {9, 13}, unary<dlg::SignOp>(false));
  registry.add("", "Reciprocal", {1, 6, 13}, reciprocal);
  registry.add("", "Sin", {7, 22}, unary<dlg::SinOp>(true));
  registry.add("", "Cos", {7, 22}, unary<dlg::CosOp>(true));
  registry.add("", "Tan", {7, 22}, unary<dlg::TanOp>(true));
  registry.add("", "Asin", {7, 22}, unary<dlg::AsinOp>(true));
  registry.add("", "Acos", {7, 22}, unary<dlg::AcosOp>(true));
  registry.add("", "Atan", {7, 22}, unary<dlg::AtanOp>(true));
  registry.add("", "Sinh", {9, 22}, unary<dlg::SinhOp>(true));
  registry.add("", "Cosh", {9, 22}, unary<dlg::CoshOp>(true));
  registry.add("", "Asinh", {9, 22}, unary<dlg::AsinhOp>(true));
  registry.add("", "Acosh", {9, 22}, unary<dlg::AcoshOp>(true));
  registry.add("", "Atanh", {9, 22}, unary<dlg::AtanhOp>(true));
  registry.add("", "IsNaN", {9, 13, 20}, isNaN);
  registry.add("", "IsInf", {10, 20}, isInf);

  registry.add("", "Elu", {1, 6, 22}, elu);
  registry.add("", "Selu", {1, 6, 22}, selu);
  registry.add("", "Celu", {12}, celu);
  registry.add("", "Softplus", {1, 22}, softplus);
  registry.add("", "Softsign", {1, 22}, softsign);
  registry.add("", "HardSigmoid", {1, 6, 22}, hardSigmoid);
  registry.add("", "HardSwish", {14, 22}, hardSwish);
  registry.add("", "ThresholdedRelu", {10, 22}, thresholdedRelu);
  registry.add("", "Shrink", {9}, shrink);
  registry.add("", "Mish", {18, 22}, mish);
  registry.add("", "Swish", {24}, swish);
  registry.add("", "PRelu", {1, 6, 7, 9, 16}, prelu);
  registry.add("", "Sum", {1, 6, 8, 13}, sum);
  registry.add("", "Mean", {1, 6, 8, 13}, mean);
}

} // namespace dlc::onnx
