//===- ConvertShapeOps.cpp - constants, reshapes and indexing -> tensor ---===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dlc {
namespace {

/// Large splats (ConstantOfShape weights, Expand's always-true condition)
/// become a fill, so no constant of their full size reaches the binary.
struct ConstantPattern : OpConversionPattern<dlg::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (dense && dense.isSplat() && dense.getNumElements() > 64) {
      Location loc = op.getLoc();
      Value scalar = arith::ConstantOp::create(
          rewriter, loc, dense.getSplatValue<TypedAttr>());
      rewriter.replaceOp(
          op, filledTensor(rewriter, loc, dense.getType().getShape(), scalar));
      return success();
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

/// A dynamic `input` in the static `type`: a run-time check guards the
/// element count, but the kernel runs either way, so it copies at most the
/// elements the input has (the rest stay zero) instead of viewing memory
/// past its end.
Value boundedReshape(OpBuilder &b, Location loc, Value input,
                     RankedTensorType type) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t count = type.getNumElements();
  if (count == 0)
    return emptyTensor(b, loc, type.getShape(), type.getElementType());
  Value flat = input;
  if (inputType.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      all.front().push_back(d);
    flat = tensor::CollapseShapeOp::create(b, loc, input, all);
  }
  Value available = arith::MinUIOp::create(
      b, loc, dimSize(b, loc, flat, 0),
      arith::ConstantIndexOp::create(b, loc, count));
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  Value part = tensor::ExtractSliceOp::create(
      b, loc, flat, ArrayRef<OpFoldResult>{zero},
      ArrayRef<OpFoldResult>{available}, ArrayRef<OpFoldResult>{one});
  Value result = filledTensor(
      b, loc, {count}, scalarConstant(b, loc, type.getElementType(), 0));
  result = tensor::InsertSliceOp::create(b, loc, part, result,
                                         ArrayRef<OpFoldResult>{zero},
                                         ArrayRef<OpFoldResult>{available},
                                         ArrayRef<OpFoldResult>{one});
  return reshapeTensor(b, loc, result, type.getShape());
}

/// Every op that only reinterprets the shape lowers to collapse + expand.
template <typename OpTy> struct ReshapeLikePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<Value> sizes;
    if constexpr (std::is_same_v<OpTy, dlg::FlattenOp>) {
      // [d0 * ... * d(axis-1), d(axis) * ... * d(rank-1)].
      auto inputType = cast<RankedTensorType>(input.getType());
      int64_t rank = inputType.getRank();
      int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
      // A named array: a braced list inside the range expression would die
      // before the loop runs.
      std::pair<int64_t, int64_t> ranges[] = {{0, axis}, {axis, rank}};
      for (auto [part, range] : llvm::enumerate(ranges)) {
        if (!type.isDynamicDim(part))
          continue;
        Value size = arith::ConstantIndexOp::create(rewriter, loc, 1);
        for (int64_t d = range.first; d < range.second; ++d)
          size = arith::MulIOp::create(rewriter, loc, size,
                                       dimSize(rewriter, loc, input, d));
        sizes.push_back(size);
      }
    } else if (type.hasStaticShape() &&
               !cast<RankedTensorType>(input.getType()).hasStaticShape()) {
      rewriter.replaceOp(op, boundedReshape(rewriter, loc, input, type));
      return success();
    } else {
      // Squeeze and unsqueeze keep the dynamic dims in order; a dlg.reshape
      // result is static.
      sizes = dynamicDimSizes(rewriter, loc, input);
    }
    rewriter.replaceOp(op,
                       reshapeTensor(rewriter, loc, input, type.getShape(),
                                     sizes));
    return success();
  }
};

struct TransposePattern : OpConversionPattern<dlg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<Value> sizes;
    for (auto [d, source] : llvm::enumerate(op.getPerm()))
      if (type.isDynamicDim(d))
        sizes.push_back(
            dimSize(rewriter, op.getLoc(), adaptor.getInput(), source));
    Value init = emptyTensor(rewriter, op.getLoc(), type.getShape(),
                             type.getElementType(), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

struct ConcatPattern : OpConversionPattern<dlg::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
    if (!type.hasStaticShape()) {
      // Offsets along the axis and the sizes come from the run-time dims.
      ValueRange inputs = adaptor.getInputs();
      Value axisSize = arith::ConstantIndexOp::create(rewriter, loc, 0);
      for (Value input : inputs)
        axisSize = arith::AddIOp::create(rewriter, loc, axisSize,
                                         dimSize(rewriter, loc, input, axis));
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          sizes.push_back(d == axis ? axisSize
                                    : dimSize(rewriter, loc, inputs[0], d));
      Value result = emptyTensor(rewriter, loc, type.getShape(),
                                 type.getElementType(), sizes);
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      for (Value input : inputs) {
        SmallVector<OpFoldResult> inputSizes =
            tensor::getMixedSizes(rewriter, loc, input);
        result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                               offsets, inputSizes, strides);
        offsets[axis] = arith::AddIOp::create(
                            rewriter, loc,
                            getValueOrCreateConstantIndexOp(rewriter, loc,
                                                            offsets[axis]),
                            dimSize(rewriter, loc, input, axis))
                            .getResult();
      }
      rewriter.replaceOp(op, result);
      return success();
    }
    Value result =
        emptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      // An empty input adds nothing; its offset may lie past the end.
      if (inputType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, ValueRange{}, ValueRange{},
          ValueRange{}, offsets, inputType.getShape(), strides);
      offsets[axis] += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Positive steps are a strided extract_slice; a negative step reads the same
/// elements with a positive stride and reverses them in an indexing map.
struct SlicePattern : OpConversionPattern<dlg::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> offsets, strides;
    SmallVector<AffineExpr> reverse;
    bool needsReverse = false;
    for (auto [d, start, size, step] :
         llvm::enumerate(op.getStarts(), op.getSizes(), op.getSteps())) {
      AffineExpr dim = getAffineDimExpr(d, ctx);
      if (step > 0 || size == 0) {
        offsets.push_back(size == 0 ? 0 : start);
        strides.push_back(std::abs(step));
        reverse.push_back(dim);
        continue;
      }
      offsets.push_back(start + (size - 1) * step);
      strides.push_back(-step);
      reverse.push_back(size - 1 - dim);
      needsReverse = true;
    }
    Value result = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getInput(), ValueRange{}, ValueRange{},
        ValueRange{}, offsets, type.getShape(), strides);
    if (needsReverse) {
      AffineMap readMap = AffineMap::get(type.getRank(), 0, reverse, ctx);
      Value init =
          emptyTensor(rewriter, loc, type.getShape(), type.getElementType());
      SmallVector<utils::IteratorType> iterators(type.getRank(),
                                                 utils::IteratorType::parallel);
      result = linalg::GenericOp::create(
                   rewriter, loc, type, result, init,
                   ArrayRef<AffineMap>{readMap, rewriter.getMultiDimIdentityMap(
                                                    type.getRank())},
                   iterators,
                   [](OpBuilder &b, Location l, ValueRange args) {
                     linalg::YieldOp::create(b, l, args[0]);
                   })
                   .getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[pre..., idx..., post...] = data[pre..., indices[idx...], post...].
/// Negative indices wrap once; indices still out of range are clamped so a
/// bad index never reads outside the tensor.
struct GatherPattern : OpConversionPattern<dlg::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), dataType.getRank());
    int64_t indexRank = indicesType.getRank();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(getAffineDimExpr(axis + d, ctx));
    Value data = adaptor.getData();
    Value axisSize = dimSize(rewriter, loc, data, axis);
    // Result dims: data's before the axis, the indices', data's after it.
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      if (d < axis)
        sizes.push_back(dimSize(rewriter, loc, data, d));
      else if (d < axis + indexRank)
        sizes.push_back(dimSize(rewriter, loc, adaptor.getIndices(), d - axis));
      else
        sizes.push_back(dimSize(rewriter, loc, data, d - indexRank + 1));
    }
    Value init = emptyTensor(rewriter, loc, type.getShape(),
                             type.getElementType(), sizes);
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, adaptor.getIndices(), init,
        ArrayRef<AffineMap>{AffineMap::get(type.getRank(), 0, indexExprs, ctx),
                            rewriter.getMultiDimIdentityMap(type.getRank())},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value size = axisSize;
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, size), index);
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(
              b, l, index,
              arith::MaxSIOp::create(
                  b, l, zero,
                  arith::SubIOp::create(
                      b, l, size, arith::ConstantIndexOp::create(b, l, 1))));
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(index);
          for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d + indexRank - 1));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateShapeLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantPattern, ReshapeLikePattern<dlg::ReshapeOp>,
               ReshapeLikePattern<dlg::FlattenOp>,
               ReshapeLikePattern<dlg::SqueezeOp>,
               ReshapeLikePattern<dlg::UnsqueezeOp>, TransposePattern,
               ConcatPattern, SlicePattern, GatherPattern>(
      patterns.getContext());
}

} // namespace dlc
