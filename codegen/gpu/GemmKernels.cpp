//===- GemmKernels.cpp - Helpers shared by the GEMM kernel builders -------===//

#include "codegen/gpu/GemmKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace dlc {

Value IndexMath::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}
Value IndexMath::add(Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value IndexMath::mul(Value x, int64_t y) {
  return arith::MulIOp::create(b, loc, x, index(y));
}
Value IndexMath::div(Value x, int64_t y) {
  return arith::DivUIOp::create(b, loc, x, index(y));
}
Value IndexMath::rem(Value x, int64_t y) {
  return arith::RemUIOp::create(b, loc, x, index(y));
}

Value collapseTo(OpBuilder &b, Location loc, Value value, int64_t rank) {
  auto type = cast<MemRefType>(value.getType());
  if (type.getRank() == rank)
    return value;
  ReassociationIndices leading;
  for (int64_t d = 0; d + rank - 1 < type.getRank(); ++d)
    leading.push_back(d);
  SmallVector<ReassociationIndices> groups = {leading};
  if (rank == 2)
    groups.push_back({type.getRank() - 1});
  return memref::CollapseShapeOp::create(b, loc, value, groups);
}

Value applyEpilogue(OpBuilder &b, Location loc, Value sums, Value c,
                    ValueRange cIndices, Value row, Value col,
                    const KernelEpilogue &epilogue) {
  auto vectorType = dyn_cast<VectorType>(sums.getType());
  // Reads `count` consecutive elements, or one broadcast to the vector.
  auto read = [&](Value memref, ValueRange indices, bool consecutive) {
    if (!vectorType)
      return Value(memref::LoadOp::create(b, loc, memref, indices));
    // C, its residual and a column bias have rows of a multiple of 4
    // floats in 16-byte aligned buffers: the vector is aligned.
    if (consecutive)
      return Value(vector::LoadOp::create(
          b, loc, vectorType, memref, indices, /*nontemporal=*/false,
          llvm::Align(vectorType.getNumElements() * 4)));
    return Value(vector::BroadcastOp::create(
        b, loc, vectorType, memref::LoadOp::create(b, loc, memref, indices)));
  };
  bool integer = isa<IntegerType>(getElementTypeOrSelf(sums.getType()));
  auto add = [&](Value x) {
    sums = integer ? Value(arith::AddIOp::create(b, loc, sums, x))
                   : Value(arith::AddFOp::create(b, loc, sums, x));
  };
  if (epilogue.accumulate)
    add(read(c, cIndices, true));
  if (epilogue.bias) {
    bool byRow = epilogue.biasMode == BiasMode::kRow;
    add(read(epilogue.bias, {byRow ? row : col}, !byRow));
  }
  if (epilogue.residual)
    add(read(epilogue.residual, cIndices, true));
  // maximumf/minimumf keep NaN, like the consumer they replace.
  auto bound = [&](float value) {
    Type f32 = b.getF32Type();
    if (!vectorType)
      return Value(
          arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, value)));
    return Value(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, b.getFloatAttr(f32, value))));
  };
  if (epilogue.lo)
    sums = arith::MaximumFOp::create(b, loc, sums, bound(*epilogue.lo));
  if (epilogue.hi)
    sums = arith::MinimumFOp::create(b, loc, sums, bound(*epilogue.hi));
  return sums;
}

} // namespace dlc
