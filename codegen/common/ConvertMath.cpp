//===- ConvertMath.cpp - dlg math ops -> linalg -------------------------===//
//
// Comparisons, bitwise ops, remainders and float functions of DlgMathOps.td,
// each as one elementwise linalg.generic with a scalar arith/math body.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dlc {
namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// A comparison: ordered float predicate, signed or unsigned integer one.
template <typename OpTy, arith::CmpFPredicate FloatPred,
          arith::CmpIPredicate SignedPred, arith::CmpIPredicate UnsignedPred>
struct ComparePattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    if (isFloat(args[0]))
      return arith::CmpFOp::create(b, loc, FloatPred, args[0], args[1]);
    return arith::CmpIOp::create(b, loc,
                                 op.getIsUnsigned() ? UnsignedPred : SignedPred,
                                 args[0], args[1]);
  }
};

template <typename OpTy, typename ArithOp>
struct IntBinaryPattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return ArithOp::create(b, loc, args[0], args[1]);
  }
};

struct BitwiseNotPattern : ElementwisePattern<dlg::BitwiseNotOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::BitwiseNotOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Type type = args[0].getType();
    Value allOnes = arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(type,
                         APInt::getAllOnes(type.getIntOrFloatBitWidth())));
    return arith::XOrIOp::create(b, loc, args[0], allOnes);
  }
};

/// Shifts by at least the bit width are poison in arith; they shift every
/// bit out instead (amounts are unsigned).
Value shift(OpBuilder &b, Location loc, Value value, Value amount, bool left,
            bool isUnsigned) {
  Type type = value.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  Value widthValue = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, APInt(width, width)));
  Value tooFar = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                       amount, widthValue);
  if (!left && !isUnsigned) {
    // Arithmetic shift by width - 1 already fills every bit with the sign.
    Value last = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, APInt(width, width - 1)));
    Value clamped = arith::SelectOp::create(b, loc, tooFar, last, amount);
    return arith::ShRSIOp::create(b, loc, value, clamped);
  }
  Value zero = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, APInt::getZero(width)));
  Value safe = arith::SelectOp::create(b, loc, tooFar, zero, amount);
  Value shifted = left ? Value(arith::ShLIOp::create(b, loc, value, safe))
                       : Value(arith::ShRUIOp::create(b, loc, value, safe));
  return arith::SelectOp::create(b, loc, tooFar, zero, shifted);
}

struct ShiftLeftPattern : ElementwisePattern<dlg::ShiftLeftOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::ShiftLeftOp, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return shift(b, loc, args[0], args[1], /*left=*/true, /*isUnsigned=*/true);
  }
};

struct ShiftRightPattern : ElementwisePattern<dlg::ShiftRightOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::ShiftRightOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return shift(b, loc, args[0], args[1], /*left=*/false, op.getIsUnsigned());
  }
};

struct ModPattern : ElementwisePattern<dlg::ModOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::ModOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Value lhs = args[0], rhs = args[1];
    Type type = lhs.getType();
    Value rem;
    if (isFloat(lhs)) {
      rem = arith::RemFOp::create(b, loc, lhs, rhs);
      if (op.getFmod())
        return rem;
      Value zero = scalarConstant(b, loc, type, 0);
      // Floored: a non-zero remainder whose sign differs from rhs moves by rhs.
      Value nonZero =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, rem, zero);
      Value remNeg =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rem, zero);
      Value rhsNeg =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rhs, zero);
      Value differ = arith::XOrIOp::create(b, loc, remNeg, rhsNeg);
      Value adjust = arith::AndIOp::create(b, loc, nonZero, differ);
      // A zero remainder takes the sign of rhs too (numpy: mod(0, -2) = -0).
      Value isZero =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, rem, zero);
      Value signedZero = arith::SelectOp::create(
          b, loc, isZero, math::CopySignOp::create(b, loc, rem, rhs), rem);
      return arith::SelectOp::create(
          b, loc, adjust, arith::AddFOp::create(b, loc, rem, rhs), signedZero);
    }
    // rem by 0 is undefined and INT_MIN rem -1 overflows; both give 0, as a
    // rem by 1 does.
    Value zero = scalarConstant(b, loc, type, 0);
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs, zero);
    if (op.getIsUnsigned()) {
      Value safe = arith::SelectOp::create(
          b, loc, isZero, scalarConstant(b, loc, type, 1), rhs);
      return arith::RemUIOp::create(b, loc, lhs, safe);
    }
    Value isMinusOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs,
                              scalarConstant(b, loc, type, -1));
    Value special = arith::OrIOp::create(b, loc, isZero, isMinusOne);
    Value safe = arith::SelectOp::create(b, loc, special,
                                         scalarConstant(b, loc, type, 1), rhs);
    rem = arith::RemSIOp::create(b, loc, lhs, safe);
    if (op.getFmod())
      return rem;
    Value nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
    Value remNeg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
    Value rhsNeg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, safe, zero);
    Value differ = arith::XOrIOp::create(b, loc, remNeg, rhsNeg);
    Value adjust = arith::AndIOp::create(b, loc, nonZero, differ);
    return arith::SelectOp::create(
        b, loc, adjust, arith::AddIOp::create(b, loc, rem, safe), rem);
  }
};

struct SignPattern : ElementwisePattern<dlg::SignOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::SignOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    Value x = args[0];
    Type type = x.getType();
    if (type.isInteger(1))
      return x;
    Value zero = scalarConstant(b, loc, type, 0);
    Value one = scalarConstant(b, loc, type, 1);
    if (op.getIsUnsigned()) {
      Value nonZero =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
      return arith::SelectOp::create(b, loc, nonZero, one, zero);
    }
    Value minusOne = scalarConstant(b, loc, type, -1);
    Value positive, negative;
    if (isFloat(x)) {
      positive =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
      negative =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
      // Zeros (either sign) become +0; NaN falls through unchanged.
      Value isZero =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, zero);
      x = arith::SelectOp::create(b, loc, isZero, zero, x);
    } else {
      positive =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
      negative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    }
    Value result = arith::SelectOp::create(b, loc, negative, minusOne, x);
    return arith::SelectOp::create(b, loc, positive, one, result);
  }
};

/// Float functions that map to one math op.
template <typename OpTy, typename MathOp>
struct MathUnaryPattern : ElementwisePattern<OpTy> {
  using ElementwisePattern<OpTy>::ElementwisePattern;
  Value scalar(OpTy, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return MathOp::create(b, loc, args[0]);
  }
};

} // namespace

void populateMathLoweringPatterns(RewritePatternSet &patterns) {
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  MLIRContext *ctx = patterns.getContext();
  patterns
      .add<ComparePattern<dlg::EqualOp, FP::OEQ, IP::eq, IP::eq>,
           ComparePattern<dlg::LessOp, FP::OLT, IP::slt, IP::ult>,
           ComparePattern<dlg::LessEqualOp, FP::OLE, IP::sle, IP::ule>,
           ComparePattern<dlg::GreaterOp, FP::OGT, IP::sgt, IP::ugt>,
           ComparePattern<dlg::GreaterEqualOp, FP::OGE, IP::sge, IP::uge>,
           IntBinaryPattern<dlg::BitwiseAndOp, arith::AndIOp>,
           IntBinaryPattern<dlg::BitwiseOrOp, arith::OrIOp>,
           IntBinaryPattern<dlg::BitwiseXorOp, arith::XOrIOp>,
           BitwiseNotPattern, ShiftLeftPattern, ShiftRightPattern, ModPattern,
           SignPattern, MathUnaryPattern<dlg::FloorOp, math::FloorOp>,
           MathUnaryPattern<dlg::CeilOp, math::CeilOp>,
           MathUnaryPattern<dlg::RoundOp, math::RoundEvenOp>,
           MathUnaryPattern<dlg::SinOp, math::SinOp>,
           MathUnaryPattern<dlg::CosOp, math::CosOp>,
           MathUnaryPattern<dlg::TanOp, math::TanOp>,
           MathUnaryPattern<dlg::AsinOp, math::AsinOp>,
           MathUnaryPattern<dlg::AcosOp, math::AcosOp>,
           MathUnaryPattern<dlg::AtanOp, math::AtanOp>,
           MathUnaryPattern<dlg::SinhOp, math::SinhOp>,
           MathUnaryPattern<dlg::CoshOp, math::CoshOp>,
           MathUnaryPattern<dlg::AsinhOp, math::AsinhOp>,
           MathUnaryPattern<dlg::AcoshOp, math::AcoshOp>,
           MathUnaryPattern<dlg::AtanhOp, math::AtanhOp>>(ctx);
}

} // namespace dlc
