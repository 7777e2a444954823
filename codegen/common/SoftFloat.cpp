//===- SoftFloat.cpp - Float conversions LLVM cannot lower ----------------===//

#include "codegen/common/SoftFloat.h"
#include "codegen/common/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;

namespace dlc {

int64_t SmallFloat::maxBits() const {
  switch (kind) {
  case IEEE: // all-ones exponent is inf/NaN
    return (((1 << exp) - 2) << man) | ((1 << man) - 1);
  case FN: // only S.1111.111 is NaN
    return (1 << (exp + man)) - 2;
  default:
    return (1 << (exp + man)) - 1;
  }
}

int64_t SmallFloat::nanBits() const {
  switch (kind) {
  case IEEE:
    return (((1 << exp) - 1) << man) | (1 << (man - 1));
  case FN:
    return (1 << (exp + man)) - 1;
  default: // FNUZ: negative zero; float4 (no NaN): -0 as ml_dtypes does
    return 1 << (exp + man);
  }
}

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

} // namespace dlc
