//===- ConvertDynamic.cpp - dlg ops of dynamic dims -> tensor -------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dlc {
namespace {

struct DimPattern : OpConversionPattern<dlg::DimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value size = dimSize(rewriter, loc, adaptor.getInput(), op.getDim());
    Value wide =
        arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), size);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), wide);
    return success();
  }
};

/// tensor.reshape reads the run-time shape; the frontend checked it.
struct DynamicReshapePattern : OpConversionPattern<dlg::DynamicReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::DynamicReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(
        op, op.getType(), adaptor.getInput(), adaptor.getShape());
    return success();
  }
};

/// An extract_slice of the clamped run-time size.
struct TruncatePattern : OpConversionPattern<dlg::TruncateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::TruncateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t axis = op.getAxis();
    Value requested = tensor::ExtractOp::create(rewriter, loc,
                                                adaptor.getSize(), ValueRange{});
    Value size = arith::IndexCastOp::create(rewriter, loc,
                                            rewriter.getIndexType(), requested);
    size = arith::MaxSIOp::create(
        rewriter, loc, size, arith::ConstantIndexOp::create(rewriter, loc, 0));
    size = arith::MinSIOp::create(rewriter, loc, size,
                                  dimSize(rewriter, loc, input, axis));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, input);
    sizes[axis] = size;
    SmallVector<OpFoldResult> offsets(sizes.size(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), input, offsets, sizes, strides);
    return success();
  }
};

} // namespace

void populateDynamicLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<DimPattern, DynamicReshapePattern, TruncatePattern>(patterns.getContext());
}

} // namespace dlc
