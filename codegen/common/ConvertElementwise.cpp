//===- ConvertElementwise.cpp - dlg elementwise ops -> linalg.generic -----===//

#include "codegen/common/LoweringUtils.h"
#include "codegen/common/SoftFloat.h"
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
