//===- DlgIndexingOps.cpp - Type inference of DlgIndexingOps.td -----------===//
//
// The inference functions double as verifiers: they state the dimensions
// that do not fit.
//
//===----------------------------------------------------------------------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc::dlg;

namespace {

RankedTensorType rankedType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

LogicalResult checkReduction(std::optional<Location> loc, StringRef reduction) {
  if (llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return success();
  return emitOptionalError(loc, "reduction '", reduction,
                           "' is not one of none, add, mul, max, min");
}

LogicalResult checkSameElementType(std::optional<Location> loc, Value data,
                                   Value updates) {
  Type expected = rankedType(data).getElementType();
  Type actual = rankedType(updates).getElementType();
  if (expected == actual)
    return success();
  return emitOptionalError(loc, "expects updates of element type ", expected,
                           " but got ", actual);
}

/// GatherElements and ScatterElements: `indices` has the rank of `data`, and
/// its dims other than `axis` fit in those of `data`. Returns the axis.
FailureOr<int64_t> checkElementsIndices(std::optional<Location> loc,
                                        RankedTensorType data,
                                        RankedTensorType indices,
                                        int64_t axis) {
  int64_t rank = data.getRank();
  std::optional<int64_t> normalized = normalizeAxis(axis, rank);
  if (!normalized)
    return emitOptionalError(loc, "axis ", axis, " is out of range [", -rank,
                             ", ", rank - 1, "]");
  if (indices.getRank() != rank)
    return emitOptionalError(loc, "expects indices of rank ", rank, " but got ",
                             indices.getRank());
  for (int64_t d = 0; d < rank; ++d) {
    if (d != *normalized && indices.getDimSize(d) > data.getDimSize(d))
      return emitOptionalError(loc, "indices dim ", d, " is ",
                               indices.getDimSize(d), " but data dim ", d,
                               " is only ", data.getDimSize(d));
  }
  if (data.getDimSize(*normalized) == 0 && indices.getNumElements() > 0)
    return emitOptionalError(loc, "cannot index the empty axis ", *normalized);
  return *normalized;
}

/// GatherND and ScatterND: the tuple length k = indices.shape[-1] addresses
/// dims [batchDims, batchDims + k) of `data`. Returns k.
FailureOr<int64_t> checkTupleIndices(std::optional<Location> loc,
                                     RankedTensorType data,
                                     RankedTensorType indices,
                                     int64_t batchDims) {
  if (indices.getRank() < 1)
    return emitOptionalError(loc, "expects indices of rank >= 1");
  if (batchDims < 0 || batchDims >= indices.getRank() ||
      batchDims >= data.getRank())
    return emitOptionalError(loc, "batch_dims ", batchDims, " must be in [0, ",
                             std::min(indices.getRank(), data.getRank()) - 1,
                             "]");
  for (int64_t d = 0; d < batchDims; ++d)
    if (indices.getDimSize(d) != data.getDimSize(d))
      return emitOptionalError(loc, "batch dim ", d, " is ",
                               indices.getDimSize(d), " in indices but ",
                               data.getDimSize(d), " in data");
  int64_t k = indices.getShape().back();
  if (k < 1 || batchDims + k > data.getRank())
    return emitOptionalError(loc, "index tuples of length ", k,
                             " do not fit data of rank ", data.getRank(),
                             " after ", batchDims, " batch dims");
  for (int64_t d = batchDims; d < batchDims + k; ++d)
    if (data.getDimSize(d) == 0 && indices.getNumElements() > 0)
      return emitOptionalError(loc, "cannot index the empty dim ", d);
  return k;
}

} // namespace

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  if (failed(checkElementsIndices(loc, data, indices, adaptor.getAxis())))
    return failure();
  types.push_back(
      RankedTensorType::get(indices.getShape(), data.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  int64_t batchDims = adaptor.getBatchDims();
  FailureOr<int64_t> k = checkTupleIndices(loc, data, indices, batchDims);
  if (failed(k))
    return failure();
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(batchDims + *k));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult
ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  RankedTensorType updates = rankedType(adaptor.getUpdates());
  if (failed(checkReduction(loc, adaptor.getReduction())) ||
      failed(
          checkSameElementType(loc, adaptor.getData(), adaptor.getUpdates())) ||
      failed(checkElementsIndices(loc, data, indices, adaptor.getAxis())))
    return failure();
  if (updates.getShape() != indices.getShape())
    return emitOptionalError(loc, "expects updates of the indices shape ",
                             indices, " but got ", updates);
  types.push_back(data);
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  RankedTensorType updates = rankedType(adaptor.getUpdates());
  if (failed(checkReduction(loc, adaptor.getReduction())) ||
      failed(
          checkSameElementType(loc, adaptor.getData(), adaptor.getUpdates())))
    return failure();
  FailureOr<int64_t> k = checkTupleIndices(loc, data, indices, 0);
  if (failed(k))
    return failure();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(*k));
  if (updates.getShape() != ArrayRef<int64_t>(expected))
    return emitOptionalError(
        loc, "expects updates of shape indices.shape[:-1] + data.shape[", *k,
        ":] = ", RankedTensorType::get(expected, updates.getElementType()),
        " but got ", updates);
  types.push_back(data);
  return success();
}
