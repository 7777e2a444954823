//===- DlgReductionOps.cpp - Verifiers and type inference of DlgReductionOps.td
//===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc::dlg;

namespace {

LogicalResult axisOutOfRange(std::optional<Location> loc, int64_t axis,
                             int64_t rank) {
  return emitOptionalError(loc, "axis ", axis, " is out of range [", -rank,
                           ", ", rank - 1, "]");
}

/// The shape of `input` without (or with size 1 at) `axis`, as i64.
LogicalResult inferArgReduceType(std::optional<Location> loc, Value input,
                                 int64_t axis, bool keepDims,
                                 SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(input.getType());
  std::optional<int64_t> dim = normalizeAxis(axis, type.getRank());
  if (!dim)
    return axisOutOfRange(loc, axis, type.getRank());
  if (type.getDimSize(*dim) == 0)
    return emitOptionalError(loc,
                             "cannot take the position of an element "
                             "along the empty axis ",
                             *dim);
  SmallVector<int64_t> shape(type.getShape());
  if (keepDims)
    shape[*dim] = 1;
  else
    shape.erase(shape.begin() + *dim);
  types.push_back(
      RankedTensorType::get(shape, IntegerType::get(input.getContext(), 64)));
  return success();
}

LogicalResult verifyAxis(Operation *op, int64_t axis) {
  int64_t rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
  if (!normalizeAxis(axis, rank))
    return op->emitOpError("axis ")
           << axis << " is out of range [" << -rank << ", " << rank - 1 << "]";
  return success();
}

} // namespace

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferArgReduceType(loc, adaptor.getInput(), adaptor.getAxis(),
                            adaptor.getKeepdims(), types);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferArgReduceType(loc, adaptor.getInput(), adaptor.getAxis(),
                            adaptor.getKeepdims(), types);
}

LogicalResult HardmaxOp::verify() { return verifyAxis(*this, getAxis()); }
LogicalResult CumSumOp::verify() { return verifyAxis(*this, getAxis()); }
LogicalResult CumProdOp::verify() { return verifyAxis(*this, getAxis()); }

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  std::optional<int64_t> dim = normalizeAxis(adaptor.getAxis(), type.getRank());
  if (!dim)
    return axisOutOfRange(loc, adaptor.getAxis(), type.getRank());
  int64_t k = adaptor.getK(), size = type.getDimSize(*dim);
  if (k < 0 || (!ShapedType::isDynamic(size) && k > size))
    return emitOptionalError(loc, "k = ", k, " is out of range [0, ", size,
                             "] of axis ", *dim);
  SmallVector<int64_t> shape(type.getShape());
  shape[*dim] = k;
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  types.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult LpPoolOp::verify() {
  if (getP() < 1)
    return emitOpError("expects p >= 1 but got ") << getP();
  return success();
}

LogicalResult MaxPoolIndicesOp::inferReturnTypes(MLIRContext *ctx,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  SmallVector<Type> pooled;
  if (failed(inferPoolType(loc, adaptor.getInput(), adaptor.getKernelShape(),
                           adaptor.getStrides(), adaptor.getPads(),
                           adaptor.getDilations(), adaptor.getCeilMode(),
                           pooled)))
    return failure();
  types.push_back(
      RankedTensorType::get(cast<RankedTensorType>(pooled.front()).getShape(),
                            IntegerType::get(ctx, 64)));
  return success();
}
