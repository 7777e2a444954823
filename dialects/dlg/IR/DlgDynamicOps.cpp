//===- DlgDynamicOps.cpp - Types and verifiers of DlgDynamicOps.td --------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc::dlg;

LogicalResult DimOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t dim = adaptor.getDim();
  if (dim < 0 || dim >= input.getRank())
    return emitOptionalError(loc, "dim ", dim, " is out of range [0, ",
                             input.getRank() - 1, "] of ", input);
  types.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  return success();
}

OpFoldResult DimOp::fold(FoldAdaptor) {
  int64_t size = getInput().getType().getDimSize(getDim());
  if (ShapedType::isDynamic(size))
    return {};
  return DenseElementsAttr::get(getType(), ArrayRef<int64_t>{size});
}

LogicalResult DynamicReshapeOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType shape = getShape().getType();
  RankedTensorType output = getType();
  if (input.getElementType() != output.getElementType())
    return emitOpError("expects the input element type ")
           << input.getElementType() << " but the result has "
           << output.getElementType();
  if (shape.isDynamicDim(0) || shape.getDimSize(0) != output.getRank())
    return emitOpError("expects a shape of ")
           << output.getRank() << " entries (the result rank) but got "
           << shape;
  if (input.hasStaticShape() && output.hasStaticShape() &&
      input.getNumElements() != output.getNumElements())
    return emitOpError("reshapes ")
           << input.getNumElements() << " elements into "
           << output.getNumElements();
  return success();
}

LogicalResult TruncateOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= input.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             input.getRank() - 1, "] of ", input);
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = ShapedType::kDynamic;
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}
