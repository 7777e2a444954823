//===- ConvertShapeOps.cpp - constants, reshapes and indexing -> tensor ---===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

/// Every op that only reinterprets the shape lowers to collapse + expand.
template <typename OpTy> struct ReshapeLikePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(),
                                         adaptor.getInput(), type.getShape()));
    return success();
  }
};

struct TransposePattern : OpConversionPattern<dlg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value init = emptyTensor(rewriter, op.getLoc(), type.getShape(),
                             type.getElementType());
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
    int64_t axisSize = dataType.getDimSize(axis);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(getAffineDimExpr(axis + d, ctx));
    Value data = adaptor.getData();
    Value init =
        emptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, adaptor.getIndices(), init,
        ArrayRef<AffineMap>{AffineMap::get(type.getRank(), 0, indexExprs, ctx),
                            rewriter.getMultiDimIdentityMap(type.getRank())},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value size = arith::ConstantIndexOp::create(b, l, axisSize);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, size), index);
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(
              b, l, index,
              arith::ConstantIndexOp::create(
                  b, l, std::max<int64_t>(0, axisSize - 1)));
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
