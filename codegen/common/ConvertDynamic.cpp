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

} // namespace

void populateDynamicLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<DimPattern, DynamicReshapePattern>(patterns.getContext());
}

} // namespace dlc
