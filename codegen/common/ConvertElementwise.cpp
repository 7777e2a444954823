//===- ConvertElementwise.cpp - dlg elementwise ops -> linalg.generic -----===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/APSInt.h"

#include <cmath>

using namespace mlir;

namespace dlc {
namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `value` as an unsigned integer constant of `type`, saturated to its range.
Value unsignedConstant(OpBuilder &b, Location loc, Type type, double value) {
  unsigned width = type.getIntOrFloatBitWidth();
  APSInt integer(width, /*isUnsigned=*/true);
  bool isExact = false;
  APFloat::opStatus status =
      APFloat(value).convertToInteger(integer, APFloat::rmTowardZero, &isExact);
  if ((status & APFloat::opInvalidOp) && !std::isnan(value))
    integer = value < 0 ? APSInt::getMinValue(width, true)
                        : APSInt::getMaxValue(width, true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, integer));
}

/// Lowers an elementwise op by giving the scalar body for its operands.
template <typename OpTy> struct ElementwisePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  virtual Value scalar(OpTy op, OpBuilder &b, Location loc,
                       ValueRange args) const = 0;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result =
        buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands(),
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return scalar(op, b, loc, args);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Binary ops with one float and one (signed) integer arith op.
template <typename OpTy, typename FloatOp, typename IntOp>
struct ArithBinaryPattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return FloatOp::create(b, loc, args[0], args[1]);
    return IntOp::create(b, loc, args[0], args[1]);
  }
};

/// Binary ops with a float, a signed and an unsigned integer arith op.
template <typename OpTy, typename FloatOp, typename SIntOp, typename UIntOp>
struct SignedBinaryPattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return FloatOp::create(b, loc, args[0], args[1]);
    if (op.getIsUnsigned())
      return UIntOp::create(b, loc, args[0], args[1]);
    return SIntOp::create(b, loc, args[0], args[1]);
  }
};

/// Integer division never traps: x / 0 is 0 and INT_MIN / -1 wraps.
struct DivPattern : ElementwisePattern<dlg::DivOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::DivOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return arith::DivFOp::create(b, loc, args[0], args[1]);
    Type type = args[0].getType();
    Value zero = scalarConstant(b, loc, type, 0);
    if (op.getIsUnsigned()) {
      // x / 0 gives 0: divui traps on it.
      Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           args[1], zero);
      Value divisor = arith::SelectOp::create(
          b, loc, isZero, scalarConstant(b, loc, type, 1), args[1]);
      Value quotient = arith::DivUIOp::create(b, loc, args[0], divisor);
      return arith::SelectOp::create(b, loc, isZero, zero, quotient);
    }
    // x / 0 gives 0 and x / -1 negates (INT_MIN wraps): idiv traps on both.
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, args[1], zero);
    Value isMinusOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, args[1],
                              scalarConstant(b, loc, type, -1));
    Value special = arith::OrIOp::create(b, loc, isZero, isMinusOne);
    Value divisor = arith::SelectOp::create(
        b, loc, special, scalarConstant(b, loc, type, 1), args[1]);
    Value quotient = arith::DivSIOp::create(b, loc, args[0], divisor);
    Value negated = arith::SubIOp::create(b, loc, zero, args[0]);
    quotient = arith::SelectOp::create(b, loc, isMinusOne, negated, quotient);
    return arith::SelectOp::create(b, loc, isZero, zero, quotient);
  }
};

struct PowPattern : ElementwisePattern<dlg::PowOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::PowOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return math::PowFOp::create(b, loc, args[0], args[1]);
    return math::IPowIOp::create(b, loc, args[0], args[1]);
  }
};

/// Float-only unary ops that map to one math op.
template <typename OpTy, typename MathOp>
struct MathUnaryPattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return MathOp::create(b, loc, args[0]);
  }
};

struct ReluPattern : ElementwisePattern<dlg::ReluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::ReluOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return createMax(b, loc, args[0],
                     scalarConstant(b, loc, args[0].getType(), 0));
  }
};

struct NegPattern : ElementwisePattern<dlg::NegOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::NegOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return arith::NegFOp::create(b, loc, args[0]);
    return arith::SubIOp::create(
        b, loc, scalarConstant(b, loc, args[0].getType(), 0), args[0]);
  }
};

struct AbsPattern : ElementwisePattern<dlg::AbsOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::AbsOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return math::AbsFOp::create(b, loc, args[0]);
    return math::AbsIOp::create(b, loc, args[0]);
  }
};

struct SigmoidPattern : ElementwisePattern<dlg::SigmoidOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::SigmoidOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Type type = args[0].getType();
    Value negated = arith::NegFOp::create(b, loc, args[0]);
    Value denominator =
        arith::AddFOp::create(b, loc, scalarConstant(b, loc, type, 1),
                              math::ExpOp::create(b, loc, negated));
    return arith::DivFOp::create(b, loc, scalarConstant(b, loc, type, 1),
                                 denominator);
  }
};

struct LeakyReluPattern : ElementwisePattern<dlg::LeakyReluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::LeakyReluOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Type type = args[0].getType();
    Value scaled = arith::MulFOp::create(
        b, loc, args[0],
        scalarConstant(b, loc, type, op.getAlpha().convertToDouble()));
    Value negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, args[0],
                              scalarConstant(b, loc, type, 0));
    return arith::SelectOp::create(b, loc, negative, scaled, args[0]);
  }
};

struct GeluPattern : ElementwisePattern<dlg::GeluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::GeluOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Value x = args[0];
    Type type = x.getType();
    auto cst = [&](double v) { return scalarConstant(b, loc, type, v); };
    Value inner;
    if (op.getApproximate()) {
      // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
      Value cube =
          arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
      Value sum = arith::AddFOp::create(
          b, loc, x, arith::MulFOp::create(b, loc, cube, cst(0.044715)));
      inner = math::TanhOp::create(
          b, loc, arith::MulFOp::create(b, loc, sum, cst(0.7978845608028654)));
    } else {
      inner = math::ErfOp::create(
          b, loc, arith::MulFOp::create(b, loc, x, cst(0.7071067811865476)));
    }
    Value onePlus = arith::AddFOp::create(b, loc, cst(1), inner);
    return arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, cst(0.5)), onePlus);
  }
};

struct ClipPattern : ElementwisePattern<dlg::ClipOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::ClipOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Value x = args[0];
    Type type = x.getType();
    bool isF = isFloat(x);
    bool isU = !isF && op.getIsUnsigned();
    auto bound = [&](APFloat value) {
      return isU ? unsignedConstant(b, loc, type, value.convertToDouble())
                 : scalarConstant(b, loc, type, value.convertToDouble());
    };
    if (auto min = op.getMin()) {
      Value lo = bound(*min);
      x = isF   ? Value(arith::MaximumFOp::create(b, loc, x, lo))
          : isU ? Value(arith::MaxUIOp::create(b, loc, x, lo))
                : Value(arith::MaxSIOp::create(b, loc, x, lo));
    }
    if (auto max = op.getMax()) {
      Value hi = bound(*max);
      x = isF   ? Value(arith::MinimumFOp::create(b, loc, x, hi))
          : isU ? Value(arith::MinUIOp::create(b, loc, x, hi))
                : Value(arith::MinSIOp::create(b, loc, x, hi));
    }
    return x;
  }
};

struct WherePattern : ElementwisePattern<dlg::WhereOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::WhereOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
  }
};

/// A float8 or float4 format. LLVM has no such types, so conversions are
/// done here on the bits (round to nearest even, as ml_dtypes and ONNX do).
struct SmallFloat {
  enum Kind { IEEE, FN, FNUZ, Finite } kind;
  unsigned exp, man;
  int bias;

  unsigned width() const { return 1 + exp + man; }
  int64_t maxBits() const {
    switch (kind) {
    case IEEE: // all-ones exponent is inf/NaN
      return (((1 << exp) - 2) << man) | ((1 << man) - 1);
    case FN: // only S.1111.111 is NaN
      return (1 << (exp + man)) - 2;
    default:
      return (1 << (exp + man)) - 1;
    }
  }
  int64_t nanBits() const {
    switch (kind) {
    case IEEE:
      return (((1 << exp) - 1) << man) | (1 << (man - 1));
    case FN:
      return (1 << (exp + man)) - 1;
    default: // FNUZ: negative zero; float4 (no NaN): -0 as ml_dtypes does
      return 1 << (exp + man);
    }
  }
};

std::optional<SmallFloat> smallFloat(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return SmallFloat{SmallFloat::FN, 4, 3, 7};
  if (isa<Float8E4M3FNUZType>(type))
    return SmallFloat{SmallFloat::FNUZ, 4, 3, 8};
  if (isa<Float8E5M2Type>(type))
    return SmallFloat{SmallFloat::IEEE, 5, 2, 15};
  if (isa<Float8E5M2FNUZType>(type))
    return SmallFloat{SmallFloat::FNUZ, 5, 2, 16};
  if (isa<Float4E2M1FNType>(type))
    return SmallFloat{SmallFloat::Finite, 2, 1, 1};
  return std::nullopt;
}

/// Encodes an f32 as `format` (bits in an i32). Out-of-range values
/// saturate to the largest finite value when `saturate` (always for float4),
/// else become inf (IEEE-like formats) or NaN.
Value encodeSmallFloat(OpBuilder &b, Location loc, Value x,
                       const SmallFloat &format, bool saturate) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  auto fcst = [&](double v) { return scalarConstant(b, loc, f32, v); };
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value sign = arith::ShRUIOp::create(b, loc, bits, cst(31));
  Value abs = arith::AndIOp::create(b, loc, bits, cst(0x7FFFFFFF));
  Value absF = arith::BitcastOp::create(b, loc, f32, abs);
  // Normal results: round the mantissa in place; a carry bumps the exponent.
  int64_t shift = 23 - format.man;
  Value odd = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, abs, cst(shift)), cst(1));
  Value roundBias =
      arith::AddIOp::create(b, loc, cst((int64_t(1) << (shift - 1)) - 1), odd);
  Value normal = arith::SubIOp::create(
      b, loc,
      arith::ShRUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, abs, roundBias), cst(shift)),
      cst(int64_t(127 - format.bias) << format.man));
  // Subnormal results: |x| in units of the smallest subnormal, rounded to
  // even by adding and subtracting 1.5 * 2^23.
  Value scaled = arith::MulFOp::create(
      b, loc, absF, fcst(std::ldexp(1.0, format.man + format.bias - 1)));
  Value magic = fcst(1.5 * std::ldexp(1.0, 23));
  Value rounded = arith::SubFOp::create(
      b, loc, arith::AddFOp::create(b, loc, scaled, magic), magic);
  Value subnormal = arith::FPToSIOp::create(b, loc, i32, rounded);
  Value isSubnormal =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, absF,
                            fcst(std::ldexp(1.0, 1 - format.bias)));
  Value magnitude =
      arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal);
  int64_t overflowBits = format.maxBits();
  if (!saturate && format.kind != SmallFloat::Finite)
    overflowBits = format.kind == SmallFloat::IEEE
                       ? ((int64_t(1) << format.exp) - 1) << format.man
                       : format.nanBits();
  Value overflow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                         magnitude, cst(format.maxBits()));
  magnitude =
      arith::SelectOp::create(b, loc, overflow, cst(overflowBits), magnitude);
  Value signBit =
      arith::ShLIOp::create(b, loc, sign, cst(format.exp + format.man));
  Value result = arith::OrIOp::create(b, loc, magnitude, signBit);
  if (format.kind == SmallFloat::FNUZ) {
    // No negative zero; NaN (from overflow) keeps its 0x80 encoding.
    Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         magnitude, cst(0));
    result = arith::SelectOp::create(b, loc, isZero, cst(0), result);
    Value isNanBits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            magnitude, cst(format.nanBits()));
    result = arith::SelectOp::create(b, loc, isNanBits, cst(format.nanBits()),
                                     result);
  }
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  return arith::SelectOp::create(b, loc, isNan, cst(format.nanBits()), result);
}

/// Decodes `format` bits (in an i32) to an f32, exactly.
Value decodeSmallFloat(OpBuilder &b, Location loc, Value bits,
                       const SmallFloat &format) {
  Type f32 = b.getF32Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  auto fcst = [&](double v) { return scalarConstant(b, loc, f32, v); };
  unsigned e = format.exp, m = format.man;
  Value sign = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, cst(e + m)), cst(1));
  Value expo = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, cst(m)), cst((1 << e) - 1));
  Value man = arith::AndIOp::create(b, loc, bits, cst((1 << m) - 1));
  Value normalBits = arith::OrIOp::create(
      b, loc,
      arith::OrIOp::create(
          b, loc, arith::ShLIOp::create(b, loc, sign, cst(31)),
          arith::ShLIOp::create(
              b, loc,
              arith::AddIOp::create(b, loc, expo, cst(127 - format.bias)),
              cst(23))),
      arith::ShLIOp::create(b, loc, man, cst(23 - m)));
  Value normal = arith::BitcastOp::create(b, loc, f32, normalBits);
  Value isNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, sign, cst(0));
  Value subMagnitude =
      arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, man),
                            fcst(std::ldexp(1.0, 1 - format.bias - int(m))));
  Value subnormal = arith::SelectOp::create(
      b, loc, isNegative, arith::NegFOp::create(b, loc, subMagnitude),
      subMagnitude);
  Value isSubnormal =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, expo, cst(0));
  Value result =
      arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal);
  Value nan = fcst(std::nan(""));
  switch (format.kind) {
  case SmallFloat::IEEE: {
    Value isSpecial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            expo, cst((1 << e) - 1));
    Value isInf =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, man, cst(0));
    Value inf = arith::SelectOp::create(b, loc, isNegative, fcst(-INFINITY),
                                        fcst(INFINITY));
    Value special = arith::SelectOp::create(b, loc, isInf, inf, nan);
    return arith::SelectOp::create(b, loc, isSpecial, special, result);
  }
  case SmallFloat::FN: {
    Value low = arith::AndIOp::create(b, loc, bits, cst((1 << (e + m)) - 1));
    Value isNan = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, low,
                                        cst(format.nanBits()));
    return arith::SelectOp::create(b, loc, isNan, nan, result);
  }
  case SmallFloat::FNUZ: {
    Value isNan = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bits,
                                        cst(format.nanBits()));
    return arith::SelectOp::create(b, loc, isNan, nan, result);
  }
  case SmallFloat::Finite:
    return result;
  }
  return result;
}

/// f32 -> bf16 rounding to nearest even on the bits: LLVM would call
/// compiler-rt's __truncsfbf2, which dlc's models do not link.
Value truncToBF16(OpBuilder &b, Location loc, Value x) {
  Type i32 = b.getI32Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value odd = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, cst(16)), cst(1));
  Value rounded = arith::AddIOp::create(
      b, loc, bits, arith::AddIOp::create(b, loc, cst(0x7FFF), odd));
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value result = arith::SelectOp::create(
      b, loc, isNan, cst(0x7FC00000),
      arith::ShLIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, rounded, cst(16)), cst(16)));
  Value high = arith::ShRUIOp::create(b, loc, result, cst(16));
  return arith::BitcastOp::create(
      b, loc, b.getBF16Type(),
      arith::TruncIOp::create(b, loc, b.getI16Type(), high));
}

/// f32 -> f8E8M0FNU (a bare exponent), rounding up as ONNX Cast's default
/// round_mode does; the sign is dropped, inf and NaN become NaN (0xFF).
Value encodeE8M0(OpBuilder &b, Location loc, Value x, bool saturate) {
  Type i32 = b.getI32Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value exponent = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, cst(23)), cst(0xFF));
  Value hasFraction = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, bits, cst(0x7FFFFF)), cst(0));
  Value isSpecial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          exponent, cst(0xFF));
  Value roundUp = hasFraction;
  if (saturate)
    roundUp = arith::AndIOp::create(
        b, loc, roundUp,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, exponent,
                              cst(0xFE)));
  Value bumped = arith::AddIOp::create(
      b, loc, exponent, arith::ExtUIOp::create(b, loc, i32, roundUp));
  Value result = arith::SelectOp::create(b, loc, isSpecial, cst(0xFF), bumped);
  return arith::BitcastOp::create(
      b, loc, b.getType<Float8E8M0FNUType>(),
      arith::TruncIOp::create(b, loc, b.getI8Type(), result));
}

/// f8E8M0FNU -> f32: 2^(e - 127); 0xFF is NaN.
Value decodeE8M0(OpBuilder &b, Location loc, Value x) {
  Type i32 = b.getI32Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value e = arith::ExtUIOp::create(
      b, loc, i32, arith::BitcastOp::create(b, loc, b.getI8Type(), x));
  Value bits = arith::ShLIOp::create(b, loc, e, cst(23));
  // e = 0 is 2^-127, an f32 subnormal; 0xFF is NaN.
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e, cst(0));
  bits = arith::SelectOp::create(b, loc, isZero, cst(0x00400000), bits);
  Value isNan =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e, cst(0xFF));
  bits = arith::SelectOp::create(b, loc, isNan, cst(0x7FC00000), bits);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

struct CastPattern : ElementwisePattern<dlg::CastOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::CastOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Value x = args[0];
    Type from = x.getType(), to = op.getTo();
    // Same bits: int8 <-> uint8 reinterprets (ONNX wraps modulo 2^N).
    if (from == to)
      return x;
    bool fromU = op.getFromUnsigned() || from.isInteger(1);
    bool toU = op.getToUnsigned();
    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    // float8/float4 go through f32, which holds all of them exactly.
    if (isa<Float8E8M0FNUType>(from))
      return scalar(op, b, loc, decodeE8M0(b, loc, x), f32, to, fromU, toU);
    if (isa<Float8E8M0FNUType>(to))
      return encodeE8M0(b, loc, scalar(op, b, loc, x, from, f32, fromU, false),
                        op.getSaturate());
    if (std::optional<SmallFloat> format = smallFloat(from)) {
      Value bits = arith::BitcastOp::create(
          b, loc, b.getIntegerType(format->width()), x);
      Value wide = decodeSmallFloat(
          b, loc, arith::ExtUIOp::create(b, loc, i32, bits), *format);
      return scalar(op, b, loc, wide, f32, to, fromU, toU);
    }
    if (std::optional<SmallFloat> format = smallFloat(to)) {
      Value wide = scalar(op, b, loc, x, from, f32, fromU, false);
      Value bits = encodeSmallFloat(b, loc, wide, *format, op.getSaturate());
      Value narrow = arith::TruncIOp::create(
          b, loc, b.getIntegerType(format->width()), bits);
      return arith::BitcastOp::create(b, loc, to, narrow);
    }
    return scalar(op, b, loc, x, from, to, fromU, toU);
  }

  /// Conversions between types LLVM knows.
  Value scalar(dlg::CastOp op, OpBuilder &b, Location loc, Value x, Type from,
               Type to, bool fromU, bool toU) const {
    if (from == to)
      return x;
    Type i32 = b.getI32Type();
    auto fromFloat = dyn_cast<FloatType>(from);
    auto toFloat = dyn_cast<FloatType>(to);
    // Float to a narrow integer (int8, uint16, int4...) goes through i64 so
    // that it wraps modulo 2^N like numpy instead of being poison.
    if (fromFloat && !toFloat && !to.isInteger(1) &&
        to.getIntOrFloatBitWidth() < 32) {
      Value wide = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
      return arith::TruncIOp::create(b, loc, to, wide);
    }
    if (toFloat && !fromFloat && !from.isInteger(1) &&
        from.getIntOrFloatBitWidth() < 8) {
      x = fromU ? Value(arith::ExtUIOp::create(b, loc, i32, x))
                : Value(arith::ExtSIOp::create(b, loc, i32, x));
      from = i32;
    }
    if (to.isInteger(1)) {
      Value zero = scalarConstant(b, loc, from, 0);
      if (fromFloat)
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                     zero);
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
    }
    if (fromFloat && to.isBF16()) {
      Type f32 = b.getF32Type();
      Value wide = fromFloat.getWidth() < 32
                       ? Value(arith::ExtFOp::create(b, loc, f32, x))
                   : fromFloat.getWidth() > 32
                       ? Value(arith::TruncFOp::create(b, loc, f32, x))
                       : x;
      return truncToBF16(b, loc, wide);
    }
    if (fromFloat && toFloat && fromFloat.getWidth() == toFloat.getWidth()) {
      // bf16 -> f16: no direct conversion; f32 holds both exactly.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (fromFloat && toFloat)
      return fromFloat.getWidth() < toFloat.getWidth()
                 ? Value(arith::ExtFOp::create(b, loc, to, x))
                 : Value(arith::TruncFOp::create(b, loc, to, x));
    if (fromFloat)
      return toU ? Value(arith::FPToUIOp::create(b, loc, to, x))
                 : Value(arith::FPToSIOp::create(b, loc, to, x));
    if (toFloat)
      return fromU ? Value(arith::UIToFPOp::create(b, loc, to, x))
                   : Value(arith::SIToFPOp::create(b, loc, to, x));
    unsigned fromWidth = from.getIntOrFloatBitWidth();
    unsigned toWidth = to.getIntOrFloatBitWidth();
    if (fromWidth < toWidth)
      return fromU ? Value(arith::ExtUIOp::create(b, loc, to, x))
                   : Value(arith::ExtSIOp::create(b, loc, to, x));
    return arith::TruncIOp::create(b, loc, to, x);
  }
};

} // namespace

void populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ArithBinaryPattern<dlg::AddOp, arith::AddFOp, arith::AddIOp>,
               ArithBinaryPattern<dlg::SubOp, arith::SubFOp, arith::SubIOp>,
               ArithBinaryPattern<dlg::MulOp, arith::MulFOp, arith::MulIOp>,
               DivPattern,
               SignedBinaryPattern<dlg::MaxOp, arith::MaximumFOp,
                                   arith::MaxSIOp, arith::MaxUIOp>,
               SignedBinaryPattern<dlg::MinOp, arith::MinimumFOp,
                                   arith::MinSIOp, arith::MinUIOp>,
               PowPattern, MathUnaryPattern<dlg::TanhOp, math::TanhOp>,
               MathUnaryPattern<dlg::ErfOp, math::ErfOp>,
               MathUnaryPattern<dlg::ExpOp, math::ExpOp>,
               MathUnaryPattern<dlg::LogOp, math::LogOp>,
               MathUnaryPattern<dlg::SqrtOp, math::SqrtOp>, ReluPattern,
               NegPattern, AbsPattern, SigmoidPattern, LeakyReluPattern,
               GeluPattern, ClipPattern, WherePattern, CastPattern>(ctx);
}

} // namespace dlc
