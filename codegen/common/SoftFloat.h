//===- SoftFloat.h - Float conversions LLVM cannot lower -------*- C++ -*-===//
//
// Scalar conversions between f32 and the float8/float4 formats, f8E8M0 and
// bf16, built from integer arith ops. LLVM has no float8/float4 types, and
// its f32 -> bf16 truncation calls compiler-rt, which dlc's models do not
// link.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_COMMON_SOFTFLOAT_H
#define DLC_CODEGEN_COMMON_SOFTFLOAT_H

#include "mlir/IR/Builders.h"

#include <optional>

namespace dlc {

/// A float8 or float4 format: sign, `exp` exponent and `man` mantissa bits.
struct SmallFloat {
  enum Kind { IEEE, FN, FNUZ, Finite } kind;
  unsigned exp, man;
  int bias;

  unsigned width() const { return 1 + exp + man; }
  /// The encoding of the largest finite magnitude.
  int64_t maxBits() const;
  /// The encoding of NaN (for float4, which has none: -0, as ml_dtypes).
  int64_t nanBits() const;
};

/// The format of f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ and f4E2M1FN.
std::optional<SmallFloat> smallFloat(mlir::Type type);

/// Encodes an f32 as `format` (bits in an i32), rounding to nearest even.
/// Out-of-range values saturate to the largest finite value when `saturate`
/// (always for float4), else become inf (IEEE-like formats) or NaN.
mlir::Value encodeSmallFloat(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, const SmallFloat &format,
                             bool saturate);
/// Decodes `format` bits (in an i32) to an f32, exactly.
mlir::Value decodeSmallFloat(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value bits, const SmallFloat &format);

/// f32 -> bf16, rounding to nearest even.
mlir::Value truncToBF16(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// f32 -> f8E8M0FNU, rounding up (ONNX Cast's default round_mode).
mlir::Value encodeE8M0(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       bool saturate);
/// f8E8M0FNU -> f32, exactly.
mlir::Value decodeE8M0(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

} // namespace dlc

#endif // DLC_CODEGEN_COMMON_SOFTFLOAT_H
