//===- ConvertChecks.cpp - dlg.check -> a store to the status word --------===//
//
// A failed check writes its code to the entry function's status argument,
// unless an earlier check failed, and the computation goes on; dlc_model_run
// returns the code, so the runtime reports the check's message instead of the
// outputs.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dlc {
namespace {

struct CheckLowering : OpConversionPattern<dlg::CheckOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dlg::CheckOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto code = op->getAttrOfType<IntegerAttr>(kCheckCodeAttr);
    auto func = op->getParentOfType<func::FuncOp>();
    if (!code || !func || func.getNumArguments() == 0 ||
        !func.getArgAttr(0, kStatusArgAttr))
      return rewriter.notifyMatchFailure(
          op, "needs a check code and a status argument; run "
              "dlc-codegen-record-model-interface first");
    Location loc = op.getLoc();
    Value holds = tensor::ExtractOp::create(
        rewriter, loc, adaptor.getCondition(), ValueRange());
    Value fails = arith::XOrIOp::create(
        rewriter, loc, holds,
        arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true)));
    Value status = func.getArgument(0);
    auto ifOp = scf::IfOp::create(rewriter, loc, fails, /*withElse=*/false);
    {
      // The first failed check is the cause; later ones may only follow
      // from it, so they keep its code.
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value current = memref::LoadOp::create(rewriter, loc, status);
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getI32IntegerAttr(0));
      Value first = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, current, zero);
      Value value = arith::ConstantOp::create(rewriter, loc, code);
      Value stored =
          arith::SelectOp::create(rewriter, loc, first, value, current);
      memref::StoreOp::create(rewriter, loc, stored, status, ValueRange());
    }
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void populateCheckLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<CheckLowering>(patterns.getContext());
}

} // namespace dlc
