//===- LoweringUtils.cpp - Helpers for dlg -> linalg lowering -------------===//

#include "codegen/common/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <cmath>

using namespace mlir;

namespace dlc {

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType, ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, shape, elementType, dynamicSizes);
}

Value dimSize(OpBuilder &b, Location loc, Value tensor, int64_t dim) {
  int64_t size = cast<RankedTensorType>(tensor.getType()).getDimSize(dim);
  if (!ShapedType::isDynamic(size))
    return arith::ConstantIndexOp::create(b, loc, size);
  return tensor::DimOp::create(b, loc, tensor, dim);
}

SmallVector<Value> dynamicDimSizes(OpBuilder &b, Location loc, Value tensor) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(tensor.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, tensor, d));
  return sizes;
}

SmallVector<Value> dynamicSizesFromMaps(OpBuilder &b, Location loc,
                                        ArrayRef<int64_t> shape,
                                        AffineMap outMap, ValueRange operands,
                                        ArrayRef<AffineMap> maps) {
  SmallVector<Value> sizes;
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(size))
      continue;
    auto loopDim = dyn_cast<AffineDimExpr>(outMap.getResult(i));
    Value found;
    for (auto [operand, map] : llvm::zip(operands, maps)) {
      auto type = cast<RankedTensorType>(operand.getType());
      for (auto [j, expr] : llvm::enumerate(map.getResults())) {
        if (!loopDim || expr != loopDim || type.getDimSize(j) == 1)
          continue;
        found = dimSize(b, loc, operand, j);
        break;
      }
      if (found)
        break;
    }
    // Shape inference only leaves a dim dynamic when some operand's is.
    assert(found && "no operand dim gives the size of a dynamic output dim");
    sizes.push_back(found);
  }
  return sizes;
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value, ValueRange dynamicSizes) {
  Value empty = emptyTensor(b, loc, shape, value.getType(), dynamicSizes);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value) {
  Value empty = emptyTensor(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

std::optional<std::function<float(int64_t)>>
constantF32Values(Attribute value) {
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    return [data = *data](int64_t i) { return data[i]; };
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    if (dense.isSplat()) {
      float splat = dense.getSplatValue<float>();
      return [splat](int64_t) { return splat; };
    }
    auto values = dense.getValues<float>();
    return [values](int64_t i) { return values[i]; };
  }
  return std::nullopt;
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  // Saturate: a bound such as 2^63 or 1e30 must not overflow the cast.
  unsigned width = type.getIntOrFloatBitWidth();
  bool isUnsigned = width == 1;
  APSInt integer(width, isUnsigned);
  bool isExact = false;
  APFloat::opStatus status =
      APFloat(value).convertToInteger(integer, APFloat::rmTowardZero, &isExact);
  if ((status & APFloat::opInvalidOp) && !std::isnan(value))
    integer = value < 0 ? APSInt::getMinValue(width, isUnsigned)
                        : APSInt::getMaxValue(width, isUnsigned);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, integer));
}

Value lowestValue(OpBuilder &b, Location loc, Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/true)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, lowest));
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> outShape) {
  SmallVector<AffineExpr> exprs;
  size_t offset = outShape.size() - shape.size();
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (dim == 1 && outShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBuilder body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(
        broadcastMap(ctx, cast<RankedTensorType>(operand.getType()).getShape(),
                     resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  Value init = emptyTensor(
      b, loc, resultType.getShape(), resultType.getElementType(),
      dynamicSizesFromMaps(b, loc, resultType.getShape(), maps.back(),
                           operands, ArrayRef(maps).drop_back()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, operands, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<bool> reduced, bool keepDims, Value init,
                     ScalarBuilder combine) {
  MLIRContext *ctx = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamicSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (!reduced[d]) {
      shape.push_back(inputType.getDimSize(d));
      if (inputType.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    } else if (keepDims) {
      shape.push_back(1);
      outExprs.push_back(getAffineConstantExpr(0, ctx));
    }
  }
  Value accumulator = filledTensor(b, loc, shape, init, dynamicSizes);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(inputType.getRank()),
      AffineMap::get(inputType.getRank(), 0, outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, accumulator.getType(), input, accumulator, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                combine(nested, nestedLoc, args));
      });
  return generic.getResult(0);
}

Value reshapeTensor(OpBuilder &b, Location loc, Value input,
                    ArrayRef<int64_t> shape, ValueRange dynamicSizes) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type elementType = inputType.getElementType();
  if (!inputType.hasStaticShape() ||
      llvm::any_of(shape, ShapedType::isDynamic)) {
    if (inputType.getShape() == shape &&
        llvm::count_if(shape, ShapedType::isDynamic) ==
            static_cast<int64_t>(dynamicSizes.size()))
      return input;
    // tensor.reshape takes the run-time shape; it bufferizes to a view.
    SmallVector<Value> sizes;
    auto dynamicSize = dynamicSizes.begin();
    for (int64_t size : shape) {
      Value value =
          ShapedType::isDynamic(size)
              ? *dynamicSize++
              : Value(arith::ConstantIndexOp::create(b, loc, size));
      sizes.push_back(
          arith::IndexCastOp::create(b, loc, b.getI64Type(), value));
    }
    Value shapeTensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({int64_t(shape.size())}, b.getI64Type()),
        sizes);
    return tensor::ReshapeOp::create(
        b, loc, RankedTensorType::get(shape, elementType), input, shapeTensor);
  }
  if (inputType.getShape() == shape)
    return input;
  int64_t count = inputType.getNumElements();
  auto flatType = RankedTensorType::get({count}, elementType);
  auto allInOne = [](int64_t rank) {
    SmallVector<ReassociationIndices> reassociation;
    if (rank == 0)
      return reassociation;
    reassociation.emplace_back(llvm::to_vector(llvm::seq<int64_t>(0, rank)));
    return reassociation;
  };
  Value flat = input;
  if (inputType.getRank() != 1)
    flat = inputType.getRank() == 0
               ? Value(tensor::ExpandShapeOp::create(b, loc, flatType, input,
                                                     allInOne(0)))
               : Value(tensor::CollapseShapeOp::create(
                     b, loc, input, allInOne(inputType.getRank())));
  if (shape.size() == 1)
    return flat;
  auto resultType = RankedTensorType::get(shape, elementType);
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           allInOne(0));
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat,
                                       allInOne(shape.size()));
}

Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, Value padValue) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  size_t spatial = type.getRank() - 2;
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high = low;
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < spatial; ++i) {
    low.push_back(b.getIndexAttr(pads[i]));
    high.push_back(b.getIndexAttr(pads[i + spatial]));
    if (!ShapedType::isDynamic(shape[i + 2]))
      shape[i + 2] += pads[i] + pads[i + spatial];
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, resultType, input, low, high, padValue);
}

Value convertElementType(OpBuilder &b, Location loc, Value input,
                         Type elementType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType() == elementType)
    return input;
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  unsigned from = type.getElementType().getIntOrFloatBitWidth();
  unsigned to = elementType.getIntOrFloatBitWidth();
  return buildElementwise(
      b, loc, resultType, {input}, [&](OpBuilder &nb, Location l, ValueRange args) {
        return from < to ? Value(arith::ExtFOp::create(nb, l, elementType, args[0]))
                         : Value(arith::TruncFOp::create(nb, l, elementType, args[0]));
      });
}

Value createAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return arith::AddFOp::create(b, loc, lhs, rhs);
  return arith::AddIOp::create(b, loc, lhs, rhs);
}

Value createMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return arith::MulFOp::create(b, loc, lhs, rhs);
  return arith::MulIOp::create(b, loc, lhs, rhs);
}

Value createMax(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return arith::MaximumFOp::create(b, loc, lhs, rhs);
  if (lhs.getType().isInteger(1)) // true is -1 as a signed i1
    return arith::OrIOp::create(b, loc, lhs, rhs);
  return arith::MaxSIOp::create(b, loc, lhs, rhs);
}

} // namespace dlc
