//===- IndexingBuilders.h - dlg building blocks for ONNX handlers -*- C++
//-*-===//
//
// Small builders shared by the shape construction, indexing and Einsum
// handlers: constants, reshapes, slices, broadcasts and integer index
// arithmetic. Each returns failure after the node diagnostic was emitted.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_INDEXINGBUILDERS_H
#define DLC_FRONTENDS_ONNX_HANDLERS_INDEXINGBUILDERS_H

#include "frontends/onnx/ImportContext.h"

namespace dlc::onnx {
namespace builders {

inline mlir::RankedTensorType typeOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType());
}

/// A scalar attribute of `type` holding `value` (integers wrap).
mlir::TypedAttr scalarAttr(mlir::Type type, double value);
/// A constant of `shape` whose elements are all `value`.
mlir::Value splat(NodeContext &ctx, llvm::ArrayRef<int64_t> shape,
                  mlir::Type elementType, double value);
/// A constant holding `values` converted to `elementType`.
mlir::Value constantOf(NodeContext &ctx, llvm::ArrayRef<int64_t> shape,
                       mlir::Type elementType, llvm::ArrayRef<double> values);
/// An i64 constant whose values are also recorded as known ints.
mlir::Value intConstant(NodeContext &ctx, llvm::ArrayRef<int64_t> values,
                        llvm::ArrayRef<int64_t> shape);
/// The elements of `value` as doubles when it is a dlg.constant.
std::optional<llvm::SmallVector<double>> constantDoubles(mlir::Value value);

mlir::FailureOr<mlir::Value> reshapeTo(NodeContext &ctx, mlir::Value input,
                                       llvm::ArrayRef<int64_t> shape);
mlir::FailureOr<mlir::Value> transposeBy(NodeContext &ctx, mlir::Value input,
                                         llvm::ArrayRef<int64_t> perm);
/// `size` elements of `axis` from `start` by `step`; other dims whole.
mlir::FailureOr<mlir::Value> sliceAxis(NodeContext &ctx, mlir::Value input,
                                       int64_t axis, int64_t start,
                                       int64_t size, int64_t step = 1);
mlir::FailureOr<mlir::Value> concatAxis(NodeContext &ctx,
                                        mlir::ValueRange inputs, int64_t axis);
/// numpy-broadcasts `input` with `shape` (ONNX Expand).
mlir::FailureOr<mlir::Value> broadcastTo(NodeContext &ctx, mlir::Value input,
                                         llvm::ArrayRef<int64_t> shape);

/// Integer ops on i64 tensors for index computations.
template <typename OpTy>
mlir::FailureOr<mlir::Value> binary(NodeContext &ctx,
                                    mlir::FailureOr<mlir::Value> lhs,
                                    mlir::FailureOr<mlir::Value> rhs) {
  if (mlir::failed(lhs) || mlir::failed(rhs))
    return mlir::failure();
  return ctx.create<OpTy>({*lhs, *rhs});
}

/// 1 where the i64 `value` is >= 1, else 0 (comparisons as arithmetic).
mlir::FailureOr<mlir::Value> positive(NodeContext &ctx,
                                      mlir::FailureOr<mlir::Value> value);
/// `value` != 0 as i1.
mlir::FailureOr<mlir::Value> toBool(NodeContext &ctx,
                                    mlir::FailureOr<mlir::Value> value);

} // namespace builders

void registerShapeConstructionHandlers(OpRegistry &registry);
mlir::LogicalResult importEinsum(NodeContext &ctx,
                                 llvm::SmallVectorImpl<mlir::Value> &results);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_HANDLERS_INDEXINGBUILDERS_H
